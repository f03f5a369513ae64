"""``mmcohort init``: draft a study config from a hospital export.

Small modules: ``normalize`` (header and value folding), ``synonyms`` (known headers per canonical column),
``families`` (known value spellings), ``profile`` (what a column's values look like), ``match`` (header
-> canonical proposals), ``propose`` (the whole draft), ``writer`` (YAML with evidence comments).
"""

from pipeline.draft.propose import Draft, draft_config
from pipeline.draft.writer import render_draft

__all__ = ["Draft", "draft_config", "render_draft"]
