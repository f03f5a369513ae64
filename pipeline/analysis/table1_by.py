"""Table 1 split by a comparison's groups, with a p-value and the test per row (MODELS.md 3).

Continuous: normal in every group (Shapiro-Wilk p >= 0.05, as Table 1's rule) -> t-test
(``var.equal = TRUE``) for 2 groups, ANOVA for 3+; otherwise Wilcoxon rank-sum (continuity
correction, normal approximation) for 2, Kruskal-Wallis for 3+. Categorical: chi-squared without
continuity correction, or Fisher's exact test when any expected count < 5.

Categories are n (%) of the group's patients, as in Table 1; a variable with missing values in any group
gets a row counting them (``missing`` true), so every group's rows add up to its patients. The tests use
the patients with a value.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
from scipy import stats

from pipeline.analysis.design import as_levels
from pipeline.analysis.survival import comparison_groups
from pipeline.analysis.table1 import (
    CATEGORICAL,
    CONTINUOUS,
    format_continuous,
    myeloma_group,
    summarize_continuous,
)
from pipeline.config import StudyConfig
from pipeline.stats import grouptests as gt

EXTRA_CATEGORICAL = [("emd_any", "Extramedullary disease (any)"), ("high_risk_fish", "High-risk FISH")]


def _normal(samples: list[np.ndarray]) -> bool:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        return all(len(s) >= 3 and np.ptp(s) > 0 and stats.shapiro(s).pvalue >= 0.05 for s in samples)


def continuous_test(samples: list[np.ndarray]) -> gt.GroupTest | None:
    samples = [s for s in samples if len(s)]
    if len(samples) < 2 or sum(len(s) for s in samples) <= len(samples):
        return None
    if _normal(samples):
        return gt.t_test_pooled(*samples) if len(samples) == 2 else gt.anova(*samples)
    return gt.wilcoxon(*samples) if len(samples) == 2 else gt.kruskal(*samples)


def categorical_test(table: np.ndarray) -> gt.GroupTest | None:
    table = table[table.sum(axis=1) > 0][:, table.sum(axis=0) > 0]
    if min(table.shape) < 2:
        return None
    if (gt.expected_counts(table) < 5).any():
        try:
            return gt.fisher(table)
        except ValueError:
            return gt.chisq(table)
    return gt.chisq(table)


def _row(var, label, level, cells, test, missing: bool = False) -> dict:
    return {"variable": var, "label": label, "level": level, "missing": missing, **cells,
            "p": None if test is None else test.p, "test": None if test is None else test.test}


def _missing_row(var: str, label: str, values: pd.Series, g: pd.Series, names: list[str]) -> list[dict]:
    """The row counting each group's patients without a value of ``var``, if any group has one."""
    lacking = values.isna().groupby(g).sum().reindex(names, fill_value=0)
    if not lacking.any():
        return []
    return [_row(var, label, None, {n: str(int(lacking[n])) for n in names}, None, missing=True)]


def table1_by(adsl: pd.DataFrame, config: StudyConfig) -> pd.DataFrame:
    """Long table: variable, label, level, one column per group, p, test (p on a variable's first row)."""
    by = config.analysis.table1_by
    if by is None:
        return pd.DataFrame()
    comp = next(c for c in config.analysis.comparisons if c.by == by)
    groups, _ = comparison_groups(adsl, comp)
    df = adsl.copy()
    df["myeloma_group"] = myeloma_group(df["myeloma_type"]) if "myeloma_type" in df else None
    keep = groups.notna().to_numpy()
    df, g = df[keep], groups[keep].astype(str)
    names = sorted(g.unique())
    size = g.value_counts().reindex(names, fill_value=0)
    rows = [_row("n", "Patients", None, {n: str(int(size[n])) for n in names}, None)]
    for col, label in CONTINUOUS:
        if col not in df or df[col].notna().sum() == 0 or col == by:
            continue
        vals = pd.to_numeric(df[col], errors="coerce")
        samples = [vals[g == n].dropna().to_numpy(dtype=float) for n in names]
        # one statistic per row, the one the test assumes: mean ± SD when normal in every group
        kind = "mean_sd" if _normal([x for x in samples if len(x)]) else "median_iqr"
        cells = {n: format_continuous({**summarize_continuous(vals[g == n]), "summary": kind}) for n in names}
        rows.append(_row(col, label, None, cells, continuous_test(samples)))
        rows += _missing_row(col, label, vals, g, names)
    cats = [(c, lab) for c, lab, _ in CATEGORICAL] + EXTRA_CATEGORICAL
    for col, label in cats:
        if col not in df or df[col].notna().sum() == 0 or col == by:
            continue
        lv = as_levels(df[col])
        ct = pd.crosstab(lv, g).reindex(columns=names, fill_value=0)
        test = categorical_test(ct.to_numpy())
        for i, level in enumerate(ct.index):
            cells = {n: f"{ct.loc[level, n]} ({100 * ct.loc[level, n] / size[n]:.1f}%)" if size[n] else "0"
                     for n in names}
            rows.append(_row(col, label, level, cells, test if i == 0 else None))
        rows += _missing_row(col, label, lv, g, names)
    return pd.DataFrame(rows)
