"""pipeline.runs.workbook: tables.xlsx streamed row by row is the workbook DataFrame.to_excel writes, byte
for byte (values, types, number formats, header style, widths, text-only cells, styles table)."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import numpy as np
import openpyxl
import pandas as pd
import pytest

from pipeline.runs.workbook import workbook_bytes
from pipeline.text.escape import xlsx_safe, xlsx_text_cells

STAMP = dt.datetime(2023, 6, 30)


def _to_excel(tables: dict[str, pd.DataFrame]) -> bytes:
    """The workbook as pandas and openpyxl's normal (in-memory) workbook write it: the writer before."""
    buf = io.BytesIO()
    with pd.ExcelWriter(buf, engine="openpyxl") as xw:
        for name, df in tables.items():
            xlsx_safe(df.drop(columns=[c for c in df.columns if str(c).startswith("_")])).to_excel(
                xw, sheet_name=name[:31], index=False)
            ws = xw.sheets[name[:31]]
            xlsx_text_cells(ws)
            for col in ws.columns:
                width = max(len(str(c.value)) if c.value is not None else 0 for c in col)
                ws.column_dimensions[col[0].column_letter].width = min(max(10, width + 2), 60)
        xw.book.properties.created = xw.book.properties.modified = STAMP
    return buf.getvalue()


def _entries(data: bytes) -> dict[str, bytes]:
    """Every file in the zip (time stamps aside: the writer fixes them, the reference does not)."""
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        out = {n: z.read(n) for n in z.namelist()}
    out.pop("docProps/core.xml")  # created/modified: the reference carries the time of writing
    return out


TABLES = {
    "hostile": {"t": pd.DataFrame({
        "a": ["=1+1", "+x", "-3", "@s", "'=q", "#N/A", "ok", None, "=", "\t1", "－x", "'abc"],
        "=HYPERLINK(1)": range(12), "b\x01": ["B\x01PD"] * 12})},
    "types": {"t": pd.DataFrame({
        "f": [0.1, np.nan, np.inf, -np.inf, 1e20, 1e-7], "i": [1, 2, 3, 4, 5, 6],
        "I": pd.array([1, None, 3, 4, 5, 6], dtype="Int64"), "b": [True, False] * 3,
        "B": pd.array([True, None, False, True, True, False], dtype="boolean"),
        "c": pd.Categorical(["x", "y", None, "x", "=z", "y"]),
        "d": pd.to_datetime(["2022-01-01", None, "2022-03-01 12:30", "2021-01-01", "2020-01-01", "2019-01-01"],
                            format="ISO8601"),
        "td": pd.to_timedelta([1, 2, None, 4, 5, 6], unit="D"),
        "o": [dt.date(2022, 1, 1), 1, 2.5, "s", None, dt.datetime(2020, 1, 1, 5)],
        "f32": np.array([0.1, 0.2, 0.3, np.nan, 1, 2], dtype="float32"), "_line": range(6)})},
    # pandas registers number formats column by column: a date low in the first column comes first
    "format order": {"s1": pd.DataFrame({"o": ["a", "b", dt.date(2020, 1, 1)],
                                         "p": [dt.datetime(2020, 1, 1), None, None]}),
                     "s2": pd.DataFrame({"d": pd.to_datetime(["2020-01-01"] * 3)})},
    "empty": {"e": pd.DataFrame({"a": pd.Series([], dtype=float), "b": pd.Series([], dtype=object)}),
              "no columns": pd.DataFrame(index=range(3)), "x": pd.DataFrame({1: [1], 2.5: ["a"], "y": [None]})},
    "long": {"t": pd.DataFrame({"a": ["x" * 100, "y"], "b": ["a b", " lead"], "男": ["女", "—"]})},
}


@pytest.mark.parametrize("case", list(TABLES))
def test_streamed_workbook_is_the_to_excel_workbook(case):
    assert _entries(workbook_bytes(TABLES[case], STAMP)) == _entries(_to_excel(TABLES[case]))


def test_a_run_s_tables_give_the_to_excel_workbook(tmp_path):
    from pipeline.analysis.results import output_tables
    from tests._cohort import make_result

    res, _, prep = make_result(tmp_path, n=14)
    for tables in (output_tables(res), {"adsl": res.adsl, "adrs": res.adrs, **prep.tables}):
        assert _entries(workbook_bytes(tables, STAMP)) == _entries(_to_excel(tables))


def test_formulas_stay_text_and_risky_text_is_quote_prefixed():
    wb = openpyxl.load_workbook(io.BytesIO(workbook_bytes(TABLES["hostile"], STAMP)))
    ws = wb["t"]
    assert ws["A2"].data_type == "s" and ws["A2"].value == "=1+1" and ws["A2"].quotePrefix
    assert ws["B1"].value == "=HYPERLINK(1)" and ws["B1"].data_type == "s" and ws["B1"].font.b  # header
    assert ws["A4"].value == "-3" and not ws["A4"].quotePrefix  # a number as text is not a formula
    assert ws["A9"].value is None  # missing: an empty cell
    assert ws["C2"].value == "B\ufffdPD"  # a character XML cannot hold


def test_same_tables_same_bytes():
    assert workbook_bytes(TABLES["types"], STAMP) == workbook_bytes(TABLES["types"], STAMP)
