"""Time the survival statistics on 100k synthetic patients (not a test).

Run: ``.venv/bin/python benchmarks/bench_stats.py [n_patients]``
"""

from __future__ import annotations

import sys
import time

import numpy as np

from pipeline.stats import cox_hr, kaplan_meier, km_median, logrank, median_followup, survival_at


def synthetic(n: int, seed: int = 20240601):
    """Integer days with many ties, ~60% events, two arms with hazard ratio 1.5, 4 regimens."""
    rng = np.random.default_rng(seed)
    arm = rng.integers(0, 2, n)
    event_time = rng.exponential(900 / np.where(arm == 1, 1.5, 1.0))
    censor_time = rng.uniform(30, 2500, n)
    time = np.ceil(np.minimum(event_time, censor_time)).astype(np.int64)
    event = (event_time <= censor_time).astype(np.int64)
    regimen = rng.choice(np.array(["DRd", "VRd", "KRd", "other"]), n)
    return time, event, arm, regimen


def timed(label: str, fn, *args, **kwargs):
    t0 = time.perf_counter()
    out = fn(*args, **kwargs)
    print(f"{label:<34s} {time.perf_counter() - t0:8.3f} s")
    return out


def main(n: int = 100_000) -> None:
    t, e, arm, regimen = synthetic(n)
    print(f"{n} patients, {e.sum()} events, {np.unique(t).size} distinct days")
    start = time.perf_counter()
    fit = timed("kaplan_meier (log-log)", kaplan_meier, t, e)
    timed("km_median", km_median, fit)
    timed("survival_at 6/12/24 months", survival_at, fit, np.array([6, 12, 24]) * 30.4375)
    timed("median_followup (reverse KM)", median_followup, t, e)
    timed("logrank, 2 groups", logrank, t, e, arm)
    timed("logrank, 4 groups", logrank, t, e, regimen)
    timed("cox_hr efron", cox_hr, t, e, arm)
    timed("cox_hr breslow", cox_hr, t, e, arm, ties="breslow")
    t_float = t / 30.4375 + np.random.default_rng(1).uniform(0, 1e-3, n)  # all distinct
    timed(f"kaplan_meier, {n:,} distinct times", kaplan_meier, t_float, e)
    timed("cox_hr efron, distinct times", cox_hr, t_float, e, arm)
    print(f"{'total':<34s} {time.perf_counter() - start:8.3f} s")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)
