"""pipeline.cutoff: data dated after the cut-off do not exist for the run."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from pipeline.cutoff import apply_cutoff
from pipeline.ingest.validate import validate_inputs
from tests.trio import load_raw, make_config, write_trio

PATIENTS = """\
patient_id,sex,age,index_date,regimen,prior_lines,cycles,emd,emd_type,last_contact_date,death_date,death_cause,progression_date,new_therapy_date
P01,M,65,2022-01-10,BRD,2,8,none,,2022-12-01,,,2022-08-01,2022-09-01
P02,F,58,2022-02-15,BPD,3,4,none,,2022-06-30,2022-06-30,progression,2022-05-01,
P03,M,71,2022-03-01,BRD,1,2,none,,2022-05-15,,,,2022-05-10
P04,F,66,2022-07-01,BRD,1,2,none,,2022-09-01,,,,
"""
ASSESSMENTS = """\
patient_id,assessment_date,cycle,response
P01,2022-01-05,0,
P01,2022-02-07,1,PR
P01,2022-07-07,2,PR
P02,2022-02-10,0,
P02,2022-06-01,1,SD
P04,2022-06-25,0,
"""
ADVERSE_EVENTS = """\
patient_id,term,grade,onset_date
P01,Anemia,2,2022-02-01
P02,Fatigue,1,2022-06-15
P03,Diarrhea,1,
P04,Anemia,3,2022-07-05
"""
CUTOFF = dt.date(2022, 6, 1)


@pytest.fixture(scope="module")
def validated(tmp_path_factory) -> dict[str, pd.DataFrame]:
    paths = write_trio(tmp_path_factory.mktemp("cutoff"), PATIENTS, ASSESSMENTS, ADVERSE_EVENTS)
    return validate_inputs(load_raw(paths), make_config(paths)).tables


@pytest.fixture
def tables(validated) -> dict[str, pd.DataFrame]:
    return {k: v.copy(deep=True) for k, v in validated.items()}


def _ts(s: str | None):
    return pd.NaT if s is None else pd.Timestamp(s)


def test_patients_indexed_after_the_cutoff_are_excluded_and_listed(tables):
    out, rep = apply_cutoff(tables, CUTOFF)
    assert out["patients"]["patient_id"].tolist() == ["P01", "P02", "P03"]
    assert rep.patients_excluded == ["P04"]


def test_later_deaths_and_progressions_are_censored(tables):
    out, rep = apply_cutoff(tables, CUTOFF)
    p = out["patients"].set_index("patient_id")
    assert p["death_date"].tolist() == [pd.NaT, pd.NaT, pd.NaT]
    assert p["death_cause"].isna().all()
    assert p["progression_date"].tolist() == [pd.NaT, _ts("2022-05-01"), pd.NaT]  # P02's is before: kept
    assert p["new_therapy_date"].tolist() == [pd.NaT, pd.NaT, _ts("2022-05-10")]
    assert rep.deaths_censored == ["P02"]
    assert rep.progressions_censored == ["P01"]
    assert rep.new_therapies_cleared == ["P01"]


def test_last_contact_is_truncated(tables):
    out, rep = apply_cutoff(tables, CUTOFF)
    assert out["patients"]["last_contact_date"].tolist() == [_ts("2022-06-01"), _ts("2022-06-01"),
                                                            _ts("2022-05-15")]
    assert rep.last_contact_truncated == 2


def test_later_assessments_and_adverse_events_are_dropped_and_counted(tables):
    out, rep = apply_cutoff(tables, CUTOFF)
    a = out["assessments"]
    assert list(zip(a["patient_id"], a["assessment_date"].dt.strftime("%Y-%m-%d"), strict=True)) == [
        ("P01", "2022-01-05"), ("P01", "2022-02-07"), ("P02", "2022-02-10"), ("P02", "2022-06-01")]
    assert rep.assessments_dropped == 1  # P01's after the cut-off
    assert rep.adverse_events_dropped == 1
    assert rep.rows_of_excluded_patients == 2  # P04 (indexed after the cut-off): one assessment, one AE
    e = out["adverse_events"]
    assert e["patient_id"].tolist() == ["P01", "P03"]  # an undated AE is kept
    assert a["_line"].tolist() == [2, 3, 5, 6]  # line numbers survive


def test_data_on_the_cutoff_day_are_kept(tables):
    out, rep = apply_cutoff(tables, dt.date(2022, 6, 30))
    p = out["patients"].set_index("patient_id")
    assert p.loc["P02", "death_date"] == _ts("2022-06-30")
    assert p.loc["P02", "death_cause"] == "progression"
    assert rep.deaths_censored == []
    assert "P02" in set(out["adverse_events"]["patient_id"])


def test_inputs_are_not_modified(tables):
    before = {k: v.copy(deep=True) for k, v in tables.items()}
    apply_cutoff(tables, CUTOFF)
    for k, v in tables.items():
        pd.testing.assert_frame_equal(v, before[k])


def test_note_about_cycles_when_data_extend_past_the_cutoff(tables):
    _, rep = apply_cutoff(tables, CUTOFF)
    assert rep.latest_data_date == "2022-12-01"
    assert rep.notes == [
        "the data extend to 2022-12-01, after the cut-off: cycle counts cannot be truncated to the cut-off, "
        "so 'cycles' may include cycles started after it"]


def test_no_change_and_no_note_with_a_late_cutoff(tables):
    out, rep = apply_cutoff(tables, dt.date(2030, 1, 1))
    for k in tables:
        pd.testing.assert_frame_equal(out[k], tables[k])
    assert rep.notes == [] and rep.patients_excluded == [] and rep.last_contact_truncated == 0
    assert rep.assessments_dropped == rep.adverse_events_dropped == 0


def test_report_as_dict(tables):
    _, rep = apply_cutoff(tables, CUTOFF)
    d = rep.as_dict()
    assert d["cutoff"] == "2022-06-01"
    assert (d["n_patients_excluded"], d["n_deaths_censored"], d["n_progressions_censored"]) == (1, 1, 1)
    assert d["patients_excluded"] == ["P04"]


def test_patients_only(tables):
    out, rep = apply_cutoff({"patients": tables["patients"]}, CUTOFF)
    assert set(out) == {"patients"}
    assert rep.assessments_dropped == 0


def test_a_death_or_progression_after_the_cutoff_censors_at_the_cutoff():
    """Dying or progressing after the cut-off shows the patient alive at it: censored at the cut-off, not at
    an earlier last contact (a death may be learnt of without a later contact)."""
    p = pd.DataFrame({
        "patient_id": ["D1", "D2", "D3", "D4"],
        "index_date": pd.to_datetime(["2022-01-10"] * 4),
        "last_contact_date": pd.to_datetime(["2022-03-01", "2022-03-01", "2022-03-01", "2022-03-01"]),
        "death_date": pd.to_datetime(["2022-08-01", None, "2022-05-01", None]),
        "death_cause": ["other", None, "other", None],
        "progression_date": pd.to_datetime([None, "2022-07-01", None, "2022-04-01"]),
        "new_therapy_date": pd.to_datetime([None] * 4),
    })
    out, rep = apply_cutoff({"patients": p}, CUTOFF)
    q = out["patients"].set_index("patient_id")
    assert q["last_contact_date"].tolist() == [_ts("2022-06-01"), _ts("2022-06-01"), _ts("2022-03-01"),
                                               _ts("2022-03-01")]  # D3, D4: events before the cut-off
    assert q["death_date"].isna().tolist() == [True, True, False, True]
    assert rep.deaths_censored == ["D1"] and rep.progressions_censored == ["D2"]
    assert rep.last_contact_truncated == 0  # none was after the cut-off
