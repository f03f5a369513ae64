"""Stratified log-rank test, as R survival's ``survdiff(Surv(t, e) ~ group + strata(s))``."""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.stats import chi2

from pipeline.stats.logrank import LogRank, NotComparableError, _group_codes, risk_table
from pipeline.stats.survdata import clean_survival_data


def _oe_var(t, e, codes, k):
    """Observed, expected and variance matrix of one stratum (the log-rank pieces)."""
    _, risk, deaths = risk_table(t, e, codes, k)
    d = deaths.sum(axis=1).astype(np.float64)
    nr = risk.sum(axis=1).astype(np.float64)
    has = d > 0
    expected = (d[has, None] * risk[has] / nr[has, None]).sum(axis=0)
    observed = deaths.sum(axis=0).astype(np.float64)
    rows = has & (nr > 1)
    dv, nv = d[rows], nr[rows]
    pv = risk[rows] / nv[:, None]
    w = (dv * (nv - dv) / (nv - 1))[:, None] * pv
    return observed, expected, np.diag(w.sum(axis=0)) - w.T @ pv


def logrank_stratified(time, event, group, strata) -> LogRank:
    """Log-rank test of ``group`` within strata: observed - expected and its variance summed over
    strata, chisq = (O - E)' V^- (O - E) on (groups with E > 0) - 1 df.

    Rows with a missing time, event, group or stratum are dropped (R's ``na.omit``).

    Raises
    ------
    NotComparableError
        Fewer than two groups, or no events while two groups are at risk in a stratum.

    Examples
    --------
    R: ``survdiff(Surv(time, event) ~ group + strata(s))``
    """
    t, e, (g, s), _ = clean_survival_data(time, event, group, strata, names=("group", "strata"))
    codes, groups = _group_codes(g)
    k = len(groups)
    if k < 2:
        raise NotComparableError(f"log-rank test needs at least two groups with patients; found {k}")
    scodes, _ = pd.factorize(s.astype(str), sort=True)
    obs = np.zeros(k)
    exp = np.zeros(k)
    var = np.zeros((k, k))
    for sc in np.unique(scodes):  # one pass per stratum (a handful), vectorised inside
        rows = scodes == sc
        o, ex, v = _oe_var(t[rows], e[rows], codes[rows], k)
        obs, exp, var = obs + o, exp + ex, var + v
    used = np.flatnonzero(exp > 0)
    if used.size < 2:
        raise NotComparableError("stratified log-rank test needs events while two groups are at risk")
    diff = (obs - exp)[used][1:]
    try:
        chisq = float(diff @ np.linalg.solve(var[np.ix_(used, used)][1:, 1:], diff))
    except np.linalg.LinAlgError as exc:
        raise NotComparableError("stratified log-rank variance matrix is singular") from exc
    df = int(used.size - 1)
    return LogRank(chisq, df, float(chi2.sf(chisq, df)), tuple(obs.tolist()), tuple(exp.tolist()),
                   groups, tuple(np.bincount(codes, minlength=k).tolist()))
