"""results.json: the docs/ANALYSIS.md structure, nothing NaN or inf, NR as null, and the output tables."""

from __future__ import annotations

import json
import math

import pandas as pd

from pipeline.analysis.results import analyse, output_tables, results_json
from pipeline.cutoff import CutoffReport
from pipeline.derive.adam import response_from_patients
from pipeline.derive.stage import derive_datasets
from pipeline.runs.folder import _clean
from tests import frames


def _cohort():
    rows = [
        {"patient_id": "A", "cycles": "1", "best_response": "PD", "progression_date": "2020-02-01",
         "death_date": "2020-03-01", "last_contact_date": "2020-03-01", "death_cause": "progression"},
        {"patient_id": "B", "cycles": "2", "best_response": "SD", "progression_date": "2020-06-01"},
        {"patient_id": "C", "cycles": "4", "best_response": "PR", "prior_lines": "4"},
        {"patient_id": "D", "cycles": "6", "best_response": "VGPR", "prior_lines": "3",
         "emd": "at_relapse", "emd_type": "paraskeletal"},
    ]
    pts = frames.patients(rows)
    return {"patients": pts}, response_from_patients(pts)


def test_results_json_has_the_spec_structure_and_no_nan():
    tables, resp = _cohort()
    cfg = frames.config()
    res = analyse(derive_datasets(tables, resp, cfg), tables, cfg)
    d = _clean(results_json(res, cfg, CutoffReport("2023-01-01").as_dict()))
    text = json.dumps(d, allow_nan=False)  # raises on NaN/inf
    assert "NaN" not in text and "Infinity" not in text
    assert d["cutoff"] == "2023-01-01" and d["n_patients"] == 4
    assert set(d["rates"][0]) == {"population", "endpoint", "n", "N", "pct", "ci_low", "ci_high"}
    assert set(d["survival"][0]) >= {"endpoint", "group_by", "group", "n", "events", "median", "median_ci_low",
                                     "median_ci_high"}
    assert set(d["comparisons"][0]) >= {"endpoint", "group_by", "test", "chisq", "df", "p", "hr", "hr_ci_low",
                                        "hr_ci_high"}
    overall_os = next(s for s in d["survival"] if s["endpoint"] == "OS" and s["group_by"] is None)
    # one death among four: the median is not reached -> null, never NaN
    assert overall_os["median"] is None and overall_os["events"] == 1
    orr_all = next(r for r in d["rates"] if r["population"] == "all treated" and r["endpoint"] == "ORR")
    assert (orr_all["n"], orr_all["N"]) == (2, 4)


def test_every_output_table_is_a_frame_and_none_is_nan_only():
    tables, resp = _cohort()
    res = analyse(derive_datasets(tables, resp, frames.config()), tables, frames.config())
    out = output_tables(res)
    assert {"table1_baseline", "response_rates", "survival_medians", "comparisons", "adverse_events"} <= set(out)
    for name, df in out.items():
        assert isinstance(df, pd.DataFrame), name
        num = df.select_dtypes("number")
        assert not num.map(lambda v: isinstance(v, float) and math.isinf(v)).any().any(), name


def test_counts_are_whole_numbers_and_landmark_exclusions_are_in_results_json():
    """A comparison that cannot be tested (df null) must not turn the others' df into 1.0, and the
    landmark's exclusions are reported beside its n."""
    tables, resp = _cohort()
    cfg = frames.config(comparisons=[{"by": "cycles", "threshold": 3, "accrues_after_index": True},
                                     {"by": "regimen"}])  # one regimen only: not compared, df null
    d = _clean(results_json(analyse(derive_datasets(tables, resp, cfg), tables, cfg), cfg, CutoffReport("2023-01-01").as_dict()))
    dfs = [c["df"] for c in d["comparisons"]]
    assert None in dfs and 1 in dfs
    assert all(v is None or type(v) is int for v in dfs)
    assert all(type(c["n"]) is int for c in d["comparisons"])
    lm = [c for c in d["comparisons"] if c["landmark_days"] is not None]
    assert lm and all(type(c["n_excluded_before_landmark"]) is int for c in lm)
    # A progressed on day 31 and died on day 60: excluded before the 56-day landmark for PFS only
    pfs = next(c for c in lm if c["endpoint"] == "PFS")
    assert pfs["n_excluded_before_landmark"] == 1 and pfs["n"] == 3


def test_integer_coded_groups_sort_as_numbers():
    """Groups "9" and "10" read "9, 10", and the hazard ratio is "10 vs 9" (the higher code against the lower)."""
    from pipeline.analysis.survival import sort_levels

    assert sort_levels(["10", "9", "2"]) == ["2", "9", "10"]
    assert sort_levels(["other", "BRD", "BPD"]) == ["BPD", "BRD", "other"]
    assert sort_levels(["10", "other", "9"]) == ["9", "10", "other"]
    tables, resp = _cohort()
    tables["patients"]["prior_lines"] = pd.array([9, 10, 10, 9], dtype="Int64")
    cfg = frames.config(comparisons=[{"by": "prior_lines"}])
    res = analyse(derive_datasets(tables, resp, cfg), tables, cfg)
    groups = res.survival[res.survival["group_by"] == "prior_lines"]["group"].tolist()
    assert groups == ["9", "10", "9", "10"]
    assert set(res.comparisons["hr_vs"]) == {"10 vs 9"}
