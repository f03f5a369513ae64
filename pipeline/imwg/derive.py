"""IMWG 2016 response from raw values, and the same confirmation / best response / progression logic
applied to clinician-recorded responses. Pure functions: DataFrames in, DataFrames out.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from pipeline.imwg import groups, text
from pipeline.imwg import rules as R
from pipeline.imwg.baseline import establish_baseline, select_baseline, treatment_rows
from pipeline.imwg.categorize import MR, NE, PD, categorize, category_names
from pipeline.imwg.confirm import (
    UNCONFIRMED_PD_OPTIONS,
    Confirmation,
    confirm,
    describe_patients,
    relapse_from_cr,
    response_window,
)
from pipeline.imwg.prepare import Prepared, prepare
from pipeline.vocab import RESPONSE_RANK

ASSESSMENT_COLUMNS = ("patient_id", "assessment_date", "cycle", "is_baseline", "category", "rule", "reason",
                      "needs_confirmation", "confirmed_category", "confirmed_with", "confirmation",
                      "pct_change", "counted")
PATIENT_COLUMNS = ("patient_id", "followed_by", "plasmacytoma", "followed_reason", "involved_chain",
                   "baseline_date", "bor", "bor_date", "bor_reason", "progression_date", "progression_source",
                   "progression_reason", "derived_progression_date", "pd_confirmed", "n_unconfirmed_pd",
                   "relapse_from_cr_date", "best_pct_change", "last_evaluable_date")


@dataclass(frozen=True)
class ImwgResult:
    """``assessments``: one row per input assessment (input order and index). ``patients``: one row per
    patient of the patients table (input order). ``rules``: the ordered rules applied (order =
    precedence), with the option values used; ``options``: those values."""

    assessments: pd.DataFrame
    patients: pd.DataFrame
    rules: tuple[R.Rule, ...]
    options: dict = field(default_factory=dict)

    def rules_table(self) -> pd.DataFrame:
        return R.rules_table(self.rules)


def _check_options(baseline_window_days, confirm_response, unconfirmed_pd) -> dict:
    if isinstance(baseline_window_days, bool) or not isinstance(baseline_window_days, int | np.integer) \
            or baseline_window_days < 0:
        raise ValueError(f"baseline_window_days must be an integer >= 0, but was {baseline_window_days!r}")
    if not isinstance(confirm_response, bool | np.bool_):
        raise ValueError(f"confirm_response must be True or False, but was {confirm_response!r}")
    if unconfirmed_pd not in UNCONFIRMED_PD_OPTIONS:
        raise ValueError(f"unconfirmed_pd must be 'count' or 'ignore', but was {unconfirmed_pd!r}")
    return {"baseline_window_days": int(baseline_window_days), "confirm_response": bool(confirm_response),
            "unconfirmed_pd": unconfirmed_pd}


def _scatter(values: np.ndarray, pos: np.ndarray) -> np.ndarray:
    """Sorted-order values back to input order (``pos`` is a permutation of the input positions)."""
    values = np.asarray(values)
    out = np.empty_like(values)
    out[pos] = values
    return out


def _assessment_table(assessments: pd.DataFrame | None, prep: Prepared, is_baseline: np.ndarray,
                      rank: np.ndarray, rule: np.ndarray, reason: np.ndarray, pct_change: np.ndarray,
                      c: Confirmation) -> pd.DataFrame:
    a = assessments if assessments is not None else pd.DataFrame()
    n = len(prep.rows)
    pos = prep.rows["pos"].to_numpy()
    cols = {
        "patient_id": a["patient_id"].to_numpy() if "patient_id" in a else np.full(n, None, dtype=object),
        "assessment_date": _scatter(prep.rows["date"].to_numpy(), pos),
        "cycle": (pd.array(pd.to_numeric(a["cycle"], errors="coerce"), dtype="Int64") if "cycle" in a
                  else pd.array([pd.NA] * n, dtype="Int64")),
    }
    for name, values in {
        "is_baseline": is_baseline,
        "category": category_names(rank),
        "rule": rule,
        "reason": reason,
        "needs_confirmation": c.needs_confirmation,
        "confirmed_category": category_names(c.confirmed),
        "confirmed_with": c.confirmed_with,
        "confirmation": text.to_object(c.note, rank < 0),
        "pct_change": pct_change,
        "counted": c.counted,
    }.items():
        cols[name] = _scatter(values, pos)
    return pd.DataFrame(cols, index=a.index)[list(ASSESSMENT_COLUMNS)]


def _patient_table(prep: Prepared, c: Confirmation, reasons: np.ndarray, extra: dict) -> pd.DataFrame:
    k = prep.n_patients
    dates = prep.rows["date"].to_numpy()
    bor_reason, prog_reason = describe_patients(c, dates, reasons, prep.patients["progression_date"].to_numpy())
    cols = {
        "patient_id": prep.patients["patient_id"].to_numpy(),
        **extra,
        "bor": category_names(c.bor),
        "bor_date": groups.take(dates, c.bor_row, np.datetime64("NaT")),
        "bor_reason": bor_reason,
        "progression_date": c.progression_date,
        "progression_source": c.progression_source,
        "progression_reason": prog_reason,
        "derived_progression_date": c.derived_progression_date,
        "pd_confirmed": pd.array(c.pd_confirmed, dtype="boolean"),
        "n_unconfirmed_pd": c.n_unconfirmed_pd,
        "last_evaluable_date": c.last_evaluable_date,
    }
    out = pd.DataFrame({name: values[:k] for name, values in cols.items()})
    return out[[col for col in PATIENT_COLUMNS if col in out]]


def derive_response(patients: pd.DataFrame, assessments: pd.DataFrame | None, *, baseline_window_days: int = 30,
                    confirm_response: bool = True, unconfirmed_pd: str = "count") -> ImwgResult:
    """IMWG 2016 response derived from raw measurements (IMWG_RULES.md).

    Parameters
    ----------
    patients : one row per patient (patient_id, index_date, myeloma_type, new_therapy_date, death_date,
        progression_date, ...). Absent columns are treated as missing.
    assessments : one row per assessment with the contract's raw measurement columns (serum M in g/L).
    baseline_window_days : a baseline not marked cycle 0 lies on or before index_date, at most this many
        days before it (config ``validation.baseline_window_days``).
    confirm_response : MR-or-better and laboratory PD need two consecutive evaluable assessments.
    unconfirmed_pd : ``count`` or ``ignore`` a laboratory PD at the last evaluable assessment.
    """
    options = _check_options(baseline_window_days, confirm_response, unconfirmed_pd)
    prep = prepare(patients, assessments)
    base = establish_baseline(prep, options["baseline_window_days"])
    cats = categorize(prep, base)
    r = prep.rows
    codes, dates = r["code"].to_numpy(), r["date"].to_numpy()
    n_pat = len(prep.patients)
    window = response_window(base.post, dates, r["new_therapy_date"].to_numpy(), r["death_date"].to_numpy())
    c = confirm(codes, dates, cats.rank, cats.lab_based, window, n_pat, confirm_response=confirm_response,
                unconfirmed_pd=unconfirmed_pd, recorded_progression=prep.patients["progression_date"].to_numpy(),
                fallback_evaluable_date=base.date)

    best = np.where(c.counted & (cats.rank != NE) & ~np.isnan(cats.pct_change), cats.pct_change, np.inf)
    best_pct = np.full(n_pat, np.inf)
    np.minimum.at(best_pct, codes, best)
    reasons = np.where(np.isnat(dates), "no category: assessment date missing",
                       "no category: before treatment, not the baseline assessment").astype(object)
    reasons[cats.rank >= 0] = cats.reason[cats.rank >= 0]
    b = np.flatnonzero(base.is_baseline)
    reasons[b] = text.concat("baseline assessment: ", text.Text(base.followed_reason, codes[b])).strings()
    extra = {
        "followed_by": base.followed_by,
        "plasmacytoma": base.plasmacytoma,
        "followed_reason": base.followed_reason,
        "involved_chain": base.chain,
        "baseline_date": base.date,
        "relapse_from_cr_date": relapse_from_cr(codes, dates, c.counted, c.confirmed, cats.relapse_signal, n_pat),
        "best_pct_change": np.where(np.isinf(best_pct), np.nan, best_pct),
    }
    return ImwgResult(
        assessments=_assessment_table(assessments, prep, base.is_baseline, cats.rank, cats.rule,
                                      reasons.astype(object), cats.pct_change, c),
        patients=_patient_table(prep, c, cats.reason, extra),
        rules=R.rule_list(**options),
        options=options,
    )


def summarize_recorded(patients: pd.DataFrame, assessments_with_response: pd.DataFrame | None, *,
                       confirm_response: bool = True, unconfirmed_pd: str = "count",
                       baseline_window_days: int = 30) -> ImwgResult:
    """Best response and progression from clinician-recorded responses (the ``response`` column), by the
    same confirmation code as derived categories; every recorded MR-or-better and PD needs confirmation.
    Returns the same tables as :func:`derive_response` (measurement columns missing)."""
    options = _check_options(baseline_window_days, confirm_response, unconfirmed_pd)
    prep = prepare(patients, assessments_with_response)
    r = prep.rows
    codes, dates = r["code"].to_numpy(), r["date"].to_numpy()
    n_pat = len(prep.patients)
    index_dates = r["index_date"].to_numpy()
    is_base = select_baseline(codes, dates, r["cycle"].to_numpy(), index_dates, options["baseline_window_days"],
                              n_pat)
    base_row = groups.first_where(is_base, codes, n_pat)
    base_date = groups.take(dates, base_row, np.datetime64("NaT"))
    post = treatment_rows(dates, is_base, base_date[codes], index_dates)

    response = r["response"].to_numpy()
    known = pd.notna(response)
    rank = np.full(len(r), -1, dtype=np.int64)
    rank[known] = pd.Series(response[known]).map(RESPONSE_RANK).to_numpy(dtype=np.int64)
    rank = np.where(post, np.where(known, rank, NE), -1)
    raw = r["response_raw"].to_numpy()
    reason = np.where(~post, None, np.where(
        known, text.cat("recorded ", response.astype(str)),
        np.where(pd.notna(raw), text.cat("NE: unrecognised recorded response '", raw.astype(str), "'"),
                 "NE: no recorded response"))).astype(object)
    lab_based = ((rank >= 0) & (rank <= MR)) | (rank == PD)
    window = response_window(post, dates, r["new_therapy_date"].to_numpy(), r["death_date"].to_numpy())
    c = confirm(codes, dates, rank, lab_based, window, n_pat, confirm_response=confirm_response,
                unconfirmed_pd=unconfirmed_pd, recorded_progression=prep.patients["progression_date"].to_numpy(),
                fallback_evaluable_date=base_date)
    reasons = np.where(is_base, "baseline assessment", np.where(
        post, reason, np.where(np.isnat(dates), "no category: assessment date missing",
                               "no category: before treatment, not the baseline assessment"))).astype(object)
    extra = {
        "followed_by": np.full(n_pat, "recorded", dtype=object),
        "plasmacytoma": np.zeros(n_pat, dtype=bool),
        "followed_reason": np.full(n_pat, "clinician-recorded responses; no measurements used", dtype=object),
        "involved_chain": np.full(n_pat, None, dtype=object),
        "baseline_date": base_date,
        "relapse_from_cr_date": np.full(n_pat, np.datetime64("NaT"), dtype="datetime64[ns]"),
        "best_pct_change": np.full(n_pat, np.nan),
    }
    return ImwgResult(
        assessments=_assessment_table(assessments_with_response, prep, is_base, rank,
                                      np.where(rank >= 0, "RECORDED", None).astype(object), reasons,
                                      np.full(len(r), np.nan), c),
        patients=_patient_table(prep, c, reason, extra),
        rules=R.recorded_rule_list(**options),
        options=options,
    )
