"""Reading one sheet of an .xlsx workbook safely: size limits first, the visible sheet, formulas named.

``read_sheet`` returns the cells (header row included, as ``pandas.read_excel(header=None)`` gives them)
and notes (warnings) for the user: which sheet was read when the first one is hidden.
A formula cell whose result was never saved (files written by programs that do not calculate) reads as
empty; it is reported as such, not as a missing value.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import pandas as pd

from pipeline.errors import Code, DataError, Issue
from pipeline.ingest.limits import check_xlsx_zip


def _pick_sheet(path: Path, sheet: str | None) -> tuple[str | int, list[Issue]]:
    """The sheet to read: the configured one, else the first visible one (a note says which)."""
    if sheet is not None:
        return sheet, []
    import openpyxl

    wb = openpyxl.load_workbook(path, read_only=True)  # reads the workbook part only, not the sheets
    try:
        states = [(ws.title, ws.sheet_state) for ws in wb.worksheets]
    finally:
        wb.close()
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


def _uncached_formulas(path: Path, sheet: str | int, cells: pd.DataFrame) -> list[tuple[int, int]]:
    """(sheet row, 0-based column) of formula cells that read as empty (no saved result)."""
    import openpyxl

    wb = openpyxl.load_workbook(path, read_only=True, data_only=False)
    try:
        ws = wb[sheet] if isinstance(sheet, str) else wb.worksheets[sheet]
        found = []
        for r, row in enumerate(ws.iter_rows(values_only=True), start=1):
            for c, v in enumerate(row):
                if isinstance(v, str) and v.startswith("=") and r - 1 < len(cells) and c < cells.shape[1] \
                        and pd.isna(cells.iat[r - 1, c]):
                    found.append((r, c))
    finally:
        wb.close()
    return found


def read_sheet(path: Path, sheet: str | None) -> tuple[pd.DataFrame, list[Issue]]:
    """Cells of the chosen sheet (header=None) and notes; DataError for a workbook that cannot be read."""
    check_xlsx_zip(path)
    try:
        name, notes = _pick_sheet(path, sheet)
        # header=None: pandas would silently rename a repeated header ("age.1")
        cells = pd.read_excel(path, sheet_name=name, dtype=object, engine="openpyxl", header=None)
    except Exception as e:  # openpyxl raises many kinds for a bad workbook
        raise DataError([Issue(path.name, None, None, None, f"cannot read the Excel file: {e}",
                                 code=Code.UNREADABLE_FILE)]) from None
    if not cells.empty and _has_formulas(path):
        bad = _uncached_formulas(path, name, cells)
        if bad:
            head = [str(h) for h in cells.iloc[0]]
            raise DataError([Issue(path.name, r, head[c] if r > 1 else None, None,
                                   "the cell holds a formula whose result was never saved (the file was written "
                                   "by a program that does not calculate); open it in Excel and save it, or type "
                                   "the value", code=Code.UNCACHED_FORMULA) for r, c in bad])
    return cells, notes
