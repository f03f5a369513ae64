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
    m = a.merge(_per_patient(p, ["index_date", "death_date", "cycles"]), on="patient_id", how="left")
    m.index = a.index
    before = m["assessment_date"] < m["index_date"]
    is_base = m["cycle"].fillna(0).eq(0)
    window = m["index_date"] - pd.to_timedelta(baseline_window_days, unit="D")
    out += _issues(m, before & ~is_base, file, "assessment_date", Code.BEFORE_INDEX_DATE,
                   "before index_date but not a baseline (cycle 0) assessment")
    out += _issues(m, before & is_base & (m["assessment_date"] < window), file, "assessment_date", Code.BASELINE_TOO_EARLY,
                   f"baseline assessment more than {baseline_window_days} days before index_date "
                   "(validation.baseline_window_days)")
    out += _issues(m, m["cycle"].eq(0).fillna(False) & (m["assessment_date"] > m["index_date"]), file,
                   "assessment_date", Code.BASELINE_AFTER_INDEX, "a baseline (cycle 0) assessment must be on or before index_date")
    out += _issues(m, m["assessment_date"] > m["death_date"], file, "assessment_date", Code.AFTER_DEATH_DATE,
                   "after the death date")
    out += _issues(m, (m["cycle"] > m["cycles"]).fillna(False), file, "cycle", Code.CYCLE_OVER_CYCLES,
                   "higher than the patient's cycles in the patients file")
    return out


def check_adverse_events(e: pd.DataFrame, p: pd.DataFrame, file: str) -> list[Issue]:
    out: list[Issue] = []
    known = e["patient_id"].isin(p["patient_id"])
    out += _issues(e, e["patient_id"].notna() & ~known, file, "patient_id", Code.UNKNOWN_PATIENT,
                   "patient_id is not in the patients file")
    m = e.merge(_per_patient(p, ["index_date"]), on="patient_id", how="left")
    m.index = e.index
    out += _issues(m, m["onset_date"] < m["index_date"], file, "onset_date", Code.BEFORE_INDEX_DATE,
                   "before index_date")
    return out
