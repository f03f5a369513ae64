"""Every figure of a run: what to draw, under which report section, with which caption.

``plan_figures`` returns the figures as specs whose ``make()`` draws on demand (one figure in memory at a
time) and the figures left out with the reason (e.g. no raw values -> no waterfall). ``figure_jobs`` turns
the specs into picklable ``(function, args)`` jobs returning each figure's bytes (``save.FigureFiles``);
the run-folder writer (``pipeline.runs.folder``) runs them in its worker processes and writes the files.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
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
from pipeline.figures.swimmer import plot_swimmer, swimmer_data
from pipeline.meta.words import ci_label
from pipeline.text.fmt import level as ci_level
from pipeline.text.i18n import t


@dataclass
class FigureSpec:
    name: str  # file stem under figures/
    section: str  # cohort | response | survival | comparisons
    caption: str
    #: Draws the figure; picklable (a ``functools.partial`` of a module-level function and plain data),
    #: so a figure job can be sent to a worker process however it is started.
    make: Callable[[], Figure]
    group_by: str | None = None
    landmark: bool = False


@dataclass
class Omitted:
    name: str
    section: str
    reason: str


CAPTIONS = {
    "flow": {"en": "Patient flow from the data export to the analysed populations (cut-off {cutoff}).",
             "zh": "从数据导出到各分析人群的患者流程（数据截止日期 {cutoff}）。"},
    "swimmer": {"en": "Time on study for each patient (pseudonymous study IDs), from the start of treatment to "
                      "the last follow-up. Bar colour: best overall response; ticks: assumed start of each cycle "
                      "({L}-day cycles); markers: onset of response (≥ PR), progression, death, alive at last "
                      "contact; square at left: extramedullary disease.",
                "zh": "每例患者（研究编号）自治疗开始至末次随访的时间。柱颜色为最佳总体疗效；刻度为各周期的推定开始时间"
                      "（每周期 {L} 天）；标记为疗效（≥PR）出现、疾病进展、死亡及末次随访时存活；左侧方块表示髓外病变。"},
    "waterfall": {"en": "Best percentage change from baseline of the measure each patient is followed by (serum or "
                        "urine M-protein, dFLC or marrow plasma cells, per IMWG 2016), one bar per patient with "
                        "a raw value (n = {n}), coloured by best overall response. Dashed lines: −50% (PR) and "
                        "−90% (VGPR) thresholds.",
                  "zh": "每例患者随访指标（依 IMWG 2016：血清或尿 M 蛋白、dFLC 或骨髓浆细胞）较基线的最佳变化百分比，"
                        "每柱一例有原始数值的患者（n = {n}），颜色为最佳总体疗效。虚线：−50%（PR）与 −90%（VGPR）阈值。"},
    "waterfall_measures": {"en": " Measure followed (patients): {counts}.", "zh": " 随访指标（例数）：{counts}。"},
    "sampled": {"en": " Shown: {k} of the {n} patients, evenly spaced by {by} so the whole range appears (a "
                      "plot of every patient would not be legible); every patient is in derived/adsl.csv.",
                "zh": " 图中显示 {n} 例中的 {k} 例，按{by}等距抽取以覆盖全部范围（逐例绘制将无法辨认）；全部患者见 "
                      "derived/adsl.csv。"},
    "by_time_on_study": {"en": "time on study", "zh": "随访时间"},
    "by_best_change": {"en": "best change from baseline", "zh": "较基线最佳变化"},
    "by_cycle": {"en": "Response category at the assessment after each evaluated cycle (single assessments, "
                       "before confirmation); n = patients assessed at that cycle.",
                 "zh": "各评估周期后的疗效分类（单次评估，未经确认）；n 为该周期接受评估的患者数。"},
    "km_overall": {"en": "Kaplan-Meier estimate of {ep}, all patients (n = {n}). Shaded band: pointwise "
                         "{level}% CI ({conf}); tick marks: censored; dashed lines: median.",
                   "zh": "全部患者（n = {n}）{ep}的 Kaplan-Meier 曲线。阴影为逐点 {level}% 置信区间（{conf}）；"
                         "竖线标记为删失；虚线为中位时间。"},
    "km_by": {"en": "Kaplan-Meier estimates of {ep} by {what}. Log-rank test; hazard ratio from a Cox model "
                    "(Efron ties) with its {level}% CI. Tick marks: censored; dashed lines: medians.",
              "zh": "按{what}分组的{ep} Kaplan-Meier 曲线。组间比较采用 Log-rank 检验；风险比来自 Cox 模型"
                    "（Efron 结点处理）及其 {level}% 置信区间。竖线标记为删失；虚线为中位时间。"},
    "km_immortal": {"en": " Caution: the grouping accrues after time zero, so this comparison is exposed to "
                          "immortal-time bias (a patient must survive long enough to receive the cycles); see the "
                          "landmark analysis.",
                    "zh": " 注意：该分组在时间零点之后才形成，存在不朽时间偏倚（患者须存活足够长才能接受这些周期）；"
                          "请参考界标分析。"},
    "km_landmark": {"en": "Landmark analysis of {ep} by {what} at day {L}: patients with an event or censoring "
                          "before day {L} are excluded, the clock restarts at day {L}, and groups are by cycles "
                          "started by day {L} (cycle k assumed to start on day (k − 1) × {cl}).",
                    "zh": "按{what}分组的{ep}界标分析（第 {L} 天）：第 {L} 天前发生事件或删失的患者被排除，"
                          "时间自第 {L} 天重新计算，分组依据第 {L} 天前已开始的周期数（第 k 周期推定于第 (k − 1) × {cl} 天开始）。"},
    "forest": {"en": "Hazard ratios (Cox model, Efron ties) with {level}% CIs for every comparison, PFS and OS; "
                     "log-rank p. Comparisons of more than two groups have a log-rank test only.",
               "zh": "各比较的 PFS 与 OS 风险比（Cox 模型，Efron 结点处理）及 {level}% 置信区间，P 值来自 Log-rank 检验。"
                     "多于两组的比较仅报告 Log-rank 检验。"},
    "no_waterfall": {"en": "Waterfall plot omitted: the data have no raw M-protein, FLC or marrow values "
                           "(response source: {src}), so there is no best % change to draw.",
                     "zh": "未绘制瀑布图：数据中没有 M 蛋白、游离轻链或骨髓的原始数值（疗效来源：{src}），无法计算最佳变化百分比。"},
    "no_by_cycle": {"en": "Response by cycle omitted: the data have no per-cycle assessments.",
                    "zh": "未绘制各周期疗效图：数据中没有按周期的疗效评估。"},
    "no_forest": {"en": "Forest plot omitted: no comparison has a hazard ratio.",
                  "zh": "未绘制森林图：没有可估计风险比的比较。"},
}

CONF_NAMES = {"log-log": {"en": "log-log transform", "zh": "log-log 变换"},
              "log": {"en": "log transform", "zh": "log 变换"},
              "plain": {"en": "plain (linear)", "zh": "线性"}}


def caption(key: str, lang: str, **kw: object) -> str:
    return CAPTIONS[key][lang].format(**kw)


def plan_figures(res: AnalysisResult, config: StudyConfig, cutoff_report: dict | None = None,
                 lang: str = "en", text_lang: str | None = None) -> tuple[list[FigureSpec], list[Omitted]]:
    """The figures of a run (drawn in ``lang``) with captions in ``text_lang`` (default ``lang``)."""
    tl = text_lang or lang
    a = config.analysis
    level = ci_level(a.conf_level)
    specs: list[FigureSpec] = []
    omitted: list[Omitted] = []
    labels_by = {c.by: c.label for c in a.comparisons}
    immortal = {c.by for c in a.comparisons if c.accrues_after_index}

    steps = patient_flow(res.adsl, cutoff_report, a.evaluable_min_cycles, a.extended_min_cycles, lang)
    specs.append(FigureSpec("patient_flow", "cohort", caption("flow", tl, cutoff=config.cutoff.isoformat()),
                            partial(axes_figure, plot_patient_flow, steps, lang=lang)))
    cap_n = config.report.max_patients_per_figure
    sw_all = swimmer_data(res.adsl, res.adtte, res.adrs)
    sw = evenly_spaced(sw_all, "end", cap_n)
    if len(sw):
        cap = caption("swimmer", tl, L=a.cycle_length_days)
        if len(sw) < len(sw_all):
            cap += caption("sampled", tl, k=len(sw), n=len(sw_all), by=caption("by_time_on_study", tl))
        specs.append(FigureSpec("swimmer", "cohort", cap, partial(axes_figure, plot_swimmer, sw,
                                                                  cycle_length_days=a.cycle_length_days, lang=lang)))

    wf_all = waterfall_data(res.adsl, res.response.patients)
    if wf_all is not None:
        wf = evenly_spaced(wf_all, "best_pct_change", cap_n)
        cap = caption("waterfall", tl, n=len(wf_all))
        if "followed_by" in res.adsl:
            fb = wf_all["patient_id"].map(res.adsl.set_index("patient_id")["followed_by"]).fillna("?").astype(str)
            counts = ", ".join(f"{k.replace('dflc', 'dFLC')} {v}" for k, v in fb.value_counts().sort_index().items())
            cap += caption("waterfall_measures", tl, counts=counts)
        if len(wf) < len(wf_all):
            cap += caption("sampled", tl, k=len(wf), n=len(wf_all), by=caption("by_best_change", tl))
        specs.append(FigureSpec("waterfall_best_change", "response", cap,
                                partial(axes_figure, plot_waterfall, wf, lang=lang)))
    else:
        omitted.append(Omitted("waterfall_best_change", "response", caption("no_waterfall", tl, src=res.response.source)))
    if res.by_cycle is not None and not res.by_cycle.empty:
        specs.append(FigureSpec("response_by_cycle", "response", caption("by_cycle", tl),
                                partial(axes_figure, plot_response_by_cycle, res.by_cycle, lang=lang)))
    else:
        omitted.append(Omitted("response_by_cycle", "response", caption("no_by_cycle", tl)))

    panels = km_panels(res.curves, res.landmark_curves, res.comparisons, res.landmark_comparisons,
                       labels_by=labels_by, lang=lang, level=level)
    for p in panels:
        by = p.group_by
        ep_name = L.tr(p.endpoint, tl)
        ep_txt = ep_name if tl == "zh" else ep_name.lower()
        what = L.comparison_name(by, labels_by.get(by), tl)
        what_l = L.lower_first(what, tl)
        n = sum(int(c.fit.n) for c in p.curves)
        if by is None:
            cap = caption("km_overall", tl, ep=ep_txt, n=n, level=level, conf=CONF_NAMES[a.conf_type][tl])
            section = "survival"
        elif p.landmark:
            cap = caption("km_landmark", tl, ep=ep_txt, what=what_l, L=a.landmark_days, cl=a.cycle_length_days)
            section = "comparisons"
        else:
            cap = caption("km_by", tl, ep=ep_txt, what=what_l, level=level)
            if by in immortal:
                cap += caption("km_immortal", tl)
            section = "comparisons"
        specs.append(FigureSpec(p.name, section, cap, partial(p.draw, res.ticks_months, res.risk_table, lang),
                                group_by=by, landmark=p.landmark))

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
                                partial(axes_figure, plot_forest, _pfs_os(res.comparisons),
                                        res.landmark_comparisons, lang=lang, level=level)))
    elif comps is not None and not comps.empty:
        omitted.append(Omitted("forest_hazard_ratios", "comparisons", caption("no_forest", tl)))
    from pipeline.figures.adjusted_catalogue import adjusted_specs

    specs += adjusted_specs(res, config, lang, tl)
    return specs, omitted


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
