"""pipeline.ingest.xlsx: the first visible sheet is read (and said so); a formula without a saved result is named;
the sheet is read as its XML lists the cells, with its extent bounded (hostile workbooks)."""

from __future__ import annotations

import datetime as dt
import time
import zipfile

import openpyxl
import pandas as pd
import pytest
from openpyxl.utils import get_column_letter

from pipeline.errors import Code, DataError
from pipeline.ingest.limits import MAX_COLUMNS, MAX_SHEET_CELLS
from pipeline.ingest.load import LINE, read_table
from pipeline.ingest.xlsx import read_sheet


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


def _with_rows(tmp_path, rows_xml: str, header=("patient_id", "age"), data=(("P01", 60), ("P02", 70))):
    """A workbook whose sheet XML gets ``rows_xml`` appended to its rows (what openpyxl cannot write)."""
    wb = openpyxl.Workbook()
    wb.active.append(list(header))
    for r in data:
        wb.active.append(list(r))
    plain, out = tmp_path / "plain.xlsx", tmp_path / "p.xlsx"
    wb.save(plain)
    with zipfile.ZipFile(plain) as zi, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zo:
        for info in zi.infolist():
            part = zi.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                part = part.replace(b"</sheetData>", rows_xml.encode() + b"</sheetData>")
            zo.writestr(info.filename, part)
    return out


def _issue(p):
    with pytest.raises(DataError) as ei:
        read_table("patients", p)
    (issue,) = ei.value.issues
    return issue


def test_formatted_empty_cells_far_right_do_not_widen_every_row(tmp_path):
    """A formatted empty cell in column XFD (16,384) on each of 3,000 rows: a 20 KB workbook that took 40 s
    (openpyxl's iter_rows padded every row to 16,384 cells, pandas converted each one)."""
    p = _with_rows(tmp_path, "".join(f'<row r="{n}"><c r="XFD{n}" s="1"/></row>' for n in range(4, 3004)))
    t = time.perf_counter()
    frame = read_table("patients", p).frame
    assert time.perf_counter() - t < 5
    assert frame.columns.tolist() == ["patient_id", "age", LINE] and frame["age"].tolist() == [60, 70]


def test_value_beyond_the_column_limit_is_refused_naming_its_row(tmp_path):
    col = get_column_letter(MAX_COLUMNS + 500)
    issue = _issue(_with_rows(tmp_path, f'<row r="5"><c r="{col}5" t="inlineStr"><is><t>x</t></is></c></row>'))
    assert (issue.file, issue.row, issue.code) == ("p.xlsx", 5, Code.TOO_MANY_COLUMNS)
    assert f"column {MAX_COLUMNS + 500:,}" in issue.rule


def test_sparse_sheet_spanning_too_many_cells_is_refused_before_it_is_made_dense(tmp_path):
    """One value in column 2,000 and one per row down to row 40,000: 80 million cells once dense."""
    rows = f'<row r="4"><c r="{get_column_letter(MAX_COLUMNS)}4"><v>1</v></c></row>' + "".join(
        f'<row r="{n}"><c r="A{n}"><v>{n}</v></c></row>' for n in range(5, 40_001))
    issue = _issue(_with_rows(tmp_path, rows))
    assert issue.code == Code.WORKBOOK_TOO_LARGE and "40,000 rows x 2,000 columns" in issue.rule
    assert MAX_SHEET_CELLS < 40_000 * 2_000


def test_row_numbered_beyond_excel_is_refused(tmp_path):
    issue = _issue(_with_rows(tmp_path, '<row r="1048577"/>'))
    assert issue.code == Code.WORKBOOK_TOO_LARGE and "1,048,577" in issue.rule


def test_cells_are_what_pandas_read_excel_gives(tmp_path):
    """The sheet reader gives the cells pandas.read_excel(header=None, dtype=object) gives: numbers (1.0 as
    1), dates, booleans, errors (NaN), "NA" text (NaN), blank leading and middle rows and columns."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws["B2"], ws["C2"], ws["D2"], ws["F2"] = "patient_id", "age", "when", "flag"
    ws["B3"], ws["C3"], ws["D3"], ws["E3"], ws["F3"] = "P01", 60.0, dt.datetime(2022, 1, 5), "NA", True
    ws["B5"], ws["C5"], ws["D5"], ws["F5"] = "P02", 61.5, dt.date(2022, 2, 1), "#N/A"
    ws["B6"], ws["C6"], ws["E6"] = " P03 ", 1.10105199003071e17, ""
    p = tmp_path / "p.xlsx"
    wb.save(p)
    cells, _ = read_sheet(p, None)
    pd.testing.assert_frame_equal(cells, pd.read_excel(p, header=None, dtype=object, engine="openpyxl"))
    assert cells.shape == (6, 6)


def test_date_column_with_an_empty_cell_parses(tmp_path):
    """A death-date column of date cells with a blank (a patient alive): pandas makes the column datetime64
    with NaT for the blank, which the date parser must read as missing, not crash on."""
    from pipeline.ingest.parse import parse_date

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["id", "death"])
    ws.append(["P1", dt.datetime(2021, 3, 4)])
    ws.append(["P2", None])
    ws.append(["P3", dt.datetime(2022, 1, 2)])
    wb.save(tmp_path / "p.xlsx")
    frame = read_table("patients", tmp_path / "p.xlsx").frame
    dates, bad = parse_date(frame["death"])
    assert list(dates) == [pd.Timestamp("2021-03-04"), pd.NaT, pd.Timestamp("2022-01-02")]
    assert not bad.any()
