"""pipeline.ingest.limits: a zip bomb, a huge cell or a very wide table is refused with a located message."""

from __future__ import annotations

import time
import zipfile

import openpyxl
import pytest

from pipeline.errors import DataError
from pipeline.ingest.limits import MAX_CELL_CHARS, MAX_COLUMNS, MAX_XLSX_RATIO
from pipeline.ingest.load import read_table


def _issues(path, **kw):
    with pytest.raises(DataError) as ei:
        read_table("patients", path, **kw)
    return ei.value.issues


def test_xlsx_zip_bomb_refused_before_inflating(tmp_path):
    """A workbook whose sheet inflates 1000x (6 MB -> 6.35 GB in the issue) is refused from its zip
    directory alone: here 40 MB of zeros compress to ~40 kB."""
    good = tmp_path / "good.xlsx"
    wb = openpyxl.Workbook()
    wb.active.append(["patient_id"])
    wb.save(good)
    bomb = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info, src.read(info))
        dst.writestr("xl/media/padding.bin", b"\0" * (40 * 2**20))
    t0 = time.perf_counter()
    (issue,) = _issues(bomb)
    assert time.perf_counter() - t0 < 2
    assert issue.file == "bomb.xlsx" and "xl/media/padding.bin" in issue.rule and "CSV UTF-8" in issue.rule
    assert "inflates" in issue.rule and MAX_XLSX_RATIO == 100


def test_not_a_zip_is_a_located_error(tmp_path):
    p = tmp_path / "p.xlsx"
    p.write_bytes(b"PK\x03\x04 not really")
    (issue,) = _issues(p)
    assert issue.rule.startswith("cannot read the Excel file")


def test_cell_longer_than_excel_allows_is_refused_with_its_line(tmp_path):
    p = tmp_path / "p.csv"
    p.write_text("patient_id,note\nP01,ok\nP02," + "x" * (MAX_CELL_CHARS + 1) + "\n", encoding="utf-8")
    (issue,) = _issues(p)
    assert (issue.file, issue.row, issue.column, issue.value) == ("p.csv", 3, "note", None)
    assert issue.rule.startswith(f"the cell has {MAX_CELL_CHARS + 1:,} characters, more than {MAX_CELL_CHARS:,}")
    p.write_text("patient_id,note\nP01," + "x" * MAX_CELL_CHARS + "\n", encoding="utf-8")
    assert len(read_table("patients", p).frame) == 1  # exactly the limit is fine


def test_quoted_csv_cells_are_bounded_too(tmp_path):
    """(The careful CSV reader; openpyxl itself caps an xlsx cell at Excel's 32,767 characters.)"""
    p = tmp_path / "p.csv"
    p.write_text('patient_id,note\nP01,"a,' + "y" * MAX_CELL_CHARS + '"\n', encoding="utf-8")
    (issue,) = _issues(p)
    assert (issue.row, issue.column) == (2, "note")


def test_too_many_columns_refused(tmp_path):
    p = tmp_path / "p.csv"
    n = MAX_COLUMNS + 1
    p.write_text(",".join(f"c{i}" for i in range(n)) + "\n" + ",".join("1" for _ in range(n)) + "\n",
                 encoding="utf-8")
    (issue,) = _issues(p)
    assert (issue.row, issue.column) == (1, None)
    assert issue.rule.startswith(f"the header has {n:,} columns, more than the {MAX_COLUMNS:,}")
