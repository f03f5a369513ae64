"""Forest plot of the hazard ratios of every comparison, PFS and OS, with the landmark rows."""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import FixedLocator, NullLocator
from matplotlib.transforms import blended_transform_factory

from pipeline.figures import labels as L
from pipeline.figures.style import GREY, theme
from pipeline.text.fmt import fmt_hr, fmt_p, missing

#: Colours of the PFS and OS points (Okabe-Ito blue and vermillion).
ENDPOINT_COLOURS = {"PFS": "#0072B2", "OS": "#D55E00"}


def forest_rows(comparisons: pd.DataFrame, landmark_comparisons: pd.DataFrame | None = None,
                lang: str = "en") -> list[dict]:
    """Display rows: a header per comparison, then one row per endpoint (display-only computation)."""
    frames = [comparisons]
    if landmark_comparisons is not None and not landmark_comparisons.empty:
        frames.append(landmark_comparisons)
    rows: list[dict] = []
    for df in frames:
        if df is None or df.empty:
            continue
        for by in dict.fromkeys(df["group_by"]):
            sel = df[df["group_by"] == by]
            first = sel.iloc[0]
            name = L.comparison_name(by, first.get("label"), lang)
            lm = first.get("landmark_days")
            if not missing(lm):
                name += L.tr("landmark_row", lang, L=int(lm))
            vs = first.get("hr_vs")
            if vs and not missing(vs):
                a, _, b = str(vs).partition(" vs ")
                name = f"{name} ({L.group_name(a, lang)} vs {L.group_name(b, lang)})"
            if bool(first.get("immortal_time_bias")):
                name += " †"
            rows.append({"kind": "header", "text": name})
            for r in sel.itertuples(index=False):
                d = r._asdict()
                groups = d.get("groups")
                k = len(groups) if isinstance(groups, list | tuple) else None
                if not missing(d.get("hr")):
                    hr_txt = fmt_hr(d["hr"], d.get("hr_ci_low"), d.get("hr_ci_high"))
                elif k and k > 2:
                    hr_txt = L.tr("groups_no_hr", lang, k=k)
                else:
                    hr_txt = L.tr("not_estimable", lang)
                rows.append({"kind": "row", "endpoint": d["endpoint"], "n": d.get("n"),
                             "hr": d.get("hr"), "lo": d.get("hr_ci_low"), "hi": d.get("hr_ci_high"),
                             "hr_text": hr_txt, "p": fmt_p(d.get("p")),
                             "immortal": bool(d.get("immortal_time_bias"))})
    return rows


def plot_forest(comparisons: pd.DataFrame, landmark_comparisons: pd.DataFrame | None = None,
                ax: Axes | None = None, *, lang: str = "en", title: str | None = None, level: str) -> Axes:
    """Hazard ratios (Cox, Efron ties) with CIs at ``level`` % on a log scale, one row per comparison and endpoint.

    Text columns beside the plot give n, the HR with its CI and the log-rank p; multi-group comparisons
    (no single HR) show their log-rank p only. The immortal-time-exposed grouping is marked with a dagger.
    """
    rows = forest_rows(comparisons, landmark_comparisons, lang)
    with theme(lang):
        if ax is None:
            ax = _new_axes(len(rows))
        n = len(rows)
        lims = _x_limits(rows)
        ax.set_xscale("log")
        ax.set_xlim(*lims)
        ax.set_ylim(-0.7, n - 0.3)
        ax.axvline(1.0, color=GREY, lw=0.9, ls="-", zorder=1)
        tr = blended_transform_factory(ax.transAxes, ax.transData)
        for y, r in zip(np.arange(n)[::-1].astype(float), rows, strict=True):
            if r["kind"] == "header":
                ax.text(_LEFT, y, r["text"], transform=tr, ha="left", va="center", fontweight="bold",
                        fontsize=8.5, clip_on=False)
            else:
                _draw_row(ax, tr, y, r, lims, lang)
        _draw_column_heads(ax, tr, n - 0.3, lang, level)
        _draw_x_axis(ax, lims, lang)
        _draw_notes(ax.figure, rows, title, lang)
    return ax


#: x of the comparison column, in axes fractions (left of the plot).
_LEFT = -1.55


def _new_axes(n_rows: int) -> Axes:
    """A figure sized for ``n_rows`` rows with the plot's axes between the text columns."""
    fig = Figure(figsize=(7.4, 0.9 + 0.24 * max(n_rows, 2)))
    return fig.add_axes((0.43, 0.6 / fig.get_figheight() + 0.02, 0.27, 1 - (1.05 / fig.get_figheight()) - 0.02))


def _x_limits(rows: list[dict]) -> tuple[float, float]:
    """The log axis' limits: 0.1-10 widened to every finite HR and CI end, kept within 0.01-100."""
    finite = [v for r in rows if r["kind"] == "row" for v in (r["lo"], r["hi"], r["hr"]) if not missing(v)]
    lo_lim = min([0.1, *[v for v in finite if v > 0]]) if finite else 0.1
    hi_lim = max([10.0, *finite]) if finite else 10.0
    return max(lo_lim / 1.3, 0.01), min(hi_lim * 1.3, 100.0)


def _draw_row(ax: Axes, tr, y: float, r: dict, lims: tuple[float, float], lang: str) -> None:
    """One endpoint's row: its text columns, then its CI line (arrow heads where cut at the limits) and point."""
    lo_lim, hi_lim = lims
    col = ENDPOINT_COLOURS.get(r["endpoint"], "#333333")
    ax.text(_LEFT + 0.08, y, L.tr(f"{r['endpoint']}_short", lang), transform=tr, ha="left", va="center",
            fontsize=8.5, clip_on=False)
    ax.text(-0.08, y, "" if missing(r["n"]) else str(int(r["n"])), transform=tr, ha="right",
            va="center", fontsize=8.5, clip_on=False)
    ax.text(1.05, y, r["hr_text"], transform=tr, ha="left", va="center", fontsize=8.5, clip_on=False)
    ax.text(2.02, y, r["p"], transform=tr, ha="right", va="center", fontsize=8.5, clip_on=False)
    if missing(r["hr"]):
        return
    hr = float(r["hr"])
    lo = lo_lim if missing(r["lo"]) else max(float(r["lo"]), lo_lim)
    hi = hi_lim if missing(r["hi"]) else min(float(r["hi"]), hi_lim)
    ax.plot([lo, hi], [y, y], color=col, lw=1.4, solid_capstyle="butt", zorder=2)
    for end, cut, mk in ((lo, not missing(r["lo"]) and float(r["lo"]) < lo_lim, "<"),
                         (hi, not missing(r["hi"]) and float(r["hi"]) > hi_lim, ">")):
        if cut:
            ax.plot([end], [y], marker=mk, color=col, ms=4, zorder=3)
    ax.plot([min(max(hr, lo_lim), hi_lim)], [y], marker="s", color=col, ms=5.5, zorder=3)


def _draw_column_heads(ax: Axes, tr, top: float, lang: str, level: str) -> None:
    for x, txt, ha in ((_LEFT, L.tr("comparison", lang), "left"), (-0.08, L.tr("n", lang), "right"),
                       (1.05, L.tr("hr_ci", lang, level=level), "left"), (2.02, L.tr("logrank_p", lang), "right")):
        ax.text(x, top + 0.25, txt, transform=tr, ha=ha, va="bottom", fontweight="bold", fontsize=8.5,
                clip_on=False)


def _draw_x_axis(ax: Axes, lims: tuple[float, float], lang: str) -> None:
    """No y axis; the x axis ticked at 0.01, 0.03, ... 100 within the limits, with a light grid."""
    ax.yaxis.set_major_locator(NullLocator())
    ax.spines["left"].set_visible(False)
    ticks = [t for t in (0.01, 0.03, 0.1, 0.3, 1, 3, 10, 30, 100) if lims[0] <= t <= lims[1]]
    ax.xaxis.set_major_locator(FixedLocator(ticks))
    ax.xaxis.set_minor_locator(NullLocator())
    ax.set_xticklabels([f"{t:g}" for t in ticks])
    ax.set_xlabel(L.tr("forest_x", lang), fontsize=8.5)
    ax.grid(axis="x", color="#EDEDED", lw=0.6, zorder=0)


def _draw_notes(fig: Figure, rows: list[dict], title: str | None, lang: str) -> None:
    """The dagger's footnote (when a row is marked) and the title."""
    if any(r["kind"] == "row" and r["immortal"] for r in rows):
        fig.text(0.01, 0.01, L.tr("immortal_dagger", lang), fontsize=7.5, color="#444444", ha="left",
                 va="bottom")
    if title:
        fig.suptitle(title, x=0.01, ha="left", fontsize=10, fontweight="bold")
