"""The design choices the paper leaves open: each patient's course (``ROSTER``), adverse-event grades, lab
ranges and measurement levels, and how a course is read."""

from __future__ import annotations

from typing import NamedTuple

from pipeline.vocab import DAYS_PER_MONTH

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


def days(months: float) -> int:
    """Months as whole days (the analysis' month length)."""
    return int(round(months * DAYS_PER_MONTH))


def parse_course(slot: Slot) -> list[tuple[int | None, str]]:
    """(cycle or None for the unscheduled PD, category) per post-baseline assessment."""
    words = slot.course.split()
    unscheduled = words[-1] == "+PD"
    cats = words[:-1] if unscheduled else words
    cycles = [c for c in ASSESSED_CYCLES if c <= slot.cycles]
    if len(cats) != len(cycles):
        raise ValueError(f"{slot.name}: {len(cats)} categories for the assessments at cycles {cycles}")
    return list(zip(cycles, cats, strict=True)) + ([(None, "PD")] if unscheduled else [])


def final_category(slot: Slot) -> str:
    """The category at the patient's last assessment (the paper's "final" response)."""
    return parse_course(slot)[-1][1]

