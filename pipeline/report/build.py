"""Assemble the report (sections of paragraphs, tables, figures, warnings) and render it to HTML and Markdown.

``assemble_document`` decides what the report says, from the analysis result, the config actually used and
the run's data-quality facts: the summary and one builder per section (``pipeline/report/sections.py``,
in document order); ``build_report`` renders that document with the Jinja2 templates in ``templates/``
into one self-contained HTML file (figures as base64 PNG, CSS inline, no network) and its Markdown twin
(figures linked from ``figures/``). Nothing here touches files.
"""

from __future__ import annotations

from collections.abc import Sequence

import jinja2

from pipeline.analysis.results import AnalysisResult
from pipeline.config import StudyConfig
from pipeline.figures.catalogue import Omitted
from pipeline.report.document import Context, RenderedFigure, ReportDocument, Section
from pipeline.report.sections import SECTION_BUILDERS, summary
from pipeline.text.escape import md_code, md_escape
from pipeline.text.i18n import t

SECTIONS = tuple(sid for sid, _, _ in SECTION_BUILDERS)


def section_headings(lang: str) -> list[str]:
    """The report's section headings, numbered as they appear (tests look for these)."""
    return [f"{i}. {t(key, lang)}" for i, (_, key, _) in enumerate(SECTION_BUILDERS, 1)]


def assemble_document(res: AnalysisResult, config: StudyConfig, *, figures: Sequence[RenderedFigure] = (),
                      omitted: Sequence[Omitted] = (), cutoff_report: dict | None = None,
                      issues: Sequence = (), manifest: dict | None = None, lang: str | None = None,
                      notes: Sequence[str] = (), changes: dict | None = None) -> ReportDocument:
    """Everything the report says, as sections of blocks (no rendering)."""
    ctx = Context(res, config, lang or config.report.language, figures=list(figures), omitted=omitted,
                  cutoff_report=cutoff_report or {}, issues=issues, manifest=manifest or {}, notes=notes,
                  changes=changes)
    head = summary(ctx)
    sections = []
    for heading, (sid, _, build) in zip(section_headings(ctx.lang), SECTION_BUILDERS, strict=True):
        blocks = [blk for blk in build(ctx) if not (blk["kind"] == "p" and not blk["text"])]
        sections.append(Section(sid, heading, blocks))
    return ReportDocument(ctx.lang, ctx.title(), ctx.subtitle(), head, sections, ctx.tables)


# --------------------------------------------------------------------------- rendering


def _md_cell(s: object) -> str:
    return md_escape(s, cell=True)


def _env(autoescape: bool) -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.PackageLoader("pipeline.report", "templates"),
                             autoescape=autoescape, trim_blocks=True, lstrip_blocks=True,
                             undefined=jinja2.StrictUndefined, keep_trailing_newline=True)
    env.filters["md_cell"] = _md_cell
    env.filters["md"] = md_escape
    env.filters["md_code"] = md_code
    return env


def render_html(doc: ReportDocument) -> str:
    return _env(True).get_template("report.html.j2").render(doc=doc, contents_label=t("contents", doc.lang),
                                                           summary_label=t("summary", doc.lang),
                                                           note_label=t("figures_omitted", doc.lang))


def render_markdown(doc: ReportDocument) -> str:
    return _env(False).get_template("report.md.j2").render(doc=doc, summary_label=t("summary", doc.lang),
                                                          note_label=t("figures_omitted", doc.lang))


def build_report(res: AnalysisResult, config: StudyConfig, *, figures: Sequence[RenderedFigure] = (),
                 omitted: Sequence[Omitted] = (), cutoff_report: dict | None = None, issues: Sequence = (),
                 manifest: dict | None = None, lang: str | None = None,
                 notes: Sequence[str] = ()) -> tuple[str, str]:
    """The report as (HTML, Markdown): one self-contained HTML file and its Markdown twin.

    Parameters
    ----------
    res, config
        The analysis result and the config actually used (the methods are written from it).
    figures
        Figures already drawn (PNG bytes are embedded in the HTML; the Markdown links ``path``).
    omitted
        Figures left out and why (shown as notes where they would be).
    cutoff_report, issues, manifest
        ``Prepared.cutoff.as_dict()``, the validation issues, the run manifest (inputs, versions, config).
    lang
        ``"en"`` or ``"zh"`` (default: ``config.report.language``).
    notes
        Extra notes for the data-quality section (e.g. figures drawn in English for want of a CJK font).
    """
    doc = assemble_document(res, config, figures=figures, omitted=omitted, cutoff_report=cutoff_report,
                            issues=issues, manifest=manifest, lang=lang, notes=notes)
    return render_html(doc), render_markdown(doc)


__all__ = ["RenderedFigure", "ReportDocument", "assemble_document", "build_report", "render_html",
           "render_markdown", "section_headings"]
