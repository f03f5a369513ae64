"""Response figures: waterfall of the best % change, and response at each evaluated cycle."""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from pipeline import vocab
from pipeline.figures import labels as L
from pipeline.figures.style import GREY, NE_BAR, response_colour, text_on, theme

#: Bars are cut here so one large rise does not flatten the rest (the cut is marked and noted).
WATERFALL_CAP = 100.0


def waterfall_data(adsl: pd.DataFrame, response_patients: pd.DataFrame | None = None) -> pd.DataFrame | None:
    """patient_id, best_pct_change, bor for patients with a raw best % change; None when no raw values.

    ``best_pct_change`` comes from the IMWG engine (per patient, in ``adsl`` or the response's patients
    table); the patients-only and recorded levels have none, and the waterfall is then omitted.
    """
    for src in (adsl, response_patients):
        if src is not None and "best_pct_change" in src.columns:
            d = src[["patient_id", "best_pct_change"]].copy()
            d["best_pct_change"] = pd.to_numeric(d["best_pct_change"], errors="coerce")
            d = d[np.isfinite(d["best_pct_change"])]
            if d.empty:
                return None
            col = "bor_best" if "bor_best" in adsl else "bor"  # IMWG BOR even when the rates use 'last'
            bor = adsl.set_index("patient_id")[col] if col in adsl else pd.Series(dtype=object)
            d["bor"] = d["patient_id"].map(bor).fillna("NE").astype(str)
            return d.reset_index(drop=True)
    return None


def plot_waterfall(data: pd.DataFrame, ax: Axes | None = None, *, lang: str = "en", title: str | None = None,
                   ylabel: str | None = None) -> Axes:
    """One bar per patient, best % change from baseline (worst left, best right), coloured by best response.

    Dashed lines at -50% (PR) and -90% (VGPR); bars above +100% are cut there and marked.
    """
    d = data.sort_values(["best_pct_change", "patient_id"], ascending=[False, True], kind="stable")
    vals = d["best_pct_change"].to_numpy(dtype=float)
    shown = np.clip(vals, -100.0, WATERFALL_CAP)
    n = len(d)
    with theme(lang):
        if ax is None:
            fig = Figure(figsize=(6.8, 4.0), layout="constrained")
            ax = fig.add_subplot()
        x = np.arange(n)
        cols = [response_colour(b) for b in d["bor"]]
        ax.bar(x, shown, width=0.8, color=cols, edgecolor="#4D4D4D", linewidth=0.3, zorder=2)
        cut = vals > WATERFALL_CAP
        for xi in x[cut]:
            ax.text(xi, WATERFALL_CAP + 3, "↑", ha="center", va="bottom", fontsize=8, color="#333333")
        ax.axhline(0, color="#333333", lw=0.8, zorder=3)
        for yv, key in ((-50, "pr_line"), (-90, "vgpr_line")):
            ax.axhline(yv, color=GREY, lw=0.9, ls=(0, (4, 3)), zorder=3)
            ax.text(1.005, yv, L.tr(key, lang), transform=ax.get_yaxis_transform(), va="center", ha="left",
                    fontsize=7.5, color="#444444", clip_on=False)
        top = max(30.0, float(shown.max()) + 12 if n else 30.0)
        ax.set_ylim(-105, min(top, WATERFALL_CAP + 15))
        ax.set_xlim(-0.8, n - 0.2)
        ax.set_xticks([])
        ax.set_xlabel(L.tr("waterfall_x", lang, n=n))
        ax.set_ylabel(ylabel or L.tr("waterfall_y", lang))
        ax.spines["bottom"].set_visible(False)
        ax.grid(axis="y", color="#EDEDED", lw=0.6, zorder=0)
        ax.set_axisbelow(True)
        present = [c for c in vocab.RESPONSE_ORDER if c in set(d["bor"])]
        handles = [Patch(facecolor=response_colour(c), edgecolor="#4D4D4D", lw=0.3, label=c) for c in present]
        ax.legend(handles=handles, title=L.tr("best_response", lang), loc="upper right", ncol=min(len(present), 4),
                  columnspacing=0.9, handlelength=1.0, handleheight=0.9, frameon=True, edgecolor="none",
                  facecolor="white", framealpha=0.9)
        if cut.any():
            ax.text(0.0, -0.08, "↑ " + L.tr("capped", lang), transform=ax.transAxes, fontsize=7.5, color="#444444")
        if title:
            ax.set_title(title, loc="left")
    return ax


def plot_response_by_cycle(by_cycle: pd.DataFrame, ax: Axes | None = None, *, lang: str = "en",
                           title: str | None = None) -> Axes:
    """Stacked bars: the share of each IMWG category among the patients assessed at each cycle, n above.

    ``by_cycle`` is ``AnalysisResult.by_cycle`` (cycle, category, n, N, pct). A segment shows its count
    when the count fits in it (:func:`min_labelled_pct`); the report's table gives every n (%).
    NE segments are grey, outlined and hatched (``style.NE_BAR``).
    """
    cycles = sorted(int(c) for c in by_cycle["cycle"].unique())
    seen = set(by_cycle.loc[by_cycle["n"] > 0, "category"])
    cats = [c for c in vocab.RESPONSE_ORDER if c in seen]
    with theme(lang):
        if ax is None:
            fig = Figure(figsize=(max(4.6, 1.0 + 0.8 * len(cycles)) + 1.3, 4.0), layout="constrained")
            ax = fig.add_subplot()
        ax.set_ylim(0, BY_CYCLE_TOP)
        x = np.arange(len(cycles))
        bottom = np.zeros(len(cycles))
        least = min_labelled_pct(ax)
        # worst at the bottom, best on top, so the responses stack up toward 100%
        for cat in reversed(cats):
            sub = by_cycle[by_cycle["category"] == cat].set_index("cycle")
            pct = np.array([float(sub["pct"].get(c, 0.0)) for c in cycles])
            cnt = np.array([int(sub["n"].get(c, 0)) for c in cycles])
            _segments(ax, x, pct, bottom, cnt, cat, least)
            bottom += pct
        big_n = by_cycle.groupby("cycle")["N"].first()
        for xi, c in zip(x, cycles, strict=True):
            ax.text(xi, 101.5, f"n = {int(big_n.get(c, 0))}", ha="center", va="bottom", fontsize=8)
        ax.set_xticks(x, [L.tr("cycle_n", lang, c=c) for c in cycles])
        ax.set_yticks([0, 25, 50, 75, 100])
        ax.set_ylabel(L.tr("by_cycle_y", lang))
        ax.grid(axis="y", color="#EDEDED", lw=0.6, zorder=0)
        ax.set_axisbelow(True)
        h, lab = ax.get_legend_handles_labels()
        ax.legend(h[::-1], lab[::-1], loc="upper left", bbox_to_anchor=(1.01, 1.0), handlelength=1.0,
                  handleheight=0.9)
        if title:
            ax.set_title(title, loc="left")
    return ax


#: Top of the response-by-cycle y axis (%): room above the bars for the 'n = ' line.
BY_CYCLE_TOP = 109
#: Font size of the counts in the segments (points) and the segment height a count needs, in lines of it.
COUNT_FONTSIZE = 7.5
COUNT_LINES = 1.3


def min_labelled_pct(ax: Axes) -> float:
    """The smallest segment (% of the patients assessed) a count is printed in: one line of the count's text.

    Measured on the axes as placed now, before constrained layout, which only makes this chart's axes taller
    (the default subplot box is 77% of the figure height; the laid-out one ~85-90%): a count that fits now
    fits in the file too.
    """
    height_pt = ax.get_position().height * ax.figure.get_figheight() * 72
    return COUNT_FONTSIZE * COUNT_LINES * BY_CYCLE_TOP / height_pt


def _segments(ax: Axes, x: np.ndarray, pct: np.ndarray, bottom: np.ndarray, cnt: np.ndarray, cat: str,
              least: float) -> None:
    """One category's segments of the stacked bars, with their counts where they fit."""
    if cat == "NE":
        look = dict(NE_BAR)
        ax.bar(x, pct, bottom=bottom, width=0.62, lw=0.6, label=cat, zorder=2, **look)
    else:
        look = {"color": response_colour(cat)}
        ax.bar(x, pct, bottom=bottom, width=0.62, color=look["color"], edgecolor="white", lw=0.6, label=cat, zorder=2)
    face = look["color"]
    # over the hatch the digits sit on a patch of the segment's colour
    box = {"facecolor": face, "edgecolor": "none", "pad": 0.6} if "hatch" in look else None
    for xi, p, b, k in zip(x, pct, bottom, cnt, strict=True):
        if k > 0 and p >= least:
            ax.text(xi, b + p / 2, str(k), ha="center", va="center", fontsize=COUNT_FONTSIZE, color=text_on(face),
                    bbox=box, zorder=3)
