"""Resource limits on what the tool will read, so a hostile or broken file is refused, not obeyed.

Each limit is far above a real cohort export and far below what would hang or exhaust the machine:

- ``MAX_CELL_CHARS`` = 32,767: Excel's own limit on the characters in a cell, so no export made with
  Excel (or meant to be opened in it) exceeds it; a 10 MB cell used to multiply into 325 MB of outputs.
- ``MAX_COLUMNS`` = 2,000: the data contract has under 50 columns per table and hospital exports a
  few hundred; 10,000 columns used to take 79 s to screen.
- ``MAX_XLSX_UNCOMPRESSED`` = 256 MiB of XML inside a workbook (openpyxl needs roughly ten times that in
  memory), and ``MAX_XLSX_RATIO`` = 100 for any part above 8 MiB: spreadsheet XML compresses 5-20
  times, a zip bomb a thousand times (6 MB that inflated to 6.35 GB). Larger data: export CSV UTF-8.
- ``MAX_SHEET_CELLS`` = 2**26 (67 million): rows x columns of a sheet, from its last row and column
  holding a value. 256 MiB of XML holds at most about 13 million cells with a value (20 bytes each), so
  a sheet spanning more is mostly empty; made dense, it would take gigabytes (a value in column 2,000 of
  row 1 and one per row down to row 1,000,000 is 2 billion cells in a 10 MB workbook).
- ``MAX_SHEET_ROWS`` = 1,048,576, Excel's own limit: openpyxl keeps every row element it has read
  (about 600 bytes each, empty or not), so 256 MiB of empty rows numbered on past it would take 10 GB.
- ``MAX_YAML_ALIASES`` = 50 and ``MAX_CONFIG_BYTES`` = 1 MB: a study config is a page of YAML; an
  alias bomb expands a few lines into gigabytes.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from pipeline.errors import Code, DataError, Issue

MAX_CELL_CHARS = 32_767
MAX_COLUMNS = 2_000
MAX_XLSX_UNCOMPRESSED = 256 * 2**20
MAX_XLSX_RATIO = 100
_RATIO_MIN_PART = 8 * 2**20
MAX_SHEET_CELLS = 2**26
MAX_SHEET_ROWS = 2**20  # Excel's own: a row numbered beyond it is not from a spreadsheet program
MAX_YAML_ALIASES = 50
MAX_CONFIG_BYTES = 2**20


def check_columns(n: int, file: str) -> None:
    """Refuse a table with more than ``MAX_COLUMNS`` columns (before any per-column work)."""
    if n > MAX_COLUMNS:
        raise DataError([Issue(file, 1, None, None,
                               f"the header has {n:,} columns, more than the {MAX_COLUMNS:,} this tool reads; "
                               "keep the columns the study needs", code=Code.TOO_MANY_COLUMNS)])


def long_cell_issue(file: str, line: int, column: str, n_chars: int) -> Issue:
    return Issue(file, line, column, None,
                 f"the cell has {n_chars:,} characters, more than {MAX_CELL_CHARS:,} (Excel's limit per cell); "
                 "a cell this long is not study data", code=Code.CELL_TOO_LONG)


def check_xlsx_zip(path: Path) -> None:
    """Refuse a workbook whose parts inflate beyond the limits, from the zip directory alone (nothing inflated)."""
    try:
        with zipfile.ZipFile(path) as z:
            infos = z.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as e:
        raise DataError([Issue(path.name, None, None, None,
                               f"cannot read the Excel file: not a valid .xlsx workbook ({e})",
                               code=Code.UNREADABLE_FILE)]) from None
    total = sum(i.file_size for i in infos)
    if total > MAX_XLSX_UNCOMPRESSED:
        raise DataError([Issue(path.name, None, None, None,
                               f"the workbook inflates to {total / 2**20:,.0f} MB, more than "
                               f"{MAX_XLSX_UNCOMPRESSED / 2**20:,.0f} MB; export the sheet as CSV UTF-8 instead",
                               code=Code.WORKBOOK_TOO_LARGE)])
    for i in infos:
        if i.file_size > _RATIO_MIN_PART and i.file_size > MAX_XLSX_RATIO * max(i.compress_size, 1):
            raise DataError([Issue(path.name, None, None, None,
                                   f"the workbook part {i.filename} inflates {i.file_size / max(i.compress_size, 1):,.0f}"
                                   f" times (to {i.file_size / 2**20:,.0f} MB): a spreadsheet does not compress "
                                   "like that (a zip bomb?); export the sheet as CSV UTF-8 instead", code=Code.ZIP_BOMB)])


def check_sheet_row(row: int, file: str) -> None:
    """Refuse a sheet row numbered beyond ``MAX_SHEET_ROWS`` (checked while the sheet is read)."""
    if row > MAX_SHEET_ROWS:
        raise DataError([Issue(file, None, None, None,
                               f"the sheet has a row numbered {row:,}, beyond Excel's {MAX_SHEET_ROWS:,} rows: the "
                               "workbook was not written by a spreadsheet program; export the sheet as CSV UTF-8",
                               code=Code.WORKBOOK_TOO_LARGE)])


def check_sheet_extent(rows: int, columns: int, widest_row: int, file: str) -> None:
    """Refuse a sheet whose cells with a value reach beyond ``MAX_COLUMNS`` (``widest_row`` holds the last
    one) or span more than ``MAX_SHEET_CELLS``, before it is made a dense table."""
    if columns > MAX_COLUMNS:
        raise DataError([Issue(file, widest_row, None, None,
                               f"the row holds a value in column {columns:,}, more than the {MAX_COLUMNS:,} columns "
                               "this tool reads; keep the columns the study needs", code=Code.TOO_MANY_COLUMNS)])
    if rows * columns > MAX_SHEET_CELLS:
        raise DataError([Issue(file, None, None, None,
                               f"the sheet spans {rows:,} rows x {columns:,} columns ({rows * columns:,} cells), more "
                               f"than {MAX_SHEET_CELLS:,}; delete the empty rows and columns, or export the sheet as "
                               "CSV UTF-8", code=Code.WORKBOOK_TOO_LARGE)])
