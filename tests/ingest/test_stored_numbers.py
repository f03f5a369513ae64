"""pipeline.ingest.identifiers: an ID or mobile number stored as a number (an Excel number cell, a float
column written to CSV) is refused like one typed as text, though its check character is lost; the message
names the file, the line and the column, never the value."""

from __future__ import annotations

import openpyxl
import pandas as pd
import pytest
from click.testing import CliRunner

from pipeline.cli import main
from pipeline.errors import Issue
from pipeline.ingest.deid import check_identifiers
from pipeline.ingest.identifiers import (
    KIND_ID15,
    KIND_MOBILE,
    KIND_NUMBER,
    KIND_SHORTENED,
    id18_checksum_ok,
    is_shortened_id,
    screen_texts,
    whole_number_is_id,
)
from pipeline.ingest.load import read_table
from pipeline.ingest.parse import as_text
from tests.trio import ADVERSE_EVENTS_CSV, ASSESSMENTS_CSV, PATIENTS_CSV, write_trio

ID = "110105199003071233"  # valid check character; Excel keeps 15 significant digits of it
EXCEL_ID = 1.10105199003071e17  # what an Excel number cell holds (and its XML says) once ID is typed in
ID15 = "110105900307123"
MOBILE = "13812345678"
#: Digits of the three that must never reach a message (the leading 14 are the area code and birth date).
SECRETS = (ID[:14], ID15, MOBILE)


def _kinds(*cells: object) -> list[list[str]]:
    raw = pd.Series(cells, dtype=object)
    hits = screen_texts(as_text(raw), raw)
    return [[k for k, m in hits.items() if m.iloc[i]] for i in range(len(cells))]


def test_an_excel_number_loses_the_check_character():
    """Why a number needs its own test: the text the screen sees for the cell fails the check character."""
    seen = as_text(pd.Series([EXCEL_ID], dtype=object)).iloc[0]
    assert len(seen) == 18 and seen[:15] == ID[:15] and not id18_checksum_ok(seen)


@pytest.mark.parametrize("cell", [
    EXCEL_ID, int(EXCEL_ID), 110105199003071000, 110105199003071000.0,  # number cells (xlsx, SPSS)
    "1.10105199003071E+17", "1.10105199003071e+17", "1.1010519900307101e+17", "1.10105199003071e17",  # CSV text
    "110105199003071000", "110105199003071000.0",  # Excel's "0" number format; a float column
    "1.1010519900310E+17",  # the birth date 1990-03-10 with its trailing zero dropped from the mantissa
    "4.4030119491231E+17",  # Guangdong, 1949-12-31
    "110105900307123.0", "1.10105900307123E+14",  # 15-digit IDs written as floats
    "13812345678.0", "13812345678.00", "1.3812345678E+10", "1.3812345678e+10",  # mobile numbers as floats
])
def test_id_or_mobile_numbers_stored_as_numbers(cell):
    assert _kinds(cell) == [[KIND_NUMBER]]


@pytest.mark.parametrize(("cell", "kind"), [
    (110105900307123, KIND_ID15), (110105900307123.0, KIND_ID15), (13812345678, KIND_MOBILE),
    (13812345678.0, KIND_MOBILE),
])
def test_exact_numbers_keep_their_own_kind(cell, kind):
    """15 and 11 digits fit in a double: the number reads back exactly, and is named as the text would be."""
    assert _kinds(cell) == [[kind]]


@pytest.mark.parametrize("cell", [
    "1.10105E+17", "1.10105e+17", "4.40301E+17",  # Excel's CSV of a General cell: 6 significant digits
    "1.1E+17", "8.2E+17",  # two digits: a province code (Beijing; Macau)
    "1.1010519E+17", "1.101051990E+17",  # the birth year begun (19..), or shown but not its month
    "1.10105199012E+17",  # 1990-1?: the last digit shown may be rounded, so month 12 or 13 is not checked
    "1.10105E+14", "1.10105901E+14",  # a 15-digit ID number shortened (YYMM: 1990-1?)
])
def test_id_numbers_a_spreadsheet_shortened(cell):
    """The birth date is gone, but the column holds ID numbers: an xlsx export of it would carry them whole."""
    assert _kinds(cell) == [[KIND_SHORTENED]]


@pytest.mark.parametrize("cell", [
    "9.10105E+17", "1.0E+17", "7.2E+17",  # 91, 10, 72: no province code
    "1.10105E+16", "1.10105E+15", "1.10105E+18", "1.10105E+10", "1.1E+14.5",  # not the size of an ID number
    "1.2345678901E+17",  # the year shown, 7890, is no birth year
    "1.10105219E+17", "1.10105179E+17",  # years 21.. and 17..: after 2099, before 1800
    "1.10105199132E+17",  # 1991-3?: no month 30-39 (the 3 is not the last digit shown, which may be rounded)
    "1.10105E+17 mg", "about 1.10105E+17",  # not the whole cell
])
def test_shortened_numbers_that_cannot_be_id_numbers(cell):
    assert _kinds(cell) == [[]] and not is_shortened_id(cell)


@pytest.mark.parametrize("cell", [
    "1.10105199013071E+17", 110105199013071000.0,  # month 13
    "1.10105199002301E+17",  # 30 February
    "9.10105199003071E+17", 190105199003071000,  # 91, 19: no province code
    "110105189003071000",  # an 18-digit number whose "birth year" 1890 is not 19xx or 20xx
    "110105199003071234",  # 18 digits of text with a wrong check character, not ending in 000: a sample number
    "1.5E+10", "2.5E+11", 1.5e10 + 0.5, "1.5e+10", 2.5e11, 5.2e6, 3.5e10,  # cell counts and copies/mL
    "1.2345678901E+17", 123456789012345678.0, 123456789012345, "123456789012345.0",  # no province/date
    "12345678901.0", 12345678901, 10000000000.0,  # 11 digits, but not 1[3-9]
    "20221209123045.0", 20221209123045, 20221209, "20221209.0",  # dates and times written as numbers
    "13812345678.5", 13812345678.5, "1.3812345678E+09",  # not a whole mobile
    "0.13812345678", "1.3812345678E-10", 1e308, float("inf"), True, "S1.10105199003071E+17",
])
def test_numbers_that_are_not_stored_identifiers(cell):
    assert _kinds(cell) == [[]]


@pytest.mark.parametrize(("text", "expected"), [
    ("1.10105199003071e+17", True), ("110105199003071008", True), ("13812345678.0", True),
    ("110105900307123.0", True), ("1.10105199002301e+17", False), ("110105900230123.0", False),
    ("1.38123456785e+10", False), ("-13812345678", False), ("1e400", False), ("1e999999999", False), ("nan", False), ("x", False),
])
def test_whole_number_is_id_reads_the_value_exactly(text, expected):
    assert whole_number_is_id(text) is expected


def test_number_forms_are_masked_in_messages():
    i = Issue("p.csv", 3, "hb", "not a number: 1.10105199003071E+17", "bad 13812345678.0 or 110105900307123.0")
    assert i.value == "not a number: <withheld>" and i.rule == "bad <withheld> or <withheld>"
    i = Issue("p.csv", 3, "hb", "not a number: 1.10105E+17", "bad 1.10105E+14, fine 1.5E+10")
    assert i.value == "not a number: <withheld>" and i.rule == "bad <withheld>, fine 1.5E+10"


def _workbook(path, rows):
    wb = openpyxl.Workbook()
    for row in rows:
        wb.active.append(row)
    wb.save(path)
    return path


@pytest.mark.parametrize(("cell", "line"), [(EXCEL_ID, 3), (int(ID15), 4), (float(MOBILE), 2)])
def test_number_cells_in_a_workbook_are_refused_without_echo(tmp_path, cell, line):
    rows = [["patient_id", "hemoglobin_g_l"], ["S01", 101], ["S02", 98.5], ["S03", 120], ["S04", 87]]
    rows[line - 1][1] = cell  # the header is line 1
    rt = read_table("patients", _workbook(tmp_path / "p.xlsx", rows))
    assert not isinstance(rt.frame["hemoglobin_g_l"].iloc[line - 2], str)  # a number reached the screen
    (i,) = check_identifiers(rt.frame, "p.xlsx", [], {}, rt.distinct)
    assert (i.file, i.row, i.column, i.value) == ("p.xlsx", line, "hemoglobin_g_l", "<withheld>")
    assert i.rule.startswith("1 of 4 values look like") and f"at line {line}" in i.rule
    assert not any(s in repr(i) for s in SECRETS)


def test_number_strings_in_a_csv_are_refused_without_echo(tmp_path):
    p = tmp_path / "labs.csv"
    p.write_text("patient_id,hemoglobin_g_l,serum_m_g_l\nS01,101,12.5\nS02,1.10105199003071E+17,30\n"
                 "S03,98,110105900307123.0\nS04,13812345678.0,8\nS05,120,1.5E+10\n", encoding="utf-8")
    rt = read_table("assessments", p)
    issues = check_identifiers(rt.frame, "labs.csv", [], {}, rt.distinct)
    assert [(i.row, i.column, i.value) for i in issues] == [(3, "hemoglobin_g_l", "<withheld>"),
                                                            (4, "serum_m_g_l", "<withheld>")]
    assert f"2 of 5 values look like {KIND_NUMBER}" in issues[0].rule and "at lines 3, 5" in issues[0].rule
    assert not any(s in repr(issues) for s in SECRETS)


def test_deid_allow_waives_a_reviewed_number_column(tmp_path):
    rows = [["patient_id", "sample_no"], ["S01", EXCEL_ID], ["S02", 7]]
    rt = read_table("patients", _workbook(tmp_path / "p.xlsx", rows))
    assert check_identifiers(rt.frame, "p.xlsx", ["sample_no"], {}, rt.distinct) == []


def _run(tmp_path, assessments):
    paths = write_trio(tmp_path / "data", PATIENTS_CSV, ASSESSMENTS_CSV, ADVERSE_EVENTS_CSV)
    paths["assessments"] = assessments
    args = ["run", "--no-figures", "--cutoff", "2023-06-30", "--out", str(tmp_path / "out")]
    for name, p in paths.items():
        args += [f"--{name.replace('_', '-')}", str(p)]
    return CliRunner().invoke(main, args, catch_exceptions=False)


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_cli_refuses_an_id_number_stored_as_a_number(tmp_path, fmt):
    """Line 4 of assessments holds the ID in serum_m_g_l: an Excel number cell, or its CSV text."""
    if fmt == "xlsx":
        rows = [r.split(",") for r in ASSESSMENTS_CSV.strip().splitlines()]
        for r in rows[1:]:  # numbers as numbers, as Excel keeps them
            r[2], r[4] = int(r[2]), int(r[4])
        rows[3][4] = EXCEL_ID
        path = _workbook(tmp_path / "assessments.xlsx", rows)
    else:
        path = tmp_path / "assessments.csv"
        path.write_text(ASSESSMENTS_CSV.replace("P01,2022-03-07,2,PR,10", "P01,2022-03-07,2,PR,1.10105199003071E+17"),
                        encoding="utf-8")
    r = _run(tmp_path, path)
    assert r.exit_code == 2
    row = next(x for x in r.output.splitlines() if f"assessments.{fmt}" in x and "serum_m_g_l" in x)
    assert " 4 " in row and KIND_NUMBER in row
    assert ID[:14] not in r.output and "1.10105199003071" not in r.output and "e+17" not in r.output.lower()
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_a_shortened_id_column_in_a_csv_is_refused_through_the_cli(tmp_path):
    """Excel's 'Save as CSV' of an ID column typed as numbers: the column is refused, no digits echoed."""
    lines = ASSESSMENTS_CSV.strip().splitlines()
    body = [line + (",1.10105E+17" if i % 2 else ",4.40301E+17") for i, line in enumerate(lines[1:])]
    path = tmp_path / "assessments.csv"
    path.write_text("\n".join([lines[0] + ",remark", *body]) + "\n", encoding="utf-8")
    r = _run(tmp_path, path)
    assert r.exit_code == 2, r.output
    row = next(x for x in r.output.splitlines() if "assessments.csv" in x and "remark" in x)
    assert KIND_SHORTENED in row and f"{len(body)} of {len(body)} values" in row
    assert "10105" not in r.output and "40301" not in r.output and "e+17" not in r.output.lower()
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())
