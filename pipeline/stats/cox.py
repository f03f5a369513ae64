"""Cox proportional-hazards model with one covariate (Efron or Breslow ties), as R's ``coxph``.

A vectorised port of the Newton-Raphson iteration of R survival's ``coxfit6.c`` (start at 0,
step halving when the log partial likelihood falls, stop when it changes by a relative 1e-9,
at most 20 iterations), so estimates agree with R to its printed digits.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.stats import chi2, norm

from pipeline.stats.logrank import NotComparableError
from pipeline.stats.survdata import clean_survival_data

TIES = ("efron", "breslow")
_EPS = 1e-9  # coxph.control(eps)
_MAX_ITER = 20  # coxph.control(iter.max)


@dataclass(frozen=True)
class CoxResult:
    """A one-covariate Cox model.

    Attributes
    ----------
    coef, se : float or None
        Log hazard ratio per unit of ``x`` and its standard error (inverse information).
    hr, hr_lower, hr_upper : float or None
        exp(coef) and its Wald confidence interval exp(coef +- z se).
    wald_p : float or None
        Wald test p-value, (coef / se)^2 on 1 df.
    score_p : float or None
        Score (log-rank-like) test p-value at coef = 0 with the chosen ties method.
    n, events : int
        Patients used and events.
    ties : str
        ``"efron"`` or ``"breslow"``.
    conf_level : float
        Level of the hazard-ratio interval.
    iterations : int
        Newton-Raphson iterations used.
    note : str or None
        Why coef/hr are None (monotone likelihood: the estimate is infinite), or a convergence
        warning; None for a regular fit.
    """

    coef: float | None
    hr: float | None
    hr_lower: float | None
    hr_upper: float | None
    wald_p: float | None
    score_p: float | None
    n: int
    events: int
    se: float | None = None
    ties: str = "efron"
    conf_level: float = 0.95
    iterations: int = 0
    note: str | None = None


class _PartialLikelihood:
    """Log partial likelihood, score and information of one centred covariate, vectorised."""

    def __init__(self, time: np.ndarray, event: np.ndarray, x: np.ndarray, ties: str):
        ut, inv = np.unique(time, return_inverse=True)
        self.m = ut.size
        self.inv = inv
        self.x = x
        self.ev = event == 1
        d = np.bincount(inv[self.ev], minlength=self.m)
        self.event_times = np.flatnonzero(d)
        dj = d[self.event_times]
        # one term per event: its time's index and Efron's fraction l / d_j (0 for Breslow)
        self.rep = np.repeat(self.event_times, dj)
        if ties == "efron":
            starts = np.repeat(np.cumsum(dj) - dj, dj)
            self.frac = (np.arange(self.rep.size) - starts) / np.repeat(dj, dj)
        else:
            self.frac = np.zeros(self.rep.size)
        self.sum_x_events = float(x[self.ev].sum())

    def _rev_cumsum(self, w: np.ndarray) -> np.ndarray:
        return np.cumsum(np.bincount(self.inv, weights=w, minlength=self.m)[::-1])[::-1]

    def _at_events(self, w: np.ndarray) -> np.ndarray:
        return np.bincount(self.inv[self.ev], weights=w[self.ev], minlength=self.m)

    def __call__(self, beta: float) -> tuple[float, float, float]:
        x = self.x
        r = np.exp(beta * x)
        rx, rxx = r * x, r * x * x
        j, f = self.rep, self.frac
        s0 = self._rev_cumsum(r)[j] - f * self._at_events(r)[j]
        s1 = self._rev_cumsum(rx)[j] - f * self._at_events(rx)[j]
        s2 = self._rev_cumsum(rxx)[j] - f * self._at_events(rxx)[j]
        xbar = s1 / s0
        loglik = beta * self.sum_x_events - float(np.log(s0).sum())
        score = self.sum_x_events - float(xbar.sum())
        info = float((s2 / s0 - xbar * xbar).sum())
        return loglik, score, info


def _monotone(time: np.ndarray, event: np.ndarray, x: np.ndarray) -> tuple[bool, bool]:
    """Whether the likelihood rises forever as coef -> +inf / -inf.

    As coef -> +inf the risk-set mean of x tends to its maximum, so the score stays positive
    iff every event has the largest x of its risk set (e.g. a binary x with no events in the
    x = 0 arm while x = 1 patients are at risk); symmetrically for -inf.
    """
    order = np.argsort(time, kind="stable")
    ts, xs = time[order], x[order]
    _, start, inv = np.unique(ts, return_index=True, return_inverse=True)
    hi = np.maximum.accumulate(np.maximum.reduceat(xs, start)[::-1])[::-1]
    lo = np.minimum.accumulate(np.minimum.reduceat(xs, start)[::-1])[::-1]
    ev = event[order] == 1
    xe, je = xs[ev], inv[ev]
    return bool(np.all(xe >= hi[je])), bool(np.all(xe <= lo[je]))


def _newton_raphson(pl: _PartialLikelihood) -> tuple[float, float, float, float, int, bool]:
    """R's coxfit6 iteration. Returns beta, information at beta, score and information at 0,
    iterations, converged."""
    loglik0, u0, i0 = pl(0.0)
    beta, loglik_old = 0.0, loglik0
    newbeta = beta + u0 / i0
    halving = False
    info = i0
    for it in range(1, _MAX_ITER + 1):
        newlk, u, info = pl(newbeta)
        if abs(1 - loglik_old / newlk) <= _EPS and not halving:
            return newbeta, info, u0, i0, it, True
        if it == _MAX_ITER:
            break
        if newlk < loglik_old:
            halving = True
            newbeta = (newbeta + beta) / 2
        else:
            halving = False
            loglik_old = newlk
            beta, newbeta = newbeta, newbeta + u / info
    return newbeta, info, u0, i0, _MAX_ITER, False


def cox_hr(time, event, x, ties: str = "efron", conf_level: float = 0.95) -> CoxResult:
    """Hazard ratio for one covariate from a Cox proportional-hazards model.

    Parameters
    ----------
    time : array_like
        Follow-up times.
    event : array_like
        1/True = event, 0/False = censored.
    x : array_like
        The covariate, typically 0/1 (1 = the group compared with the reference 0); bool is
        accepted. Rows with any missing value are dropped.
    ties : {"efron", "breslow"}
        Handling of tied event times; Efron is R's default.
    conf_level : float
        Level of the Wald interval for the hazard ratio.

    Returns
    -------
    CoxResult
        For a monotone likelihood (e.g. no events in one arm) the MLE is infinite: coef, hr, its
        limits and the Wald p are None, ``note`` says why, and the score p-value is still given.

    Raises
    ------
    NotComparableError
        No rows, no events, or ``x`` takes a single value.

    Notes
    -----
    Newton-Raphson on the log partial likelihood with Efron's (or Breslow's) approximation for
    ties, covariate centred, starting at 0 with step halving; convergence when the log likelihood
    changes by a relative <= 1e-9 (R ``coxph.control`` defaults, ``coxfit6.c``). Standard error
    from the observed information at the estimate; Wald p = P(chi2_1 > (coef/se)^2); score test
    U(0)^2 / I(0).

    References
    ----------
    Cox DR. Regression models and life-tables. JRSS B 1972;34:187-220.
    Efron B. The efficiency of Cox's likelihood function for censored data. JASA 1977;72:557-565.

    Examples
    --------
    R: ``summary(coxph(Surv(time, event) ~ x, ties = "efron"))``
    """
    if ties not in TIES:
        raise ValueError(f"ties must be one of {TIES}, got {ties!r}")
    t, e, (xs,), _ = clean_survival_data(time, event, x, names=("x",))
    xv = _comparable(t, e, xs)
    pl = _PartialLikelihood(t, e, xv - xv.mean(), ties)
    common = {"n": int(t.size), "events": int(e.sum()), "ties": ties, "conf_level": float(conf_level)}
    up, down = _monotone(t, e, xv)
    if up or down:
        return _not_estimable(pl, up, down, common)
    return _fit(pl, conf_level, common)


def _comparable(t: np.ndarray, e: np.ndarray, xs: pd.Series) -> np.ndarray:
    """The covariate as numbers, once there are events and two or more covariate values."""
    try:
        xv = pd.to_numeric(xs.astype("float64") if pd.api.types.is_bool_dtype(xs.dtype) else xs)
        xv = xv.to_numpy(dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise ValueError("x must be numeric (0/1) or boolean") from exc
    n, events = int(t.size), int(e.sum())
    if n == 0 or events == 0:
        raise NotComparableError(f"Cox model needs events; n = {n}, events = {events}")
    if np.all(xv == xv[0]):
        raise NotComparableError("Cox model needs a covariate with two or more values (two groups)")
    return xv


def _not_estimable(pl: _PartialLikelihood, up: bool, down: bool, common: dict) -> CoxResult:
    """A monotone likelihood: no estimate, why, and the score test (which needs none)."""
    _, u0, i0 = pl(0.0)
    score_p = float(chi2.sf(u0 * u0 / i0, 1)) if i0 > 0 else None
    if up and down:
        note = "x does not vary within any risk set at an event time: hazard ratio not estimable"
    else:
        side = "highest" if up else "lowest"
        limit = "infinite" if up else "zero"
        note = (
            f"monotone likelihood: every event occurred in a patient with the {side} x of its "
            f"risk set (e.g. no events in one arm); the hazard ratio is {limit}, not estimable"
        )
    return CoxResult(None, None, None, None, None, score_p, note=note, **common)


def _fit(pl: _PartialLikelihood, conf_level: float, common: dict) -> CoxResult:
    """The estimate, its Wald interval and p, and the score test."""
    beta, info, u0, i0, iters, converged = _newton_raphson(pl)
    score_p = float(chi2.sf(u0 * u0 / i0, 1))
    if not (np.isfinite(beta) and np.isfinite(info) and info > 0):
        note = "Cox model failed: non-finite estimate or information"
        return CoxResult(None, None, None, None, None, score_p, iterations=iters, note=note, **common)
    se = float(np.sqrt(1 / info))
    z = norm.ppf(1 - (1 - conf_level) / 2)
    note = None if converged else f"did not converge in {_MAX_ITER} iterations"
    return CoxResult(
        coef=float(beta),
        hr=float(np.exp(beta)),
        hr_lower=float(np.exp(beta - z * se)),
        hr_upper=float(np.exp(beta + z * se)),
        wald_p=float(chi2.sf((beta / se) ** 2, 1)),
        score_p=score_p,
        se=se,
        iterations=iters,
        note=note,
        **common,
    )
