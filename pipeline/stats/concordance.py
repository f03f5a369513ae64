"""Harrell's concordance of a Cox model's linear predictor, as R survival's ``concordance`` reports
it for a ``coxph`` fit (``concordancefit(y, lp, strata, reverse = TRUE, timewt = "n")``)."""

from __future__ import annotations

import numpy as np


def _count_below(a: np.ndarray, b: np.ndarray, lo: np.ndarray, hi: np.ndarray, r: np.ndarray) -> np.ndarray:
    """For each query q: #{points j : lo_q <= a_j <= hi_q and b_j < r_q}, vectorised.

    Bit decomposition of r: {b < r} is the disjoint union, over the bits L set in r, of
    {b >> L == (r >> L) - 1}; each level is one sort and two binary searches (O(n log^2 n)).
    """
    out = np.zeros(r.size, dtype=np.int64)
    width = int(max(a.max(), hi.max())) + 2
    bits = int(max(b.max(), r.max())).bit_length() + 1
    for level in range(bits):
        keys = np.sort((b >> level) * width + a)
        hit = ((r >> level) & 1) == 1
        v = (r[hit] >> level) - 1
        left = np.searchsorted(keys, v * width + lo[hit], side="left")
        right = np.searchsorted(keys, v * width + hi[hit], side="right")
        out[hit] += right - left
    return out


def concordance(time, event, score, strata=None) -> dict:
    """Concordance of a risk score with survival (a higher score predicting an earlier event).

    Parameters
    ----------
    time, event : array_like
        Follow-up and 1/0 event indicator (no missing values).
    score : array_like
        Risk score, e.g. the linear predictor x beta.
    strata : array_like, optional
        Integer stratum codes: only pairs within a stratum are compared.

    Returns
    -------
    dict
        ``concordance`` = (concordant + tied / 2) / (concordant + discordant + tied), and the
        counts ``concordant``, ``discordant``, ``tied_x``.

    Notes
    -----
    A pair (i, j) is comparable when i has an event at t_i and j is still at risk after it:
    t_j > t_i, or t_j = t_i with j censored (R counts pairs of tied events as ``tied.y``, not
    compared). Concordant when score_i > score_j; pairs with equal scores count one half. All pairs
    weigh 1 (``timewt = "n"``). Vectorised counting, no pair loop: O(n log^2 n).
    """
    t = np.asarray(time, dtype=np.float64)
    e = np.asarray(event).astype(bool)
    s = np.asarray(score, dtype=np.float64)
    st = np.zeros(t.size, dtype=np.int64) if strata is None else np.asarray(strata, dtype=np.int64)
    _, trank = np.unique(t, return_inverse=True)
    _, srank = np.unique(s, return_inverse=True)
    span = 2 * (int(trank.max()) + 1) + 2
    a = st * span + 2 * trank + (~e).astype(np.int64)  # a censored row outlives an event at its time
    lo = (st * span + 2 * trank + 1)[e]
    hi = (st * span + span - 1)[e]
    r = srank[e].astype(np.int64)
    below = _count_below(a, srank.astype(np.int64), lo, hi, r)
    below_eq = _count_below(a, srank.astype(np.int64), lo, hi, r + 1)
    # comparable partners: rows in the same stratum with a >= lo
    keys = np.sort(a)
    total = np.searchsorted(keys, hi, side="right") - np.searchsorted(keys, lo, side="left")
    conc = int(below.sum())
    tied = int((below_eq - below).sum())
    disc = int(total.sum()) - conc - tied
    denom = conc + disc + tied
    c = (conc + tied / 2) / denom if denom > 0 else float("nan")
    return {"concordance": float(c), "concordant": conc, "discordant": disc, "tied_x": tied}
