"""Funnel plot (RevMan 5 style): each study's estimate against its standard error, SE axis reversed,
a vertical line at the pooled estimate and the pseudo confidence limits estimate +- z x SE."""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import FixedLocator, NullLocator

from pipeline.figures.style import GREY, SINGLE_COLOUR, theme
from pipeline.meta.forest import text_language
from pipeline.meta.pool import z_crit
from pipeline.meta.words import ci_label, measure_words
from pipeline.text.i18n import t


def plot_funnel(a: dict, yi: np.ndarray, vi: np.ndarray, title: str | None = None, lang: str = "en") -> Figure:
    """``yi, vi``: the included studies on the analysis scale (log ratio, RD, logit, double arcsine); the
    words in ``lang`` (the figure language, see ``plot_forest``)."""
    se = np.sqrt(vi)
    centre = float(a["analysis_scale_estimate"])
    crit = z_crit(a["conf_level"])
    top = float(se.max()) * 1.08
    with theme(text_language(t("meta.fn_pooled", lang), title)):
        fig = Figure(figsize=(5.2, 4.2), layout="constrained")
        ax = fig.add_subplot()
        log = a["scale"] == "log"
        tx = np.exp if log else (lambda v: v)
        s_line = np.linspace(0, top, 50)
        ax.plot(tx(centre - crit * s_line), s_line, color=GREY, lw=0.9, ls=(0, (4, 3)))
        ax.plot(tx(centre + crit * s_line), s_line, color=GREY, lw=0.9, ls=(0, (4, 3)),
                label=t("meta.fn_pseudo", lang, ci=ci_label(a["conf_level"], lang)))
        ax.axvline(tx(centre), color="#222222", lw=0.9, label=t("meta.fn_pooled", lang))
        ax.scatter(tx(yi), se, s=22, facecolor="white", edgecolor=SINGLE_COLOUR, linewidths=1.1, zorder=3)
        if log:
            ax.set_xscale("log")
            lo, hi = ax.get_xlim()
            ticks = [t for t in (0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50, 100) if lo <= t <= hi]
            ax.xaxis.set_major_locator(FixedLocator(ticks))
            ax.xaxis.set_minor_locator(NullLocator())
            ax.set_xticklabels([f"{t:g}" for t in ticks])
        ax.set_ylim(top, 0)
        word = measure_words(a["measure"], lang)
        scale_word = {"log": word, "identity": word, "logit": t("meta.fn_logit", lang),
                      "freeman_tukey": t("meta.fn_ft", lang)}[a["scale"]]
        ax.set_xlabel(scale_word)
        se_of = t("meta.fn_log", lang, measure=a["measure"]) if log else scale_word
        ax.set_ylabel(t("meta.fn_se", lang, what=se_of))
        # below the axes: inside, the funnel's lines and the studies fill every corner
        fig.legend(*ax.get_legend_handles_labels(), loc="outside lower center", ncols=2, fontsize=7.5)
        if title:
            ax.set_title(title, loc="left")
    return fig
