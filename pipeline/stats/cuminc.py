"""Cumulative incidence with competing risks (Aalen-Johansen) and Gray's test, as R's ``cmprsk``.

Status coding throughout: 0 = censored, k > 0 = failure from cause k (R: ``cencode = 0``).

- :func:`cumulative_incidence` = ``cmprsk::cuminc`` for one group and one cause (its ``cinc``
  routine: estimate and the delta-method variance of Gray's paper), read at fixed times with
  :func:`cuminc_at` (= ``cmprsk::timepoints``). The estimate equals survival's multi-state
  ``survfit`` (Aalen-Johansen).
- :func:`gray_test` = the ``Tests`` of ``cmprsk::cuminc(ftime, fstatus, group, rho = 0)``
  (routine ``crstm``), for k >= 2 groups, without strata.

Vectorised: per distinct time with ``np.unique``/``np.bincount``/``np.cumsum``; no loop over
patients or times.

References
----------
Gray RJ. A class of K-sample tests for comparing the cumulative incidence of a competing risk.
Ann Stat 1988;16:1141-1154.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.stats import norm


@dataclass(frozen=True, eq=False)
class CumInc:
    """One cumulative incidence curve (one group, one cause).

    Attributes
    ----------
    time : numpy.ndarray
        Distinct times at which the curve jumps (failures from ``cause``), ascending.
    estimate, variance : numpy.ndarray
        The cumulative incidence just after each jump and its variance (cmprsk's ``est``/``var``).
    max_time : float
        Largest follow-up time of the group (the curve is defined up to it; NA beyond, as
        ``timepoints``).
    n, events, competing : int
        Patients, failures from ``cause``, failures from other causes.
    cause : int
        The cause of interest.
    """

    time: np.ndarray
    estimate: np.ndarray
    variance: np.ndarray
    max_time: float
    n: int
    events: int
    competing: int
    cause: int


@dataclass(frozen=True)
class GrayTest:
    """Gray's K-sample test for one cause: chi-square ``stat`` on ``df`` = groups - 1, and ``p``."""

    stat: float
    df: int
    p: float
    cause: int
    groups: tuple


def _clean(time, status) -> tuple[np.ndarray, np.ndarray]:
    t = pd.to_numeric(pd.Series(time, copy=False)).to_numpy(dtype=np.float64)
    s = pd.to_numeric(pd.Series(status, copy=False)).to_numpy(dtype=np.float64)
    if t.shape != s.shape:
        raise ValueError("time and status must have the same length")
    ok = ~(np.isnan(t) | np.isnan(s))
    t, s = t[ok], s[ok]
    if t.size and t.min() < 0:
        raise ValueError("time must not be negative")
    if np.any(s != np.round(s)) or np.any(s < 0):
        raise ValueError("status must be 0 (censored) or a positive integer cause code")
    return t, s.astype(np.int64)


def _per_time(t: np.ndarray, cols: list[np.ndarray]):
    """Distinct times, number at risk (time >= t) and per-time sums of each 0/1 column."""
    ut, inv = np.unique(t, return_inverse=True)
    total = np.bincount(inv, minlength=ut.size)
    risk = t.size - (np.cumsum(total) - total)
    sums = [np.bincount(inv, weights=c, minlength=ut.size) for c in cols]
    return ut, risk.astype(np.float64), sums


def _tie_factor(d: np.ndarray, r: np.ndarray) -> np.ndarray:
    """cmprsk's tie correction 1 - (d - 1) / (r - 1) when d > 1, else 1."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(d > 1, 1 - (d - 1) / (r - 1), 1.0)


def cumulative_incidence(time, status, cause: int = 1) -> CumInc:
    """Cumulative incidence of ``cause`` with its variance, as ``cmprsk::cuminc`` (routine ``cinc``).

    Parameters
    ----------
    time : array_like
        Times to the first event or censoring (any unit).
    status : array_like
        0 = censored, k = failure from cause k. Rows with a missing time or status are dropped.
    cause : int
        The cause whose incidence is estimated; every other positive code competes.

    Returns
    -------
    CumInc

    Notes
    -----
    F(t) = sum_{t_j <= t} S(t_j-) d1_j / n_j with S the all-cause Kaplan-Meier; the variance is
    Gray's delta-method estimate v1 + F^2 v3 - 2 F v2, updated at the jumps of F only, with the tie
    correction 1 - (d - 1) / (n - 1), exactly as ``cinc`` in cmprsk 2.2.

    Examples
    --------
    R: ``timepoints(cuminc(ftime, fstatus, cencode = 0), times)`` (curve ``"1 1"``)
    """
    t, s = _clean(time, status)
    ut, rs, (d1, dall) = _per_time(t, [(s == cause).astype(float), (s > 0).astype(float)])
    d2 = dall - d1
    nd = d1 + d2
    with np.errstate(divide="ignore", invalid="ignore"):
        step = np.where(nd > 0, (rs - nd) / rs, 1.0)
    fkn = np.cumprod(step)  # all-cause KM just after each time
    fk = np.concatenate(([1.0], fkn[:-1]))  # just before
    f = np.cumsum(fk * d1 / rs)
    with np.errstate(divide="ignore", invalid="ignore"):
        inv_fkn = np.where(fkn > 0, 1.0 / fkn, 0.0)
    # competing failures (only while the KM is positive)
    t6 = np.where((d2 > 0) & (fkn > 0), fk * fk * _tie_factor(d2, rs) * d2 / (rs * rs), 0.0)
    t4 = f * inv_fkn
    v1, v2, v3 = t4 * t4 * t6, inv_fkn * t4 * t6, inv_fkn * inv_fkn * t6
    # failures from the cause of interest
    t6 = np.where(d1 > 0, fk * fk * _tie_factor(d1, rs) * d1 / (rs * rs), 0.0)
    t4 = 1 + inv_fkn * f
    v1, v2, v3 = (np.cumsum(v1 + t4 * t4 * t6), np.cumsum(v2 + inv_fkn * t4 * t6),
                  np.cumsum(v3 + inv_fkn * inv_fkn * t6))
    var = v1 + f * f * v3 - 2 * f * v2
    jump = d1 > 0
    return CumInc(time=ut[jump], estimate=f[jump], variance=var[jump],
                  max_time=float(t.max()) if t.size else np.nan, n=int(t.size),
                  events=int((s == cause).sum()), competing=int(((s > 0) & (s != cause)).sum()),
                  cause=int(cause))


def cuminc_at(curve: CumInc, times, conf_level: float = 0.95) -> pd.DataFrame:
    """The curve at fixed times with a log(-log) confidence interval, as ``cmprsk::timepoints``.

    Parameters
    ----------
    curve : CumInc
    times : array_like
        Times in the curve's unit.
    conf_level : float
        Level of the pointwise interval.

    Returns
    -------
    pandas.DataFrame
        ``time``, ``estimate``, ``variance``, ``lower``, ``upper``. The estimate is the curve's
        value at the last jump <= t (0 before the first); NaN beyond the group's largest
        follow-up time (R: NA). The interval is F^exp(+-z se / (F log F)) (the log(-log)
        transform of Choudhury 2002, as Stata's ``stcompet`` and R's ``tidycmprsk``); NaN where F
        is 0 or 1.
    """
    tq = np.atleast_1d(np.asarray(times, dtype=np.float64))
    k = np.searchsorted(curve.time, tq, side="right")
    est = np.concatenate(([0.0], curve.estimate))[k]
    var = np.concatenate(([0.0], curve.variance))[k]
    beyond = ~(tq <= curve.max_time)
    est, var = np.where(beyond, np.nan, est), np.where(beyond, np.nan, var)
    z = norm.ppf(1 - (1 - conf_level) / 2)
    with np.errstate(all="ignore"):
        ok = (est > 0) & (est < 1)
        e = np.where(ok, est, 0.5)
        w = z * np.sqrt(var) / (e * np.log(e))
        lower = np.where(ok, e ** np.exp(-w), np.nan)
        upper = np.where(ok, e ** np.exp(w), np.nan)
    return pd.DataFrame({"time": tq, "estimate": est, "variance": var, "lower": lower, "upper": upper})
