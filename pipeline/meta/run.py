"""``mmcohort meta``: config -> checked studies -> analyses -> output folder (written atomically).

Folder: ``meta.json``, ``report.html``, ``report.md``, ``figures/forest_<outcome>.png|svg`` (and
``funnel_<outcome>`` when k >= 10), ``tables/studies_<outcome>.csv``.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path

import pandas as pd

from pipeline import __version__
from pipeline.figures.save import figure_bytes, figure_files
from pipeline.figures.style import figure_language
from pipeline.meta.analyse import EGGER_MIN_K, analyse_outcome, prepare
from pipeline.meta.config import MetaConfig
from pipeline.meta.forest import plot_forest
from pipeline.meta.funnel import plot_funnel
from pipeline.meta.report import render
from pipeline.meta.table import check_studies, load_studies
from pipeline.runs.folder import _clean, staged_run_folder, write_bytes, write_csv, write_json, write_text

log = logging.getLogger("mmcohort")


def slug(i: int, name: str) -> str:
    """File-safe, unique name for outcome ``i``: '01_tuberculosis'."""
    s = re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")[:40] or "outcome"
    return f"{i + 1:02d}_{s}"


def analyse_all(cfg: MetaConfig) -> tuple[list[dict], dict[str, pd.DataFrame]]:
    """Every outcome's meta.json entry (JSON-clean) and its checked data; raises DataError on bad input."""
    data = check_studies(load_studies(cfg), cfg)
    analyses = [_clean(analyse_outcome(o, data[o.name], cfg.conf_level)) for o in cfg.outcomes]
    return analyses, data


def _figures(cfg, analyses, data, folder: Path, lang: str) -> dict[str, list[tuple[str, bytes]]]:
    """Draw, write and return each outcome's figures, their words in ``lang``."""
    out: dict[str, list[tuple[str, bytes]]] = {}
    for i, (o, a) in enumerate(zip(cfg.outcomes, analyses, strict=True)):
        if not a.get("k"):
            continue
        name = slug(i, o.name)
        figs = [(f"forest_{name}", plot_forest(a, o.labels.model_dump(), title=o.name, lang=lang))]
        if a["k"] >= EGGER_MIN_K:
            prep = prepare(o, data[o.name], cfg.conf_level)
            keep = prep.studies["included"].to_numpy(bool)
            figs.append((f"funnel_{name}", plot_funnel(a, prep.yi[keep], prep.vi[keep], title=o.name,
                                                        lang=lang)))
        for stem, fig in figs:
            files = figure_files(fig)
            write_bytes(folder / "figures" / f"{stem}.svg", files.svg)
            write_bytes(folder / "figures" / f"{stem}.png", files.png)
            out.setdefault(o.name, []).append((f"figures/{stem}.png", figure_bytes(fig, "png", 150)))
    return out


def run_meta(cfg: MetaConfig, out_root: Path, figures: bool = True) -> Path:
    """Analyse, then write the output folder ``out_root/<name>`` in one atomic move."""
    analyses, data = analyse_all(cfg)
    target = Path(out_root) / cfg.name
    with staged_run_folder(target) as tmp:
        write_json(tmp / "meta.json", {"mmcohort_version": __version__, "title": cfg.title,
                                       "conf_level": cfg.conf_level, "analyses": analyses})
        for i, (o, a) in enumerate(zip(cfg.outcomes, analyses, strict=True)):
            write_csv(tmp / "tables" / f"studies_{slug(i, o.name)}.csv", pd.DataFrame(a["studies"]))
        # Chinese figures need a CJK font: without one they are drawn in English (warned; the report says so)
        fig_lang = figure_language(cfg.language) if figures else cfg.language
        figs = _figures(cfg, analyses, data, tmp, fig_lang) if figures else {}
        html, md = render(cfg, analyses, figs, fig_lang)
        write_text(tmp / "report.html", html)
        write_text(tmp / "report.md", md)
        log.info("meta-analysis of %d outcome(s) written to %s", len(analyses), target)
    return target


__all__ = ["analyse_all", "run_meta", "slug"]
