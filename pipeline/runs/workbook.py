"""tables.xlsx as bytes: one sheet per table, streamed row by row (openpyxl's write-only mode).

The workbook is the one ``DataFrame.to_excel`` (openpyxl engine, ``index=False``) writes, byte for byte:
the same cell values and types (pandas' conversions: missing -> empty text, +-inf -> ``inf`` text, numpy
scalars -> Python, dates with pandas' number formats), the same bold, boxed, centred header, the same
column widths, every text cell stored as text and risky ones "quote prefix"
(``pipeline.text.escape.xlsx_text_cells``), and the same styles table. But no cell object is kept: a
normal openpyxl workbook holds every cell in memory until it is saved, and pandas makes one more object
per cell on the way, so a registry-sized table cost more time and memory than its CSV. Nothing here
writes a file (``pipeline.runs.folder.write_xlsx`` does).
"""

from __future__ import annotations

import datetime as dt
import io
import math
import re
import zipfile

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.cell import Cell, WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from pandas.api.types import is_bool, is_float, is_integer, is_scalar

from pipeline.text.escape import FORMULA_START, xlsx_safe, xlsx_text_cells

#: pandas' number formats for dates and times in a workbook (``pd.ExcelWriter``'s defaults).
DATETIME_FORMAT = "YYYY-MM-DD HH:MM:SS"
DATE_FORMAT = "YYYY-MM-DD"
#: The largest sheet Excel opens (pandas refuses larger frames too).
MAX_ROWS, MAX_COLS = 1_048_576, 16_384
_THIN = Side(style="thin")
# pandas' header style, in the order pandas sets it on a cell
_HEADER = {"font": Font(bold=True), "border": Border(top=_THIN, right=_THIN, bottom=_THIN, left=_THIN),
           "alignment": Alignment(horizontal="center", vertical="top")}
# a text value can only be a formula or risky if it starts with one of these (escape.is_risky decides)
_MAYBE_RISKY = "'" + FORMULA_START
_MODIFIED = re.compile(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)")


def excel_value(v: object) -> tuple[object, str | None]:
    """A value as ``to_excel`` writes it into a cell, and its number format (None: the default)."""
    # pandas.io.formats.excel.ExcelFormatter._format_value (na_rep "", inf_rep "inf") ...
    if is_scalar(v) and pd.isna(v):
        v = ""
    elif is_float(v) and math.isinf(v):
        v = "inf" if v > 0 else "-inf"
    if getattr(v, "tzinfo", None) is not None:
        raise ValueError("Excel does not support datetimes with timezones; make them timezone unaware first")
    # ... then pandas.io.excel.ExcelWriter._value_with_fmt
    if is_integer(v):
        return int(v), None
    if is_float(v):
        return float(v), None
    if is_bool(v):
        return bool(v), None
    if isinstance(v, dt.datetime):
        return v, DATETIME_FORMAT
    if isinstance(v, dt.date):
        return v, DATE_FORMAT
    if isinstance(v, dt.timedelta):
        return v.total_seconds() / 86400, "0"
    return str(v), None


def _column(ws, s: pd.Series) -> list:
    """The cells of one column: plain values, or a styled cell where the value needs a number format.

    Numeric numpy columns are converted at once; other columns value by value as ``Series`` iteration
    gives them (what ``to_excel`` does). Dated cells are made here, column by column, because that is the
    order pandas registers their number formats in the workbook (and so the styles table's order).
    """
    if isinstance(s.dtype, np.dtype) and s.dtype.kind in "iub":
        return s.to_numpy().tolist()
    if isinstance(s.dtype, np.dtype) and s.dtype.kind == "f":
        a = s.to_numpy()
        out = a.tolist()
        for i in np.flatnonzero(~np.isfinite(a)).tolist():
            out[i] = "" if math.isnan(a[i]) else ("inf" if a[i] > 0 else "-inf")
        return out
    out = []
    for v in s:
        v, fmt = excel_value(v)
        if fmt is not None:
            cell = WriteOnlyCell(ws, value=v)  # openpyxl picks a date format when the value is set ...
            cell.number_format = fmt  # ... then pandas sets its own (both are registered, as with pandas)
            v = cell
        out.append(v)
    return out


def _inert(ws, values: list) -> list:
    """``values`` with each text a formula or risky one made a styled text cell (``xlsx_text_cells``)."""
    cells = {i: WriteOnlyCell(ws, value=v) for i, v in enumerate(values)
             if isinstance(v, str) and v[:1] and v[0] in _MAYBE_RISKY}
    if not cells:
        return values
    xlsx_text_cells(_Rows([list(cells.values())]))
    out = list(values)
    for i, c in cells.items():
        if c.has_style:
            out[i] = c
    return out


class _Rows:
    """The one method of a worksheet ``xlsx_text_cells`` uses, over cells not yet written."""

    def __init__(self, rows: list[list]) -> None:
        self._rows = rows

    def iter_rows(self) -> list[list]:
        return self._rows


def _header(ws, columns: pd.Index) -> list:
    out = []
    for name in columns:
        v, fmt = excel_value(name)
        cell = WriteOnlyCell(ws, value=v)
        if fmt is not None:
            cell.number_format = fmt
        for key, style in _HEADER.items():
            setattr(cell, key, style)
        out.append(cell)
    xlsx_text_cells(_Rows([out]))
    return out


def _width(values: list) -> int:
    return max((len(str(v.value if isinstance(v, Cell) else v)) for v in values), default=0)


def write_sheet(ws, df: pd.DataFrame) -> None:
    """``df`` (header and rows) into write-only worksheet ``ws``, as ``df.to_excel(index=False)`` writes it."""
    n, k = df.shape
    if n + 1 > MAX_ROWS or k > MAX_COLS:
        raise ValueError(f"table too large for a sheet: {n + 1} rows, {k} columns (at most {MAX_ROWS}, {MAX_COLS})")
    header = _header(ws, df.columns)
    columns = [_column(ws, df.iloc[:, j]) for j in range(k)]
    for j, (head, values) in enumerate(zip(header, columns, strict=True)):
        width = max(len(str(head.value)), _width(values))
        ws.column_dimensions[get_column_letter(j + 1)].width = min(max(10, width + 2), 60)
    # a normal worksheet states its used range first (<dimension>); a write-only one cannot know it
    # before its rows, but this table's range is known: openpyxl writes what calculate_dimension says
    ref = f"A1:{get_column_letter(k)}{n + 1}" if k else "A1:A1"
    ws.calculate_dimension = lambda: ref
    if not k:
        return
    ws.append(header)
    for i in range(n):
        ws.append(_inert(ws, [col[i] for col in columns]))


def workbook_bytes(tables: dict[str, pd.DataFrame], stamp: dt.datetime) -> bytes:
    """All tables in one workbook, one sheet each (name cut to 31 characters), byte-identical for the same
    content: the workbook properties and every zip entry carry ``stamp``, not the time of writing."""
    wb = Workbook(write_only=True)
    for name, df in tables.items():
        write_sheet(wb.create_sheet(name[:31]), xlsx_safe(df.drop(columns=[c for c in df.columns
                                                                         if str(c).startswith("_")])))
    wb.properties.created = stamp
    wb.properties.modified = stamp
    buf = io.BytesIO()
    wb.save(buf)
    zin = zipfile.ZipFile(io.BytesIO(buf.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            data = zin.read(info.filename)
            if info.filename == "docProps/core.xml":  # openpyxl sets 'modified' to now when saving
                data = _MODIFIED.sub(rb"\g<1>" + stamp.strftime("%Y-%m-%dT%H:%M:%SZ").encode() + rb"\g<2>", data)
            zout.writestr(fixed, data)
    return out.getvalue()
