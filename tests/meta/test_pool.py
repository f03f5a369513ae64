"""Meta-analysis pooling against metafor 3.8.1 (tests/reference/r_reference_models.json, computed by
tests/reference/make_reference_models.R) and hand-worked RevMan 5 rules."""

from __future__ import annotations

import math

import numpy as np
import pytest

from pipeline.meta import effects as E
from pipeline.meta import generic as G
from pipeline.meta import pool as P
from pipeline.meta import proportions as PR
from tests.reference import load_csv, load_json

REF = load_json("r_reference_models.json")
BCG = load_csv("bcg.csv")
ARMS = (BCG.tpos, BCG.tpos + BCG.tneg, BCG.cpos, BCG.cpos + BCG.cneg)


def close(got: float, want: float, rel: float = 1e-6) -> bool:
    return abs(got - want) <= rel * abs(want)


def p_close(got: float, want: float) -> bool:
    """P values: 1e-6 absolute or relative."""
    return abs(got - want) <= 1e-6 or close(got, want)


def check_pooled(res: P.Pooled, ref: dict, back=np.exp) -> None:
    """Every number of a metafor ``pool()`` block (make_reference_models.R)."""
    got = {"estimate": back(res.estimate), "lower": back(res.ci_low), "upper": back(res.ci_high),
           "log_estimate": res.estimate, "se": res.se, "z": res.z, "Q": res.Q, "I2": res.I2}
    for key, val in got.items():
        if key in ref:
            assert close(val, ref[key]), (key, val, ref[key])
    for key, val in (("p", res.p), ("Q_p", res.Q_p)):
        if key in ref:
            assert p_close(val, ref[key]), (key, val, ref[key])
    if ref.get("tau2") is not None:
        assert abs(res.tau2 - ref["tau2"]) <= 1e-6 * max(abs(ref["tau2"]), 1e-300) or ref["tau2"] == res.tau2
    if "Q_df" in ref:
        assert res.Q_df == ref["Q_df"]


@pytest.mark.parametrize("measure", ["RR", "OR"])
def test_mantel_haenszel_equals_rma_mh(measure):
    """R: ``rma.mh(measure = "RR" | "OR", ai = tpos, bi = tneg, ci = cpos, di = cneg, data = dat.bcg)``."""
    eff = E.binary_effects(*ARMS, measure)
    est, se = E.mantel_haenszel(eff)
    res = P.pool_mh(eff.yi, eff.vi, est, se, E.mh_weights(eff))
    check_pooled(res, REF["meta_bcg"][f"{measure.lower()}_mh_fixed"])
    assert res.tau2 == 0 and np.isclose(res.weights.sum(), 100)


@pytest.mark.parametrize(("method", "key"), [("FE", "rr_iv_fixed"), ("DL", "rr_dl_random"),
                                              ("REML", "rr_reml_random")])
def test_inverse_variance_equals_rma(method, key):
    """R: ``rma(measure = "RR", ai = tpos, bi = tneg, ci = cpos, di = cneg, data = dat.bcg, method = ...)``."""
    eff = E.binary_effects(*ARMS, "RR")
    check_pooled(P.pool_iv(eff.yi, eff.vi, method), REF["meta_bcg"][key])


def test_prediction_interval_equals_predict_rma():
    """R: ``predict(rma(measure = "RR", ..., method = "DL"))$pi.lb / pi.ub`` (z-based), exponentiated."""
    eff = E.binary_effects(*ARMS, "RR")
    res = P.pool_iv(eff.yi, eff.vi, "DL")
    ref = REF["meta_bcg"]["rr_dl_prediction_interval"]
    assert close(math.exp(res.pi_low), ref["lower"]) and close(math.exp(res.pi_high), ref["upper"])
    fe = P.pool_iv(eff.yi, eff.vi, "FE")
    assert math.isnan(fe.pi_low) and math.isnan(fe.pi_high)


def test_egger_equals_regtest_lm_sei():
    """R: ``regtest(rma(measure = "RR", ..., method = "FE"), model = "lm", predictor = "sei")``."""
    eff = E.binary_effects(*ARMS, "RR")
    t, df, p = P.egger_test(eff.yi, eff.vi)
    ref = REF["meta_bcg"]["egger_lm"]
    assert close(t, ref["t"]) and df == ref["df"] and p_close(p, ref["p"])


def test_per_study_rr_and_ci_equal_escalc():
    """R: ``escalc(measure = "RR", ...)``; exp(yi +- qnorm(0.975) sqrt(vi)) per trial."""
    eff = E.binary_effects(*ARMS, "RR")
    crit = P.z_crit(0.95)
    for i, row in enumerate(REF["meta_bcg"]["rr_studies"]):
        assert BCG.trial[i] == row["trial"]
        se = math.sqrt(eff.vi[i])
        assert close(math.exp(eff.yi[i]), row["rr"])
        assert close(math.exp(eff.yi[i] - crit * se), row["lower"])
        assert close(math.exp(eff.yi[i] + crit * se), row["upper"])


def test_subgroups_and_test_for_differences():
    """R: per ``alloc``, ``rma(yi, vi, method = "FE")``; between: ``rma(est, sei = se, method = "FE")$QE``."""
    eff = E.binary_effects(*ARMS, "RR")
    ref = REF["meta_bcg"]["rr_iv_fixed_subgroups"]
    pooled = []
    for sub in ref["subgroups"]:
        ix = (BCG.alloc == sub["subgroup"]).to_numpy()
        res = P.pool_iv(eff.yi[ix], eff.vi[ix], "FE")
        assert res.k == sub["k"]
        check_pooled(res, sub)
        pooled.append(res)
    q, df, p = P.subgroup_test(pooled)
    assert close(q, ref["between"]["Q"]) and df == ref["between"]["df"] and p_close(p, ref["between"]["p"])


@pytest.mark.parametrize(("method", "key"), [("FE", "fixed"), ("DL", "dl_random")])
def test_generic_inverse_variance_equals_rma(method, key):
    """R: ``yi = log(ratio); sei = (log(upper) - log(lower)) / (2 * qnorm(0.975)); rma(yi, sei = sei, method)``
    on dat.hackshaw1998's printed, rounded CIs."""
    h = load_csv("hackshaw_hr.csv")
    y, se = G.log_ratio_se(h.ratio, h.lower, h.upper)
    check_pooled(P.pool_iv(y, se**2, method), REF["meta_generic_iv"][key])


def test_proportion_logit_dl_equals_rma_plo():
    """R: ``transf.ilogit`` of ``rma(measure = "PLO", xi, ni, data = dat.pritz1997, method = "DL")``."""
    d = load_csv("pritz_prop.csv")
    y, v = PR.logit_effects(d.xi, d.ni)
    check_pooled(P.pool_iv(y, v, "DL"), REF["meta_proportion"]["logit_dl"], back=PR.inv_logit)


def test_proportion_freeman_tukey_dl_equals_rma_pft():
    """R: ``transf.ipft.hm(x, targs = list(ni = ni))`` of ``rma(measure = "PFT", xi, ni, method = "DL")``."""
    d = load_csv("pritz_prop.csv")
    ref = REF["meta_proportion"]["freeman_tukey_dl"]
    hm = PR.harmonic_mean(d.ni)
    assert close(hm, ref["harmonic_mean_n"])
    y, v = PR.ft_effects(d.xi, d.ni)
    check_pooled(P.pool_iv(y, v, "DL"), ref, back=lambda t: float(PR.inv_ft(t, hm)))


def test_inverse_freeman_tukey_round_trips_and_clips():
    """With n = the study size, the back-transform returns x/n; beyond the transforms of 0 and 1 it clips."""
    y, _ = PR.ft_effects(np.array([3.0, 7.0]), np.array([10.0, 10.0]))
    np.testing.assert_allclose(PR.inv_ft(y, 10.0), [0.3, 0.7], rtol=1e-12)
    assert PR.inv_ft(10.0 * 0 + 1.6, 10.0) == 1.0 and PR.inv_ft(-0.1, 10.0) == 0.0


# ---------------------------------------------------------------- hand-worked RevMan 5 rules


def test_zero_cell_adds_half_to_all_four_cells_and_double_zero_is_excluded():
    """Study 1: 0/10 vs 3/10 -> cells 0.5, 10.5, 3.5, 7.5; RR = (0.5/11)/(3.5/11) = 1/7,
    var = 1/0.5 - 1/11 + 1/3.5 - 1/11 = 2.1038961. Study 2: 0/8 vs 0/9 -> excluded from RR and OR.
    Study 3: 2/10 vs 4/10 has no zero cell and is untouched."""
    e1, n1, e2, n2 = [0, 0, 2], [10, 8, 10], [3, 0, 4], [10, 9, 10]
    rr = E.binary_effects(e1, n1, e2, n2, "RR")
    assert rr.corrected.tolist() == [True, False, False]
    assert rr.excluded.tolist() == [False, True, False]
    assert (rr.a[0], rr.b[0], rr.c[0], rr.d[0]) == (0.5, 10.5, 3.5, 7.5)
    assert math.isclose(math.exp(rr.yi[0]), 1 / 7, rel_tol=1e-12)
    assert math.isclose(rr.vi[0], 2.1038961038961, rel_tol=1e-12)
    assert math.isnan(rr.yi[1]) and math.isclose(math.exp(rr.yi[2]), 0.5, rel_tol=1e-12)
    odds = E.binary_effects(e1, n1, e2, n2, "OR")  # OR = (0.5 x 7.5) / (10.5 x 3.5) = 0.1020408
    assert math.isclose(math.exp(odds.yi[0]), 3.75 / 36.75, rel_tol=1e-12) and odds.excluded[1]
    rd = E.binary_effects(e1, n1, e2, n2, "RD")  # a risk difference of 0 - 0 is defined: kept
    assert not rd.excluded.any() and rd.corrected[1]
    assert E.mh_weights(rr)[1] == 0


def test_mantel_haenszel_rd_by_hand():
    """2/10 vs 1/10 and 3/20 vs 6/20: weights n1 n2 / N = 5 and 10, RD = (5 x 0.1 - 10 x 0.15)/15 = -1/15;
    var = [(2*8*1000 + 1*9*1000)/(10*10*400) + (3*17*8000 + 6*14*8000)/(20*20*1600)] / 15^2
        = (0.625 + 1.6875) / 225 = 0.010277778 (Greenland-Robins, RevMan 5)."""
    eff = E.binary_effects([2, 3], [10, 20], [1, 6], [10, 20], "RD")
    est, se = E.mantel_haenszel(eff)
    assert math.isclose(est, -1 / 15, rel_tol=1e-12)
    assert math.isclose(se**2, 2.3125 / 225, rel_tol=1e-12)
    np.testing.assert_allclose(E.mh_weights(eff), [5.0, 10.0])


def test_ci_to_se_conversion_by_hand():
    """Isatuximab PFS HR 0.61 (0.50-0.73): SE = (ln 0.73 - ln 0.50) / (2 x 1.959964)
    = (-0.3147107 + 0.6931472) / 3.919928 = 0.0965416; a 90% CI uses 2 x 1.644854."""
    y, se = G.log_ratio_se([0.61], [0.50], [0.73])
    assert math.isclose(y[0], -0.4942963, rel_tol=1e-6)
    assert math.isclose(se[0], 0.37843644 / 3.919928, rel_tol=1e-6)
    assert math.isclose(se[0], 0.0965416, rel_tol=1e-5)
    _, se90 = G.log_ratio_se([0.61], [0.50], [0.73], ci_level=0.90)
    assert math.isclose(se90[0], 0.37843644 / (2 * 1.6448536), rel_tol=1e-6)


@pytest.mark.parametrize(("q_p", "i2", "model"), [
    (0.10, 50.0, "fixed"),   # both boundaries belong to fixed effect
    (0.50, 0.0, "fixed"),
    (0.0999, 10.0, "random"),  # p below 0.10
    (0.50, 50.1, "random"),  # I2 above 50%
    (0.02, 71.0, "random"),  # the isatuximab ORR meta-analysis: I2 = 71% -> random effects
])
def test_revman_model_choice_rule(q_p, i2, model):
    chosen, reason = P.choose_model(q_p, i2)
    assert chosen == model
    if model == "fixed":
        assert "0.10" in reason and "<= 50%" in reason
    else:  # the reason names the criterion that failed
        assert ("< 0.10" in reason) == (q_p < 0.10) and ("> 50%" in reason) == (i2 > 50)
    assert P.choose_model(0.50, 50.1)[1] == "I\u00b2 = 50.1% > 50%"


def test_single_study_and_reml_guards():
    chosen, _ = P.choose_model(float("nan"), 0.0)
    assert chosen == "fixed"
    with pytest.raises(ValueError, match="method"):
        P.pool_iv([0.1, 0.2], [0.1, 0.1], "PM")
