"""mmcohort init given a workbook for the patients table only: its other sheets that look like the assessments
or adverse-events tables are proposed for them (CHECK); sheets that look like no table are listed, not read."""

from __future__ import annotations

import re
from pathlib import Path

import openpyxl
import pandas as pd
import yaml
from click.testing import CliRunner

from pipeline.cli import main
from pipeline.config import load_config
from pipeline.run import prepare
from tests.draft.test_init import ZH, ZH_ASSESSMENTS, ZH_COLUMNS, ZH_EVENTS, _init, _valid

ROOT = Path(__file__).resolve().parents[2]
BENDAMUSTINE = ROOT / "synthetic_data" / "bendamustine_rrmm"
# a laboratory's reference ranges: one header ('Sex') is a patients column; nothing else is any table's
LAB_RANGES = {"Test": ["Hemoglobin", "Hemoglobin", "Creatinine"], "Sex": ["M", "F", ""], "Unit": ["g/L", "g/L", "umol/L"],
              "Lower limit": [130, 120, 57], "Upper limit": [175, 160, 111]}


def _book(tmp: Path, sheets: dict[str, dict], name: str = "export.xlsx", hidden: tuple[str, ...] = ()) -> Path:
    path = tmp / name
    with pd.ExcelWriter(path) as xw:
        for sheet, cols in sheets.items():
            pd.DataFrame(cols).to_excel(xw, sheet_name=sheet, index=False)
    if hidden:
        wb = openpyxl.load_workbook(path)
        for s in hidden:
            wb[s].sheet_state = "hidden"
        wb.save(path)
    return path


def _sheet_line(text: str, table: str) -> str:
    return next(x for x in text.splitlines() if x.startswith(f"    {table}: "))


def test_a_patients_workbook_with_three_sheets_drafts_all_three_tables_each_marked(tmp_path):
    book = _book(tmp_path, {"疗效评估": ZH_ASSESSMENTS, "患者信息": ZH, "不良事件": ZH_EVENTS})
    r, text = _init(tmp_path, book)
    assert r.exit_code == 0, r.stderr
    cfg, prep = _valid(tmp_path)
    assert cfg.inputs.sheet == {"patients": "患者信息", "assessments": "疗效评估", "adverse_events": "不良事件"}
    assert {t: cfg.input_path(t).resolve() for t in ("patients", "assessments", "adverse_events")} == dict.fromkeys(
        ("patients", "assessments", "adverse_events"), book.resolve())
    assert re.sub(r"\s+#", " #", _sheet_line(text, "assessments")) == (
        "    assessments: 疗效评估 # CHECK: no --assessments given: this sheet of the patients workbook, by its "
        "headers (4 name assessments columns); other sheets: '患者信息' (3), '不良事件' (1)")
    assert "CHECK: no --adverse-events given: this sheet of the patients workbook" in _sheet_line(text, "adverse_events")
    assert "CHECK: chosen by its headers (11 name patients columns)" in _sheet_line(text, "patients")
    assert len(prep.tables["assessments"]) == 3 and prep.tables["adverse_events"]["grade"].tolist() == [3]
    assert ("mmcohort init: CHECK: the assessments table read from sheet '疗效评估' of export.xlsx: no --assessments "
            "given: this sheet of the patients workbook, by its headers (4 name assessments columns)") in r.stderr
    assert "the adverse_events table read from sheet '不良事件' of export.xlsx: no --adverse-events given" in r.stderr
    # the columns are drafted exactly as when the workbook is given for every table
    r2, text2 = _init(tmp_path, book, "--assessments", str(book), "--adverse-events", str(book), out="given.yaml")
    given = load_config(tmp_path / "given.yaml")
    assert cfg.columns == given.columns and cfg.values == given.values and cfg.inputs.sheet == given.inputs.sheet
    assert cfg.columns["patients"] == ZH_COLUMNS
    assert "not used" not in text  # every sheet is read


def test_a_sheet_that_matches_no_table_is_listed_not_proposed(tmp_path):
    book = _book(tmp_path, {"说明": {"说明": ["not data"]}, "患者信息": ZH, "参考范围": LAB_RANGES,
                            "疗效评估": ZH_ASSESSMENTS})
    r, text = _init(tmp_path, book)
    assert r.exit_code == 0, r.stderr
    cfg, _ = _valid(tmp_path)
    assert cfg.inputs.sheet == {"patients": "患者信息", "assessments": "疗效评估"}
    assert cfg.inputs.adverse_events is None and "adverse_events" not in cfg.columns
    assert "# sheet '说明' not used: its headers match no table" in text.splitlines()
    assert "# sheet '参考范围' not used: its headers match no table" in text.splitlines()
    assert "参考范围" not in yaml.safe_load(text)["inputs"]["sheet"].values()


def test_a_hidden_sheet_is_never_proposed(tmp_path):
    book = _book(tmp_path, {"患者信息": ZH, "不良事件": ZH_EVENTS, "疗效评估": ZH_ASSESSMENTS}, hidden=("不良事件",))
    r, text = _init(tmp_path, book)
    assert r.exit_code == 0, r.stderr
    cfg, _ = _valid(tmp_path)
    assert cfg.inputs.sheet == {"patients": "患者信息", "assessments": "疗效评估"}
    assert cfg.inputs.adverse_events is None
    assert "# sheet '不良事件' not used: hidden" in text.splitlines()


def test_tables_given_explicitly_are_left_alone(tmp_path):
    book = _book(tmp_path, {"患者信息": ZH, "疗效评估": ZH_ASSESSMENTS, "不良事件": ZH_EVENTS})
    other = tmp_path / "assessments.csv"
    pd.DataFrame(ZH_ASSESSMENTS).to_csv(other, index=False)
    r, text = _init(tmp_path, book, "--assessments", str(other))
    assert r.exit_code == 0, r.stderr
    cfg, _ = _valid(tmp_path)
    assert cfg.input_path("assessments").resolve() == other.resolve()
    assert cfg.inputs.sheet == {"patients": "患者信息", "adverse_events": "不良事件"}
    assert ("# sheet '疗效评估' not used: its headers match the assessments table (4 columns), read from "
            "assessments.csv") in text.splitlines()


def test_sheet_option_names_the_patients_sheet_and_the_others_are_proposed(tmp_path):
    book = _book(tmp_path, {"说明": {"说明": ["not data"]}, "患者信息": ZH, "疗效评估": ZH_ASSESSMENTS})
    r, text = _init(tmp_path, book, "--sheet", "患者信息")
    assert r.exit_code == 0, r.stderr
    cfg, _ = _valid(tmp_path)
    assert cfg.inputs.sheet == {"patients": "患者信息", "assessments": "疗效评估"}
    assert re.search(r"    patients: 患者信息 +# from --sheet$", text, re.M)


def test_a_patients_workbook_whose_other_sheets_hold_no_table_keeps_the_one_sheet(tmp_path):
    book = _book(tmp_path, {"readme": {"说明": ["not data"]}, "患者": ZH})
    r, text = _init(tmp_path, book, "--sheet", "患者")
    assert r.exit_code == 0, r.stderr
    cfg, _ = _valid(tmp_path)
    assert cfg.inputs.sheet == "患者" and cfg.inputs.assessments is None
    assert "# sheet 'readme' not used: its headers match no table" in text.splitlines()


def test_the_bendamustine_export_as_one_workbook_drafts_a_config_validate_accepts(tmp_path):
    book = tmp_path / "bendamustine.xlsx"
    with pd.ExcelWriter(book) as xw:
        for t in ("patients", "assessments", "adverse_events"):
            pd.read_csv(BENDAMUSTINE / f"{t}.csv").to_excel(xw, sheet_name=t, index=False)
    r, text = _init(tmp_path, book)
    assert r.exit_code == 0, r.stderr
    cfg = load_config(tmp_path / "study.yaml")
    assert cfg.inputs.sheet == {"patients": "patients", "assessments": "assessments",
                                "adverse_events": "adverse_events"}
    for table, mapping in cfg.columns.items():
        assert mapping and all(k == v for k, v in mapping.items()), table
    v = CliRunner().invoke(main, ["validate", "--config", str(tmp_path / "study.yaml")], catch_exceptions=False)
    assert v.exit_code == 0, v.output + v.stderr
    # the same tables as the bundled CSVs give, each given for its table
    r, _ = _init(tmp_path, BENDAMUSTINE / "patients.csv", "--assessments", str(BENDAMUSTINE / "assessments.csv"),
                 "--adverse-events", str(BENDAMUSTINE / "adverse_events.csv"), out="csv.yaml")
    from_book, from_csv = prepare(cfg), prepare(load_config(tmp_path / "csv.yaml"))
    assert set(from_book.tables) == set(from_csv.tables) == {"patients", "assessments", "adverse_events"}
    for t, frame in from_csv.tables.items():
        pd.testing.assert_frame_equal(from_book.tables[t], frame, check_dtype=False)


def test_the_threshold_two_whole_header_matches_and_the_sheets_best_table(tmp_path):
    """A sheet naming two adverse-events columns is proposed (score 6 = PROPOSE_AT); one naming only the
    identifier every table shares is not; nor is a second patients sheet, though it names three assessments
    columns (patient_id and two dates): its headers match the patients table better."""
    from pipeline.draft import draft_config
    from pipeline.draft.sheets import PROPOSE_AT

    assert PROPOSE_AT == 6.0
    ids = {"研究编号": ["S01", "S02"]}
    two = {**ids, "不良事件": ["贫血", "乏力"]}
    book = _book(tmp_path, {"患者信息": ZH, "AE": two, "ids": ids, "旧患者信息": ZH})
    draft = draft_config({"patients": book}, "s")
    assert {t: draft.sheet[t] for t in draft.tables} == {"patients": "患者信息", "adverse_events": "AE"}
    assert draft.unused_sheets == ["sheet 'ids' not used: its headers match no table",
                                   "sheet '旧患者信息' not used: its headers match the patients table (11 columns), "
                                   "read from sheet '患者信息'"]
    one = _book(tmp_path, {"患者信息": ZH, "AE": {**ids, "备注": ["x", "y"]}}, name="one.xlsx")
    draft = draft_config({"patients": one}, "s")
    assert list(draft.tables) == ["patients"] and draft.unused_sheets == [
        "sheet 'AE' not used: its headers match no table"]
