"""Restricted mean survival time per group of every comparison, for every Kaplan-Meier endpoint.

tau is ``analysis.rmst.tau_months`` or, by default, per endpoint and comparison the largest time at
which every compared group still has a patient at risk (the smallest of the groups' largest
follow-up times; MODELS.md section 2). Two groups: the difference (the comparison's '1' arm, the
one its hazard ratio is for, minus the other) with a normal CI at ``analysis.conf_level`` and p.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from pipeline import vocab
from pipeline.analysis.survival import comparison_groups
from pipeline.config import StudyConfig
from pipeline.stats import default_tau, kaplan_meier, rmst, rmst_difference

M = vocab.DAYS_PER_MONTH


def _one_comparison(d: pd.DataFrame, groups: pd.Series, one: str | None, tau_months: float | None,
                    conf_level: float) -> dict | None:
    g = groups.where(d["AVAL"].notna().to_numpy(), None)
    levels = sorted(g.dropna().unique())
    if len(levels) < 2:
        return None
    fits = {lv: kaplan_meier(d.loc[(g == lv).to_numpy(), "AVAL"], 1 - d.loc[(g == lv).to_numpy(), "CNSR"])
            for lv in levels}
    max_days = {lv: float(f.time.max()) for lv, f in fits.items()}
    tau_days = tau_months * M if tau_months is not None else default_tau(max_days.values())
    if tau_days <= 0:
        return None
    res = {lv: rmst(f, tau_days) for lv, f in fits.items()}
    short = [lv for lv in levels if max_days[lv] < tau_days]
    out = {"tau": tau_days / M,
           "groups": [{"group": lv, "rmst": res[lv].rmst / M, "se": res[lv].se / M} for lv in levels],
           "difference": None,
           "note": (f"tau beyond the follow-up of {', '.join(short)}: the last value of the curve is carried "
                    "forward to tau" if short else None)}
    if len(levels) == 2 and one in levels:
        other = levels[0] if levels[1] == one else levels[1]
        dif = rmst_difference(res[one], res[other], conf_level)
        out["difference"] = {"label": f"{one} minus {other}", "estimate": dif.estimate / M, "se": dif.se / M,
                             "ci_low": dif.ci_low / M, "ci_high": dif.ci_high / M,
                             "p": None if np.isnan(dif.p) else dif.p}
    return out


def rmst_table(adsl: pd.DataFrame, adtte: pd.DataFrame, config: StudyConfig) -> list[dict]:
    """results.json ``rmst``: per endpoint x comparison, RMST and SE per group in months, and the difference.

    Examples
    --------
    R: ``summary(survfit(Surv(t, e) ~ g), rmean = tau)$table[, c("rmean", "se(rmean)")]``
    """
    a = config.analysis
    if not a.rmst.enabled:
        return []
    out = []
    for comp in a.comparisons:
        groups, one = comparison_groups(adsl, comp)
        groups = pd.Series(groups.to_numpy(), index=adsl["patient_id"])
        for ep in a.endpoints:
            d = adtte[adtte["PARAMCD"] == ep].set_index("patient_id").reindex(groups.index)
            r = _one_comparison(d, groups, one, a.rmst.tau_months, a.conf_level)
            if r is not None:
                out.append({"endpoint": ep, "group_by": comp.by, **r})
    return out
