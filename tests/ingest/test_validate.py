"""pipeline.ingest.validate: every bad cell gives exactly one located issue; all tables are checked at once."""

from __future__ import annotations

import warnings
from pathlib import Path

import openpyxl
import pandas as pd
import pyreadstat
import pytest

from pipeline.errors import ConfigError, DataError, Issue
from pipeline.ingest.load import LINE
from pipeline.ingest.validate import Validated, validate_inputs
from tests.trio import ADVERSE_EVENTS_CSV, ASSESSMENTS_CSV, PATIENTS_CSV, load_raw, make_config, write_trio

P_HEAD = PATIENTS_CSV.splitlines()[0]
P01 = "P01,M,65,2022-01-10,BRD,2,4,none,,2022-12-01,,,2022-08-01,PR"  # line 2
P02 = "P02,F,58,2022-02-15,BPD,3,2,at_relapse,paraskeletal,2022-06-30,2022-06-30,progression,2022-05-01,PD"
P03 = "P03,M,71,2022-03-01,BRD,1,6,none,,2023-01-15,,,,VGPR"  # line 4


def _run(tmp_path: Path, patients: str = PATIENTS_CSV, assessments: str | None = ASSESSMENTS_CSV,
         adverse_events: str | None = ADVERSE_EVENTS_CSV, **cfg) -> Validated:
    paths = write_trio(tmp_path / "data", patients, assessments, adverse_events)
    return validate_inputs(load_raw(paths), make_config(paths, **cfg))


def _errors(tmp_path: Path, **kw) -> list[tuple]:
    with pytest.raises(DataError) as ei:
        _run(tmp_path, **kw)
    return [(i.file, i.row, i.column, i.value, i.rule, i.severity) for i in ei.value.issues]


def _patients(*rows: str, head: str = P_HEAD) -> str:
    return "\n".join([head, *rows]) + "\n"


def _one(tmp_path: Path, **kw) -> tuple:
    issues = _errors(tmp_path, **kw)
    assert len(issues) == 1, issues
    return issues[0]


# ---- the valid trio --------------------------------------------------------------------------------------


def test_valid_trio_gives_canonical_dtypes(tmp_path):
    v = _run(tmp_path)
    assert v.issues == [] and v.errors == [] and v.warnings == []
    p = v.tables["patients"]
    assert p["patient_id"].tolist() == ["P01", "P02", "P03"]
    assert p[LINE].tolist() == [2, 3, 4]
    assert str(p["age"].dtype) == "Int64" and str(p["cycles"].dtype) == "Int64"
    assert str(p["index_date"].dtype) == "datetime64[ns]"
    assert str(p["prior_bortezomib"].dtype) == "boolean"
    assert p["hemoglobin_g_l"].dtype == "float64"  # absent contract columns exist, all missing
    assert p["hemoglobin_g_l"].isna().all()
    assert p.loc[1, "emd_type"] == "paraskeletal"
    a = v.tables["assessments"]
    assert a["cycle"].tolist() == [0, 1, 2, 0, 1, 0]
    assert a[LINE].tolist() == [2, 3, 4, 5, 6, 7]
    assert set(v.tables) == {"patients", "assessments", "adverse_events"}
    assert v.headers["patients"]["patient_id"] == "patient_id"


def test_patients_only(tmp_path):
    v = _run(tmp_path, assessments=None, adverse_events=None)
    assert set(v.tables) == {"patients"} and v.issues == []


# ---- cell-level problems -----------------------------------------------------------------------------------


def test_wrong_type_is_one_issue(tmp_path):
    bad = P01.replace(",65,", ",sixty,")
    assert _one(tmp_path, patients=_patients(bad, P02, P03)) == (
        "patients.csv", 2, "age", "sixty", "must be a whole number", "error")


def test_unparseable_required_date_is_not_also_missing(tmp_path):
    bad = P03.replace("2022-03-01", "03/01/2022")
    file, row, column, value, rule, _ = _one(tmp_path, patients=_patients(P01, P02, bad))
    assert (file, row, column, value) == ("patients.csv", 4, "index_date", "03/01/2022")
    assert rule.startswith("must be a date")


def test_bad_category_is_one_issue(tmp_path):
    bad = P01.replace(",M,", ",X,")
    assert _one(tmp_path, patients=_patients(bad, P02, P03)) == (
        "patients.csv", 2, "sex", "X",
        "must be one of: M, F (map hospital values under 'values:' in the config)", "error")


def test_out_of_range(tmp_path):
    bad = P02.replace(",58,", ",17,")
    assert _one(tmp_path, patients=_patients(P01, bad, P03)) == (
        "patients.csv", 3, "age", "17", "must be at least 18 and at most 110 years", "error")


def test_out_of_range_exclusive_minimum(tmp_path):
    a = "patient_id,assessment_date,flc_kappa_mg_l\nP01,2022-02-07,0\nP01,2022-03-07,0.5\n"
    assert _one(tmp_path, assessments=a) == (
        "assessments.csv", 2, "flc_kappa_mg_l", "0", "must be more than 0 and at most 100000 mg/L", "error")


def test_required_value_missing(tmp_path):
    bad = P01.replace(",BRD,", ",,")
    assert _one(tmp_path, patients=_patients(bad, P02, P03)) == (
        "patients.csv", 2, "regimen", None, "required value is missing", "error")


def test_missing_marker_in_an_optional_column_is_fine(tmp_path):
    head = P_HEAD + ",hemoglobin_g_l,myeloma_type"
    v = _run(tmp_path, patients=_patients(P01 + ",未查,IgG-kappa", P02 + ",—,NA", P03 + ",N/A,", head=head))
    assert v.issues == []
    assert v.tables["patients"]["myeloma_type"].tolist()[0] == "IgG-kappa"


def test_missing_required_column_is_a_file_level_error(tmp_path):
    rows = [",".join(r.split(",")[:3] + r.split(",")[4:]) for r in (P_HEAD, P01, P02, P03)]  # no index_date
    issues = _errors(tmp_path, patients="\n".join(rows) + "\n", assessments=None, adverse_events=None)
    assert issues == [("patients.csv", None, "index_date", None,
                       "required column is missing (map the hospital header to it in the config)", "error")]


def test_duplicate_patient_id(tmp_path):
    # the duplicate must not multiply assessment rows in the cross-table checks either
    issues = _errors(tmp_path, patients=_patients(P01, P02, P03, P01))
    assert issues == [
        ("patients.csv", 2, "patient_id", "P01", "must be unique: this value appears on more than one row", "error"),
        ("patients.csv", 5, "patient_id", "P01", "must be unique: this value appears on more than one row", "error"),
    ]


# ---- warnings --------------------------------------------------------------------------------------------


def test_plausible_but_odd_value_is_a_warning_that_does_not_stop(tmp_path):
    head = P_HEAD + ",hemoglobin_g_l"
    v = _run(tmp_path, patients=_patients(P01 + ",30", P02 + ",120", P03 + ",", head=head))
    assert v.errors == []
    assert [(i.file, i.row, i.column, i.value, i.rule, i.severity) for i in v.warnings] == [
        ("patients.csv", 2, "hemoglobin_g_l", "30",
         "unusual value: outside the plausible range 45-190 g/L; please check it", "warning")]
    assert v.tables["patients"]["hemoglobin_g_l"].tolist()[:2] == [30.0, 120.0]


def test_an_error_is_not_also_a_warning(tmp_path):
    head = P_HEAD + ",hemoglobin_g_l"
    assert _one(tmp_path, patients=_patients(P01 + ",300", P02 + ",120", P03 + ",", head=head)) == (
        "patients.csv", 2, "hemoglobin_g_l", "300", "must be at least 20 and at most 250 g/L", "error")


def test_unmapped_column_is_a_warning(tmp_path):
    v = _run(tmp_path, patients=_patients(P01 + ",x", P02 + ",y", P03 + ",z", head=P_HEAD + ",备注"))
    assert [(i.file, i.row, i.column, i.severity) for i in v.issues] == [("patients.csv", None, "备注", "warning")]


# ---- cross-field and cross-table checks ------------------------------------------------------------------


def test_unknown_patient_in_assessments_and_adverse_events(tmp_path):
    a = ASSESSMENTS_CSV + "P99,2022-03-07,2,PR,10\n"
    e = ADVERSE_EVENTS_CSV + "P98,Fatigue,2,2022-03-20\n"
    assert _errors(tmp_path, assessments=a, adverse_events=e) == [
        ("adverse_events.csv", 4, "patient_id", "P98", "patient_id is not in the patients file", "error"),
        ("assessments.csv", 8, "patient_id", "P99", "patient_id is not in the patients file", "error"),
    ]


def test_death_before_index(tmp_path):
    bad = "P02,F,58,2022-02-15,BPD,3,2,at_relapse,paraskeletal,2022-02-10,2022-02-10,progression,,PD"
    assert _errors(tmp_path, patients=_patients(P01, bad, P03), assessments=None) == [
        ("patients.csv", 3, "death_date", "2022-02-10", "must not be before index_date", "error"),
        ("patients.csv", 3, "last_contact_date", "2022-02-10", "must not be before index_date", "error"),
    ]


def test_last_contact_after_death(tmp_path):
    bad = P02.replace("2022-06-30,2022-06-30", "2022-07-30,2022-06-30")
    assert _one(tmp_path, patients=_patients(P01, bad, P03)) == (
        "patients.csv", 3, "last_contact_date", "2022-07-30", "last contact is after the death date", "error")


def test_death_after_last_contact_is_allowed(tmp_path):
    ok = P02.replace("2022-06-30,2022-06-30", "2022-06-01,2022-06-30")
    assert _run(tmp_path, patients=_patients(P01, ok, P03)).issues == []


def test_progression_after_death(tmp_path):
    bad = P02.replace(",2022-05-01,", ",2022-07-01,")
    assert _one(tmp_path, patients=_patients(P01, bad, P03)) == (
        "patients.csv", 3, "progression_date", "2022-07-01", "progression is after the death date", "error")


def test_progression_before_index(tmp_path):
    bad = P01.replace(",2022-08-01,", ",2021-08-01,")
    assert _one(tmp_path, patients=_patients(bad, P02, P03)) == (
        "patients.csv", 2, "progression_date", "2021-08-01", "must not be before index_date", "error")


def test_emd_type_required_when_emd(tmp_path):
    bad = P02.replace(",paraskeletal,", ",,")
    assert _one(tmp_path, patients=_patients(P01, bad, P03)) == (
        "patients.csv", 3, "emd_type", None,
        "required (paraskeletal or soft_tissue) when emd is at_diagnosis or at_relapse", "error")


def test_emd_type_blank_when_emd_none(tmp_path):
    bad = P01.replace(",none,,", ",none,soft_tissue,")
    assert _one(tmp_path, patients=_patients(bad, P02, P03)) == (
        "patients.csv", 2, "emd_type", "soft_tissue", "must be blank when emd is none", "error")


def test_death_cause_without_death(tmp_path):
    bad = "P03,M,71,2022-03-01,BRD,1,6,none,,2023-01-15,,other,,VGPR"
    assert _one(tmp_path, patients=_patients(P01, P02, bad)) == (
        "patients.csv", 4, "death_cause", "other", "given without a death_date", "error")


def test_cycle_above_cycles(tmp_path):
    a = ASSESSMENTS_CSV.replace("P02,2022-03-15,1,SD,22", "P02,2022-03-15,3,SD,22")  # P02 had 2 cycles
    assert _one(tmp_path, assessments=a) == (
        "assessments.csv", 6, "cycle", "3", "higher than the patient's cycles in the patients file", "error")


def test_baseline_outside_the_window(tmp_path):
    a = ASSESSMENTS_CSV.replace("P03,2022-02-28,0", "P03,2022-01-15,0")  # index 2022-03-01: 45 days before
    assert _one(tmp_path, assessments=a) == (
        "assessments.csv", 7, "assessment_date", "2022-01-15",
        "baseline assessment more than 30 days before index_date (validation.baseline_window_days)", "error")
    assert _run(tmp_path, assessments=a, validation={"baseline_window_days": 60}).issues == []


def test_baseline_on_the_window_edge_is_fine(tmp_path):
    a = ASSESSMENTS_CSV.replace("P03,2022-02-28,0", "P03,2022-01-30,0")  # exactly 30 days before
    assert _run(tmp_path, assessments=a).issues == []


def test_baseline_after_index(tmp_path):
    a = ASSESSMENTS_CSV.replace("P03,2022-02-28,0", "P03,2022-03-02,0")
    assert _one(tmp_path, assessments=a) == (
        "assessments.csv", 7, "assessment_date", "2022-03-02",
        "a baseline (cycle 0) assessment must be on or before index_date", "error")


def test_non_baseline_before_index(tmp_path):
    a = ASSESSMENTS_CSV.replace("P01,2022-02-07,1", "P01,2022-01-08,1")
    assert _one(tmp_path, assessments=a) == (
        "assessments.csv", 3, "assessment_date", "2022-01-08",
        "before index_date but not a baseline (cycle 0) assessment", "error")


def test_assessment_after_death(tmp_path):
    a = ASSESSMENTS_CSV + "P02,2022-07-15,2,PD,30\n"
    assert _one(tmp_path, assessments=a) == (
        "assessments.csv", 8, "assessment_date", "2022-07-15", "after the death date", "error")


def test_duplicate_assessment_date(tmp_path):
    a = ASSESSMENTS_CSV + "P01,2022/3/7,,PR,9\n"
    assert _errors(tmp_path, assessments=a) == [
        ("assessments.csv", 4, "assessment_date", "2022-03-07", "two assessments of this patient share this date",
         "error"),
        ("assessments.csv", 8, "assessment_date", "2022-03-07", "two assessments of this patient share this date",
         "error"),
    ]


def test_same_date_for_two_patients_is_fine(tmp_path):
    a = ASSESSMENTS_CSV + "P03,2022-03-15,1,SD,30\n"  # P02 is assessed that day too
    assert _run(tmp_path, assessments=a).issues == []


def test_adverse_event_before_index_and_bad_grade(tmp_path):
    e = ADVERSE_EVENTS_CSV + "P03,Fatigue,6,2022-02-01\nP03,Diarrhea,2.5,\n"
    assert _errors(tmp_path, adverse_events=e) == [
        ("adverse_events.csv", 4, "grade", "6", "must be at least 1 and at most 5", "error"),
        ("adverse_events.csv", 4, "onset_date", "2022-02-01", "before index_date", "error"),
        ("adverse_events.csv", 5, "grade", "2.5", "must be a whole number", "error"),
    ]


# ---- everything at once ----------------------------------------------------------------------------------


def test_all_errors_of_all_tables_in_one_data_error(tmp_path):
    p = _patients(P01.replace(",65,", ",abc,"), P02.replace(",paraskeletal,", ",,"), P03,
                  head=P_HEAD + ",hemoglobin_g_l").replace("VGPR\n", "VGPR,30\n")
    a = ASSESSMENTS_CSV + "P99,2022-03-07,2,PR,10\n"
    e = ADVERSE_EVENTS_CSV + "P01,Anemia,9,2022-02-01\n"
    with pytest.raises(DataError) as ei:
        _run(tmp_path, patients=p, assessments=a, adverse_events=e)
    err = ei.value
    got = [(i.file, i.row, i.column, i.severity) for i in err.issues]
    assert got == [
        ("adverse_events.csv", 4, "grade", "error"),
        ("assessments.csv", 8, "patient_id", "error"),
        ("patients.csv", 2, "age", "error"),
        ("patients.csv", 3, "emd_type", "error"),
        ("patients.csv", 4, "hemoglobin_g_l", "warning"),  # warnings travel with the errors
    ]
    assert str(err) == "4 data error(s) found"


def test_mapping_config_errors_come_first(tmp_path):
    paths = write_trio(tmp_path / "d")
    cfg = make_config(paths).model_copy(update={"columns": {"patients": {"x": "nonsense"}}})
    with pytest.raises(ConfigError, match="'nonsense' is not a column of the patients table"):
        validate_inputs(load_raw(paths), cfg)


# ---- hospital exports: mapping, encodings, formats, identifiers --------------------------------------------

ZH_HEAD = "研究编号,性别,年龄,用药开始日期,方案,既往线数,周期数,髓外病变,髓外类型,末次随访,死亡日期,FISH del17p"
ZH_ROWS = [
    "S01,男,65,2022年1月10日,BRD,2,4,无,,2022/12/1,,阳性",
    "S02,女,58,2022.2.15,BPD,3,2,复发时,骨旁,2022-06-30,2022-06-30,阴性",
    "S03,男,71,44621,BRD,1,6,无,,2023-01-15,,未查",
]
ZH_CONFIG = {
    "columns": {"patients": {"研究编号": "patient_id", "性别": "sex", "年龄": "age", "用药开始日期": "index_date",
                             "方案": "regimen", "既往线数": "prior_lines", "周期数": "cycles", "髓外病变": "emd",
                             "髓外类型": "emd_type", "末次随访": "last_contact_date", "死亡日期": "death_date",
                             "FISH del17p": "fish_del17p"}},
    "values": {"*": {"阳性": "positive", "阴性": "negative"}, "sex": {"男": "M", "女": "F"},
               "emd": {"无": "none", "初诊时": "at_diagnosis", "复发时": "at_relapse"}, "emd_type": {"骨旁": "paraskeletal"}},
}


def _check_zh(v: Validated) -> None:
    assert v.issues == []
    p = v.tables["patients"]
    assert p["patient_id"].tolist() == ["S01", "S02", "S03"]
    assert p["sex"].tolist() == ["M", "F", "M"]
    assert p["index_date"].tolist() == [pd.Timestamp("2022-01-10"), pd.Timestamp("2022-02-15"),
                                        pd.Timestamp("2022-03-01")]
    assert p["emd"].tolist() == ["none", "at_relapse", "none"]
    assert p["emd_type"].tolist()[1] == "paraskeletal"
    assert p["fish_del17p"].tolist()[:2] == ["positive", "negative"] and pd.isna(p["fish_del17p"].iloc[2])
    assert v.headers["patients"]["研究编号"] == "patient_id"


def test_gbk_export_with_chinese_headers_and_values(tmp_path):
    path = tmp_path / "patients.csv"
    path.write_text("\n".join([ZH_HEAD, *ZH_ROWS]) + "\n", encoding="gbk")
    paths = {"patients": path}
    _check_zh(validate_inputs(load_raw(paths), make_config(paths, **ZH_CONFIG)))


def test_xlsx_export(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(ZH_HEAD.split(","))
    for r in ZH_ROWS:
        cells: list = [c or None for c in r.split(",")]
        cells[2] = int(cells[2])
        ws.append(cells)
    ws["D2"].value = pd.Timestamp("2022-01-10").to_pydatetime()  # a real Excel date
    ws["D4"].value = 44621  # and an unformatted serial
    path = tmp_path / "patients.xlsx"
    wb.save(path)
    paths = {"patients": path}
    _check_zh(validate_inputs(load_raw(paths), make_config(paths, **ZH_CONFIG)))


def test_sav_export_with_value_labels(tmp_path):
    df = pd.DataFrame({
        "patient_id": ["P01", "P02"], "sex": [1.0, 2.0], "age": [65.0, 58.0],
        "index_date": [pd.Timestamp("2022-01-10").date(), pd.Timestamp("2022-02-15").date()],
        "regimen": ["BRD", "BPD"], "prior_lines": [2.0, 3.0], "cycles": [4.0, 2.0], "emd": [0.0, 0.0],
        "last_contact_date": [pd.Timestamp("2022-12-01").date(), pd.Timestamp("2022-06-30").date()],
    })
    path = tmp_path / "patients.sav"
    pyreadstat.write_sav(df, str(path), variable_value_labels={"sex": {1.0: "男", 2.0: "女"}, "emd": {0.0: "无"}})
    paths = {"patients": path}
    v = validate_inputs(load_raw(paths), make_config(paths, values={"sex": {"男": "M", "女": "F"},
                                                                     "emd": {"无": "none"}}))
    assert v.issues == []
    p = v.tables["patients"]
    assert p["sex"].tolist() == ["M", "F"] and p["age"].tolist() == [65, 58]
    assert p["index_date"].tolist() == [pd.Timestamp("2022-01-10"), pd.Timestamp("2022-02-15")]
    assert p[LINE].tolist() == [1, 2]


def test_identifier_column_is_refused_and_not_reported_as_ignored(tmp_path):
    p = _patients(P01 + ",13812345678", P02 + ",13912345678", P03 + ",15000000000", head=P_HEAD + ",联系方式")
    issues = _errors(tmp_path, patients=p)
    assert len(issues) == 1
    file, row, column, value, rule, severity = issues[0]
    assert (file, row, column, value, severity) == ("patients.csv", None, "联系方式", None, "error")
    assert rule.startswith("the header looks like a phone number")


def test_identifier_mapped_to_patient_id_never_echoes_its_values(tmp_path):
    head = P_HEAD.replace("patient_id", "住院号")
    dup = "A1001" + P01[3:]
    p = _patients("A1001" + P01[3:], "A1002" + P02[3:], dup)
    a = "patient_id,assessment_date\nA1003,2022-02-07\n"
    with pytest.raises(DataError) as ei:
        _run(tmp_path, patients=p.replace(P_HEAD, head), assessments=a, adverse_events=None,
             columns={"patients": {"住院号": "patient_id"}})
    issues = ei.value.issues
    assert ("patients.csv", None, "住院号") in {(i.file, i.row, i.column) for i in issues}
    assert [(i.row, i.column, i.value) for i in issues if i.column == "patient_id" and i.file == "patients.csv"] == [
        (2, "patient_id", "<withheld>"), (4, "patient_id", "<withheld>")]
    # the assessments file keys on the same record numbers
    assert [(i.file, i.row, i.column, i.value) for i in issues if i.file == "assessments.csv"] == [
        ("assessments.csv", 2, "patient_id", "<withheld>")]
    assert not any("A100" in str(i.value) + i.rule for i in issues)


def test_deid_allow(tmp_path):
    p = _patients(P01 + ",a", P02 + ",b", P03 + ",c", head=P_HEAD + ",cell")
    assert _errors(tmp_path, patients=p)[0][2] == "cell"
    v = _run(tmp_path, patients=p, deid_allow=["cell"])
    assert [(i.column, i.severity) for i in v.issues] == [("cell", "warning")]  # only "ignored"


def test_issue_as_dict():
    i = Issue("p.csv", 2, "age", "17", "rule")
    assert i.as_dict() == {"file": "p.csv", "row": 2, "column": "age", "value": "17", "rule": "rule",
                           "severity": "error"}


def test_no_pandas_future_warnings_reach_the_user(tmp_path):
    with warnings.catch_warnings():
        warnings.simplefilter("error", FutureWarning)
        assert _one(tmp_path, patients=_patients(P01, P02.replace(",58,", ",17,"), P03))[2] == "age"


def test_header_only_patients_file_is_refused(tmp_path):
    """Was: a report on 0 patients."""
    paths = write_trio(tmp_path, PATIENTS_CSV.splitlines()[0] + "\n", None, None)
    with pytest.raises(DataError) as ei:
        validate_inputs(load_raw(paths), make_config(paths))
    assert [i.rule for i in ei.value.issues] == ["the file has a header but no patient rows: nothing to analyse"]


@pytest.mark.parametrize("date", ["1899-12-31", "2101-01-01", "2099-13-01"])
def test_dates_outside_1900_to_2100_are_refused(tmp_path, date):
    paths = write_trio(tmp_path, PATIENTS_CSV.replace("2022-12-01", date), None, None)
    with pytest.raises(DataError) as ei:
        validate_inputs(load_raw(paths), make_config(paths))
    (issue,) = ei.value.issues
    assert (issue.row, issue.column) == (2, "last_contact_date")
    if date != "2099-13-01":  # an impossible date stays "must be a date"
        assert issue.value == date and issue.rule.startswith("must be a date from 1900-01-01 to 2100-12-31")
