"""Survival inputs: time, event and further columns aligned by position, rows with a missing value dropped
(R's ``na.omit``), times and events checked. Shared by every survival statistic."""

from __future__ import annotations

import numpy as np
import pandas as pd


def as_series(values, name: str) -> pd.Series:
    """One input column as a positional ``pandas.Series``."""
    s = values if isinstance(values, pd.Series) else pd.Series(values, copy=False)
    if s.ndim != 1:
        raise ValueError(f"{name} must be one-dimensional")
    return s.reset_index(drop=True)


def as_times(s: pd.Series) -> np.ndarray:
    """Times as int64 when they are integers (days), else float64 (months)."""
    if pd.api.types.is_bool_dtype(s.dtype):
        raise ValueError("time must be numeric, not boolean")
    if pd.api.types.is_integer_dtype(s.dtype):
        t = s.to_numpy(dtype=np.int64)
    else:
        try:
            t = pd.to_numeric(s).to_numpy(dtype=np.float64)
        except (TypeError, ValueError) as exc:
            raise ValueError("time must be numeric") from exc
        if not np.all(np.isfinite(t)):
            raise ValueError("time must be finite")
    if t.size and t.min() < 0:
        raise ValueError("time must not be negative")
    return t


def as_events(s: pd.Series) -> np.ndarray:
    """Event indicator as int64 0/1 (accepts bool or 0/1 numbers)."""
    if pd.api.types.is_bool_dtype(s.dtype):
        return s.to_numpy(dtype=np.int64)
    try:
        e = pd.to_numeric(s).to_numpy(dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise ValueError("event must be 0/1 or boolean") from exc
    if not np.all((e == 0) | (e == 1)):
        raise ValueError("event must be 0/1 or boolean (1 = event, 0 = censored)")
    return e.astype(np.int64)


def clean_survival_data(time, event, *others, names: tuple[str, ...] = ()):
    """Align ``time``, ``event`` and further columns by position, dropping rows with any missing.

    Returns
    -------
    tuple
        ``(time, event, [other series...], n_missing)`` with ``time`` int64 or float64,
        ``event`` int64 0/1 and the others as positional ``pandas.Series``.
    """
    cols = [as_series(time, "time"), as_series(event, "event")]
    cols += [as_series(o, names[i] if i < len(names) else "x") for i, o in enumerate(others)]
    n = len(cols[0])
    if any(len(c) != n for c in cols):
        raise ValueError("time, event and the other inputs must have the same length")
    missing = np.zeros(n, dtype=bool)
    for c in cols:
        missing |= c.isna().to_numpy()
    keep = ~missing
    cols = [c[keep].reset_index(drop=True) for c in cols]
    return as_times(cols[0]), as_events(cols[1]), cols[2:], int(missing.sum())
