"""The adjusted analyses together (MODELS.md 1, 3, 4): Cox models, stratified log-rank, Table 1 by
group and the subgroup forest; their results.json keys and output tables."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from pipeline.analysis.models import cox_models, stratified_logrank
from pipeline.analysis.subgroups import subgroups
from pipeline.analysis.table1_by import table1_by
from pipeline.config import StudyConfig


def adjusted_analyses(adsl: pd.DataFrame, adtte: pd.DataFrame, config: StudyConfig) -> dict | None:
    """None when nothing is configured; else every piece (empty when its key is absent)."""
    a = config.analysis
    if a.models is None and a.table1_by is None and a.subgroups is None:
        return None
    models, zph_plots = cox_models(adsl, adtte, config)
    return {"cox_models": models, "zph_plots": zph_plots,
            "stratified_logrank": stratified_logrank(adsl, adtte, config),
            "table1_by": table1_by(adsl, config), "subgroups": subgroups(adsl, adtte, config)}


def _finite(v):
    """JSON-safe: NaN/inf (e.g. a test p that scipy cannot compute) -> None, numpy scalars -> Python."""
    if isinstance(v, dict):
        return {k: _finite(x) for k, x in v.items()}
    if isinstance(v, list | tuple):
        return [_finite(x) for x in v]
    if isinstance(v, np.integer):
        return int(v)
    if isinstance(v, float | np.floating):
        return float(v) if math.isfinite(v) else None
    return v


def adjusted_json(adj: dict | None) -> dict:
    """results.json keys (only those configured); no NaN or inf."""
    return _finite(_adjusted_json(adj))


def _adjusted_json(adj: dict | None) -> dict:
    if adj is None:
        return {}
    out = {}
    if adj["cox_models"]:
        out["cox_models"] = adj["cox_models"]
    if adj["stratified_logrank"]:
        out["stratified_logrank"] = adj["stratified_logrank"]
    if not adj["table1_by"].empty:
        t = adj["table1_by"].astype(object).where(adj["table1_by"].notna(), None)
        out["table1_by"] = t.to_dict(orient="records")
    if adj["subgroups"]:
        out["subgroups"] = adj["subgroups"]
    return out


def cox_table(models: list[dict]) -> pd.DataFrame:
    """One row per endpoint x term: univariable and multivariable HR (CI) and p side by side."""
    rows = []
    for m in (m for m in models if m["kind"] == "multivariable"):
        uni = {u["covariate"]: u for u in models if u["kind"] == "univariable" and u["endpoint"] == m["endpoint"]}
        multi = {t["term"]: t for t in m["terms"]}
        for cov, u in uni.items():
            uterms = u["terms"] or [{"term": cov, "covariate": cov, "level": None, "reference": None}]
            for ut in uterms:
                mt = multi.get(ut["term"], {})
                rows.append({"endpoint": m["endpoint"], "covariate": cov, "term": ut["term"],
                             "level": ut.get("level"), "reference": ut.get("reference"),
                             "uni_n": u["n"], "uni_events": u["events"], "uni_hr": ut.get("hr"),
                             "uni_ci_low": ut.get("hr_ci_low"), "uni_ci_high": ut.get("hr_ci_high"),
                             "uni_p": ut.get("p"), "uni_note": u["note"],
                             "multi_hr": mt.get("hr"), "multi_ci_low": mt.get("hr_ci_low"),
                             "multi_ci_high": mt.get("hr_ci_high"), "multi_p": mt.get("p")})
    return pd.DataFrame(rows)


def model_summary(models: list[dict]) -> pd.DataFrame:
    """Per model: n, events, dropped, LR/Wald/score tests, concordance, EPV, global PH p, note."""
    rows = []
    for m in models:
        rows.append({"endpoint": m["endpoint"], "kind": m["kind"], "covariate": m.get("covariate"),
                     "strata": m["strata"], "ties": m["ties"], "n": m["n"], "events": m["events"],
                     "dropped_missing": m["dropped_missing"],
                     "lr_chisq": (m["lr_test"] or {}).get("chisq"), "lr_df": (m["lr_test"] or {}).get("df"),
                     "lr_p": (m["lr_test"] or {}).get("p"), "wald_p": (m["wald_test"] or {}).get("p"),
                     "score_p": (m["score_test"] or {}).get("p"), "concordance": m["concordance"],
                     "epv": m["epv"], "epv_warning": m["epv_warning"],
                     "ph_global_p": (m["ph_test"] or {}).get("global", {}).get("p"), "note": m["note"]})
    return pd.DataFrame(rows)


def ph_table(models: list[dict]) -> pd.DataFrame:
    """PH test per term and global for each multivariable model, flagged at p < 0.05."""
    rows = []
    for m in (m for m in models if m["kind"] == "multivariable" and m["ph_test"]):
        for t in m["ph_test"]["terms"] + [{"term": "GLOBAL", **m["ph_test"]["global"]}]:
            rows.append({"endpoint": m["endpoint"], **t, "flag": bool(t["p"] < 0.05)})
    return pd.DataFrame(rows)


def subgroup_table(records: list[dict]) -> pd.DataFrame:
    rows = []
    for r in records:
        for lv in r["levels"]:
            rows.append({"endpoint": r["endpoint"], "comparison": r["comparison"], "hr_vs": r["hr_vs"],
                         "subgroup": r["subgroup"], **lv, "interaction_p": r["interaction_p"]})
    return pd.DataFrame(rows)


def adjusted_tables(adj: dict | None) -> dict[str, pd.DataFrame]:
    """Output tables (tables/<name>.csv and sheets of tables.xlsx), only those configured."""
    if adj is None:
        return {}
    out = {}
    if adj["cox_models"]:
        out["cox_regression"] = cox_table(adj["cox_models"])
        out["cox_models"] = model_summary(adj["cox_models"])
        out["ph_test"] = ph_table(adj["cox_models"])
    if adj["stratified_logrank"]:
        out["stratified_logrank"] = pd.DataFrame(adj["stratified_logrank"])
    if not adj["table1_by"].empty:
        out["table1_by_group"] = adj["table1_by"]
    if adj["subgroups"]:
        out["subgroups"] = subgroup_table(adj["subgroups"])
    return out
