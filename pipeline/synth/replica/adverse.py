"""The adverse events of the 32 patients: the published terms and worst grades."""

from __future__ import annotations

import numpy as np
import pandas as pd

from pipeline.synth.replica.design import AE_GRADES, CYCLE_DAYS, PLATELETS_LOW_BEFORE, PLATELETS_LOW_RANGE
from pipeline.synth.replica.samples import pick


def draw_adverse_events(b: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
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
            others = pick(rng, [i for i in range(n) if i not in low_plt], total - PLATELETS_LOW_BEFORE)
            # the low-before patients are grade 3; the rest of the grades go to the others, shuffled
            g3_rest = grades[3] - PLATELETS_LOW_BEFORE
            pool = rng.permutation([g for g, k in grades.items() for _ in range(k if g != 3 else g3_rest)])
            who, grade = low_plt + others, [3] * PLATELETS_LOW_BEFORE + pool.tolist()
        else:
            who = pick(rng, list(range(n)), total)
            grade = rng.permutation([g for g, k in grades.items() for _ in range(k)]).tolist()
        for i, g in zip(who, grade, strict=True):
            followed = (b.loc[i, "last_contact_date"] - b.loc[i, "index_date"]).days
            end = min(b.loc[i, "cycles"] * CYCLE_DAYS, followed)
            onset = b.loc[i, "index_date"] + pd.Timedelta(days=int(rng.integers(3, max(end, 4))))
            rows.append({"slot_index": i, "term": term, "grade": g, "onset_date": onset})
    return pd.DataFrame(rows)
