"""pipeline.ingest.xlsx: the first visible sheet is read (and said so); a formula without a saved result is named."""

from __future__ import annotations

import openpyxl
import pytest

from pipeline.errors import DataError
from pipeline.ingest.load import read_table


def test_hidden_first_sheet_is_skipped_with_a_warning(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "lookup"
    ws.append(["code", "meaning"])
    ws.sheet_state = "hidden"
    data = wb.create_sheet("data")
    data.append(["patient_id", "age"])
    data.append(["P01", 60])
    p = tmp_path / "p.xlsx"
    wb.save(p)
    rt = read_table("patients", p)
    assert rt.frame["patient_id"].tolist() == ["P01"]
    (note,) = rt.notes
    assert note.severity == "warning" and note.file == "p.xlsx"
    assert note.rule.startswith("the first sheet 'lookup' is hidden: read the first visible sheet 'data'")
    assert "inputs.sheet" in note.rule
    assert read_table("patients", p, sheet="lookup").frame.columns.tolist()[:2] == ["code", "meaning"]


def test_visible_first_sheet_gives_no_note(tmp_path):
    wb = openpyxl.Workbook()
    wb.active.append(["patient_id"])
    wb.active.append(["P01"])
    wb.create_sheet("other")
    p = tmp_path / "p.xlsx"
    wb.save(p)
    assert read_table("patients", p).notes == ()


def test_formula_without_saved_value_is_named_not_missing(tmp_path):
    """openpyxl writes formulas without results (as do many export tools): the cell reads as empty."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["patient_id", "age", "cycles"])
    ws.append(["P01", 60, 4])
    ws.append(["P02", "=B2+1", 2])
    p = tmp_path / "p.xlsx"
    wb.save(p)
    with pytest.raises(DataError) as ei:
        read_table("patients", p)
    (issue,) = ei.value.issues
    assert (issue.file, issue.row, issue.column, issue.value) == ("p.xlsx", 3, "age", None)
    assert issue.rule.startswith("the cell holds a formula whose result was never saved")
