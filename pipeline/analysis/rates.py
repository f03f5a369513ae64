"""Response rates (ORR, CBR, DCR) with exact Clopper-Pearson CIs, best-response counts, response by cycle."""

from __future__ import annotations

import pandas as pd

from pipeline import vocab
from pipeline.config import StudyConfig
from pipeline.stats import clopper_pearson

ENDPOINTS = {"ORR": vocab.ORR_CATEGORIES, "CBR": vocab.CBR_CATEGORIES, "DCR": vocab.DCR_CATEGORIES}


def populations(adsl: pd.DataFrame, config: StudyConfig) -> list[tuple[str, pd.Series]]:
    """Named populations (ANALYSIS.md): all treated, response-evaluable, >= N cycles, EMD, by regimen."""
    a = config.analysis
    pops = [
        ("all treated", pd.Series(True, index=adsl.index)),
        (f"response-evaluable (>= {a.evaluable_min_cycles} cycles)", adsl["cycles"] >= a.evaluable_min_cycles),
        (f">= {a.extended_min_cycles} cycles", adsl["cycles"] >= a.extended_min_cycles),
        ("EMD", adsl["emd_any"].eq("yes")),
    ]
    for reg in sorted(adsl["regimen"].dropna().unique()):
        pops.append((f"regimen {reg}", adsl["regimen"].eq(reg)))
    return [(name, mask.fillna(False).astype(bool)) for name, mask in pops]


def response_rates(adsl: pd.DataFrame, config: StudyConfig) -> pd.DataFrame:
    """One row per population x endpoint: n, N, pct, ci_low, ci_high (percent; None when N = 0)."""
    rows = []
    level = config.analysis.conf_level
    for name, mask in populations(adsl, config):
        bor = adsl.loc[mask, "bor"]
        big_n = int(mask.sum())
        for ep, cats in ENDPOINTS.items():
            n = int(bor.isin(cats).sum())
            lo, hi = clopper_pearson(n, big_n, conf_level=level)
            rows.append({
                "population": name, "endpoint": ep, "n": n, "N": big_n,
                "pct": None if big_n == 0 else 100.0 * n / big_n,
                "ci_low": None if lo is None else 100.0 * lo,
                "ci_high": None if hi is None else 100.0 * hi,
            })
    return pd.DataFrame(rows)


def best_response_counts(adsl: pd.DataFrame, config: StudyConfig) -> pd.DataFrame:
    """Long table: population, category, n, N, pct, for every IMWG category (zeros included)."""
    rows = []
    for name, mask in populations(adsl, config):
        bor = adsl.loc[mask, "bor"]
        big_n = int(mask.sum())
        counts = bor.value_counts()
        for cat in vocab.RESPONSE_ORDER:
            n = int(counts.get(cat, 0))
            rows.append({"population": name, "category": cat, "n": n, "N": big_n,
                         "pct": None if big_n == 0 else 100.0 * n / big_n})
    return pd.DataFrame(rows)


def response_by_cycle(adrs: pd.DataFrame) -> pd.DataFrame:
    """Category at the assessment marked cycle N (unconfirmed, as studies tabulate it), for each N >= 1."""
    cols = ["cycle", "category", "n", "N", "pct"]
    if adrs.empty or "cycle" not in adrs or adrs["cycle"].notna().sum() == 0:
        return pd.DataFrame(columns=cols)
    a = adrs[(adrs["cycle"] >= 1) & adrs["category"].notna()]
    rows = []
    for cyc, grp in a.groupby("cycle", sort=True):
        big_n = len(grp)
        counts = grp["category"].value_counts()
        for cat in vocab.RESPONSE_ORDER:
            n = int(counts.get(cat, 0))
            if n or cat not in ("sCR", "MR", "NE"):
                rows.append({"cycle": int(cyc), "category": cat, "n": n, "N": big_n, "pct": 100.0 * n / big_n})
    return pd.DataFrame(rows, columns=cols)


__all__ = ["ENDPOINTS", "best_response_counts", "populations", "response_by_cycle",
           "response_rates"]
