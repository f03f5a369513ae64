"""Forest plot in the RevMan 5 layout and a funnel plot, from one ``meta.json`` analysis entry.

Columns: study, the data (events/total per arm, or ratio and SE, or events/total), weight %, the
estimate with its CI in words, and the plot (squares sized by weight, CI lines, pooled diamond).
Under each total: total events, the heterogeneity line and the test for overall effect; under the
axis the 'favours' labels.
"""

from __future__ import annotations

import math
import re

import numpy as np
from matplotlib.figure import Figure
from matplotlib.patches import Polygon
from matplotlib.ticker import FixedLocator, NullLocator
from matplotlib.transforms import blended_transform_factory

from pipeline.figures.style import GREY, SINGLE_COLOUR, figure_language, theme
from pipeline.meta.words import (
    ci_label,
    estimate_words,
    heterogeneity_line,
    measure_words,
    overall_line,
    p_revman,
)
from pipeline.text import fmt
from pipeline.text.i18n import t

ROW_IN = 0.19  # inches per row
TEXT = 7.6  # font size
PLOT_X0, PLOT_X1 = 0.70, 0.975  # the plot's horizontal span (figure fraction)


_CJK = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef]")


def text_language(*texts: object) -> str:
    """'zh' (a CJK font) when any text holds CJK characters and a CJK font is installed, else 'en'
    (``figure_language`` logs how to install one). Given the figure's own words too, it picks the font for
    them (the caller drew them in Chinese only where a CJK font is installed) and for the user's labels."""
    return figure_language("zh") if any(_CJK.search(str(x)) for x in texts if x) else "en"


def _columns(a: dict, labels: dict, lang: str = "en") -> list[tuple[str, str, float, str]]:
    """(key, head, x, align) of the data columns between the study name and the weight."""
    events, total = t("meta.f_events", lang), t("meta.f_total", lang)
    if a["type"] == "dichotomous":
        e = labels.get("experimental") or t("meta.f_experimental", lang)
        c = labels.get("control") or t("meta.f_control", lang)
        return [("experimental_events", f"{e}\n{events}", 0.285, "right"),
                ("experimental_total", f"\n{total}", 0.345, "right"),
                ("control_events", f"{c}\n{events}", 0.425, "right"), ("control_total", f"\n{total}", 0.485, "right")]
    if a["type"] == "generic":
        return [("log", t("meta.f_log", lang, measure=a["measure"]), 0.36, "right"),
                ("se", t("meta.f_se", lang), 0.44, "right")]
    return [("events", events, 0.36, "right"), ("total", total, 0.44, "right")]


def _ok(v) -> bool:
    """A number that is there (not None, not NaN)."""
    return v is not None and not (isinstance(v, float) and math.isnan(v))


def _cell(key: str, s: dict) -> str:
    if key == "log":
        return fmt.fmt_num(math.log(s["ratio"]), 4)
    if key == "se":
        return fmt.fmt_num(s["se"], 4)
    return fmt.fmt_int(s[key])


def build_rows(a: dict, lang: str = "en") -> list[dict]:
    """Display rows top to bottom: subgroup heads, studies, subtotals, totals and their text lines."""
    rows: list[dict] = []
    subs = a.get("subgroups") or []
    groups = [(s["subgroup"], s) for s in subs] if subs else [(None, None)]
    for name, sub in groups:
        studies = [s for s in a["studies"] if name is None or s.get("subgroup") == name]
        if name is not None:
            rows.append({"kind": "head", "text": str(name)})
        rows += [{"kind": "study", "s": s} for s in studies]
        if sub is not None:
            w = sum(s["weight"] for s in studies if _ok(s["weight"]))
            rows += _total_rows(a, sub, studies, "meta.f_subtotal", w, lang)
            rows.append({"kind": "blank"})
    rows += _total_rows(a, a, a["studies"], "meta.f_total_row", 100.0, lang)
    if a.get("subgroup_test"):
        st = a["subgroup_test"]
        rows.append({"kind": "note", "text": t("meta.f_subgroup_test", lang, chi2=fmt.fmt_num(st["Q"], 2),
                                               df=st["df"], p=p_revman(st["p"], lang), i2=fmt.fmt_num(st["I2"], 1))})
    return rows


def _total_rows(a: dict, res: dict, studies: list[dict], key: str, weight: float, lang: str) -> list[dict]:
    rows = [{"kind": "total", "text": t(key, lang, ci=ci_label(a["conf_level"], lang)), "res": res,
             "weight": weight, "studies": studies}]
    if a["type"] == "dichotomous":
        rows.append({"kind": "events", "studies": studies})
    if res.get("k", 0) > 1:
        rows.append({"kind": "note", "text": heterogeneity_line(res, a["model"], lang)})
    if a["measure"] != "proportion":  # a z test of a proportion against 0 on its scale means nothing
        rows.append({"kind": "note", "text": overall_line(res, lang)})
    return rows


def _scale(a: dict) -> tuple[str, float, float, list[float]]:
    """Axis kind, limits and ticks: symmetric log scales as RevMan's, linear for RD and proportions."""
    vals = [v for s in a["studies"] for v in (s["ci_low"], s["ci_high"]) if v is not None and np.isfinite(v)]
    if a["scale"] == "log":
        span = max([abs(math.log10(v)) for v in vals if v > 0] + [math.log10(2)])
        for lim in (2, 5, 10, 20, 100, 1000):
            if math.log10(lim) >= span or lim == 1000:
                break
        ticks = {2: [0.5, 0.7, 1, 1.5, 2], 5: [0.2, 0.5, 1, 2, 5], 10: [0.1, 0.2, 0.5, 1, 2, 5, 10],
                 20: [0.05, 0.2, 1, 5, 20], 100: [0.01, 0.1, 1, 10, 100], 1000: [0.001, 0.1, 1, 10, 1000]}[lim]
        return "log", 1 / lim, float(lim), ticks
    if a["measure"] == "proportion":
        return "linear", 0.0, 1.0, [0, 0.2, 0.4, 0.6, 0.8, 1.0]
    m = max([abs(v) for v in vals] + [0.1])
    lim = next(x for x in (0.1, 0.2, 0.5, 1.0) if x >= m or x == 1.0)
    return "linear", -lim, lim, [-lim, -lim / 2, 0, lim / 2, lim]


def _draw_ci(ax, est, lo, hi, y, lim, size):
    lo_c, hi_c = max(lo, lim[0]), min(hi, lim[1])
    ax.plot([lo_c, hi_c], [y, y], color="#222222", lw=0.9, zorder=2, solid_capstyle="butt", clip_on=False)
    for end, cut, mk in ((lo_c, lo < lim[0], "<"), (hi_c, hi > lim[1], ">")):
        if cut:
            ax.plot([end], [y], marker=mk, color="#222222", ms=3.5, zorder=3, clip_on=False)
    if lim[0] <= est <= lim[1]:
        ax.scatter([est], [y], s=size, marker="s", color=SINGLE_COLOUR, zorder=3, linewidths=0,
                   clip_on=False)


def _diamond(ax, res: dict, y: float, lim) -> None:
    lo, est, hi = (min(max(v, lim[0]), lim[1]) for v in (res["ci_low"], res["estimate"], res["ci_high"]))
    ax.add_patch(Polygon([(lo, y), (est, y + 0.38), (hi, y), (est, y - 0.38)], closed=True,
                         color="#111111", zorder=3, clip_on=False))


def _row_text(fig, tr, a, r, y, cols, lang: str) -> None:
    """The text cells of one row (figure x, data y)."""
    kw = {"transform": tr, "va": "center", "fontsize": TEXT, "clip_on": False}
    if r["kind"] in ("head", "note"):
        bold = r["kind"] == "head"
        fig.text(0.012 if bold else 0.02, y, r["text"], fontweight="bold" if bold else "normal",
                 fontsize=TEXT if bold else TEXT - 0.6, **{k: v for k, v in kw.items() if k != "fontsize"})
        return
    if r["kind"] == "study":
        s = r["s"]
        fig.text(0.02, y, str(s["study"]), **kw)
        for key, _, x, ha in cols:
            fig.text(x, y, _cell(key, s), ha=ha, **kw)
        w = s["weight"]
        fig.text(0.555, y, fmt.fmt_pct(w, 1, none=""), ha="right", **kw)
        fig.text(0.575, y, estimate_words(s["estimate"] if _ok(w) else None,
                                          s["ci_low"], s["ci_high"], a["scale"], a["measure"], lang), **kw)
    elif r["kind"] == "total":
        fig.text(0.012, y, r["text"], fontweight="bold", **kw)
        for key, _, x, ha in cols:
            if key in ("experimental_total", "control_total", "total"):
                fig.text(x, y, str(int(sum(s[key] for s in r["studies"]))), ha=ha, fontweight="bold", **kw)
        fig.text(0.555, y, fmt.fmt_pct(r["weight"]), ha="right", fontweight="bold", **kw)
        res = r["res"]
        fig.text(0.575, y, estimate_words(res["estimate"], res["ci_low"], res["ci_high"], a["scale"],
                                          a["measure"], lang), fontweight="bold", **kw)
    elif r["kind"] == "events":
        fig.text(0.02, y, t("meta.f_total_events", lang), **kw)
        for key, _, x, ha in cols:
            if key in ("experimental_events", "control_events"):
                fig.text(x, y, str(int(sum(s[key] for s in r["studies"]))), ha=ha, **kw)


def _axis(ax, a, kind, lo, hi, ticks, labels, ypos) -> None:
    if kind == "log":
        ax.set_xscale("log")
    ax.set_xlim(lo, hi)
    ref = 1.0 if kind == "log" else (0.0 if a["measure"] != "proportion" else None)
    if ref is not None:
        ax.axvline(ref, color=GREY, lw=0.8, zorder=1)
    else:
        ax.axvline(a["estimate"], color=GREY, lw=0.8, ls=(0, (3, 2)), zorder=1)
    ax.xaxis.set_major_locator(FixedLocator(ticks))
    ax.xaxis.set_minor_locator(NullLocator())
    ax.set_xticklabels([f"{t:g}" for t in ticks], fontsize=TEXT)
    ax.yaxis.set_major_locator(NullLocator())
    for side in ("left", "right", "top"):
        ax.spines[side].set_visible(False)
    left, right = labels.get("favours_left"), labels.get("favours_right")
    for text, x, ha in ((left, 0.48, "right"), (right, 0.52, "left")):
        if text:
            ax.text(x, ypos, text, transform=ax.transAxes, ha=ha, va="top", fontsize=TEXT)


def plot_forest(a: dict, labels: dict, title: str | None = None, lang: str = "en") -> Figure:
    """The RevMan-style forest plot of one analysis (a ``meta.json`` entry), its words in ``lang`` (the
    figure language: 'zh' only where a CJK font is installed, see ``figures.style.figure_language``)."""
    rows = build_rows(a, lang)
    n = len(rows)
    head_in, foot_in = 0.62 + (0.2 if title else 0), 0.62
    height = head_in + foot_in + n * ROW_IN
    font = text_language(t("meta.f_study", lang), title, *labels.values(), *(s["study"] for s in a["studies"]),
                         *(g["subgroup"] for g in a.get("subgroups") or []))
    with theme(font):
        fig = Figure(figsize=(10.0, height))
        ax = fig.add_axes((PLOT_X0, foot_in / height, PLOT_X1 - PLOT_X0, n * ROW_IN / height))
        ax.set_ylim(n - 0.5, -0.5)
        tr = blended_transform_factory(fig.transFigure, ax.transData)
        cols = _columns(a, labels, lang)
        kind, lo, hi, ticks = _scale(a)
        for y, r in enumerate(rows):
            _row_text(fig, tr, a, r, y, cols, lang)
            if r["kind"] == "study" and _ok(r["s"]["weight"]):
                s = r["s"]
                _draw_ci(ax, s["estimate"], s["ci_low"], s["ci_high"], y, (lo, hi), 8 + 3 * s["weight"])
            elif r["kind"] == "total":
                _diamond(ax, r["res"], y, (lo, hi))
        _header(fig, a, cols, (head_in - 0.05) / height, title, lang)
        _axis(ax, a, kind, lo, hi, ticks, labels, -0.33 / (n * ROW_IN))
    return fig


def _header(fig, a, cols, top_frac, title, lang: str) -> None:
    y = 1 - top_frac + 0.02 / fig.get_figheight()
    kw = {"fontsize": TEXT, "fontweight": "bold", "va": "bottom"}
    fig.text(0.012, y, t("meta.f_study", lang), **kw)
    for _, head, x, ha in cols:
        fig.text(x, y, head, ha=ha, multialignment="right", **kw)
    fig.text(0.555, y, t("meta.f_weight", lang), ha="right", **kw)
    model = t("meta.f_random" if a["model"] == "random" else "meta.f_fixed", lang)
    words = t("meta.f_head", lang, measure=measure_words(a["measure"], lang), method=a["method"].split(",")[0],
              model=model, ci=ci_label(a["conf_level"], lang))
    fig.text(0.575, y, words, ha="left", **kw)
    fig.text((PLOT_X0 + PLOT_X1) / 2, y, words, ha="center", **kw)
    fig.lines.append(_hline(fig, y - 0.012 / fig.get_figheight() * 3))
    if title:
        fig.text(0.012, 1 - 0.08 / fig.get_figheight(), title, fontsize=9.5, fontweight="bold", va="top")


def _hline(fig, y):
    from matplotlib.lines import Line2D

    return Line2D([0.012, PLOT_X1], [y, y], transform=fig.transFigure, color="#222222", lw=0.8)
