"""Cox regression of the configured endpoints (MODELS.md 1): a univariable screen, one
multivariable model on complete cases, the proportional-hazards test, and, with strata, the
stratified log-rank tests of the comparisons. Results as results.json ``cox_models``."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from pipeline.analysis.design import Coded, code, design, require_columns
from pipeline.analysis.survival import _tte, comparison_groups
from pipeline.config import StudyConfig
from pipeline.stats.coxreg import ChiTest, CoxModel, ModelError, cox_fit
from pipeline.stats.logrank import NotComparableError
from pipeline.stats.stratified import logrank_stratified
from pipeline.stats.zph import ZphError, cox_zph

PH_ALPHA = 0.05


@dataclass
class ZphPlot:
    """Scaled Schoenfeld residuals of one flagged term (for the figure)."""

    endpoint: str
    term: str
    km_time: np.ndarray
    residual: np.ndarray
    coef: float | None
    p: float


def _test(t: ChiTest) -> dict:
    return {"chisq": t.chisq, "df": t.df, "p": t.p}


def _terms(model: CoxModel, coded: list[Coded]) -> list[dict]:
    meta = {}
    for c in coded:
        for i, col in enumerate(c.columns):
            meta[col] = {"covariate": c.covariate, "level": c.levels[i] if c.levels else None,
                         "reference": c.reference, "per": c.per}
    return [{"term": t.term, **meta[t.term], "coef": t.coef, "se": t.se, "hr": t.hr,
             "hr_ci_low": t.hr_lower, "hr_ci_high": t.hr_upper, "p": t.p} for t in model.terms]


def _fit(time, event, coded: list[Coded], strata, ties, level, base: dict):
    x, names, groups = design(coded)
    rec = {**base, "n": int(time.size), "events": int(event.sum()), "terms": [], "lr_test": None,
           "wald_test": None, "score_test": None, "concordance": None, "ph_test": None,
           "epv": None, "epv_warning": None, "note": None}
    try:
        model = cox_fit(time, event, x, names, groups=groups, strata=strata, ties=ties, conf_level=level)
    except ModelError as exc:
        rec["note"] = f"not fitted: {exc}"
        return rec, None, None
    rec.update(terms=_terms(model, coded), lr_test=_test(model.lr_test), wald_test=_test(model.wald_test),
               score_test=_test(model.score_test), concordance=model.concordance,
               epv=model.epv, epv_warning=model.epv_warning)
    try:
        zph = cox_zph(model)
    except ZphError as exc:
        rec["note"] = f"proportional-hazards test {exc}"
        return rec, model, None
    rec["ph_test"] = {"terms": [{"term": n, **_test(t)} for n, t in zph.terms], "global": _test(zph.global_test)}
    return rec, model, zph


def _coded(adsl: pd.DataFrame, config: StudyConfig) -> list[Coded]:
    m = config.analysis.models
    wanted = [(f"analysis.models.covariates[{i}].name", c.name) for i, c in enumerate(m.covariates)]
    if m.strata:
        wanted.append(("analysis.models.strata", m.strata))
    require_columns(adsl, wanted)
    return [code(adsl[c.name], c, f"analysis.models.covariates[{i}]") for i, c in enumerate(m.covariates)]


def cox_models(adsl: pd.DataFrame, adtte: pd.DataFrame, config: StudyConfig) -> tuple[list[dict], list[ZphPlot]]:
    """Univariable and multivariable Cox models per configured endpoint; refused models carry a note."""
    m = config.analysis.models
    if m is None:
        return [], []
    coded = _coded(adsl, config)
    strata = adsl[m.strata].astype(object).where(adsl[m.strata].notna(), None) if m.strata else None
    records, plots = [], []
    for ep in m.endpoints:
        d = _tte(adtte, ep).reindex(adsl["patient_id"])
        t, e = d["AVAL"].to_numpy(dtype=float), (1 - d["CNSR"]).to_numpy(dtype=float)
        has = ~np.isnan(t) & ~np.isnan(e)
        if strata is not None:
            has &= strata.notna().to_numpy()
        base = {"endpoint": ep, "strata": m.strata, "ties": m.ties}
        for c in coded:
            rows = has & ~np.isnan(c.x).any(axis=1)
            s = None if strata is None else strata.to_numpy()[rows]
            rec, _, _ = _fit(t[rows], e[rows], [c.subset(rows)], s, m.ties, config.analysis.conf_level,
                             {**base, "kind": "univariable", "covariate": c.covariate,
                              "dropped_missing": int(has.sum() - rows.sum())})
            records.append(rec)
        rows = has & np.all([~np.isnan(c.x).any(axis=1) for c in coded], axis=0)
        s = None if strata is None else strata.to_numpy()[rows]
        sub = [c.subset(rows) for c in coded]
        rec, model, zph = _fit(t[rows], e[rows], sub, s, m.ties, config.analysis.conf_level,
                               {**base, "kind": "multivariable", "covariate": None,
                                "dropped_missing": int(has.sum() - rows.sum())})
        records.append(rec)
        if zph is not None:
            plots += _flagged(ep, model, zph)
    return records, plots


def _flagged(ep: str, model: CoxModel, zph) -> list[ZphPlot]:
    out = []
    for name, test in zph.terms:
        if test.p < PH_ALPHA:
            cols = dict(model.groups)[name]
            coef = float(model.coef[cols[0]]) if len(cols) == 1 else None
            out.append(ZphPlot(ep, name, zph.km_time, zph.residuals[name], coef, test.p))
    return out


def stratified_logrank(adsl: pd.DataFrame, adtte: pd.DataFrame, config: StudyConfig) -> list[dict]:
    """Each comparison's log-rank test within the strata (R ``survdiff(... + strata(s))``)."""
    m = config.analysis.models
    if m is None or not m.strata:
        return []
    require_columns(adsl, [("analysis.models.strata", m.strata)])
    rows = []
    for comp in config.analysis.comparisons:
        groups, _ = comparison_groups(adsl, comp)
        for ep in m.endpoints:
            d = _tte(adtte, ep).reindex(adsl["patient_id"])
            rec = {"endpoint": ep, "group_by": comp.by, "strata": m.strata, "chisq": None, "df": None,
                   "p": None, "note": None}
            try:
                lr = logrank_stratified(d["AVAL"].to_numpy(), (1 - d["CNSR"]).to_numpy(),
                                        groups.to_numpy(), adsl[m.strata].to_numpy())
                rec.update(chisq=lr.chisq, df=lr.df, p=lr.p)
            except NotComparableError as exc:
                rec["note"] = f"not compared: {exc}"
            rows.append(rec)
    return rows
