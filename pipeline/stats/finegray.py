"""Fine-Gray proportional subdistribution hazards regression, as R's ``cmprsk::crr``.

A vectorised port of cmprsk 2.2 (``crr`` in R, routines ``crrfsv``/``crrf``/``crrvv`` in Fortran),
one censoring group, no time-varying covariates:

- weights: a patient failed from a competing cause at t_j stays in the risk set at a later failure
  time s with weight G(s-) / G(t_j-), G the Kaplan-Meier of the censoring distribution (reused from
  :func:`pipeline.stats.km.kaplan_meier`, read just before each time as ``crr`` does with
  ``summary(survfit(...), times = ftime * (1 - .Machine$double.eps))``);
- Newton-Raphson from 0 with cmprsk's stopping rule (``gtol = 1e-6``, ``maxiter = 10``) and its
  backtracking line search;
- variance: the sandwich H^-1 (sum_i (eta_i + psi_i)(eta_i + psi_i)') H^-1 of Fine & Gray (1999),
  where psi_i is the contribution of estimating G.

Risk-set sums use cumulative sums over the time-sorted data, so memory is O(n p^2).

References
----------
Fine JP, Gray RJ. A proportional hazards model for the subdistribution of a competing risk.
JASA 1999;94:496-509.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.stats import norm

from pipeline.stats.km import kaplan_meier
from pipeline.stats.logrank import NotComparableError

GTOL = 1e-6  # crr(gtol =)
MAXITER = 10  # crr(maxiter =)


@dataclass(frozen=True)
class FineGrayTerm:
    """One covariate: coef (log subdistribution HR), se, HR = exp(coef), its Wald CI and p."""

    term: str
    coef: float
    se: float
    hr: float
    hr_ci_low: float
    hr_ci_high: float
    p: float


@dataclass(frozen=True)
class FineGrayResult:
    """A fitted Fine-Gray model: its terms, patients used, failures of interest and competing."""

    terms: tuple[FineGrayTerm, ...]
    n: int
    events: int
    competing: int
    converged: bool
    conf_level: float


class _Data:
    """Time-sorted data with the pieces every evaluation needs."""

    def __init__(self, t: np.ndarray, s: np.ndarray, x: np.ndarray):
        o = np.argsort(t, kind="stable")
        self.t, self.s, self.x = t[o], s[o], x[o]
        km = kaplan_meier(self.t, (self.s == 0).astype(np.int64), "plain")
        q = self.t * (1 - np.finfo(np.float64).eps)
        self.g = np.concatenate(([1.0], km.surv))[np.searchsorted(km.time, q, side="right")]
        fail = self.s == 1
        self.ft, self.d = np.unique(self.t[fail], return_counts=True)
        self.start = np.searchsorted(self.t, self.ft, side="left")  # first index with t >= s_k
        self.gk = self.g[self.start]  # G(s_k-)
        self.comp = (self.s >= 2).astype(np.float64)


def _risk_sums(dd: _Data, b: np.ndarray):
    """S0, S1, S2 at each distinct failure time, and exp(x b) per patient."""
    r = np.exp(dd.x @ b)
    xx = np.einsum("ij,ik->ijk", dd.x, dd.x)
    out = []
    for w in (r, r[:, None] * dd.x, r[:, None, None] * xx):
        tail = np.cumsum(w[::-1], axis=0)[::-1]
        tail = np.concatenate((tail, np.zeros((1,) + w.shape[1:])), axis=0)[dd.start]
        cw = (dd.comp / dd.g).reshape((-1,) + (1,) * (w.ndim - 1)) * w
        head = np.concatenate((np.zeros((1,) + w.shape[1:]), np.cumsum(cw, axis=0)), axis=0)[dd.start]
        out.append(tail + dd.gk.reshape((-1,) + (1,) * (w.ndim - 1)) * head)
    return out[0], out[1], out[2], r


def _objective(dd: _Data, b: np.ndarray):
    """Minus the log pseudo-likelihood, its gradient and Hessian (``crrfsv``)."""
    s0, s1, s2, _ = _risk_sums(dd, b)
    fail = dd.s == 1
    lik = -float((dd.x[fail] @ b).sum()) + float((dd.d * np.log(s0)).sum())
    xbar = s1 / s0[:, None]
    grad = -dd.x[fail].sum(axis=0) + (dd.d[:, None] * xbar).sum(axis=0)
    hess = np.einsum("k,kij->ij", dd.d, s2 / s0[:, None, None] - xbar[:, :, None] * xbar[:, None, :])
    return lik, grad, hess


def _newton(dd: _Data, p: int) -> tuple[np.ndarray, bool]:
    """cmprsk's Newton-Raphson with backtracking, started at 0."""
    b = np.zeros(p)
    for it in range(MAXITER + 1):
        lik, grad, hess = _objective(dd, b)
        if np.max(np.abs(grad) * np.maximum(np.abs(b), 1)) < max(abs(lik), 1) * GTOL:
            return b, True
        if it == MAXITER:
            return b, False
        sc = -np.linalg.solve(hess, grad)
        for _ in range(21):
            fbn = _objective(dd, b + sc)[0]
            if np.isfinite(fbn) and fbn <= lik + 1e-4 * float(sc @ grad):
                break
            sc = sc * 0.5
        else:
            return b, False
        b = b + sc
    return b, False  # pragma: no cover


def _sandwich_middle(dd: _Data, b: np.ndarray) -> np.ndarray:
    """sum_i (eta_i + psi_i)(eta_i + psi_i)' of ``crrvv``."""
    s0, s1, _, r = _risk_sums(dd, b)
    xbar = s1 / s0[:, None]
    a, bb = dd.d / s0, dd.d[:, None] * xbar / s0[:, None]
    k_le = np.searchsorted(dd.ft, dd.t, side="right")  # failure times <= t_i
    cum_a = np.concatenate(([0.0], np.cumsum(a)))[k_le]
    cum_b = np.concatenate((np.zeros((1, b.size)), np.cumsum(bb, axis=0)))[k_le]
    ga, gb = dd.gk * a, dd.gk[:, None] * bb
    tail_a = np.concatenate((np.cumsum(ga[::-1])[::-1], [0.0]))
    tail_b = np.concatenate((np.cumsum(gb[::-1], axis=0)[::-1], np.zeros((1, b.size))))
    comp = (dd.comp / dd.g)[:, None]
    eta = -r[:, None] * (dd.x * cum_a[:, None] - cum_b
                         + comp * (dd.x * tail_a[k_le][:, None] - tail_b[k_le]))
    fail = dd.s == 1
    kf = np.searchsorted(dd.ft, dd.t[fail], side="left")
    eta[fail] += dd.x[fail] - xbar[kf]
    # psi: the censoring martingale part, at each distinct censoring time u
    cens = dd.s == 0
    uc, c_u = np.unique(dd.t[cens], return_counts=True)
    first = np.searchsorted(dd.t, uc, side="left")
    y_u = (dd.t.size - first).astype(np.float64)
    w = dd.comp * r / dd.g
    t0 = np.concatenate(([0.0], np.cumsum(w)))[first]  # sum over t_j < u, competing
    t1 = np.concatenate((np.zeros((1, b.size)), np.cumsum(w[:, None] * dd.x, axis=0)))[first]
    k_ge = np.searchsorted(dd.ft, uc, side="left")  # failure times >= u from here
    q = t1 * tail_a[k_ge][:, None] - t0[:, None] * tail_b[k_ge]
    step = np.cumsum(c_u[:, None] * q / (y_u ** 2)[:, None], axis=0)
    j = np.searchsorted(uc, dd.t, side="right")  # censoring times <= t_i
    psi = -np.concatenate((np.zeros((1, b.size)), step))[j]
    ju = np.searchsorted(uc, dd.t[cens], side="left")
    psi[cens] += q[ju] / y_u[ju][:, None]
    u = eta + psi
    return u.T @ u


def fine_gray(time, status, covariates: pd.DataFrame, failcode: int = 1,
              conf_level: float = 0.95) -> FineGrayResult:
    """Fine-Gray regression of the subdistribution hazard of ``failcode``, as ``cmprsk::crr``.

    Parameters
    ----------
    time : array_like
        Times to the first event or censoring.
    status : array_like
        0 = censored, ``failcode`` = failure of interest, any other positive code = competing.
    covariates : pandas.DataFrame
        Numeric covariate columns (dummy-coded already); column names become term names.
        Rows with any missing value are dropped (R: ``na.omit``).
    failcode : int
        Code of the failure of interest.
    conf_level : float
        Level of the Wald interval exp(coef +- z se).

    Returns
    -------
    FineGrayResult
        Per term coef, se (sandwich), HR, CI and the two-sided Wald p 2 (1 - Phi(|coef| / se))
        (``summary.crr`` prints it rounded to 2 significant digits; here unrounded).

    Raises
    ------
    NotComparableError
        No failures of interest, a constant covariate or a singular information matrix.

    Examples
    --------
    R: ``summary(crr(ftime, fstatus, cov1 = X, failcode = 1, cencode = 0))``
    """
    x = covariates.reset_index(drop=True).apply(pd.to_numeric)
    d = pd.concat([pd.Series(time, copy=False).reset_index(drop=True).rename("_t"),
                   pd.Series(status, copy=False).reset_index(drop=True).rename("_s"), x], axis=1).dropna()
    t, s = d["_t"].to_numpy(dtype=np.float64), d["_s"].to_numpy(dtype=np.float64)
    s = np.where(s == failcode, 1, np.where(s == 0, 0, 2))
    xm = d[list(x.columns)].to_numpy(dtype=np.float64)
    if not np.any(s == 1):
        raise NotComparableError("no failures of the event of interest")
    if xm.shape[0] == 0 or np.any(np.ptp(xm, axis=0) == 0):
        raise NotComparableError("a covariate takes a single value")
    dd = _Data(t, s, xm)
    b, converged = _newton(dd, xm.shape[1])
    hess = _objective(dd, b)[2]
    if np.linalg.matrix_rank(hess) < xm.shape[1]:
        raise NotComparableError("singular information matrix in the Fine-Gray model")
    h = np.linalg.inv(hess)
    var = h @ _sandwich_middle(dd, b) @ h.T
    se = np.sqrt(np.diag(var))
    z = norm.ppf(1 - (1 - conf_level) / 2)
    terms = tuple(FineGrayTerm(term=str(n), coef=float(c), se=float(e), hr=float(np.exp(c)),
                               hr_ci_low=float(np.exp(c - z * e)), hr_ci_high=float(np.exp(c + z * e)),
                               p=float(2 * norm.sf(abs(c) / e)))
                  for n, c, e in zip(x.columns, b, se, strict=True))
    return FineGrayResult(terms=terms, n=int(t.size), events=int((s == 1).sum()),
                          competing=int((s == 2).sum()), converged=converged, conf_level=float(conf_level))
