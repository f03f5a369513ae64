"""Vectorised parsers from raw export cells to canonical dtypes.

Each parser takes a Series of raw cells (strings, numbers, datetimes: whatever the file gave) and
returns ``(parsed, bad)``: the parsed Series and a boolean mask of cells that were present but could
not be parsed. Missing markers (blank, NA, N/A, -, —, 未查, 未测) become missing, never errors.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from pipeline import vocab
from pipeline.ingest.distinct import Distinct

_EXCEL_EPOCH = pd.Timestamp("1899-12-30")
# Excel serial dates accepted: 1940-01-01 .. 2099-12-31
_SERIAL_MIN, _SERIAL_MAX = 14611, 73050

_TRUE = {"true", "t", "yes", "y", "1", "1.0", "是", "有", "阳性", "positive", "pos", "+"}
_FALSE = {"false", "f", "no", "n", "0", "0.0", "否", "无", "阴性", "negative", "neg"}


def as_text(s: pd.Series) -> pd.Series:
    """Cells as trimmed strings (NaN/None stay missing); numbers like 3.0 print as '3'."""

    def one(v: object) -> object:
        if v is None or (isinstance(v, float) and np.isnan(v)) or v is pd.NaT:
            return None
        if isinstance(v, float) and v.is_integer():
            return str(int(v))
        if isinstance(v, pd.Timestamp | dt.datetime):
            v = pd.Timestamp(v)  # a plain datetime (openpyxl cells) has no normalize()
            return v.strftime("%Y-%m-%d") if v == v.normalize() else str(v)
        if isinstance(v, dt.date):
            return v.isoformat()
        return str(v).strip()

    if s.dtype == object and pd.api.types.infer_dtype(s, skipna=True) in ("string", "empty"):
        return s.str.strip().astype(object)  # fast path: a CSV read as text
    if s.dtype == object or pd.api.types.is_string_dtype(s):
        out = s.map(one, na_action="ignore")
    else:
        out = s.astype(object).map(one, na_action="ignore")
    return out.astype(object)


def missing_mask(s: pd.Series) -> pd.Series:
    """True where a cell is missing: empty, NaN, or one of the contract's missing markers."""
    return _text_and_missing(s)[2]


def _text_and_missing(s: pd.Series) -> tuple[pd.Series, pd.Series, pd.Series]:
    """``as_text(s)``, it in lower case, and ``missing_mask(s)``: the text made once for a parser."""
    txt = as_text(s)
    low = txt.str.lower()
    return txt, low, txt.isna() | low.isin(vocab.MISSING_MARKERS)


def parse_text(s: pd.Series) -> tuple[pd.Series, pd.Series]:
    txt, _, miss = _text_and_missing(s)
    return txt.where(~miss, None).astype(object), pd.Series(False, index=s.index)


def parse_number(s: pd.Series) -> tuple[pd.Series, pd.Series]:
    txt, _, miss = _text_and_missing(s)
    if pd.api.types.is_numeric_dtype(s) and not pd.api.types.is_bool_dtype(s):
        num = s.astype("float64")
    else:
        # Thousands separators (1,234.5) only: a decimal comma (12,5) is refused, never read as 125.
        grouped = txt.str.fullmatch(r"[+-]?\d{1,3}([,，]\d{3})+(\.\d+)?", na=False)
        txt = txt.where(~grouped, txt.str.replace(r"[,，]", "", regex=True))
        num = pd.to_numeric(txt.where(~miss), errors="coerce").astype("float64")
    bad = ~miss & num.isna()
    num = num.where(~miss)
    bad |= ~miss & ~np.isfinite(num.fillna(0.0))
    return num.where(~bad), bad


def parse_int(s: pd.Series) -> tuple[pd.Series, pd.Series]:
    num, bad = parse_number(s)
    # beyond 2**53 a float is no longer an exact whole number (and would overflow Int64)
    nonint = num.notna() & ((num != np.round(num)) | (num.abs() >= 2.0**53))
    bad = bad | nonint
    return num.where(~bad).round().astype("Int64"), bad


def parse_bool(s: pd.Series) -> tuple[pd.Series, pd.Series]:
    _, low, miss = _text_and_missing(s)
    t = low.isin(_TRUE)
    f = low.isin(_FALSE)
    bad = ~miss & ~t & ~f
    out = pd.Series(pd.NA, index=s.index, dtype="boolean")
    out[t & ~miss] = True
    out[f & ~miss] = False
    return out, bad


def parse_category(s: pd.Series, allowed: tuple[str, ...]) -> tuple[pd.Series, pd.Series]:
    """Match case-insensitively after trimming; return the canonical spelling."""
    _, low, miss = _text_and_missing(s)
    lookup = {a.lower(): a for a in allowed}
    low = low.str.replace(" ", "_", regex=False)
    out = low.map(lookup)
    bad = ~miss & out.isna()
    return out.where(~miss, None).astype(object), bad


def parse_myeloma_type(s: pd.Series) -> tuple[pd.Series, pd.Series]:
    """IgG, IgA, ..., kappa, lambda, nonsecretory, or a heavy chain with its light chain (IgG-kappa)."""
    _, low, miss = _text_and_missing(s)
    heavy = {h.lower(): h for h in ("IgG", "IgA", "IgD", "IgM", "IgE")}
    single = {a.lower(): a for a in vocab.MYELOMA_TYPE}
    single.update({"non-secretory": "nonsecretory", "non_secretory": "nonsecretory", "κ": "kappa",
                   "λ": "lambda"})
    low = low.str.replace(r"[\s_]+", "", regex=True)
    out = low.map(single)
    parts = low.str.extract(r"^(ig[gadme])[-/]?(kappa|lambda|κ|λ)$")
    two = parts[0].map(heavy) + "-" + parts[1].str.replace("κ", "kappa").str.replace("λ", "lambda")
    out = out.where(out.notna(), two)
    bad = ~miss & out.isna()
    return out.where(~miss, None).astype(object), bad


def parse_date(s: pd.Series) -> tuple[pd.Series, pd.Series]:
    """ISO 8601 (also 20221209), 2022/12/9, 2022.12.09, 2022年12月9日, Excel serial numbers and datetimes.

    Day-first or month-first forms (09/12/2022) are ambiguous and refused rather than guessed.
    """
    txt, _, miss = _text_and_missing(s)
    out = pd.Series(pd.NaT, index=s.index, dtype="datetime64[ns]")
    # pd.NaT is a datetime too (a blank cell of an xlsx date column): it is missing, not a date
    is_dt = pd.Series([isinstance(v, dt.date | pd.Timestamp) for v in s], index=s.index, dtype=bool) & ~miss
    if is_dt.any():
        out[is_dt] = pd.to_datetime(s[is_dt].map(lambda v: pd.Timestamp(v).normalize()))
    txt = txt.where(~is_dt & ~miss)
    iso = pd.to_datetime(txt, format="%Y-%m-%d", errors="coerce")  # the common case, in C
    out = out.where(iso.isna(), iso)
    txt = txt.where(iso.isna())
    # Excel serial dates (numbers, or digit strings of 5 digits possibly with a fraction)
    serial = pd.to_numeric(txt.where(txt.str.fullmatch(r"\d{5}(\.\d+)?", na=False)), errors="coerce")
    ok_serial = serial.between(_SERIAL_MIN, _SERIAL_MAX)
    if ok_serial.any():
        out[ok_serial] = _EXCEL_EPOCH + pd.to_timedelta(np.floor(serial[ok_serial]), unit="D")
    norm = (
        txt.str.replace(r"^(\d{4})(\d{2})(\d{2})$", r"\1-\2-\3", regex=True)  # ISO 8601 basic: 20221209
        .str.replace(r"[年月/.]", "-", regex=True)
        .str.replace("日", "", regex=False)
        .str.replace(r"[T ]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?$", "", regex=True)
    )
    parts = norm.str.extract(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
    has = parts[0].notna() & ~ok_serial
    if has.any():
        iso = parts[0] + "-" + parts[1].str.zfill(2) + "-" + parts[2].str.zfill(2)
        out[has] = pd.to_datetime(iso[has], format="%Y-%m-%d", errors="coerce")
    bad = ~miss & out.isna()
    return out, bad


def parse_column(s: pd.Series, kind: str, allowed: tuple[str, ...] | None = None,
                 distinct: Distinct | None = None) -> tuple[pd.Series, pd.Series]:
    """Parse a column of raw cells as ``kind``; returns (parsed, bad).

    Text columns are parsed once per distinct value and spread back (a registry export repeats its dates,
    categories and lab values many times), which keeps 100k-patient files fast. ``distinct``: the cells of
    ``s`` as codes (``Distinct.of(s)``), if the caller has them already.
    """
    if s.dtype == object and len(s) > 64:
        d = distinct if distinct is not None else Distinct.of(s)
        if len(d.values) < 0.5 * len(s):
            u = pd.Series([*d.values, None], dtype=object)
            parsed_u, bad_u = _parse_values(u, kind, allowed)
            take = np.where(d.codes < 0, len(d.values), d.codes.astype(np.intp))
            parsed = pd.Series(parsed_u.array.take(take), index=s.index)  # as .iloc[take], without its index
            bad = pd.Series(bad_u.to_numpy()[take], index=s.index, dtype=bool)
            return parsed, bad
    return _parse_values(s, kind, allowed)


def _parse_values(s: pd.Series, kind: str, allowed: tuple[str, ...] | None) -> tuple[pd.Series, pd.Series]:
    if kind in ("id", "text"):
        return parse_text(s)
    if kind == "date":
        return parse_date(s)
    if kind == "int":
        return parse_int(s)
    if kind == "float":
        return parse_number(s)
    if kind == "bool":
        return parse_bool(s)
    if kind == "myeloma_type":
        return parse_myeloma_type(s)
    if kind == "category":
        assert allowed is not None
        return parse_category(s, allowed)
    raise ValueError(f"unknown field kind {kind!r}")


KIND_WORDS = {
    "id": "text",
    "text": "text",
    "date": "a date (YYYY-MM-DD, 2022/12/9, 2022.12.09, 2022年12月9日 or an Excel date)",
    "int": "a whole number",
    "float": "a number",
    "bool": "yes/no (true/false, 1/0, 是/否)",
    "myeloma_type": "a myeloma type (IgG, IgA, IgD, IgM, IgE, optionally with -kappa/-lambda; kappa; lambda; "
    "nonsecretory)",
}
