"""``generate_cohort``: a synthetic relapsed/refractory myeloma cohort in the contract's canonical tables."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from pipeline.synth.adverse import draw_adverse_events
from pipeline.synth.baseline import draw_baseline
from pipeline.synth.course import Course, Visits, draw_course, visits
from pipeline.synth.measures import C_NE, C_PD, C_SCR, C_SD, draw_measures, single_category
from pipeline.vocab import FISH_MARKERS, RESPONSE_ORDER

#: Share of assessments (sCR to SD) whose recorded response is one category off the raw values' category:
#: about 4% of all post-baseline assessments, a plausible rate of clinician disagreement.
DISAGREEMENT = 0.05

PATIENT_COLUMNS = (
    "patient_id", "sex", "age", "index_date", "regimen", "prior_lines", "cycles", "emd", "emd_type",
    "last_contact_date", "death_date", "death_cause", "progression_date", "best_response",
    "new_therapy_date", "myeloma_type", "ds_stage", "iss_stage", "riss_stage", "prior_bortezomib",
    "prior_lenalidomide", "prior_daratumumab", "bendamustine_dose_mg_m2", "hemoglobin_g_l",
    "wbc_10e9_l", "platelets_10e9_l", "calcium_mmol_l", "creatinine_umol_l", "beta2m_mg_l",
    "albumin_g_l", "ldh_u_l", "bm_plasma_cells_pct", "esr_mm_h", "fish_tested", *FISH_MARKERS,
)  # fmt: skip
ASSESSMENT_COLUMNS = (
    "patient_id", "assessment_date", "cycle", "response", "serum_m_g_l", "urine_m_mg_24h", "serum_ife",
    "urine_ife", "flc_kappa_mg_l", "flc_lambda_mg_l", "bm_plasma_cells_pct", "bm_clonal_cells",
    "plasmacytoma_spd_cm2", "new_lesion",
)  # fmt: skip
AE_COLUMNS = ("patient_id", "term", "grade", "onset_date")
INT_COLUMNS = frozenset({"age", "prior_lines", "cycles", "cycle", "grade"})
BOOL_COLUMNS = frozenset(
    {"prior_bortezomib", "prior_lenalidomide", "prior_daratumumab", "fish_tested", "new_lesion"}
)
_ORDER = np.array(RESPONSE_ORDER, dtype=object)  # category code -> response


def _day(value: str | dt.date, name: str) -> np.datetime64:
    try:
        return np.datetime64(pd.Timestamp(value).date(), "D")
    except (ValueError, TypeError):
        raise ValueError(f"{name} must be a date like '2019-08-01', but was {value!r}") from None


def _dates(index: np.ndarray, days: np.ndarray) -> pd.Series:
    """index_date + days (NaN days -> NaT), as datetime64[ns]."""
    days = np.asarray(days, dtype=float)
    out = index.astype("datetime64[ns]") + np.where(np.isnan(days), 0, days).astype("timedelta64[D]")
    return pd.Series(np.where(np.isnan(days), np.datetime64("NaT"), out), dtype="datetime64[ns]")


def _frame(data: dict[str, object], columns: tuple[str, ...]) -> pd.DataFrame:
    df = pd.DataFrame({c: data[c] for c in columns})
    for c in columns:
        if c in INT_COLUMNS:
            df[c] = pd.array(np.asarray(data[c], dtype=float), dtype="Float64").astype("Int64")
        elif c in BOOL_COLUMNS:
            x = np.asarray(data[c], dtype=float)
            df[c] = pd.array(np.where(np.isnan(x), None, x == 1), dtype="boolean")
        elif df[c].dtype == object:
            df[c] = df[c].astype(object).where(df[c].notna(), None)
    df["_line"] = np.arange(2, len(df) + 2)
    return df


def generate_cohort(
    n: int,
    seed: int,
    *,
    start: str | dt.date = "2019-08-01",
    accrual_end: str | dt.date = "2022-09-30",
    extraction: str | dt.date = "2023-06-30",
) -> dict[str, pd.DataFrame]:
    """A synthetic cohort of ``n`` patients treated with bendamustine regimens.

    Parameters
    ----------
    n, seed
        Number of patients and the random seed; the same pair always gives the same tables.
    start, accrual_end
        First and last possible index_date (first dose of the regimen).
    extraction
        Data extraction date: nothing is dated after it.

    Returns
    -------
    dict
        ``patients``, ``assessments``, ``adverse_events`` in the canonical columns and dtypes of
        ARCHITECTURE.md, each with ``_line`` = the row's line in the file ``write_cohort`` writes.
    """
    if not isinstance(n, int | np.integer) or n < 1:
        raise ValueError(f"n must be a positive integer, but was {n!r}")
    d_start, d_accrual, d_extract = _window(start, accrual_end, extraction)
    rng = np.random.default_rng(seed)
    # The draws, in this order (the same seed gives the same tables).
    span = int((d_accrual - d_start).astype(int))
    index = d_start + rng.integers(0, span + 1, n).astype("timedelta64[D]")
    index.sort()
    base = draw_baseline(rng, n)
    course = draw_course(rng, base, (d_extract - index).astype(int))
    v = visits(course)
    values = draw_measures(rng, base, course, v)
    recorded = _recorded_response(rng, single_category(values, base["_chain"][v.patient], v))
    ae = draw_adverse_events(rng, base["regimen"], course.cycles, course.last_contact_day)

    width = max(3, len(str(n)))
    patient_id = np.char.add("SYN-", np.char.zfill(np.arange(1, n + 1).astype(str), width)).astype(object)
    return {
        "patients": _patients(patient_id, index, base, course, recorded, v),
        "assessments": _assessments(patient_id, index, values, recorded, v),
        "adverse_events": _adverse_events(patient_id, index, ae),
    }


def _window(start: str | dt.date, accrual_end: str | dt.date, extraction: str | dt.date) -> tuple[np.datetime64, ...]:
    """The accrual window and the extraction date as days, checked to be in order."""
    d_start, d_accrual, d_extract = (
        _day(start, "start"),
        _day(accrual_end, "accrual_end"),
        _day(extraction, "extraction"),
    )
    if not d_start <= d_accrual <= d_extract:
        raise ValueError(
            f"dates must satisfy start <= accrual_end <= extraction, but were {d_start}, {d_accrual}, {d_extract}"
        )
    return d_start, d_accrual, d_extract


def _recorded_response(rng: np.random.Generator, category: np.ndarray) -> np.ndarray:
    """Recorded response: the raw category, one step off now and then (never into or out of PD)."""
    m = len(category)
    off = (category >= C_SCR) & (category <= C_SD) & (rng.random(m) < DISAGREEMENT)
    step = np.where(
        category == C_SCR, 1, np.where(category == C_SD, -1, np.where(rng.random(m) < 0.5, -1, 1))
    )
    return np.where(off, category + step, category)


def _patients(patient_id: np.ndarray, index: np.ndarray, base: dict, course: Course, recorded: np.ndarray,
              v: Visits) -> pd.DataFrame:
    """The patients table. The clinician's best response (single assessments, as the seed study reported)
    and the progression date count the assessments up to and including the first PD."""
    m = len(recorded)
    position = np.arange(m)
    first_pd = np.minimum.reduceat(np.where(recorded == C_PD, position, m), v.starts)
    counted = ~v.baseline & (position <= first_pd[v.patient])
    best = np.minimum.reduceat(np.where(counted, recorded, C_NE), v.starts)
    pd_day = np.where(first_pd < m, v.day[np.minimum(first_pd, m - 1)], np.nan)
    patients = {c: base[c] for c in PATIENT_COLUMNS if c in base}
    patients |= {
        "patient_id": patient_id,
        "index_date": pd.Series(index.astype("datetime64[ns]")),
        "cycles": course.cycles,
        "last_contact_date": _dates(index, course.last_contact_day),
        "death_date": _dates(index, course.death_day),
        "death_cause": course.death_cause,
        "progression_date": _dates(index, pd_day),
        "best_response": _ORDER[best],
        "new_therapy_date": _dates(index, course.new_therapy_day),
    }
    return _frame(patients, PATIENT_COLUMNS)


def _assessments(patient_id: np.ndarray, index: np.ndarray, values: dict, recorded: np.ndarray,
                 v: Visits) -> pd.DataFrame:
    assessments = {
        "patient_id": patient_id[v.patient],
        "assessment_date": _dates(index[v.patient], v.day),
        "cycle": np.where(v.cycle >= 0, v.cycle, np.nan),
        "response": np.where(v.baseline, None, _ORDER[np.maximum(recorded, 0)]),
    }
    assessments |= {c: values[c] for c in ASSESSMENT_COLUMNS if c in values}
    return _frame(assessments, ASSESSMENT_COLUMNS)


def _adverse_events(patient_id: np.ndarray, index: np.ndarray, ae: dict) -> pd.DataFrame:
    """One row per event, ordered by patient, onset and term."""
    ae_order = np.lexsort((ae["term"].astype(str), np.nan_to_num(ae["onset_day"], nan=np.inf), ae["patient"]))
    ae = {k: x[ae_order] for k, x in ae.items()}
    adverse_events = {
        "patient_id": patient_id[ae["patient"]],
        "term": ae["term"],
        "grade": ae["grade"],
        "onset_date": _dates(index[ae["patient"]], ae["onset_day"]),
    }
    return _frame(adverse_events, AE_COLUMNS)
