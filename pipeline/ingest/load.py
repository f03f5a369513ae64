"""Read an export (CSV, .xlsx, SPSS .sav) into a raw DataFrame of cells, keeping line numbers.

Nothing is interpreted here beyond decoding: every cell stays as the file gave it (text for CSV;
numbers, text or datetimes for Excel; labelled values for SPSS). ``_line`` is the row's line in the
file as a user would find it (header = line 1), used in every error message.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from pipeline.errors import Code, DataError, Issue
from pipeline.ingest.distinct import Distinct
from pipeline.ingest.limits import MAX_CELL_CHARS, check_columns, long_cell_issue

LINE = "_line"
#: Stripped from both ends of every header and text cell: whitespace and characters nobody can see
#: (zero-width space/joiners, word joiner, BOM, soft hyphen, direction marks). Inside a value they stay,
#: and messages name them (<U+200B>, pipeline/ingest/identifiers.py).
_INVISIBLE_ENDS = " \t\r\n\x0b\x0c\u00a0\u00ad\u1680\u180e\u2000\u2001\u2002\u2003\u2004\u2005\u2006" \
    "\u2007\u2008\u2009\u200a\u200b\u200c\u200d\u200e\u200f\u2028\u2029\u202f\u205f\u2060\u3000\ufeff"


@dataclass(frozen=True)
class RawTable:
    name: str  # patients / assessments / adverse_events
    path: Path
    frame: pd.DataFrame  # raw cells, original headers, plus _line
    encoding: str | None  # CSV only
    sha256: str
    notes: tuple[Issue, ...] = ()  # warnings about how the file was read (e.g. which sheet)
    #: each text column of ``frame`` (by header) as codes into its distinct values (pipeline/ingest/distinct.py)
    distinct: Mapping[str, Distinct] = field(default_factory=dict, compare=False, repr=False)


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def decode_bytes(data: bytes, path: Path, forced: str | None = None) -> tuple[str, str]:
    """Decode CSV bytes: UTF-8 (with or without BOM), UTF-16 with BOM, else GB18030 (a superset of GBK).

    A file none of these decode strictly is refused; we never decode with replacement characters.
    """
    if forced:
        try:
            return data.decode(forced), forced
        except (UnicodeDecodeError, LookupError) as e:
            raise DataError([Issue(path.name, None, None, None,
                                   f"file cannot be decoded as the configured encoding {forced!r}: {e}",
                                   code=Code.ENCODING)]) from None
    if data.startswith(codecs.BOM_UTF8):
        candidates = ["utf-8-sig"]
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        candidates = ["utf-16"]
    elif b"\x00" in data:  # valid UTF-8 byte-wise, but UTF-16 without a BOM (or not text): would garble
        raise DataError([_nul_issue(data, path)])
    else:
        candidates = ["utf-8", "gb18030"]
    for enc in candidates:
        try:
            text = data.decode(enc)
        except UnicodeDecodeError:
            continue
        if enc == "gb18030":
            _refuse_implausible_gb18030(text, path)
        return text, enc
    raise DataError([Issue(path.name, None, None, None,
                           "file is neither UTF-8 nor GB18030/GBK text, so it cannot be read without garbling "
                           "it; save it from Excel as 'CSV UTF-8' or set inputs.encoding in the config", code=Code.ENCODING)])


def _nul_issue(data: bytes, path: Path) -> Issue:
    """A NUL byte: UTF-16 without a byte-order mark (NULs everywhere), or a stray one (its line named)."""
    if data.count(b"\x00") * 4 >= len(data):
        return Issue(path.name, None, None, None,
                     "the file looks like UTF-16 text without a byte-order mark (or is not text at all); "
                     "save it from Excel as 'CSV UTF-8'", code=Code.ENCODING)
    at = data.index(b"\x00")
    line = data.count(b"\n", 0, at) + 1
    n = data.count(b"\x00")
    return Issue(path.name, line, None, None,
                 f"the line holds a NUL byte <U+0000> ({n} in the file); remove it (a text file never holds one)",
                 code=Code.NUL_BYTE)


#: GB18030 two-byte characters outside GB2312 (lead byte 0x81-0xA0, or trail byte below 0xA1) are rare
#: characters; next to a Latin letter they are what Latin-1 text decoded as GB18030 looks like
#: (Bortézomib -> Bort閦omib: 0xE9 'é' swallows the 'z').
_LATIN_NEIGHBOUR = re.compile(r"[A-Za-z][^\x00-\x7f]|[^\x00-\x7f][A-Za-z]")


def _rare_gb(ch: str) -> bool:
    b = ch.encode("gb18030")
    return len(b) != 2 or not (0xA1 <= b[0] <= 0xFE and 0xA1 <= b[1] <= 0xFE)


def _refuse_implausible_gb18030(text: str, path: Path) -> None:
    """Refuse text that decodes as GB18030 only by turning Latin-1 accents into rare Chinese characters."""
    bad = []
    for m in _LATIN_NEIGHBOUR.finditer(text):
        ch = next(c for c in m.group(0) if ord(c) > 0x7F)
        if ord(ch) >= 0x3400 and _rare_gb(ch):
            bad.append(m.start())
            if len(bad) >= 3:
                break
    if bad:
        lines = sorted({text.count("\n", 0, i) + 1 for i in bad})
        raise DataError([Issue(path.name, lines[0], None, None,
                               "the file is not UTF-8; read as GB18030 it gives rare Chinese characters inside "
                               f"Latin words (line{'s' if len(lines) > 1 else ''} "
                               f"{', '.join(map(str, lines))}), as Latin-1/Windows-1252 text does (é -> 閦): set "
                               "inputs.encoding in the config (e.g. latin-1 or cp1252) or save it as CSV UTF-8",
                               code=Code.ENCODING)])


def _sniff_delimiter(text: str) -> str:
    end = text.find("\n")
    first = text if end < 0 else text[:end]
    counts = {d: first.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] > 0 else ","


def _finish(df: pd.DataFrame, first_data_line: int, file: str) -> tuple[pd.DataFrame, dict[str, Distinct]]:
    """Clean cells (ends trimmed, blank -> None, length bounded), number the lines, drop blank rows.

    ``df`` holds the raw cells by position (its index is ignored); text columns are object or, from the
    CSV reader, categorical. Returns the frame and each cleaned text column's ``Distinct`` (the same cells).
    """
    names = [str(c).strip(_INVISIBLE_ENDS) for c in df.columns]
    check_columns(len(names), file)
    n = len(df)
    lines = np.arange(first_data_line, first_data_line + n, dtype=np.int64)
    cols: dict[str, pd.Series | Distinct] = {}
    long: list[Issue] = []
    for name, (_, c) in zip(names, df.items(), strict=True):
        if c.dtype == object or isinstance(c.dtype, pd.CategoricalDtype):
            c, too_long = _clean_cells(c)
            if too_long is not None:
                long += [long_cell_issue(file, int(lines[i]), name, int(k)) for i, k in too_long]
        cols[name] = c  # a repeated name keeps its last column, as a dict of columns always did
    if long:
        raise DataError(long)
    _refuse_repeated_header(cols, lines, file)
    # a column named like the line numbers gives way to them (in its place)
    missing = [c.codes < 0 if isinstance(c, Distinct) else c.isna().to_numpy() for k, c in cols.items() if k != LINE]
    blank = np.logical_and.reduce(missing) if missing else np.ones(n, dtype=bool)
    if blank.any():  # rows that are entirely blank keep no line number of interest
        keep = ~blank
        cols = {k: c.take(keep) if isinstance(c, Distinct) else c[keep] for k, c in cols.items()}
        lines = lines[keep]
    # drop unnamed, entirely empty columns (trailing commas, Excel formatting)
    cols = {k: c for k, c in cols.items() if not (k.startswith("Unnamed:") and _all_missing(c))}
    index = pd.RangeIndex(len(lines))
    if cols and all(isinstance(c, Distinct) for c in cols.values()):
        # text columns only (the rule): fill one object block in place, so the cells are not copied again
        block = np.empty((len(cols), len(lines)), dtype=object)
        for row, c in zip(block, cols.values(), strict=True):
            c.cells(out=row)
        frame = pd.DataFrame(block.T, index=index, columns=list(cols), copy=False)
    else:
        frame = pd.DataFrame({k: c.cells() if isinstance(c, Distinct) else c.to_numpy() for k, c in cols.items()},
                             index=index)
    frame[LINE] = lines if n else lines.astype(object)  # a file with no rows always had an object _line
    return frame, {k: c for k, c in cols.items() if isinstance(c, Distinct) and k != LINE}


def _refuse_repeated_header(cols: dict[str, pd.Series | Distinct], lines: np.ndarray, file: str) -> None:
    """Refuse data lines whose every named cell is its column's name: a header repeated inside the table
    (exports pasted one below the other). One issue per such line, instead of one per cell."""
    named = {k: c for k, c in cols.items() if k != LINE and not k.startswith("Unnamed:")}
    if not named or not len(lines):
        return
    same = np.ones(len(lines), dtype=bool)
    for k, c in named.items():
        if isinstance(c, Distinct):
            at = np.flatnonzero(c.values == k)
            same &= (c.codes == at[0]) if len(at) else False
        else:
            same &= (c.astype(str).str.strip() == k).to_numpy()
        if not same.any():
            return
    raise DataError([Issue(file, int(ln), None, None,
                           "this line repeats the header (two exports pasted one below the other?); delete it",
                           code=Code.REPEATED_HEADER_ROW) for ln in lines[same]])


def _all_missing(c: pd.Series | Distinct) -> bool:
    return bool((c.codes < 0).all()) if isinstance(c, Distinct) else bool(c.isna().all())


def _header(cells: list, path: Path) -> list[str]:
    """Trimmed header names; a blank one is 'Unnamed: i' (dropped if its column is empty); repeats refused."""
    names = []
    for i, c in enumerate(cells):
        h = "" if c is None or (isinstance(c, float) and pd.isna(c)) else str(c).strip(_INVISIBLE_ENDS)
        names.append(h or f"Unnamed: {i}")
    seen: set[str] = set()
    dup = sorted({h for h in names if h in seen or seen.add(h)})
    if dup:
        raise DataError([Issue(path.name, 1, h, None, "the header repeats this column name", code=Code.DUPLICATE_HEADER)
                         for h in dup])
    return names


def _clean_cells(c: pd.Series) -> tuple[Distinct, list[tuple[int, int]] | None]:
    """Text cells trimmed of whitespace and invisible characters at both ends, blank -> None (other cells
    untouched), as a ``Distinct``; and (row position, length) of the cells longer than ``MAX_CELL_CHARS``
    (None if none). Each distinct value is cleaned once.
    """
    if isinstance(c.dtype, pd.CategoricalDtype):  # the CSV reader's: codes and values (all text) already
        codes, u = c.cat.codes.to_numpy(), np.asarray(c.cat.categories, dtype=object)
        is_str = np.ones(len(u), dtype=bool)
    else:
        d = Distinct.of(c)
        codes, u = d.codes, d.values.copy()
        is_str = np.fromiter((type(v) is str for v in u), dtype=bool, count=len(u))
    n = np.zeros(len(u), dtype=np.int64)
    if is_str.any():
        t = pd.Series(u[is_str], dtype=object).str.strip(_INVISIBLE_ENDS)
        n[is_str] = t.str.len().to_numpy()
        u[is_str] = t.where(t != "", None).to_numpy(dtype=object)
    too_long = None
    if (n > MAX_CELL_CHARS).any():
        lens = np.append(n, [0])[codes]
        too_long = [(int(i), int(lens[i])) for i in np.flatnonzero(lens > MAX_CELL_CHARS)]
        too_long = too_long or None
    return Distinct.from_codes(codes, u), too_long


def _read_csv_fast(text: str, delim: str, path: Path) -> tuple[pd.DataFrame, dict[str, Distinct]] | None:
    """pandas' C parser for the common case: no quotes (so one record per physical line). None otherwise.

    Read as categorical columns: the parser makes one string per distinct value of a column (not one per
    cell) and hands over the codes, which is what ``_finish`` works on.
    """
    if '"' in text:
        return None
    try:  # bytes, not a StringIO (which would hold the text at 4 bytes a character)
        cells = pd.read_csv(io.BytesIO(text.encode("utf-8")), encoding="utf-8", sep=delim, header=None,
                            dtype="category", keep_default_na=False, skip_blank_lines=False, engine="c")
    except (pd.errors.ParserError, pd.errors.EmptyDataError):
        return None  # ragged rows or an empty file: the careful path reports them
    if cells.empty:
        return None
    if text.endswith("\n") and len(cells) > 1 and cells.iloc[-1].isna().all():
        cells = cells.iloc[:-1]
    df = cells.iloc[1:]
    df.columns = _header(list(cells.iloc[0]), path)
    return _finish(df, 2, path.name)


def _read_csv(text: str, path: Path) -> tuple[pd.DataFrame, dict[str, Distinct]]:
    if "\r" in text and "\n" not in text:  # classic Mac line ends (Excel's "CSV (Macintosh)"): lines end in CR
        text = text.replace("\r", "\n")
    delim = _sniff_delimiter(text)
    fast = _read_csv_fast(text, delim, path)
    if fast is not None:
        return fast
    # Line numbers: a quoted cell with an embedded newline would shift them, so count physical lines.
    # A record spanning several lines is reported at its first line, where the user finds it.
    reader = csv.reader(io.StringIO(text), delimiter=delim)
    rows, lines = [], []
    try:
        header = next(reader)
        start = reader.line_num + 1
        for row in reader:
            rows.append(row)
            lines.append(start)
            start = reader.line_num + 1
    except StopIteration:
        raise DataError([Issue(path.name, None, None, None, "file is empty", code=Code.EMPTY_FILE)]) from None
    except csv.Error as e:  # e.g. a bare carriage return inside an unquoted cell
        raise DataError([Issue(path.name, reader.line_num or 1, None, None,
                               f"the CSV cannot be split into cells here ({e}); quote the cell or remove the "
                               "line break", code=Code.CSV_SYNTAX)]) from None
    width = len(header)
    issues = [Issue(path.name, ln, None, None, f"row has {len(r)} cells but the header has {width}",
                    code=Code.TOO_MANY_CELLS)
              for r, ln in zip(rows, lines, strict=True) if len(r) > width and any(x.strip() for x in r[width:])]
    if issues:
        raise DataError(issues)
    rows = [(r + [""] * width)[:width] for r in rows]
    df = pd.DataFrame(rows, columns=_header(header, path), dtype=object)
    out, distinct = _finish(df, 2, path.name)
    if len(df):  # positions survive _finish's blank-row filter via _line ([] when all rows were blank, as ever)
        keep = out[LINE].to_numpy() - 2
        out[LINE] = np.asarray(lines, dtype=np.int64)[keep] if len(keep) else []
    return out, distinct


def read_table(name: str, path: Path, *, sheet: str | None = None, encoding: str | None = None,
               sheet_key: str = "inputs.sheet") -> RawTable:
    """Read one input table; ``sheet_key`` is the setting that named ``sheet`` (for the message when the
    workbook lacks it)."""
    if not path.exists():
        raise DataError([Issue(str(path), None, None, None, f"{name} file not found", code=Code.FILE_NOT_FOUND)])
    if path.is_dir():
        raise DataError([Issue(str(path), None, None, None, f"the {name} input is a folder, not a file",
                                 code=Code.NOT_A_FILE)])
    try:
        return _read_table(name, path, sheet, encoding, sheet_key)
    except OSError as e:  # unreadable (permissions, a device, a vanished network drive)
        raise DataError([Issue(str(path), None, None, None,
                               f"cannot read the {name} file: {e.strerror or e}", code=Code.UNREADABLE_FILE)]) from None


def _read_table(name: str, path: Path, sheet: str | None, encoding: str | None, sheet_key: str) -> RawTable:
    suffix = path.suffix.lower()
    text_file = suffix in (".csv", ".txt", ".tsv")
    digest = "" if text_file else sha256_file(path)
    enc = None
    notes: list[Issue] = []
    if text_file:
        data = path.read_bytes()  # read once: hashed and decoded from the same bytes
        digest = hashlib.sha256(data).hexdigest()
        text, enc = decode_bytes(data, path, encoding)
        del data
        if "\x00" in text:  # a BOM (or a forced encoding) decoded it: still no place for a NUL in a CSV
            at = text.index("\x00")
            raise DataError([Issue(path.name, text.count("\n", 0, at) + 1, None, None,
                                   "the line holds a NUL byte <U+0000>; remove it (a text file never holds one)",
                                   code=Code.NUL_BYTE)])
        frame, distinct = _read_csv(text, path)
    elif suffix in (".xlsx", ".xlsm"):
        from pipeline.ingest.xlsx import read_sheet

        cells, notes = read_sheet(path, sheet, sheet_key)
        if cells.empty:
            raise DataError([Issue(path.name, None, None, None, "the sheet is empty", code=Code.EMPTY_FILE)])
        df = cells.iloc[1:]
        df.columns = _header(list(cells.iloc[0]), path)
        frame, distinct = _finish(df, 2, path.name)
    elif suffix == ".sav":
        import pyreadstat

        try:
            df, _meta = pyreadstat.read_sav(str(path), apply_value_formats=True)
        except Exception as e:  # pyreadstat raises its own error types
            raise DataError([Issue(path.name, None, None, None, f"cannot read the SPSS file: {e}",
                                   code=Code.UNREADABLE_FILE)]) from None
        frame, distinct = _finish(df.astype(object), 1, path.name)  # SPSS: case numbers start at 1
    elif suffix == ".xls":
        raise DataError([Issue(path.name, None, None, None,
                               "old .xls workbooks are not supported; save it as .xlsx or CSV UTF-8",
                               code=Code.UNSUPPORTED_FILE_TYPE)])
    else:
        raise DataError([Issue(path.name, None, None, None,
                               f"unsupported file type {suffix!r}: use .csv, .xlsx or .sav", code=Code.UNSUPPORTED_FILE_TYPE)])
    return RawTable(name, path, frame, enc, digest, tuple(notes), distinct)
