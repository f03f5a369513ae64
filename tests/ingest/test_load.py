"""pipeline.ingest.load: decoding (never garbled), delimiters, line numbers, Excel and SPSS."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pandas as pd
import pyreadstat
import pytest

from pipeline.errors import Code, DataError
from pipeline.ingest.load import LINE, decode_bytes, read_table, sha256_file


def _csv(tmp_path: Path, data: bytes | str, name: str = "patients.csv", encoding: str = "utf-8") -> Path:
    p = tmp_path / name
    p.write_bytes(data if isinstance(data, bytes) else data.encode(encoding))
    return p


def _records(path: Path, **kw) -> list[dict]:
    return read_table("patients", path, **kw).frame.to_dict("records")


def _only_issue(path: Path, **kw):
    with pytest.raises(DataError) as ei:
        read_table("patients", path, **kw)
    assert len(ei.value.issues) == 1
    return ei.value.issues[0]


def test_utf8(tmp_path):
    rt = read_table("patients", _csv(tmp_path, "patient_id,性别\nP01,男\nP02,女\n"))
    assert rt.encoding == "utf-8"
    assert rt.name == "patients"
    assert rt.frame.to_dict("records") == [
        {"patient_id": "P01", "性别": "男", LINE: 2},
        {"patient_id": "P02", "性别": "女", LINE: 3},
    ]


def test_utf8_with_bom_has_clean_first_header(tmp_path):
    rt = read_table("patients", _csv(tmp_path, "\ufeffpatient_id,sex\nP01,M\n"))
    assert rt.encoding == "utf-8-sig"
    assert list(rt.frame.columns) == ["patient_id", "sex", LINE]


def test_gbk_with_chinese_headers_and_values(tmp_path):
    p = _csv(tmp_path, "住院号,性别,诊断日期,备注\nA1,男,2022年12月9日,骨旁浆细胞瘤\n", encoding="gbk")
    rt = read_table("patients", p)
    assert rt.encoding == "gb18030"
    assert rt.frame.to_dict("records") == [
        {"住院号": "A1", "性别": "男", "诊断日期": "2022年12月9日", "备注": "骨旁浆细胞瘤", LINE: 2}]


def test_gb18030_file(tmp_path):
    rt = read_table("patients", _csv(tmp_path, "姓名,x\n𠀀,1\n", encoding="gb18030"))
    assert rt.frame.iloc[0]["姓名"] == "𠀀"


@pytest.mark.parametrize(
    "data",
    [b"patient_id,x\nP01,\xff\xfe\xfa\xff\n", "patient_id,x\nP01,caf\xe9\n".encode("latin-1")],
    ids=["invalid-bytes", "latin-1"],
)
def test_neither_utf8_nor_gb18030_is_refused(tmp_path, data):
    issue = _only_issue(_csv(tmp_path, data))
    assert issue.file == "patients.csv"
    assert issue.row is None and issue.column is None and issue.value is None
    assert issue.rule.startswith("file is neither UTF-8 nor GB18030/GBK text")
    assert "inputs.encoding" in issue.rule


def test_utf16_without_bom_is_named(tmp_path):
    """(Was reported as 'neither UTF-8 nor GB18030'; now says what it looks like.)"""
    issue = _only_issue(_csv(tmp_path, "patient_id,性别\nP01,男\n".encode("utf-16-le")))
    assert issue.file == "patients.csv" and issue.row is None and issue.value is None
    assert issue.rule.startswith("the file looks like UTF-16 text without a byte-order mark")


def test_forced_encoding(tmp_path):
    p = _csv(tmp_path, "性别\n男\n", encoding="gbk")
    rt = read_table("patients", p, encoding="gbk")
    assert rt.encoding == "gbk" and rt.frame.iloc[0]["性别"] == "男"
    bad = _only_issue(_csv(tmp_path, "性别\n男\n", name="u.csv"), encoding="ascii")
    assert bad.file == "u.csv"
    assert bad.rule.startswith("file cannot be decoded as the configured encoding 'ascii'")


def test_decode_never_replaces():
    with pytest.raises(DataError):
        decode_bytes(b"a\n\xff\xff\xff\n", Path("x.csv"))
    assert decode_bytes(b"\xef\xbb\xbfa", Path("x.csv")) == ("a", "utf-8-sig")
    assert decode_bytes("中".encode("utf-16"), Path("x.csv")) == ("中", "utf-16")


# ----------------------------------------------------------------- hostile or broken files (issue 11)


def test_nul_byte_is_reported_with_its_line(tmp_path):
    """Was: 'neither UTF-8 nor GB18030' with no line."""
    issue = _only_issue(_csv(tmp_path, b"patient_id,age\nP01,60\nP02,7\x000\n"))
    assert (issue.file, issue.row, issue.column, issue.value) == ("patients.csv", 3, None, None)
    assert issue.rule.startswith("the line holds a NUL byte <U+0000>")


def test_nul_byte_after_a_bom_is_reported_with_its_line(tmp_path):
    issue = _only_issue(_csv(tmp_path, b"\xef\xbb\xbfpatient_id,age\nP01,6\x000\n"))
    assert issue.row == 2 and "NUL byte" in issue.rule


def test_latin1_that_decodes_as_gb18030_is_refused(tmp_path):
    """'Bortézomib' in Latin-1 is valid GB18030 ('Bort閦omib'): refused, asking for inputs.encoding."""
    data = "patient_id,regimen\nP01,BRD\nP02,Bortézomib\n".encode("latin-1")
    assert data.decode("gb18030").endswith("Bort閦omib\n")
    issue = _only_issue(_csv(tmp_path, data))
    assert issue.row == 3 and "inputs.encoding" in issue.rule and "Latin-1" in issue.rule
    rt = read_table("patients", _csv(tmp_path, data, name="p2.csv"), encoding="latin-1")
    assert rt.frame["regimen"].tolist() == ["BRD", "Bortézomib"]


@pytest.mark.parametrize("text", ["patient_id,诊断\nP01,多发性骨髓瘤IgG型\n", "patient_id,x\nP01,BRD方案\n",
                                  "patient_id,x\nP01,硼替佐米Bortezomib\n", "patient_id,x\nP01,IgA-λ型\n"])
def test_real_gbk_text_beside_latin_letters_is_fine(tmp_path, text):
    rt = read_table("patients", _csv(tmp_path, text, encoding="gbk"))
    assert rt.encoding == "gb18030" and len(rt.frame) == 1


def test_invisible_characters_are_stripped_at_the_ends(tmp_path):
    """A zero-width space in a header or a BOM/NBSP around a value would make 'M must be one of M, F'."""
    p = _csv(tmp_path, "patient_id\u200b,\ufeffsex\nP01,M\u200b\n\u00a0P02\u2060,\ufeffF\u00a0\n")
    assert _records(p) == [{"patient_id": "P01", "sex": "M", LINE: 2}, {"patient_id": "P02", "sex": "F", LINE: 3}]


def test_invisible_character_inside_a_value_is_named(tmp_path):
    from pipeline.ingest.validate import validate_inputs
    from tests.trio import PATIENTS_CSV, load_raw, make_config, write_trio

    paths = write_trio(tmp_path, PATIENTS_CSV.replace("P02,F,", "P02,F\u200bx,"), None, None)
    with pytest.raises(DataError) as ei:
        validate_inputs(load_raw(paths), make_config(paths))
    (issue,) = [i for i in ei.value.issues if i.column == "sex"]
    assert issue.value == "F<U+200B>x"


def test_input_path_that_is_a_folder(tmp_path):
    (tmp_path / "p.csv").mkdir()
    issue = _only_issue(tmp_path / "p.csv")
    assert issue.rule == "the patients input is a folder, not a file"


def test_semicolon_and_tab_delimited(tmp_path):
    assert _records(_csv(tmp_path, "patient_id;age\nP01;60\n")) == [{"patient_id": "P01", "age": "60", LINE: 2}]
    assert _records(_csv(tmp_path, "patient_id\tage\nP01\t60\n", name="p.tsv")) == [
        {"patient_id": "P01", "age": "60", LINE: 2}]


def test_blank_lines_keep_line_numbers(tmp_path):
    p = _csv(tmp_path, "patient_id,age\nP01,60\n\n,\n  ,  \nP02,70\n")
    assert _records(p) == [{"patient_id": "P01", "age": "60", LINE: 2},
                           {"patient_id": "P02", "age": "70", LINE: 6}]


def test_embedded_newline_keeps_line_numbers(tmp_path):
    p = _csv(tmp_path, 'patient_id,note\nP01,"two\nlines"\nP02,x\r\nP03,y\n')
    assert _records(p) == [{"patient_id": "P01", "note": "two\nlines", LINE: 2},
                           {"patient_id": "P02", "note": "x", LINE: 4},
                           {"patient_id": "P03", "note": "y", LINE: 5}]


def test_crlf_line_endings(tmp_path):
    p = _csv(tmp_path, "patient_id,age\r\nP01,60\r\n\r\nP02,70\r\n")
    assert _records(p) == [{"patient_id": "P01", "age": "60", LINE: 2},
                           {"patient_id": "P02", "age": "70", LINE: 4}]


@pytest.mark.parametrize("quoted", [False, True])
def test_classic_mac_line_endings(tmp_path, quoted):
    """Excel's "CSV (Macintosh)" ends lines in a bare CR: read like LF, quoted cells or not (with a quote
    the careful reader ran, and stopped at line 1 with the csv module's message)."""
    note = '"a, b"' if quoted else "ab"
    p = _csv(tmp_path, f"patient_id,note\rP01,{note}\r\rP02,x\r")
    assert _records(p) == [{"patient_id": "P01", "note": note.strip('"'), LINE: 2},
                           {"patient_id": "P02", "note": "x", LINE: 4}]


@pytest.mark.parametrize("quoted", [False, True])
def test_a_repeated_header_line_is_one_issue_per_line(tmp_path, quoted):
    """Two exports pasted one below the other: the second header is named once, at its line, not as a
    wrong value in every column."""
    head = '"patient_id","age"' if quoted else "patient_id, age"
    p = _csv(tmp_path, f"patient_id,age\nP01,60\n{head}\nP02,70\n\npatient_id,age\n")
    with pytest.raises(DataError) as err:
        read_table("patients", p)
    assert [(i.file, i.row, i.column, i.code) for i in err.value.issues] == [
        ("patients.csv", 3, None, Code.REPEATED_HEADER_ROW), ("patients.csv", 6, None, Code.REPEATED_HEADER_ROW)]
    assert "repeats the header" in err.value.issues[0].rule


def test_a_line_holding_some_column_names_is_data(tmp_path):
    p = _csv(tmp_path, "patient_id,age\nP01,60\npatient_id,70\n")
    assert _records(p)[1] == {"patient_id": "patient_id", "age": "70", LINE: 3}


def test_a_repeated_header_in_a_sheet(tmp_path):
    p = tmp_path / "p.xlsx"
    wb = openpyxl.Workbook()
    for row in (["patient_id", "age"], ["P01", 60], ["patient_id", "age"], ["P02", 70]):
        wb.active.append(row)
    wb.save(p)
    assert (_only_issue(p).row, _only_issue(p).code) == (3, Code.REPEATED_HEADER_ROW)


def test_cells_stay_text_and_blank_is_missing(tmp_path):
    p = _csv(tmp_path, "patient_id,age,x\n007,60.0,\nP02, 70 ,NA\n")
    recs = _records(p)
    assert recs[0] == {"patient_id": "007", "age": "60.0", "x": None, LINE: 2}
    # cells are trimmed at load (whitespace and invisible characters); "NA" is parse's job
    assert recs[1]["age"] == "70" and recs[1]["x"] == "NA"


def test_header_cells_are_trimmed_and_trailing_empty_columns_tolerated(tmp_path):
    p = _csv(tmp_path, " patient_id , age \nP01,60,\n")
    assert _records(p) == [{"patient_id": "P01", "age": "60", LINE: 2}]


def test_short_rows_are_padded(tmp_path):
    assert _records(_csv(tmp_path, "patient_id,age,x\nP01,60\n")) == [
        {"patient_id": "P01", "age": "60", "x": None, LINE: 2}]


def test_long_row_is_refused_with_its_line(tmp_path):
    issue = _only_issue(_csv(tmp_path, "patient_id,age\nP01,60\n\nP02,70,extra\n"))
    assert (issue.file, issue.row, issue.column) == ("patients.csv", 4, None)
    assert issue.rule == "row has 3 cells but the header has 2"


def test_repeated_header_is_refused(tmp_path):
    issue = _only_issue(_csv(tmp_path, "patient_id,age,age\nP01,60,61\n"))
    assert (issue.row, issue.column, issue.rule) == (1, "age", "the header repeats this column name")


def test_empty_and_header_only_files(tmp_path):
    assert _only_issue(_csv(tmp_path, "")).rule == "file is empty"
    rt = read_table("patients", _csv(tmp_path, "patient_id,age\n", name="h.csv"))
    assert list(rt.frame.columns) == ["patient_id", "age", LINE] and rt.frame.empty


def test_xlsx_with_real_dates_and_serial_numbers(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "first"
    ws.append(["patient_id", "index_date", "age"])
    ws.append(["P01", dt.datetime(2022, 12, 9), 60])
    ws.append(["P02", 44904, 61.0])
    ws.append([None, None, None])
    ws.append(["P03", "2022/12/9", None])
    other = wb.create_sheet("second")
    other.append(["patient_id"])
    other.append(["Q01"])
    p = tmp_path / "patients.xlsx"
    wb.save(p)

    rt = read_table("patients", p)
    assert rt.encoding is None
    f = rt.frame
    assert list(f.columns) == ["patient_id", "index_date", "age", LINE]
    assert f[LINE].tolist() == [2, 3, 5]  # the blank row 4 is dropped, later lines stay right
    assert pd.Timestamp(f.at[0, "index_date"]) == pd.Timestamp("2022-12-09")
    assert f.at[1, "index_date"] == 44904
    assert f.at[2, "index_date"] == "2022/12/9"
    assert read_table("patients", p, sheet="second").frame["patient_id"].tolist() == ["Q01"]


def test_xlsx_dates_parse_to_the_same_day(tmp_path):
    from pipeline.ingest.parse import parse_date

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["index_date"])
    ws.append([dt.datetime(2022, 12, 9)])
    ws.append([44904])
    p = tmp_path / "p.xlsx"
    wb.save(p)
    out, bad = parse_date(read_table("patients", p).frame["index_date"])
    assert out.tolist() == [pd.Timestamp("2022-12-09")] * 2
    assert not bad.any()


def test_xlsx_missing_sheet_and_corrupt_workbook(tmp_path):
    wb = openpyxl.Workbook()
    wb.active.append(["patient_id"])
    p = tmp_path / "p.xlsx"
    wb.save(p)
    issue = _only_issue(p, sheet="nope")
    assert issue.file == "p.xlsx" and issue.code == "missing_sheet"
    assert issue.rule == "inputs.sheet names the sheet 'nope', which the workbook does not have (its sheets: 'Sheet')"
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(b"not a zip")
    assert _only_issue(bad).rule.startswith("cannot read the Excel file")


def test_sav_with_value_labels(tmp_path):
    df = pd.DataFrame({"patient_id": ["P01", "P02", "P03"], "sex": [1.0, 2.0, 1.0], "age": [60.0, 70.0, 65.0]})
    p = tmp_path / "patients.sav"
    pyreadstat.write_sav(df, str(p), variable_value_labels={"sex": {1.0: "男", 2.0: "女"}})
    f = read_table("patients", p).frame
    assert f["sex"].tolist() == ["男", "女", "男"]
    assert f["patient_id"].tolist() == ["P01", "P02", "P03"]
    assert f["age"].tolist() == [60.0, 70.0, 65.0]
    assert f[LINE].tolist() == [1, 2, 3]  # SPSS case numbers


def test_old_xls_and_unsupported_suffix(tmp_path):
    xls = tmp_path / "p.xls"
    xls.write_bytes(b"x")
    assert "old .xls workbooks are not supported" in _only_issue(xls).rule
    js = tmp_path / "p.json"
    js.write_text("{}")
    issue = _only_issue(js)
    assert issue.file == "p.json"
    assert issue.rule == "unsupported file type '.json': use .csv, .xlsx or .sav"


def test_missing_file(tmp_path):
    issue = _only_issue(tmp_path / "nope.csv")
    assert issue.file == str(tmp_path / "nope.csv")
    assert issue.rule == "patients file not found"


def test_sha256_of_the_bytes(tmp_path):
    import hashlib

    p = _csv(tmp_path, "patient_id\nP01\n")
    assert read_table("patients", p).sha256 == hashlib.sha256(b"patient_id\nP01\n").hexdigest() == sha256_file(p)


def test_blank_header_cells(tmp_path):
    # Excel-made CSVs often carry empty trailing columns; a blank header over data is kept, named
    assert _records(_csv(tmp_path, "patient_id,age,,\nP01,60,,\n")) == [{"patient_id": "P01", "age": "60", LINE: 2}]
    assert _records(_csv(tmp_path, "patient_id,,age\nP01,x,60\n", name="b.csv")) == [
        {"patient_id": "P01", "Unnamed: 1": "x", "age": "60", LINE: 2}]


def test_header_repeated_after_trimming_is_refused(tmp_path):
    issue = _only_issue(_csv(tmp_path, "age, age \n60,61\n"))
    assert (issue.row, issue.column, issue.rule) == (1, "age", "the header repeats this column name")


def test_xlsx_repeated_header_is_refused_not_renamed(tmp_path):
    wb = openpyxl.Workbook()
    wb.active.append(["patient_id", "age", "age", None])
    wb.active.append(["P01", 60, 61, None])
    p = tmp_path / "p.xlsx"
    wb.save(p)
    issue = _only_issue(p)
    assert (issue.file, issue.row, issue.column, issue.rule) == ("p.xlsx", 1, "age", "the header repeats this column name")


def test_xlsx_empty_sheet(tmp_path):
    p = tmp_path / "p.xlsx"
    openpyxl.Workbook().save(p)
    assert _only_issue(p).rule == "the sheet is empty"


def test_bare_carriage_return_in_an_unquoted_cell_is_a_data_error(tmp_path):
    p = tmp_path / "patients.csv"
    p.write_bytes('0\r,"性别"\n男,男\n'.encode())
    with pytest.raises(DataError) as err:
        read_table("patients", p)
    [issue] = err.value.issues
    assert issue.file == "patients.csv" and issue.row == 1 and "line break" in issue.rule
