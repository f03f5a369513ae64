"""The report: HTML (self-contained) and Markdown from one document model, and the tables as Word.

- ``build.build_report(res, config, ...) -> (html, markdown)``
- ``docx.build_docx(tables, ...) -> bytes``
- ``render.render_report(res, config, plan, drawn, ...) -> {path: text or bytes}``: report.html, report.md
  and tables/tables.docx of a run; ``pipeline.runs.folder`` draws the figures and writes the files
  (nothing in this stage writes a file).
"""

from __future__ import annotations

from typing import Any

__all__ = ["build_docx", "build_report", "render_report"]


def __getattr__(name: str) -> Any:  # lazy: the figures import ``pipeline.text.fmt`` without cycles
    if name == "build_report":
        from pipeline.report.build import build_report

        return build_report
    if name == "build_docx":
        from pipeline.report.docx import build_docx

        return build_docx
    if name == "render_report":
        from pipeline.report.render import render_report

        return render_report
    raise AttributeError(name)
