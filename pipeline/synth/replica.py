"""A synthetic replica of the reference study: 32 patients whose analysis reproduces the published numbers.

The study (``docs/REFERENCE_STUDY.md``): bendamustine-based regimens for relapsed/refractory myeloma, one
hospital, 32 patients treated August 2019 - September 2022, cut-off 2022-12-09. The paper reports only
aggregates; this module builds one cohort consistent with all of them, with raw measurements from which
the IMWG engine derives the published category at every assessment, and writes it in the data
contract's CSV format::

    python -m pipeline.synth.replica --out synthetic_data/bendamustine_rrmm

Layout of this file: ``PUBLISHED`` (every published number, the targets), then the design choices the
paper leaves open (``ROSTER``: each patient's response course, prior-line group and survival; the
adverse-event grades and lab ranges), then the code that turns them into tables. Everything random (who
is male, who has EMD or which FISH result, each lab value, the measurement noise, dates within a cycle)
comes from one seeded generator, so the same seed writes the same bytes.

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
import datetime as dt
from pathlib import Path
from typing import NamedTuple

import numpy as np
import pandas as pd
from scipy import stats

from pipeline.synth.cohort import AE_COLUMNS, ASSESSMENT_COLUMNS, PATIENT_COLUMNS, _frame
from pipeline.synth.io import write_cohort
from pipeline.vocab import DAYS_PER_MONTH, RESPONSE_ORDER, RESPONSE_RANK

SEED = 20250404
CUTOFF = dt.date(2022, 12, 9)
FIRST_INDEX = dt.date(2019, 8, 1)  # the paper's first patient started in August 2019
STUDY = "bendamustine_rrmm"
OUT_DIR = Path(__file__).resolve().parents[2] / "synthetic_data" / STUDY

# =========================================================================================== targets
#: Every number the paper publishes (docs/REFERENCE_STUDY.md). Medians in months; None = not reached.
PUBLISHED: dict = {
    "n": 32,
    "sex": {"M": 22, "F": 10},
    # mean +- SEM (see the module docstring), with the range where given
    "mean_sem": {"age": (60.00, 1.55), "hemoglobin_g_l": (92.94, 4.76), "platelets_10e9_l": (140.00, 15.10)},
    "age_range": (42, 80),
    # median (Q1, Q3)
    "median_iqr": {
        "bm_plasma_cells_pct": (27.50, 6.50, 80.80),
        "calcium_mmol_l": (2.17, 2.02, 2.45),
        "creatinine_umol_l": (77.70, 68.08, 106.43),
        "beta2m_mg_l": (4.41, 3.84, 9.18),
        "albumin_g_l": (33.10, 27.70, 37.40),
        "ldh_u_l": (197.70, 164.00, 240.40),
        "esr_mm_h": (125, 60, 140),
        "wbc_10e9_l": (4.20, 3.70, 6.80),
    },
    "myeloma_group": {"IgG": 17, "IgA": 6, "kappa": 6, "lambda": 2, "nonsecretory": 1},
    "ds_stage": {"IIIA": 29, "IIIB": 3},
    "iss_stage": {"II": 17, "III": 15},
    "fish_tested": 23,
    "fish_negative": 5,
    "fish": {"fish_igh": 3, "fish_gain1q21": 12, "fish_del17p": 3, "fish_t14_16": 4, "fish_t14_20": 1,
             "fish_t4_14": 3, "fish_del13q": 2, "fish_t4_11": 1, "fish_t11_14": 1},
    "fish_high_risk": 8,
    "fish_abnormal_with_emd": 15,
    "emd": {"at_diagnosis": 7, "at_relapse": 12},
    "emd_type": {"paraskeletal": 16, "soft_tissue": 3},
    "prior_lines": {"median": 4, "min": 2, "max": 6},
    "prior_bortezomib": 32,
    "prior_lenalidomide": 29,
    "regimen": {"BRD": 14, "BPD": 13, "DBd": 2, "Bd": 1, "BEVD": 1, "BKd": 1},
    "cycles": {"median": 3, "min": 1, "max": 8, "one_cycle": 3},
    "groups": {"prior_lines": {">= 3": 20, "< 3": 12}, "cycles": {">= 3": 20, "< 3": 12}},
    "by_cycle": {2: {"CR": 1, "PR": 11, "SD": 10, "PD": 7}, 4: {"CR": 1, "PR": 10, "SD": 3, "PD": 1},
                 6: {"VGPR": 1, "PR": 1, "PD": 1}, 8: {"VGPR": 1}},
    "final": {"CR": 1, "VGPR": 1, "PR": 9, "SD": 6, "PD": 12},  # response-evaluable (>= 2 cycles), n = 29
    "orr_evaluable": (11, 29),
    "orr_4_cycles": (11, 15),
    "emd_final": {"VGPR": 1, "PR": 4, "SD": 5, "PD": 9},  # all 19 EMD patients
    "emd_orr": (5, 19),
    "emd_dcr": (10, 19),
    # (endpoint, grouping, group) -> median months
    "medians": {("PFS", None, None): 11, ("OS", None, None): 25,
                ("PFS", "prior_lines", ">= 3"): 11, ("OS", "prior_lines", ">= 3"): 25,
                ("PFS", "prior_lines", "< 3"): None, ("OS", "prior_lines", "< 3"): None,
                ("PFS", "cycles", ">= 3"): 21, ("PFS", "cycles", "< 3"): 2,
                ("OS", "cycles", ">= 3"): 28, ("OS", "cycles", "< 3"): 8},
    # (endpoint, grouping) -> the published p: a number, or a bound as text
    "logrank_p": {("PFS", "cycles"): "< 0.001", ("OS", "cycles"): 0.02,
                  ("PFS", "prior_lines"): "> 0.05", ("OS", "prior_lines"): "> 0.05"},
    "deaths": {"all": 10, "progression": 8, "other": 2},
    "followup_months": {"median": 13, "min": 3, "max": 27},
    # CTCAE v5.0 term -> patients with it (any grade) and by worst grade where published
    "adverse_events": {
        "Fatigue": {"any": 14}, "Anorexia": {"any": 11},
        "White blood cell decreased": {"any": 16, 1: 10, 2: 4, 3: 2},
        "Anemia": {"any": 2},
        "Platelet count decreased": {"any": 8, 1: 2, 2: 1, 3: 5},
        "Diarrhea": {"any": 2, 2: 2},
    },
    "ae_grade4": 0,
}
#: What the replica promises for the medians: within this many months of the published whole months.
MEDIAN_TOLERANCE_MONTHS = 0.5

# =========================================================================================== design
#: Response assessments at the end of these cycles, as in the paper; a PD between them is unscheduled.
ASSESSED_CYCLES = (1, 2, 4, 6, 8)
CYCLE_DAYS = 28


class Slot(NamedTuple):
    """One patient of the design (the slot name is not the patient ID: IDs follow the index dates).

    ``course``: the category at each scheduled assessment the patient reached (end of cycles 1, 2, 4, 6,
    8 up to ``cycles``), then ``+PD`` for a progression found at an unscheduled assessment at the end of
    the last cycle. ``progression``: months to a progression recorded after the last assessment
    (patients.progression_date only; None = none, or the PD of the course). ``death``: (months, cause).
    ``alive``: months from the start of treatment to the cut-off for patients alive at it (contacted then).
    """

    name: str
    cycles: int
    lines: str  # "<3" (2 prior lines) or ">=3" (3-6)
    course: str
    progression: float | None = None
    death: tuple[float, str] | None = None
    alive: float | None = None


# How the published numbers fix the courses. >= 4 cycles (15): at cycle 4 CR 1, PR 10, SD 3, PD 1; 3 went
# on to cycle 6 (VGPR, PR, PD) and one to cycle 8 (VGPR). All 11 final responders had >= 4 cycles
# (ORR 11/15), so the 14 patients with 2-3 cycles end SD (4) or PD (10): 7 PD at cycle 2, and 3 who had
# PR at cycle 2 and progressed at the end of cycle 3. After cycle 2 (n = 29) that leaves CR 1, PR 11,
# SD 10, PD 7. Survival: the 1-2 cycle patients progress by month 2 (PFS 2) and 5 of them die by month 8,
# which with 4 short follow-ups censored before it takes their OS curve below one half at month 8; the
# >= 3 cycle group crosses one half at month 21 (PFS) and 28 (OS) through progressions recorded at
# follow-up and 5 deaths (2 of them from other causes: lung cancer, heart failure). Of the 14
# early progressions, 5 fall in the prior-lines < 3 group, which keeps its curves above one half (NR),
# and no progression falls between months 5.5 and 11, so that the whole cohort and the >= 3
# lines group cross one half at the progression at month 11. Patients started late in 2022 are the
# short follow-ups (alive at the cut-off).
ROSTER: tuple[Slot, ...] = (
    # 1 cycle: 2 died, 1 alive with SD
    Slot("A01", 1, ">=3", "PD", death=(3.0, "progression")),
    Slot("A02", 1, ">=3", "PD", death=(3.6, "progression")),
    Slot("A03", 1, "<3", "SD", alive=3.1),
    # 2 cycles: 7 PD at cycle 2, 2 SD
    Slot("A04", 2, ">=3", "SD PD", death=(4.6, "progression")),
    Slot("A05", 2, ">=3", "SD PD", death=(8.0, "progression")),
    Slot("A06", 2, "<3", "SD PD", death=(6.2, "progression")),
    Slot("A07", 2, "<3", "SD PD", alive=7.0),
    Slot("A08", 2, "<3", "SD PD", alive=7.5),
    Slot("A09", 2, "<3", "SD PD", alive=7.8),
    Slot("A10", 2, "<3", "SD PD", alive=19.0),
    Slot("A11", 2, ">=3", "SD SD", progression=13.0, alive=22.0),
    Slot("A12", 2, ">=3", "SD SD", alive=10.0),
    # 3 cycles: PR at cycle 2 then PD at the end of cycle 3 (3); SD (2, one started in late September 2022)
    Slot("B01", 3, ">=3", "SD PR +PD", death=(6.8, "progression")),
    Slot("B02", 3, ">=3", "PR PR +PD", alive=12.0),
    Slot("B03", 3, ">=3", "SD PR +PD", alive=15.0),
    Slot("B04", 3, "<3", "SD SD", alive=2.4),
    Slot("B05", 3, ">=3", "SD SD", alive=9.0),
    # >= 4 cycles
    Slot("C01", 5, "<3", "PR CR CR", alive=17.0),
    Slot("C02", 8, "<3", "PR PR PR VGPR VGPR", alive=23.0),
    Slot("C03", 7, ">=3", "PR PR PR PR", progression=26.0, death=(28.0, "progression")),
    Slot("C04", 6, ">=3", "SD SD SD PD", death=(13.0, "progression")),
    Slot("C05", 5, ">=3", "SD PR PR", progression=11.0, death=(25.0, "other")),
    Slot("C06", 5, ">=3", "PR PR PR", progression=16.0, death=(20.0, "other")),
    Slot("C07", 5, ">=3", "PR PR PR", progression=21.0, alive=28.5),
    Slot("C08", 4, "<3", "PR PR PR", alive=6.5),
    Slot("C09", 4, ">=3", "SD PR PR", alive=7.2),
    Slot("C10", 5, "<3", "PR PR PR", alive=27.0),
    Slot("C11", 4, ">=3", "SD SD PR", alive=18.0),
    Slot("C12", 4, ">=3", "SD SD PR", alive=10.5),
    Slot("C13", 4, "<3", "SD SD SD", alive=8.5),
    Slot("C14", 4, ">=3", "SD SD SD", alive=24.0),
    Slot("C15", 4, ">=3", "SD SD PD", alive=11.0),
)
#: Prior lines of the >= 3 group (the < 3 group has 2): median 4 over all 32, range 2-6.
PRIOR_LINES_3PLUS = {3: 3, 4: 7, 5: 6, 6: 4}
#: Adverse events by worst grade. Published: leukopenia and thrombocytopenia by grade, diarrhoea grade 2;
#: fatigue and anorexia "grade 1-2" and anemia without a grade (the splits here are the replica's).
AE_GRADES = {
    "White blood cell decreased": {1: 10, 2: 4, 3: 2},
    "Platelet count decreased": {1: 2, 2: 1, 3: 5},
    "Anemia": {2: 2},
    "Fatigue": {1: 9, 2: 5},
    "Anorexia": {1: 7, 2: 4},
    "Diarrhea": {2: 2},
}
#: Of the grade 3 thrombocytopenias, this many had low platelets before treatment: the lowest baseline
#: values in CTCAE grade 1-2 range (50-99 x10^9/L), so that grade 3 (25-49) is a worsening.
PLATELETS_LOW_BEFORE = 3
PLATELETS_LOW_RANGE = (50.0, 100.0)
#: Lab ranges beyond the published quartiles (min, max), and the decimals written.
LAB_RANGES = {
    "bm_plasma_cells_pct": (1.5, 92.0, 1),
    "calcium_mmol_l": (1.85, 3.30, 2),
    "creatinine_umol_l": (48.0, 420.0, 2),
    "beta2m_mg_l": (2.60, 21.0, 2),
    "albumin_g_l": (16.0, 40.0, 1),
    "ldh_u_l": (112.0, 610.0, 1),
    "esr_mm_h": (12, 150, 0),
    "wbc_10e9_l": (1.9, 13.5, 2),
}
MEAN_SEM_RANGES = {"age": (42, 80), "hemoglobin_g_l": (40, 165), "platelets_10e9_l": (12, 420)}
#: Platelets with a mean of 140 and an SD of 85 must lean right to stay positive (and still pass
#: Shapiro-Wilk, as the paper's mean +- SD implies).
MEAN_SEM_SKEW = {"platelets_10e9_l": 4.0}
#: DS stage IIIB is a creatinine >= 177 umol/L (2 mg/dL); ISS III a beta2-microglobulin >= 5.5 mg/L, and ISS
#: II with beta2m < 3.5 needs albumin < 35 g/L.
IIIB_CREATININE, ISS3_B2M, ISS1_B2M, ISS1_ALBUMIN = 177.0, 5.5, 3.5, 35.0
#: Heavy-chain myeloma with a kappa light chain (the rest lambda).
KAPPA_SHARE = 0.6
#: Written with more decimals than the general generator's writer uses (the published Q1 is 68.08).
EXTRA_DECIMALS = {"creatinine_umol_l": 2}

# Measurement levels as a fraction of baseline, by category (disjoint from the IMWG thresholds with
# margin: PR <= 50%, VGPR <= 10%, MR 50-75% never used, SD > 75%; for dFLC and marrow SD is > 50%).
LEVELS = {
    "serum": {"SD": (0.80, 0.97), "PR": (0.18, 0.45), "VGPR": (0.03, 0.08)},
    "dflc": {"SD": (0.62, 0.95), "PR": (0.15, 0.42)},
    "marrow": {"SD": (0.60, 0.95), "PR": (0.20, 0.45)},
    "plasmacytoma": {"SD": (0.82, 1.00), "PR": (0.20, 0.48), "VGPR": (0.20, 0.48)},
}
#: Share of the EMD patients' progressions seen on imaging (plasmacytoma growth) rather than in the labs.
IMAGING_PD_SHARE = 0.6


# ============================================================================================= code
def _days(months: float) -> int:
    return int(round(months * DAYS_PER_MONTH))


def _parse_course(slot: Slot) -> list[tuple[int | None, str]]:
    """(cycle or None for the unscheduled PD, category) per post-baseline assessment."""
    words = slot.course.split()
    unscheduled = words[-1] == "+PD"
    cats = words[:-1] if unscheduled else words
    cycles = [c for c in ASSESSED_CYCLES if c <= slot.cycles]
    if len(cats) != len(cycles):
        raise ValueError(f"{slot.name}: {len(cats)} categories for the assessments at cycles {cycles}")
    return list(zip(cycles, cats, strict=True)) + ([(None, "PD")] if unscheduled else [])


def _final(slot: Slot) -> str:
    return _parse_course(slot)[-1][1]


def _pick(rng: np.random.Generator, pool: list[int], k: int) -> list[int]:
    return sorted(rng.choice(pool, size=k, replace=False).tolist()) if k else []


def _quartile_sample(rng: np.random.Generator, q1: float, med: float, q3: float, lo: float, hi: float,
                     decimals: int, cut: tuple[float, int] | None = None) -> np.ndarray:
    """32 values whose R type-7 quartiles are exactly q1, med, q3 and whose Shapiro-Wilk p is < 0.05.

    With n = 32 the quartiles sit between sorted values 8/9, 16/17 and 24/25 (1-based), which are set to
    them; the other values are drawn uniformly in [lo, q1], [q1, med], [med, q3], [q3, hi]. ``cut`` =
    (threshold, k): exactly the k largest values are >= threshold (a stage boundary).
    """
    segments = [(lo, q1, 7), (q1, q1, 2), (q1, med, 6), (med, med, 2), (med, q3, 6), (q3, q3, 2), (q3, hi, 7)]
    low = np.concatenate([np.full(k, a, dtype=float) for a, _, k in segments])
    high = np.concatenate([np.full(k, b, dtype=float) for _, b, k in segments])
    if cut is not None:
        threshold, k = cut
        step = 10.0 ** -decimals
        low[-k:] = np.maximum(low[-k:], threshold)
        high[:-k] = np.minimum(high[:-k], threshold - step)
        if (low > high).any():
            raise ValueError(f"cut {cut} is inconsistent with the quartiles {q1}, {med}, {q3}")
    for _ in range(200):
        x = np.clip(np.round(rng.uniform(low, high), decimals), low, high)
        if stats.shapiro(x).pvalue < 0.05:
            return np.round(x, decimals)
    raise RuntimeError(f"no non-normal sample with quartiles {q1}, {med}, {q3}")


def _mean_sd_integers(rng: np.random.Generator, mean: float, sem: float, lo: int, hi: int,
                      pin_range: bool, skew: float = 0.0) -> np.ndarray:
    """32 integers with the published mean (to 2 decimals), SD = SEM x sqrt(32) (SEM to 2 decimals) and a
    Shapiro-Wilk p >= 0.05, inside (lo, hi); with ``pin_range`` the minimum and maximum are exactly lo and
    hi. ``skew``: the skew-normal shape drawn from (0 = normal)."""
    n = 32
    total = int(round(mean * n))
    sd_lo, sd_hi = (sem - 0.004) * np.sqrt(n), (sem + 0.004) * np.sqrt(n)  # SEM rounds to the published value
    for _ in range(2000):
        z = stats.skewnorm.rvs(skew, size=n, random_state=rng)
        x = np.round(mean + (sem * np.sqrt(n)) * (z - z.mean()) / z.std(ddof=1)).astype(int)
        ends = []
        if pin_range:
            ends = [int(np.argmin(x)), int(np.argmax(x))]
            x[ends[0]], x[ends[1]] = lo, hi
        elif x.min() <= lo or x.max() >= hi:
            continue
        free = np.setdiff1d(np.arange(n), ends)
        for _ in range(2000):  # integer steps towards the exact sum, then the SD window
            s, sd = int(x.sum()), float(x.std(ddof=1))
            order = free[np.argsort(x[free], kind="stable")]
            up = order[x[order] < hi - 1]  # may still rise / fall without leaving (lo, hi)
            down = order[x[order] > lo + 1]
            if s != total:  # move the value closest to the mean
                i = order[len(order) // 2]
                x[i] += 1 if s < total else -1
            elif sd < sd_lo:  # spread: the largest value up, the smallest down
                x[up[-1]] += 1
                x[down[0]] -= 1
            elif sd >= sd_hi:  # shrink: the largest down, the smallest up
                x[down[-1]] -= 1
                x[up[0]] += 1
            else:
                break
        inside = x.min() >= lo and x.max() <= hi and (not pin_range or (x.min() == lo and x.max() == hi))
        if (inside and x.sum() == total and sd_lo <= x.std(ddof=1) < sd_hi
                and stats.shapiro(x).pvalue >= 0.05):
            return x
    raise RuntimeError(f"no normal-looking sample with mean {mean} and SEM {sem}")


def _baseline(rng: np.random.Generator) -> pd.DataFrame:
    """One row per slot: the baseline characteristics, drawn within the published counts."""
    n = len(ROSTER)
    idx = list(range(n))
    final = [_final(s) for s in ROSTER]
    b = pd.DataFrame({"slot": [s.name for s in ROSTER], "cycles": [s.cycles for s in ROSTER],
                      "final": final})

    # Prior lines: the < 3 group has 2; the >= 3 group gets 3-6 as PRIOR_LINES_3PLUS, shuffled.
    lines = np.full(n, 2)
    plus = [i for i, s in enumerate(ROSTER) if s.lines == ">=3"]
    lines[plus] = rng.permutation(np.repeat(list(PRIOR_LINES_3PLUS), list(PRIOR_LINES_3PLUS.values())))
    b["prior_lines"] = lines

    # EMD: the published EMD final responses (VGPR 1, PR 4, SD 5, PD 9) drawn from each final category.
    emd = np.zeros(n, dtype=bool)
    for cat, k in PUBLISHED["emd_final"].items():
        emd[_pick(rng, [i for i in idx if final[i] == cat], k)] = True
    emd_idx = np.flatnonzero(emd).tolist()
    when = np.full(n, "none", dtype=object)
    when[emd_idx] = rng.permutation(["at_diagnosis"] * PUBLISHED["emd"]["at_diagnosis"]
                                    + ["at_relapse"] * PUBLISHED["emd"]["at_relapse"])
    kind = np.full(n, None, dtype=object)
    kind[emd_idx] = rng.permutation(["paraskeletal"] * PUBLISHED["emd_type"]["paraskeletal"]
                                    + ["soft_tissue"] * PUBLISHED["emd_type"]["soft_tissue"])
    b["emd"], b["emd_type"] = when, kind

    # Myeloma type: the CR and VGPR patients are IgG (serum-followed); the rest is shuffled.
    deep = [i for i in idx if final[i] in ("CR", "VGPR")]
    counts = dict(PUBLISHED["myeloma_group"], IgG=PUBLISHED["myeloma_group"]["IgG"] - len(deep))
    group = np.empty(n, dtype=object)
    group[deep] = "IgG"
    group[[i for i in idx if i not in deep]] = rng.permutation([g for g, k in counts.items() for _ in range(k)])
    chain = np.where(rng.random(n) < KAPPA_SHARE, "kappa", "lambda")
    b["myeloma_group"] = group
    b["myeloma_type"] = [f"{g}-{c}" if g in ("IgG", "IgA") else g for g, c in zip(group, chain, strict=True)]

    for col in ("sex", "regimen"):
        b[col] = rng.permutation([v for v, k in PUBLISHED[col].items() for _ in range(k)])
    b["prior_bortezomib"] = 1.0
    b["prior_lenalidomide"] = rng.permutation([1.0] * PUBLISHED["prior_lenalidomide"]
                                              + [0.0] * (n - PUBLISHED["prior_lenalidomide"]))
    b["bendamustine_dose_mg_m2"] = 60.0
    for col in ("ds_stage", "iss_stage"):
        b[col] = rng.permutation([v for v, k in PUBLISHED[col].items() for _ in range(k)])
    _fish(rng, b, emd)
    _labs(rng, b)
    return b


def _fish(rng: np.random.Generator, b: pd.DataFrame, emd: np.ndarray) -> None:
    """FISH in 23: 18 abnormal (15 of them with EMD), 5 negative; 8 high risk (the mutually exclusive IgH
    translocations t(4;14), t(14;16), t(14;20), with del(17p)/TP53 among them)."""
    n = len(b)
    p = PUBLISHED
    n_abn = p["fish_tested"] - p["fish_negative"]
    emd_idx, other = np.flatnonzero(emd).tolist(), np.flatnonzero(~emd).tolist()
    abn_emd = _pick(rng, emd_idx, p["fish_abnormal_with_emd"])
    abn_other = _pick(rng, other, n_abn - len(abn_emd))
    left = [i for i in range(n) if i not in abn_emd + abn_other]
    negative = _pick(rng, left, p["fish_negative"])
    abnormal = rng.permutation(abn_emd + abn_other).tolist()
    tested = np.zeros(n, dtype=bool)
    tested[abnormal + negative] = True
    pos = {m: np.zeros(n, dtype=bool) for m in p["fish"]}
    high = abnormal[: p["fish_high_risk"]]
    standard = abnormal[p["fish_high_risk"]:]
    partners = [m for m in ("fish_t4_14", "fish_t14_16", "fish_t14_20") for _ in range(p["fish"][m])]
    assert len(partners) == len(high), "the IgH partners are the high-risk patients"
    for i, m in zip(high, rng.permutation(partners), strict=True):
        pos[m][i] = True
    pos["fish_del17p"][_pick(rng, high, p["fish"]["fish_del17p"])] = True
    pos["fish_t11_14"][standard[0]] = True
    pos["fish_t4_11"][standard[1]] = True
    # 1q21 gain: every other standard-risk patient, the remainder among the high-risk ones
    rest = standard[2:]
    pos["fish_gain1q21"][rest] = True
    pos["fish_gain1q21"][_pick(rng, high, p["fish"]["fish_gain1q21"] - len(rest))] = True
    for m in ("fish_del13q", "fish_igh"):
        pos[m][_pick(rng, abnormal, p["fish"][m])] = True
    b["fish_tested"] = tested.astype(float)
    for m, hit in pos.items():
        b[m] = np.where(tested, np.where(hit, "positive", "negative"), None).astype(object)


def _labs(rng: np.random.Generator, b: pd.DataFrame) -> None:
    """Baseline labs at the published mean and SEM or quartiles, consistent with the stages."""
    n = len(b)
    for col, (mean, sem) in PUBLISHED["mean_sem"].items():
        lo, hi = MEAN_SEM_RANGES[col]
        x = _mean_sd_integers(rng, mean, sem, lo, hi, pin_range=col == "age", skew=MEAN_SEM_SKEW.get(col, 0.0))
        b[col] = rng.permutation(x).astype(float)
    # DS IIIB <-> creatinine >= 177 and ISS III <-> beta2m >= 5.5: the top values go to those stages.
    linked = {"creatinine_umol_l": (IIIB_CREATININE, b["ds_stage"] == "IIIB"),
              "beta2m_mg_l": (ISS3_B2M, b["iss_stage"] == "III")}
    for col, (med, q1, q3) in PUBLISHED["median_iqr"].items():
        lo, hi, dec = LAB_RANGES[col]
        if col in linked:
            threshold, high = linked[col]
            x = np.sort(_quartile_sample(rng, q1, med, q3, lo, hi, dec, (threshold, int(high.sum()))))
            b.loc[high, col] = rng.permutation(x[-int(high.sum()):])
            b.loc[~high, col] = rng.permutation(x[: n - int(high.sum())])
        else:
            b[col] = rng.permutation(_quartile_sample(rng, q1, med, q3, lo, hi, dec))
    # ISS II with beta2m < 3.5 needs an albumin < 35 (else it would be ISS I): swap albumins.
    alb = b["albumin_g_l"].to_numpy().copy()
    need = np.flatnonzero(b["beta2m_mg_l"].to_numpy() < ISS1_B2M)
    for i in need[alb[need] >= ISS1_ALBUMIN]:
        j = next(j for j in rng.permutation(n) if j not in need and alb[j] < ISS1_ALBUMIN)
        alb[i], alb[j] = alb[j], alb[i]
    b["albumin_g_l"] = alb
    # The non-secretory patient is followed by marrow, which is measurable from 30%: swap if needed.
    bm = b["bm_plasma_cells_pct"].to_numpy().copy()
    ns = np.flatnonzero(b["myeloma_group"].to_numpy() == "nonsecretory")
    for i in ns[bm[ns] < 30]:
        j = next(j for j in rng.permutation(n) if bm[j] >= 40 and j not in ns)
        bm[i], bm[j] = bm[j], bm[i]
    b["bm_plasma_cells_pct"] = bm


def _dates(b: pd.DataFrame, rng: np.random.Generator) -> None:
    """Index date (alive patients: the cut-off minus their follow-up; the dead: drawn so that death comes
    before the cut-off, the earliest in August 2019), last contact, death and progression."""
    cutoff = pd.Timestamp(CUTOFF)
    first = pd.Timestamp(FIRST_INDEX)
    index = []
    for s in ROSTER:
        if s.alive is not None:
            index.append(cutoff - pd.Timedelta(days=_days(s.alive)))
        else:
            latest = cutoff - pd.Timedelta(days=_days(s.death[0]))
            index.append(first + pd.Timedelta(days=int(rng.integers(0, (latest - first).days + 1))))
    index = pd.Series(index)
    dead = [i for i, s in enumerate(ROSTER) if s.death is not None]
    earliest = min(dead, key=lambda i: index[i])
    index[earliest] = first + pd.Timedelta(days=int(rng.integers(0, 28)))
    b["index_date"] = index
    b["death_date"] = [index[i] + pd.Timedelta(days=_days(s.death[0])) if s.death else pd.NaT
                       for i, s in enumerate(ROSTER)]
    b["death_cause"] = [None if s.death is None else s.death[1] for s in ROSTER]
    b["last_contact_date"] = [b.loc[i, "death_date"] if s.death else cutoff for i, s in enumerate(ROSTER)]
    b["recorded_progression"] = [index[i] + pd.Timedelta(days=_days(s.progression)) if s.progression else pd.NaT
                                 for i, s in enumerate(ROSTER)]


def _assessments(b: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """Baseline (cycle 0, up to a week before the first dose) and response assessments (end of each
    assessed cycle, up to 3 days late), with raw values that give each designed category."""
    frames = []
    for i, s in enumerate(ROSTER):
        course = _parse_course(s)
        days = [int(rng.integers(-7, 0))] + [(s.cycles if cyc is None else cyc) * CYCLE_DAYS
                                             + int(rng.integers(0, 4)) for cyc, _ in course]
        rows = pd.DataFrame(_measurements(rng, b.iloc[i], [cat for _, cat in course]))
        rows.insert(0, "cycle", [0] + [np.nan if cyc is None else cyc for cyc, _ in course])
        rows.insert(1, "response", [None] + [cat for _, cat in course])
        rows["assessment_date"] = b.loc[i, "index_date"] + pd.to_timedelta(days, unit="D")
        rows["slot_index"] = i
        frames.append(rows)
    return pd.concat(frames, ignore_index=True)


def _followed_values(rng: np.random.Generator, kind: str, b0: float, cats: list[str],
                     imaging_pd: bool) -> list[float]:
    """The followed measure at each post-baseline assessment: inside the designed category's band (never
    rising before a progression), a rise past IMWG's progression threshold from the nadir at a lab PD,
    unchanged at a PD seen on imaging."""
    out, level, nadir = [], 1.0, b0
    for cat in cats:
        if cat == "CR":
            value = 0.0
        elif cat == "PD" and imaging_pd:
            value = b0 * level
        elif cat == "PD":
            value = {"serum": max(nadir * rng.uniform(1.4, 1.8), nadir + rng.uniform(6.0, 12.0)),  # g/L
                     "dflc": max(nadir * rng.uniform(1.5, 2.0), nadir + rng.uniform(150.0, 400.0)),  # mg/L
                     "marrow": nadir + rng.uniform(12.0, 20.0)}[kind]  # percentage points
        else:
            lo, hi = LEVELS[kind][cat]
            level = rng.uniform(lo, min(hi, level))
            value = b0 * level
        value = round(value, 1)
        nadir = min(nadir, value)
        out.append(value)
    return out


def _plasmacytoma_values(rng: np.random.Generator, spd0: float, cats: list[str], imaging_pd: bool) -> list[float]:
    """Plasmacytoma SPD (cm2): down >= 50% with a response (the PR/VGPR requirement), down < 18% with SD,
    up >= 70% from the nadir at a PD seen on imaging, unchanged at a lab PD."""
    out, level = [], 1.0
    for cat in cats:
        if cat == "PD":
            value = min(out, default=spd0) * (rng.uniform(1.7, 2.4) if imaging_pd else 1.0)
        else:
            lo, hi = LEVELS["plasmacytoma"][cat]
            level = rng.uniform(lo, min(hi, level))
            value = spd0 * level
        out.append(round(value, 1))
    return out


def _measurements(rng: np.random.Generator, p: pd.Series, cats: list[str]) -> dict[str, list]:
    """Raw values of one patient: baseline first, then one per category of ``cats``.

    Heavy-chain myeloma is followed by serum M-protein (immunofixation negative only in CR, marrow < 5%
    then); light-chain myeloma by the free light chain difference dFLC; non-secretory myeloma by marrow
    plasma cells; EMD in addition by the plasmacytoma's SPD on imaging.
    """
    group = p["myeloma_group"]
    kind = "serum" if group in ("IgG", "IgA") else "marrow" if group == "nonsecretory" else "dflc"
    emd = p["emd"] != "none"
    imaging_pd = emd and rng.random() < IMAGING_PD_SHARE
    kappa = group == "kappa" or str(p["myeloma_type"]).endswith("kappa")
    n = len(cats) + 1
    b0 = {"serum": rng.uniform(20.0, 55.0) if group == "IgG" else rng.uniform(15.0, 40.0),
          "dflc": rng.uniform(350.0, 1800.0), "marrow": float(p["bm_plasma_cells_pct"])}[kind]
    values = [round(b0, 1), *_followed_values(rng, kind, b0, cats, imaging_pd)]
    cr = [False] + [c == "CR" for c in cats]
    m: dict[str, list] = {"serum_m_g_l": [0.0] * n, "serum_ife": ["positive"] * n, "urine_ife": [None] * n,
                          "flc_kappa_mg_l": [np.nan] * n, "flc_lambda_mg_l": [np.nan] * n,
                          "bm_plasma_cells_pct": [float(p["bm_plasma_cells_pct"])] + [np.nan] * (n - 1)}

    def set_flc(k: int, involved: float, uninvolved: float) -> None:
        pair = (involved, uninvolved) if kappa else (uninvolved, involved)
        m["flc_kappa_mg_l"][k], m["flc_lambda_mg_l"][k] = round(pair[0], 1), round(pair[1], 1)

    uninvolved = rng.uniform(5.0, 14.0)
    if kind == "serum":
        m["serum_m_g_l"] = values
        set_flc(0, rng.uniform(30.0, 150.0), uninvolved)  # FLC at baseline only (and in CR)
        for k in np.flatnonzero(cr):
            m["serum_ife"][k] = m["urine_ife"][k] = "negative"
            m["bm_plasma_cells_pct"][k] = round(rng.uniform(1.0, 4.0), 1)
            set_flc(k, rng.uniform(10.0, 18.0), rng.uniform(9.0, 15.0))  # normal ratio
    elif kind == "dflc":
        for k, dflc in enumerate(values):
            set_flc(k, uninvolved + dflc, uninvolved)
    else:  # non-secretory: nothing on immunofixation, normal free light chains
        m["serum_ife"] = m["urine_ife"] = ["negative"] * n
        m["bm_plasma_cells_pct"] = [min(v, 99.0) for v in values]
        m["flc_kappa_mg_l"][0] = round(rng.uniform(8.0, 18.0), 1)
        m["flc_lambda_mg_l"][0] = round(rng.uniform(9.0, 20.0), 1)
    if emd:
        spd0 = round(rng.uniform(6.0, 36.0), 1)
        m["plasmacytoma_spd_cm2"] = [spd0, *_plasmacytoma_values(rng, spd0, cats, imaging_pd)]
        m["new_lesion"] = [np.nan] + [0.0] * (n - 1)
    return m


def _adverse_events(b: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """One row per patient per term at the worst grade, onset during treatment."""
    n = len(b)
    rows = []
    plt = b["platelets_10e9_l"].to_numpy()
    in_range = (plt >= PLATELETS_LOW_RANGE[0]) & (plt < PLATELETS_LOW_RANGE[1])
    low_plt = [i for i in np.argsort(plt, kind="stable") if in_range[i]][:PLATELETS_LOW_BEFORE]
    if len(low_plt) < PLATELETS_LOW_BEFORE:
        raise RuntimeError("too few patients with platelets in grade 1-2 range before treatment")
    for term, grades in AE_GRADES.items():
        total = sum(grades.values())
        if term == "Platelet count decreased":
            others = _pick(rng, [i for i in range(n) if i not in low_plt], total - PLATELETS_LOW_BEFORE)
            # the low-before patients are grade 3; the rest of the grades go to the others, shuffled
            g3_rest = grades[3] - PLATELETS_LOW_BEFORE
            pool = rng.permutation([g for g, k in grades.items() for _ in range(k if g != 3 else g3_rest)])
            who, grade = low_plt + others, [3] * PLATELETS_LOW_BEFORE + pool.tolist()
        else:
            who = _pick(rng, list(range(n)), total)
            grade = rng.permutation([g for g, k in grades.items() for _ in range(k)]).tolist()
        for i, g in zip(who, grade, strict=True):
            followed = (b.loc[i, "last_contact_date"] - b.loc[i, "index_date"]).days
            end = min(b.loc[i, "cycles"] * CYCLE_DAYS, followed)
            onset = b.loc[i, "index_date"] + pd.Timedelta(days=int(rng.integers(3, max(end, 4))))
            rows.append({"slot_index": i, "term": term, "grade": g, "onset_date": onset})
    return pd.DataFrame(rows)


def build_replica(seed: int = SEED) -> dict[str, pd.DataFrame]:
    """The replica cohort as canonical tables (``patients``, ``assessments``, ``adverse_events``).

    Raises RuntimeError if the IMWG engine does not derive the designed category at every assessment.
    """
    rng = np.random.default_rng(seed)
    b = _baseline(rng)
    _dates(b, rng)
    a = _assessments(b, rng)
    ae = _adverse_events(b, rng)

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


if __name__ == "__main__":  # pragma: no cover
    main()
