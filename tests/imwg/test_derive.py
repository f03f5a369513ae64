"""Public API: derive_response and summarize_recorded (pipeline/imwg/derive.py)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from pipeline.imwg import (
    ASSESSMENT_COLUMNS,
    PATIENT_COLUMNS,
    ImwgResult,
    Rule,
    derive_response,
    summarize_recorded,
)

PATIENTS = pd.DataFrame({
    "patient_id": ["P1", "P2", "P3"],
    "index_date": pd.to_datetime(["2022-01-10", "2022-02-01", "2022-03-01"]),
    "myeloma_type": ["IgG-kappa", "kappa", "IgA-lambda"],
    "new_therapy_date": pd.to_datetime([None, None, None]),
    "death_date": pd.to_datetime([None, None, None]),
    "progression_date": pd.to_datetime([None, None, "2022-04-01"]),
    "_line": [2, 3, 4],
})
ASSESSMENTS = pd.DataFrame({
    "patient_id": ["P1", "P1", "P1", "P2", "P2", "P2", "P3", "P3", "P3", "P3"],
    "assessment_date": pd.to_datetime(["2022-01-05", "2022-02-07", "2022-03-07", "2022-01-30", "2022-03-01",
                                       "2022-03-29", "2022-02-27", "2022-03-29", "2022-04-26", "2022-05-24"]),
    "cycle": pd.array([0, 1, 2, 0, 1, 2, 0, 1, 2, 3], dtype="Int64"),
    "serum_m_g_l": [30, 12, 12, np.nan, np.nan, np.nan, 25, 10, 10, 18],
    "serum_ife": ["positive"] * 10,
    "flc_kappa_mg_l": [np.nan] * 3 + [400, 100, 100] + [np.nan] * 4,
    "flc_lambda_mg_l": [np.nan] * 3 + [10, 10, 10] + [np.nan] * 4,
    "response": ["", "PR", "PR", None, "PR", "VGPR", None, "PR", "pd", "progression"],
    "_line": range(2, 12),
})


def test_output_tables_have_the_documented_columns():
    res = derive_response(PATIENTS, ASSESSMENTS)
    assert isinstance(res, ImwgResult)
    assert tuple(res.assessments.columns) == ASSESSMENT_COLUMNS
    assert tuple(res.patients.columns) == PATIENT_COLUMNS
    assert res.patients["patient_id"].tolist() == ["P1", "P2", "P3"]
    assert res.assessments["cycle"].dtype == "Int64"
    assert res.patients["pd_confirmed"].dtype == "boolean"


def test_one_row_per_assessment_in_input_order_and_index():
    shuffled = ASSESSMENTS.sample(frac=1.0, random_state=3)
    shuffled.index = shuffled.index * 10 + 7
    res = derive_response(PATIENTS, shuffled)
    assert res.assessments.index.equals(shuffled.index)
    assert res.assessments["assessment_date"].tolist() == shuffled["assessment_date"].tolist()
    ref = derive_response(PATIENTS, ASSESSMENTS).assessments
    key = ["patient_id", "assessment_date"]
    pd.testing.assert_frame_equal(res.assessments.sort_values(key).reset_index(drop=True),
                                  ref.sort_values(key).reset_index(drop=True))


def test_results_per_patient():
    res = derive_response(PATIENTS, ASSESSMENTS)
    p = res.patients.set_index("patient_id")
    assert p["bor"].to_dict() == {"P1": "PR", "P2": "PR", "P3": "PR"}
    assert p.loc["P2", "followed_by"] == "dflc"
    # P3: derived PD at its last assessment (unconfirmed, counted), recorded progression earlier wins
    assert p.loc["P3", "derived_progression_date"] == pd.Timestamp("2022-05-24")
    assert p.loc["P3", "progression_date"] == pd.Timestamp("2022-04-01")
    assert p.loc["P3", "progression_source"] == "recorded"
    assert "disagreement" in p.loc["P3", "progression_reason"]
    assert p.loc["P1", "last_evaluable_date"] == pd.Timestamp("2022-03-07")
    assert p.loc["P1", "best_pct_change"] == pytest.approx(-60.0)
    a = res.assessments
    assert a.loc[a["is_baseline"], "category"].isna().all()
    assert a.loc[a["is_baseline"], "reason"].str.startswith("baseline assessment: ").all()


def test_inputs_are_not_modified():
    p, a = PATIENTS.copy(), ASSESSMENTS.copy()
    derive_response(p, a)
    summarize_recorded(p, a)
    pd.testing.assert_frame_equal(p, PATIENTS)
    pd.testing.assert_frame_equal(a, ASSESSMENTS)


def test_absent_or_empty_columns_and_tables():
    minimal = ASSESSMENTS[["patient_id", "assessment_date", "serum_m_g_l"]]
    res = derive_response(PATIENTS[["patient_id", "index_date"]], minimal)
    assert res.patients["bor"].tolist() == ["PR", "NE", "PR"]  # P2 (light chain) has no FLC here
    assert res.patients["progression_date"].tolist()[2] == pd.Timestamp("2022-05-24")
    empty = ASSESSMENTS.assign(urine_m_mg_24h=np.nan, bm_clonal_cells=None, new_lesion=pd.NA)
    assert derive_response(PATIENTS, empty).patients["bor"].tolist() == ["PR", "PR", "PR"]
    none = derive_response(PATIENTS, None)
    assert none.assessments.empty and tuple(none.assessments.columns) == ASSESSMENT_COLUMNS
    assert none.patients["bor"].tolist() == ["NE"] * 3
    assert none.patients["progression_date"].tolist()[2] == pd.Timestamp("2022-04-01")


def test_assessments_of_unknown_patients_are_kept_but_get_no_patient_row():
    extra = pd.concat([ASSESSMENTS, pd.DataFrame({"patient_id": ["X"], "assessment_date": [pd.Timestamp("2022-05-01")],
                                                  "serum_m_g_l": [10.0]})], ignore_index=True)
    res = derive_response(PATIENTS, extra)
    assert len(res.assessments) == len(extra)
    assert res.assessments["category"].iloc[-1] == "NE"
    assert "X" not in set(res.patients["patient_id"])


def test_pre_treatment_rows_get_no_category():
    early = pd.concat([ASSESSMENTS, pd.DataFrame({"patient_id": ["P1"], "assessment_date": [pd.Timestamp("2021-12-01")],
                                                  "serum_m_g_l": [50.0]})], ignore_index=True)
    out = derive_response(PATIENTS, early).assessments.iloc[-1]
    assert out["category"] is None and not out["counted"] and not out["is_baseline"]
    assert out["reason"] == "no category: before treatment, not the baseline assessment"


@pytest.mark.parametrize(("kwargs", "match"), [
    ({"unconfirmed_pd": "maybe"}, "'maybe'"),
    ({"confirm_response": "yes"}, "'yes'"),
    ({"baseline_window_days": -1}, "-1"),
])
def test_options_are_validated(kwargs, match):
    with pytest.raises(ValueError, match=match):
        derive_response(PATIENTS, ASSESSMENTS, **kwargs)


def test_rules_carry_the_options_used():
    res = derive_response(PATIENTS, ASSESSMENTS, baseline_window_days=14, confirm_response=False,
                          unconfirmed_pd="ignore")
    assert res.options == {"baseline_window_days": 14, "confirm_response": False, "unconfirmed_pd": "ignore"}
    assert all(isinstance(r, Rule) for r in list(res.rules))
    text = " ".join(r.description for r in res.rules)
    assert "baseline_window_days = 14" in text and "confirm_response = false" in text
    assert "unconfirmed_pd = ignore" in text
    table = res.rules_table()
    assert table["order"].tolist() == list(range(1, len(res.rules) + 1))
    assert table["is_decision"].any()


def test_recorded_responses_use_the_same_confirmation():
    res = summarize_recorded(PATIENTS, ASSESSMENTS, confirm_response=True, unconfirmed_pd="count")
    assert tuple(res.assessments.columns) == ASSESSMENT_COLUMNS
    assert tuple(res.patients.columns) == PATIENT_COLUMNS
    a = res.assessments
    assert a["category"].tolist() == [None, "PR", "PR", None, "PR", "VGPR", None, "PR", "PD", "NE"]
    assert a["confirmed_category"].tolist() == [None, "PR", "SD", None, "PR", "SD", None, "SD", "PD", "NE"]
    assert a["needs_confirmation"].tolist() == [False, True, True, False, True, True, False, True, True, False]
    assert a["reason"].iloc[-1] == "NE: unrecognised recorded response 'progression'"
    p = res.patients.set_index("patient_id")
    assert p["bor"].to_dict() == {"P1": "PR", "P2": "PR", "P3": "SD"}
    assert p.loc["P3", "derived_progression_date"] == pd.Timestamp("2022-04-26")
    assert p.loc["P3", "progression_date"] == pd.Timestamp("2022-04-01")  # recorded, earlier
    assert p.loc["P3", "n_unconfirmed_pd"] == 1
    assert res.rules[0].rule_id == "RECORDED"


def test_recorded_responses_without_confirmation():
    res = summarize_recorded(PATIENTS, ASSESSMENTS, confirm_response=False, unconfirmed_pd="ignore")
    assert res.patients["bor"].tolist() == ["PR", "VGPR", "PR"]
