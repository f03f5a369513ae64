"""Competing-risks and RMST analyses of a run: event coding, config keys, results.json keys (MODELS.md)."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from pipeline.analysis.competing import competing_data, fine_gray_design
from pipeline.analysis.results import analyse, output_tables, results_json
from pipeline.config import config_from_dict
from pipeline.cutoff import CutoffReport
from pipeline.derive.adam import derive_adsl, derive_adtte, response_from_patients
from pipeline.derive.stage import derive_datasets
from pipeline.errors import ConfigError
from pipeline.runs.folder import _clean
from pipeline.stats import kaplan_meier, rmst
from tests import frames

ROWS = [
    # A: progression day 31, then death: cause 1 at day 31
    {"patient_id": "A", "age": "70", "prior_lines": "2", "progression_date": "2020-02-01", "death_date": "2020-03-01",
     "last_contact_date": "2020-03-01", "death_cause": "progression"},
    # B: death without progression on day 60: cause 2
    {"patient_id": "B", "age": "65", "prior_lines": "4", "death_date": "2020-03-01", "last_contact_date": "2020-03-01",
     "death_cause": "other"},
    # C: alive, no progression: censored at last contact (patients-only data), day 366
    {"patient_id": "C", "age": "58", "prior_lines": "3", "last_contact_date": "2021-01-01"},
    # D: progression and death the same day: progression wins (cause 1, day 91)
    {"patient_id": "D", "age": "80", "prior_lines": "1", "progression_date": "2020-04-01", "death_date": "2020-04-01",
     "last_contact_date": "2020-04-01", "death_cause": "progression"},
    {"patient_id": "E", "age": "61", "prior_lines": "5", "progression_date": "2020-07-01", "last_contact_date": "2020-12-01"},
    {"patient_id": "F", "age": "55", "prior_lines": "1", "last_contact_date": "2020-10-01"},
]
ON = {"endpoints": ["PFS", "OS", "TTNT"], "competing_risks": {"enabled": True, "covariates": ["age", "prior_lines"]},
      "rmst": {"enabled": True}, "comparisons": [{"by": "prior_lines", "threshold": 3}]}


def _run(**analysis):
    pts = frames.patients(ROWS)
    cfg = frames.config(**analysis)
    return analyse(derive_datasets({"patients": pts}, response_from_patients(pts), cfg), {"patients": pts}, cfg), cfg


@pytest.mark.parametrize("pfs_events", ["progression_or_death", "progression"])
def test_event_coding_progression_vs_death_without_progression(pfs_events):
    pts = frames.patients(ROWS)
    cfg = frames.config(pfs_events=pfs_events, pfs_censor="last_contact")
    adsl = derive_adsl(pts, response_from_patients(pts), cfg)
    d = competing_data(adsl, derive_adtte(adsl, cfg))
    # death is the competing event whatever PFS counts
    assert d["status"].to_dict() == {"A": 1, "B": 2, "C": 0, "D": 1, "E": 1, "F": 0}
    assert d["days"].to_dict() == {"A": 31, "B": 60, "C": 366, "D": 91, "E": 182, "F": 274}


def test_off_by_default_and_results_keys_exactly_as_models_md():
    res, cfg = _run()
    d = results_json(res, cfg, CutoffReport("2023-01-01").as_dict())
    assert d["cumulative_incidence"] == [] and d["gray_tests"] == [] and d["fine_gray"] == [] and d["rmst"] == []
    assert {s["endpoint"] for s in d["survival"]} == {"PFS", "OS"}
    res, cfg = _run(**ON)
    d = _clean(results_json(res, cfg, CutoffReport("2023-01-01").as_dict()))
    json.dumps(d, allow_nan=False)
    assert {s["endpoint"] for s in d["survival"]} == {"PFS", "OS", "TTNT"}
    ci = d["cumulative_incidence"]
    assert all(set(c) == {"event", "group_by", "group", "times", "estimate", "variance"} for c in ci)
    assert {c["event"] for c in ci} == {"progression", "death without progression"}
    assert all(set(g) == {"event", "group_by", "stat", "df", "p"} for g in d["gray_tests"])
    assert [set(f) for f in d["fine_gray"]] == [{"event", "terms"}]
    assert [t["term"] for t in d["fine_gray"][0]["terms"]] == ["age", "prior_lines>=3"]
    assert set(d["fine_gray"][0]["terms"][0]) == {"term", "coef", "se", "hr", "hr_ci_low", "hr_ci_high", "p"}
    r = d["rmst"][0]
    assert set(r) == {"endpoint", "group_by", "tau", "groups", "difference"}
    assert set(r["difference"]) == {"label", "estimate", "se", "ci_low", "ci_high", "p"}
    assert set(output_tables(res)) >= {"cumulative_incidence", "gray_tests", "fine_gray", "rmst"}


def test_overall_cumulative_incidence_by_hand():
    """All six: times 31 (1), 60 (2), 91 (1), 182 (1), 274 (0), 366 (0).

    F1: 1/6 at 31; S(60-) = 5/6, S after 60 = 4/6; at 91 F1 += 4/6 * 1/4 = 1/6 -> 2/6;
    S = 3/6; at 182 F1 += 3/6 * 1/3 -> 3/6. At 6 months (182.6 days): 0.5; F2 = 1/6.
    """
    res, _ = _run(**ON)
    c = res.competing.cuminc
    at6 = c[(c["group_by"].isna()) & (c["time_months"] == 6)].set_index("event")
    assert at6.loc["progression", "estimate"] == pytest.approx(0.5)
    assert at6.loc["death without progression", "estimate"] == pytest.approx(1 / 6)


def test_rmst_uses_the_default_tau_and_the_hazard_ratio_direction():
    res, cfg = _run(**ON)
    r = next(x for x in res.rmst if x["endpoint"] == "OS")
    # OS days: < 3 lines: A 60 (death), D 91 (death), F 274 (cens); >= 3: B 60 (death), C 366, E 335
    # default tau = the smaller group maximum = 274 days
    assert r["tau"] == pytest.approx(274 / 30.4375)
    lo = rmst(kaplan_meier([60, 91, 274], [1, 1, 0]), 274)
    hi = rmst(kaplan_meier([60, 366, 335], [1, 0, 0]), 274)
    g = {x["group"]: x for x in r["groups"]}
    assert g["< 3"]["rmst"] == pytest.approx(lo.rmst / 30.4375) and g[">= 3"]["se"] == pytest.approx(hi.se / 30.4375)
    # the difference is the '1' arm (>= 3, the one the HR is for) minus the other
    assert r["difference"]["label"] == ">= 3 minus < 3"
    assert r["difference"]["estimate"] == pytest.approx((hi.rmst - lo.rmst) / 30.4375)


def test_configured_tau_is_used():
    res, _ = _run(**(ON | {"rmst": {"enabled": True, "tau_months": 6}}))
    assert {x["tau"] for x in res.rmst} == {6.0}


def test_categorical_covariate_is_dummy_coded_against_its_first_level():
    pts = frames.patients(ROWS)
    cfg = frames.config(competing_risks={"enabled": True, "covariates": ["emd_any", "sex"]})
    adsl = derive_adsl(pts, response_from_patients(pts), cfg)
    adsl.loc[adsl.patient_id == "B", "sex"] = "F"
    x, notes, meta = fine_gray_design(adsl, cfg)
    # emd_any is 'no' for all six: left out with a note; sex: F is the reference, term sexM
    assert list(x.columns) == ["sexM"] and x.loc["B", "sexM"] == 0 and x.loc["A", "sexM"] == 1
    assert meta == {"sexM": {"covariate": "sex", "level": "M", "reference": "F"}}
    assert notes == ["emd_any: left out of the Fine-Gray model (a single value)"]


def test_config_keys_are_checked():
    base = {"study": "t", "cutoff": "2023-01-01", "inputs": {"patients": "p.csv"}}
    with pytest.raises(ConfigError, match="must include PFS and OS"):
        config_from_dict(base | {"analysis": {"endpoints": ["RSD"]}})
    with pytest.raises(ConfigError, match="tau_months"):
        config_from_dict(base | {"analysis": {"rmst": {"enabled": True, "tau_months": 0}}})
    # a key that would have no effect is refused, not silently ignored
    with pytest.raises(ConfigError, match="tau_months is set but enabled is false"):
        config_from_dict(base | {"analysis": {"rmst": {"tau_months": 12}}})
    with pytest.raises(ConfigError, match="covariates are set but enabled is false"):
        config_from_dict(base | {"analysis": {"competing_risks": {"covariates": ["age"]}}})
    with pytest.raises(ConfigError, match="unknown key"):
        config_from_dict(base | {"analysis": {"competing_risks": {"covariate": ["age"]}}})
    assert config_from_dict(base | {"analysis": {"endpoints": ["TTNT", "OS", "PFS", "RSD"]}}).analysis.endpoints \
        == ["PFS", "OS", "RSD", "TTNT"]


def test_same_inputs_give_identical_results():
    a = json.dumps(_clean(results_json(*_run(**ON), CutoffReport("2023-01-01").as_dict())), sort_keys=True)
    b = json.dumps(_clean(results_json(*_run(**ON), CutoffReport("2023-01-01").as_dict())), sort_keys=True)
    assert a == b
    assert not np.isnan(pd.DataFrame(json.loads(a)["rmst"][0]["groups"])["rmst"]).any()
