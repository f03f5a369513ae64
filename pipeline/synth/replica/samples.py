"""Samples of 32 values with exactly the published summary statistics (quartiles, or mean and SEM)."""

from __future__ import annotations

import numpy as np
from scipy import stats


def pick(rng: np.random.Generator, pool: list[int], k: int) -> list[int]:
    return sorted(rng.choice(pool, size=k, replace=False).tolist()) if k else []


def quartile_sample(rng: np.random.Generator, q1: float, med: float, q3: float, lo: float, hi: float,
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


def mean_sd_integers(rng: np.random.Generator, mean: float, sem: float, lo: int, hi: int,
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
