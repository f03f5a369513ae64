"""pipeline.run: one whole run; reproducible, atomic, with a manifest of what was read."""

from __future__ import annotations

import hashlib
import json
import logging

import pytest

from pipeline import run as run_mod
from pipeline.errors import DataError, Issue, UserError
from pipeline.run import prepare, run_study
from pipeline.text.issues import format_issues, validation_markdown, validation_payload
from tests.trio import PATIENTS_CSV, make_config, write_trio

# recorded best_response on the patients table: the run does not depend on the IMWG engine
RESPONSE = {"source": "patients"}
WARN_PATIENTS = PATIENTS_CSV.replace("patient_id,", "hemoglobin_g_l,patient_id,", 1).replace("\nP01,", "\n30,P01,")
WARN_PATIENTS = WARN_PATIENTS.replace("\nP02,", "\n120,P02,").replace("\nP03,", "\n,P03,")


def _tree(root):
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_prepare_validates_and_applies_the_cutoff(tmp_path, caplog):
    import datetime as dt

    paths = write_trio(tmp_path / "data")
    cfg = make_config(paths, cutoff=dt.date(2022, 3, 1))
    with caplog.at_level(logging.INFO, logger="mmcohort"):
        prep = prepare(cfg)
    assert set(prep.raw) == {"patients", "assessments", "adverse_events"}
    # P01's 2022-03-07 and P02's 2022-03-15 assessments are after the cut-off
    assert prep.tables["assessments"]["_line"].tolist() == [2, 3, 5, 7]
    assert prep.cutoff.assessments_dropped == 2
    assert prep.cutoff.adverse_events_dropped == 1
    stages = [r.getMessage().split()[0] for r in caplog.records]
    assert stages == ["load", "validate", "cutoff:", "cutoff"]  # the cycles note, then the stage line


def test_run_writes_the_folder_and_is_byte_identical(tmp_path):
    paths = write_trio(tmp_path / "data", patients=WARN_PATIENTS)
    cfg = make_config(paths, response=RESPONSE)
    first = run_study(cfg, tmp_path / "a")
    second = run_study(cfg, tmp_path / "b")
    assert first == tmp_path / "a" / "demo_cutoff-2023-06-30"
    a, b = _tree(first), _tree(second)
    derived = sorted(k for k in a if k.startswith("derived/"))
    assert {"derived/patients.csv", "derived/assessments.csv", "derived/adverse_events.csv"} <= set(derived)
    for k in [*derived, "validation.json", "validation.md"]:
        assert a[k] == b[k], k
    v = json.loads(a["validation.json"])
    assert (v["n_errors"], v["n_warnings"]) == (0, 1)
    assert v["issues"][0] == {"file": "patients.csv", "row": 2, "column": "hemoglobin_g_l", "value": "30",
                              "rule": "unusual value: outside the plausible range 45-190 g/L; please check it",
                              "severity": "warning", "code": "unusual_value"}
    assert a["derived/patients.csv"].startswith("\ufeffpatient_id,sex,age,".encode())
    header = a["derived/patients.csv"].decode("utf-8-sig").splitlines()[0].split(",")
    assert "_line" not in header and header[-1] == "fish_igh"  # contract order, whatever the export's


def test_manifest_has_the_sha256_of_every_input(tmp_path):
    paths = write_trio(tmp_path / "data")
    folder = run_study(make_config(paths, response=RESPONSE), tmp_path / "out")
    m = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert [(i["table"], i["path"], i["sha256"], i["encoding"], i["rows"]) for i in m["inputs"]] == [
        (name, str(paths[name]), hashlib.sha256(paths[name].read_bytes()).hexdigest(), "utf-8", rows)
        for name, rows in (("patients", 3), ("assessments", 6), ("adverse_events", 2))]
    assert m["study"] == "demo" and m["cutoff"] == "2023-06-30"
    assert m["rows_after_cutoff"] == {"patients": 3, "assessments": 6, "adverse_events": 2}
    assert m["config"]["inputs"]["patients"] == str(paths["patients"])
    assert m["cutoff_report"]["n_patients_excluded"] == 0
    assert m["versions"]["mmcohort"]


def test_a_failing_run_leaves_no_folder_and_keeps_the_previous_one(tmp_path, monkeypatch):
    paths = write_trio(tmp_path / "data")
    cfg = make_config(paths, response=RESPONSE)
    good = run_study(cfg, tmp_path / "out")
    before = _tree(good)

    def boom(issues):
        raise RuntimeError("disk full")

    monkeypatch.setattr(run_mod, "validation_markdown", boom)
    with pytest.raises(RuntimeError, match="disk full"):
        run_study(cfg, tmp_path / "out")
    assert _tree(good) == before
    assert [p.name for p in (tmp_path / "out").iterdir()] == [good.name]  # no temp folder left


def test_bad_data_write_nothing(tmp_path):
    paths = write_trio(tmp_path / "data", patients=PATIENTS_CSV.replace(",65,", ",sixty,"))
    with pytest.raises(DataError) as ei:
        run_study(make_config(paths, response=RESPONSE), tmp_path / "out")
    assert [(i.row, i.column, i.value) for i in ei.value.issues] == [(2, "age", "sixty")]
    assert not (tmp_path / "out").exists()


def test_a_cutoff_before_every_index_date_stops_with_a_clear_message(tmp_path):
    """0 patients treated by the cut-off: exit 2 naming the earliest index date, not a KeyError in the report."""
    import datetime as dt

    paths = write_trio(tmp_path / "data")
    with pytest.raises(UserError, match="2021-12-31 is before every patient's index_date .earliest 2022-01-10."):
        run_study(make_config(paths, response=RESPONSE, cutoff=dt.date(2021, 12, 31)), tmp_path / "out")
    assert not (tmp_path / "out").exists()


ISSUES = [
    Issue("patients.csv", 2, "age", "sixty", "must be a whole number"),
    Issue("patients.csv", None, "备注", None, "ignored", "warning"),
]


def test_format_issues():
    assert format_issues(ISSUES) == (
        "severity  file          line  column  value  rule\n"
        "error     patients.csv  2     age     sixty  must be a whole number\n"
        "warning   patients.csv        备注             ignored\n")
    assert format_issues([]) == "no problems found\n"


def test_long_values_are_shortened_on_one_line():
    out = format_issues([Issue("a.csv", 2, "note", "x\n" + "y" * 60, "r")])
    assert "x " + "y" * 37 + "…" in out
    assert out.count("\n") == 2


def test_validation_payload_and_markdown():
    assert validation_payload(ISSUES)["n_errors"] == 1
    assert validation_payload(ISSUES)["n_warnings"] == 1
    md = validation_markdown(ISSUES)
    assert md.startswith("# Validation\n\n1 error(s), 1 warning(s).\n")
    assert "| error | patients.csv | 2 | age | sixty | must be a whole number |" in md


def test_a_cutoffs_run_from_other_inputs_is_not_overwritten_without_replace(tmp_path):
    paths = write_trio(tmp_path / "data")
    cfg = make_config(paths, response=RESPONSE)
    folder = run_study(cfg, tmp_path / "out")
    before = (folder / "results.json").read_bytes()
    run_study(cfg, tmp_path / "out")  # same inputs and config: a rerun may replace it (it is identical)
    assert (folder / "results.json").read_bytes() == before
    paths["patients"].write_text(PATIENTS_CSV.replace(",65,", ",66,"), encoding="utf-8")  # a newer export
    with pytest.raises(UserError, match=r"different inputs \(the patients file changed\).*--replace"):
        run_study(cfg, tmp_path / "out")
    assert (folder / "results.json").read_bytes() == before  # the submitted run is untouched
    run_study(cfg, tmp_path / "out", replace=True)
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    sha = {i["table"]: i["sha256"] for i in manifest["inputs"]}
    assert sha["patients"] == hashlib.sha256(paths["patients"].read_bytes()).hexdigest()


def _one_workbook(tmp_path):
    """The trio as one workbook, a sheet per table (as hospitals export it), plus the CSVs to compare."""
    import io

    import pandas as pd

    from tests.trio import ADVERSE_EVENTS_CSV, ASSESSMENTS_CSV

    paths = write_trio(tmp_path / "csv")
    book = tmp_path / "export.xlsx"
    with pd.ExcelWriter(book) as xw:
        for sheet, text in (("说明", "note\nnot data\n"), ("患者信息", PATIENTS_CSV), ("疗效评估", ASSESSMENTS_CSV),
                            ("不良事件", ADVERSE_EVENTS_CSV)):
            pd.read_csv(io.StringIO(text), dtype=str).to_excel(xw, sheet_name=sheet, index=False)
    return paths, book


def test_one_workbook_with_a_sheet_per_table(tmp_path):
    from tests.trio import make_config

    paths, book = _one_workbook(tmp_path)
    sheet = {"patients": "患者信息", "assessments": "疗效评估", "adverse_events": "不良事件"}
    cfg = make_config({t: book for t in sheet}, inputs={**{t: str(book) for t in sheet}, "sheet": sheet})
    prep = prepare(cfg)
    ref = prepare(make_config(paths))
    for t in sheet:
        assert prep.tables[t].equals(ref.tables[t]), t


def test_a_sheet_the_workbook_lacks_is_named_with_the_sheets_it_has(tmp_path):
    from tests.trio import make_config

    _, book = _one_workbook(tmp_path)
    sheet = {"patients": "患者信息", "assessments": "疗效"}
    cfg = make_config({}, inputs={"patients": str(book), "assessments": str(book), "sheet": sheet})
    with pytest.raises(DataError) as ei:
        prepare(cfg)
    [issue] = ei.value.issues
    assert (issue.file, issue.code) == ("export.xlsx", "missing_sheet")
    assert issue.rule == ("inputs.sheet.assessments names the sheet '疗效', which the workbook does not have (its "
                          "sheets: '说明', '患者信息', '疗效评估', '不良事件')")
    cfg = make_config({}, inputs={"patients": str(book), "sheet": "Patients"})
    with pytest.raises(DataError) as ei:
        prepare(cfg)
    assert ei.value.issues[0].rule.startswith("inputs.sheet names the sheet 'Patients', which the workbook")
