"""Tiny typed canonical tables for the analysis tests (built through the real coercion step)."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from pipeline.config import config_from_dict
from pipeline.ingest.coerce import coerce_table

PATIENT_DEFAULTS = {
    "sex": "M", "age": "60", "index_date": "2020-01-01", "regimen": "BRD", "prior_lines": "2", "cycles": "4",
    "emd": "none", "last_contact_date": "2021-01-01",
}


def patients(rows: list[dict]) -> pd.DataFrame:
    """Typed patients table; every row gets the defaults above unless it overrides them."""
    raw = pd.DataFrame([{**PATIENT_DEFAULTS, **r} for r in rows], dtype=object)
    raw["_line"] = range(2, len(raw) + 2)
    df, issues = coerce_table(raw, "patients", "patients.csv")
    assert not [i for i in issues if i.severity == "error"], issues
    return df


def assessments(rows: list[dict]) -> pd.DataFrame:
    raw = pd.DataFrame(rows, dtype=object)
    raw["_line"] = range(2, len(raw) + 2)
    df, issues = coerce_table(raw, "assessments", "assessments.csv")
    assert not [i for i in issues if i.severity == "error"], issues
    return df


def config(**analysis) -> object:
    return config_from_dict({"study": "t", "cutoff": dt.date(2023, 1, 1), "inputs": {"patients": "p.csv"},
                             "analysis": analysis})
