"""Survival analysis layer: KM tables, comparisons, follow-up, landmark (docs/ANALYSIS.md, 'Survival').

The statistics themselves are pinned to R in test_km.py, test_logrank.py, test_cox.py; here the same R
values are reached through the analysis tables (grouping, unit conversion, labels).
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from pipeline.analysis.survival import (
    comparison_groups,
    comparisons,
    cycles_by_landmark,
    followup,
    km_tables,
    landmark,
    month_ticks,
    risk_table,
)
from pipeline.config import Comparison
from tests import frames
from tests.reference import REF_DIR as REFDIR  # noqa: E402

REF = json.loads((REFDIR / "r_reference.json").read_text())
M = 30.4375


def _small():
    """small_not_reached.csv as adsl/adtte; AVAL (days) = the R time, so months = time / 30.4375."""
    d = pd.read_csv(REFDIR / "small_not_reached.csv")
    ids = [f"P{i:02d}" for i in range(len(d))]
    adsl = pd.DataFrame({"patient_id": ids, "arm": d["group"], "cycles": 3})
    rows = []
    for ep in ("PFS", "OS"):
        rows.append(pd.DataFrame({"patient_id": ids, "PARAMCD": ep, "AVAL": d["time"].astype(int),
                                  "CNSR": 1 - d["event"]}))
    return adsl, pd.concat(rows, ignore_index=True)


def _cfg(**kw):
    return frames.config(comparisons=[{"by": "arm"}], **kw)


def test_km_medians_through_the_analysis_table_equal_r():
    """> survfit(Surv(time, event) ~ group, data = small, conf.type = "log-log")"""
    adsl, adtte = _small()
    surv, _, _ = km_tables(adsl, adtte, _cfg())
    ref = REF["small_not_reached"]["km_loglog"]
    by = surv[(surv["endpoint"] == "PFS") & (surv["group_by"] == "arm")].set_index("group")
    for k, g in enumerate(["A", "B"]):
        for col, rcol in (("median", "median"), ("median_ci_low", "median_lower"), ("median_ci_high", "median_upper")):
            r = ref[rcol][k]
            got = by.loc[g, col]
            assert (got is None or pd.isna(got)) if r is None else got == pytest.approx(r / M, abs=1e-12)
        assert by.loc[g, "n"] == ref["n"][k] and by.loc[g, "events"] == ref["events"][k]


def test_logrank_and_cox_through_comparisons_equal_r():
    """> survdiff(Surv(time, event) ~ group); summary(coxph(Surv(time, event) ~ group))"""
    adsl, adtte = _small()
    c = comparisons(adsl, adtte, _cfg()).set_index("endpoint").loc["PFS"]
    ref = REF["small_not_reached"]
    assert c["chisq"] == pytest.approx(ref["logrank"]["chisq"], abs=1e-6)
    assert c["p"] == pytest.approx(ref["logrank"]["p"], abs=1e-6)
    assert c["df"] == 1
    # two arbitrary levels: the second (B) is compared with the first (A), as R's factor coding does
    assert c["hr_vs"] == "B vs A"
    assert c["hr"] == pytest.approx(ref["cox_efron_B_vs_A"]["hr"], abs=1e-4)
    assert c["hr_ci_low"] == pytest.approx(ref["cox_efron_B_vs_A"]["lower"], abs=1e-4)
    assert c["hr_ci_high"] == pytest.approx(ref["cox_efron_B_vs_A"]["upper"], abs=1e-4)
    assert c["hr_p"] == pytest.approx(ref["cox_efron_B_vs_A"]["wald_p"], abs=1e-4)


def test_a_single_group_is_reported_not_crashed_on():
    adsl, adtte = _small()
    adsl["arm"] = "A"
    c = comparisons(adsl, adtte, _cfg())
    assert c["chisq"].isna().all()
    assert c["note"].str.startswith("not compared").all()


def test_threshold_groups_and_pooling_of_small_categories():
    adsl = pd.DataFrame({"prior_lines": [1, 2, 3, 5, None], "regimen": ["BRD", "BRD", "BRD", "BPD", "BKd"]})
    g, one = comparison_groups(adsl, Comparison(by="prior_lines", threshold=3))
    assert g.tolist() == ["< 3", "< 3", ">= 3", ">= 3", None] and one == ">= 3"
    g, one = comparison_groups(adsl, Comparison(by="regimen", min_group=3))
    assert g.tolist() == ["BRD", "BRD", "BRD", "other", "other"] and one == "other"


def test_survival_rates_at_fixed_months_equal_r():
    """> summary(survfit(Surv(time, event) ~ group, small, conf.type = "log-log"), times = c(6, 12, 24))"""
    adsl, adtte = _small()
    adtte["AVAL"] = adtte["AVAL"]  # days; ask for the months that land on the R times
    cfg = _cfg(survival_times_months=[6 / M, 12 / M, 24 / M])
    _, rates, _ = km_tables(adsl, adtte, cfg)
    ref = REF["small_not_reached"]["km_loglog"]["at"]
    a = rates[(rates["endpoint"] == "PFS") & (rates["group"] == "A")]
    assert a["surv"].to_numpy() == pytest.approx(ref["surv"][:3], abs=1e-6)
    assert a["lower"].to_numpy() == pytest.approx(ref["lower"][:3], abs=1e-6)
    assert a["n_risk"].tolist() == ref["n_risk"][:3]


def test_survival_beyond_the_longest_follow_up_is_not_reported():
    """A time past every patient's follow-up: R's summary(extend = TRUE) carries the last value on with
    n.risk 0; the table says "no patient followed that long" (None) unless the curve has reached 0."""
    adsl = pd.DataFrame({"patient_id": list("ABCDE"), "arm": ["x", "x", "x", "y", "y"], "cycles": 3})
    adtte = pd.DataFrame({"patient_id": list("ABCDE") * 2, "PARAMCD": ["OS"] * 5 + ["PFS"] * 5,
                          "AVAL": [5, 10, 20, 5, 8] * 2, "CNSR": [0, 1, 1, 0, 0] * 2})
    _, rates, _ = km_tables(adsl, adtte, _cfg(survival_times_months=[15 / M, 30 / M]))
    by = rates[rates["endpoint"] == "OS"].set_index(["group", "time_months"])
    x15, x30 = by.loc[("x", 15 / M)], by.loc[("x", 30 / M)]
    assert x15["surv"] == pytest.approx(2 / 3) and x15["n_risk"] == 1
    assert x30["n_risk"] == 0 and x30[["surv", "lower", "upper"]].isna().all()
    assert by.loc[("y", 30 / M), "surv"] == 0.0  # everyone in y had the event: 0 is known, not extrapolated


def test_median_followup_is_reverse_km_of_os():
    """> quantile(survfit(Surv(time, 1 - event) ~ 1, myeloma, conf.type = "log-log"), 0.5)

    Hand check on a tiny set: OS times 10, 20 (death), 30, 40 days; reverse KM treats the censorings at
    10, 30, 40 as events: S = 3/4 after 10, the death at 20 is a censoring, S = 3/4 * 1/2 = 3/8 at 30:
    median follow-up = 30 days; range 10-40.
    """
    adtte = pd.DataFrame({"patient_id": list("ABCD"), "PARAMCD": "OS", "AVAL": [10, 20, 30, 40],
                          "CNSR": [1, 0, 1, 1]})
    f = followup(adtte)
    assert f["median"] == pytest.approx(30 / M)
    assert (f["min"], f["max"]) == (pytest.approx(10 / M), pytest.approx(40 / M))


def test_landmark_set_drops_early_events_restarts_the_clock_and_groups_by_cycles_at_l():
    """At risk at L means time >= L (R: ``subset(d, time >= L)``, then ``time - L``): an event on day L is
    an event at time 0 after the landmark, a censoring on day L a censoring at time 0."""
    # L = 56 d, 28-d cycles: by day 56 a patient has started min(cycles, 3) cycles.
    adsl = pd.DataFrame({"patient_id": list("ABCDE"), "cycles": [1, 2, 3, 6, 4]})
    adtte = pd.DataFrame({
        "patient_id": list("ABCDE") * 2, "PARAMCD": ["PFS"] * 5 + ["OS"] * 5,
        "AVAL": [30, 100, 56, 300, 56, 200, 150, 400, 500, 55],
        "CNSR": [0, 0, 1, 0, 0, 0, 0, 1, 1, 0],
    })
    cfg = frames.config(comparisons=[{"by": "cycles", "threshold": 3, "accrues_after_index": True}])
    comp, surv, curves = landmark(adsl, adtte, cfg)
    pfs = comp.set_index("endpoint").loc["PFS"]
    # PFS: only A (event on day 30) is dropped; C (censored on day 56) and E (PD on day 56) stay at time 0
    assert pfs["n"] == 4 and pfs["n_excluded_before_landmark"] == 1 and pfs["landmark_days"] == 56
    pfs_curves = {c.group: c for c in curves if c.endpoint == "PFS"}
    assert sorted(pfs_curves) == ["< 3", ">= 3"]
    assert pfs_curves["< 3"].time_days.tolist() == [44]           # B: 100 - 56
    ge3 = pfs_curves[">= 3"]
    assert ge3.time_days.tolist() == [0, 244, 0]                  # C, D, E (E: cycle 4 -> 3 by day 56)
    assert ge3.event.tolist() == [0, 1, 1]
    # KM of the >= 3 group: E's event at time 0 with 3 at risk (C's censoring at 0 counts as at risk) -> 2/3
    assert ge3.fit.surv[0] == pytest.approx(2 / 3)
    os_ = comp.set_index("endpoint").loc["OS"]
    assert os_["n"] == 4 and os_["n_excluded_before_landmark"] == 1  # E died on day 55
    assert cycles_by_landmark(pd.Series([1, 2, 3, 8]), 56, 28).tolist() == [1, 2, 3, 3]
    assert cycles_by_landmark(pd.Series([8]), 55, 28).tolist() == [2]


def test_ticks_and_risk_table_agree():
    assert month_ticks(10) == [0, 3, 6, 9, 12]
    assert month_ticks(40)[-1] == 42 and month_ticks(40)[1] == 6
    adsl, adtte = _small()
    _, _, curves = km_tables(adsl, adtte, _cfg())
    rt = risk_table(curves, [0, 6 / M, 12 / M])
    a = rt[(rt["endpoint"] == "PFS") & (rt["group"] == "A")]
    assert a["n_risk"].tolist() == [12, 7, 4]
    assert np.array_equal(a["time_months"].to_numpy(), np.array([0, 6 / M, 12 / M]))


def test_median_followup_uses_the_configured_ci_type_and_equals_r():
    """> quantile(survfit(Surv(time, 1 - event) ~ 1, data = myeloma), 0.5, conf.int = TRUE)  # conf.type "log"

    R's reference used its default CI type (log): 40.1 (35.67, 43.8) months.
    """
    d = pd.read_csv(REFDIR / "myeloma_survminer.csv")
    ref = REF["myeloma_survminer"]["median_followup_reverse_km"]
    # AVAL in "days" = the R time, so the months reported are time / 30.4375
    adtte = pd.DataFrame({"patient_id": range(len(d)), "PARAMCD": "OS", "AVAL": d["time"], "CNSR": 1 - d["event"]})
    f = followup(adtte, conf_type="log")
    assert (f["median"] * M, f["ci_low"] * M, f["ci_high"] * M) == (
        pytest.approx(ref["median"]), pytest.approx(ref["lower"]), pytest.approx(ref["upper"]))
