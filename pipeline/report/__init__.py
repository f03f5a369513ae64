"""The report: HTML (self-contained) and Markdown from one document model, and the tables as Word.

- ``build.build_report(res, config, ...) -> (html, markdown)``
- ``docx.build_docx(tables, ...) -> bytes``
- ``render.render_outputs(folder, res, config, ...)`` draws the figures and writes everything into a run
  folder (the one place of this stage that writes files).
"""

from __future__ import annotations

from typing import Any

__all__ = ["build_docx", "build_report", "render_outputs"]


def __getattr__(name: str) -> Any:  # lazy: the figures import ``pipeline.text.fmt`` without cycles
    if name == "build_report":
        from pipeline.report.build import build_report

        return build_report
    if name == "build_docx":
        from pipeline.report.docx import build_docx

        return build_docx
    if name == "render_outputs":
        from pipeline.report.render import render_outputs

        return render_outputs
    raise AttributeError(name)
