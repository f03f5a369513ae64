"""Adverse events (CTCAE v5.0 terms) at the reference study's rates.

The study: leukopenia 16/32 (grade 1 10, grade 2 4, grade 3 2), thrombocytopenia 8/32 (grade 1 2,
grade 2 1, grade 3 5), fatigue 14/32 and anorexia 11/32 (grade 1-2), haemoglobin drop 2/32, diarrhoea
2/32 (grade 2), no grade 4. A few common terms it did not tabulate are added at low rates, and a rare
grade 4, so that every branch of the adverse-event table is exercised.
"""

from __future__ import annotations

import numpy as np

#: term, share of patients with it, grade 1-4 distribution, share with a second episode.
AE_TERMS: tuple[tuple[str, float, tuple[float, float, float, float], float], ...] = (
    ("White blood cell decreased", 16 / 32, (0.61, 0.25, 0.12, 0.02), 0.3),
    ("Platelet count decreased", 8 / 32, (0.24, 0.12, 0.60, 0.04), 0.3),
    ("Anemia", 0.08, (0.25, 0.45, 0.30, 0.0), 0.1),
    ("Neutrophil count decreased", 0.10, (0.30, 0.40, 0.27, 0.03), 0.2),
    ("Fatigue", 14 / 32, (0.70, 0.30, 0.0, 0.0), 0.0),
    ("Anorexia", 11 / 32, (0.70, 0.30, 0.0, 0.0), 0.0),
    ("Nausea", 0.12, (0.75, 0.25, 0.0, 0.0), 0.0),
    ("Diarrhea", 2 / 32, (0.15, 0.85, 0.0, 0.0), 0.0),
    ("Lung infection", 0.07, (0.0, 0.45, 0.55, 0.0), 0.0),
    ("Peripheral sensory neuropathy", 0.05, (0.60, 0.35, 0.05, 0.0), 0.0),
)
#: Bortezomib-containing regimens add neuropathy.
NEUROPATHY_REGIMENS = ("BPD", "BEVD")
NEUROPATHY_WITH_BORTEZOMIB = 0.18


def draw_adverse_events(
    rng: np.random.Generator, regimen: np.ndarray, cycles: np.ndarray, last_contact_day: np.ndarray
) -> dict[str, np.ndarray]:
    """Flat arrays: ``patient`` (row index), ``term``, ``grade``, ``onset_day`` (NaN = not recorded)."""
    n = len(cycles)
    parts = []
    for term, share, grades, repeat in AE_TERMS:
        p = np.full(n, share)
        if term == "Peripheral sensory neuropathy":
            p = np.where(np.isin(regimen, NEUROPATHY_REGIMENS), NEUROPATHY_WITH_BORTEZOMIB, share)
        has = rng.random(n) < p
        second = has & (cycles >= 2) & (rng.random(n) < repeat)
        for who in (np.flatnonzero(has), np.flatnonzero(second)):
            grade = 1 + rng.choice(4, size=len(who), p=grades)
            cycle = 1 + np.floor(rng.random(len(who)) * cycles[who])
            onset = np.minimum((cycle - 1) * 28 + rng.integers(3, 22, len(who)), last_contact_day[who])
            onset = np.where(rng.random(len(who)) < 0.03, np.nan, onset)
            parts.append((who, np.full(len(who), term, dtype=object), grade, onset.astype(float)))
    patient, term, grade, onset = (np.concatenate(x) for x in zip(*parts, strict=True))
    return {"patient": patient, "term": term, "grade": grade, "onset_day": onset}
