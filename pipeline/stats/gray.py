"""Gray's K-sample test for cumulative incidence curves, as the ``Tests`` of ``cmprsk::cuminc``.

A vectorised port of cmprsk 2.2's ``crstm``/``crst`` (no strata): per distinct time and group the
quantities of Gray (1988) are arrays of shape (times, groups[, groups]) accumulated with
``np.cumsum``; the statistic is s' V^-1 s on groups - 1 df.

References
----------
Gray RJ. A class of K-sample tests for comparing the cumulative incidence of a competing risk.
Ann Stat 1988;16:1141-1154.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.stats import chi2

from pipeline.stats.cuminc import GrayTest, _clean, _tie_factor
from pipeline.stats.logrank import NotComparableError, _group_codes


def _shift(x: np.ndarray, first: float) -> np.ndarray:
    """The value just before each time (left-continuous version of a cumulative array)."""
    return np.concatenate((np.full((1,) + x.shape[1:], first), x[:-1]), axis=0)


def _tables(t, s, codes, ng, cause):
    ut, inv = np.unique(t, return_inverse=True)
    cell = inv * ng + codes
    size = ut.size * ng

    def count(w):
        return np.bincount(cell, weights=w, minlength=size).reshape(ut.size, ng)

    tot = count(np.ones(t.size))
    d1 = count((s == cause).astype(float))
    d2 = count(((s > 0) & (s != cause)).astype(float))
    rs = np.cumsum(tot[::-1], axis=0)[::-1]
    return rs, d1, d2


def _score_and_variance(rs, d1, d2, rho):
    """Gray's score per group and its variance matrix (all groups; the caller drops the last)."""
    at = rs > 0
    td = d1 + d2
    with np.errstate(divide="ignore", invalid="ignore"):
        skm = np.cumprod(np.where(at, (rs - td) / rs, 1.0), axis=0)
        skmm = _shift(skm, 1.0)
        f1m = _shift(np.cumsum(np.where(at, skmm * d1 / rs, 0.0), axis=0), 0.0)
        h = np.where(at, rs / skmm, 0.0)
        tr = h.sum(axis=1)
        tq = np.where(at, rs * (1 - f1m) / skmm, 0.0).sum(axis=1)
        nd1 = d1.sum(axis=1)
        f = np.cumsum(nd1 / tr)
        fm = _shift(f, 0.0)
        fb = (1 - fm) ** rho
        a = fb[:, None, None] * (np.einsum("ui,ij->uij", h, np.eye(h.shape[1]))
                                 - h[:, :, None] * h[:, None, :] / tr[:, None, None])
        c = np.cumsum(a * np.where(nd1 > 0, nd1 / (tr * (1 - fm)), 0.0)[:, None, None], axis=0)
        score = (fb[:, None] * np.where(at, d1 - nd1[:, None] * rs * (1 - f1m) / (skmm * tq[:, None]), 0.0)
                 ).sum(axis=0)
        # failures from the cause of interest
        t4 = np.where(skm > 0, 1 - (1 - f)[:, None] / skm, 1.0)
        t5 = np.where(nd1[:, None] > 1, 1 - (nd1[:, None] - 1) / (tr[:, None] * skmm - 1), 1.0)
        t3 = np.where(at & (nd1[:, None] > 0), t5 * skmm * nd1[:, None] / (tr[:, None] * rs), 0.0)
        x = a - t4[:, None, :] * c  # x[u, i, k] = a(i,k) - t4(k) c(i,k)
        v3 = (t4 * t4 * t3).sum(axis=0)
        v2 = np.einsum("uik,uk->ik", x, t4 * t3)
        v = np.einsum("uik,ujk,uk->ij", x, x, t3)
        # failures from competing causes
        ok2 = (skm > 0) & (d2 > 0)
        t4 = np.where(ok2, (1 - f)[:, None] / np.where(skm > 0, skm, 1.0), 0.0)
        t3 = np.where(ok2, _tie_factor(d2, rs) * skmm ** 2 * d2 / rs ** 2, 0.0)
        w = t4 * t4 * t3
        v3 = v3 + w.sum(axis=0)
        v2 = v2 - np.einsum("uik,uk->ik", c, w)
        v = v + np.einsum("uik,ujk,uk->ij", c, c, w)
    cf = c[-1]
    v = v + (cf * v3[None, :]) @ cf.T + cf @ v2.T + v2 @ cf.T
    return score, v


def gray_test(time, status, group, cause: int = 1, rho: float = 0.0) -> GrayTest:
    """Gray's test that the cumulative incidence of ``cause`` is the same in every group.

    Parameters
    ----------
    time : array_like
        Times to the first event or censoring.
    status : array_like
        0 = censored, k = failure from cause k (other causes compete).
    group : array_like
        Group labels (>= 2 distinct). Rows with a missing time, status or group are dropped.
    cause : int
        Cause whose incidence is compared.
    rho : float
        Power of the weight (1 - F(t-))^rho; cmprsk's default 0.

    Returns
    -------
    GrayTest
        ``stat`` on ``df`` = groups - 1 and the upper-tail chi-square ``p`` (R: ``1 - pchisq``).

    Raises
    ------
    NotComparableError
        Fewer than two groups, no failures from ``cause``, or a singular variance (R returns
        stat = -1 then).

    Examples
    --------
    R: ``cuminc(ftime, fstatus, group, cencode = 0)$Tests``
    """
    g = pd.Series(group, copy=False).reset_index(drop=True)
    ts = pd.DataFrame({"t": pd.Series(time, copy=False).reset_index(drop=True),
                       "s": pd.Series(status, copy=False).reset_index(drop=True), "g": g}).dropna()
    t, s = _clean(ts["t"], ts["s"])
    codes, levels = _group_codes(ts["g"])
    ng = len(levels)
    if ng < 2:
        raise NotComparableError("fewer than two groups with patients")
    if not np.any(s == cause):
        raise NotComparableError(f"no failures from cause {cause}")
    rs, d1, d2 = _tables(t, s, codes, ng, cause)
    score, v = _score_and_variance(rs, d1, d2, rho)
    s1, v1 = score[: ng - 1], v[: ng - 1, : ng - 1]
    if np.linalg.matrix_rank(v1) < ng - 1:
        raise NotComparableError("singular variance in Gray's test")
    stat = float(s1 @ np.linalg.solve(v1, s1))
    return GrayTest(stat=stat, df=ng - 1, p=float(chi2.sf(stat, ng - 1)), cause=int(cause),
                    groups=tuple(levels))
