"""Adjusted analyses end to end (config -> coding -> Cox models, stratified log-rank, Table 1 by
group, subgroups) on survival's mgus2 as an adsl/adtte, against R (r_reference_models.json).

R calls: see tests/reference/make_reference_models.R (``cox_multi_efron``, ``cox_univariable``,
``cox_sex_strata_agegroup``, ``logrank_sex_strata_agegroup``, ``cox_hgb_group``, ``group_tests``).
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from pipeline.analysis.adjusted import adjusted_analyses, adjusted_json, adjusted_tables
from pipeline.config import config_from_dict
from pipeline.errors import ConfigError
from tests.reference import load_csv, load_json

REF = load_json("r_reference_models.json")["mgus2"]
D = load_csv("mgus2.csv")


def _data():
    adsl = D.rename(columns={"id": "patient_id"}).copy()
    adsl["patient_id"] = adsl["patient_id"].astype(str)
    adsl["age_group"] = np.where(adsl.age >= 70, ">=70", "<70")
    hg = pd.cut(adsl.hgb, [-np.inf, 10, 12, np.inf], labels=["<10", "10-12", ">=12"], right=False)
    adsl["hgb_group"] = hg.astype(object).where(hg.notna(), None)
    os_ = pd.DataFrame({"patient_id": adsl.patient_id, "PARAMCD": "OS", "AVAL": adsl.futime,
                        "CNSR": 1 - adsl.death})
    pfs = pd.DataFrame({"patient_id": adsl.patient_id, "PARAMCD": "PFS", "AVAL": adsl.ptime,
                        "CNSR": 1 - adsl.pstat})
    return adsl, pd.concat([os_, pfs], ignore_index=True)


def _config(analysis: dict):
    base = {"comparisons": [{"by": "sex"}, {"by": "age_group"}]}
    return config_from_dict({"study": "mgus2", "cutoff": "2020-01-01", "inputs": {"patients": "x.csv"},
                             "analysis": {**base, **analysis}})


COVS = [{"name": "age"}, {"name": "sex", "reference": "F"}, {"name": "hgb"}, {"name": "creat"},
        {"name": "mspike"}]


def _close(a, b, rel=1e-6):
    return a == pytest.approx(b, rel=rel)


def test_cox_models_equal_r():
    """Multivariable on complete cases (46 dropped) and the univariable screen equal coxph."""
    adsl, adtte = _data()
    adj = adjusted_analyses(adsl, adtte, _config({"models": {"endpoints": ["OS"], "covariates": COVS}}))
    models = adj["cox_models"]
    multi = next(m for m in models if m["kind"] == "multivariable")
    ref = REF["cox_multi_efron"]
    assert (multi["n"], multi["events"], multi["dropped_missing"]) == (1338, 938, 1384 - 1338)
    for t, r in zip(multi["terms"], ref["terms"], strict=True):
        assert t["term"] == r["term"]
        assert _close(t["hr"], r["hr"]) and _close(t["hr_ci_low"], r["lower"]) and _close(t["hr_ci_high"], r["upper"])
    assert _close(multi["lr_test"]["chisq"], ref["lr_test"]["chisq"])
    assert _close(multi["concordance"], ref["concordance"])
    zph = {t["term"]: t["chisq"] for t in multi["ph_test"]["terms"]} | {"GLOBAL": multi["ph_test"]["global"]["chisq"]}
    for r in REF["cox_zph_km"]["terms"]:
        assert _close(zph[r["term"]], r["chisq"])
    for u, r in zip([m for m in models if m["kind"] == "univariable"], REF["cox_univariable"], strict=True):
        assert u["covariate"] == r["covariate"] and u["n"] == r["n"]
        assert _close(u["terms"][0]["coef"], r["terms"][0]["coef"])
    # the flagged PH terms (p < 0.05: age, hgb, creat) get residual plots
    assert sorted(p.term for p in adj["zph_plots"]) == ["age", "creat", "hgb"]
    tables = adjusted_tables(adj)
    assert set(tables["ph_test"].loc[tables["ph_test"].flag, "term"]) == {"age", "hgb", "creat", "GLOBAL"}
    assert len(tables["cox_regression"]) == 5
    json.dumps(adjusted_json(adj), allow_nan=False)


def test_three_level_reference_and_strata():
    """hgb_group against '<10' (R's terms hgb_group10-12, hgb_group>=12), and sex stratified by age
    group: coxph(... ~ sex + strata(age_group)) and survdiff(... ~ sex + strata(age_group))."""
    adsl, adtte = _data()
    cfg = _config({"models": {"endpoints": ["OS"], "covariates": [{"name": "hgb_group", "reference": "<10"}]}})
    uni = adjusted_analyses(adsl, adtte, cfg)["cox_models"][0]
    for t, r in zip(uni["terms"], REF["cox_hgb_group"]["terms"], strict=True):
        assert t["term"] == r["term"] and _close(t["coef"], r["coef"]) and _close(t["se"], r["se"])
    cfg = _config({"models": {"endpoints": ["OS"], "covariates": [{"name": "sex", "reference": "F"}],
                              "strata": "age_group"}})
    adj = adjusted_analyses(adsl, adtte, cfg)
    m = adj["cox_models"][0]
    assert _close(m["terms"][0]["coef"], REF["cox_sex_strata_agegroup"]["terms"][0]["coef"])
    assert _close(m["concordance"], REF["cox_sex_strata_agegroup"]["concordance"])
    lr = next(r for r in adj["stratified_logrank"] if r["group_by"] == "sex")
    assert _close(lr["chisq"], REF["logrank_sex_strata_agegroup"]["chisq"])


def test_table1_by_group_tests():
    """Age by sex is not normal (Shapiro p 1e-16): Wilcoxon, R ``wilcox.test(age ~ sex, exact =
    FALSE)``; 1384 patients, no expected count < 5 for a sex x sex table: chi-squared."""
    adsl, adtte = _data()
    t = adjusted_analyses(adsl, adtte, _config({"table1_by": "sex"}))["table1_by"]
    age = t[t.variable == "age"].iloc[0]
    assert age["test"] == "wilcoxon" and _close(age["p"], REF["group_tests"]["wilcoxon_age"])
    assert list(t.columns[4:6]) == ["F", "M"]


def test_table1_by_counts_missing_values_per_group():
    """By age group, 7 patients: ISS blank for one <70 and one >=70 patient, age known for all. Categories
    are % of the group's patients (as Table 1), with a 'missing' row; no missing row where none is."""
    from pipeline.analysis.table1_by import table1_by

    adsl = pd.DataFrame({"patient_id": list("abcdefg"), "age": [50, 60, 65, 72, 75, 80, 85],
                         "age_group": ["<70"] * 3 + [">=70"] * 4,
                         "iss_stage": ["I", "II", None, "III", "III", None, "II"]})
    t = table1_by(adsl, _config({"table1_by": "age_group"}))
    iss = t[t.variable == "iss_stage"]
    assert iss["level"].tolist() == ["I", "II", "III", None] and iss["missing"].tolist() == [False] * 3 + [True]
    # <70: I 1/3, II 1/3, missing 1; >=70: II 1/4, III 2/4, missing 1 (of all 3 and 4 patients)
    assert iss["<70"].tolist() == ["1 (33.3%)", "1 (33.3%)", "0 (0.0%)", "1"]
    assert iss[">=70"].tolist() == ["0 (0.0%)", "1 (25.0%)", "2 (50.0%)", "1"]
    assert not t[t.variable == "age"]["missing"].any()
    assert iss["test"].iloc[0] == "fisher"  # on the 5 patients with a value (expected counts < 5)


def test_subgroups_interaction():
    """Sex HR within age groups: each equals a Cox model on that subset; the interaction p is the LR
    test of sex*age_group vs sex + age_group (1 df)."""
    adsl, adtte = _data()
    cfg = _config({"subgroups": {"comparison": "sex", "by": ["age_group"]},
                   "models": {"endpoints": ["OS"], "covariates": [{"name": "age"}]}})
    rec = adjusted_analyses(adsl, adtte, cfg)["subgroups"][0]
    assert rec["hr_vs"] == "M vs F" and [lv["level"] for lv in rec["levels"]] == ["<70", ">=70"]
    from pipeline.stats.coxreg import cox_fit

    old = adsl.age >= 70
    m = cox_fit(adsl.futime[old], adsl.death[old], (adsl.sex[old] == "M").astype(float).to_numpy()[:, None], ["s"])
    assert _close(rec["levels"][1]["hr"], m.terms[0].hr, rel=1e-12)
    # R: coxph within each age group, and anova(sex + age_group, sex * age_group)
    ref = REF["subgroup_sex_by_agegroup"]
    for got, want in zip(rec["levels"], ref["within"], strict=True):
        assert got["level"] == want["age_group"] and _close(got["p"], want["p"])
        for k, r in (("hr", "hr"), ("hr_ci_low", "lower"), ("hr_ci_high", "upper")):
            assert _close(got[k], want[r]), k
    assert rec["interaction_df"] == ref["interaction"]["df"] == 1
    assert _close(rec["interaction_p"], ref["interaction"]["p"])


def test_missing_column_is_a_config_error_listing_columns():
    adsl, adtte = _data()
    cfg = _config({"models": {"covariates": [{"name": "iss_stage"}, {"name": "age"}], "strata": "centre"}})
    with pytest.raises(ConfigError) as exc:
        adjusted_analyses(adsl, adtte, cfg)
    msg = str(exc.value)
    assert "analysis.models.covariates[0].name: 'iss_stage'" in msg and "analysis.models.strata: 'centre'" in msg
    assert "available columns:" in msg and "mspike" in msg


def test_bad_reference_and_coding_are_config_errors():
    adsl, adtte = _data()
    with pytest.raises(ConfigError, match=r"covariates\[0\].reference: 'X' is not a level of 'sex'"):
        adjusted_analyses(adsl, adtte, _config({"models": {"covariates": [{"name": "sex", "reference": "X"}]}}))
    with pytest.raises(ConfigError, match="at most one of per, reference, threshold"):
        _config({"models": {"covariates": [{"name": "age", "per": 10, "threshold": 70}]}})
    with pytest.raises(ConfigError, match="table1_by: 'cycles' is not a configured comparison"):
        _config({"table1_by": "cycles"})
    with pytest.raises(ConfigError, match="unknown key"):
        _config({"models": {"covariates": COVS, "tie": "efron"}})


def test_refused_model_is_reported_not_fitted():
    """A covariate level without events: the model is refused with the reason, no HR."""
    adsl, adtte = _data()
    adsl["flag"] = np.where(adsl.death == 0, "yes", "no")  # every 'yes' patient is censored
    cfg = _config({"models": {"endpoints": ["OS"], "covariates": [{"name": "flag"}, {"name": "age"}]}})
    models = adjusted_analyses(adsl, adtte, cfg)["cox_models"]
    uni = models[0]
    assert uni["terms"] == [] and "no events in 'flagyes'" in uni["note"]
    assert "no events" in models[-1]["note"] and models[-1]["terms"] == []


def test_table1_by_uses_one_statistic_per_row():
    """A row that is not normal in every group shows median (Q1, Q3) in every group (the test is
    rank-based), never mean ± SD in one group and a median in the other."""
    adsl, adtte = _data()
    t = adjusted_analyses(adsl, adtte, _config({"table1_by": "sex"}))["table1_by"]
    age = t[t.variable == "age"].iloc[0]
    assert "±" not in age["F"] and "±" not in age["M"] and "(" in age["F"]


def test_subgroup_hr_ci_uses_the_configured_conf_level():
    """The subgroup table and forest label their CI with ``analysis.conf_level``; the numbers must be at that
    level too. One subgroup holding every patient: the HR of sex is R's univariable ``coxph(Surv(futime,
    death) ~ sex)``; its 90% CI is exp(coef +- qnorm(0.95) se), qnorm(0.95) = 1.6448536269514722."""
    adsl, adtte = _data()
    adsl["everyone"] = "all"
    cfg = _config({"conf_level": 0.9, "subgroups": {"comparison": "sex", "by": ["everyone"]},
                   "models": {"endpoints": ["OS"], "covariates": [{"name": "age"}]}})
    lv = adjusted_analyses(adsl, adtte, cfg)["subgroups"][0]["levels"][0]
    r = next(u for u in REF["cox_univariable"] if u["covariate"] == "sex")["terms"][0]
    z90 = 1.6448536269514722
    assert _close(lv["hr"], r["hr"])
    assert _close(lv["hr_ci_low"], np.exp(r["coef"] - z90 * r["se"]))
    assert _close(lv["hr_ci_high"], np.exp(r["coef"] + z90 * r["se"]))


def test_numeric_covariate_per_step_scales_coef_and_se():
    """``per: 10``: the HR per 10 years. R's per-year age model (``coxph(Surv(futime, death) ~ age)``) scaled
    by hand: coef and SE x 10, HR = exp(10 coef), CI exp(10 (coef +- 1.959964 se)), Wald p unchanged."""
    adsl, adtte = _data()
    cfg = _config({"models": {"endpoints": ["OS"], "covariates": [{"name": "age", "per": 10}]}})
    term = adjusted_analyses(adsl, adtte, cfg)["cox_models"][0]["terms"][0]
    r = next(u for u in REF["cox_univariable"] if u["covariate"] == "age")["terms"][0]
    assert term["term"] == "age (per 10)" and term["per"] == 10
    assert _close(term["coef"], 10 * r["coef"]) and _close(term["se"], 10 * r["se"])
    assert _close(term["hr"], np.exp(10 * r["coef"]))
    assert _close(term["hr_ci_low"], r["lower"] ** 10) and _close(term["hr_ci_high"], r["upper"] ** 10)
    assert _close(term["p"], r["p"])


def test_table1_by_test_choice_for_normal_groups():
    """PlantGrowth's groups pass Shapiro-Wilk (R: ``shapiro.test`` p 0.7475, 0.4519, 0.5643), so three groups
    get one-way ANOVA (R ``anova(lm(weight ~ group))`` Pr(>F) 0.01591) and two get the pooled t-test (R
    ``t.test(..., var.equal = TRUE)`` p-value 0.249), as MODELS.md 3 asks."""
    from pipeline.analysis.table1_by import continuous_test
    from tests.stats.test_grouptests import PLANT

    ctrl, trt1, trt2 = (np.array(v) for v in PLANT.values())
    three = continuous_test([ctrl, trt1, trt2])
    assert three.test == "anova" and float(f"{three.p:.4g}") == 0.01591
    two = continuous_test([ctrl, trt1])
    assert two.test == "t-test" and round(two.p, 3) == 0.249


def test_every_event_at_one_time_fits_the_model_and_says_the_ph_test_is_not_estimable():
    """All deaths on one day: the Cox model is fitted, cox.zph is not (singular, as in R): the record
    carries no PH test and a note the report prints, instead of LinAlgError ending the run."""
    adsl, adtte = _data()
    adsl, adtte = adsl.head(60).copy(), adtte[adtte.patient_id.isin(adsl.patient_id.head(60))].copy()
    os_ = adtte.PARAMCD == "OS"
    adtte.loc[os_ & (adtte.CNSR == 0), "AVAL"] = 30.0
    adtte.loc[os_ & (adtte.CNSR == 1), "AVAL"] = 60.0
    adj = adjusted_analyses(adsl, adtte, _config({"models": {"endpoints": ["OS"], "covariates": [{"name": "age"}]}}))
    multi = next(m for m in adj["cox_models"] if m["kind"] == "multivariable")
    assert multi["terms"] and multi["ph_test"] is None
    assert "proportional-hazards test not estimable" in multi["note"]
    assert adj["zph_plots"] == []
