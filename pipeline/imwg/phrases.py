"""The phrases the category rules' reasons are made of (``rules.CATEGORY_RULES``; docs/IMWG_RULES.md).

A rule's ``reason`` is a list of fragments: a text, or ``(mask, text)`` for a text said only where
``mask`` holds. A text is a string or a function of the row indices it is needed for returning a
categorical ``text.Text`` (built only for those rows; words made once per distinct combination).
``x`` is a ``categorize.Context``: arrays over every row, read by attribute name.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from pipeline.imwg.text import Text, choose, concat, join_text, number

Builder = Callable[[np.ndarray], Text]

#: The measures a patient can be followed by, as ``Context.missing`` stacks them, with their names.
MEASURE_NAMES = ("serum M", "urine M", "dFLC", "marrow plasma cells", "plasmacytoma SPD")


def pct(v, b) -> np.ndarray:
    """Per cent change of ``v`` from ``b`` (NaN where undefined)."""
    with np.errstate(all="ignore"):
        p = (v - b) / b * 100.0
    return np.where(np.isfinite(p), p, np.nan)


def vs_baseline(v, b, digits: int, unit: str) -> Callable[[np.ndarray], tuple]:
    """"1.5 g/dL (-62% from baseline 4 g/dL)", as the parts of one ``concat``."""
    return lambda i: (number(v[i], digits), f"{unit} (", number(pct(v[i], b[i]), 0, True), "% from baseline ",
                      number(b[i], digits), f"{unit})")


def rise(label: str, v, nadir, digits: int, unit: str, rise_unit: str | None = None,
         relative: bool = True) -> Builder:
    """"serum M 1.5 g/dL, up 0.5 g/dL (+50%) from nadir 1 g/dL" (the per cent only when ``relative``
    and the nadir is above 0)."""
    def build(i):
        rel = choose(relative & (nadir[i] > 0), concat(" (", number(pct(v[i], nadir[i]), 0, True), "%)"), "")
        return concat(label, number(v[i], digits), f"{unit}, up ", number(v[i] - nadir[i], digits),
                      rise_unit or unit, rel, " from nadir ", number(nadir[i], digits), unit)
    return build


def measure(label: str, imputed, v, b, digits: int, unit: str) -> Builder:
    """A measure against its baseline; "<label> not measured, IFE negative: " where it was taken as 0."""
    vs = vs_baseline(v, b, digits, unit)
    if imputed is None:
        return lambda i: concat(f"{label} ", *vs(i))
    return lambda i: concat(choose(imputed[i], f"{label} not measured, IFE negative: ", f"{label} "), *vs(i))


def plasmacytoma(x) -> Builder:
    """The most recent plasmacytoma SPD against baseline, or that it was not re-imaged."""
    last = vs_baseline(x.spd_last, x.b_spd, 1, " cm2")

    def build(i):
        reimaged = x.spd_reimaged[i]
        return join_text(len(i), [  # one of the two per row
            (reimaged, lambda j: concat(choose(np.isnan(x.spd[i[j]]), "plasmacytoma SPD at the last imaging ",
                                               "plasmacytoma SPD "), *last(i[j]))),
            (~reimaged, lambda j: concat("plasmacytoma not re-imaged since baseline (SPD ", number(x.b_spd[i[j]], 1),
                                         " cm2)")),
        ])
    return build


def immunofixation_and_marrow(x) -> Builder:
    """What a CR rests on: "serum IFE negative, urine IFE negative, marrow plasma cells 2%"."""
    return lambda i: concat(
        choose(np.isnan(x.urine_ife[i]), "serum IFE negative, urine IFE not done (urine never measurable)",
               "serum IFE negative, urine IFE negative"),
        ", marrow plasma cells ", number(x.marrow_last[i], 1), "%")


def flc_ratio_normal(x) -> Builder:
    return lambda i: concat("FLC ratio ", number(x.ratio[i], 2), " normal")


def not_scr(x) -> Builder:
    """Why a CR is not sCR."""
    return lambda i: concat("not sCR: ", join_text(len(i), [
        (np.isnan(x.ratio[i]), "FLC ratio not measured"),
        (~np.isnan(x.ratio[i]) & ~x.ratio_normal[i], lambda j: concat("FLC ratio ", number(x.ratio[i[j]], 2),
                                                                      " abnormal")),
        (np.isnan(x.clonal_last[i]), "clonal cells not tested"),
        (x.clonal_last[i] == 1, "clonal cells positive"),
    ], sep=", "))


def not_cr(x, marrow_pct: float) -> Builder:
    """Why negative immunofixation did not give CR (said at categories below CR); ``marrow_pct``: CR's
    marrow threshold."""
    return lambda i: concat("immunofixation negative but not CR: ", join_text(len(i), [
        (np.isnan(x.marrow_last[i]), "no marrow since baseline"),
        (x.marrow_last[i] >= marrow_pct,
         lambda j: concat("marrow plasma cells ", number(x.marrow_last[i[j]], 1), "% >= 5%")),
        (x.cap[i] > 0, "plasmacytoma not gone"),
        (x.f_dflc[i] & ~x.ratio_normal[i], "FLC ratio not normal"),
    ], sep=", "))


def missing(x) -> Builder:
    """"urine M not measured", with ", so the category is unknown" where the others reach a response."""
    def build(i):
        names = join_text(len(i), [(x.missing[k][i], label) for k, label in enumerate(MEASURE_NAMES)], sep=" and ")
        return concat(names, choose(x.indeterminate[i], " not measured, so the category is unknown",
                                    " not measured"))
    return build

