"""The data cut-off (docs/CONTRACT.md, 'The data cut-off').

Data dated after the cut-off do not exist for the run: assessments and adverse events after it are
dropped, progression, death and new therapy after it are censored (cleared), last_contact_date is
truncated to it, and patients whose index_date is after it are not in the cohort. A death or progression
after the cut-off shows the patient alive at it: their last_contact_date becomes the cut-off, so OS (and
PFS censored at last contact) is censored at the cut-off, not at an earlier last contact. Every change is
counted and listed (pseudonymous IDs only) for the run log, the manifest and the patient flow.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field

import numpy as np
import pandas as pd


@dataclass
class CutoffReport:
    cutoff: str
    patients_excluded: list[str] = field(default_factory=list)  # index_date after the cut-off
    assessments_dropped: int = 0  # dated after the cut-off
    adverse_events_dropped: int = 0  # dated after the cut-off
    rows_of_excluded_patients: int = 0  # assessments and AEs of patients indexed after the cut-off
    deaths_censored: list[str] = field(default_factory=list)
    progressions_censored: list[str] = field(default_factory=list)
    new_therapies_cleared: list[str] = field(default_factory=list)
    last_contact_truncated: int = 0
    #: The latest date anywhere in the data; after the cut-off means cycles may count later cycles.
    latest_data_date: str | None = None
    notes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        d = asdict(self)
        d["n_patients_excluded"] = len(self.patients_excluded)
        d["n_deaths_censored"] = len(self.deaths_censored)
        d["n_progressions_censored"] = len(self.progressions_censored)
        return d


def apply_cutoff(tables: dict[str, pd.DataFrame], cutoff: dt.date) -> tuple[dict[str, pd.DataFrame], CutoffReport]:
    """Return new tables as of ``cutoff`` (inputs untouched) and what was removed or censored."""
    c = pd.Timestamp(cutoff)
    rep = CutoffReport(cutoff=cutoff.isoformat())
    p = tables["patients"]

    latest = _latest_date(tables)
    rep.latest_data_date = None if latest is None else latest.strftime("%Y-%m-%d")

    late = p["index_date"] > c
    rep.patients_excluded = sorted(p.loc[late, "patient_id"].astype(str))
    p = _rows(p, ~late)

    died_after = p["death_date"] > c
    rep.deaths_censored = sorted(p.loc[died_after, "patient_id"].astype(str))
    p.loc[died_after, "death_date"] = pd.NaT
    p.loc[died_after, "death_cause"] = None

    prog_after = p["progression_date"] > c
    rep.progressions_censored = sorted(p.loc[prog_after, "patient_id"].astype(str))
    p.loc[prog_after, "progression_date"] = pd.NaT

    nt_after = p["new_therapy_date"] > c
    rep.new_therapies_cleared = sorted(p.loc[nt_after, "patient_id"].astype(str))
    p.loc[nt_after, "new_therapy_date"] = pd.NaT

    lc_after = p["last_contact_date"] > c
    rep.last_contact_truncated = int(lc_after.sum())
    # alive at the cut-off (they died or progressed after it): censored at the cut-off
    p.loc[lc_after | died_after | prog_after, "last_contact_date"] = c

    out = {"patients": p}
    keep = set(p["patient_id"])
    if "assessments" in tables:
        a = tables["assessments"]
        gone = ~a["patient_id"].isin(keep)
        late = (a["assessment_date"] > c) & ~gone
        rep.assessments_dropped = int(late.sum())
        rep.rows_of_excluded_patients += int(gone.sum())
        drop = late | gone
        out["assessments"] = _rows(a, ~drop)
    if "adverse_events" in tables:
        e = tables["adverse_events"]
        gone = ~e["patient_id"].isin(keep)
        late = (e["onset_date"] > c) & ~gone
        rep.adverse_events_dropped = int(late.sum())
        rep.rows_of_excluded_patients += int(gone.sum())
        drop = late | gone
        out["adverse_events"] = _rows(e, ~drop)

    if latest is not None and latest > c:
        rep.notes.append(
            f"the data extend to {rep.latest_data_date}, after the cut-off: cycle counts cannot be truncated "
            "to the cut-off, so 'cycles' may include cycles started after it")
    return out, rep


def _rows(df: pd.DataFrame, keep: pd.Series) -> pd.DataFrame:
    """A new frame of the ``keep`` rows (as ``df.loc[keep].copy()``, copying the table once, not twice)."""
    return df.take(np.flatnonzero(keep.to_numpy(dtype=bool)))


def _latest_date(tables: dict[str, pd.DataFrame]) -> pd.Timestamp | None:
    dates = []
    for df in tables.values():
        for col in df.columns:
            if pd.api.types.is_datetime64_any_dtype(df[col]) and df[col].notna().any():
                dates.append(df[col].max())
    return max(dates) if dates else None
