"""Input preparation (pipeline/imwg/prepare.py)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from pipeline.imwg.prepare import patient_lookup, prepare, to_flags, to_pos_neg, to_responses


def test_working_table_is_sorted_by_patient_then_date_and_keeps_input_positions():
    p = pd.DataFrame({"patient_id": ["B", "A"], "index_date": pd.to_datetime(["2022-01-01", "2022-02-01"]),
                      "myeloma_type": [" IgG-Kappa ", None]})
    a = pd.DataFrame({"patient_id": ["A", "B", "A"],
                      "assessment_date": ["2022-03-01", "2022-01-01", "2022/2/1"],
                      "serum_m_g_l": [12.0, "7", None]}, index=[10, 11, 12])
    prep = prepare(p, a)
    r = prep.rows
    assert r["pos"].tolist() == [1, 2, 0]  # B first (patients-table order), then A by date
    assert r["code"].tolist() == [0, 1, 1]
    assert r["serum"].tolist()[0] == 0.7 and r["serum"].tolist()[2] == 1.2  # g/L -> g/dL
    assert r["date"].tolist()[1] == pd.Timestamp("2022-02-01")
    assert r["index_date"].tolist() == [pd.Timestamp("2022-01-01")] + [pd.Timestamp("2022-02-01")] * 2
    assert prep.patients["myeloma_type"].tolist() == ["igg-kappa", None]
    assert prep.n_patients == 2


def test_absent_columns_are_missing_values():
    prep = prepare(pd.DataFrame({"patient_id": ["A"]}), pd.DataFrame({"patient_id": ["A"], "assessment_date": ["2022-01-01"]}))
    r = prep.rows.iloc[0]
    assert np.isnan(r["serum"]) and np.isnan(r["serum_ife"]) and not r["new_lesion"] and r["response"] is None
    assert pd.isna(r["index_date"])


def test_unknown_patients_are_appended_after_the_patients_table():
    ids, code, n_known = patient_lookup(pd.DataFrame({"patient_id": ["A", "B"]}), pd.Series(["B", "X", "A", "X"]))
    assert ids.tolist() == ["A", "B", "X"]
    assert code.tolist() == [1, 2, 0, 2]
    assert n_known == 2


def test_category_values():
    assert np.array_equal(to_pos_neg(pd.Series(["Positive", " negative", None, "pending", True]), 5),
                          [1.0, 0.0, np.nan, np.nan, 1.0], equal_nan=True)
    assert to_flags(pd.Series([True, False, None, "yes", "No", 1]), 6).tolist() == [True, False, False, True, False, True]
    assert to_flags(pd.Series([True, pd.NA], dtype="boolean"), 2).tolist() == [True, False]
    canon, raw = to_responses(pd.Series(["scr", "PR ", None, "progression"]), 4)
    assert canon.tolist() == ["sCR", "PR", None, None]
    assert raw.tolist() == [None, None, None, "progression"]
