"""Kaplan-Meier figures: step curves, censor marks, CI bands, median lines, test results, numbers at risk.

The numbers at risk drawn under the plot are read from ``AnalysisResult.risk_table`` (the same numbers
the tables and ``results.json`` carry), one text per tick, on an axes that shares the curve's x axis,
so each count sits exactly under its tick. Times are days in the fits and months on the axis.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.ticker import FixedLocator, PercentFormatter

from pipeline.analysis.survival import Curve
from pipeline.figures import labels as L
from pipeline.figures.style import GREY, SINGLE_COLOUR, group_colour, theme
from pipeline.stats import km_median, n_at_risk
from pipeline.text.fmt import fmt_hr, fmt_median, fmt_p_eq, missing
from pipeline.vocab import DAYS_PER_MONTH as M

#: ``Axes.get_label()`` of the numbers-at-risk axes (tests and callers find it by this).
RISK_AXES_LABEL = "numbers_at_risk"


def _same(col: pd.Series, value: object) -> pd.Series:
    if value is None:
        return col.isna()
    return col.astype(object).eq(value)


def risk_counts(risk: pd.DataFrame | None, curve: Curve, ticks_months: Sequence[float]) -> list[int]:
    """The numbers at risk of one curve at the ticks, from the analysis' risk table when given."""
    if risk is not None and not risk.empty:
        sel = risk[(risk["endpoint"] == curve.endpoint) & _same(risk["group_by"], curve.group_by)
                   & _same(risk["group"], curve.group)]
        by_t = dict(zip(sel["time_months"].astype(float), sel["n_risk"].astype(int), strict=True))
        if all(float(t) in by_t for t in ticks_months):
            return [by_t[float(t)] for t in ticks_months]
    return [int(n) for n in n_at_risk(curve.time_days, [t * M for t in ticks_months])]


def visible_ticks(ticks_months: Sequence[float], curves: Sequence[Curve]) -> list[float]:
    """The ticks up to the first one at or after the curves' last time (at least two ticks)."""
    ticks = [float(t) for t in ticks_months]
    last = max((float(np.max(c.time_days)) / M for c in curves if len(c.time_days)), default=0.0)
    n = next((i + 1 for i, t in enumerate(ticks) if t >= last), len(ticks))
    return ticks[: max(n, 2)]


def _steps(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Vertices of a right-continuous step function (so legend placement sees the real line)."""
    xs = np.repeat(x, 2)[1:]
    ys = np.repeat(y, 2)[:-1]
    return xs, ys


def stats_text(comparison: Mapping | None, lang: str = "en", *, level: str) -> str | None:
    """'Log-rank p = 0.012' and 'HR ≥ 3 vs < 3: 0.45 (95% CI 0.20–1.01)' from a comparisons row.

    ``level`` is the configured confidence level as printed ('95', '90').
    """
    if comparison is None:
        return None
    c = dict(comparison)
    lines = []
    if missing(c.get("p")):
        note = c.get("note")
        lines.append(L.comparison_note(str(note), lang) if note and not missing(note)
                     else f"{L.tr('logrank_p', lang)}: —")
    else:
        lines.append(f"{L.tr('logrank_p', lang)} {fmt_p_eq(c['p'])}")
    if not missing(c.get("hr")):
        vs = c.get("hr_vs")
        vs_txt = ""
        if vs and not missing(vs):
            a, _, b = str(vs).partition(" vs ")
            by = c.get("group_by")
            vs_txt = f" {L.group_label(by, a, lang)} vs {L.group_label(by, b, lang)}"
        hr = fmt_hr(c["hr"], c.get("hr_ci_low"), c.get("hr_ci_high")).replace(" (", f" ({L.tr('ci', lang, level=level)} ")
        lines.append(f"{L.tr('hr', lang)}{vs_txt}: {hr}")
    elif c.get("groups") is not None and len(c.get("groups") or []) > 2:
        lines.append(L.tr("groups_no_hr", lang, k=len(c["groups"])))
    if not missing(c.get("landmark_days")):
        lines.append(L.tr("landmark_n", lang, L=int(c["landmark_days"]), n=int(c.get("n") or 0),
                          x=int(c.get("n_excluded_before_landmark") or 0)))
    return "\n".join(lines)


def plot_km(curves: Sequence[Curve], ticks_months: Sequence[float], risk: pd.DataFrame | None = None,
            comparison: Mapping | None = None, *, title: str | None = None, xlabel: str | None = None,
            group_names: Mapping[object, str] | None = None, lang: str = "en", show_ci: bool | None = None,
            fig: Figure | None = None, level: str) -> Figure:
    """Kaplan-Meier curves of one endpoint (one curve per group) with the numbers-at-risk table.

    Parameters
    ----------
    curves : sequence of Curve
        The curves to draw, all of the same endpoint (``AnalysisResult.curves`` filtered).
    ticks_months : sequence of float
        x-axis ticks in months (``AnalysisResult.ticks_months``); the numbers at risk are drawn at them.
    risk : DataFrame, optional
        ``AnalysisResult.risk_table``; without it the counts are computed from the curves' times.
    comparison : mapping, optional
        A row of ``AnalysisResult.comparisons`` (log-rank p, HR and CI) to print in the plot.
    group_names : mapping, optional
        Display label per group value (default: ``labels.group_label``).
    show_ci : bool, optional
        Draw the pointwise confidence bands (default: for one or two curves; more get unreadable).

    Returns
    -------
    matplotlib.figure.Figure
        Two axes: the curves (``fig.axes[0]``) and the numbers at risk (label ``numbers_at_risk``).
    """
    curves = list(curves)
    if not curves:
        raise ValueError("plot_km needs at least one curve")
    ticks = visible_ticks(ticks_months, curves)
    k = len(curves)
    if show_ci is None:
        show_ci = k <= 2
    with theme(lang):
        if fig is None:
            fig = Figure(figsize=(6.6, 4.6 + (0.42 * k if k < 4 else 0.21 * k + 0.9)), layout="constrained")
        gs = fig.add_gridspec(2, 1, height_ratios=[3.9, 0.42 + 0.24 * k], hspace=0.02)
        ax = fig.add_subplot(gs[0])
        axr = fig.add_subplot(gs[1], sharex=ax)
        axr.set_label(RISK_AXES_LABEL)
        single = k == 1 and curves[0].group is None
        handles, medians = [], []
        for i, c in enumerate(curves):
            col = SINGLE_COLOUR if single else group_colour(i)
            line, median = _draw_curve(ax, c, col, _name(c, group_names, lang), lang, show_ci=show_ci, single=single)
            handles.append(line)
            medians.append((median, col))
        _draw_median_lines(ax, medians)
        _draw_axes(ax, ticks, curves[0].endpoint, xlabel, lang)
        _draw_legend(ax, handles, stats_text(comparison, lang, level=level), lang, wide=k >= 4)
        if title:
            fig.suptitle(title, x=0.01, ha="left", fontsize=10, fontweight="bold")
        _draw_risk_table(axr, curves, ticks, risk, group_names, lang, single)
    return fig


def _draw_curve(ax: Axes, c: Curve, col: str, name: str, lang: str, *, show_ci: bool,
                single: bool) -> tuple[Line2D, float | None]:
    """One curve: its steps (labelled with n and the median), CI band and censor marks; its median in months."""
    f = c.fit
    t = np.r_[0.0, np.asarray(f.time, dtype=float)] / M
    s = np.r_[1.0, np.asarray(f.surv, dtype=float)]
    xs, ys = _steps(t, s)
    med = km_median(f).estimate
    med_m = None if med is None else float(med) / M
    median = f"{L.tr('median', lang)} {fmt_median(med_m)}{'' if med_m is None else ' ' + L.tr('mo', lang)}"
    lab = (L.tr("km_curve", lang, name=name, n=f.n, median=median) if f.n
           else L.tr("km_curve_empty", lang, name=name))  # no 'median NR' without patients
    (line,) = ax.plot(xs, ys, color=col, lw=1.7, label=lab, zorder=3)
    if show_ci:
        lo = np.r_[1.0, np.asarray(f.lower, dtype=float)]
        hi = np.r_[1.0, np.asarray(f.upper, dtype=float)]
        ok = np.isfinite(lo) & np.isfinite(hi)
        ax.fill_between(t, np.where(ok, lo, 0), np.where(ok, hi, 0), where=ok, step="post",
                        color=col, alpha=0.13 if not single else 0.16, lw=0, zorder=1)
    cens = np.asarray(f.n_censor) > 0
    if cens.any():
        ax.plot(np.asarray(f.time, dtype=float)[cens] / M, np.asarray(f.surv, dtype=float)[cens],
                ls="none", marker="|", ms=7, mew=1.3, color=col, zorder=4)
    return line, med_m


def _draw_median_lines(ax: Axes, medians: Sequence[tuple[float | None, str]]) -> None:
    """Dashed median lines: from the y axis to the curves at 50 %, and down from each curve to the x axis."""
    reached = [(m, col) for m, col in medians if m is not None]
    if reached:
        ax.plot([0, max(m for m, _ in reached)], [0.5, 0.5], ls=(0, (4, 3)), lw=0.8, color=GREY, zorder=2)
        for m, col in reached:
            ax.plot([m, m], [0, 0.5], ls=(0, (4, 3)), lw=0.9, color=col, zorder=2)


def _draw_axes(ax: Axes, ticks: Sequence[float], endpoint: str, xlabel: str | None, lang: str) -> None:
    """Limits, ticks (months; survival in %), axis labels and the light grid."""
    span = ticks[-1] - ticks[0] if len(ticks) > 1 else 1.0
    ax.set_xlim(ticks[0] - 0.02 * span, ticks[-1] + 0.03 * span)
    ax.set_ylim(-0.02, 1.04)
    ax.xaxis.set_major_locator(FixedLocator(ticks))
    ax.set_yticks([0, 0.25, 0.5, 0.75, 1.0])
    ax.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0, symbol=""))
    ax.set_ylabel(L.tr(f"surv_axis_{endpoint}", lang))
    ax.set_xlabel(xlabel or L.tr("months", lang))
    ax.grid(axis="y", color="#EDEDED", lw=0.6, zorder=0)
    ax.set_axisbelow(True)


def _draw_legend(ax: Axes, handles: list[Line2D], stats: str | None, lang: str, *, wide: bool) -> None:
    """The curves' legend (plus the censor mark) with the test results as its title, above the plot, never
    over the curves; two columns when ``wide``."""
    censor = ax.plot([], [], ls="none", marker="|", ms=7, mew=1.3, color=GREY, label=L.tr("censored", lang))[0]
    leg = ax.legend(handles=[*handles, censor], loc="lower left", bbox_to_anchor=(0.0, 1.01),
                    ncol=2 if wide else 1, columnspacing=1.2, title=stats, alignment="left", handlelength=1.6,
                    borderaxespad=0.0, borderpad=0.1, labelspacing=0.3, frameon=False)
    if stats:
        leg.get_title().set_fontweight("normal")
        leg.get_title().set_linespacing(1.35)


def _name(c: Curve, group_names: Mapping[object, str] | None, lang: str) -> str:
    if group_names and c.group in group_names:
        return group_names[c.group]
    return L.group_label(c.group_by, c.group, lang)


def _draw_risk_table(axr, curves, ticks, risk, group_names, lang, single) -> None:
    k = len(curves)
    for i, c in enumerate(curves):
        y = k - 1 - i
        for t, n in zip(ticks, risk_counts(risk, c, ticks), strict=True):
            axr.text(t, y, str(n), ha="center", va="center", fontsize=8.5, color="#1A1A1A")
    axr.set_ylim(-0.6, k - 0.4)
    axr.set_yticks(range(k))
    names = [_name(c, group_names, lang) for c in curves][::-1]
    axr.set_yticklabels(names, fontsize=8.5)
    for i, lab in enumerate(axr.get_yticklabels()):
        lab.set_color(SINGLE_COLOUR if single else group_colour(k - 1 - i))
        lab.set_fontweight("bold")
    axr.tick_params(axis="y", length=0, pad=6)
    axr.tick_params(axis="x", which="both", bottom=False, labelbottom=False)
    for side in ("top", "right", "bottom", "left"):
        axr.spines[side].set_visible(False)
    axr.set_title(L.tr("at_risk", lang), loc="left", fontsize=9, fontweight="bold", pad=3)


@dataclass
class KMPanel:
    """One KM figure to draw: its file name, curves, test row and titles (nothing drawn yet)."""

    name: str
    endpoint: str
    group_by: str | None  # the comparison variable (None = whole cohort)
    landmark: bool
    curves: list[Curve]
    comparison: dict | None
    title: str
    xlabel: str | None
    level: str  # the confidence level as printed ('95')

    def draw(self, ticks_months: Sequence[float], risk: pd.DataFrame | None, lang: str = "en") -> Figure:
        return plot_km(self.curves, ticks_months, risk, self.comparison, title=self.title, xlabel=self.xlabel,
                       lang=lang, level=self.level)


def km_panels(curves: Sequence[Curve], landmark_curves: Sequence[Curve], comparisons: pd.DataFrame | None,
              landmark_comparisons: pd.DataFrame | None, labels_by: Mapping[str, str | None] | None = None,
              lang: str = "en", *, level: str) -> list[KMPanel]:
    """Every KM figure of a run: overall (``km_pfs_overall``), per comparison (``km_os_prior_lines``), and
    landmark (``km_pfs_cycles_landmark``), PFS first."""
    labels_by = dict(labels_by or {})
    order: list[tuple[str | None, bool]] = []
    for c, is_lm in [(c, False) for c in curves] + [(c, True) for c in landmark_curves]:
        if (c.group_by, is_lm) not in order:
            order.append((c.group_by, is_lm))
    panels = []
    for ep in dict.fromkeys(c.endpoint for c in curves):  # PFS, OS, then RSD (DOR) and TTNT when configured
        for by, is_lm in order:
            cs = [c for c in (landmark_curves if is_lm else curves) if c.endpoint == ep and c.group_by == by]
            if not cs:
                continue
            base_by = None if by is None else by.split(" (landmark")[0]
            comp_df = landmark_comparisons if is_lm else comparisons
            row = None
            if base_by is not None and comp_df is not None and not comp_df.empty:
                sel = comp_df[(comp_df["endpoint"] == ep) & (comp_df["group_by"] == base_by)]
                row = None if sel.empty else sel.iloc[0].to_dict()
            what = L.comparison_name(base_by, labels_by.get(base_by), lang)
            low = L.lower_first(what, lang)
            ep_name = L.tr(ep, lang)
            if base_by is None:
                title, name, xlabel = ep_name, f"km_{ep.lower()}_overall", None
            elif is_lm:
                ld = int(row["landmark_days"]) if row is not None and not missing(row.get("landmark_days")) else 0
                title = L.tr("landmark_title", lang, ep=ep_name, what=low, L=ld)
                name = f"km_{ep.lower()}_{_slug(base_by)}_landmark"
                xlabel = L.tr("months_landmark", lang, L=ld)
            else:
                title = L.tr("km_title_by", lang, ep=ep_name, what=low)
                name = f"km_{ep.lower()}_{_slug(base_by)}"
                xlabel = None
            if ep == "RSD" and xlabel is None:  # DOR's clock starts at the first response
                xlabel = L.tr("months_response", lang)
            panels.append(KMPanel(name, ep, base_by, is_lm, cs, row, title, xlabel, level))
    return panels


def _slug(s: str) -> str:
    return "".join(ch if ch.isalnum() else "_" for ch in s).strip("_").lower()
