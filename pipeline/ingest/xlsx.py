"""Reading one sheet of an .xlsx workbook safely: size limits first, the visible sheet, formulas named.

``read_sheet`` returns the cells (header row included, as ``pandas.read_excel(header=None, dtype=object)``
gives them) and notes (warnings) for the user: which sheet was read when the first one is hidden.
Only that sheet's cell values (a formula's saved result) are read: other sheets, comments, formulas and
formatting never are.
A formula cell whose result was never saved (files written by programs that do not calculate) reads as
empty; it is reported as such, not as a missing value.

The cells are read as the sheet's XML lists them (openpyxl's parser), not through ``iter_rows``, which pads
every row to its last listed cell: one formatted empty cell in column XFD made each row 16,384 cells, and a
15 KB workbook took hours. The extent of the cells that hold a value is checked (``limits.py``) before the
table is made dense.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd

from pipeline.errors import Code, DataError, Issue
from pipeline.ingest.limits import check_sheet_extent, check_sheet_row, check_xlsx_zip


def _pick_sheet(wb, path: Path, sheet: str | None, key: str) -> tuple[str | int, list[Issue]]:
    """The sheet to read: the configured one (``key`` names the setting), else the first visible one (a note
    says which)."""
    if sheet is not None:
        if sheet not in wb.sheetnames:
            raise DataError([Issue(path.name, None, None, None,
                                   f"{key} names the sheet {sheet!r}, which the workbook does not have (its sheets: "
                                   f"{', '.join(repr(t) for t in wb.sheetnames)})", code=Code.MISSING_SHEET)])
        return sheet, []
    states = [(ws.title, ws.sheet_state) for ws in wb.worksheets]
    visible = [t for t, s in states if s == "visible"]
    if not visible or states[0][1] == "visible":
        return 0, []
    name = visible[0]
    hidden = [t for t, _ in states[: [t for t, _ in states].index(name)]]
    note = Issue(path.name, None, None, None,
                 f"the first sheet{'s' if len(hidden) > 1 else ''} {', '.join(repr(h) for h in hidden)} "
                 f"{'are' if len(hidden) > 1 else 'is'} hidden: read the first visible sheet {name!r} "
                 f"(sheets: {', '.join(repr(t) for t, _ in states)}); set inputs.sheet in the config to read "
                 "another", "warning", code=Code.HIDDEN_SHEET)
    return name, [note]


def _has_formulas(path: Path) -> bool:
    """True when a worksheet part holds a formula element (streamed; nothing kept in memory)."""
    with zipfile.ZipFile(path) as z:
        for info in z.infolist():
            if not info.filename.startswith("xl/worksheets/"):
                continue
            tail = b""
            with z.open(info) as f:
                for chunk in iter(lambda f=f: f.read(1 << 20), b""):
                    block = tail + chunk
                    if b"<f>" in block or b"<f " in block or b":f>" in block or b":f " in block:
                        return True
                    tail = block[-8:]
    return False


def _listed_rows(ws, file: str, data_only: bool) -> Iterator[tuple[int, list[dict]]]:
    """(row number, the cells the row's XML lists) of a read-only worksheet, nothing padded.

    openpyxl's own parser, as its read-only worksheet uses it (a private module: openpyxl is pinned <4 and
    ``tests/ingest/test_xlsx.py`` compares the result with ``pandas.read_excel``). Rows out of order or
    repeated are skipped, as ``iter_rows`` skips them.
    """
    from openpyxl.worksheet._reader import WorkSheetParser

    wb = ws.parent
    last = 0
    with ws._get_source() as src:
        parser = WorkSheetParser(src, ws._shared_strings, data_only=data_only, epoch=wb.epoch,
                                 date_formats=wb._date_formats, timedelta_formats=wb._timedelta_formats)
        for r, cells in parser.parse():
            check_sheet_row(r, file)
            if r > last:
                last = r
                yield r, cells


def _value(cell: dict) -> object:
    """A cell as pandas' openpyxl reader gives it: "" for none, NaN for an error, whole numbers as int."""
    v = cell["value"]
    if v is None:
        return ""
    if cell["data_type"] == "e":
        return np.nan
    if cell["data_type"] == "n":
        i = int(v)
        return i if i == v else float(v)
    return v


def _cells(ws, file: str) -> pd.DataFrame:
    """The sheet's values as ``read_excel(header=None, dtype=object)`` gives them, after the extent check."""
    from pandas.errors import EmptyDataError
    from pandas.io.parsers import TextParser

    rows: dict[int, dict[int, object]] = {}
    for r, listed in _listed_rows(ws, file, data_only=True):
        vals = {c["column"]: v for c in listed if not (isinstance(v := _value(c), str) and v == "")}
        if vals:
            rows[r] = vals
    if not rows:
        return pd.DataFrame()
    width = max(max(v) for v in rows.values())
    check_sheet_extent(max(rows), width, min(r for r, v in rows.items() if max(v) == width), file)
    data = []
    for r in range(1, max(rows) + 1):
        row = [""] * width
        for c, v in rows.get(r, {}).items():
            row[c - 1] = v
        data.append(row)
    try:
        return TextParser(data, header=None, dtype=object, skip_blank_lines=False).read()
    except EmptyDataError:
        return pd.DataFrame()


def _uncached_formulas(ws, file: str, cells: pd.DataFrame) -> list[tuple[int, int]]:
    """(sheet row, 0-based column) of formula cells that read as empty (no saved result)."""
    found = []
    for r, listed in _listed_rows(ws, file, data_only=False):
        for cell in listed:
            c = cell["column"] - 1
            if cell["data_type"] == "f" and r - 1 < len(cells) and c < cells.shape[1] and pd.isna(cells.iat[r - 1, c]):
                found.append((r, c))
    return found


def read_sheet(path: Path, sheet: str | None, key: str = "inputs.sheet") -> tuple[pd.DataFrame, list[Issue]]:
    """Cells of the chosen sheet (header=None) and notes; DataError for a workbook that cannot be read or
    without the sheet ``sheet`` (``key``: the setting that named it, for the message)."""
    check_xlsx_zip(path)
    import openpyxl

    wb = None
    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True, keep_links=False)
        name, notes = _pick_sheet(wb, path, sheet, key)
        ws = wb[name] if isinstance(name, str) else wb.worksheets[name]
        cells = _cells(ws, path.name)
        bad = _uncached_formulas(ws, path.name, cells) if not cells.empty and _has_formulas(path) else []
    except DataError:
        raise
    except Exception as e:  # openpyxl raises many kinds for a bad workbook
        raise DataError([Issue(path.name, None, None, None, f"cannot read the Excel file: {e}",
                                 code=Code.UNREADABLE_FILE)]) from None
    finally:
        if wb is not None:
            wb.close()
    if bad:
        head = [str(h) for h in cells.iloc[0]]
        raise DataError([Issue(path.name, r, head[c] if r > 1 else None, None,
                               "the cell holds a formula whose result was never saved (the file was written "
                               "by a program that does not calculate); open it in Excel and save it, or type "
                               "the value", code=Code.UNCACHED_FORMULA) for r, c in bad])
    return cells, notes
