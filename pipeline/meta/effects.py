"""Per-study effect sizes for a dichotomous outcome (events and totals per arm), as RevMan 5 and
``metafor::escalc`` compute them.

Zero cells follow RevMan 5: a study with a zero cell (no events, or only events, in an arm) gets 0.5
added to all four cells for its estimate and variance; a study with no events in either arm is excluded
from RR and OR (the ratio is undefined) and reported as excluded. Risk differences keep such studies.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

MEASURES = ("RR", "OR", "RD")
RATIO_MEASURES = ("RR", "OR")


@dataclass(frozen=True)
class BinaryEffects:
    """Per-study log ratio (or difference) ``yi`` and variance ``vi`` with the cells that made them.

    ``a, b, c, d`` are the cells after the zero-cell correction (treated events, treated non-events,
    control events, control non-events); ``corrected`` marks studies that received 0.5 per cell and
    ``excluded`` those left out of the analysis (no events in either arm, RR/OR only).
    """

    measure: str
    yi: np.ndarray
    vi: np.ndarray
    a: np.ndarray
    b: np.ndarray
    c: np.ndarray
    d: np.ndarray
    corrected: np.ndarray
    excluded: np.ndarray


def zero_cell_cells(e1, n1, e2, n2, measure: str, add: float = 0.5):
    """Cells ``a, b, c, d`` after RevMan's zero-cell rule, with the corrected and excluded flags.

    Parameters
    ----------
    e1, n1, e2, n2 : array-like
        Events and totals, treated (experimental) then control.
    measure : {"RR", "OR", "RD"}
    add : float
        Added to all four cells of a study with any zero cell (RevMan 5 and escalc's ``add = 1/2``,
        ``to = "only0"``).
    """
    e1, n1, e2, n2 = (np.asarray(x, dtype=float) for x in (e1, n1, e2, n2))
    a, b, c, d = e1, n1 - e1, e2, n2 - e2
    excluded = (e1 == 0) & (e2 == 0) if measure in RATIO_MEASURES else np.zeros(len(a), dtype=bool)
    corrected = ((a == 0) | (b == 0) | (c == 0) | (d == 0)) & ~excluded
    bump = np.where(corrected, add, 0.0)
    return a + bump, b + bump, c + bump, d + bump, corrected, excluded


def binary_effects(e1, n1, e2, n2, measure: str) -> BinaryEffects:
    """Log RR, log OR or RD per study with its variance (R: ``escalc(measure, ai, bi, ci, di)``).

    log RR = ln[(a/n1)/(c/n2)], var = 1/a - 1/n1 + 1/c - 1/n2; log OR = ln(ad/bc), var = 1/a + 1/b + 1/c + 1/d;
    RD = a/n1 - c/n2, var = ab/n1^3 + cd/n2^3 (n1 = a + b, n2 = c + d after the zero-cell correction).
    Excluded studies carry NaN.
    """
    if measure not in MEASURES:
        raise ValueError(f"measure must be one of {MEASURES}, got {measure!r}")
    a, b, c, d, corrected, excluded = zero_cell_cells(e1, n1, e2, n2, measure)
    m1, m2 = a + b, c + d
    with np.errstate(divide="ignore", invalid="ignore"):
        if measure == "RR":
            yi = np.log((a / m1) / (c / m2))
            vi = 1 / a - 1 / m1 + 1 / c - 1 / m2
        elif measure == "OR":
            yi = np.log((a * d) / (b * c))
            vi = 1 / a + 1 / b + 1 / c + 1 / d
        else:
            yi = a / m1 - c / m2
            vi = a * b / m1**3 + c * d / m2**3
    yi = np.where(excluded, np.nan, yi)
    vi = np.where(excluded, np.nan, vi)
    return BinaryEffects(measure, yi, vi, a, b, c, d, corrected, excluded)


def mh_weights(eff: BinaryEffects) -> np.ndarray:
    """Mantel-Haenszel study weights (RevMan 5): c n1/N (RR), bc/N (OR), n1 n2/N (RD); 0 if excluded."""
    a, b, c, d = eff.a, eff.b, eff.c, eff.d
    n1, n2 = a + b, c + d
    w = {"RR": c * n1, "OR": b * c, "RD": n1 * n2}[eff.measure] / (n1 + n2)
    return np.where(eff.excluded, 0.0, w)


def mantel_haenszel(eff: BinaryEffects) -> tuple[float, float]:
    """Mantel-Haenszel pooled log RR / log OR / RD and its standard error (R: ``metafor::rma.mh``).

    Cells are the zero-cell-corrected ones (RevMan 5; ``metafor::rma.mh`` uses the raw counts, which
    only differs when a study has a zero cell). Variances: Greenland & Robins (1985) for RR and RD,
    Robins, Breslow & Greenland (1986) for OR, as in RevMan 5's statistical algorithms.
    """
    keep = ~eff.excluded
    a, b, c, d = eff.a[keep], eff.b[keep], eff.c[keep], eff.d[keep]
    n1, n2 = a + b, c + d
    n = n1 + n2
    if eff.measure == "RR":
        r, s = np.sum(a * n2 / n), np.sum(c * n1 / n)
        p = np.sum((n1 * n2 * (a + c) - a * c * n) / n**2)
        return float(np.log(r / s)), float(np.sqrt(p / (r * s)))
    if eff.measure == "OR":
        r_i, s_i = a * d / n, b * c / n
        p_i, q_i = (a + d) / n, (b + c) / n
        r, s = r_i.sum(), s_i.sum()
        var = (np.sum(p_i * r_i) / (2 * r**2) + np.sum(p_i * s_i + q_i * r_i) / (2 * r * s)
               + np.sum(q_i * s_i) / (2 * s**2))
        return float(np.log(r / s)), float(np.sqrt(var))
    w = n1 * n2 / n
    rd = np.sum(w * (a / n1 - c / n2)) / w.sum()
    var = np.sum((a * b * n2**3 + c * d * n1**3) / (n1 * n2 * n**2)) / w.sum() ** 2
    return float(rd), float(np.sqrt(var))
