"""Restricted mean survival time (RMST) from a Kaplan-Meier fit, as R survival's ``rmean``.

The RMST up to tau is the area under the Kaplan-Meier curve from 0 to tau; its standard error is
the one ``print(fit, rmean = tau)`` / ``summary(fit, rmean = tau)$table`` print (survival 3.5-3,
``survmean``). Two groups are compared by the difference with a normal confidence interval and a
two-sided z-test, the groups being independent.

References
----------
Royston P, Parmar MKB. Restricted mean survival time: an alternative to the hazard ratio for the
design and analysis of randomized trials with a time-to-event outcome. BMC Med Res Methodol
2013;13:152.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.stats import norm

from pipeline.stats.km import KMFit


@dataclass(frozen=True)
class RMST:
    """Restricted mean survival time up to ``tau`` and its standard error (the fit's time unit)."""

    tau: float
    rmst: float
    se: float


@dataclass(frozen=True)
class RMSTDifference:
    """Difference a - b of two RMSTs, its SE sqrt(se_a^2 + se_b^2), normal CI and two-sided p."""

    estimate: float
    se: float
    ci_low: float
    ci_high: float
    p: float


def rmst(fit: KMFit, tau: float) -> RMST:
    """Area under the Kaplan-Meier curve up to ``tau``, with survival's standard error.

    Parameters
    ----------
    fit : KMFit
        A Kaplan-Meier fit (from :func:`pipeline.stats.km.kaplan_meier`).
    tau : float
        Truncation time, in the fit's unit, > 0.

    Returns
    -------
    RMST

    Notes
    -----
    With the fit's times t_j <= tau: RMST = sum of the rectangles under the step curve from 0 to
    tau; Var = sum_j A_j^2 d_j / (n_j (n_j - d_j)), A_j the area under the curve from t_j to tau
    (0 when n_j = d_j), exactly survival's ``survmean`` (``varmean``). Beyond the last time the
    curve is carried forward to tau.

    Examples
    --------
    R: ``summary(survfit(Surv(time, event) ~ 1), rmean = tau)$table[c("rmean", "se(rmean)")]``
    """
    if not np.isfinite(tau) or tau <= 0:
        raise ValueError("tau must be a positive number")
    keep = fit.time <= tau
    time = np.concatenate((fit.time[keep].astype(np.float64), [float(tau)]))
    surv = np.concatenate((fit.surv[keep], fit.surv[keep][-1:] if keep.any() else [1.0]))
    nr, d = fit.n_risk[keep].astype(np.float64), fit.n_event[keep].astype(np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        hh = np.where(nr - d == 0, 0.0, d / (nr * (nr - d)))
    delta = np.diff(np.concatenate(([0.0], time)))
    rect = delta * np.concatenate(([1.0], surv[:-1]))
    area_after = np.cumsum(rect[1:][::-1])[::-1]  # area from t_j to tau, one per kept time
    var = float(np.sum(area_after ** 2 * hh))
    return RMST(tau=float(tau), rmst=float(rect.sum()), se=float(np.sqrt(var)))


def rmst_difference(a: RMST, b: RMST, conf_level: float = 0.95) -> RMSTDifference:
    """RMST of ``a`` minus that of ``b`` with a normal (Wald) interval and two-sided p.

    Examples
    --------
    R: ``dm <- rm[2] - rm[1]; ds <- sqrt(se[1]^2 + se[2]^2); dm + c(-1, 1) * qnorm(0.975) * ds;
    2 * pnorm(-abs(dm / ds))``
    """
    if a.tau != b.tau:
        raise ValueError("both RMSTs must use the same tau")
    est = a.rmst - b.rmst
    se = float(np.hypot(a.se, b.se))
    z = norm.ppf(1 - (1 - conf_level) / 2)
    p = float(2 * norm.sf(abs(est) / se)) if se > 0 else float("nan")
    return RMSTDifference(estimate=float(est), se=se, ci_low=float(est - z * se),
                          ci_high=float(est + z * se), p=p)


def default_tau(max_times) -> float:
    """Default tau: the largest time at which every compared group still has a patient at risk.

    Parameters
    ----------
    max_times : iterable of float
        Each group's largest follow-up time (event or censoring).

    Returns
    -------
    float
        The smallest of them (MODELS.md section 2).
    """
    m = [float(x) for x in max_times]
    if not m:
        raise ValueError("no groups")
    return min(m)
