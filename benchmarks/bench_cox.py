"""Time the multivariable Cox model, its PH test, concordance and a stratified log-rank on 100k
synthetic patients x 6 covariates (not a test).

Run: ``.venv/bin/python benchmarks/bench_cox.py [n_patients]``
"""

from __future__ import annotations

import sys
import time

import numpy as np

from pipeline.stats.concordance import concordance
from pipeline.stats.coxreg import cox_fit
from pipeline.stats.stratified import logrank_stratified
from pipeline.stats.zph import cox_zph


def synthetic(n: int, seed: int = 20240601):
    """Integer days with many ties; age, sex, ISS (3 levels), EMD, high-risk FISH; ~60% events."""
    rng = np.random.default_rng(seed)
    age = rng.normal(66, 9, n)
    sex = rng.integers(0, 2, n)
    iss = rng.integers(0, 3, n)
    emd = (rng.random(n) < 0.2).astype(float)
    hr_fish = (rng.random(n) < 0.25).astype(float)
    lp = 0.03 * (age - 66) + 0.1 * sex + 0.3 * (iss == 1) + 0.6 * (iss == 2) + 0.5 * emd + 0.4 * hr_fish
    event_time = rng.exponential(900 / np.exp(lp))
    censor_time = rng.uniform(30, 2500, n)
    t = np.ceil(np.minimum(event_time, censor_time))
    e = (event_time <= censor_time).astype(float)
    x = np.column_stack([age / 10, sex, iss == 1, iss == 2, emd, hr_fish]).astype(float)
    names = ["age (per 10)", "sexM", "issII", "issIII", "emd_anyyes", "high_risk_fishyes"]
    groups = [("age", [0]), ("sex", [1]), ("iss", [2, 3]), ("emd", [4]), ("fish", [5])]
    return t, e, x, names, groups, rng.integers(0, 4, n)


def timed(label: str, fn, *args, **kwargs):
    t0 = time.perf_counter()
    out = fn(*args, **kwargs)
    print(f"{label:<40s} {time.perf_counter() - t0:8.3f} s")
    return out


def main(n: int = 100_000) -> None:
    t, e, x, names, groups, centre = synthetic(n)
    print(f"{n} patients, {int(e.sum())} events, {np.unique(t).size} distinct days, {x.shape[1]} columns")
    start = time.perf_counter()
    for ties in ("efron", "breslow"):
        m = timed(f"cox_fit ({ties}), incl. concordance", cox_fit, t, e, x, names, groups=groups, ties=ties)
        print(f"    {m.iterations} iterations; HR {', '.join(f'{k.term} {k.hr:.3f}' for k in m.terms)}")
    timed("cox_zph (km)", cox_zph, m)
    timed("concordance alone", concordance, t, e, x @ m.coef)
    timed("cox_fit stratified by 4 centres", cox_fit, t, e, x, names, groups=groups, strata=centre)
    timed("stratified log-rank (sex, 4 centres)", logrank_stratified, t, e, x[:, 1], centre)
    print(f"{'total':<40s} {time.perf_counter() - start:8.3f} s")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)
