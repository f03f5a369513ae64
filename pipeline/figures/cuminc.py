"""Stacked cumulative-incidence figure: progression and death without progression, one panel per group.

In each panel the bottom band is the cumulative incidence of progression, the band above it that of
death without progression (stacked, so the top edge is 1 - PFS), the white rest is alive without
progression. Dotted lines: the pointwise confidence interval of the progression curve (log(-log)
transform, level from ``analysis.conf_level``). Under each panel the numbers at risk (event-free and
under follow-up) at the ticks; above, Gray's test p per cause for the grouping.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial

import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import FixedLocator, PercentFormatter

from pipeline.analysis.competing import EVENTS, CIFCurve
from pipeline.figures import labels as L
from pipeline.figures.spec import FigureSpec
from pipeline.figures.style import theme
from pipeline.stats import cuminc_at, n_at_risk
from pipeline.text.fmt import fmt_p_eq, missing
from pipeline.text.fmt import level as ci_level
from pipeline.vocab import DAYS_PER_MONTH as M

PROGRESSION_COLOUR = "#D55E00"
DEATH_COLOUR = "#6E6E6E"
RISK_AXES_LABEL = "numbers_at_risk"
#: Height ratio of the header row (panels 3.2, numbers at risk 0.45): next to nothing, its content is drawn
#: outside it (see ``_header``); not 0, which leaves constrained layout's row-height equations unsolvable.
HEADER_RATIO = 0.01


def _step_values(curve, grid_days: np.ndarray) -> np.ndarray:
    k = np.searchsorted(curve.time, grid_days, side="right")
    return np.concatenate(([0.0], curve.estimate))[k]


def _panel(ax, c: CIFCurve, ticks: Sequence[float], conf_level: float, lang: str) -> None:
    end = float(c.time_days.max()) if len(c.time_days) else 0.0
    jumps = np.union1d(c.curves[1].time, c.curves[2].time).astype(float)
    grid = np.concatenate(([0.0], jumps[jumps <= end], [end]))
    f1, f2 = _step_values(c.curves[1], grid), _step_values(c.curves[2], grid)
    x = grid / M
    ax.fill_between(x, 0, f1, step="post", color=PROGRESSION_COLOUR, alpha=0.75, lw=0,
                    label=L.tr("cif_progression", lang))
    ax.fill_between(x, f1, f1 + f2, step="post", color=DEATH_COLOUR, alpha=0.55, lw=0,
                    label=L.tr("cif_death", lang))
    ax.step(x, f1 + f2, where="post", color="#333333", lw=0.9)
    ci = cuminc_at(c.curves[1], grid, conf_level)
    level = ci_level(conf_level)
    ax.step(x, ci["lower"].to_numpy(), where="post", color="#7A2E00", lw=0.9, ls=":",
            label=L.tr("cif_ci", lang, level=level))
    ax.step(x, ci["upper"].to_numpy(), where="post", color="#7A2E00", lw=0.9, ls=":")
    span = ticks[-1] - ticks[0] if len(ticks) > 1 else 1.0
    ax.set_xlim(ticks[0] - 0.02 * span, ticks[-1] + 0.03 * span)
    ax.set_ylim(0, 1.0)
    ax.xaxis.set_major_locator(FixedLocator(list(ticks)))
    ax.set_yticks([0, 0.25, 0.5, 0.75, 1.0])
    ax.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0, symbol=""))
    ax.grid(axis="y", color="#EDEDED", lw=0.6)
    ax.set_axisbelow(True)
    name = L.tr("all_patients", lang) if c.group is None else L.group_label(c.group_by, c.group, lang)
    ax.set_title(f"{name} (n = {len(c.time_days)})", fontsize=9.5, loc="left")


def _risk_row(axr, c: CIFCurve, ticks: Sequence[float], lang: str) -> None:
    counts = n_at_risk(c.time_days, [t * M for t in ticks])
    for t, n in zip(ticks, counts, strict=True):
        axr.text(t, 0, str(int(n)), ha="center", va="center", fontsize=8)
    axr.set_ylim(-0.6, 0.6)
    axr.set_yticks([])
    axr.tick_params(axis="x", which="both", bottom=False, labelbottom=False)
    for side in ("top", "right", "bottom", "left"):
        axr.spines[side].set_visible(False)
    axr.set_title(L.tr("at_risk", lang), loc="left", fontsize=8, fontweight="bold", pad=2)


def _gray_text(gray: Sequence[dict] | None, lang: str) -> str | None:
    if not gray:
        return None
    names = {EVENTS[1]: L.tr("cif_progression", lang), EVENTS[2]: L.tr("cif_death", lang)}
    parts = [f"{names.get(g['event'], g['event'])} {fmt_p_eq(g['p'])}" for g in gray if not missing(g.get("p"))]
    return f"{L.tr('gray_p', lang)}: " + "; ".join(parts) if parts else None


def plot_cuminc(curves: Sequence[CIFCurve], ticks_months: Sequence[float], conf_level: float = 0.95,
                gray: Sequence[dict] | None = None, title: str | None = None, lang: str = "en") -> Figure:
    """Stacked cumulative incidence of progression and death without progression, one panel per group.

    Parameters
    ----------
    curves : sequence of CIFCurve
        One grouping's groups (``CompetingResult.curves`` filtered by ``group_by``).
    ticks_months : sequence of float
        x-axis ticks (``AnalysisResult.ticks_months``), cut after the longest follow-up.
    conf_level : float
        Level of the progression curve's pointwise interval (labelled from it).
    gray : sequence of dict, optional
        The grouping's rows of ``CompetingResult.gray`` (p per cause, printed above the panels).

    Returns
    -------
    matplotlib.figure.Figure
        Per group a curve axes and a numbers-at-risk axes (label ``numbers_at_risk``).
    """
    curves = list(curves)
    if not curves:
        raise ValueError("plot_cuminc needs at least one group")
    last = max(float(c.time_days.max()) / M for c in curves if len(c.time_days))
    ticks = [float(t) for t in ticks_months]
    ticks = ticks[: max(next((i + 1 for i, t in enumerate(ticks) if t >= last), len(ticks)), 2)]
    k = len(curves)
    ncol = min(k, 3)
    nrow = -(-k // ncol)
    with theme(lang):
        fig = Figure(figsize=(max(6.6, 3.4 * ncol + 0.6), 3.5 * nrow + 1.3), layout="constrained")
        gs = fig.add_gridspec(2 * nrow + 1, ncol, height_ratios=[HEADER_RATIO] + [3.2, 0.45] * nrow)
        first = None
        for i, c in enumerate(curves):
            r, col = divmod(i, ncol)
            ax = fig.add_subplot(gs[2 * r + 1, col], sharey=first)
            first = first or ax
            _panel(ax, c, ticks, conf_level, lang)
            if col == 0:
                ax.set_ylabel(L.tr("cif_y", lang))
            ax.set_xlabel(L.tr("months", lang), fontsize=8.5)
            axr = fig.add_subplot(gs[2 * r + 2, col], sharex=ax)
            axr.set_label(RISK_AXES_LABEL)
            _risk_row(axr, c, ticks, lang)
        _header(fig.add_subplot(gs[0, :]), first, _gray_text(gray, lang), title)
    return fig


def _header(head, first, gray_line: str | None, title: str | None) -> None:
    """Title, Gray's test line and legend on a header axes of (almost) no height, as tall as they are.

    The title sits above the axes and the legend hangs below it (outside the axes), so both are the
    axes' decorations, for which constrained layout makes exactly as much room as they take: no band
    between them, however many panel rows, groups or whichever language.
    """
    head.axis("off")
    handles, labels = first.get_legend_handles_labels()
    leg = head.legend(handles, labels, loc="upper left", bbox_to_anchor=(0, 0), ncol=3, frameon=False,
                      fontsize=8.5, title=gray_line, alignment="left", title_fontsize=8.5, borderaxespad=0)
    leg.get_title().set_fontweight("normal")
    if title:
        head.set_title(title, loc="left", fontsize=10, fontweight="bold")


def cuminc_specs(res, config, lang: str, text_lang: str) -> list[FigureSpec]:
    """Figure specs (section ``competing``) for the overall and each grouping's stacked CIF figure."""
    cr = res.competing
    if cr is None or not cr.curves:
        return []
    level = ci_level(config.analysis.conf_level)
    labels_by = {c.by: c.label for c in config.analysis.comparisons}
    specs = []
    for by in dict.fromkeys(c.group_by for c in cr.curves):
        cs = [c for c in cr.curves if c.group_by == by]
        gray = None if by is None or cr.gray.empty else cr.gray[cr.gray["group_by"] == by].to_dict(orient="records")
        if by is None:
            title, name = L.tr("cif_title", lang), "cif_overall"
            cap = L.tr("cap.cif_all", text_lang, level=level)
        else:
            what = L.comparison_name(by, labels_by.get(by), lang)
            title = L.tr("cif_title_by", lang, what=L.lower_first(what, lang))
            name = f"cif_{''.join(ch if ch.isalnum() else '_' for ch in by).strip('_').lower()}"
            what_t = L.lower_first(L.comparison_name(by, labels_by.get(by), text_lang), text_lang)
            cap = L.tr("cap.cif_by", text_lang, what=what_t, level=level)
        specs.append(FigureSpec(name, "competing", cap, _maker(cs, res.ticks_months, config.analysis.conf_level,
                                                              gray, title, lang), group_by=by))
    return specs


def _maker(cs, ticks, conf_level, gray, title, lang):
    return partial(plot_cuminc, cs, ticks, conf_level, gray, title=title, lang=lang)  # picklable (a figure job)
