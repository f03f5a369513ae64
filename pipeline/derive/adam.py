"""Endpoints: response source, best overall response, progression, PFS and OS (docs/ANALYSIS.md, 'Endpoints').

Produces the CDISC-ADaM-spirited analysis datasets:

- ``adsl``: one row per patient: baseline characteristics, population flags, comparison groups,
  best overall response, progression and death;
- ``adrs``: one row per assessment: category at the assessment, confirmed category, reason;
- ``adtte``: one row per patient per endpoint (PARAMCD PFS/OS): AVAL in days and months, CNSR 0 = event,
  1 = censored, with the event or censoring description.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from pipeline import vocab
from pipeline.config import StudyConfig

#: Assessment columns holding raw measurements (their presence selects IMWG derivation under ``auto``).
RAW_MEASURES = ("serum_m_g_l", "urine_m_mg_24h", "flc_kappa_mg_l", "flc_lambda_mg_l", "serum_ife",
                "bm_plasma_cells_pct", "plasmacytoma_spd_cm2")


@dataclass
class ResponseData:
    """Per-assessment and per-patient response, whatever its source."""

    source: str  # "derived" (IMWG from raw values), "recorded" (assessment responses), "patients"
    patients: pd.DataFrame  # patient_id, bor, bor_date, progression_date, progression_reason, last_evaluable_date, ...
    assessments: pd.DataFrame | None = None  # one row per assessment, with category and confirmed_category
    rules: list = field(default_factory=list)  # IMWG rules applied (derived only)
    agreement: dict | None = None  # derived vs recorded, when both exist


def choose_source(requested: str, assessments: pd.DataFrame | None) -> str:
    """``auto``: raw measurements -> derived; recorded responses -> recorded; else patients."""
    if requested != "auto":
        return requested
    if assessments is None or assessments.empty:
        return "patients"
    if any(c in assessments and assessments[c].notna().any() for c in RAW_MEASURES):
        return "derived"
    if "response" in assessments and assessments["response"].notna().any():
        return "recorded"
    return "patients"


def response_from_patients(patients: pd.DataFrame) -> ResponseData:
    """Patients-only level: best_response and progression_date as recorded."""
    p = pd.DataFrame({
        "patient_id": patients["patient_id"].to_numpy(),
        "bor": patients["best_response"].fillna("NE").to_numpy(),
        "bor_date": pd.NaT,
        "progression_date": patients["progression_date"].to_numpy(),
        "progression_reason": np.where(patients["progression_date"].notna(), "recorded progression_date", None),
        "last_evaluable_date": pd.NaT,
    })
    return ResponseData("patients", p)


def last_evaluable_response(response: ResponseData) -> ResponseData:
    """Per-patient response = the category at the last evaluable assessment (``response.summary: last``).

    The same window as the IMWG best overall response: assessments that count (after baseline and
    index_date, up to the first PD, before new therapy, on or before death), NE skipped; the category is the
    confirmed one, so with confirmation on a response at the last assessment counts as SD. A patient
    with no such assessment is NE. The IMWG best overall response is kept as ``bor_best`` /
    ``bor_best_date``. At the patients-only level (no assessments) the response is returned unchanged.
    """
    a = response.assessments
    if a is None or a.empty or not {"counted", "confirmed_category"} <= set(a.columns):
        return response
    ok = (a["counted"].astype("boolean").fillna(False).astype(bool) & a["confirmed_category"].notna()
          & a["confirmed_category"].ne("NE") & a["assessment_date"].notna())
    last = (a.loc[ok, ["patient_id", "assessment_date", "confirmed_category"]]
            .sort_values(["patient_id", "assessment_date"], kind="stable")
            .drop_duplicates("patient_id", keep="last").set_index("patient_id"))
    p = response.patients.copy()
    p["bor_best"] = p["bor"]
    p["bor_best_date"] = p["bor_date"]
    cat = p["patient_id"].map(last["confirmed_category"])
    date = pd.to_datetime(p["patient_id"].map(last["assessment_date"]))
    p["bor"] = cat.fillna("NE").to_numpy()
    p["bor_date"] = date.to_numpy()
    shown = date.dt.strftime("%Y-%m-%d").fillna("")
    best = p["bor_best"].fillna("NE").astype(str)
    p["bor_reason"] = np.where(
        cat.notna(),
        cat.fillna("").astype(str) + " at the last evaluable assessment (" + shown
        + "; response.summary = last); IMWG best overall response " + best,
        "NE: no evaluable assessment (response.summary = last)").astype(object)
    return replace(response, patients=p)


def high_risk_fish(patients: pd.DataFrame) -> pd.Series:
    """'yes' if any of del(17p), t(4;14), t(14;16), t(14;20) is positive; 'no' if tested and none is;
    missing when FISH was not done."""
    markers = [m for m in patients.columns if m.startswith("fish_") and m != "fish_tested"]
    hr = [m for m in vocab.HIGH_RISK_FISH if m in patients.columns]
    any_pos = patients[hr].eq("positive").any(axis=1) if hr else pd.Series(False, index=patients.index)
    any_result = patients[markers].notna().any(axis=1) if markers else pd.Series(False, index=patients.index)
    flag = patients["fish_tested"] if "fish_tested" in patients else pd.Series(pd.NA, index=patients.index)
    tested = any_result | flag.astype("boolean").fillna(False).astype(bool)
    out = pd.Series(np.where(any_pos, "yes", np.where(tested, "no", None)), index=patients.index, dtype=object)
    return out


def _derived_pd(response: ResponseData) -> pd.Series:
    """Per row of ``response.patients``: the derived PD date (the first confirmed PD at an assessment).

    The response engine gives it as ``derived_progression_date``; the patients-only level has none. A
    response summary without the engine's own date (hand-built in tests) has only ``progression_date``.
    """
    p = response.patients
    if "derived_progression_date" in p:
        return pd.to_datetime(p["derived_progression_date"])
    if response.source == "patients":
        return pd.Series(pd.NaT, index=p.index, dtype="datetime64[ns]")
    return pd.to_datetime(p["progression_date"])


def progression(recorded: pd.Series, derived: pd.Series) -> tuple[pd.Series, pd.Series]:
    """``PDDT`` and ``PDSRC``: the progression date every analysis uses, and where it came from.

    The derived PD date, unless the recorded ``progression_date`` is earlier or the only one (IMWG_RULES.md;
    on a tie the derived date, as the IMWG engine decides). ``PDSRC`` is ``derived``, ``recorded``, or
    missing exactly when ``PDDT`` is (no progression).
    """
    use_rec = recorded.notna() & (derived.isna() | (recorded < derived))
    date = recorded.where(use_rec, derived)
    src = np.where(use_rec, "recorded", np.where(derived.notna(), "derived", None))
    return date, pd.Series(src, index=recorded.index, dtype=object)


def derive_adsl(patients: pd.DataFrame, response: ResponseData, config: StudyConfig) -> pd.DataFrame:
    """One row per patient: the patients columns, flags, groupings, the response and progression
    (the columns and their naming rule: docs/ANALYSIS.md, 'The analysis datasets')."""
    a = config.analysis
    adsl = patients.drop(columns=[c for c in patients.columns if c.startswith("_")]).copy()
    adsl["emd_any"] = np.where(adsl["emd"].eq("none"), "no", "yes")
    adsl.loc[adsl["emd"].isna(), "emd_any"] = None
    adsl["high_risk_fish"] = high_risk_fish(adsl)
    adsl["EVALFL"] = np.where(adsl["cycles"] >= a.evaluable_min_cycles, "Y", "N")
    adsl["EXTFL"] = np.where(adsl["cycles"] >= a.extended_min_cycles, "Y", "N")
    # the response's own final progression date and its source are PDDT and PDSRC below, from the same rule
    r = (response.patients.drop(columns=["progression_date", "progression_source"], errors="ignore")
         .assign(derived_progression_date=_derived_pd(response)))
    keep = [c for c in r.columns if c not in adsl.columns or c == "patient_id"]
    adsl = adsl.merge(r[keep], on="patient_id", how="left", validate="one_to_one")
    adsl["bor"] = adsl["bor"].fillna("NE")
    adsl["bor_source"] = response.source
    rec, der = adsl["progression_date"], adsl["derived_progression_date"]
    adsl["PDDT"], adsl["PDSRC"] = progression(rec, der)
    adsl["progression_disagreement"] = rec.notna() & der.notna() & (rec != der)
    adsl["ORRFL"] = np.where(adsl["bor"].isin(vocab.ORR_CATEGORIES), "Y", "N")
    return adsl.sort_values("patient_id", kind="stable").reset_index(drop=True)


def derive_adtte(adsl: pd.DataFrame, config: StudyConfig) -> pd.DataFrame:
    """PFS and OS per ANALYSIS.md; integer days underneath, months = days / 30.4375 for display."""
    a = config.analysis
    idx = adsl["index_date"]

    # OS: death from any cause; censored at last contact (already truncated to the cut-off).
    os_event = adsl["death_date"].notna()
    os_date = adsl["death_date"].where(os_event, adsl["last_contact_date"])
    os_desc = np.where(os_event, "death", "censored at last contact")

    # PFS
    prog = adsl["PDDT"]
    death = adsl["death_date"] if a.pfs_events == "progression_or_death" else pd.Series(pd.NaT, index=adsl.index)
    first = pd.concat([prog, death], axis=1).min(axis=1)
    pfs_event = first.notna()
    is_prog = prog.notna() & (prog <= death.fillna(pd.Timestamp.max))
    pfs_desc = np.where(is_prog, "progression", "death without progression")
    if a.pfs_censor == "last_assessment" and "last_evaluable_date" in adsl:
        last = adsl["last_evaluable_date"]
        has_assess = last.notna()
        cens_date = last.where(has_assess, adsl["last_contact_date"])
        cens_desc = np.where(has_assess, "censored at last evaluable assessment",
                             "censored at last contact (no evaluable assessment)")
    else:
        cens_date = adsl["last_contact_date"]
        cens_desc = np.full(len(adsl), "censored at last contact", dtype=object)
    # A censoring date before time zero (only a baseline assessment) is time zero.
    cens_date = cens_date.where(cens_date >= idx, idx)
    pfs_date = first.where(pfs_event, cens_date)
    pfs_desc = np.where(pfs_event, pfs_desc, cens_desc)

    rows = []
    for paramcd, date, event, desc in (("PFS", pfs_date, pfs_event, pfs_desc), ("OS", os_date, os_event, os_desc)):
        days = (date - idx).dt.days.astype("int64")
        rows.append(pd.DataFrame({
            "patient_id": adsl["patient_id"],
            "PARAMCD": paramcd,
            "STARTDT": idx,
            "ADT": date,
            "AVAL": days,
            "AVAL_MONTHS": (days / vocab.DAYS_PER_MONTH).round(4),
            "CNSR": np.where(event, 0, 1),
            "EVNTDESC": desc,
        }))
    return pd.concat(rows, ignore_index=True)


def derive_adrs(response: ResponseData, patients: pd.DataFrame) -> pd.DataFrame:
    """One row per assessment, with study day; empty (with columns) at the patients-only level."""
    cols = ["patient_id", "assessment_date", "ADY", "cycle", "category", "confirmed_category", "reason"]
    if response.assessments is None or response.assessments.empty:
        return pd.DataFrame(columns=cols)
    r = response.assessments.drop(columns=[c for c in response.assessments.columns if c.startswith("_")])
    r = r.merge(patients[["patient_id", "index_date"]], on="patient_id", how="left")
    r.insert(2, "ADY", (r["assessment_date"] - r.pop("index_date")).dt.days)
    return r.sort_values(["patient_id", "assessment_date"], kind="stable").reset_index(drop=True)
