"""Competing risks: progression vs death without progression (MODELS.md section 2).

The event time is the PFS event (first of progression and death, whatever ``analysis.pfs_events``
says, since death is the competing event here) or, without one, the PFS censoring date. Per grouping
of ``analysis.comparisons`` (and all patients): the cumulative incidence of each cause at the
configured months (cmprsk's ``cuminc``/``timepoints``), Gray's test per grouping and cause, and a
Fine-Gray model of progression on ``analysis.competing_risks.covariates`` (``crr``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from pipeline import vocab
from pipeline.analysis.survival import comparison_groups
from pipeline.config import StudyConfig
from pipeline.errors import ConfigError
from pipeline.stats import NotComparableError, cuminc_at, cumulative_incidence, fine_gray, gray_test

M = vocab.DAYS_PER_MONTH
#: Status codes and their names in results.json (``event``).
EVENTS = {1: "progression", 2: "death without progression"}


@dataclass
class CIFCurve:
    """Both causes' cumulative incidence for one group, kept for the figure."""

    group_by: str | None
    group: str | None
    time_days: np.ndarray
    status: np.ndarray
    curves: dict  # cause -> CumInc


@dataclass
class CompetingResult:
    cuminc: pd.DataFrame  # event, group_by, group, time_months, estimate, variance, lower, upper
    gray: pd.DataFrame  # event, group_by, stat, df, p, note
    fine_gray: list[dict]
    curves: list[CIFCurve] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def competing_data(adsl: pd.DataFrame, adtte: pd.DataFrame) -> pd.DataFrame:
    """Per patient (index patient_id): ``days`` to the first event or PFS censoring and ``status``
    (0 censored, 1 progression, 2 death without progression; progression wins a tie)."""
    a = adsl.set_index("patient_id")
    pfs = adtte[adtte["PARAMCD"] == "PFS"].set_index("patient_id").reindex(a.index)
    prog, death = a["PDDT"], a["death_date"]
    first = pd.concat([prog, death], axis=1).min(axis=1)
    is_prog = prog.notna() & ~(death < prog)
    status = np.where(first.notna(), np.where(is_prog, 1, 2), 0)
    date = first.where(first.notna(), pfs["ADT"])
    days = (date - a["index_date"]).dt.days.clip(lower=0)
    return pd.DataFrame({"days": days.astype("int64"), "status": status}, index=a.index)


def _groupings(adsl: pd.DataFrame, config: StudyConfig) -> list[tuple[str | None, pd.Series]]:
    out: list[tuple[str | None, pd.Series]] = [(None, pd.Series("all", index=adsl["patient_id"]))]
    for comp in config.analysis.comparisons:
        g, _ = comparison_groups(adsl, comp)
        out.append((comp.by, pd.Series(g.to_numpy(), index=adsl["patient_id"])))
    return out


def _cif_rows(d: pd.DataFrame, by, groups: pd.Series, config: StudyConfig) -> tuple[list[dict], list[CIFCurve]]:
    a = config.analysis
    rows, curves = [], []
    days = [t * M for t in a.survival_times_months]
    for grp in sorted(groups.dropna().unique()):
        sub = d.loc[groups.index[groups == grp]]
        label = None if by is None else grp
        fits = {}
        for cause, name in EVENTS.items():
            fit = cumulative_incidence(sub["days"], sub["status"], cause)
            fits[cause] = fit
            at = cuminc_at(fit, days, a.conf_level)
            for tm, r in zip(a.survival_times_months, at.itertuples(index=False), strict=True):
                rows.append({"event": name, "group_by": by, "group": label, "time_months": tm,
                             "n": fit.n, "events": fit.events, "estimate": _f(r.estimate),
                             "variance": _f(r.variance), "lower": _f(r.lower), "upper": _f(r.upper)})
        curves.append(CIFCurve(by, label, sub["days"].to_numpy(), sub["status"].to_numpy(), fits))
    return rows, curves


def _f(x: float) -> float | None:
    return None if x is None or not np.isfinite(x) else float(x)


def _gray_rows(d: pd.DataFrame, by: str, groups: pd.Series) -> list[dict]:
    ok = groups.notna().to_numpy()
    rows = []
    for cause, name in EVENTS.items():
        row = {"event": name, "group_by": by, "stat": None, "df": None, "p": None, "note": None}
        try:
            g = gray_test(d["days"].to_numpy()[ok], d["status"].to_numpy()[ok], groups[ok].to_numpy(), cause)
            row.update(stat=g.stat, df=g.df, p=g.p)
        except NotComparableError as exc:
            row["note"] = f"not compared: {exc}"
        rows.append(row)
    return rows


def fine_gray_design(adsl: pd.DataFrame, config: StudyConfig) -> tuple[pd.DataFrame, list[str], dict[str, dict]]:
    """Covariate columns for the Fine-Gray model (index patient_id), notes on covariates left out, and each
    term's covariate, level and reference (as the Cox terms carry them, so both are labelled alike).

    A covariate that is a comparison's ``by`` with a threshold is ``>= threshold`` (term
    ``<by>>=<t>``); a numeric column enters per unit; anything else is dummy-coded against its first
    level in sorted order (term ``<variable><level>``, R's treatment contrasts).
    """
    cr = config.analysis.competing_risks
    missing = [c for c in cr.covariates if c not in adsl.columns]
    if missing:
        raise ConfigError("analysis.competing_risks.covariates: not in the data: " + ", ".join(missing))
    thresholds = {c.by: c.threshold for c in config.analysis.comparisons if c.threshold is not None}
    cols: dict[str, pd.Series] = {}
    meta: dict[str, dict] = {}
    notes = []
    for cov in cr.covariates:
        v = adsl[cov].reset_index(drop=True)
        if cov in thresholds:
            num = pd.to_numeric(v, errors="coerce")
            term = f"{cov}>={thresholds[cov]:g}"
            cols[term] = (num >= thresholds[cov]).astype(float).where(num.notna())
            meta[term] = {"covariate": cov, "level": None, "reference": None}
        elif pd.api.types.is_numeric_dtype(v.dtype) and not pd.api.types.is_bool_dtype(v.dtype):
            cols[cov] = v.astype(float)
            meta[cov] = {"covariate": cov, "level": None, "reference": None}
        else:
            s = v.astype(object).where(v.notna(), None).map(lambda x: None if x is None else str(x))
            levels = sorted(s.dropna().unique())
            if len(levels) < 2:
                notes.append(f"{cov}: left out of the Fine-Gray model (a single value)")
                continue
            for lvl in levels[1:]:
                cols[f"{cov}{lvl}"] = (s == lvl).astype(float).where(s.notna())
                meta[f"{cov}{lvl}"] = {"covariate": cov, "level": lvl, "reference": levels[0]}
    return pd.DataFrame(cols).set_axis(adsl["patient_id"].to_numpy()), notes, meta


def _fine_gray(d: pd.DataFrame, adsl: pd.DataFrame, config: StudyConfig) -> tuple[list[dict], list[str]]:
    x, notes, meta = fine_gray_design(adsl, config)
    if x.shape[1] == 0:
        return [], notes
    try:
        res = fine_gray(d["days"].to_numpy(), d["status"].to_numpy(), x.reset_index(drop=True),
                        failcode=1, conf_level=config.analysis.conf_level)
    except NotComparableError as exc:
        return [], notes + [f"Fine-Gray model not fitted: {exc}"]
    terms = [{"term": t.term, **meta[t.term], "coef": t.coef, "se": t.se, "hr": t.hr, "hr_ci_low": t.hr_ci_low,
              "hr_ci_high": t.hr_ci_high, "p": t.p} for t in res.terms]
    dropped = int(len(d) - res.n)
    if dropped:
        notes.append(f"Fine-Gray model: {dropped} patient(s) with a missing covariate left out")
    if not res.converged:
        notes.append("Fine-Gray model: the Newton-Raphson iteration did not converge (cmprsk's rule)")
    return [{"event": EVENTS[1], "terms": terms, "n": res.n, "events": res.events,
             "competing": res.competing}], notes


def competing_risks(adsl: pd.DataFrame, adtte: pd.DataFrame, config: StudyConfig) -> CompetingResult | None:
    """Cumulative incidence, Gray's tests and the Fine-Gray model; None when not enabled in the config."""
    if not config.analysis.competing_risks.enabled:
        return None
    d = competing_data(adsl, adtte)
    cif_rows, gray_rows, curves = [], [], []
    for by, groups in _groupings(adsl, config):
        rows, cs = _cif_rows(d, by, groups, config)
        cif_rows += rows
        curves += cs
        if by is not None:
            gray_rows += _gray_rows(d, by, groups)
    fg, notes = _fine_gray(d, adsl, config)
    return CompetingResult(pd.DataFrame(cif_rows), pd.DataFrame(gray_rows), fg, curves, notes)


def cuminc_json(res: CompetingResult | None) -> list[dict]:
    """results.json ``cumulative_incidence``: one entry per cause x grouping x group (MODELS.md keys)."""
    if res is None or res.cuminc.empty:
        return []
    out = []
    for (event, by, grp), sub in res.cuminc.groupby(["event", "group_by", "group"], dropna=False, sort=False):
        out.append({"event": event, "group_by": None if pd.isna(by) else by, "group": None if pd.isna(grp) else grp,
                    "times": [float(t) for t in sub["time_months"]],
                    "estimate": [_f(v) for v in sub["estimate"]], "variance": [_f(v) for v in sub["variance"]]})
    return out
