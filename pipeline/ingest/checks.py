"""Checks across fields and tables (docs/CONTRACT.md, 'Checks across fields and tables').

Each check is vectorised and returns Issues naming the file, the row's original line, the column,
the value and the rule.
"""

from __future__ import annotations

import pandas as pd

from pipeline.errors import Code, Issue
from pipeline.ingest.load import LINE


def _d(v: object) -> str:
    return "" if pd.isna(v) else pd.Timestamp(v).strftime("%Y-%m-%d")


def _issues(df: pd.DataFrame, mask: pd.Series, file: str, column: str, code: Code, rule: str,
            show: str | None = None, severity: str = "error") -> list[Issue]:
    if not mask.any():
        return []
    sub = df.loc[mask]
    vals = sub[show or column]
    text = vals.map(_d) if pd.api.types.is_datetime64_any_dtype(vals) else vals.astype(object)
    return [Issue(file, int(ln), column, None if pd.isna(v) or v == "" else str(v), rule, severity,
                  code=code)
            for ln, v in zip(sub[LINE], text, strict=True)]


def _per_patient(p: pd.DataFrame, cols: list[str]) -> pd.DataFrame:
    """One row per known patient_id for lookups (a duplicated ID is reported by the schema, and must not
    multiply the rows it is merged onto)."""
    return p.loc[p["patient_id"].notna(), ["patient_id", *cols]].drop_duplicates("patient_id")


def _of_patient(rows: pd.DataFrame, p: pd.DataFrame, cols: list[str]) -> dict[str, pd.Series]:
    """The patient's ``cols`` beside each of ``rows`` (missing for an unknown patient): a left merge on
    patient_id, without copying ``rows``."""
    per = _per_patient(p, cols)
    at = pd.Index(per["patient_id"]).get_indexer(rows["patient_id"])  # unique IDs; -1 = not a known patient
    return {c: pd.Series(per[c].array.take(at, allow_fill=True), index=rows.index, name=c) for c in cols}


def check_patients(p: pd.DataFrame, file: str) -> list[Issue]:
    out: list[Issue] = []
    for col in ("last_contact_date", "death_date", "progression_date", "new_therapy_date"):
        out += _issues(p, p[col] < p["index_date"], file, col, Code.BEFORE_INDEX_DATE,
                       "must not be before index_date")
    out += _issues(p, p["last_contact_date"] > p["death_date"], file, "last_contact_date", Code.AFTER_DEATH_DATE,
                   "last contact is after the death date")
    out += _issues(p, p["progression_date"] > p["death_date"], file, "progression_date", Code.AFTER_DEATH_DATE,
                   "progression is after the death date")
    has_emd = p["emd"].notna() & (p["emd"] != "none")
    out += _issues(p, has_emd & p["emd_type"].isna(), file, "emd_type", Code.CONDITIONALLY_REQUIRED,
                   "required (paraskeletal or soft_tissue) when emd is at_diagnosis or at_relapse")
    out += _issues(p, (p["emd"] == "none") & p["emd_type"].notna(), file, "emd_type", Code.CONDITIONALLY_BLANK,
                   "must be blank when emd is none")
    out += _issues(p, p["death_cause"].notna() & p["death_date"].isna(), file, "death_cause", Code.CONDITIONALLY_BLANK,
                   "given without a death_date")
    return out


def check_assessments(a: pd.DataFrame, p: pd.DataFrame, file: str, baseline_window_days: int) -> list[Issue]:
    out: list[Issue] = []
    known = a["patient_id"].isin(p["patient_id"])
    out += _issues(a, a["patient_id"].notna() & ~known, file, "patient_id", Code.UNKNOWN_PATIENT,
                   "patient_id is not in the patients file")
    dup = a["patient_id"].notna() & a["assessment_date"].notna() & a.duplicated(
        ["patient_id", "assessment_date"], keep=False)
    out += _issues(a, dup, file, "assessment_date", Code.DUPLICATE_KEY,
                   "two assessments of this patient share this date")
    m = _of_patient(a, p, ["index_date", "death_date", "cycles"])
    date, cycle = a["assessment_date"], a["cycle"]
    before = date < m["index_date"]
    is_base = cycle.fillna(0).eq(0)
    window = m["index_date"] - pd.to_timedelta(baseline_window_days, unit="D")
    out += _issues(a, before & ~is_base, file, "assessment_date", Code.BEFORE_INDEX_DATE,
                   "before index_date but not a baseline (cycle 0) assessment")
    out += _issues(a, before & is_base & (date < window), file, "assessment_date", Code.BASELINE_TOO_EARLY,
                   f"baseline assessment more than {baseline_window_days} days before index_date "
                   "(validation.baseline_window_days)")
    out += _issues(a, cycle.eq(0).fillna(False) & (date > m["index_date"]), file,
                   "assessment_date", Code.BASELINE_AFTER_INDEX, "a baseline (cycle 0) assessment must be on or before index_date")
    out += _issues(a, date > m["death_date"], file, "assessment_date", Code.AFTER_DEATH_DATE,
                   "after the death date")
    out += _issues(a, (cycle > m["cycles"]).fillna(False), file, "cycle", Code.CYCLE_OVER_CYCLES,
                   "higher than the patient's cycles in the patients file")
    return out


def check_adverse_events(e: pd.DataFrame, p: pd.DataFrame, file: str) -> list[Issue]:
    out: list[Issue] = []
    known = e["patient_id"].isin(p["patient_id"])
    out += _issues(e, e["patient_id"].notna() & ~known, file, "patient_id", Code.UNKNOWN_PATIENT,
                   "patient_id is not in the patients file")
    m = _of_patient(e, p, ["index_date"])
    out += _issues(e, e["onset_date"] < m["index_date"], file, "onset_date", Code.BEFORE_INDEX_DATE,
                   "before index_date")
    return out
