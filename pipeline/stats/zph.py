"""Test of proportional hazards, as R survival's ``cox.zph`` (survival >= 3.0, ``transform = "km"``).

The score test of gamma = 0 in the model with the extra covariates x * g(t), at the fitted beta
(Grambsch and Therneau 1994, as implemented in survival 3's ``zph1.c``), per covariate (all its
columns) and global; and the scaled Schoenfeld residuals that ``plot.cox.zph`` draws.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.stats import chi2

from pipeline.stats.coxreg import ChiTest, CoxModel


class ZphError(ValueError):
    """The test cannot be computed (R's cox.zph stops with a singular matrix); the message says why."""


@dataclass(frozen=True)
class ZphResult:
    """Per-covariate and global PH tests, and the scaled Schoenfeld residuals per covariate.

    ``residuals[term]`` is (g(t) of each event, scaled residual + coef) as R's ``cox.zph``'s
    ``x`` and ``y`` (for a multi-column covariate, the residual of its linear predictor, + 1).
    """

    terms: tuple[tuple[str, ChiTest], ...]
    global_test: ChiTest
    transform: str
    event_times: np.ndarray
    km_time: np.ndarray
    residuals: dict


def _km_transform(rs) -> np.ndarray:
    """1 - S(t-) of the pooled Kaplan-Meier (all strata together), per sorted row."""
    ut, inv = np.unique(rs.time, return_inverse=True)
    d = np.bincount(inv[rs.event], minlength=ut.size).astype(float)
    total = np.bincount(inv, minlength=ut.size).astype(float)
    atrisk = np.cumsum(total[::-1])[::-1]
    s = np.cumprod(1 - d / atrisk)
    before = np.concatenate([[1.0], s[:-1]])
    return 1.0 - before[inv]


def _pieces(model: CoxModel):
    """Per event term: g(t), risk-set mean and variance at the fitted beta; per event row: x, g."""
    rs = model.fit
    s0, s1, _ = rs.sums(model.coef)
    xbar = s1 / s0[:, None]
    tt = _km_transform(rs)
    g_row = tt - tt[rs.event].mean()
    g_term = g_row[rs.starts[rs.rep]]
    vs = rs.second(s0, [np.ones(s0.size), g_term, g_term**2])
    for k, w in enumerate((np.ones(s0.size), g_term, g_term**2)):
        vs[k] = vs[k] - (w[:, None] * xbar).T @ xbar
    return xbar, vs, g_row, g_term


def cox_zph(model: CoxModel) -> ZphResult:
    """Proportional-hazards test of a fitted Cox model.

    Parameters
    ----------
    model : CoxModel
        From :func:`pipeline.stats.coxreg.cox_fit` (same ties and strata are used).

    Returns
    -------
    ZphResult
        Per covariate: chisq with df = its number of columns; GLOBAL with df = p.

    Raises
    ------
    ZphError
        Every event at one time (g(t) constant: the information matrix is singular, as in R).

    Notes
    -----
    g(t) = 1 - KM(t-) of the pooled data, centred at its mean over events. With U_g =
    sum_events g (x - xbar) and the 2p x 2p information [[sum V, sum g V], [sum g V, sum g^2 V]]
    (Efron's or Breslow's risk sets), the test of a covariate's columns J is u' I_kk^-1 u with
    k = (beta, gamma_J) and u = (0, U_g[J]) -- R ``cox.zph(fit, transform = "km", terms = TRUE)``.
    """
    rs = model.fit
    if np.unique(rs.time[rs.event]).size < 2:
        raise ZphError("not estimable: every event is at one time, so no hazard can change over time")
    p = model.coef.size
    xbar, (v0, v1, v2), g_row, g_term = _pieces(model)
    ev = rs.event
    u_g = (g_row[ev, None] * rs.x[ev]).sum(axis=0) - (g_term[:, None] * xbar).sum(axis=0)
    imat = np.zeros((2 * p, 2 * p))
    imat[:p, :p] = v0
    imat[:p, p:] = imat[p:, :p] = v1
    imat[p:, p:] = v2
    terms = []
    for name, cols in model.groups:
        kk = list(range(p)) + [p + c for c in cols]
        u = np.concatenate([np.zeros(p), u_g[list(cols)]])
        stat = float(u @ np.linalg.solve(imat[np.ix_(kk, kk)], u))
        terms.append((name, ChiTest(stat, len(cols), float(chi2.sf(stat, len(cols))))))
    u = np.concatenate([np.zeros(p), u_g])
    stat = float(u @ np.linalg.solve(imat, u))
    glob = ChiTest(stat, p, float(chi2.sf(stat, p)))
    times, kmt, resid = _scaled_schoenfeld(model, xbar, imat[:p, :p], g_row)
    return ZphResult(tuple(terms), glob, "km", times, kmt, resid)


def _used(rs, p: int) -> tuple[np.ndarray, np.ndarray]:
    """Events per stratum for each column that varies in that stratum (else 0), and the stratum
    of each event, sorted as the event rows (``zph1.c``'s ``used``)."""
    strata = np.unique(rs.stratum)
    used = np.zeros((strata.size, p))
    for i, s in enumerate(strata):
        rows = rs.stratum == s
        varies = np.ptp(rs.x[rows], axis=0) > 0
        used[i] = np.where(varies, rs.event[rows].sum(), 0)
    return used, np.searchsorted(strata, rs.stratum[rs.event])


def _scaled_schoenfeld(model: CoxModel, xbar, imat_beta, g_row):
    """Scaled Schoenfeld residuals per covariate, for plots (``cox.zph``'s ``y``): the residual
    times the inverse of the average information ``vmean`` (per stratum), plus the coefficient;
    a multi-column covariate is collapsed to its linear predictor (coefficient 1)."""
    rs = model.fit
    ev = rs.event
    p = model.coef.size
    first = _first_of_each(rs.rep)
    counts = np.diff(np.append(first, rs.rep.size))
    tmean = np.add.reduceat(xbar, first, axis=0) / counts[:, None]
    schoen = rs.x[ev] - np.repeat(tmean, counts, axis=0)
    used, sgrp = _used(rs, p)
    wtmat = sum(np.minimum.outer(u, u) for u in used)
    vmean = imat_beta / np.where(wtmat == 0, 1, wtmat)
    temp = np.zeros((p, len(model.groups)))
    for i, (_, cols) in enumerate(model.groups):
        temp[list(cols), i] = 1.0 if len(cols) == 1 else model.coef[list(cols)]
    sres, vm = schoen @ temp, temp.T @ vmean @ temp
    tused = used[:, [cols[0] for _, cols in model.groups]]
    out = np.full_like(sres, np.nan)
    for i in range(tused.shape[0]):
        k = np.flatnonzero(tused[i] > 0)
        rows = sgrp == i
        if k.size:
            out[np.ix_(rows, k)] = np.linalg.solve(vm[np.ix_(k, k)], sres[np.ix_(rows, k)].T).T
    resid = {}
    for i, (name, cols) in enumerate(model.groups):
        resid[name] = out[:, i] + (model.coef[cols[0]] if len(cols) == 1 else 1.0)
    return rs.time[ev], _km_transform(rs)[ev], resid


def _first_of_each(rep: np.ndarray) -> np.ndarray:
    new = np.ones(rep.size, dtype=bool)
    new[1:] = rep[1:] != rep[:-1]
    return np.flatnonzero(new)
