"""Agreement between IMWG categories derived from raw values and the responses clinicians recorded."""

from __future__ import annotations

import numpy as np
import pandas as pd

from pipeline import vocab


def cohen_kappa(a: pd.Series, b: pd.Series) -> float | None:
    """Unweighted Cohen's kappa of two raters over the same items; None when undefined."""
    n = len(a)
    if n == 0:
        return None
    cats = sorted(set(pd.unique(a)) | set(pd.unique(b)))
    ct = pd.crosstab(pd.Categorical(a, cats), pd.Categorical(b, cats), dropna=False).to_numpy(dtype=float)
    po = np.trace(ct) / n
    pe = float((ct.sum(axis=1) * ct.sum(axis=0)).sum()) / (n * n)
    return None if pe >= 1 else float((po - pe) / (1 - pe))


def agreement(adrs: pd.DataFrame) -> dict | None:
    """Confusion table, percent agreement, kappa and the disagreeing assessments (for clinician review).

    Compares the per-assessment category (before confirmation) with the recorded response, over the
    non-baseline assessments that have both.
    """
    if adrs.empty or "response" not in adrs or "category" not in adrs:
        return None
    both = adrs[adrs["response"].notna() & adrs["category"].notna()]
    if both.empty:
        return None
    rec, der = both["response"].astype(str), both["category"].astype(str)
    seen = set(rec.unique()) | set(der.unique())  # once, not per category (600k assessments: 1.7 s)
    order = [c for c in vocab.RESPONSE_ORDER if c in seen]
    table = pd.crosstab(pd.Categorical(rec, order), pd.Categorical(der, order), dropna=False)
    table.index.name, table.columns.name = "recorded", "derived"
    diff = both[rec != der]
    cols = [c for c in ("patient_id", "assessment_date", "cycle", "response", "category", "reason") if c in both]
    return {
        "n": int(len(both)),
        "agree": int((rec == der).sum()),
        "pct_agree": 100.0 * float((rec == der).mean()),
        "kappa": cohen_kappa(rec, der),
        "confusion": table,
        "disagreements": diff[cols].rename(columns={"response": "recorded", "category": "derived"})
        .sort_values(["patient_id", "assessment_date"]).reset_index(drop=True),
    }
