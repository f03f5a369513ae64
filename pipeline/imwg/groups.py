"""Group-wise array helpers for rows sorted by patient code, then date.

Every function takes ``codes``: the integer patient code of each row, non-decreasing (rows of one
patient are contiguous). They replace per-patient Python loops with numpy / pandas group operations.
"""

from __future__ import annotations

import numpy as np
import pandas as pd


def group_starts(codes: np.ndarray) -> np.ndarray:
    """True at the first row of each patient."""
    codes = np.asarray(codes)
    out = np.ones(len(codes), dtype=bool)
    if len(codes) > 1:
        out[1:] = codes[1:] != codes[:-1]
    return out


def previous_in_group(x: np.ndarray, codes: np.ndarray, fill) -> np.ndarray:
    """The value of the previous row of the same patient (``fill`` at a patient's first row)."""
    x = np.asarray(x)
    out = np.empty_like(x)
    if len(x):
        out[1:] = x[:-1]
        out[group_starts(codes)] = fill
    return out


def running_min_before(x: np.ndarray, codes: np.ndarray, include: np.ndarray) -> np.ndarray:
    """Lowest non-missing ``x`` over the patient's earlier rows where ``include``; NaN when there is none.

    The current row is not part of its own minimum: this is the nadir a value is compared with.
    """
    x = np.asarray(x, dtype=float)
    v = np.where(include & ~np.isnan(x), x, np.inf)
    cm = pd.Series(v).groupby(codes, sort=False).cummin().to_numpy()
    prev = previous_in_group(cm, codes, np.inf)
    return np.where(np.isinf(prev), np.nan, prev)


def carried_forward(x: np.ndarray, codes: np.ndarray, include: np.ndarray) -> np.ndarray:
    """Most recent non-missing ``x`` at or before each row among the patient's rows where ``include``."""
    x = np.asarray(x, dtype=float)
    v = pd.Series(np.where(include, x, np.nan))
    return v.groupby(codes, sort=False).ffill().to_numpy()


def cumulative_any(flag: np.ndarray, codes: np.ndarray) -> np.ndarray:
    """True from the patient's first row where ``flag`` onwards (current row included)."""
    return pd.Series(np.asarray(flag, dtype=np.int8)).groupby(codes, sort=False).cummax().to_numpy() > 0


def any_before(flag: np.ndarray, codes: np.ndarray) -> np.ndarray:
    """True when ``flag`` holds at an earlier row of the same patient (current row excluded)."""
    return previous_in_group(cumulative_any(flag, codes), codes, False)


def first_where(mask: np.ndarray, codes: np.ndarray, n_groups: int) -> np.ndarray:
    """Row index of each patient's first row where ``mask`` (-1 when none), length ``n_groups``."""
    idx = np.flatnonzero(mask)
    out = np.full(n_groups, -1, dtype=np.int64)
    if len(idx):
        c = np.asarray(codes)[idx]
        keep = group_starts(c)
        out[c[keep]] = idx[keep]
    return out


def last_where(mask: np.ndarray, codes: np.ndarray, n_groups: int) -> np.ndarray:
    """Row index of each patient's last row where ``mask`` (-1 when none), length ``n_groups``."""
    idx = np.flatnonzero(mask)
    out = np.full(n_groups, -1, dtype=np.int64)
    if len(idx):
        c = np.asarray(codes)[idx]
        keep = np.ones(len(c), dtype=bool)
        keep[:-1] = c[1:] != c[:-1]
        out[c[keep]] = idx[keep]
    return out


def next_where(mask: np.ndarray, codes: np.ndarray) -> np.ndarray:
    """For each row where ``mask``: the index of the patient's next row where ``mask`` (-1 when none).

    Rows outside ``mask`` get -1. This is the pairing used for confirmation (NE rows left out of ``mask``
    are skipped).
    """
    n = len(mask)
    out = np.full(n, -1, dtype=np.int64)
    idx = np.flatnonzero(mask)
    if len(idx) > 1:
        c = np.asarray(codes)[idx]
        same = c[1:] == c[:-1]
        out[idx[:-1][same]] = idx[1:][same]
    return out


def count_where(mask: np.ndarray, codes: np.ndarray, n_groups: int) -> np.ndarray:
    """Number of rows where ``mask`` per patient, length ``n_groups``."""
    return np.bincount(np.asarray(codes)[np.asarray(mask, dtype=bool)], minlength=n_groups).astype(np.int64)


def take(values: np.ndarray, index: np.ndarray, fill) -> np.ndarray:
    """``values[index]`` with ``fill`` (of a dtype ``values`` can hold) where ``index`` is -1."""
    values = np.asarray(values)
    index = np.asarray(index)
    out = np.full(len(index), fill, dtype=values.dtype)
    ok = index >= 0
    out[ok] = values[index[ok]]
    return out
