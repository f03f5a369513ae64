"""Kaplan-Meier summaries, comparisons (log-rank, Cox), median follow-up and the landmark analysis.

Times are integer days underneath (``adtte.AVAL``); medians, CIs and fixed-time rates are reported in
months (days / 30.4375). The KM median and its limits are linear in the time unit, so computing on
days and dividing gives exactly what R gives on the month scale.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from pipeline import vocab
from pipeline.config import Comparison, StudyConfig
from pipeline.stats import (
    NotComparableError,
    cox_hr,
    followup_range,
    kaplan_meier,
    km_median,
    logrank,
    median_followup,
    n_at_risk,
    survival_at,
)

M = vocab.DAYS_PER_MONTH
ENDPOINTS = ("PFS", "OS")


@dataclass
class Curve:
    """One KM curve, kept for the figures."""

    endpoint: str
    group_by: str | None
    group: str | None
    time_days: np.ndarray
    event: np.ndarray
    fit: object  # KMFit


def _m(x: float | None) -> float | None:
    return None if x is None or (isinstance(x, float) and np.isnan(x)) else float(x) / M


def month_ticks(max_months: float) -> list[float]:
    """Sensible x-axis ticks: every 3 months up to 3 years, 6 up to 6, else 12."""
    step = 3 if max_months <= 36 else 6 if max_months <= 72 else 12
    top = step * int(np.ceil(max(max_months, step) / step))
    return [float(t) for t in range(0, top + 1, step)]


def comparison_groups(adsl: pd.DataFrame, comp: Comparison) -> tuple[pd.Series, str | None]:
    """Group label per patient (None = not in the comparison) and the label of the '1' arm for Cox."""
    if comp.by not in adsl.columns:
        return pd.Series([None] * len(adsl), index=adsl.index, dtype=object), None
    v = adsl[comp.by]
    if comp.threshold is not None:
        num = pd.to_numeric(v, errors="coerce")
        t = f"{comp.threshold:g}"
        hi, lo = f">= {t}", f"< {t}"
        lab = np.where(num >= comp.threshold, hi, lo)
        out = pd.Series(lab, index=adsl.index, dtype=object).where(num.notna(), None)
        return out, hi
    out = v.astype(object).where(v.notna(), None)
    if comp.min_group > 1:
        counts = out.value_counts()
        small = counts[counts < comp.min_group].index
        if len(small):
            out = out.where(~out.isin(small), "other")
    levels = sort_levels(out.dropna().astype(str).unique())
    one = "yes" if set(levels) == {"no", "yes"} else (levels[1] if len(levels) == 2 else None)
    return out.map(lambda x: None if x is None else str(x)), one


def sort_levels(levels) -> list[str]:
    """Group labels in reading order: numerically when every label is a number ("9" before "10"), else
    as text; "other" (pooled small groups) last."""
    labels = [str(x) for x in levels]
    rest = [x for x in labels if x != "other"]
    nums = pd.to_numeric(pd.Series(rest, dtype=object), errors="coerce")
    if len(rest) and nums.notna().all():
        rest = [x for _, x in sorted(zip(nums.tolist(), rest, strict=True))]
    else:
        rest = sorted(rest)
    return rest + (["other"] if "other" in labels else [])


def _tte(adtte: pd.DataFrame, endpoint: str) -> pd.DataFrame:
    return adtte[adtte["PARAMCD"] == endpoint].set_index("patient_id")


def km_tables(adsl: pd.DataFrame, adtte: pd.DataFrame, config: StudyConfig) -> tuple[pd.DataFrame, pd.DataFrame, list[Curve]]:
    """(survival: medians per endpoint x grouping x group, rates: S(t) at fixed months, curves)."""
    a = config.analysis
    surv_rows, rate_rows, curves = [], [], []
    groupings: list[tuple[str | None, pd.Series]] = [(None, pd.Series("all", index=adsl["patient_id"]))]
    for comp in a.comparisons:
        g, _ = comparison_groups(adsl, comp)
        groupings.append((comp.by, pd.Series(g.to_numpy(), index=adsl["patient_id"])))
    times_days = [t * M for t in a.survival_times_months]
    for ep in a.endpoints:
        d = _tte(adtte, ep)
        for by, groups in groupings:
            for grp in sort_levels(groups.dropna().unique()):
                ids = groups.index[groups == grp]
                sub = d.loc[ids.intersection(d.index)]  # RSD (DOR) has responders only
                fit = kaplan_meier(sub["AVAL"].to_numpy(), 1 - sub["CNSR"].to_numpy(), a.conf_type, a.conf_level)
                med = km_median(fit)
                label = None if by is None else grp
                surv_rows.append({"endpoint": ep, "group_by": by, "group": label, "n": fit.n, "events": fit.events,
                                  "median": _m(med.estimate), "median_ci_low": _m(med.lower),
                                  "median_ci_high": _m(med.upper)})
                at = survival_at(fit, times_days)
                for tm, row in zip(a.survival_times_months, at.itertuples(index=False), strict=True):
                    # past everyone's follow-up the curve is unknown (R's extend = TRUE carries it on),
                    # unless it has reached 0
                    known = row.n_risk > 0 or row.surv == 0
                    rate_rows.append({"endpoint": ep, "group_by": by, "group": label, "time_months": tm,
                                      "n_risk": int(row.n_risk), **{k: _f(getattr(row, k)) if known else None
                                                                    for k in ("surv", "lower", "upper")}})
                curves.append(Curve(ep, by, label, sub["AVAL"].to_numpy(), 1 - sub["CNSR"].to_numpy(), fit))
    return pd.DataFrame(surv_rows), pd.DataFrame(rate_rows), curves


def _f(x: float) -> float | None:
    return None if x is None or not np.isfinite(x) else float(x)


def compare(time: np.ndarray, event: np.ndarray, groups: pd.Series, one: str | None, level: float) -> dict:
    """Log-rank and (for two groups) Cox Efron HR of ``one`` vs the other group."""
    ok = groups.notna().to_numpy()
    t, e, g = time[ok], event[ok], groups[ok].to_numpy()
    res: dict = {"test": "log-rank", "chisq": None, "df": None, "p": None, "hr": None, "hr_ci_low": None,
                 "hr_ci_high": None, "hr_p": None, "hr_vs": None, "note": None,
                 "groups": sort_levels(set(g.tolist()))}
    try:
        lr = logrank(t, e, g)
        res.update(chisq=float(lr.chisq), df=int(lr.df), p=float(lr.p))
    except NotComparableError as exc:
        res["note"] = f"not compared: {exc}"
        return res
    levels = sort_levels(set(g.tolist()))
    if len(levels) == 2 and one in levels:
        other = levels[0] if levels[1] == one else levels[1]
        res["hr_vs"] = f"{one} vs {other}"
        try:
            cx = cox_hr(t, e, (g == one).astype(int), ties="efron", conf_level=level)
            res.update(hr=cx.hr, hr_ci_low=cx.hr_lower, hr_ci_high=cx.hr_upper, hr_p=cx.wald_p)
            if cx.note:
                res["note"] = cx.note
        except NotComparableError as exc:
            res["note"] = f"hazard ratio not estimable: {exc}"
    elif len(levels) > 2:
        res["note"] = f"{len(levels)} groups: log-rank over all groups; no single hazard ratio"
    return res


def comparisons(adsl: pd.DataFrame, adtte: pd.DataFrame, config: StudyConfig) -> pd.DataFrame:
    rows = []
    a = config.analysis
    for comp in a.comparisons:
        groups, one = comparison_groups(adsl, comp)
        groups = pd.Series(groups.to_numpy(), index=adsl["patient_id"])
        for ep in a.endpoints:
            d = _tte(adtte, ep).reindex(groups.index)  # RSD (DOR) has responders only
            g = groups.where(d["AVAL"].notna().to_numpy(), None)
            r = compare(d["AVAL"].to_numpy(), 1 - d["CNSR"].to_numpy(), g, one, a.conf_level)
            rows.append({"endpoint": ep, "group_by": comp.by, "label": comp.label or comp.by,
                         "immortal_time_bias": comp.accrues_after_index, "landmark_days": None,
                         "n": int(g.notna().sum()), **r})
    return pd.DataFrame(rows)


def followup(adtte: pd.DataFrame, conf_type: str = "log-log", conf_level: float = 0.95) -> dict:
    """Median follow-up by reverse Kaplan-Meier on OS (censorings as events) and the range, in months."""
    d = adtte[adtte["PARAMCD"] == "OS"]
    if d.empty:
        return {"median": None, "ci_low": None, "ci_high": None, "min": None, "max": None, "n": 0}
    q = median_followup(d["AVAL"].to_numpy(), 1 - d["CNSR"].to_numpy(), conf_type=conf_type,
                        conf_level=conf_level)
    lo, hi = followup_range(d["AVAL"].to_numpy())
    return {"median": _m(q.estimate), "ci_low": _m(q.lower), "ci_high": _m(q.upper),
            "min": _m(lo), "max": _m(hi), "n": int(len(d)), "method": "reverse Kaplan-Meier on OS"}


def cycles_by_landmark(cycles: pd.Series, landmark_days: int, cycle_length_days: int) -> pd.Series:
    """Cycles started by day L, cycle k assumed to start at index + (k - 1) x cycle length."""
    started = landmark_days // cycle_length_days + 1
    return np.minimum(cycles.astype("Int64"), started)


def landmark(adsl: pd.DataFrame, adtte: pd.DataFrame, config: StudyConfig) -> tuple[pd.DataFrame, pd.DataFrame, list[Curve]]:
    """Landmark analysis for every grouping that accrues after time zero (ANALYSIS.md, immortal time).

    Patients with an event or censoring before day L are dropped (an event on day L is an event at time 0
    after it); the clock restarts at L; groups are by what had accrued by L. Returns (comparison rows,
    survival rows, curves).
    """
    a = config.analysis
    L = a.landmark_days
    comp_rows, surv_rows, curves = [], [], []
    for comp in (c for c in a.comparisons if c.accrues_after_index):
        base = adsl.copy()
        if comp.by == "cycles":
            base["cycles"] = cycles_by_landmark(base["cycles"], L, a.cycle_length_days)
        groups, one = comparison_groups(base, comp)
        groups = pd.Series(groups.to_numpy(), index=adsl["patient_id"])
        for ep in ENDPOINTS:
            d = _tte(adtte, ep).loc[groups.index]
            # at risk at L = no event or censoring before day L (R: subset(time >= L)); an event on day L
            # is an event at time 0 after the landmark, a censoring on day L a censoring at time 0
            keep = (d["AVAL"] >= L).to_numpy()
            t = d["AVAL"].to_numpy()[keep] - L
            e = 1 - d["CNSR"].to_numpy()[keep]
            g = groups[keep]
            r = compare(t, e, g, one, a.conf_level)
            comp_rows.append({"endpoint": ep, "group_by": comp.by, "label": comp.label or comp.by,
                              "immortal_time_bias": False, "landmark_days": L, "n": int(g.notna().sum()),
                              "n_excluded_before_landmark": int((~keep).sum()), **r})
            for grp in sort_levels(g.dropna().unique()):
                m = (g == grp).to_numpy()
                fit = kaplan_meier(t[m], e[m], a.conf_type, a.conf_level)
                med = km_median(fit)
                surv_rows.append({"endpoint": ep, "group_by": comp.by, "group": grp, "landmark_days": L,
                                  "n": fit.n, "events": fit.events, "median": _m(med.estimate),
                                  "median_ci_low": _m(med.lower), "median_ci_high": _m(med.upper)})
                curves.append(Curve(ep, f"{comp.by} (landmark {L} d)", grp, t[m], e[m], fit))
    return pd.DataFrame(comp_rows), pd.DataFrame(surv_rows), curves


def risk_table(curves: list[Curve], ticks_months: list[float]) -> pd.DataFrame:
    """Numbers at risk at the plot ticks for every curve (the table drawn under the KM plots)."""
    rows = []
    for c in curves:
        counts = n_at_risk(c.time_days, [t * M for t in ticks_months])
        rows += [{"endpoint": c.endpoint, "group_by": c.group_by, "group": c.group, "time_months": t,
                  "n_risk": int(n)} for t, n in zip(ticks_months, counts, strict=True)]
    return pd.DataFrame(rows)
