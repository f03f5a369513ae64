"""pipeline.text.escape: text from the data is inert in CSV, xlsx and Markdown outputs; numbers are untouched."""

from __future__ import annotations

import datetime as dt
import io

import numpy as np
import openpyxl
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.runs.folder import read_csv_text, write_csv, write_xlsx
from pipeline.text.escape import FORMULA_START, csv_restore, csv_safe, is_risky, md_code, md_escape, xml_text

HOSTILE = ["=1+2", "+1+1", "-2+3", "@SUM(A1)", "\tx", "\rx", "=HYPERLINK(\"http://x\",\"y\")",
           "-cmd|' /C calc'!A0", "\uff1d1+1", "'=1+1", "''@x"]


def _csv_cells(path) -> list[str]:
    import csv

    with open(path, encoding="utf-8-sig", newline="") as f:
        return [c for row in csv.reader(f) for c in row]


def test_risky_text_cells_get_a_quote_and_numbers_do_not(tmp_path):
    df = pd.DataFrame({"id": HOSTILE, "num": np.linspace(-5, 5, len(HOSTILE)),
                       "txtnum": ["-3", "+1.5", "-0.25e-3", ".5", "-", "--1", "- 1", "1-2", "ok", "", None]})
    p = tmp_path / "t.csv"
    write_csv(p, df)
    text = p.read_bytes().decode("utf-8-sig")
    cells = _csv_cells(p)
    # a spreadsheet-active cell starts with = + - @ tab CR (OWASP); none is left unquoted
    assert not [c for c in cells if c and c[0] in FORMULA_START and not _is_number(c)]
    assert "'=1+2" in cells and "'@SUM(A1)" in cells and "'-cmd|' /C calc'!A0" in cells
    assert "''=1+1" in cells and "'''@x" in cells  # quotes before a risky start: one more, so it reverses
    # the numeric column is written as numbers, negatives included
    assert "\r\n" in text and ",-5," in text and ",5," in text.replace("\r\n", ",")  # CRLF: a cell holds a CR
    # text that is a plain number stays a number; anything else starting with - is text
    assert {"-3", "+1.5", "-0.25e-3", ".5"} <= set(cells)
    assert {"'-", "'--1", "'- 1", "1-2"} <= set(cells)


def _is_number(c: str) -> bool:
    try:
        float(c)
    except ValueError:
        return False
    return True


def test_read_back_gives_the_original_text(tmp_path):
    df = pd.DataFrame({"id": HOSTILE, "n": range(len(HOSTILE))})
    df.columns = ["=id", "n"]
    write_csv(tmp_path / "t.csv", df)
    back = read_csv_text(tmp_path / "t.csv", keep_default_na=False)
    assert back.columns.tolist() == ["=id", "n"]
    assert back["=id"].tolist() == HOSTILE
    assert back["n"].tolist() == [str(i) for i in range(len(HOSTILE))]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(st.none(), st.text(alphabet=st.sampled_from("'=+-@\t\r\n1.eE x\uff0d"), max_size=6)),
                min_size=1, max_size=8))
def test_csv_safe_round_trips_and_leaves_nothing_active(values):
    df = pd.DataFrame({"v": pd.Series(values, dtype=object)})
    safe = csv_safe(df)
    for orig, out in zip(values, safe["v"], strict=True):
        if orig is None:
            assert out is None
        else:
            assert not out or out[0] not in FORMULA_START or _is_number_like(out)
    assert csv_restore(safe)["v"].tolist() == values


def _is_number_like(s: str) -> bool:
    return not is_risky(s) and _is_number(s)


def test_non_text_columns_are_left_alone():
    df = pd.DataFrame({"d": pd.to_datetime(["2022-01-01", None]), "i": pd.array([-1, None], dtype="Int64"),
                       "b": pd.array([True, None], dtype="boolean"), "c": pd.Categorical(["=x", "y"])})
    out = csv_safe(df)
    assert out["d"].equals(df["d"]) and out["i"].equals(df["i"]) and out["b"].equals(df["b"])
    assert out["c"].tolist() == ["'=x", "y"]


def test_xlsx_has_no_formula_cell(tmp_path):
    tables = {"t": pd.DataFrame({"id": HOSTILE, "x": np.arange(len(HOSTILE)) - 3.5})}
    p = tmp_path / "t.xlsx"
    write_xlsx(p, tables, dt.datetime(2023, 6, 30))
    ws = openpyxl.load_workbook(io.BytesIO(p.read_bytes()))["t"]
    cells = [c for row in ws.iter_rows(min_row=2) for c in row]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    text = [c for c in cells if c.column == 1]
    assert [c.value for c in text] == HOSTILE  # the exact text, stored as strings
    assert all(c.data_type == "s" and c.quotePrefix for c in text)  # Excel keeps them text when edited
    assert [c.value for c in cells if c.column == 2] == list(np.arange(len(HOSTILE)) - 3.5)
    assert all(c.data_type == "n" for c in cells if c.column == 2)


@pytest.mark.parametrize(("text", "expected"), [
    ("<script>alert(1)</script>", "&lt;script>alert(1)&lt;/script>"),
    ("<img src=x onerror=alert(1)>", "&lt;img src=x onerror=alert(1)>"),
    ("Study\n# Injected", "Study # Injected"),
    ("# heading", "\\# heading"),
    ("> quote", "\\> quote"),
    ("- item", "\\- item"),
    ("1. item", "1\\. item"),
    ("[click](http://evil)", "[click\\](http://evil)"),
    ("**bold** _it_ `code` ~~s~~ $x$ a|b", "\\*\\*bold\\*\\* \\_it\\_ \\`code\\` \\~\\~s\\~\\~ \\$x\\$ a\\|b"),
    ("&lt;b&gt;", "&amp;lt;b&amp;gt;"),
    # ordinary text is left as it is
    ("p < 0.05; sCR > CR; A & B; bor_best; [42-80]; 10^9/L; -5", None),
])
def test_md_escape(text, expected):
    assert md_escape(text) == (text if expected is None else expected)


def test_md_escape_in_a_table_cell_keeps_a_leading_dash_and_escapes_pipes():
    assert md_escape("- 1 | 2", cell=True) == "- 1 \\| 2"


def test_md_code_fence_is_longer_than_any_backtick_run():
    block = md_code("title: '```\n  ````'", "yaml")
    assert block.startswith("`````yaml\n") and block.endswith("\n`````")


_CELL = st.text(alphabet=st.sampled_from(list("=+-@'\"\t\r\n,;|$<>#*_`x1.e ") + ["\x01", "\x1f", "\u200b", "\uff1d",
                                                                              "é", "男"]), max_size=8)


@settings(max_examples=40, deadline=None)
@given(st.lists(_CELL, min_size=1, max_size=6), st.lists(st.floats(-1e6, 1e6), min_size=6, max_size=6))
def test_fuzz_writers_leave_no_formula_and_read_back_exactly(tmp_path_factory, cells, nums):
    """Generated hostile cells through write_csv and write_xlsx: nothing active, the text comes back."""
    d = tmp_path_factory.mktemp("fuzz")
    df = pd.DataFrame({"text": cells, "num": nums[:len(cells)]})
    write_csv(d / "t.csv", df)
    assert not [c for c in _csv_cells(d / "t.csv") if c and c[0] in FORMULA_START and not _is_number(c)]
    back = read_csv_text(d / "t.csv", keep_default_na=False)
    assert back["text"].tolist() == cells
    assert [float(x) for x in back["num"]] == pytest.approx(nums[:len(cells)], rel=1e-9, abs=1e-9)
    write_xlsx(d / "t.xlsx", {"t": df}, dt.datetime(2023, 6, 30))
    ws = openpyxl.load_workbook(d / "t.xlsx")["t"]
    rows = list(ws.iter_rows(min_row=2))
    assert not [c.coordinate for row in rows for c in row if c.data_type == "f"]
    # the text as written (XML cannot hold C0 control characters: they read U+FFFD); empty cells are empty
    assert [r[0].value or "" for r in rows] == [xml_text(c) for c in cells]
    assert all(r[1].data_type == "n" for r in rows)


def test_docx_and_xlsx_take_control_characters(tmp_path):
    from pipeline.report.docx import build_docx
    from pipeline.report.tables import DisplayTable

    write_xlsx(tmp_path / "t.xlsx", {"t": pd.DataFrame({"a\x01": ["B\x01PD", "ok"]})}, dt.datetime(2023, 6, 30))
    ws = openpyxl.load_workbook(tmp_path / "t.xlsx")["t"]
    assert [c.value for c in ws["A"]] == ["a\ufffd", "B\ufffdPD", "ok"]
    tab = DisplayTable(key="t", title="T\x02", columns=["c\x03"], rows=[["v\x04"]], footnotes=["f\x06"], kinds=[""])
    assert build_docx([tab], title="Title\x05").startswith(b"PK")


def test_string_and_categorical_columns_with_missing_values():
    df = pd.DataFrame({"s": pd.array(["=a", None, "b\r"], dtype="string"), "c": pd.Categorical(["@x", None, "y"])})
    out = csv_safe(df)
    assert out["s"].tolist()[0] == "'=a" and out["s"].isna().tolist() == [False, True, False]
    assert out["c"].tolist()[0] == "'@x" and out["c"].isna().tolist() == [False, True, False]
    back = csv_restore(out)
    assert back["s"].tolist()[0] == "=a" and back["c"].tolist()[0] == "@x"
