"""Swimmer plot: one bar per patient from the start of treatment to the last follow-up.

Bars are coloured by best overall response; cycle starts are ticked on the bar, and the onset of
response (>= PR), progression, death (or alive at last contact) and extramedullary disease are marked.
Patients appear by their pseudonymous study ID only.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from pipeline import vocab
from pipeline.analysis.survival import month_ticks
from pipeline.figures import labels as L
from pipeline.figures.style import response_colour, theme
from pipeline.vocab import DAYS_PER_MONTH as M

#: Above this many patients the IDs are not printed (they would not be legible).
MAX_LABELLED = 60
MARKERS = {
    "response": {"marker": "^", "color": "#009E73", "mec": "#1A1A1A", "ms": 6.5, "mew": 0.6},
    "progression": {"marker": "D", "color": "#E69F00", "mec": "#1A1A1A", "ms": 5.5, "mew": 0.6},
    "death": {"marker": "X", "color": "#1A1A1A", "mec": "#1A1A1A", "ms": 7, "mew": 0.4},
    "ongoing": {"marker": ">", "color": "#1A1A1A", "mec": "#1A1A1A", "ms": 5, "mew": 0.4},
    "emd": {"marker": "s", "color": "#CC79A7", "mec": "#1A1A1A", "ms": 5, "mew": 0.5},
}


def swimmer_data(adsl: pd.DataFrame, adtte: pd.DataFrame, adrs: pd.DataFrame | None = None) -> pd.DataFrame:
    """Per patient (months from index): end of follow-up, death, progression, response onset, EMD, BOR."""
    os_ = adtte[adtte["PARAMCD"] == "OS"].set_index("patient_id")
    a = adsl.set_index("patient_id")
    idx = pd.to_datetime(a["index_date"])
    out = pd.DataFrame(index=a.index)
    out["end"] = os_["AVAL"].reindex(a.index).astype(float) / M
    out["dead"] = os_["CNSR"].reindex(a.index).eq(0)
    col = "bor_best" if "bor_best" in a else "bor"  # IMWG BOR even when the rates use 'last'
    out["bor"] = a[col].fillna("NE").astype(str) if col in a else "NE"
    out["emd"] = a["emd_any"].eq("yes") if "emd_any" in a else False
    out["cycles"] = pd.to_numeric(a.get("cycles"), errors="coerce")
    prog = pd.to_datetime(a["PDDT"])
    out["progression"] = (prog - idx).dt.days / M
    out["response"] = np.nan
    if adrs is not None and not adrs.empty and "ADY" in adrs:
        cat = "confirmed_category" if "confirmed_category" in adrs and adrs["confirmed_category"].notna().any() \
            else "category"
        r = adrs[adrs[cat].isin(vocab.ORR_CATEGORIES) & adrs["ADY"].notna()]
        first = r.groupby("patient_id")["ADY"].min() / M
        out["response"] = first.reindex(a.index)
    elif "bor_date" in a and a["bor_date"].notna().any():
        resp = a["bor"].isin(vocab.ORR_CATEGORIES)
        out["response"] = ((pd.to_datetime(a["bor_date"]) - idx).dt.days / M).where(resp)
    return out.reset_index()


def plot_swimmer(data: pd.DataFrame, ax: Axes | None = None, *, cycle_length_days: int = 28, lang: str = "en",
                 title: str | None = None) -> Axes:
    """Draw the swimmer plot from :func:`swimmer_data` (longest follow-up at the top)."""
    d = data.sort_values(["end", "patient_id"], ascending=[True, False], kind="stable").reset_index(drop=True)
    n = len(d)
    labelled = n <= MAX_LABELLED
    with theme(lang):
        if ax is None:
            h = min(max(3.4, 1.2 + 0.2 * n), 22.0) if labelled else min(max(4.0, 1.7 + 0.09 * n), 22.0)
            fig = Figure(figsize=(7.6, h), layout="constrained")
            ax = fig.add_subplot()
        y = np.arange(n)
        bar_h = 0.62 if labelled else 0.8
        ax.barh(y, d["end"], height=bar_h, color=[response_colour(b) for b in d["bor"]],
                edgecolor="#4D4D4D" if labelled else "#8C8C8C", linewidth=0.3 if labelled else 0.15, zorder=2)
        _draw_cycle_starts(ax, d, y, cycle_length_days, tick_size=bar_h * 9 if labelled else 3)
        span = float(d["end"].max()) if n else 1.0
        _draw_events(ax, d, y, span)
        _draw_axes(ax, d, y, span, labelled, lang)
        _draw_legend(ax, d, lang)
        if title:
            ax.set_title(title, loc="left")
    return ax


def _draw_cycle_starts(ax: Axes, d: pd.DataFrame, y: np.ndarray, cycle_length_days: int, tick_size: float) -> None:
    """Cycle starts as ticks on the bars (cycle k assumed to start at (k - 1) x cycle length); all at once."""
    n = len(d)
    cyc = d["cycles"].fillna(0).astype(int).to_numpy()
    kk = np.arange(1, int(cyc.max()) if n and cyc.max() > 1 else 1)
    if len(kk):
        xs = (kk[None, :] * cycle_length_days / M) * np.ones((n, 1))
        ok = (kk[None, :] < cyc[:, None]) & (xs < d["end"].to_numpy()[:, None])
        yy = np.broadcast_to(y[:, None], xs.shape)
        ax.plot(xs[ok], yy[ok], ls="none", marker="|", ms=tick_size, mew=0.7, color="#333333", alpha=0.75,
                zorder=3)


def _draw_events(ax: Axes, d: pd.DataFrame, y: np.ndarray, span: float) -> None:
    """Response onset and progression on the bars, death (or alive: an arrow) at their ends, EMD left of them."""
    for key, col in (("response", "response"), ("progression", "progression")):
        m = d[col].notna()
        ax.plot(d.loc[m, col], y[m], ls="none", zorder=4, **MARKERS[key])
    dead = d["dead"].to_numpy(dtype=bool)
    ax.plot(d.loc[dead, "end"], y[dead], ls="none", zorder=4, **MARKERS["death"])
    ax.plot(d.loc[~dead, "end"] + 0.012 * span, y[~dead], ls="none", zorder=4, **MARKERS["ongoing"])
    emd = d["emd"].fillna(False).to_numpy(dtype=bool)
    ax.plot(np.full(emd.sum(), -0.025 * span), y[emd], ls="none", zorder=4, clip_on=False, **MARKERS["emd"])


def _draw_axes(ax: Axes, d: pd.DataFrame, y: np.ndarray, span: float, labelled: bool, lang: str) -> None:
    """Month ticks, limits, and the patients' IDs on the y axis (or just their number when too many)."""
    n = len(d)
    ticks = month_ticks(span)
    ax.set_xticks(ticks)
    ax.set_xlim(-0.045 * span, max(span * 1.05, ticks[-1] + 0.01 * span))
    ax.set_ylim(-0.7, n - 0.3)
    if labelled:
        ax.set_yticks(y, d["patient_id"].astype(str), fontsize=7.5 if n > 30 else 8)
        ax.tick_params(axis="y", length=0, pad=12)
        ax.set_ylabel(L.tr("swimmer_y", lang))
    else:
        ax.set_yticks([])
        ax.set_ylabel(L.tr("swimmer_y_many", lang, n=n))
    ax.spines["left"].set_visible(False)
    ax.set_xlabel(L.tr("swimmer_x", lang))
    ax.grid(axis="x", color="#EDEDED", lw=0.6, zorder=0)
    ax.set_axisbelow(True)


def _draw_legend(ax: Axes, d: pd.DataFrame, lang: str) -> None:
    """Right of the plot: the best responses present (bar colours), a gap, then the marks."""
    present = [c for c in vocab.RESPONSE_ORDER if c in set(d["bor"])]
    handles = [Patch(facecolor=response_colour(c), edgecolor="#4D4D4D", lw=0.3, label=c) for c in present]
    handles.append(Line2D([], [], ls="none", marker="|", ms=7, mew=0.9, color="#333333",
                          label=L.tr("cycle_start", lang)))
    for key in ("response", "progression", "death", "ongoing", "emd"):
        lab = L.tr({"response": "response_onset", "emd": "emd_flag"}.get(key, key), lang)
        handles.append(Line2D([], [], ls="none", label=lab, **MARKERS[key]))
    spacer = Patch(facecolor="none", edgecolor="none", label=" ")
    handles.insert(len(present), spacer)
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.01, 1.0), alignment="left",
              title=L.tr("bar_colour", lang), handlelength=1.2, labelspacing=0.35)
