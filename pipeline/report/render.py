"""The report files of a run as text and bytes: report.html, report.md and tables/tables.docx.

Nothing here writes a file. ``plan_report_figures`` says which figures the report shows (drawn as jobs
by ``pipeline.runs.folder``, which writes ``figures/*.png|svg``); ``render_report`` turns the drawn
figures and the analysis into the files' contents, by path (the HTML embeds the PNGs, the Markdown
links them); ``pipeline.runs.folder`` writes them.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field

from pipeline.analysis.results import AnalysisResult
from pipeline.config import StudyConfig
from pipeline.figures.catalogue import FigureSpec, Omitted, plan_figures
from pipeline.figures.save import FigureFiles
from pipeline.figures.style import figure_language
from pipeline.report.build import RenderedFigure, assemble_document, render_html, render_markdown
from pipeline.report.docx import build_docx
from pipeline.text.i18n import t

log = logging.getLogger("mmcohort")

HTML = "report.html"
MARKDOWN = "report.md"
DOCX = "tables/tables.docx"


def figure_path(name: str, fmt: str) -> str:
    """Where figure ``name`` is in the run folder, relative to it (``figures/<name>.<fmt>``)."""
    return f"figures/{name}.{fmt}"


@dataclass
class FigurePlan:
    """The figures of a report: those to draw, those left out (with why), and notes for the report."""

    specs: list[FigureSpec]
    omitted: list[Omitted]
    notes: list[str] = field(default_factory=list)


def plan_report_figures(res: AnalysisResult, config: StudyConfig, cutoff_report: dict | None = None,
                        figures: bool | None = None) -> FigurePlan:
    """The report's figures; ``figures=False`` (default: ``config.report.figures``) plans none.

    Without figures (about 0.3 s a figure, 20 to 40 figures) the report says so where they would be;
    Chinese figures without a CJK font are drawn in English, and the report says that too.
    """
    lang = config.report.language
    fig_lang = figure_language(lang)
    notes = [t("w_zh_font", "zh")] if lang == "zh" and fig_lang != "zh" else []
    if figures is None:
        figures = bool(getattr(config.report, "figures", True))
    specs, omitted = plan_figures(res, config, cutoff_report, lang=fig_lang, text_lang=lang)
    if not figures:
        return FigurePlan([], omitted, [t("figures_off", lang)])
    return FigurePlan(specs, omitted, notes)


def rendered_figures(specs: Sequence[FigureSpec], drawn: Sequence[FigureFiles]) -> list[RenderedFigure]:
    """The report's view of the drawn figures: PNG bytes to embed, the path the Markdown links to."""
    return [RenderedFigure(s.name, s.section, s.caption, png=f.png, path=figure_path(s.name, "png"),
                           group_by=s.group_by, landmark=s.landmark, width_in=f.width_in)
            for s, f in zip(specs, drawn, strict=True)]


def render_report(res: AnalysisResult, config: StudyConfig, plan: FigurePlan, drawn: Sequence[FigureFiles], *,
                  cutoff_report: dict | None = None, issues: Sequence = (), manifest: dict | None = None,
                  changes: dict | None = None) -> dict[str, str | bytes]:
    """``report.html``, ``report.md`` (text) and ``tables/tables.docx`` (bytes), by path in the run folder.

    ``drawn`` holds the files of ``plan.specs``' figures, in order.
    """
    lang = config.report.language
    for o in plan.omitted:
        log.info("figure %s omitted: %s", o.name, o.reason)
    doc = assemble_document(res, config, figures=rendered_figures(plan.specs, drawn), omitted=plan.omitted,
                            cutoff_report=cutoff_report, issues=issues, manifest=manifest, lang=lang,
                            notes=plan.notes, changes=changes)
    stamp = dt.datetime.combine(config.cutoff, dt.time())
    return {HTML: render_html(doc), MARKDOWN: render_markdown(doc),
            DOCX: build_docx(doc.tables, title=doc.title, lang=lang, stamp=stamp)}
