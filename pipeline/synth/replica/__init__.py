"""A synthetic replica of the reference study: 32 patients whose analysis reproduces the published numbers.

The study (``docs/REFERENCE_STUDY.md``): bendamustine-based regimens for relapsed/refractory myeloma, one
hospital, 32 patients treated August 2019 - September 2022, cut-off 2022-12-09. The paper reports only
aggregates; this package builds one cohort consistent with all of them, with raw measurements from which
the IMWG engine derives the published category at every assessment, and writes it in the data
contract's CSV format::

    python -m pipeline.synth.replica --out synthetic_data/bendamustine_rrmm

Layout: :mod:`~pipeline.synth.replica.published` (``PUBLISHED``: every published number, the targets),
:mod:`~pipeline.synth.replica.design` (the choices the paper leaves open: ``ROSTER``, each patient's response
course, prior-line group and survival; the adverse-event grades and lab ranges), then the code that turns
them into tables: :mod:`~pipeline.synth.replica.samples` (values with exact summary statistics),
:mod:`~pipeline.synth.replica.baseline`, :mod:`~pipeline.synth.replica.course` (dates, assessments and
their raw measurements), :mod:`~pipeline.synth.replica.adverse`, and here ``build_replica``. Everything
random (who is male, who has EMD or which FISH result, each lab value, the measurement noise, dates within
a cycle) comes from one seeded generator, drawn in a fixed order, so the same seed writes the same bytes.

Why the design looks as it does (the folder's README says it at more length):

- The paper's "final" response (CR 1, VGPR 1, PR 9, SD 6, PD 12 of 29) is the response at the last
  evaluation, not the best one: 12 patients had PR or better after cycle 2 but only 11 are final
  responders, and 12 final PDs exceed the 7 + 1 PDs seen at cycles 2 and 4. The replica's config sets
  ``response.summary: last`` (and ``confirm_response: false``: the paper counts single assessments).
- Its PFS medians (21 months with >= 3 cycles) need progressions long after the last response
  assessment of patients whose final response is PR. Those progressions are recorded in
  ``patients.progression_date`` without an assessment row (learned at the telephone follow-up the paper
  describes), so they are PFS events and leave the final response alone.
- The paper's "mean 60.00 +- 1.55" for age (range 42-80) cannot be a standard deviation; it is the
  standard error of the mean, and so, by their size, are the +- of hemoglobin and platelets. The
  replica's standard deviations are those SEMs times sqrt(32).

The per-patient loops are deliberate: 32 fixed patients read better than vectorised draws (the general
generator, :mod:`pipeline.synth.cohort`, is the vectorised one).
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import pandas as pd

from pipeline.synth.cohort import AE_COLUMNS, ASSESSMENT_COLUMNS, PATIENT_COLUMNS, _frame
from pipeline.synth.io import write_cohort
from pipeline.synth.replica.adverse import draw_adverse_events
from pipeline.synth.replica.baseline import draw_baseline
from pipeline.synth.replica.course import draw_assessments, draw_dates
from pipeline.synth.replica.design import EXTRA_DECIMALS, ROSTER, Slot
from pipeline.synth.replica.published import CUTOFF, MEDIAN_TOLERANCE_MONTHS, PUBLISHED, STUDY
from pipeline.vocab import RESPONSE_ORDER, RESPONSE_RANK

__all__ = ["CUTOFF", "MEDIAN_TOLERANCE_MONTHS", "OUT_DIR", "PUBLISHED", "ROSTER", "SEED", "STUDY", "Slot",
           "build_replica", "check_categories", "main", "write_replica"]

SEED = 20250404
OUT_DIR = Path(__file__).resolve().parents[3] / "synthetic_data" / STUDY


def build_replica(seed: int = SEED) -> dict[str, pd.DataFrame]:
    """The replica cohort as canonical tables (``patients``, ``assessments``, ``adverse_events``).

    Raises RuntimeError if the IMWG engine does not derive the designed category at every assessment.
    """
    rng = np.random.default_rng(seed)
    b = draw_baseline(rng)
    draw_dates(b, rng)
    a = draw_assessments(b, rng)
    ae = draw_adverse_events(b, rng)

    # Progression: the first PD assessment, else a progression recorded at follow-up.
    first_pd = a[a["response"] == "PD"].groupby("slot_index")["assessment_date"].min()
    b["progression_date"] = b.index.map(first_pd).to_series(index=b.index).fillna(b["recorded_progression"])
    # Clinician-recorded best response: the best single assessment up to the first PD (as the paper would).
    rank = a["response"].map(RESPONSE_RANK)
    b["best_response"] = [RESPONSE_ORDER[int(r)] for r in rank.groupby(a["slot_index"]).min().reindex(b.index)]

    # Patient IDs in index-date order.
    order = b.sort_values(["index_date", "slot"], kind="stable").index
    pid = pd.Series([f"BR-{k:02d}" for k in range(1, len(b) + 1)], index=order).sort_index()
    b["patient_id"] = pid

    extra_fish = [m for m in PUBLISHED["fish"] if m not in PATIENT_COLUMNS]
    columns = (*PATIENT_COLUMNS, *extra_fish)
    data = {c: (b[c].to_numpy() if c in b else np.full(len(b), None, dtype=object)) for c in columns}
    data["riss_stage"] = np.full(len(b), None, dtype=object)
    data["prior_daratumumab"] = np.full(len(b), np.nan)
    data["new_therapy_date"] = pd.Series(pd.NaT, index=range(len(b)), dtype="datetime64[ns]")
    for c in ("index_date", "last_contact_date", "death_date", "progression_date"):
        data[c] = pd.to_datetime(b[c]).astype("datetime64[ns]").reset_index(drop=True)
    patients = _frame(data, columns).sort_values("patient_id", kind="stable").reset_index(drop=True)
    patients["_line"] = np.arange(2, len(patients) + 2)

    a["patient_id"] = a["slot_index"].map(pid)
    a = a.sort_values(["patient_id", "assessment_date"], kind="stable").reset_index(drop=True)
    a = a.reindex(columns=list(ASSESSMENT_COLUMNS))
    for c in ("cycle", "serum_m_g_l", "urine_m_mg_24h", "flc_kappa_mg_l", "flc_lambda_mg_l", "bm_plasma_cells_pct",
              "plasmacytoma_spd_cm2", "new_lesion"):
        a[c] = pd.to_numeric(a[c]).astype(float)
    adata = {c: a[c].to_numpy() for c in ASSESSMENT_COLUMNS} | {"assessment_date": a["assessment_date"]}
    assessments = _frame(adata, ASSESSMENT_COLUMNS)

    ae["patient_id"] = ae["slot_index"].map(pid)
    ae = ae.sort_values(["patient_id", "onset_date", "term"], kind="stable").reset_index(drop=True)
    edata = {"patient_id": ae["patient_id"].to_numpy(), "term": ae["term"].to_numpy(),
             "grade": ae["grade"].to_numpy(dtype=float), "onset_date": ae["onset_date"].astype("datetime64[ns]")}
    adverse_events = _frame(edata, AE_COLUMNS)

    tables = {"patients": patients, "assessments": assessments, "adverse_events": adverse_events}
    check_categories(tables)
    return tables


def check_categories(tables: dict[str, pd.DataFrame]) -> None:
    """The IMWG engine (single assessments, as the replica's config) must derive the recorded category."""
    from pipeline.imwg import derive_response

    res = derive_response(tables["patients"], tables["assessments"], confirm_response=False)
    a = res.assessments.assign(response=tables["assessments"]["response"].to_numpy())
    post = a["response"].notna()
    bad = a[post & (a["category"] != a["response"])]
    if len(bad):
        raise RuntimeError("derived categories differ from the design:\n"
                           + bad[["patient_id", "assessment_date", "cycle", "response", "category", "reason"]]
                           .to_string())


def write_replica(tables: dict[str, pd.DataFrame], out_dir: str | Path) -> list[Path]:
    """Write the CSV files with the general generator's writer (creatinine with two decimals)."""
    out = dict(tables)
    p = out["patients"].copy()
    for col, dec in EXTRA_DECIMALS.items():
        text = np.char.mod(f"%.{dec}f", p[col].fillna(0).to_numpy(dtype=float))
        p[col] = pd.Series(np.where(p[col].isna(), None, text), index=p.index, dtype=object)
    out["patients"] = p
    return write_cohort(out, out_dir)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(prog="python -m pipeline.synth.replica", description=__doc__.splitlines()[0])
    ap.add_argument("--out", default=str(OUT_DIR), help="folder to write patients.csv, assessments.csv, "
                                                        "adverse_events.csv (default: %(default)s)")
    ap.add_argument("--seed", type=int, default=SEED, help="random seed (default: %(default)s)")
    args = ap.parse_args(argv)
    for path in write_replica(build_replica(args.seed), args.out):
        print(path)

