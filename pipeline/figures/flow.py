"""Patient-flow diagram: export -> treated by the cut-off -> response-evaluable -> >= N cycles.

``patient_flow`` computes the boxes (counts and exclusion reasons) from ``adsl`` and the cut-off report;
``plot_patient_flow`` draws them. The report prints the same steps as a table.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from pipeline.figures import labels as L
from pipeline.figures.style import theme
from pipeline.text.i18n import join


@dataclass
class FlowStep:
    """One box of the flow, and the box beside the arrow leading to the next one (who left, why)."""

    key: str
    label: str
    n: int
    excluded_label: str | None = None
    excluded_n: int | None = None
    notes: list[str] = field(default_factory=list)


def patient_flow(adsl: pd.DataFrame, cutoff_report: dict | None, evaluable_min_cycles: int = 2,
                 extended_min_cycles: int = 4, lang: str = "en") -> list[FlowStep]:
    """The flow's steps with counts and exclusion reasons (display-only; from adsl and the cut-off report)."""
    rep = cutoff_report or {}
    n_cohort = int(len(adsl))
    late = list(rep.get("patients_excluded") or [])
    cutoff = rep.get("cutoff", "")
    cycles = pd.to_numeric(adsl["cycles"], errors="coerce") if "cycles" in adsl else pd.Series(dtype=float)
    n_eval = int((cycles >= evaluable_min_cycles).sum())
    n_ext = int((cycles >= extended_min_cycles).sum())
    dead = adsl["death_date"].notna() if "death_date" in adsl else pd.Series(False, index=adsl.index)
    few = cycles < evaluable_min_cycles
    few_lines = [L.tr("flow_died", lang, n=int((few & dead).sum())),
                 L.tr("flow_alive", lang, n=int((few & ~dead).sum()))]
    n_dc = len(rep.get("deaths_censored") or [])
    n_pc = len(rep.get("progressions_censored") or [])
    steps = [
        FlowStep("export", L.tr("flow_export", lang), n_cohort + len(late),
                 L.tr("flow_after_cutoff", lang), len(late)),
        FlowStep("cohort", L.tr("flow_cohort", lang, cutoff=cutoff), n_cohort,
                 L.tr("flow_fewer_detail", lang, k=evaluable_min_cycles, lines=join(few_lines, lang, "sep_comma")),
                 n_cohort - n_eval,
                 notes=[L.tr("flow_censored", lang, d=n_dc, p=n_pc)] if (n_dc or n_pc) else []),
        FlowStep("evaluable", L.tr("flow_evaluable", lang, k=evaluable_min_cycles), n_eval),
    ]
    if extended_min_cycles > evaluable_min_cycles:
        steps[-1].excluded_label = L.tr("flow_fewer", lang, k=extended_min_cycles)
        steps[-1].excluded_n = n_eval - n_ext
        steps.append(FlowStep("extended", L.tr("flow_extended", lang, k=extended_min_cycles), n_ext))
    return steps


def plot_patient_flow(steps: list[FlowStep], ax: Axes | None = None, *, lang: str = "en",
                      title: str | None = None) -> Axes:
    """Boxes top to bottom with n, exclusion boxes to the right of the arrows between them."""
    k = len(steps)
    with theme(lang):
        if ax is None:
            fig = Figure(figsize=(5.6, 0.45 + 0.9 * k))
            ax = fig.add_axes((0.01, 0.01, 0.98, 0.98 if not title else 0.9))
        ax.set_xlim(0, 1)
        ax.set_ylim(-0.5, k - 0.5)
        ax.axis("off")
        main_box = {"boxstyle": "round,pad=0.55,rounding_size=0.12", "fc": "#EAF2F8", "ec": "#0072B2", "lw": 1.1}
        side_box = {"boxstyle": "round,pad=0.45,rounding_size=0.1", "fc": "#FBF3E9", "ec": "#B35C00", "lw": 0.9}
        xc, xs = 0.29, 0.62
        ys = [k - 1 - i for i in range(k)]
        for i, (st, y) in enumerate(zip(steps, ys, strict=True)):
            ax.text(xc, y, f"{st.label}\nn = {st.n}", ha="center", va="center", fontsize=9, bbox=main_box,
                    linespacing=1.35, zorder=3)
            if st.notes:
                ax.text(xs, y, "\n".join(st.notes), ha="left", va="center", fontsize=7.5, color="#555555",
                        style="italic", linespacing=1.3)
            if i + 1 < k:
                y_next = ys[i + 1]
                ax.annotate("", xy=(xc, y_next + 0.30), xytext=(xc, y - 0.30),
                            arrowprops={"arrowstyle": "-|>", "lw": 1.1, "color": "#333333",
                                        "shrinkA": 0, "shrinkB": 0}, zorder=2)
                if st.excluded_label is not None:
                    ym = (y + y_next) / 2
                    ax.annotate("", xy=(xs - 0.01, ym), xytext=(xc, ym),
                                arrowprops={"arrowstyle": "-|>", "lw": 0.9, "color": "#777777",
                                            "shrinkA": 0, "shrinkB": 0}, zorder=2)
                    ax.text(xs, ym, f"{st.excluded_label}\nn = {st.excluded_n}", ha="left", va="center",
                            fontsize=8, bbox=side_box, linespacing=1.3, zorder=3)
        if title:
            ax.figure.suptitle(title, x=0.01, ha="left", fontsize=10, fontweight="bold")
    return ax
