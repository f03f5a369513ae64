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
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from pipeline.errors import DataError, Issue

LINE = "_line"


@dataclass(frozen=True)
class RawTable:
    name: str  # patients / assessments / adverse_events
    path: Path
    frame: pd.DataFrame  # raw cells, original headers, plus _line
    encoding: str | None  # CSV only
    sha256: str


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
                                   f"file cannot be decoded as the configured encoding {forced!r}: {e}")]) from None
    if data.startswith(codecs.BOM_UTF8):
        candidates = ["utf-8-sig"]
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        candidates = ["utf-16"]
    elif b"\x00" in data:  # valid UTF-8 byte-wise, but UTF-16 without a BOM (or not text): would garble
        candidates = []
    else:
        candidates = ["utf-8", "gb18030"]
    for enc in candidates:
        try:
            return data.decode(enc), enc
        except UnicodeDecodeError:
            continue
    raise DataError([Issue(path.name, None, None, None,
                           "file is neither UTF-8 nor GB18030/GBK text, so it cannot be read without garbling "
                           "it; save it from Excel as 'CSV UTF-8' or set inputs.encoding in the config")])


def _sniff_delimiter(text: str) -> str:
    first = text.split("\n", 1)[0]
    counts = {d: first.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] > 0 else ","


def _finish(df: pd.DataFrame, first_data_line: int, blanks_done: bool = False) -> pd.DataFrame:
    df = df.copy()
    df.columns = [str(c).strip().lstrip("\ufeff") for c in df.columns]
    df[LINE] = range(first_data_line, first_data_line + len(df))
    # drop rows that are entirely blank (they keep no line number of interest)
    cells = df.drop(columns=[LINE])
    blank = cells.isna()
    if not blanks_done:  # whitespace-only text counts as blank
        for col in cells.columns:
            blank[col] |= cells[col].map(lambda v: isinstance(v, str) and not v.strip()).astype(bool)
    df = df[~blank.all(axis=1)]
    # drop unnamed, entirely empty columns (trailing commas, Excel formatting)
    drop = [c for c in df.columns if c.startswith("Unnamed:") and df[c].isna().all()]
    return df.drop(columns=drop).reset_index(drop=True)


def _header(cells: list, path: Path) -> list[str]:
    """Trimmed header names; a blank one is 'Unnamed: i' (dropped if its column is empty); repeats refused."""
    names = []
    for i, c in enumerate(cells):
        h = "" if c is None or (isinstance(c, float) and pd.isna(c)) else str(c).strip().lstrip("\ufeff").strip()
        names.append(h or f"Unnamed: {i}")
    dup = sorted({h for h in names if names.count(h) > 1})
    if dup:
        raise DataError([Issue(path.name, 1, h, None, "the header repeats this column name") for h in dup])
    return names


def _blank_to_none(c: pd.Series) -> pd.Series:
    """Empty or whitespace-only cells -> None (other cells untouched); done once per distinct value."""
    codes, uniques = pd.factorize(c, use_na_sentinel=True)
    u = pd.Series(uniques, dtype=object)
    u = u.where(u.str.strip() != "", None)
    vals = np.append(u.to_numpy(dtype=object), [None])
    return pd.Series(vals[np.where(codes < 0, len(uniques), codes)], index=c.index, dtype=object)


def _read_csv_fast(text: str, delim: str, path: Path) -> pd.DataFrame | None:
    """pandas' C parser for the common case: no quotes (so one record per physical line). None otherwise."""
    if '"' in text:
        return None
    try:
        cells = pd.read_csv(io.StringIO(text), sep=delim, header=None, dtype=str, keep_default_na=False,
                            skip_blank_lines=False, engine="c")
    except (pd.errors.ParserError, pd.errors.EmptyDataError):
        return None  # ragged rows or an empty file: the careful path reports them
    if cells.empty:
        return None
    if text.endswith("\n") and len(cells) > 1 and cells.iloc[-1].isna().all():
        cells = cells.iloc[:-1]
    df = cells.iloc[1:].reset_index(drop=True)
    df.columns = _header(list(cells.iloc[0]), path)
    df = df.apply(_blank_to_none) if len(df) else df
    return _finish(df, 2, blanks_done=True)


def read_csv_text(text: str, path: Path) -> pd.DataFrame:
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
        raise DataError([Issue(path.name, None, None, None, "file is empty")]) from None
    except csv.Error as e:  # e.g. a bare carriage return inside an unquoted cell
        raise DataError([Issue(path.name, reader.line_num or 1, None, None,
                               f"the CSV cannot be split into cells here ({e}); quote the cell or remove the "
                               "line break")]) from None
    width = len(header)
    issues = [Issue(path.name, ln, None, None, f"row has {len(r)} cells but the header has {width}")
              for r, ln in zip(rows, lines, strict=True) if len(r) > width and any(x.strip() for x in r[width:])]
    if issues:
        raise DataError(issues)
    rows = [(r + [""] * width)[:width] for r in rows]
    df = pd.DataFrame(rows, columns=_header(header, path), dtype=object)
    df = df.apply(lambda c: c.mask(c.str.strip() == "", None))
    out = _finish(df, 2)
    if len(df):
        keep = out[LINE] - 2  # positions survive _finish's blank-row filter via _line
        out[LINE] = [lines[i] for i in keep]
    return out


def read_table(name: str, path: Path, *, sheet: str | None = None, encoding: str | None = None) -> RawTable:
    if not path.exists():
        raise DataError([Issue(str(path), None, None, None, f"{name} file not found")])
    suffix = path.suffix.lower()
    digest = sha256_file(path)
    enc = None
    if suffix in (".csv", ".txt", ".tsv"):
        text, enc = decode_bytes(path.read_bytes(), path, encoding)
        frame = read_csv_text(text, path)
    elif suffix in (".xlsx", ".xlsm"):
        try:
            # header=None: pandas would silently rename a repeated header ("age.1")
            cells = pd.read_excel(path, sheet_name=sheet or 0, dtype=object, engine="openpyxl", header=None)
        except Exception as e:  # openpyxl raises many kinds for a bad workbook
            raise DataError([Issue(path.name, None, None, None, f"cannot read the Excel file: {e}")]) from None
        if cells.empty:
            raise DataError([Issue(path.name, None, None, None, "the sheet is empty")])
        df = cells.iloc[1:].reset_index(drop=True)
        df.columns = _header(list(cells.iloc[0]), path)
        frame = _finish(df, 2)
    elif suffix == ".sav":
        import pyreadstat

        try:
            df, _meta = pyreadstat.read_sav(str(path), apply_value_formats=True)
        except Exception as e:  # pyreadstat raises its own error types
            raise DataError([Issue(path.name, None, None, None, f"cannot read the SPSS file: {e}")]) from None
        frame = _finish(df.astype(object), 1)  # SPSS: case numbers start at 1
    elif suffix == ".xls":
        raise DataError([Issue(path.name, None, None, None,
                               "old .xls workbooks are not supported; save it as .xlsx or CSV UTF-8")])
    else:
        raise DataError([Issue(path.name, None, None, None,
                               f"unsupported file type {suffix!r}: use .csv, .xlsx or .sav")])
    return RawTable(name, path, frame, enc, digest)
