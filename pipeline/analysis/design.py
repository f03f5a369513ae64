"""Covariate coding for the Cox models and the subgroup analyses (R's treatment contrasts).

Any adsl column may be a covariate. Numeric columns enter per unit (or per ``per`` units); a
``threshold`` makes ``>= t`` vs ``< t``; anything else is categorical with one 0/1 column per
non-reference level, named ``<variable><level>`` as R names them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from pipeline.config import ModelCovariate
from pipeline.errors import ConfigError

MAX_LEVELS = 12


@dataclass
class Coded:
    """A coded covariate: its design columns (NaN where the value is missing) and their meaning."""

    covariate: str
    kind: str  # numeric | threshold | categorical
    columns: list[str]
    x: np.ndarray
    levels: list[str] = field(default_factory=list)  # the level of each column (categorical)
    reference: str | None = None
    per: float | None = None

    def subset(self, rows: np.ndarray) -> Coded:
        """The rows given, dropping dummy columns of levels absent there (R's factor of present levels)."""
        x = self.x[rows]
        keep = list(range(x.shape[1]))
        if self.kind == "categorical":
            keep = [k for k in keep if np.nansum(x[:, k]) > 0]
        return Coded(self.covariate, self.kind, [self.columns[k] for k in keep], x[:, keep],
                     [self.levels[k] for k in keep] if self.levels else [], self.reference, self.per)


def require_columns(adsl: pd.DataFrame, wanted: list[tuple[str, str]]) -> None:
    """Refuse (ConfigError, all at once) config keys naming columns that adsl does not have."""
    missing = [f"{key}: {col!r}" for key, col in wanted if col not in adsl.columns]
    if missing:
        cols = ", ".join(sorted(c for c in adsl.columns if not c.startswith("_")))
        raise ConfigError("config names columns that the analysis data set (adsl) does not have:\n  - "
                          + "\n  - ".join(missing) + f"\navailable columns: {cols}")


def as_levels(v: pd.Series) -> pd.Series:
    """Values as level labels: booleans -> yes/no, numbers -> their shortest text; missing -> None."""
    vals = v.dropna().unique()
    if pd.api.types.is_bool_dtype(v.dtype) or (
        v.dtype == object and len(vals) and all(isinstance(a, bool | np.bool_) for a in vals)
    ):
        out = v.map(lambda a: None if pd.isna(a) else ("yes" if a else "no"))
    elif pd.api.types.is_numeric_dtype(v.dtype):
        out = v.map(lambda a: None if pd.isna(a) else f"{float(a):g}")
    else:
        out = v.map(lambda a: None if pd.isna(a) else str(a))
    return out.astype(object).where(v.notna(), None)


def _numeric(v: pd.Series) -> pd.Series | None:
    if pd.api.types.is_bool_dtype(v.dtype) or not pd.api.types.is_numeric_dtype(v.dtype):
        return None
    return pd.to_numeric(v, errors="coerce").astype("float64")


def code(v: pd.Series, cov: ModelCovariate, key: str) -> Coded:
    """Code one covariate; ``key`` (e.g. ``analysis.models.covariates[2]``) names it in errors."""
    num = _numeric(v)
    if cov.threshold is not None or cov.per is not None:
        if num is None:
            raise ConfigError(f"{key}: {cov.name!r} is not numeric; per and threshold need numbers")
        if cov.threshold is not None:
            x = np.where(num.isna(), np.nan, (num >= cov.threshold).astype(float))
            return Coded(cov.name, "threshold", [f"{cov.name}>={cov.threshold:g}"], x[:, None])
        return Coded(cov.name, "numeric", [f"{cov.name} (per {cov.per:g})"], (num / cov.per).to_numpy()[:, None],
                     per=cov.per)
    if num is not None and cov.reference is None and num.nunique() > 2:
        return Coded(cov.name, "numeric", [cov.name], num.to_numpy()[:, None])
    lv = as_levels(v)
    levels = sorted(lv.dropna().unique())
    if len(levels) > MAX_LEVELS:
        raise ConfigError(f"{key}: {cov.name!r} has {len(levels)} levels; give a threshold or fewer levels")
    ref = cov.reference
    if ref is None:
        ref = "no" if set(levels) == {"no", "yes"} else (levels[0] if levels else None)
    elif ref not in levels:
        raise ConfigError(f"{key}.reference: {ref!r} is not a level of {cov.name!r} (levels: {levels})")
    others = [lvl for lvl in levels if lvl != ref]
    x = np.column_stack([(lv == lvl).astype(float) for lvl in others]) if others else np.zeros((len(v), 0))
    x[lv.isna().to_numpy()] = np.nan
    return Coded(cov.name, "categorical", [f"{cov.name}{lvl}" for lvl in others], x, others, ref)


def design(coded: list[Coded]) -> tuple[np.ndarray, list[str], list[tuple[str, list[int]]]]:
    """Stack coded covariates: matrix, column names, covariate -> its column indices."""
    xs, names, groups, k = [], [], [], 0
    for c in coded:
        xs.append(c.x)
        names += c.columns
        groups.append((c.covariate, list(range(k, k + len(c.columns)))))
        k += len(c.columns)
    return np.column_stack(xs) if xs else np.zeros((0, 0)), names, groups
