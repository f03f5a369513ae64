"""``mmcohort init``: draft a study config from a hospital export.

Small modules: ``command`` (the CLI's entry: draft, check, write, report on stderr), ``normalize`` (header
and value folding), ``synonyms`` (known headers per canonical column), ``families`` (known value spellings),
``profile`` (what a column's values look like), ``match`` (header -> canonical proposals), ``sheets`` (a
sheet per table of one workbook, from the headers), ``propose`` (the whole draft), ``decisions`` (what the
export cannot decide), ``writer`` (YAML with evidence comments).
"""

from pipeline.draft.propose import Draft, draft_config
from pipeline.draft.writer import render_draft

__all__ = ["Draft", "draft_config", "render_draft"]
