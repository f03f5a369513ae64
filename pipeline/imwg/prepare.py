"""Input preparation: the canonical columns of the contract, coerced, in one working table sorted by
patient and date.

Any column may be absent or entirely missing. Category values are matched case-insensitively (the
parse stage normally did it already); each distinct value is mapped once. Serum M-protein is converted
from g/L to g/dL here (docs/IMWG_RULES.md, 'Units and baseline').
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from pipeline.vocab import RESPONSE_ORDER

NUMBER_COLUMNS = {
    "urine_m_mg_24h": "urine",
    "flc_kappa_mg_l": "kappa",
    "flc_lambda_mg_l": "lambda_",
    "bm_plasma_cells_pct": "marrow",
    "plasmacytoma_spd_cm2": "spd",
}
POS_NEG_COLUMNS = {"serum_ife": "serum_ife", "urine_ife": "urine_ife", "bm_clonal_cells": "clonal"}
PATIENT_DATES = ("index_date", "new_therapy_date", "death_date", "last_contact_date", "progression_date")

_TRUE = {"true", "yes", "y", "1", "positive", "t"}
_FALSE = {"false", "no", "n", "0", "negative", "f"}
_RESPONSES = {c.casefold(): c for c in RESPONSE_ORDER}


@dataclass(frozen=True)
class Prepared:
    """``rows``: one row per input assessment, sorted by patient code then date (``pos`` = position in
    the input). ``patients``: one row per code (patients of the patients table first, then ids found
    only in the assessments). ``n_patients``: how many codes come from the patients table."""

    rows: pd.DataFrame
    patients: pd.DataFrame
    n_patients: int


def _column(df: pd.DataFrame, name: str) -> pd.Series | None:
    return df[name] if name in df.columns else None


def to_dates(s: pd.Series | None, n: int) -> np.ndarray:
    """Dates normalised to midnight as datetime64[ns]; NaT where missing or unreadable."""
    if s is None:
        return np.full(n, np.datetime64("NaT"), dtype="datetime64[ns]")
    if not pd.api.types.is_datetime64_any_dtype(s):
        s = pd.to_datetime(s, errors="coerce", format="mixed")
    if getattr(s.dt, "tz", None) is not None:
        s = s.dt.tz_localize(None)
    return s.dt.normalize().to_numpy(dtype="datetime64[ns]")


def to_numbers(s: pd.Series | None, n: int) -> np.ndarray:
    if s is None:
        return np.full(n, np.nan)
    return pd.to_numeric(s, errors="coerce").to_numpy(dtype=float, na_value=np.nan)


def _map_values(s: pd.Series, mapping, default, dtype) -> np.ndarray:
    codes, uniques = pd.factorize(s, use_na_sentinel=True)
    mapped = np.array([mapping(u) for u in uniques] + [default], dtype=dtype)
    return mapped[codes]  # code -1 (missing) takes the last entry: the default


def to_pos_neg(s: pd.Series | None, n: int) -> np.ndarray:
    """positive -> 1.0, negative -> 0.0, anything else -> NaN (booleans: True = positive)."""
    if s is None:
        return np.full(n, np.nan)

    def one(v) -> float:
        if isinstance(v, bool | np.bool_):
            return 1.0 if v else 0.0
        t = str(v).strip().casefold()
        return 1.0 if t in ("positive", "pos") else 0.0 if t in ("negative", "neg") else np.nan

    return _map_values(s, one, np.nan, float)


def to_flags(s: pd.Series | None, n: int) -> np.ndarray:
    """Boolean flags; missing and unreadable values are False."""
    if s is None:
        return np.zeros(n, dtype=bool)

    def one(v) -> bool:
        if isinstance(v, bool | np.bool_):
            return bool(v)
        if isinstance(v, int | float | np.integer | np.floating):
            return bool(v == v and v != 0)
        return str(v).strip().casefold() in _TRUE

    return _map_values(s.astype(object), one, False, bool)


def to_responses(s: pd.Series | None, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Recorded responses in their canonical spelling (None when missing or not a category), and the
    raw text of values that are not categories (None otherwise)."""
    if s is None:
        empty = np.full(n, None, dtype=object)
        return empty, empty.copy()
    canon = _map_values(s, lambda v: _RESPONSES.get(str(v).strip().casefold()), None, object)
    raw = _map_values(s, lambda v: None if str(v).strip().casefold() in _RESPONSES else str(v), None, object)
    return canon, raw


def patient_lookup(patients: pd.DataFrame, assessment_ids: pd.Series) -> tuple[pd.Index, np.ndarray, int]:
    """Patient index (patients table first, unknown assessment ids appended) and each assessment's code."""
    known = pd.Index(pd.unique(patients["patient_id"])) if "patient_id" in patients else pd.Index([])
    code = known.get_indexer(assessment_ids)
    ids = known
    if (code < 0).any():
        extra = pd.Index(pd.unique(assessment_ids[code < 0]))
        code = np.where(code < 0, len(known) + extra.get_indexer(assessment_ids), code)
        ids = known.append(extra)
    return ids, code.astype(np.int64), len(known)


def prepare(patients: pd.DataFrame, assessments: pd.DataFrame | None) -> Prepared:
    """One working table: the assessments with their patient's dates, sorted by patient then date."""
    if assessments is None:
        assessments = pd.DataFrame({"patient_id": pd.Series([], dtype=object)})
    a = assessments
    n = len(a)
    pid = _column(a, "patient_id")
    pid = pid.reset_index(drop=True) if pid is not None else pd.Series([None] * n, dtype=object)
    ids, code, n_known = patient_lookup(patients, pid)

    first = patients.drop_duplicates("patient_id") if "patient_id" in patients else patients.iloc[:0]
    m = len(first)
    pat = pd.DataFrame({"patient_id": ids.to_numpy(dtype=object)})
    for col in PATIENT_DATES:
        known = to_dates(_column(first, col), m)
        pat[col] = np.concatenate([known, np.full(len(ids) - m, np.datetime64("NaT"), dtype="datetime64[ns]")])
    mt = _column(first, "myeloma_type")
    mt_known = (_map_values(mt, lambda v: str(v).strip().casefold(), None, object) if mt is not None
                else np.full(m, None, dtype=object))
    pat["myeloma_type"] = np.concatenate([mt_known, np.full(len(ids) - m, None, dtype=object)])

    dates = to_dates(_column(a, "assessment_date"), n)
    key = dates.view("i8").copy()
    key[np.isnat(dates)] = np.iinfo(np.int64).max  # undated rows last
    order = np.lexsort((key, code))

    cols: dict[str, np.ndarray] = {
        "pos": np.arange(n, dtype=np.int64),
        "code": code,
        "date": dates,
        "cycle": to_numbers(_column(a, "cycle"), n),
        "serum": to_numbers(_column(a, "serum_m_g_l"), n) / 10.0,  # g/L -> g/dL
    }
    for src, dst in NUMBER_COLUMNS.items():
        cols[dst] = to_numbers(_column(a, src), n)
    for src, dst in POS_NEG_COLUMNS.items():
        cols[dst] = to_pos_neg(_column(a, src), n)
    cols["new_lesion"] = to_flags(_column(a, "new_lesion"), n)
    cols["response"], cols["response_raw"] = to_responses(_column(a, "response"), n)
    rows = pd.DataFrame({k: v[order] for k, v in cols.items()})
    for col in ("index_date", "new_therapy_date", "death_date"):
        rows[col] = pat[col].to_numpy()[rows["code"].to_numpy()]
    return Prepared(rows=rows, patients=pat, n_patients=n_known)
