"""Multivariable Cox, cox.zph, stratified log-rank and concordance against R survival (mgus2).

Reference values: tests/reference/r_reference_models.json (block ``mgus2``), made by
tests/reference/make_reference_models.R on tests/reference/mgus2.csv. Tolerances: MODELS.md
(estimates, SEs, CIs, statistics 1e-6 relative; p 1e-6 absolute or relative, whichever is looser).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from pipeline.stats.concordance import concordance
from pipeline.stats.coxreg import ModelError, cox_fit
from pipeline.stats.stratified import logrank_stratified
from pipeline.stats.zph import cox_zph
from tests.reference import load_csv, load_json

REF = load_json("r_reference_models.json")["mgus2"]
D = load_csv("mgus2.csv")
CC = D.dropna(subset=["age", "sex", "hgb", "creat", "mspike"])
NAMES = ["age", "sexM", "hgb", "creat", "mspike"]
GROUPS = [("age", [0]), ("sex", [1]), ("hgb", [2]), ("creat", [3]), ("mspike", [4])]
REL = 1e-6


def _x(df: pd.DataFrame) -> np.ndarray:
    return np.column_stack([df.age, (df.sex == "M").astype(float), df.hgb, df.creat, df.mspike])


def _p_close(ours: float, r: float) -> bool:
    return abs(ours - r) <= max(1e-6, 1e-6 * abs(r))


def _check_block(model, ref) -> None:
    assert (model.n, model.events) == (ref["n"], ref["nevent"])
    for term, rt in zip(model.terms, ref["terms"], strict=True):
        assert term.term == rt["term"]
        for ours, key in ((term.coef, "coef"), (term.se, "se"), (term.hr, "hr"),
                          (term.hr_lower, "lower"), (term.hr_upper, "upper")):
            assert ours == pytest.approx(rt[key], rel=REL), (term.term, key)
        assert _p_close(term.p, rt["p"])
        assert term.p == pytest.approx(rt["p"], rel=1e-6)
    assert model.loglik == pytest.approx(tuple(ref["loglik"]), rel=1e-10)
    for ours, key in ((model.lr_test, "lr_test"), (model.score_test, "score_test")):
        assert ours.chisq == pytest.approx(ref[key]["chisq"], rel=REL)
        assert ours.df == ref[key]["df"]
        assert _p_close(ours.p, ref[key]["p"])
    # summary.coxph prints the Wald statistic rounded to 2 decimals; its p is from the unrounded one
    assert round(model.wald_test.chisq, 2) == pytest.approx(ref["wald_test"]["chisq"], abs=1e-9)
    assert _p_close(model.wald_test.p, ref["wald_test"]["p"])
    assert model.wald_test.p == pytest.approx(ref["wald_test"]["p"], rel=1e-6)
    assert model.concordance == pytest.approx(ref["concordance"], rel=REL)


@pytest.mark.parametrize("ties", ["efron", "breslow"])
def test_multivariable(ties):
    """R: ``summary(coxph(Surv(futime, death) ~ age + sex + hgb + creat + mspike, data = cc,
    ties = ties))`` with sex releveled to F (term sexM), cc = complete cases (1338 rows)."""
    model = cox_fit(CC.futime, CC.death, _x(CC), NAMES, groups=GROUPS, ties=ties)
    _check_block(model, REF[f"cox_multi_{ties}"])
    assert not model.epv_warning and model.epv == pytest.approx(938 / 5)


@pytest.mark.parametrize("i", range(5))
def test_univariable_screen(i):
    """R: ``coxph(Surv(futime, death) ~ v, data = d)`` on the rows where v is present."""
    ref = REF["cox_univariable"][i]
    v = ref["covariate"]
    dd = D.dropna(subset=[v])
    x = (dd.sex == "M").astype(float) if v == "sex" else dd[v]
    model = cox_fit(dd.futime, dd.death, np.asarray(x, dtype=float)[:, None], [ref["terms"][0]["term"]])
    _check_block(model, ref)


def test_three_level_factor():
    """R: ``coxph(Surv(futime, death) ~ hgb_group)``, hgb_group = cut(hgb, c(-Inf, 10, 12, Inf),
    right = FALSE), treatment contrasts against "<10"."""
    h = D.dropna(subset=["hgb"])
    x = np.column_stack([(h.hgb >= 10) & (h.hgb < 12), h.hgb >= 12]).astype(float)
    model = cox_fit(h.futime, h.death, x, ["hgb_group10-12", "hgb_group>=12"], groups=[("hgb_group", [0, 1])])
    _check_block(model, REF["cox_hgb_group"])


def test_stratified_cox_and_logrank():
    """R: ``coxph(Surv(futime, death) ~ sex + strata(age_group))`` and ``survdiff(Surv(futime,
    death) ~ sex + strata(age_group))``, age_group = age >= 70."""
    ag = np.where(D.age >= 70, ">=70", "<70")
    model = cox_fit(D.futime, D.death, (D.sex == "M").astype(float).to_numpy()[:, None], ["sexM"],
                    groups=[("sex", [0])], strata=ag)
    _check_block(model, REF["cox_sex_strata_agegroup"])
    assert model.stratified
    lr = logrank_stratified(D.futime, D.death, D.sex, ag)
    ref = REF["logrank_sex_strata_agegroup"]
    assert lr.chisq == pytest.approx(ref["chisq"], rel=REL)
    assert lr.df == ref["df"] and _p_close(lr.p, ref["p"])


def test_cox_zph_km():
    """R: ``cox.zph(coxph(Surv(futime, death) ~ age + sex + hgb + creat + mspike, data = cc),
    transform = "km", terms = TRUE)`` (survival >= 3.0)."""
    z = cox_zph(cox_fit(CC.futime, CC.death, _x(CC), NAMES, groups=GROUPS))
    rows = [*z.terms, ("GLOBAL", z.global_test)]
    for (name, test), ref in zip(rows, REF["cox_zph_km"]["terms"], strict=True):
        assert name == ref["term"]
        assert test.chisq == pytest.approx(ref["chisq"], rel=REL)
        assert test.df == ref["df"] and _p_close(test.p, ref["p"])


def test_zph_residuals_centre_on_the_coefficient():
    """The Schoenfeld residuals sum to the score, 0 at the MLE, so the scaled residuals average the
    coefficient (R's plot.cox.zph draws them around beta)."""
    model = cox_fit(CC.futime, CC.death, _x(CC), NAMES, groups=GROUPS)
    z = cox_zph(model)
    for k, (name, _) in enumerate(GROUPS):
        assert np.mean(z.residuals[name]) == pytest.approx(model.coef[k], abs=1e-6)
    assert z.km_time.size == model.events and np.all(np.diff(z.event_times) >= 0)


def test_concordance_by_hand():
    """Five patients, all pairs counted by hand: events at 1 (score 3), 2 (score 1), tie at 4
    (event, score 2) and 4 (censored, score 2), 5 (censored, score 0).
    From t=1: partners 2,4,4c,5 -> scores 1,2,2,0 all < 3: 4 concordant.
    From t=2: partners 4,4c,5 -> 2 (disc), 2 (disc), 0 (conc). From t=4 (event): partner 4c
    (censored at the same time, still at risk) tied score; 5 conc. C = (4+2+0.5)/(4+3+2) = 6.5/9."""
    res = concordance([1, 2, 4, 4, 5], [1, 1, 1, 0, 0], [3, 1, 2, 2, 0])
    assert (res["concordant"], res["discordant"], res["tied_x"]) == (6, 2, 1)
    assert res["concordance"] == pytest.approx(6.5 / 9)


def test_refuses_a_level_without_events():
    """A binary covariate whose '1' level has no events: infinite HR in R (with a warning); refused."""
    t = np.arange(1, 21, dtype=float)
    e = np.r_[np.ones(10), np.zeros(10)]
    x = np.r_[np.zeros(10), np.ones(10)]
    with pytest.raises(ModelError, match="'emd_any'.*no events"):
        cox_fit(t, e, x[:, None], ["emd_anyyes"], groups=[("emd_any", [0])])


def test_refuses_monotone_continuous():
    """Every event has the largest x of its risk set: the likelihood rises forever; refused, naming it."""
    t = np.arange(1, 31, dtype=float)
    e = np.tile([1, 0], 15).astype(float)
    x = -t  # the earliest times have the largest x: perfect separation
    with pytest.raises(ModelError, match="'age'"):
        cox_fit(t, e, x[:, None], ["age"])


def test_refuses_too_many_parameters():
    t = np.arange(1, 11, dtype=float)
    e = np.r_[1, 1, 0, 0, 0, 0, 0, 0, 0, 0].astype(float)
    x = np.random.default_rng(0).normal(size=(10, 2))
    with pytest.raises(ModelError, match="2 parameters.*2 events"):
        cox_fit(t, e, x, ["a", "b"])


def test_refuses_collinear_and_constant():
    rng = np.random.default_rng(1)
    t = rng.exponential(size=50)
    e = np.ones(50)
    a = rng.normal(size=50)
    with pytest.raises(ModelError, match="'b'.*collinear"):
        cox_fit(t, e, np.column_stack([a, 2 * a]), ["a", "b"])
    with pytest.raises(ModelError, match="single value"):
        cox_fit(t, e, np.column_stack([a, np.ones(50)]), ["a", "c"])


def test_epv_warning_and_conf_level():
    """12 events, 2 parameters: EPV 6 < 10 flagged. A 90% CI is exp(coef +- 1.644854 se)."""
    rng = np.random.default_rng(3)
    t = rng.exponential(size=40)
    e = np.r_[np.ones(12), np.zeros(28)]
    x = rng.normal(size=(40, 2))
    model = cox_fit(t, e, x, ["a", "b"], conf_level=0.90)
    assert model.epv_warning and model.epv == 6
    term = model.terms[0]
    assert term.hr_upper == pytest.approx(np.exp(term.coef + 1.6448536269514722 * term.se), rel=1e-12)


def test_concordance_equals_pair_enumeration_with_strata_and_ties():
    """Random small data with tied times, tied scores and strata: the vectorised counts equal a
    loop over every pair (the definition in the concordance docstring)."""
    rng = np.random.default_rng(5)
    for _ in range(30):
        n = int(rng.integers(5, 40))
        t, e = rng.integers(1, 8, n), rng.integers(0, 2, n)
        s, st = rng.integers(0, 4, n), rng.integers(0, 3, n)
        conc = disc = tie = 0
        for i in np.flatnonzero(e):
            for j in range(n):
                if j != i and st[j] == st[i] and (t[j] > t[i] or (t[j] == t[i] and e[j] == 0)):
                    conc += s[i] > s[j]
                    disc += s[i] < s[j]
                    tie += s[i] == s[j]
        res = concordance(t, e, s, st)
        assert (res["concordant"], res["discordant"], res["tied_x"]) == (conc, disc, tie)


def test_refuses_no_patients_and_no_events():
    with pytest.raises(ModelError, match="needs patients"):
        cox_fit(np.zeros(0), np.zeros(0), np.zeros((0, 1)), ["a"])
    with pytest.raises(ModelError, match="needs events"):
        cox_fit(np.arange(5.0), np.zeros(5), np.arange(5.0)[:, None], ["a"])


def test_refuses_a_model_without_columns():
    """A covariate with one level among the patients (all male; one patient) codes to no column: the
    model is refused by name, not a ZeroDivisionError in the iteration or in events per parameter."""
    t, e = np.arange(1.0, 6.0), np.ones(5)
    with pytest.raises(ModelError, match="'sex'.*single value"):
        cox_fit(t, e, np.zeros((5, 0)), [], groups=[("sex", [])])
    with pytest.raises(ModelError, match="'age'.*single value"):
        cox_fit(t[:1], e[:1], np.zeros((1, 0)), [], groups=[("age", [])])
    # beside another covariate too: the model is refused rather than silently fitted without it
    rng = np.random.default_rng(2)
    with pytest.raises(ModelError, match="'sex'.*single value"):
        cox_fit(rng.exponential(size=20), np.ones(20), rng.normal(size=(20, 1)), ["age"],
                groups=[("age", [0]), ("sex", [])])
