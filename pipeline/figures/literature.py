"""This cohort's ORR beside published cohorts: a forest plot of proportions (exact CIs), the pooled
random-effects ORR of the published cohorts as a diamond, this cohort highlighted."""

from __future__ import annotations

import math

from matplotlib.figure import Figure
from matplotlib.patches import Polygon
from matplotlib.transforms import blended_transform_factory

from pipeline.figures import labels as L
from pipeline.figures.style import GREY, GROUP_COLOURS, theme
from pipeline.meta.forest import text_language
from pipeline.meta.words import ci_label
from pipeline.text.i18n import t

PUBLISHED, COHORT = GROUP_COLOURS[0], GROUP_COLOURS[1]


def _pct_ci(orr, lo, hi) -> str:
    return f"{100 * orr:.1f} ({100 * lo:.1f}–{100 * hi:.1f})"


def literature_rows(lit: dict, lang: str = "en") -> list[dict]:
    """Rows top to bottom: published cohorts, their pooled diamond, this cohort."""
    rows = [{"kind": "study", "label": s["name"], "n": f"{s['responders']}/{s['n']}", "size": s["n"],
             "orr": s["orr"], "lo": s["ci_low"], "hi": s["ci_high"], "colour": PUBLISHED}
            for s in lit["studies"]]
    if lit.get("pooled"):
        p = lit["pooled"]
        rows.append({"kind": "pooled", "label": t("lit_pooled", lang), "n": f"k = {p['k']}", "orr": p["estimate"],
                     "lo": p["ci_low"], "hi": p["ci_high"]})
    c = lit.get("cohort")
    if c and c.get("orr") is not None:
        pop = L.population_name(c["population"], lang)
        rows.append({"kind": "study", "label": t("lit_this_cohort", lang, pop=L.lower_first(pop, lang)),
                     "n": f"{c['responders']}/{c['n']}", "size": c["n"], "orr": c["orr"], "lo": c["ci_low"],
                     "hi": c["ci_high"], "colour": COHORT, "bold": True})
    return rows


def plot_literature(lit: dict, lang: str = "en") -> Figure:
    """The figure (one row per cohort; x = ORR in percent, 0-100)."""
    rows = literature_rows(lit, lang)
    n = len(rows)
    biggest = max(r.get("size", 1) for r in rows)
    ci = ci_label(lit["conf_level"])
    # Chinese cohort names in an English report still need a CJK font
    font_lang = lang if lang == "zh" else text_language(*(r["label"] for r in rows))
    with theme(font_lang):
        fig = Figure(figsize=(8.6, 1.25 + 0.3 * n))
        h = fig.get_figheight()
        ax = fig.add_axes((0.50, 0.62 / h, 0.30, (0.3 * n) / h))
        ax.set_ylim(n - 0.5, -0.5)
        ax.set_xlim(0, 100)
        tr = blended_transform_factory(fig.transFigure, ax.transData)
        for y, r in enumerate(rows):
            weight = "bold" if r.get("bold") or r["kind"] == "pooled" else "normal"
            fig.text(0.015, y, r["label"], transform=tr, va="center", fontsize=8.5, fontweight=weight)
            fig.text(0.445, y, r["n"], transform=tr, va="center", ha="right", fontsize=8.5, fontweight=weight)
            fig.text(0.985, y, _pct_ci(r["orr"], r["lo"], r["hi"]), transform=tr, va="center", ha="right",
                     fontsize=8.5, fontweight=weight)
            if r["kind"] == "pooled":
                lo, est, hi = 100 * r["lo"], 100 * r["orr"], 100 * r["hi"]
                ax.add_patch(Polygon([(lo, y), (est, y + 0.32), (hi, y), (est, y - 0.32)], closed=True,
                                     color="#222222", zorder=3))
                ax.axvline(est, color=GREY, lw=0.8, ls=(0, (3, 2)), zorder=1)
                continue
            ax.plot([100 * r["lo"], 100 * r["hi"]], [y, y], color=r["colour"], lw=1.3, zorder=2)
            ax.scatter([100 * r["orr"]], [y], marker="s", color=r["colour"], zorder=3, linewidths=0,
                       s=18 + 70 * math.sqrt(r["size"] / biggest))
        top = -0.5 - 0.25
        for x, txt, ha in ((0.015, t("c_lit_study", lang), "left"), (0.445, t("c_lit_resp", lang), "right"),
                           (0.985, t("c_lit_orr", lang, ci=ci), "right")):
            fig.text(x, top, txt, transform=tr, va="bottom", ha=ha, fontsize=8.5, fontweight="bold")
        ax.set_yticks([])
        ax.spines["left"].set_visible(False)
        ax.set_xticks([0, 20, 40, 60, 80, 100])
        ax.set_xlabel(t("lit_x", lang), fontsize=8.5)
        ax.grid(axis="x", color="#EDEDED", lw=0.6, zorder=0)
    return fig
