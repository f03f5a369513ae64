"""Every figure of a run: what to draw, under which report section, with which caption.

``plan_figures`` returns the figures as specs whose ``make()`` draws on demand (one figure in memory at a
time) and the figures left out with the reason (e.g. no raw values -> no waterfall). ``figure_jobs`` turns
the specs into picklable ``(function, args)`` jobs returning each figure's bytes (``save.FigureFiles``);
the run-folder writer (``pipeline.runs.folder``) runs them in its worker processes and writes the files.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import partial

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from pipeline.analysis.results import AnalysisResult
from pipeline.config import StudyConfig
from pipeline.figures import labels as L
from pipeline.figures.flow import patient_flow, plot_patient_flow
from pipeline.figures.forest import plot_forest
from pipeline.figures.km import km_panels
from pipeline.figures.literature import plot_literature
from pipeline.figures.response import plot_response_by_cycle, plot_waterfall, waterfall_data
from pipeline.figures.save import PNG_DPI, render_figure
from pipeline.figures.spec import FigureSpec, Omitted
from pipeline.figures.swimmer import plot_swimmer, swimmer_data
from pipeline.meta.words import ci_label
from pipeline.text.fmt import level as ci_level
from pipeline.text.i18n import join, t, words


def caption(key: str, lang: str, **kw: object) -> str:
    """The caption ``key`` (``cap.<key>`` in ``pipeline/text/``), formatted with ``kw``."""
    return words(lang)[f"cap.{key}"].format(**kw)


def plan_figures(res: AnalysisResult, config: StudyConfig, cutoff_report: dict | None = None,
                 lang: str = "en", text_lang: str | None = None) -> tuple[list[FigureSpec], list[Omitted]]:
    """The figures of a run (drawn in ``lang``) with captions in ``text_lang`` (default ``lang``)."""
    tl = text_lang or lang
    a = config.analysis
    level = ci_level(a.conf_level)
    specs = _cohort_specs(res, config, cutoff_report, lang, tl)
    more, omitted = _response_specs(res, config, lang, tl)
    specs += more + _km_specs(res, config, lang, tl)
    if res.literature:
        specs.append(FigureSpec("literature_orr", "response",
                                t("cap_literature", tl, ci=ci_label(res.literature["conf_level"])),
                                partial(plot_literature, res.literature, lang)))
    from pipeline.figures.cuminc import cuminc_specs  # competing risks (section "competing")

    specs += cuminc_specs(res, config, lang, tl)
    comps = res.comparisons
    has_hr = comps is not None and not comps.empty and comps["hr"].notna().any()
    if has_hr:
        specs.append(FigureSpec("forest_hazard_ratios", "comparisons", caption("forest", tl, level=level),
                                partial(axes_figure, plot_forest, _pfs_os(res.comparisons), res.landmark_comparisons,
                                                    lang=lang, level=level)))
    elif comps is not None and not comps.empty:
        omitted.append(Omitted("forest_hazard_ratios", "comparisons", caption("no_forest", tl)))
    from pipeline.figures.adjusted_catalogue import adjusted_specs

    specs += adjusted_specs(res, config, lang, tl)
    return specs, omitted


def _cohort_specs(res: AnalysisResult, config: StudyConfig, cutoff_report: dict | None, lang: str,
                  tl: str) -> list[FigureSpec]:
    """The patient flow and the swimmer plot (at most ``max_patients_per_figure`` patients)."""
    a = config.analysis
    steps = patient_flow(res.adsl, cutoff_report, a.evaluable_min_cycles, a.extended_min_cycles, lang)
    specs = [FigureSpec("patient_flow", "cohort", caption("flow", tl, cutoff=config.cutoff.isoformat()),
                        partial(axes_figure, plot_patient_flow, steps, lang=lang))]
    sw_all = swimmer_data(res.adsl, res.adtte, res.adrs)
    sw = evenly_spaced(sw_all, "end", config.report.max_patients_per_figure)
    if len(sw):
        cap = caption("swimmer", tl, L=a.cycle_length_days)
        if len(sw) < len(sw_all):
            cap += caption("sampled", tl, k=len(sw), n=len(sw_all), by=caption("by_time_on_study", tl))
        specs.append(FigureSpec("swimmer", "cohort", cap,
                                partial(axes_figure, plot_swimmer, sw, cycle_length_days=a.cycle_length_days, lang=lang)))
    return specs


def _response_specs(res: AnalysisResult, config: StudyConfig, lang: str,
                    tl: str) -> tuple[list[FigureSpec], list[Omitted]]:
    """The waterfall (raw values only) and the response by cycle, or why they are left out."""
    specs: list[FigureSpec] = []
    omitted: list[Omitted] = []
    wf_all = waterfall_data(res.adsl, res.response.patients)
    if wf_all is not None:
        wf = evenly_spaced(wf_all, "best_pct_change", config.report.max_patients_per_figure)
        cap = caption("waterfall", tl, n=len(wf_all))
        if "followed_by" in res.adsl:
            fb = wf_all["patient_id"].map(res.adsl.set_index("patient_id")["followed_by"]).fillna("?").astype(str)
            counts = join([f"{words(tl).get(f'measure.{k}', k)} {v}" for k, v in fb.value_counts().sort_index().items()],
                          tl)
            cap += caption("waterfall_measures", tl, counts=counts)
        if len(wf) < len(wf_all):
            cap += caption("sampled", tl, k=len(wf), n=len(wf_all), by=caption("by_best_change", tl))
        specs.append(FigureSpec("waterfall_best_change", "response", cap,
                                partial(axes_figure, plot_waterfall, wf, lang=lang)))
    else:
        omitted.append(Omitted("waterfall_best_change", "response", caption("no_waterfall", tl, src=res.response.source)))
    if res.by_cycle is not None and not res.by_cycle.empty:
        bc = res.by_cycle
        ne = caption("by_cycle_ne", tl) if (bc.loc[bc["category"] == "NE", "n"] > 0).any() else ""
        specs.append(FigureSpec("response_by_cycle", "response", caption("by_cycle", tl, ne=ne, table=t("t_by_cycle", tl)),
                                partial(axes_figure, plot_response_by_cycle, bc, lang=lang)))
    else:
        omitted.append(Omitted("response_by_cycle", "response", caption("no_by_cycle", tl)))
    return specs, omitted


def _km_specs(res: AnalysisResult, config: StudyConfig, lang: str, tl: str) -> list[FigureSpec]:
    """One Kaplan-Meier figure per endpoint overall (survival section), per grouping and per landmark
    analysis (comparisons section)."""
    a = config.analysis
    level = ci_level(a.conf_level)
    labels_by = {c.by: c.label for c in a.comparisons}
    immortal = {c.by for c in a.comparisons if c.accrues_after_index}
    specs = []
    for p in km_panels(res.curves, res.landmark_curves, res.comparisons, res.landmark_comparisons,
                       labels_by=labels_by, lang=lang, level=level):
        by = p.group_by
        ep_txt = L.lower_first(L.tr(p.endpoint, tl), tl)
        what_l = L.lower_first(L.comparison_name(by, labels_by.get(by), tl), tl)
        n = sum(int(c.fit.n) for c in p.curves)
        if by is None:
            cap = caption("km_overall", tl, ep=ep_txt, n=n, level=level, conf=t(f"conf_name.{a.conf_type}", tl))
        elif p.landmark:
            cap = caption("km_landmark", tl, ep=ep_txt, what=what_l, L=a.landmark_days, cl=a.cycle_length_days)
        else:
            cap = caption("km_by", tl, ep=ep_txt, what=what_l, level=level)
            cap += caption("km_immortal", tl) if by in immortal else ""
        section = "survival" if by is None else "comparisons"
        specs.append(FigureSpec(p.name, section, cap, partial(p.draw, res.ticks_months, res.risk_table, lang), group_by=by, landmark=p.landmark))
    return specs


def evenly_spaced(df: pd.DataFrame, by: str, k: int) -> pd.DataFrame:
    """At most ``k`` rows of ``df``: all of them, or ``k`` rows evenly spaced in the order of ``by`` (ties by
    patient_id), so the sample spans the smallest to the largest value. Deterministic."""
    if len(df) <= k:
        return df
    order = df.sort_values([by, "patient_id"], kind="stable", na_position="first")
    take = np.unique(np.round(np.linspace(0, len(df) - 1, k)).astype(int))
    return order.iloc[take].sort_index()


def axes_figure(plot: Callable, *args: object, **kwargs: object) -> Figure:
    """The figure of ``plot(*args, **kwargs)``, for the ``plot_x`` functions that return their axes."""
    return plot(*args, **kwargs).figure


def figure_jobs(specs: Sequence[FigureSpec], dpi: int = PNG_DPI) -> list[tuple]:
    """One ``(function, args)`` job per spec; ``function(*args)`` returns the figure's ``FigureFiles``."""
    return [(render_figure, (s.make, dpi)) for s in specs]


def _pfs_os(comps):
    """The forest plot shows PFS and OS (its title says so); DOR and TTNT are in the tables."""
    return comps[comps["endpoint"].isin(["PFS", "OS"])]
