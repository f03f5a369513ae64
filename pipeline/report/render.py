"""Draw every figure and write the report into a run folder: figures/, report.html, report.md, tables.docx.

Called once by ``run_study`` inside the staged run folder. Figures are drawn one at a time and saved as
PNG (300 dpi) and SVG; the HTML embeds the PNGs; the Markdown links them.
"""

from __future__ import annotations

import datetime as dt
import logging
import multiprocessing as mp
import os
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from pipeline.analysis.results import AnalysisResult
from pipeline.config import StudyConfig
from pipeline.figures.catalogue import plan_figures
from pipeline.figures.save import PNG_DPI, save_figure
from pipeline.figures.style import figure_language
from pipeline.report.build import RenderedFigure, assemble_document, render_html, render_markdown
from pipeline.report.docx import build_docx
from pipeline.runs.faults import die_with_parent, stop_pool
from pipeline.text.i18n import t

log = logging.getLogger("mmcohort")


_SPECS: list = []  # the figure plan, inherited by forked drawing workers (closures do not pickle)


def _draw_one(i: int, folder: Path, dpi: int) -> tuple[dict[str, Path], float]:
    fig = _SPECS[i].make()
    paths = save_figure(fig, folder, _SPECS[i].name, dpi=dpi)
    return paths, float(fig.get_figwidth())


def _draw_all(specs: list, folder: Path, dpi: int) -> list[tuple[dict[str, Path], float]]:
    """Draw and save every figure; on a multi-core POSIX machine two forked workers share the work.

    Drawing is pure CPU (PNG rasterising at 300 dpi dominates), and each figure's bytes depend only on its
    spec, so the files are identical however the work is split.
    """
    global _SPECS
    _SPECS = list(specs)
    try:
        workers = min(2, os.cpu_count() or 1, len(specs))
        if workers > 1 and "fork" in mp.get_all_start_methods():
            # workers die with this process however it ends, and are killed at once if the run fails
            ex = ProcessPoolExecutor(max_workers=workers, mp_context=mp.get_context("fork"),
                                     initializer=die_with_parent, initargs=(os.getpid(),))
            try:
                out = list(ex.map(_draw_one, range(len(specs)), [folder] * len(specs), [dpi] * len(specs)))
            except BaseException:
                stop_pool(ex)
                raise
            ex.shutdown(wait=True)
            return out
        return [_draw_one(i, folder, dpi) for i in range(len(specs))]
    finally:
        _SPECS = []


def render_outputs(folder: Path, res: AnalysisResult, config: StudyConfig, *, cutoff_report: dict | None = None,
                   issues: Sequence = (), manifest: dict | None = None, changes: dict | None = None,
                   dpi: int = PNG_DPI, figures: bool | None = None) -> dict[str, Path]:
    """Write ``figures/*.png|svg``, ``report.html``, ``report.md`` and ``tables/tables.docx`` under ``folder``.

    ``figures=False`` (default: ``config.report.figures`` when the config has that option, else True) skips
    drawing (about 0.3 s a figure, ~20 figures); the report then says so where the figures would be.
    Returns the written paths by name (``report.html``, ``report.md``, ``tables.docx``, ``figures/<name>.png``...).
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    lang = config.report.language
    fig_lang = figure_language(lang)
    notes = []
    if lang == "zh" and fig_lang != "zh":
        notes.append(t("w_zh_font", "zh"))
    if figures is None:
        figures = bool(getattr(config.report, "figures", True))
    specs, omitted = plan_figures(res, config, cutoff_report, lang=fig_lang, text_lang=lang)
    if not figures:
        notes = [t("figures_off", lang)]
        specs = []
    written: dict[str, Path] = {}
    rendered = []
    for spec, (paths, width_in) in zip(specs, _draw_all(specs, folder / "figures", dpi), strict=True):
        for fmt_, p in paths.items():
            written[f"figures/{spec.name}.{fmt_}"] = p
        rendered.append(RenderedFigure(spec.name, spec.section, spec.caption, png=paths["png"].read_bytes(),
                                       path=f"figures/{spec.name}.png", group_by=spec.group_by,
                                       landmark=spec.landmark, width_in=width_in))
    for o in omitted:
        log.info("figure %s omitted: %s", o.name, o.reason)
    doc = assemble_document(res, config, figures=rendered, omitted=omitted, cutoff_report=cutoff_report,
                            issues=issues, manifest=manifest, lang=lang, notes=notes, changes=changes)
    (folder / "report.html").write_text(render_html(doc), encoding="utf-8")
    (folder / "report.md").write_text(render_markdown(doc), encoding="utf-8")
    written["report.html"] = folder / "report.html"
    written["report.md"] = folder / "report.md"
    stamp = dt.datetime.combine(config.cutoff, dt.time())
    docx_path = folder / "tables" / "tables.docx"
    docx_path.parent.mkdir(parents=True, exist_ok=True)
    docx_path.write_bytes(build_docx(doc.tables, title=doc.title, lang=lang, stamp=stamp))
    written["tables.docx"] = docx_path
    return written
