"""Subgroup forest (MODELS.md 4): a comparison's Cox HR within each level of each subgroup
variable, and the interaction p (likelihood-ratio test of the model with comparison x subgroup
terms against the model without them)."""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.stats import chi2

from pipeline.analysis.design import as_levels, require_columns
from pipeline.analysis.survival import _tte, comparison_groups
from pipeline.config import StudyConfig
from pipeline.errors import ConfigError
from pipeline.stats.coxreg import ModelError, cox_fit

MAX_LEVELS = 8


def subgroup_levels(adsl: pd.DataFrame, by: str, config: StudyConfig) -> pd.Series:
    """Level per patient: the comparison's grouping when ``by`` is a configured comparison (its
    threshold), a model covariate's threshold, else the column's own values."""
    comp = next((c for c in config.analysis.comparisons if c.by == by), None)
    if comp is not None:
        g, _ = comparison_groups(adsl, comp)
        return g.astype(object)
    m = config.analysis.models
    cov = next((c for c in m.covariates if c.name == by), None) if m else None
    if cov is not None and cov.threshold is not None:
        num = pd.to_numeric(adsl[by], errors="coerce")
        lab = np.where(num >= cov.threshold, f">= {cov.threshold:g}", f"< {cov.threshold:g}")
        return pd.Series(lab, index=adsl.index, dtype=object).where(num.notna(), None)
    lv = as_levels(adsl[by])
    if lv.nunique() > MAX_LEVELS:
        raise ConfigError(f"analysis.subgroups.by: {by!r} has {lv.nunique()} levels; configure it as a "
                          "comparison with a threshold")
    return lv


def _hr(t, e, arm, conf_level: float) -> dict:
    try:
        m = cox_fit(t, e, arm[:, None], ["arm"], groups=[("comparison", [0])], conf_level=conf_level)
    except ModelError as exc:
        return {"hr": None, "hr_ci_low": None, "hr_ci_high": None, "p": None, "note": f"not estimable: {exc}"}
    term = m.terms[0]
    return {"hr": term.hr, "hr_ci_low": term.hr_lower, "hr_ci_high": term.hr_upper, "p": term.p, "note": None}


def _interaction(t, e, arm, sub: np.ndarray) -> tuple[float | None, int | None, str | None]:
    levels = sorted(set(sub.tolist()))
    dums = np.column_stack([(sub == lv).astype(float) for lv in levels[1:]])
    x0 = np.column_stack([arm, dums])
    x1 = np.column_stack([x0, dums * arm[:, None]])
    try:
        m0 = cox_fit(t, e, x0, [f"c{i}" for i in range(x0.shape[1])])
        m1 = cox_fit(t, e, x1, [f"c{i}" for i in range(x1.shape[1])])
    except ModelError as exc:
        return None, None, f"interaction not estimable: {exc}"
    stat = 2 * (m1.loglik[1] - m0.loglik[1])
    df = len(levels) - 1
    return float(chi2.sf(stat, df)), df, None


def subgroups(adsl: pd.DataFrame, adtte: pd.DataFrame, config: StudyConfig) -> list[dict]:
    """One record per endpoint x subgroup variable: levels with n, events, HR (CI), p; interaction p."""
    sg = config.analysis.subgroups
    if sg is None:
        return []
    require_columns(adsl, [(f"analysis.subgroups.by[{i}]", b) for i, b in enumerate(sg.by)])
    by = sg.comparison or config.analysis.comparisons[0].by
    comp = next(c for c in config.analysis.comparisons if c.by == by)
    groups, one = comparison_groups(adsl, comp)
    levels = sorted(groups.dropna().unique())
    if one is None or len(levels) != 2:
        raise ConfigError(f"analysis.subgroups.comparison: {by!r} must have two groups (found {levels})")
    other = levels[0] if levels[1] == one else levels[1]
    endpoints = config.analysis.models.endpoints if config.analysis.models else ["PFS", "OS"]
    out = []
    for ep in endpoints:
        d = _tte(adtte, ep).reindex(adsl["patient_id"])
        t, e = d["AVAL"].to_numpy(dtype=float), (1 - d["CNSR"]).to_numpy(dtype=float)
        for var in sg.by:
            sub = subgroup_levels(adsl, var, config)
            ok = groups.notna().to_numpy() & sub.notna().to_numpy() & ~np.isnan(t)
            arm = (groups.to_numpy()[ok] == one).astype(float)
            sv = sub.to_numpy()[ok].astype(str)
            rows = []
            for lv in sorted(set(sv.tolist())):
                k = sv == lv
                rows.append({"level": lv, "n": int(k.sum()), "events": int(e[ok][k].sum()),
                             **_hr(t[ok][k], e[ok][k], arm[k], config.analysis.conf_level)})
            p, df, note = _interaction(t[ok], e[ok], arm, sv) if len(rows) > 1 else (None, None, None)
            out.append({"endpoint": ep, "comparison": by, "hr_vs": f"{one} vs {other}", "subgroup": var,
                        "levels": rows, "interaction_p": p, "interaction_df": df, "note": note})
    return out
