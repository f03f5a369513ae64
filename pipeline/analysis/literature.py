"""This cohort beside published cohorts (``literature:`` in the study config): each published ORR with
its exact (Clopper-Pearson) CI, the DerSimonian-Laird random-effects pooled ORR of the published
cohorts on the logit scale (R: ``rma(measure = "PLO", xi, ni, method = "DL")``, back-transformed), and
this cohort's ORR and medians from the run.
"""

from __future__ import annotations

import math

import pandas as pd

from pipeline.config import LiteratureStudy, StudyConfig
from pipeline.meta.pool import pool_iv
from pipeline.meta.proportions import inv_logit, logit_effects
from pipeline.stats.binom import clopper_pearson


def responders_from(study: LiteratureStudy) -> tuple[int, bool, bool]:
    """(responders, from_percentage, percentage_not_reproducible).

    A percentage becomes the rounded count, half up: round(pct x n / 100) (89% of 50 = 44.5 -> 45).
    ``percentage_not_reproducible`` is True when that count's percentage differs from the published
    one by more than its rounding (0.5 points): no whole count of n gives the published figure.
    """
    if study.responders is not None:
        return study.responders, False, False
    r = int(math.floor(study.orr_pct * study.n / 100 + 0.5))
    return r, True, abs(100 * r / study.n - study.orr_pct) > 0.5 + 1e-9


def _study_row(s: LiteratureStudy, level: float) -> dict:
    r, from_pct, odd = responders_from(s)
    lo, hi = clopper_pearson(r, s.n, level)
    return {"name": s.name, "regimen": s.regimen, "reference": s.reference, "n": s.n, "responders": r,
            "responders_from_pct": from_pct, "orr_pct_published": s.orr_pct, "pct_not_reproducible": odd,
            "orr": r / s.n, "ci_low": lo, "ci_high": hi,
            "median_pfs_months": s.median_pfs_months, "median_os_months": s.median_os_months}


def _pooled(rows: list[dict], level: float) -> dict | None:
    if len(rows) < 2:
        return None
    y, v = logit_effects([r["responders"] for r in rows], [r["n"] for r in rows])
    res = pool_iv(y, v, "DL", level)
    pi = (float(inv_logit(res.pi_low)), float(inv_logit(res.pi_high)))
    return {"method": "DerSimonian-Laird random effects, logit", "k": res.k,
            "estimate": float(inv_logit(res.estimate)), "ci_low": float(inv_logit(res.ci_low)),
            "ci_high": float(inv_logit(res.ci_high)), "pi_low": pi[0], "pi_high": pi[1], "tau2": res.tau2,
            "I2": res.I2, "Q": res.Q, "Q_df": res.Q_df, "Q_p": res.Q_p}


def _cohort(rates: pd.DataFrame, survival: pd.DataFrame) -> dict | None:
    """This cohort's ORR (response-evaluable population, else all treated) and overall medians."""
    if rates is None or rates.empty:
        return None
    orr = rates[rates["endpoint"] == "ORR"]
    pick = orr[orr["population"].str.startswith("response-evaluable")]
    row = (pick if len(pick) else orr[orr["population"] == "all treated"]).iloc[0]
    out = {"population": row["population"], "responders": int(row["n"]), "n": int(row["N"]),
           "orr": None if not row["N"] else row["n"] / row["N"],
           "ci_low": None if row["ci_low"] is None or pd.isna(row["ci_low"]) else row["ci_low"] / 100,
           "ci_high": None if row["ci_high"] is None or pd.isna(row["ci_high"]) else row["ci_high"] / 100}
    overall = survival[survival["group_by"].isna()] if survival is not None and not survival.empty else None
    for ep in ("PFS", "OS"):
        med = None
        if overall is not None and (overall["endpoint"] == ep).any():
            m = overall.loc[overall["endpoint"] == ep, "median"].iloc[0]
            med = None if pd.isna(m) else float(m)
        out[f"median_{ep.lower()}_months"] = med
    return out


def literature_comparison(rates: pd.DataFrame, survival: pd.DataFrame, config: StudyConfig) -> dict | None:
    """results.json ``literature``: published cohorts, their pooled ORR, and this cohort; None if none."""
    if not config.literature:
        return None
    level = config.analysis.conf_level
    rows = [_study_row(s, level) for s in config.literature]
    return {"conf_level": level, "studies": rows, "pooled": _pooled(rows, level),
            "cohort": _cohort(rates, survival)}
