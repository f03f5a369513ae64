"""Log-rank test for k >= 2 groups, as R survival's ``survdiff`` (rho = 0)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.stats import chi2

from pipeline.stats.survdata import clean_survival_data


class NotComparableError(ValueError):
    """The groups cannot be compared: fewer than two groups with patients, no events, a covariate
    with a single value, or a singular variance. The caller reports "groups too small to compare"."""


@dataclass(frozen=True)
class LogRank:
    """Result of a log-rank test.

    Attributes
    ----------
    chisq : float
        Log-rank chi-square statistic.
    df : int
        Degrees of freedom: groups with a positive expected count, minus 1 (R's ``print.survdiff``).
    p : float
        Upper-tail chi-square p-value.
    observed, expected : tuple of float
        Observed and expected events per group, in the order of ``groups``.
    groups : tuple
        Group labels, sorted (categories order for a pandas Categorical).
    n : tuple of int
        Patients per group.
    """

    chisq: float
    df: int
    p: float
    observed: tuple[float, ...]
    expected: tuple[float, ...]
    groups: tuple
    n: tuple[int, ...]


def _group_codes(values: pd.Series) -> tuple[np.ndarray, tuple]:
    try:
        codes, uniques = pd.factorize(values, sort=True)
    except TypeError:  # labels of mixed, unorderable types: order by their text
        codes, uniques = pd.factorize(values.astype(str), sort=True)
    return codes.astype(np.int64), tuple(uniques.tolist())


def risk_table(time: np.ndarray, event: np.ndarray, codes: np.ndarray, k: int):
    """At-risk and event counts per distinct time (rows) and group (columns).

    Returns
    -------
    (numpy.ndarray, numpy.ndarray, numpy.ndarray)
        Distinct times, at-risk matrix (patients with time >= t) and event matrix, both (m, k).
    """
    ut, inv = np.unique(time, return_inverse=True)
    m = ut.size
    cell = inv * k + codes
    total = np.bincount(cell, minlength=m * k).reshape(m, k)
    deaths = np.bincount(cell[event == 1], minlength=m * k).reshape(m, k)
    risk = np.cumsum(total[::-1], axis=0)[::-1]
    return ut, risk, deaths


def logrank(time, event, group) -> LogRank:
    """Log-rank (Mantel-Haenszel) test that survival is the same in every group.

    Parameters
    ----------
    time : array_like
        Follow-up times.
    event : array_like
        1/True = event, 0/False = censored.
    group : array_like
        Group label per patient. Rows with a missing time, event or group are dropped (R's
        ``na.omit``); groups are the labels present, sorted.

    Returns
    -------
    LogRank

    Raises
    ------
    NotComparableError
        Fewer than two groups with patients ("groups too small to compare"), fewer than two
        groups with a positive expected count (e.g. no events at all: R reports no test), or a
        singular variance matrix.

    Notes
    -----
    At each distinct event time t_j with n_j at risk (n_jg in group g) and d_j events,
    E_g = sum_j d_j n_jg / n_j and V = sum_j d_j (n_j - d_j) / (n_j - 1) (diag(p_j) - p_j p_j')
    with p_j = n_j. / n_j. chisq = (O - E)' V^- (O - E) computed, as R does, on the groups with
    E_g > 0 after dropping the first of them. A group with E_g = 0 is left out of the test and the
    df, as R's ``survdiff``.

    References
    ----------
    Mantel N. Evaluation of survival data and two new rank order statistics arising in its
    consideration. Cancer Chemother Rep 1966;50:163-170. R survival 3.5-3 ``survdiff``.

    Examples
    --------
    R: ``survdiff(Surv(time, event) ~ group)``
    """
    t, e, (g,), _ = clean_survival_data(time, event, group, names=("group",))
    codes, groups = _two_or_more_groups(g)
    k = len(groups)
    _, risk, deaths = risk_table(t, e, codes, k)
    observed, expected, var = _moments(risk, deaths)
    chisq, df = _chisq(observed, expected, var)
    return LogRank(
        chisq=chisq,
        df=df,
        p=float(chi2.sf(chisq, df)),
        observed=tuple(observed.tolist()),
        expected=tuple(expected.tolist()),
        groups=groups,
        n=tuple(np.bincount(codes, minlength=k).tolist()),
    )


def _two_or_more_groups(g: pd.Series) -> tuple[np.ndarray, tuple]:
    codes, groups = _group_codes(g)
    if len(groups) < 2:
        raise NotComparableError(
            f"log-rank test needs at least two groups with patients; found {len(groups)}"
            + (f" ({groups[0]!r})" if len(groups) == 1 else "")
        )
    return codes, groups


def _moments(risk: np.ndarray, deaths: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Observed and expected events per group and the (k, k) variance of O - E (hypergeometric)."""
    d = deaths.sum(axis=1).astype(np.float64)
    nr = risk.sum(axis=1).astype(np.float64)
    has = d > 0
    frac = risk[has] / nr[has, None]
    expected = (d[has, None] * frac).sum(axis=0)
    observed = deaths.sum(axis=0).astype(np.float64)
    var_rows = has.copy()
    var_rows[has] = nr[has] > 1
    dv, nv = d[var_rows], nr[var_rows]
    kt = dv * (nv - dv) / (nv - 1)
    pv = risk[var_rows] / nv[:, None]
    w = kt[:, None] * pv
    return observed, expected, np.diag(w.sum(axis=0)) - w.T @ pv


def _chisq(observed: np.ndarray, expected: np.ndarray, var: np.ndarray) -> tuple[float, int]:
    """The statistic and its df on the groups with E > 0, the first of them dropped (R's ``survdiff``)."""
    used = np.flatnonzero(expected > 0)
    if used.size < 2:
        raise NotComparableError(
            "log-rank test needs events while at least two groups are at risk; "
            f"{used.size} group(s) have a positive expected count"
        )
    diff = (observed - expected)[used][1:]
    vv = var[np.ix_(used, used)][1:, 1:]
    try:
        chisq = float(diff @ np.linalg.solve(vv, diff))
    except np.linalg.LinAlgError as exc:
        raise NotComparableError("log-rank variance matrix is singular") from exc
    return chisq, int(used.size - 1)
