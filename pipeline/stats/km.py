"""Kaplan-Meier estimator, pointwise confidence bands, quantiles and summaries at fixed times.

Every rule here is R survival 3.5-3's: ``survfit`` (Greenwood variance of the cumulative hazard,
``survfit_confint`` for the bands), ``quantile.survfit`` (``findq``: tolerance and the midpoint rule)
and ``summary.survfit(times=, extend=TRUE)`` (``survfit0``/``findrow``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.stats import norm

from pipeline.stats.survdata import as_series, as_times, clean_survival_data

#: The pointwise confidence-interval types, with R's ``survfit(conf.type=)`` spelling.
CONF_TYPES = ("log-log", "log", "plain")

#: R's ``quantile.survfit`` default tolerance, ``sqrt(.Machine$double.eps)``.
QUANTILE_TOLERANCE = float(np.sqrt(np.finfo(np.float64).eps))


@dataclass(frozen=True, eq=False)
class KMFit:
    """A Kaplan-Meier curve: one entry per distinct observed time (events and censorings).

    Attributes
    ----------
    time : numpy.ndarray
        Distinct observed times, ascending (integer dtype when the input times were integers).
    n_risk, n_event, n_censor : numpy.ndarray
        Number at risk just before each time (everyone whose time is >= it), events and
        censorings at it.
    surv : numpy.ndarray
        Kaplan-Meier survival S(t).
    std_err : numpy.ndarray
        Standard error of the cumulative hazard -log S(t) (Greenwood), as R's ``fit$std.err``;
        ``inf`` once S(t) = 0.
    lower, upper : numpy.ndarray
        Pointwise confidence limits; NaN where R gives NA.
    n, events : int
        Patients used and events among them.
    conf_type : str
        ``"log-log"``, ``"log"`` or ``"plain"``.
    conf_level : float
        Confidence level of ``lower``/``upper``.
    n_missing : int
        Rows dropped because time or event was missing (R's ``na.omit``).
    """

    time: np.ndarray
    n_risk: np.ndarray
    n_event: np.ndarray
    n_censor: np.ndarray
    surv: np.ndarray
    std_err: np.ndarray
    lower: np.ndarray
    upper: np.ndarray
    n: int
    events: int
    conf_type: str
    conf_level: float
    n_missing: int = 0


@dataclass(frozen=True)
class Quantile:
    """A survival-time quantile with its confidence limits; ``None`` = not reached (R's NA)."""

    estimate: float | None
    lower: float | None
    upper: float | None


# --------------------------------------------------------------------------- the estimator


def _check_band(conf_type: str, conf_level: float) -> None:
    if conf_type not in CONF_TYPES:
        raise ValueError(f"conf_type must be one of {CONF_TYPES}, got {conf_type!r}")
    if not 0 < conf_level < 1:
        raise ValueError("conf_level must lie strictly between 0 and 1")


def confidence_band(surv, std_err, conf_type: str = "log-log", conf_level: float = 0.95):
    """Pointwise confidence limits for a survival curve, as R's ``survfit_confint``.

    Parameters
    ----------
    surv : array_like
        Survival estimates S(t).
    std_err : array_like
        Standard errors of -log S(t) (R's ``logse = TRUE``).
    conf_type : {"log-log", "log", "plain"}
        ``plain``: S +- z se S, clipped to [0, 1]; ``log``: exp(log S +- z se), upper clipped at
        1, NA where S = 0; ``log-log``: exp(-exp(log(-log S) -+ z se / log S)), NA where S is 0 or 1.
    conf_level : float
        Two-sided confidence level.

    Returns
    -------
    (numpy.ndarray, numpy.ndarray)
        Lower and upper limits, NaN where R gives NA.

    References
    ----------
    Kalbfleisch JD, Prentice RL. The Statistical Analysis of Failure Time Data. Wiley, 1980
    (log-log); R survival 3.5-3, ``survfit_confint``.
    """
    _check_band(conf_type, conf_level)
    s = np.asarray(surv, dtype=np.float64)
    se = np.asarray(std_err, dtype=np.float64)
    z = norm.ppf(1 - (1 - conf_level) / 2)
    with np.errstate(all="ignore"):
        if conf_type == "plain":
            se2 = z * se * s
            return np.maximum(s - se2, 0.0), np.minimum(s + se2, 1.0)
        if conf_type == "log":
            xx = np.where(s == 0, np.nan, s)
            se2 = z * se
            return np.exp(np.log(xx) - se2), np.minimum(np.exp(np.log(xx) + se2), 1.0)
        xx = np.where((s == 0) | (s == 1), np.nan, s)
        se2 = z * se / np.log(xx)
        loglog = np.log(-np.log(xx))
        return np.exp(-np.exp(loglog - se2)), np.exp(-np.exp(loglog + se2))


def _readonly(*arrays):
    for a in arrays:
        a.setflags(write=False)


def _counts(t: np.ndarray, e: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Distinct times, and at each the number at risk (time >= it), events and censorings."""
    ut, inv = np.unique(t, return_inverse=True)
    m = ut.size
    n_total = np.bincount(inv, minlength=m)
    n_event = np.bincount(inv[e == 1], minlength=m)
    n_censor = n_total - n_event
    n_risk = (t.size - (np.cumsum(n_total) - n_total)).astype(np.int64)
    return ut, n_risk, n_event, n_censor


def _product_limit(n_risk: np.ndarray, n_event: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """S(t) and the Greenwood standard error of -log S(t)."""
    nr = n_risk.astype(np.float64)
    d = n_event.astype(np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        surv = np.cumprod((nr - d) / nr)
        greenwood = np.where(n_event > 0, d / (nr * (nr - d)), 0.0)
    return surv, np.sqrt(np.cumsum(greenwood))


def kaplan_meier(time, event, conf_type: str = "log-log", conf_level: float = 0.95) -> KMFit:
    """Kaplan-Meier estimate with Greenwood standard errors and a pointwise confidence band.

    Parameters
    ----------
    time : array_like
        Follow-up times (integer days or float months), non-negative.
    event : array_like
        1/True = event, 0/False = censored. Rows with a missing time or event are dropped
        (R's ``na.omit``) and counted in ``n_missing``.
    conf_type : {"log-log", "log", "plain"}
        Pointwise band, as ``survfit(conf.type=)``. The default is SAS LIFETEST's and lifelines';
        R's own default is ``"log"``.
    conf_level : float
        Confidence level of the band.

    Returns
    -------
    KMFit
        One entry per distinct observed time. With no rows, a fit with empty arrays and n = 0.

    Notes
    -----
    S(t) = prod_{t_j <= t} (n_j - d_j) / n_j and Var(-log S(t)) = sum_{t_j <= t} d_j / (n_j (n_j - d_j))
    (Greenwood), as R's ``survfit`` (survival 3.5-3, ``survfitkm.c``). Censorings at an event time
    count as at risk at that time. Vectorised: ``np.unique``/``np.bincount``/``np.cumsum``.

    References
    ----------
    Kaplan EL, Meier P. Nonparametric estimation from incomplete observations. JASA 1958;53:457-481.
    Greenwood M. The natural duration of cancer. Rep Public Health Med Subj 1926;33:1-26.

    Examples
    --------
    R: ``survfit(Surv(time, event) ~ 1, conf.type = "log-log")``
    """
    _check_band(conf_type, conf_level)
    t, e, _, n_missing = clean_survival_data(time, event)
    ut, n_risk, n_event, n_censor = _counts(t, e)
    surv, std_err = _product_limit(n_risk, n_event)
    lower, upper = confidence_band(surv, std_err, conf_type, conf_level)
    _readonly(ut, n_risk, n_event, n_censor, surv, std_err, lower, upper)
    return KMFit(
        time=ut,
        n_risk=n_risk,
        n_event=n_event,
        n_censor=n_censor,
        surv=surv,
        std_err=std_err,
        lower=lower,
        upper=upper,
        n=int(t.size),
        events=int(e.sum()),
        conf_type=conf_type,
        conf_level=float(conf_level),
        n_missing=n_missing,
    )


# --------------------------------------------------------------------------- quantiles


def _approx_constant_index(xs: np.ndarray, v: float) -> float:
    """R's ``approx(xs, 1:n, v, method="constant", f=1)$y`` (na.rm, ties = mean, rule = 1)."""
    pos = np.arange(1, xs.size + 1, dtype=np.float64)
    ok = ~np.isnan(xs)
    xs, pos = xs[ok], pos[ok]
    if xs.size == 0:
        return np.nan
    if np.any(np.diff(xs) < 0):
        order = np.argsort(xs, kind="stable")
        xs, pos = xs[order], pos[order]
    ux, start, counts = np.unique(xs, return_index=True, return_counts=True)
    if ux.size < xs.size:
        pos = np.add.reduceat(pos, start) / counts
        xs = ux
    if v < xs[0] or v > xs[-1]:
        return np.nan
    return float(pos[np.searchsorted(xs, v, side="left")])


def _r_index(x: np.ndarray, i: float) -> float:
    """``x[i]`` with R's 1-based, truncating index; NA index -> NaN."""
    return np.nan if np.isnan(i) else float(x[int(i) - 1])


def _findq(x: np.ndarray, y: np.ndarray, p: float, tol: float) -> float:
    """Port of survival 3.5-3 ``findq``: where the step curve y (= 1 - S) first reaches p.

    A flat within ``tol`` of p gives the midpoint of the flat; a flat at the end of the curve
    gives the midpoint of its start and the last time.
    """
    if np.all(np.isnan(y)) or np.nanmax(y) < p:
        return np.nan
    xmax = x[-1]
    dups = pd.Series(y).duplicated().to_numpy()
    x, y = x[~dups], y[~dups]
    indx1 = _approx_constant_index(y + tol, p)
    indx2 = _approx_constant_index(y - tol, p)
    quant = (_r_index(x, indx1) + _r_index(x, indx2)) / 2
    if p == 0:
        quant = float(x[0])
    if not np.isnan(y[-1]) and abs(p - y[-1]) < tol:
        quant = (_r_index(x, indx1) + xmax) / 2
    return quant


def _none_if_nan(v: float) -> float | None:
    return None if v is None or np.isnan(v) else float(v)


def km_quantile(fit: KMFit, p: float, tolerance: float = QUANTILE_TOLERANCE) -> Quantile:
    """Time by which a fraction ``p`` of patients has had the event, with its confidence limits.

    Parameters
    ----------
    fit : KMFit
        A Kaplan-Meier fit.
    p : float
        Cumulative event probability in [0, 1], as R's ``probs`` (0.5 = median, 0.25 = the time
        at which S(t) first falls to 0.75).
    tolerance : float
        Flat-spot tolerance; R's default ``sqrt(.Machine$double.eps)``.

    Returns
    -------
    Quantile
        ``estimate`` from the curve, ``lower``/``upper`` from the lower/upper pointwise band
        (Brookmeyer-Crowley style: the times at which the band crosses 1 - p). ``None`` where
        not reached.

    Notes
    -----
    Exactly R's ``quantile.survfit`` (survival 3.5-3): on the step function y = 1 - S (and 1 - lower,
    1 - upper) prefixed by (0, 0) and with duplicate y values (censorings) dropped, the quantile is
    x[i1] averaged with x[i2], where i1 is the first point with y >= p - tol and i2 the first with
    y >= p + tol. So a curve that sits within ``tol`` of 1 - p over [t_a, t_b) gives (t_a + t_b) / 2
    (the midpoint rule of R, SAS and Prism; lifelines gives t_a), and a flat at 1 - p that ends the
    curve gives (t_a + last time) / 2. NA band values (log-log where S is 1 or 0) are skipped.

    References
    ----------
    Brookmeyer R, Crowley J. A confidence interval for the median survival time. Biometrics
    1982;38:29-41.

    Examples
    --------
    R: ``quantile(fit, probs = p, conf.int = TRUE)``
    """
    if not 0 <= p <= 1:
        raise ValueError("p must lie in [0, 1]")
    x = np.concatenate(([0.0], fit.time.astype(np.float64)))

    def q(band: np.ndarray) -> float | None:
        y = np.concatenate(([0.0], 1 - band))
        return _none_if_nan(_findq(x, y, p, tolerance))

    return Quantile(estimate=q(fit.surv), lower=q(fit.lower), upper=q(fit.upper))


def km_median(fit: KMFit) -> Quantile:
    """Median survival time with its confidence interval, as R's ``quantile(fit, 0.5)``.

    See :func:`km_quantile`; ``None`` marks a median (or limit) not reached, printed "NR".

    Examples
    --------
    R: ``quantile(survfit(Surv(time, event) ~ 1, conf.type = "log-log"), probs = 0.5)``
    """
    return km_quantile(fit, 0.5)


# --------------------------------------------------------------------------- fixed times


def _query_times(times) -> np.ndarray:
    tq = np.atleast_1d(np.asarray(times, dtype=np.float64))
    if tq.ndim != 1 or not np.all(np.isfinite(tq)):
        raise ValueError("times must be a one-dimensional array of finite numbers")
    return tq


def survival_at(fit: KMFit, times) -> pd.DataFrame:
    """Survival and its confidence limits at fixed times, as R's ``summary(fit, times, extend=TRUE)``.

    Parameters
    ----------
    fit : KMFit
        A Kaplan-Meier fit.
    times : array_like
        Times at which to read the curve, in the fit's unit; rows keep this order.

    Returns
    -------
    pandas.DataFrame
        Columns ``time``, ``n_risk`` (patients whose time is >= t: at risk just before t, 0 beyond
        the last time), ``surv``, ``lower``, ``upper``. Before the first observed time the curve is
        1 with limits 1 (R's ``survfit0`` row); beyond the last time the last values carry on.
        NaN where R gives NA (e.g. log-log limits where S = 1 at an observed time).

    Examples
    --------
    R: ``summary(fit, times = c(6, 12, 24), extend = TRUE)``
    """
    tq = _query_times(times)
    nrow = tq.size
    if fit.time.size == 0:
        nan = np.full(nrow, np.nan)
        return pd.DataFrame(
            {"time": tq, "n_risk": np.zeros(nrow, dtype=np.int64), "surv": nan, "lower": nan, "upper": nan}
        )
    k = np.searchsorted(fit.time, tq, side="right")  # number of fit times <= t
    if fit.time[0] <= 0:  # survfit0 adds no time-0 row when the curve already starts at 0
        k = np.maximum(k, 1)
    cols = {}
    for name in ("surv", "lower", "upper"):
        cols[name] = np.concatenate(([1.0], getattr(fit, name)))[k]
    j = np.searchsorted(fit.time, tq, side="left")  # number of fit times < t
    n_risk = np.concatenate((fit.n_risk, [0]))[j]
    return pd.DataFrame({"time": tq, "n_risk": n_risk.astype(np.int64), **cols})


def n_at_risk(time, times) -> np.ndarray:
    """Numbers at risk at each of ``times``: patients whose follow-up time is >= t.

    Same definition as ``n_risk`` of :func:`survival_at` (R's ``summary.survfit``), for the
    risk table under a Kaplan-Meier plot. Missing times are ignored.

    Parameters
    ----------
    time : array_like
        Follow-up times of the patients in one group.
    times : array_like
        Times at which to count.

    Returns
    -------
    numpy.ndarray
        int64 counts, one per entry of ``times``.
    """
    s = as_series(time, "time")
    t = np.sort(as_times(s[~s.isna()]))
    tq = _query_times(times)
    return (t.size - np.searchsorted(t, tq, side="left")).astype(np.int64)
