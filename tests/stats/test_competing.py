"""Competing risks and RMST against R: cmprsk 2.2's cuminc/timepoints/crr and survival's rmean.

Reference values: tests/reference/r_reference_models.json (block ``mgus2``), made by
tests/reference/make_reference_models.R on tests/reference/mgus2.csv: progression to a plasma-cell
malignancy (1) vs death without progression (2), as survival's "compete" vignette.
Tolerance: 1e-6 relative for estimates, variances, SEs and statistics; p 1e-6 absolute.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy.stats import norm

from pipeline.stats import NotComparableError, kaplan_meier
from pipeline.stats.cuminc import cuminc_at, cumulative_incidence
from pipeline.stats.finegray import fine_gray
from pipeline.stats.gray import gray_test
from pipeline.stats.rmst import default_tau, rmst, rmst_difference
from tests.reference import load_csv, load_json

REF = load_json("r_reference_models.json")["mgus2"]
D = load_csv("mgus2.csv")
ETIME = np.where(D["pstat"] == 1, D["ptime"], D["futime"])
EVENT = np.where(D["pstat"] == 1, 1, 2 * D["death"])
REL = 1e-6
MAX_DIFF: dict[str, float] = {}


def _close(name: str, got, want, rel: float = REL) -> None:
    got, want = np.asarray(got, dtype=float), np.asarray(want, dtype=float)
    MAX_DIFF[name] = float(np.max(np.abs(got - want) / np.abs(want)))
    np.testing.assert_allclose(got, want, rtol=rel, atol=0)


@pytest.mark.parametrize("curve", [c["curve"] for c in REF["cuminc"]["curves"]])
def test_cuminc_estimate_and_variance(curve):
    """R: ``timepoints(cuminc(etime, event, group = sex, cencode = 0), c(60, 120, 240))``."""
    ref = next(c for c in REF["cuminc"]["curves"] if c["curve"] == curve)
    sex, cause = curve.split()
    m = (D["sex"] == sex).to_numpy()
    at = cuminc_at(cumulative_incidence(ETIME[m], EVENT[m], int(cause)), REF["cuminc"]["times"])
    _close(f"cuminc est {curve}", at["estimate"], ref["est"])
    _close(f"cuminc var {curve}", at["variance"], ref["var"])


def test_cuminc_equals_aalen_johansen():
    """R: ``summary(survfit(Surv(etime, factor(event, 0:2)) ~ sex), times = c(60, 120, 240))$pstate``."""
    aj = REF["aalen_johansen"]
    for cause, key in ((1, "pcm"), (2, "death")):
        got = []
        for sex in ("F", "M"):
            m = (D["sex"] == sex).to_numpy()
            got += list(cuminc_at(cumulative_incidence(ETIME[m], EVENT[m], cause), aj["times"])["estimate"])
        _close(f"aalen-johansen {key}", got, aj[key])


@pytest.mark.parametrize("cause", [1, 2])
def test_gray_test(cause):
    """R: ``cuminc(etime, event, group = sex, cencode = 0)$Tests``."""
    ref = next(g for g in REF["cuminc"]["gray_test"] if g["cause"] == str(cause))
    res = gray_test(ETIME, EVENT, D["sex"], cause)
    _close(f"gray stat {cause}", res.stat, ref["stat"])
    assert res.p == pytest.approx(ref["p"], abs=1e-6, rel=1e-6)
    assert res.df == ref["df"] == 1
    assert res.groups == ("F", "M")


def test_gray_test_three_groups_is_invariant_to_the_dropped_group():
    """Gray's statistic uses the scores of the first k - 1 groups; relabelling must not change it."""
    g = pd.cut(D["age"], [-np.inf, 60, 75, np.inf], labels=["a", "b", "c"]).astype(str)
    res = gray_test(ETIME, EVENT, g, 1)
    relabelled = gray_test(ETIME, EVENT, g.map({"a": "z", "b": "b", "c": "c"}), 1)
    assert res.df == 2
    assert res.stat == pytest.approx(relabelled.stat, rel=1e-9)


def test_gray_test_needs_two_groups():
    with pytest.raises(NotComparableError):
        gray_test(ETIME, EVENT, np.full(len(D), "x"), 1)


def test_fine_gray_progression():
    """R: ``summary(crr(etime, event, cov1 = cbind(sexM, age), failcode = 1, cencode = 0))``."""
    x = pd.DataFrame({"sexM": (D["sex"] == "M").astype(float), "age": D["age"].astype(float)})
    res = fine_gray(ETIME, EVENT, x)
    assert res.converged and res.n == len(D)
    for term, ref in zip(res.terms, REF["fine_gray_pcm"], strict=True):
        assert term.term == ref["term"]
        for mine, theirs in (("coef", "coef"), ("se", "se"), ("hr", "hr"), ("hr_ci_low", "lower"),
                             ("hr_ci_high", "upper")):
            _close(f"fine-gray {ref['term']} {mine}", getattr(term, mine), ref[theirs])
        # summary.crr prints p rounded to 2 significant digits
        assert float(f"{term.p:.2g}") == pytest.approx(ref["p"], rel=1e-12)
        assert term.p == pytest.approx(2 * norm.sf(abs(ref["coef"] / ref["se"])),
                                       rel=1e-6)


def test_rmst_per_group_and_difference():
    """R: ``summary(survfit(Surv(futime, death) ~ sex), rmean = 120)$table`` and a normal difference."""
    ref = REF["rmst"]
    res = {}
    for g in ref["groups"]:
        sex = g["group"].split("=")[1]
        m = D["sex"] == sex
        res[sex] = rmst(kaplan_meier(D.loc[m, "futime"], D.loc[m, "death"]), ref["tau"])
        _close(f"rmst {sex}", res[sex].rmst, g["rmst"])
        _close(f"rmst se {sex}", res[sex].se, g["se"])
    dif = rmst_difference(res["M"], res["F"])
    want = ref["difference_M_minus_F"]
    for mine, theirs in (("estimate", "estimate"), ("se", "se"), ("ci_low", "lower"), ("ci_high", "upper")):
        _close(f"rmst difference {mine}", getattr(dif, mine), want[theirs])
    assert dif.p == pytest.approx(want["p"], abs=1e-6, rel=1e-6)


def test_rmst_by_hand():
    """Times 2 (event), 4 (censored), 6 (event), 8 (censored); tau = 7.

    S = 1 on [0, 2), 3/4 on [2, 6), 3/4 * 1/2 = 3/8 on [6, 7]: area = 2 + 4 * 0.75 + 1 * 0.375 = 5.375.
    Var: at t = 2 (n 4, d 1) the area after is 5.375 - 2 = 3.375, hh = 1 / (4 * 3); at t = 6 (n 2, d 1)
    it is 0.375, hh = 1 / (2 * 1): 3.375^2 / 12 + 0.375^2 / 2.
    """
    fit = kaplan_meier([2, 4, 6, 8], [1, 0, 1, 0])
    r = rmst(fit, 7)
    assert r.rmst == pytest.approx(5.375, rel=1e-12)
    assert r.se == pytest.approx(np.sqrt(3.375 ** 2 / 12 + 0.375 ** 2 / 2), rel=1e-12)
    # tau before the first time: the whole rectangle, no variance
    assert rmst(fit, 1.5).rmst == pytest.approx(1.5) and rmst(fit, 1.5).se == 0


def test_default_tau_is_the_smallest_group_maximum():
    assert default_tau([120.0, 96.5, 130.0]) == 96.5


def test_cuminc_by_hand():
    """Five patients: 1 (cause 1), 2 (cause 2), 3 (censored), 4 (cause 1), 5 (censored).

    All-cause KM before t=1: 1; F1(1) = 1/5. KM after 1: 4/5, after 2: 3/5; at 4 (n 2): F1 = 1/5 + 3/5 * 1/2.
    The curve is NaN beyond the last follow-up time (5), as cmprsk's timepoints.
    """
    c = cumulative_incidence([1, 2, 3, 4, 5], [1, 2, 0, 1, 0], 1)
    at = cuminc_at(c, [0.5, 1, 3.9, 4, 5, 6])
    np.testing.assert_allclose(at["estimate"][:5], [0, 0.2, 0.2, 0.5, 0.5])
    assert np.isnan(at["estimate"][5])
    assert (c.n, c.events, c.competing) == (5, 2, 1)


def test_cuminc_log_log_interval():
    """CI = F^exp(+-z se / (F log F)): check one point by hand."""
    c = cumulative_incidence(ETIME, EVENT, 1)
    at = cuminc_at(c, [120], conf_level=0.9).iloc[0]
    z = 1.6448536269514722
    w = z * np.sqrt(at["variance"]) / (at["estimate"] * np.log(at["estimate"]))
    assert at["lower"] == pytest.approx(at["estimate"] ** np.exp(-w), rel=1e-12)
    assert at["upper"] == pytest.approx(at["estimate"] ** np.exp(w), rel=1e-12)
    assert at["lower"] < at["estimate"] < at["upper"]


def test_fine_gray_refuses_a_constant_covariate():
    with pytest.raises(NotComparableError):
        fine_gray(ETIME, EVENT, pd.DataFrame({"one": np.ones(len(D))}))


def test_zz_report_max_differences(capsys):
    """Print the largest relative difference from R measured above (for the record)."""
    if MAX_DIFF:
        with capsys.disabled():
            worst = max(MAX_DIFF.items(), key=lambda kv: kv[1])
            print(f"\nmax relative difference from R over {len(MAX_DIFF)} checks: {worst[1]:.2e} ({worst[0]})")
