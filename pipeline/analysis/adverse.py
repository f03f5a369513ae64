"""Adverse events by CTCAE term, using each patient's worst grade per term (docs/ANALYSIS.md)."""

from __future__ import annotations

import pandas as pd

from pipeline import vocab


def ae_table(adverse_events: pd.DataFrame | None, n_patients: int) -> pd.DataFrame:
    """One row per term: group, any grade n (%), n by worst grade 1-5, grade >= 3 n (%).

    Denominator: all treated patients. Sorted haematological first, then by frequency.
    """
    cols = ["group", "term", "any_n", "any_pct", "g1", "g2", "g3", "g4", "g5", "g3plus_n", "g3plus_pct", "N"]
    if adverse_events is None or adverse_events.empty:
        return pd.DataFrame(columns=cols)
    e = adverse_events.dropna(subset=["patient_id", "term", "grade"]).copy()
    e["term"] = e["term"].astype(str).str.strip()
    # one spelling per term, case-insensitively (the first seen, in sorted order)
    canon = e.groupby(e["term"].str.lower())["term"].agg(lambda s: sorted(s)[0])
    e["term"] = e["term"].str.lower().map(canon)
    worst = e.groupby(["term", "patient_id"], sort=True)["grade"].max().reset_index()
    by = worst.pivot_table(index="term", columns="grade", values="patient_id", aggfunc="count", fill_value=0)
    for g in range(1, 6):
        if g not in by.columns:
            by[g] = 0
    out = pd.DataFrame({"term": by.index})
    for g in range(1, 6):
        out[f"g{g}"] = by[g].to_numpy().astype(int)
    out["any_n"] = out[[f"g{g}" for g in range(1, 6)]].sum(axis=1)
    out["g3plus_n"] = out[["g3", "g4", "g5"]].sum(axis=1)
    out["N"] = n_patients
    out["any_pct"] = 100.0 * out["any_n"] / n_patients if n_patients else None
    out["g3plus_pct"] = 100.0 * out["g3plus_n"] / n_patients if n_patients else None
    out["group"] = ["haematological" if t.lower() in vocab.HAEMATOLOGICAL_TERMS else "non-haematological"
                    for t in out["term"]]
    out["_g"] = out["group"].eq("non-haematological").astype(int)
    out = out.sort_values(["_g", "any_n", "term"], ascending=[True, False, True], kind="stable")
    return out.drop(columns="_g")[cols].reset_index(drop=True)
