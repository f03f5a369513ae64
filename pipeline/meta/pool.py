"""Inverse-variance pooling: fixed effect, DerSimonian-Laird and REML random effects, heterogeneity,
prediction interval, subgroups, Egger's test and RevMan's model-choice rule.

Numbers equal ``metafor::rma`` (3.8) and RevMan 5; each function names the R call it reproduces.
Everything works on the analysis scale (log ratio, difference, logit, double arcsine).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from scipy import stats

from pipeline.text import i18n

METHODS = ("FE", "DL", "REML")
#: RevMan users' rule: fixed effect when heterogeneity p >= 0.10 and I2 <= 50%, random effects otherwise.
RULE_Q_P, RULE_I2 = 0.10, 50.0


@dataclass(frozen=True)
class Pooled:
    """A pooled estimate on the analysis scale with its heterogeneity statistics.

    ``weights`` are the per-study weights in percent (NaN for excluded studies); ``pi_low/pi_high`` the
    prediction interval (random effects only, else NaN).
    """

    method: str
    k: int
    estimate: float
    se: float
    ci_low: float
    ci_high: float
    z: float
    p: float
    Q: float
    Q_df: int
    Q_p: float
    I2: float
    tau2: float
    pi_low: float = float("nan")
    pi_high: float = float("nan")
    weights: np.ndarray = field(default_factory=lambda: np.array([]))


def z_crit(conf_level: float) -> float:
    """Two-sided normal quantile: 1.959964 for 0.95 (R: ``qnorm(1 - (1 - level) / 2)``)."""
    return float(stats.norm.ppf(1 - (1 - conf_level) / 2))


def cochran_q(yi: np.ndarray, vi: np.ndarray, centre: float | None = None) -> tuple[float, int, float]:
    """Cochran's Q = sum w (y - centre)^2 with w = 1/v, df = k - 1, p = P(chi2_df > Q).

    ``centre`` defaults to the inverse-variance fixed-effect mean; Mantel-Haenszel analyses pass their
    own pooled estimate (as ``rma.mh`` and RevMan 5 do).
    """
    w = 1 / vi
    if centre is None:
        centre = float(np.sum(w * yi) / np.sum(w))
    q = float(np.sum(w * (yi - centre) ** 2))
    df = len(yi) - 1
    return q, df, float(stats.chi2.sf(q, df)) if df > 0 else float("nan")


def i2_from_q(q: float, df: int) -> float:
    """Higgins' I2 = max(0, (Q - df) / Q) x 100 (RevMan 5; ``rma(method = "FE")``)."""
    return max(0.0, (q - df) / q) * 100 if q > 0 else 0.0


def tau2_dl(yi: np.ndarray, vi: np.ndarray) -> float:
    """DerSimonian-Laird tau2 = max(0, (Q - df) / (sum w - sum w^2 / sum w)) (``rma(method = "DL")``)."""
    w = 1 / vi
    q, df, _ = cochran_q(yi, vi)
    return max(0.0, (q - df) / (w.sum() - np.sum(w**2) / w.sum()))


def tau2_reml(yi: np.ndarray, vi: np.ndarray, tol: float = 1e-5, maxiter: int = 100) -> float:
    """REML tau2 by Fisher scoring from the Hedges start, as ``rma(method = "REML")``.

    The iteration is metafor's: start at the Hedges (HE) estimate, step (Y'PPY - tr P) / tr PP, halve a
    step that would make tau2 negative, stop when the change is below ``tol`` (metafor's default
    ``control = list(threshold = 1e-5, maxiter = 100)``). Stopping where metafor stops reproduces R's
    value; the exact REML maximum lies within about 1e-7 (relative) of it.
    """
    k = len(yi)
    ols = yi.mean()
    tau2 = max(0.0, (np.sum((yi - ols) ** 2) - vi.sum() * (k - 1) / k) / (k - 1))  # Hedges (HE)
    for _ in range(maxiter):
        w = 1 / (vi + tau2)
        # P = W - W 1 (1'W1)^-1 1'W for an intercept-only model
        pmat = np.diag(w) - np.outer(w, w) / w.sum()
        py = pmat @ yi
        adj = (py @ py - np.trace(pmat)) / np.sum(pmat * pmat.T)
        while tau2 + adj < 0:
            adj /= 2
        tau2 += adj
        if abs(adj) <= tol:
            return float(max(0.0, tau2))
    raise ValueError(f"the REML estimate of tau2 did not converge in {maxiter} Fisher-scoring steps")


def i2_random(vi: np.ndarray, tau2: float) -> float:
    """I2 = 100 tau2 / (tau2 + s2), s2 the 'typical' within-study variance (``rma``'s I2).

    s2 = (k - 1) sum w / ((sum w)^2 - sum w^2); with the DL tau2 this equals (Q - df) / Q.
    """
    w = 1 / vi
    s2 = (len(vi) - 1) * w.sum() / (w.sum() ** 2 - np.sum(w**2))
    return float(100 * tau2 / (tau2 + s2))


def _finish(method, yi, vi, est, se, tau2, conf_level, centre=None, i2=None) -> Pooled:
    crit = z_crit(conf_level)
    q, df, qp = cochran_q(yi, vi, centre)
    z = est / se
    if method in ("DL", "REML"):
        w = 1 / (vi + tau2)
        half = crit * np.sqrt(se**2 + tau2)  # predict.rma: z-based prediction interval
        pi = (est - half, est + half)
    else:
        w, pi = 1 / vi, (float("nan"), float("nan"))
    return Pooled(method, len(yi), float(est), float(se), float(est - crit * se), float(est + crit * se),
                  float(z), float(2 * stats.norm.sf(abs(z))), q, df, qp,
                  i2_from_q(q, df) if i2 is None else i2, float(tau2), float(pi[0]), float(pi[1]),
                  100 * w / w.sum())


def pool_iv(yi, vi, method: str = "FE", conf_level: float = 0.95) -> Pooled:
    """Inverse-variance pooling (R: ``rma(yi, vi, method = "FE" | "DL" | "REML")``).

    Estimate = sum w y / sum w with w = 1/(v + tau2), SE = 1/sqrt(sum w), Wald z test and CI.
    """
    yi, vi = np.asarray(yi, dtype=float), np.asarray(vi, dtype=float)
    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}, got {method!r}")
    tau2 = {"FE": lambda: 0.0, "DL": lambda: tau2_dl(yi, vi), "REML": lambda: tau2_reml(yi, vi)}[method]()
    w = 1 / (vi + tau2)
    est, se = float(np.sum(w * yi) / w.sum()), float(1 / np.sqrt(w.sum()))
    i2 = None if method == "FE" or len(yi) < 2 else i2_random(vi, tau2)
    return _finish(method, yi, vi, est, se, tau2, conf_level, i2=i2)


def pool_dl_from_q(yi, vi, centre: float, conf_level: float = 0.95) -> Pooled:
    """DerSimonian-Laird with Q taken around ``centre`` (RevMan 5's M-H random effects: Q around the MH
    estimate), tau2 = max(0, (Q - df) / (sum w - sum w^2 / sum w)), w = 1/v; I2 = (Q - df) / Q."""
    yi, vi = np.asarray(yi, dtype=float), np.asarray(vi, dtype=float)
    w = 1 / vi
    q, df, _ = cochran_q(yi, vi, centre)
    tau2 = max(0.0, (q - df) / (w.sum() - np.sum(w**2) / w.sum()))
    ws = 1 / (vi + tau2)
    est, se = float(np.sum(ws * yi) / ws.sum()), float(1 / np.sqrt(ws.sum()))
    return _finish("DL", yi, vi, est, se, tau2, conf_level, centre=centre, i2=i2_from_q(q, df))


def pool_mh(yi, vi, mh_estimate: float, mh_se: float, mh_weights, conf_level: float = 0.95) -> Pooled:
    """A Mantel-Haenszel fixed-effect result with Q around the MH estimate (R: ``rma.mh``; RevMan 5)."""
    yi, vi = np.asarray(yi, dtype=float), np.asarray(vi, dtype=float)
    res = _finish("MH", yi, vi, mh_estimate, mh_se, 0.0, conf_level, centre=mh_estimate)
    w = np.asarray(mh_weights, dtype=float)
    return Pooled(**{**res.__dict__, "weights": 100 * w / w.sum()})


def subgroup_test(pooled: list[Pooled]) -> tuple[float, int, float]:
    """Test for subgroup differences: Q between subgroups, df = groups - 1, chi-squared p.

    R: ``rma(est, sei = se, method = "FE")$QE`` on the subgroup estimates (RevMan 5's 'Test for
    subgroup differences').
    """
    est = np.array([p.estimate for p in pooled])
    var = np.array([p.se for p in pooled]) ** 2
    return cochran_q(est, var)


def egger_test(yi, vi) -> tuple[float, int, float]:
    """Egger's regression test: weighted least squares of y on its SE with weights 1/v; t of the slope.

    R: ``regtest(rma(yi, vi, method = "FE"), model = "lm", predictor = "sei")`` (t, df = k - 2, p).
    """
    yi, vi = np.asarray(yi, dtype=float), np.asarray(vi, dtype=float)
    sw = 1 / np.sqrt(vi)
    x = np.column_stack([np.ones_like(yi), np.sqrt(vi)]) * sw[:, None]
    y = yi * sw
    beta, *_ = np.linalg.lstsq(x, y, rcond=None)
    resid = y - x @ beta
    df = len(yi) - 2
    sigma2 = resid @ resid / df
    cov = sigma2 * np.linalg.inv(x.T @ x)
    t = float(beta[1] / np.sqrt(cov[1, 1]))
    return t, df, float(2 * stats.t.sf(abs(t), df))


def choose_model(q_p: float, i2: float) -> tuple[str, str]:
    """RevMan users' model choice: ("fixed" | "random", the reason in (English) words).

    Fixed effect when the heterogeneity p >= 0.10 and I2 <= 50%, random effects otherwise. The words are
    ``meta.reason_*`` of pipeline/text/en.py, so that the report can give the reason in its own language.
    """
    if not np.isfinite(q_p):
        return "fixed", i18n.t("meta.reason_single")
    if q_p >= RULE_Q_P and i2 <= RULE_I2:
        why = [i18n.t("meta.reason_het", cond=f"P = {q_p:.3g} >= 0.10"), f"I\u00b2 = {i2:.1f}% <= 50%"]
        return "fixed", i18n.t("meta.reason_and").join(why)
    why = []
    if q_p < RULE_Q_P:
        why.append(i18n.t("meta.reason_het", cond=f"P = {q_p:.3g} < 0.10"))
    if i2 > RULE_I2:
        why.append(f"I\u00b2 = {i2:.1f}% > 50%")
    return "random", i18n.t("meta.reason_and").join(why)
