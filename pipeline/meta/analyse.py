"""One outcome of a meta-analysis config -> its results (the ``meta.json`` entry), pure (no files).

Model and method follow RevMan 5: dichotomous outcomes pool by Mantel-Haenszel (or inverse variance)
for the fixed effect and DerSimonian-Laird for random effects, with Q computed around the fixed-effect
estimate (the MH one for MH analyses) and tau2 from that Q; REML is metafor's. The chosen model applies
to the subgroups too, and the weights shown are those of the overall analysis.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from pipeline.meta import effects as E
from pipeline.meta import pool as P
from pipeline.meta import proportions as PR
from pipeline.meta.config import Dichotomous, Generic, Proportion
from pipeline.meta.generic import log_ratio_se
from pipeline.stats.binom import clopper_pearson

EGGER_MIN_K = 10


@dataclass(frozen=True)
class Prepared:
    """Per-study effects on the analysis scale, with what the forest plot and meta.json show."""

    yi: np.ndarray
    vi: np.ndarray
    studies: pd.DataFrame  # study, subgroup?, estimate, ci_low, ci_high, included, note, data cells
    eff: E.BinaryEffects | None  # dichotomous only (Mantel-Haenszel needs the cells)
    scale: str  # log | identity | logit | freeman_tukey


def _prepare_binary(o: Dichotomous, d: pd.DataFrame, crit: float) -> Prepared:
    eff = E.binary_effects(d.e1, d.n1, d.e2, d.n2, o.measure)
    back = np.exp if o.measure in E.RATIO_MEASURES else (lambda v: v)
    se = np.sqrt(eff.vi)
    notes = np.where(eff.excluded, "no events in either arm: not estimable, excluded",
                     np.where(eff.corrected, "zero cell: 0.5 added to each cell", ""))
    st = d.drop(columns=["_line"]).assign(estimate=back(eff.yi), ci_low=back(eff.yi - crit * se),
                                          ci_high=back(eff.yi + crit * se), included=~eff.excluded, note=notes)
    return Prepared(eff.yi, eff.vi, st, eff, "log" if o.measure in E.RATIO_MEASURES else "identity")


def _prepare_generic(o: Generic, d: pd.DataFrame, crit: float) -> Prepared:
    y, se = log_ratio_se(d.ratio, d.lower, d.upper, o.ci_level)
    st = d.drop(columns=["_line"]).assign(se=se, estimate=np.exp(y), ci_low=np.exp(y - crit * se),
                                          ci_high=np.exp(y + crit * se), included=True, note="")
    return Prepared(y, se**2, st, None, "log")


def _prepare_proportion(o: Proportion, d: pd.DataFrame, conf_level: float) -> Prepared:
    f = PR.logit_effects if o.transform == "logit" else PR.ft_effects
    y, v = f(d.events, d.total)
    cis = [clopper_pearson(int(x), int(n), conf_level) for x, n in zip(d.events, d.total, strict=True)]
    st = d.drop(columns=["_line"]).assign(estimate=d.events / d.total, ci_low=[c[0] for c in cis],
                                          ci_high=[c[1] for c in cis], included=True, note="")
    return Prepared(y, v, st, None, o.transform)


def prepare(outcome, data: pd.DataFrame, conf_level: float) -> Prepared:
    crit = P.z_crit(conf_level)
    if isinstance(outcome, Dichotomous):
        return _prepare_binary(outcome, data, crit)
    if isinstance(outcome, Generic):
        return _prepare_generic(outcome, data, crit)
    return _prepare_proportion(outcome, data, conf_level)


def back_transform(prep: Prepared, total: np.ndarray | None = None) -> Callable:
    """Analysis scale -> reported scale (ratio, difference, proportion)."""
    if prep.scale == "log":
        return lambda v: float(np.exp(v))
    if prep.scale == "logit":
        return lambda v: float(PR.inv_logit(v))
    if prep.scale == "freeman_tukey":
        hm = PR.harmonic_mean(total)
        return lambda v: float(PR.inv_ft(v, hm))
    return float


def _subset(prep: Prepared, mask: np.ndarray) -> Prepared:
    eff = prep.eff
    if eff is not None:
        eff = dataclasses.replace(eff, **{f: getattr(eff, f)[mask] for f in
                                          ("yi", "vi", "a", "b", "c", "d", "corrected", "excluded")})
    return Prepared(prep.yi[mask], prep.vi[mask], prep.studies[mask].reset_index(drop=True), eff, prep.scale)


def fit(prep: Prepared, model: str, outcome, conf_level: float) -> P.Pooled:
    """Pool the included studies of ``prep`` with the fixed or random model of ``outcome``."""
    keep = prep.studies["included"].to_numpy(bool)
    y, v = prep.yi[keep], prep.vi[keep]
    mh = isinstance(outcome, Dichotomous) and outcome.method == "MH"
    if model == "fixed" and mh:
        est, se = E.mantel_haenszel(prep.eff)
        return P.pool_mh(y, v, est, se, E.mh_weights(prep.eff)[keep], conf_level)
    if model == "fixed":
        return P.pool_iv(y, v, "FE", conf_level)
    if outcome.random_method == "DL" and mh and len(y) > 1:
        est, _ = E.mantel_haenszel(prep.eff)
        return P.pool_dl_from_q(y, v, est, conf_level)  # RevMan 5: tau2 from the MH Q
    return P.pool_iv(y, v, outcome.random_method if len(y) > 1 else "FE", conf_level)


def _block(res: P.Pooled, back: Callable) -> dict:
    return {"k": res.k, "estimate": back(res.estimate), "ci_low": back(res.ci_low), "ci_high": back(res.ci_high),
            "analysis_scale_estimate": res.estimate, "se": res.se, "z": res.z, "p": res.p, "Q": res.Q,
            "Q_df": res.Q_df, "Q_p": res.Q_p, "I2": res.I2, "tau2": res.tau2}


def choose(outcome, prep: Prepared, conf_level: float) -> tuple[str, dict | None]:
    """The model to report: the configured one, or RevMan's rule applied to the fixed-effect Q and I2."""
    if outcome.model != "rule":
        return outcome.model, None
    fixed = fit(prep, "fixed", outcome, conf_level)
    chosen, reason = P.choose_model(fixed.Q_p, fixed.I2)
    return chosen, {"rule": "fixed effect if heterogeneity P >= 0.10 and I2 <= 50%, random effects otherwise",
                    "chosen": chosen, "reason": reason}


def method_label(outcome, model: str) -> str:
    """RevMan's method words: 'M-H, Fixed', 'IV, Random (DL)', ..."""
    if model == "fixed":
        return "M-H, Fixed" if isinstance(outcome, Dichotomous) and outcome.method == "MH" else "IV, Fixed"
    base = "M-H" if isinstance(outcome, Dichotomous) and outcome.method == "MH" else "IV"
    return f"{base}, Random ({outcome.random_method})"


def measure_of(outcome) -> str:
    if isinstance(outcome, Proportion):
        return "proportion"
    return outcome.measure


#: meta.json names of the per-study data cells.
CELL_NAMES = {"e1": "experimental_events", "n1": "experimental_total", "e2": "control_events",
              "n2": "control_total"}
COUNTS = ("experimental_events", "experimental_total", "control_events", "control_total", "events", "total")


def _studies_out(prep: Prepared, weights: np.ndarray) -> list[dict]:
    """Per-study rows in table order: label, data cells (counts as integers), estimate, CI, weight %."""
    w = np.full(len(prep.studies), np.nan)
    w[prep.studies["included"].to_numpy(bool)] = weights
    st = prep.studies.assign(weight=w).rename(columns=CELL_NAMES)
    for c in COUNTS:
        if c in st:
            st[c] = st[c].astype(int)
    return [{k: (v.item() if isinstance(v, np.generic) else v) for k, v in row.items()}
            for row in st.to_dict(orient="records")]


def _subgroups(outcome, prep: Prepared, model: str, conf_level: float):
    if not outcome.subgroup:
        return [], None
    subs, pooled = [], []
    for name in sorted(prep.studies["subgroup"].unique()):
        part = _subset(prep, (prep.studies["subgroup"] == name).to_numpy())
        if not part.studies["included"].any():
            continue
        res = fit(part, model, outcome, conf_level)
        pooled.append(res)
        subs.append({"subgroup": name, **_block(res, back_transform(part, part.studies.get("total")))})
    if len(pooled) < 2:
        return subs, None
    q, df, p = P.subgroup_test(pooled)
    return subs, {"Q": q, "df": df, "p": p, "I2": P.i2_from_q(q, df)}


def analyse_outcome(outcome, data: pd.DataFrame, conf_level: float) -> dict:
    """The meta.json entry of one outcome (keys of MODELS.md section 5, plus the model choice,
    excluded and zero-cell-corrected studies, and the per-study data)."""
    prep = prepare(outcome, data, conf_level)
    keep = prep.studies["included"].to_numpy(bool)
    if not keep.any():
        return {"outcome": outcome.name, "measure": measure_of(outcome), "k": 0, "studies": _studies_out(
            prep, np.array([])), "note": "no study is estimable"}
    model, choice = choose(outcome, prep, conf_level)
    res = fit(prep, model, outcome, conf_level)
    back = back_transform(prep, prep.studies["total"][keep] if "total" in prep.studies else None)
    subs, sub_test = _subgroups(outcome, prep, model, conf_level)
    egger = None
    if res.k >= EGGER_MIN_K:
        t, df, p = P.egger_test(prep.yi[keep], prep.vi[keep])
        egger = {"t": t, "df": df, "p": p}
    random = model == "random" and res.k > 1
    return {"outcome": outcome.name, "type": outcome.type, "measure": measure_of(outcome),
            "method": method_label(outcome, model), "model": model, "model_choice": choice,
            "scale": prep.scale, "conf_level": conf_level, **_block(res, back),
            "pi_low": back(res.pi_low) if random else None, "pi_high": back(res.pi_high) if random else None,
            "studies": _studies_out(prep, res.weights), "excluded": prep.studies.loc[~keep, "study"].tolist(),
            "zero_cell_corrected": prep.studies.loc[prep.studies["note"].str.startswith("zero"), "study"].tolist(),
            "subgroups": subs, "subgroup_test": sub_test, "egger": egger}
