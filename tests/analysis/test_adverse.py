"""Adverse-event table: worst grade per patient per term; any grade, by grade, grade >= 3."""

from __future__ import annotations

import pandas as pd

from pipeline.analysis.adverse import ae_table


def test_worst_grade_per_patient_and_term_hand_counted():
    e = pd.DataFrame({
        "patient_id": ["A", "A", "B", "C", "C", "A"],
        "term": ["White blood cell decreased", "White blood cell decreased", "White blood cell decreased",
                 "Fatigue", "fatigue ", "Fatigue"],
        "grade": [1, 3, 2, 1, 2, 1],
    })
    t = ae_table(e, n_patients=10).set_index("term")
    wbc = t.loc["White blood cell decreased"]
    # A worst 3, B worst 2 -> any 2, g2 1, g3 1, >= 3: 1
    assert (wbc["any_n"], wbc["g1"], wbc["g2"], wbc["g3"], wbc["g3plus_n"]) == (2, 0, 1, 1, 1)
    assert wbc["any_pct"] == 20.0 and wbc["group"] == "haematological"
    fat = t.loc["Fatigue"]  # case and spaces folded: A grade 1, C worst 2
    assert (fat["any_n"], fat["g1"], fat["g2"], fat["g3plus_n"]) == (2, 1, 1, 0)
    assert fat["group"] == "non-haematological"
    assert list(t.index) == ["White blood cell decreased", "Fatigue"]  # haematological first


def test_no_adverse_events_gives_an_empty_table():
    assert ae_table(None, 5).empty
