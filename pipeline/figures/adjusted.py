"""Figures of the adjusted analyses: forest of adjusted hazard ratios, subgroup forest, and the scaled
Schoenfeld residual plot of each term flagged by the PH test (R's ``plot.cox.zph``)."""

from __future__ import annotations

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import FixedLocator, NullLocator
from matplotlib.transforms import blended_transform_factory
from scipy.interpolate import make_lsq_spline

from pipeline.figures import labels as L
from pipeline.figures.forest import ENDPOINT_COLOURS
from pipeline.figures.style import GREY, SINGLE_COLOUR, theme
from pipeline.text.fmt import fmt_hr, fmt_p, missing
from pipeline.text.i18n import level as level_name
from pipeline.text.i18n import t


def _limits(rows: list[dict]) -> tuple[float, float]:
    finite = [v for r in rows if r["kind"] == "row" for v in (r["lo"], r["hi"], r["hr"]) if not missing(v)]
    lo = min([0.5, *[v for v in finite if v > 0]]) if finite else 0.5
    hi = max([2.0, *finite]) if finite else 2.0
    return max(lo / 1.3, 0.01), min(hi * 1.3, 100.0)


def plot_hr_rows(rows: list[dict], heads: tuple[str, str, str, str], *, lang: str, x_label: str,
                 note: str | None = None) -> Axes:
    """A forest of rows ``{kind: header|row, text, n, hr, lo, hi, p, colour}`` on a log axis, with
    the label, n, HR (CI) and p columns headed by ``heads``."""
    with theme(lang):
        fig = Figure(figsize=(7.6, 1.0 + 0.24 * max(len(rows), 2)))
        ax = fig.add_axes((0.45, 0.62 / fig.get_figheight() + 0.02, 0.25, 1 - 1.1 / fig.get_figheight() - 0.02))
        n = len(rows)
        ys = np.arange(n)[::-1].astype(float)
        lo_lim, hi_lim = _limits(rows)
        ax.set_xscale("log")
        ax.set_xlim(lo_lim, hi_lim)
        ax.set_ylim(-0.7, n - 0.3)
        ax.axvline(1.0, color=GREY, lw=0.9, zorder=1)
        tr = blended_transform_factory(ax.transAxes, ax.transData)
        left = -1.75
        for y, r in zip(ys, rows, strict=True):
            if r["kind"] == "header":
                ax.text(left, y, r["text"], transform=tr, ha="left", va="center", fontweight="bold", fontsize=8.3)
                if r.get("p"):
                    ax.text(2.1, y, r["p"], transform=tr, ha="right", va="center", fontsize=8.3, fontweight="bold")
                continue
            ax.text(left + 0.08, y, r["text"], transform=tr, ha="left", va="center", fontsize=8.3)
            ax.text(-0.06, y, r["n"], transform=tr, ha="right", va="center", fontsize=8.3)
            ax.text(1.05, y, r["hr_text"], transform=tr, ha="left", va="center", fontsize=8.3)
            ax.text(2.1, y, r["p"], transform=tr, ha="right", va="center", fontsize=8.3)
            if not missing(r["hr"]):
                col = r.get("colour", SINGLE_COLOUR)
                lo, hi = max(float(r["lo"]), lo_lim), min(float(r["hi"]), hi_lim)
                ax.plot([lo, hi], [y, y], color=col, lw=1.4, solid_capstyle="butt", zorder=2)
                ax.plot([min(max(float(r["hr"]), lo_lim), hi_lim)], [y], marker="s", color=col, ms=5.5, zorder=3)
        for x, txt, ha in zip((left, -0.06, 1.05, 2.1), heads, ("left", "right", "left", "right"), strict=True):
            ax.text(x, n - 0.05, txt, transform=tr, ha=ha, va="bottom", fontweight="bold", fontsize=8.3)
        ax.yaxis.set_major_locator(NullLocator())
        ax.spines["left"].set_visible(False)
        ticks = [v for v in (0.01, 0.03, 0.1, 0.25, 0.5, 1, 2, 4, 10, 30, 100) if lo_lim <= v <= hi_lim]
        ax.xaxis.set_major_locator(FixedLocator(ticks))
        ax.xaxis.set_minor_locator(NullLocator())
        ax.set_xticklabels([f"{v:g}" for v in ticks])
        ax.set_xlabel(x_label, fontsize=8.3)
        ax.grid(axis="x", color="#EDEDED", lw=0.6, zorder=0)
        if note:
            fig.text(0.01, 0.01, note, fontsize=7.3, color="#444444", ha="left", va="bottom")
    return ax


def _row(text: str, d: dict, colour: str, lang: str, n: str = "") -> dict:
    hr_text = (fmt_hr(d.get("hr"), d.get("hr_ci_low"), d.get("hr_ci_high")) if not missing(d.get("hr"))
               else L.tr("not_estimable", lang))
    return {"kind": "row", "text": text, "n": n, "hr": d.get("hr"), "lo": d.get("hr_ci_low"),
            "hi": d.get("hr_ci_high"), "hr_text": hr_text, "p": fmt_p(d.get("p")), "colour": colour}


def cox_forest(models: list[dict], *, lang: str, conf_level: float) -> Figure:
    """Adjusted HRs of every multivariable model (one block per endpoint)."""
    rows = []
    for m in (m for m in models if m["kind"] == "multivariable" and m["terms"]):
        rows.append({"kind": "header", "text": f"{L.tr(m['endpoint'], lang)} (n = {m['n']}, "
                                               f"{t('c_events', lang).lower()} = {m['events']})"})
        colour = ENDPOINT_COLOURS.get(m["endpoint"], SINGLE_COLOUR)
        rows += [_row(L.term_label(x, lang), x, colour, lang) for x in m["terms"]]
    lv = f"{100 * conf_level:g}"
    heads = (t("c_covariate", lang), "", t("c_hr_level", lang, level=lv), t("c_p", lang))
    return plot_hr_rows(rows, heads, lang=lang, x_label=t("favours", lang)).figure


def subgroup_forest(records: list[dict], endpoint: str, *, lang: str, conf_level: float) -> Figure:
    """HR of the comparison within each subgroup level; the interaction p on each header."""
    rows = []
    for r in (r for r in records if r["endpoint"] == endpoint):
        rows.append({"kind": "header", "text": L.cov_name(r["subgroup"], lang),
                     "p": t("interaction_p", lang, p=_p_eq(r["interaction_p"]))})
        rows += [_row(level_name(str(x["level"]), lang), x, ENDPOINT_COLOURS.get(endpoint, SINGLE_COLOUR), lang,
                      f"{x['n']} ({x['events']})") for x in r["levels"]]
    lv = f"{100 * conf_level:g}"
    heads = (t("c_subgroup", lang), "n (" + t("c_events", lang) + ")", t("c_hr_level", lang, level=lv), t("c_p", lang))
    return plot_hr_rows(rows, heads, lang=lang, x_label=t("favours", lang)).figure


def _p_eq(p) -> str:
    if missing(p):
        return "—"
    s = fmt_p(p)
    return s if s.startswith("<") else f"= {s}"


def _smooth(x: np.ndarray, y: np.ndarray):
    """Least-squares cubic spline with interior knots at quantiles (df 4), and ±2 SE from its fit."""
    order = np.argsort(x, kind="stable")
    xs, ys = x[order], y[order]
    ux = np.unique(xs)
    if ux.size < 8:
        return None
    inner = np.quantile(ux, [1 / 3, 2 / 3])
    knots = np.r_[[xs[0]] * 4, inner, [xs[-1]] * 4]
    try:
        spl = make_lsq_spline(xs, ys, knots, k=3)
    except (ValueError, np.linalg.LinAlgError):
        return None
    grid = np.linspace(xs[0], xs[-1], 100)
    resid = ys - spl(xs)
    sigma = float(np.sqrt(np.sum(resid**2) / max(xs.size - 6, 1)))
    basis = _basis(xs, knots)
    gb = _basis(grid, knots)
    cov = np.linalg.pinv(basis.T @ basis) * sigma**2
    se = np.sqrt(np.einsum("ij,jk,ik->i", gb, cov, gb))
    return grid, spl(grid), se


def _basis(x: np.ndarray, knots: np.ndarray) -> np.ndarray:
    from scipy.interpolate import BSpline

    nb = knots.size - 4
    return np.column_stack([BSpline(knots, np.eye(nb)[i], 3, extrapolate=False)(x) for i in range(nb)])


def plot_zph(plot, *, lang: str) -> Figure:
    """Scaled Schoenfeld residuals of one term against 1 - KM(t-), a spline smooth ±2 SE and β."""
    with theme(lang):
        fig = Figure(figsize=(5.6, 3.9))
        ax = fig.add_axes((0.13, 0.14, 0.83, 0.74))
        x, y = np.asarray(plot.km_time), np.asarray(plot.residual)
        ok = np.isfinite(y)
        ax.scatter(x[ok], y[ok], s=9, color=GREY, alpha=0.6, lw=0, zorder=2)
        sm = _smooth(x[ok], y[ok])
        if sm is not None:
            grid, fit, se = sm
            ax.plot(grid, fit, color=SINGLE_COLOUR, lw=1.6, zorder=3, label=t("zph_smooth", lang))
            ax.plot(grid, fit + 2 * se, color=SINGLE_COLOUR, lw=0.9, ls="--", zorder=3)
            ax.plot(grid, fit - 2 * se, color=SINGLE_COLOUR, lw=0.9, ls="--", zorder=3)
        if plot.coef is not None:
            ax.axhline(plot.coef, color="#D55E00", lw=1.0, ls=":", zorder=1, label=t("zph_beta", lang))
        name = L.cov_name(plot.term, lang)
        ax.set_xlabel(t("zph_x", lang))
        ax.set_ylabel(t("zph_y", lang, term=name))
        ax.set_title(t("zph_title", lang, ep=L.tr(f"{plot.endpoint}_short", lang), term=name, p=_p_eq(plot.p)),
                     loc="left")
        ax.legend(loc="best", fontsize=7.5, frameon=False)
    return fig
