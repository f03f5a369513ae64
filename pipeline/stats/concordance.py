"""Harrell's concordance of a Cox model's linear predictor, as R survival's ``concordance`` reports
it for a ``coxph`` fit (``concordancefit(y, lp, strata, reverse = TRUE, timewt = "n")``)."""

from __future__ import annotations

import numpy as np


def _count_below(a, b, st, span, lo, st_q, r) -> np.ndarray:
    """For each query q: #{points j in stratum st_q : a_j >= lo_q, b_j < r_q}, vectorised.

    Point j's key a_j = st_j * span + (position in time), so "a_j >= lo_q within the stratum" is
    lo_q <= a_j <= (st_q + 1) * span - 1. Bit decomposition of r: {b < r} is the disjoint union, over
    the bits L set in r, of {b >> L == (r >> L) - 1}; per level one sort and one binary search
    (the upper end of the range is a count per (node, stratum)): O(n log^2 n).
    """
    out = np.zeros(r.size, dtype=np.int64)
    width = int(a.max()) + 2
    n_strata = int(st.max()) + 1
    bits = int(max(b.max(), r.max())).bit_length() + 1
    for level in range(bits):
        node = b >> level
        keys = np.sort(node * width + a)
        n_nodes = int(node.max()) + 2
        per = np.bincount(node * n_strata + st, minlength=n_nodes * n_strata).reshape(n_nodes, n_strata)
        upto = np.cumsum(per, axis=1)  # points of the node in strata <= s
        node_start = np.concatenate([[0], np.cumsum(per.sum(axis=1))])
        hit = ((r >> level) & 1) == 1
        v = (r[hit] >> level) - 1
        below_lo = np.searchsorted(keys, v * width + lo[hit], side="left") - node_start[v]
        out[hit] += upto[v, st_q[hit]] - below_lo
    return out


def _count_equal(a, b, lo, hi, r) -> np.ndarray:
    """#{points j : lo_q <= a_j <= hi_q, b_j == r_q} (two binary searches on (b, a))."""
    width = int(max(a.max(), hi.max())) + 2
    keys = np.sort(b * width + a)
    return (np.searchsorted(keys, r * width + hi, side="right")
            - np.searchsorted(keys, r * width + lo, side="left"))


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
    sr = srank.astype(np.int64)
    below = _count_below(a, sr, st, span, lo, st[e], r)
    tied_q = _count_equal(a, sr, lo, hi, r)
    # comparable partners: rows in the same stratum with a >= lo
    keys = np.sort(a)
    total = np.searchsorted(keys, hi, side="right") - np.searchsorted(keys, lo, side="left")
    conc = int(below.sum())
    tied = int(tied_q.sum())
    disc = int(total.sum()) - conc - tied
    denom = conc + disc + tied
    c = (conc + tied / 2) / denom if denom > 0 else float("nan")
    return {"concordance": float(c), "concordant": conc, "discordant": disc, "tied_x": tied}
