"""Benchmark of the IMWG engine: 100k patients x 15 assessments of random plausible trajectories.

Not a test. Run: ``.venv/bin/python benchmarks/bench_imwg.py [n_patients] [n_assessments]``; prints seconds.
"""

from __future__ import annotations

import sys
import time

import numpy as np
import pandas as pd

from pipeline.imwg import derive_response


def make_cohort(n_patients: int = 100_000, n_assessments: int = 15, seed: int = 1) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Random trajectories: M-protein falls to a nadir, then may rise again; some patients followed by
    urine, FLC or marrow, some with plasmacytomas, missing values, new therapy and deaths."""
    rng = np.random.default_rng(seed)
    n, k = n_patients, n_assessments
    ids = np.array([f"P{i:06d}" for i in range(n)], dtype=object)
    index = np.datetime64("2019-01-01") + rng.integers(0, 4 * 365, n).astype("timedelta64[D]")
    kind = rng.choice(["IgG-kappa", "IgA-lambda", "kappa", "lambda", "nonsecretory"], n, p=[.5, .2, .15, .1, .05])
    ntd_cycle = np.where(rng.random(n) < 0.3, rng.integers(2, k, n), 10_000)
    death_cycle = np.where(rng.random(n) < 0.1, rng.integers(1, k + 3, n), 10_000)
    patients = pd.DataFrame({
        "patient_id": ids,
        "index_date": index.astype("datetime64[ns]"),
        "myeloma_type": kind,
        "new_therapy_date": np.where(ntd_cycle < 10_000, index + (28 * ntd_cycle).astype("timedelta64[D]"),
                                     np.datetime64("NaT")).astype("datetime64[ns]"),
        "death_date": np.where(death_cycle < 10_000, index + (28 * death_cycle + 3).astype("timedelta64[D]"),
                               np.datetime64("NaT")).astype("datetime64[ns]"),
        "progression_date": np.where(rng.random(n) < 0.05, index + rng.integers(30, 400, n).astype("timedelta64[D]"),
                                     np.datetime64("NaT")).astype("datetime64[ns]"),
    })

    cyc = np.tile(np.arange(k), n)
    pid = np.repeat(np.arange(n), k)
    day = np.where(cyc == 0, -rng.integers(0, 20, n * k), 28 * cyc + rng.integers(-3, 4, n * k))
    dates = index[pid] + day.astype("timedelta64[D]")

    # Response to a nadir at cycle T, then possible regrowth.
    depth = rng.uniform(0.0, 3.5, n)[pid]
    t_nadir = rng.integers(2, k, n)[pid]
    regrow = np.where(rng.random(n) < 0.5, rng.uniform(0.05, 0.4, n), 0.0)[pid]
    log_f = -depth * np.minimum(cyc, t_nadir) / t_nadir + regrow * np.maximum(cyc - t_nadir, 0)
    factor = np.exp(log_f + rng.normal(0, 0.08, n * k))
    factor[cyc == 0] = 1.0

    heavy = np.char.startswith(kind.astype(str), "Ig")[pid]
    light = np.isin(kind, ["kappa", "lambda"])[pid]
    serum0 = np.where(heavy, rng.lognormal(np.log(30), 0.6, n)[pid], rng.uniform(0, 8, n)[pid])  # g/L
    urine0 = np.where(light | (rng.random(n) < 0.2)[pid], rng.lognormal(np.log(400), 1.0, n)[pid], 50.0)
    inv0 = np.where(light, rng.lognormal(np.log(400), 0.8, n)[pid], rng.lognormal(np.log(40), 0.5, n)[pid])
    uninv = rng.uniform(5, 20, n * k)
    kappa_inv = np.isin(kind, ["IgG-kappa", "kappa", "nonsecretory"])[pid]
    inv = inv0 * factor
    serum = np.round(serum0 * factor, 1)
    serum[serum < 0.5] = 0.0
    spd0 = np.where(rng.random(n) < 0.1, rng.uniform(4, 40, n), 0.0)[pid]

    def holes(x, p):
        x = x.astype(float)
        x[rng.random(len(x)) < p] = np.nan
        return x

    marrow = np.where((cyc == 0) | (rng.random(n * k) < 0.1),
                      np.clip(rng.uniform(10, 80, n)[pid] * factor, 0, 100), np.nan)
    assessments = pd.DataFrame({
        "patient_id": ids[pid],
        "assessment_date": dates.astype("datetime64[ns]"),
        "cycle": pd.array(cyc, dtype="Int64"),
        "serum_m_g_l": holes(serum, 0.05),
        "urine_m_mg_24h": holes(np.round(urine0 * factor), 0.3),
        "serum_ife": np.where(serum > 0, "positive", np.where(rng.random(n * k) < 0.7, "negative", "positive")),
        "urine_ife": np.where(rng.random(n * k) < 0.5, np.where(factor < 0.05, "negative", "positive"), None),
        "flc_kappa_mg_l": holes(np.where(kappa_inv, inv, uninv), 0.1),
        "flc_lambda_mg_l": holes(np.where(kappa_inv, uninv, inv), 0.1),
        "bm_plasma_cells_pct": marrow,
        "bm_clonal_cells": np.where(np.isnan(marrow), None, np.where(marrow < 1, "negative", "positive")),
        "plasmacytoma_spd_cm2": np.where((spd0 > 0) & ((cyc == 0) | (rng.random(n * k) < 0.2)), spd0 * factor, np.nan),
        "new_lesion": pd.array(rng.random(n * k) < 0.005, dtype="boolean"),
    })
    return patients, assessments


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    k = int(sys.argv[2]) if len(sys.argv) > 2 else 15
    patients, assessments = make_cohort(n, k)
    t0 = time.perf_counter()
    res = derive_response(patients, assessments)
    seconds = time.perf_counter() - t0
    print(f"derive_response: {n} patients x {k} assessments ({len(assessments)} rows): {seconds:.2f} s")
    print("BOR:", res.patients["bor"].value_counts().to_dict())
    print("followed_by:", res.patients["followed_by"].value_counts().to_dict())


if __name__ == "__main__":
    main()
