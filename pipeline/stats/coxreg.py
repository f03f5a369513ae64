"""Multivariable Cox proportional-hazards regression (Efron or Breslow ties, optional strata), as
R survival's ``coxph`` and ``summary.coxph``.

Newton-Raphson exactly as ``coxfit6.c``: start at 0, step halving when the log partial likelihood
falls, stop when it changes by a relative <= 1e-9, at most 20 iterations. Models that cannot be
fitted honestly are refused with :class:`ModelError` naming the covariate: as many parameters as
events, a constant or collinear covariate, a level with no events, a likelihood that does not
converge or converges with a coefficient running to infinity (R's "coefficient may be infinite").
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy.stats import chi2, norm

from pipeline.stats.concordance import concordance
from pipeline.stats.riskset import RiskSets

TIES = ("efron", "breslow")
EPS = 1e-9  # coxph.control(eps)
MAX_ITER = 20  # coxph.control(iter.max)
TOLER_INF = EPS**0.5  # coxph.control(toler.inf)
EPV_MIN = 10  # events per parameter below which a warning is flagged


class ModelError(ValueError):
    """The model cannot be fitted honestly; the message names the covariate and the reason."""


@dataclass(frozen=True)
class ChiTest:
    """A chi-square test: statistic, degrees of freedom, upper-tail p."""

    chisq: float
    df: int
    p: float


@dataclass(frozen=True)
class CoxTerm:
    """One coefficient: log hazard ratio, SE, HR with its Wald interval, Wald p (``summary.coxph``)."""

    term: str
    coef: float
    se: float
    hr: float
    hr_lower: float
    hr_upper: float
    p: float


@dataclass(frozen=True)
class CoxModel:
    """A fitted Cox model.

    ``groups`` maps each covariate (R's term, e.g. ``sex``) to its columns (``sexM``);
    ``epv_warning`` is True when events per parameter < 10. ``fit`` keeps the sorted data and the
    estimate for :func:`pipeline.stats.zph.cox_zph`.
    """

    terms: tuple[CoxTerm, ...]
    n: int
    events: int
    ties: str
    conf_level: float
    stratified: bool
    loglik: tuple[float, float]
    lr_test: ChiTest
    wald_test: ChiTest
    score_test: ChiTest
    concordance: float
    iterations: int
    epv: float
    epv_warning: bool
    groups: tuple[tuple[str, tuple[int, ...]], ...]
    coef: np.ndarray = field(repr=False, compare=False)
    var: np.ndarray = field(repr=False, compare=False)
    fit: RiskSets = field(repr=False, compare=False)


def _evaluate(rs: RiskSets, beta: np.ndarray) -> tuple[float, np.ndarray, np.ndarray]:
    """Log partial likelihood, score vector and information matrix at ``beta``."""
    s0, s1, lp = rs.sums(beta)
    xbar = s1 / s0[:, None]
    loglik = float(lp[rs.event].sum() - np.log(s0).sum())
    score = rs.x[rs.event].sum(axis=0) - xbar.sum(axis=0)
    (s2,) = rs.second(s0, [np.ones(s0.size)])
    info = s2 - xbar.T @ xbar
    return loglik, score, info


def _solve(info: np.ndarray, u: np.ndarray) -> np.ndarray:
    return np.linalg.solve(info, u)


def _newton_raphson(rs: RiskSets, p: int):
    """coxfit6's iteration. Returns beta, information, final score, loglik0, loglik, score test,
    iterations, converged."""
    beta = np.zeros(p)
    loglik0, u0, i0 = _evaluate(rs, beta)
    step0 = _solve(i0, u0)
    sctest = float(u0 @ step0)
    old, newbeta, halving = loglik0, beta + step0, False
    for it in range(1, MAX_ITER + 1):
        newlk, u, info = _evaluate(rs, newbeta)
        if abs(1 - old / newlk) <= EPS and not halving:
            return newbeta, info, u, loglik0, newlk, sctest, it, True
        if it == MAX_ITER:
            break
        if newlk < old or not np.isfinite(newlk):
            halving = True
            newbeta = (newbeta + beta) / 2
        else:
            halving = False
            old = newlk
            beta, newbeta = newbeta, newbeta + _solve(info, u)
    return newbeta, info, u, loglik0, newlk, sctest, MAX_ITER, False


def _owner(groups, col: int) -> str:
    return next(g for g, cols in groups if col in cols)


def _precheck(x: np.ndarray, names, groups, event: np.ndarray, strata: np.ndarray) -> None:
    """Refuse constant, collinear and no-event-level columns before iterating."""
    n, p = x.shape
    events = int(event.sum())
    if n == 0:
        raise ModelError("Cox model needs patients; none has this endpoint and every covariate")
    if events == 0:
        raise ModelError("Cox model needs events; there are none")
    empty = [g for g, cols in groups if not cols]
    if empty or p == 0:  # a factor with one level left: R's coxph stops (contrasts need 2 levels)
        who = ", ".join(repr(g) for g in empty) or "none given"
        raise ModelError(f"covariate {who}: a single value among these patients, nothing to estimate")
    if p >= events:
        raise ModelError(
            f"Cox model with {p} parameters ({', '.join(names)}) needs more events than parameters; "
            f"there are {events} events"
        )
    for k in range(p):
        col = x[:, k]
        if np.all(col == col[0]):
            raise ModelError(f"covariate {_owner(groups, k)!r}: column {names[k]!r} has a single value")
    for who, cols in groups:
        sub = x[:, list(cols)]
        if not np.all(np.isin(sub, (0.0, 1.0))):
            continue
        cells = [(names[c], sub[:, i] == 1) for i, c in enumerate(cols)]
        cells.append(("its reference level", ~np.any(sub == 1, axis=1)))
        for label, rows in cells:
            if not np.any(event & rows):
                raise ModelError(
                    f"covariate {who!r}: no events in {label!r} (the hazard ratio would be "
                    "infinite or zero; monotone likelihood), not reported"
                )
    xc = x - x.mean(axis=0)
    xc = xc / np.sqrt((xc**2).sum(axis=0))
    diag = np.abs(np.diag(np.linalg.qr(xc, mode="r")))
    bad = np.flatnonzero(diag < 1e-9)
    if bad.size:  # |R_kk| ~ 0: column k lies in the span of the columns before it
        k = int(bad[0])
        raise ModelError(
            f"covariate {_owner(groups, k)!r}: column {names[k]!r} is collinear with the covariates before it"
        )


def _tests(beta, var, info, loglik0, loglik, sctest, p) -> tuple[ChiTest, ChiTest, ChiTest]:
    lr = 2 * (loglik - loglik0)
    wald = float(beta @ info @ beta)
    return (
        ChiTest(float(lr), p, float(chi2.sf(lr, p))),
        ChiTest(wald, p, float(chi2.sf(wald, p))),
        ChiTest(sctest, p, float(chi2.sf(sctest, p))),
    )


def cox_fit(time, event, x, names, *, groups=None, strata=None, ties: str = "efron",
            conf_level: float = 0.95) -> CoxModel:
    """Fit a Cox proportional-hazards model.

    Parameters
    ----------
    time, event : array_like
        Follow-up and 1/0 event indicator, no missing values (complete cases are the caller's).
    x : array_like
        (n, p) numeric design matrix (dummy-coded factors), no missing values.
    names : sequence of str
        Column (coefficient) names, e.g. ``["age", "sexM"]``.
    groups : sequence of (str, sequence of int), optional
        Covariate -> its columns, for messages and the per-term PH test; default one per column.
    strata : array_like, optional
        Stratum labels: a separate baseline hazard per stratum (R ``+ strata(s)``).
    ties : {"efron", "breslow"}
    conf_level : float
        Level of the Wald interval exp(coef +- z se).

    Returns
    -------
    CoxModel

    Raises
    ------
    ModelError
        See the module docstring; never an infinite hazard ratio.

    Notes
    -----
    LR test 2 (l(beta) - l(0)); Wald test beta' I beta; score test U(0)' I(0)^-1 U(0);
    concordance of the linear predictor within strata (:func:`~pipeline.stats.concordance.concordance`).

    Examples
    --------
    R: ``summary(coxph(Surv(t, e) ~ age + sex + strata(s), ties = "efron"))``
    """
    if ties not in TIES:
        raise ValueError(f"ties must be one of {TIES}, got {ties!r}")
    t, e, xm, names = _complete_cases(time, event, x, names)
    p = xm.shape[1]
    groups = tuple((g, tuple(c)) for g, c in groups) if groups else tuple((n, (i,)) for i, n in enumerate(names))
    scodes = np.zeros(t.size, dtype=np.int64) if strata is None else _codes(strata)
    ev = e == 1
    _precheck(xm, names, groups, ev, scodes)
    rs = RiskSets.build(t, ev, xm, scodes, ties)
    try:
        beta, info, u, l0, l1, sctest, iters, ok = _newton_raphson(rs, p)
        var = np.linalg.inv(info)
    except np.linalg.LinAlgError as exc:
        raise ModelError(
            f"Cox model information matrix is singular: covariates {', '.join(names)} are collinear "
            "or constant within strata"
        ) from exc
    _postcheck(beta, var, u, ok, names, groups)
    return _assemble(rs, xm, t, ev, scodes, beta, var, info, (l0, l1, sctest, iters), names, groups,
                     ties, conf_level, strata is not None)


def _complete_cases(time, event, x, names) -> tuple[np.ndarray, np.ndarray, np.ndarray, list[str]]:
    """Time, event, the (n, p) design matrix and its column names, checked to be complete and to fit."""
    t = np.asarray(time, dtype=np.float64)
    e = np.asarray(event, dtype=np.float64)
    names = [str(n) for n in names]
    xm = np.asarray(x, dtype=np.float64)
    xm = xm[:, None] if xm.ndim == 1 else xm
    if xm.shape != (t.size, len(names)):
        raise ValueError(f"x must be (n, p) = ({t.size}, {len(names)}), one column per name; got {xm.shape}")
    if np.isnan(t).any() or np.isnan(e).any() or np.isnan(xm).any():
        raise ValueError("cox_fit needs complete cases (no missing time, event or covariate)")
    return t, e, xm, names


def _codes(strata) -> np.ndarray:
    codes, _ = pd.factorize(pd.Series(strata).astype(str), sort=True)
    return codes.astype(np.int64)


def _postcheck(beta, var, u, converged, names, groups) -> None:
    if not converged or not np.all(np.isfinite(beta)):
        raise ModelError(
            f"Cox model with covariates {', '.join(repr(g) for g, _ in groups)} did not converge in "
            f"{MAX_ITER} iterations (a monotone likelihood: a coefficient runs to infinity); not reported"
        )
    infs = np.abs(u @ var)
    bad = np.flatnonzero((infs > EPS) & (infs > TOLER_INF * np.abs(beta)))
    if bad.size:
        k = int(bad[0])
        raise ModelError(
            f"covariate {_owner(groups, k)!r}: the likelihood converged before {names[k]!r}; its "
            "coefficient may be infinite (monotone likelihood), not reported"
        )


def _assemble(rs, xm, t, ev, scodes, beta, var, info, fitstats, names, groups, ties, conf_level,
              stratified) -> CoxModel:
    l0, l1, sctest, iters = fitstats
    p = beta.size
    se = np.sqrt(np.diag(var))
    z = norm.ppf(1 - (1 - conf_level) / 2)
    terms = tuple(
        CoxTerm(names[k], float(beta[k]), float(se[k]), float(np.exp(beta[k])),
                float(np.exp(beta[k] - z * se[k])), float(np.exp(beta[k] + z * se[k])),
                float(2 * norm.sf(abs(beta[k] / se[k]))))
        for k in range(p)
    )
    lr, wald, score = _tests(beta, var, info, l0, l1, sctest, p)
    events = int(ev.sum())
    conc = concordance(t, ev, xm @ beta, scodes)["concordance"]
    return CoxModel(
        terms=terms, n=int(t.size), events=events, ties=ties, conf_level=float(conf_level),
        stratified=stratified, loglik=(float(l0), float(l1)), lr_test=lr, wald_test=wald,
        score_test=score, concordance=conc, iterations=iters, epv=events / p,
        epv_warning=events / p < EPV_MIN, groups=groups, coef=beta, var=var, fit=rs,
    )
