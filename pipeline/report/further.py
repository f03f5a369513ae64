"""Report blocks for the further endpoints (DOR, TTNT, TTR), competing risks and RMST (MODELS.md section 2).

``further_blocks`` returns the blocks of the survival section's sub-sections, ``further_methods`` the
Methods paragraphs; both in English or Chinese, their words in ``pipeline/text/``. CI labels come from
``analysis.conf_level``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import pandas as pd

from pipeline.figures import labels as L
from pipeline.report.tables import DisplayTable
from pipeline.text import fmt
from pipeline.text.i18n import join, level, t


def _level(config) -> str:
    return fmt.level(config.analysis.conf_level)


def _group(by, grp, lang, labels_by) -> str:
    return L.tr("all_patients", lang) if by is None or fmt.missing(by) else L.group_label(by, grp, lang,
                                                                                         labels_by.get(by))


def cif_display(cr, config, lang: str) -> DisplayTable:
    """Cumulative incidence of each event at the configured months, per grouping and group."""
    c = cr.cuminc
    times = sorted(c["time_months"].unique())
    labels_by = {x.by: x.label for x in config.analysis.comparisons}
    rows, kinds = [], []
    keys = c[["group_by", "group"]].drop_duplicates().to_records(index=False)
    for by, grp in keys:
        sub = c[(c["group_by"].isna() if fmt.missing(by) else c["group_by"] == by)
                & (c["group"].isna() if fmt.missing(grp) else c["group"] == grp)]
        for i, (event, e) in enumerate(sub.groupby("event", sort=False)):
            e = e.set_index("time_months")
            name = _group(by, grp, lang, labels_by) if i == 0 else ""
            rows.append([name, t(f"ev_{event}", lang), str(int(e["n"].iloc[0])), str(int(e["events"].iloc[0]))]
                        + [fmt.fmt_prop_ci(e.loc[tm, "estimate"], e.loc[tm, "lower"], e.loc[tm, "upper"]) for tm in times])
            kinds.append("")
    cols = [t("c_group", lang), t("c_event", lang), "n", t("c_events", lang)]
    cols += [t("c_at_ci", lang, t=float(tm), level=_level(config)) for tm in times]
    return DisplayTable("cumulative_incidence", t("t_cif", lang), cols, rows, [t("fn_cif", lang, level=_level(config))],
                        kinds)


def gray_display(cr, config, lang: str) -> DisplayTable:
    labels_by = {x.by: x.label for x in config.analysis.comparisons}
    rows = []
    for r in cr.gray.to_dict(orient="records"):
        stat = (f"{fmt.fmt_num(r['stat'], 2)} ({fmt.fmt_int(r['df'])})" if not fmt.missing(r.get("stat"))
                else t("s_not_compared", lang))
        rows.append([L.comparison_name(r["group_by"], labels_by.get(r["group_by"]), lang),
                     t(f"ev_{r['event']}", lang), stat, fmt.fmt_p(r.get("p"))])
    return DisplayTable("gray_tests", t("t_gray", lang),
                        [t("c_grouping", lang), t("c_event", lang), t("c_gray", lang), t("c_p", lang)], rows)


def fine_gray_term(term: dict, lang: str) -> str:
    """A Fine-Gray term as a reader names it: 'Age, years', 'Prior lines ≥ 3 vs < 3', 'Extramedullary
    disease: Yes' (a level after its variable: that level vs the first, as the footnote says)."""
    if term.get("level") is not None:
        return L.cov_name(term["covariate"], lang) + t("sep_label", lang) + level(str(term["level"]), lang)
    return L.term_label(term, lang)


def fine_gray_display(fg: dict, config, lang: str) -> DisplayTable:
    rows = [[fine_gray_term(x, lang), fmt.fmt_hr(x["hr"], x["hr_ci_low"], x["hr_ci_high"]),
             fmt.fmt_p(x["p"])] for x in fg["terms"]]
    note = t("fn_fine_gray", lang, n=fg["n"], e=fg["events"], c=fg["competing"], level=_level(config))
    return DisplayTable("fine_gray", t("t_fine_gray", lang),
                        [t("c_term", lang), t("c_shr", lang, level=_level(config)), t("c_p", lang)], rows, [note])


def rmst_display(res, config, lang: str) -> DisplayTable:
    """RMST per group beside the KM median, with the difference, per endpoint and comparison."""
    a = config.analysis
    labels_by = {x.by: x.label for x in a.comparisons}
    surv = res.survival
    rows, kinds = [], []
    for r in res.rmst:
        by = r["group_by"]
        what = L.comparison_name(by, labels_by.get(by), lang)
        rows.append([f"{L.tr(r['endpoint'] + '_short', lang)}: {what}", "", "", "", "", ""])
        kinds.append("group")
        d = r["difference"]
        minuend = d["label"].split(" minus ")[0] if d else None  # the difference is shown on its row
        for i, g in enumerate(r["groups"]):
            m = surv[(surv["endpoint"] == r["endpoint"]) & (surv["group_by"] == by) & (surv["group"] == g["group"])]
            med = (fmt.fmt_median_ci(m.iloc[0]["median"], m.iloc[0]["median_ci_low"], m.iloc[0]["median_ci_high"])
                   if len(m) else fmt.DASH)
            diff = p = ""
            if d and g["group"] == minuend:
                diff = f"{fmt.fmt_num(d['estimate'], 1)} ({fmt.fmt_num(d['ci_low'], 1)}, {fmt.fmt_num(d['ci_high'], 1)})"
                p = fmt.fmt_p(d["p"])
            rows.append([L.group_label(by, g["group"], lang, labels_by.get(by)), med,
                         f"{fmt.fmt_num(g['rmst'], 1)} ({fmt.fmt_num(g['se'], 1)})",
                         fmt.fmt_num(r["tau"], 1) if i == 0 else "", diff, p])
            kinds.append("indent")
    tau = (t("tau_fixed", lang, tau=a.rmst.tau_months) if a.rmst.tau_months is not None
           else t("tau_default", lang))
    cols = [t("c_group", lang), t("c_median_ci", lang, level=_level(config)), t("c_rmst", lang), t("c_tau", lang),
            t("c_rmst_diff", lang, level=_level(config)), t("c_p", lang)]
    return DisplayTable("rmst", t("t_rmst", lang), cols, rows, [t("fn_rmst", lang, level=_level(config), tau=tau)],
                        kinds)


def not_published_note(config, lang: str) -> str | None:
    flagged = list(config.report.not_in_published_study)
    if not flagged:
        return None
    return t("not_published", lang, what=join([t(f"np_{k}", lang) for k in flagged], lang))


def survival_table_note(config, lang: str) -> list[dict]:
    """A note before the survival tables when they hold DOR/TTNT rows the published study did not report."""
    flagged = [e for e in config.analysis.endpoints if e in ("RSD", "TTNT")
               and e in config.report.not_in_published_study]
    if not flagged:
        return []
    what = join([L.tr(f"{e}_short", lang) for e in flagged], lang)
    return [{"kind": "note", "text": t("np_rows", lang, what=what)}]


def _tag(config, key: str, lang: str) -> str:
    return t("not_published_tag", lang) if key in config.report.not_in_published_study else ""


def further_blocks(res, config, table: Callable, figure: Callable, figures: Sequence, lang: str) -> list[dict]:
    """Blocks for the survival section: TTR (and where DOR/TTNT are), competing risks, RMST."""
    a = config.analysis
    blocks: list[dict] = []
    note = not_published_note(config, lang)
    further = [e for e in a.endpoints if e in ("RSD", "TTNT")]
    if (further or a.competing_risks.enabled or a.rmst.enabled) and note:
        blocks.append({"kind": "note", "text": note})
    if further:
        tag = next((_tag(config, k, lang) for k in ("RSD", "TTNT", "TTR") if _tag(config, k, lang)), "")
        blocks.append({"kind": "h3", "text": t("h_further", lang) + tag})
        ttr = res.ttr or {}
        blocks.append({"kind": "p", "text": t("s_dor_ttnt", lang)})
        therapy = res.adsl.get("new_therapy_date")
        if "TTNT" in further and (therapy is None or therapy.isna().all()):
            blocks.append({"kind": "note", "text": t("s_ttnt_is_os", lang)})
        if ttr.get("n"):
            blocks.append({"kind": "p", "text": t("s_ttr", lang, n=ttr["n"], med=fmt.fmt_num(ttr["median"]),
                                                  lo=fmt.fmt_num(ttr["min"]), hi=fmt.fmt_num(ttr["max"]))})
        else:
            blocks.append({"kind": "p", "text": t("s_no_ttr", lang)})
    cr = res.competing
    if cr is not None:
        blocks.append({"kind": "h3", "text": t("h_competing", lang) + _tag(config, "competing_risks", lang)})
        overall = cr.cuminc[cr.cuminc["group_by"].isna()]
        ev = overall.groupby("event")["events"].first() if not overall.empty else pd.Series(dtype=int)
        blocks.append({"kind": "p", "text": t("s_competing", lang, prog=int(ev.get("progression", 0)),
                                              dwp=int(ev.get("death without progression", 0)))})
        if not cr.cuminc.empty:
            blocks.append(table(cif_display(cr, config, lang)))
        if not cr.gray.empty:
            blocks.append(table(gray_display(cr, config, lang)))
        for fg in cr.fine_gray:
            blocks.append(table(fine_gray_display(fg, config, lang)))
        blocks += [{"kind": "note", "text": n} for n in cr.notes]
        blocks += [figure(f) for f in figures if f.section == "competing"]
    if res.rmst:
        blocks.append({"kind": "h3", "text": t("h_rmst", lang) + _tag(config, "rmst", lang)})
        blocks.append(table(rmst_display(res, config, lang)))
        blocks += [{"kind": "note", "text": r["note"]} for r in res.rmst if r.get("note")]
    return blocks


def further_methods(config, lang: str) -> list[dict]:
    """Methods paragraphs for the further endpoints, competing risks and RMST that the config turned on."""
    a = config.analysis
    level = fmt.level(a.conf_level)
    out: list[dict] = []
    if "RSD" in a.endpoints or "TTNT" in a.endpoints:
        out.append({"kind": "p", "text": t("m_further_endpoints", lang)})
    if a.competing_risks.enabled:
        covs = ", ".join(a.competing_risks.covariates) or t("none", lang)
        out.append({"kind": "p", "text": t("m_competing", lang, level=level, covs=covs)})
    if a.rmst.enabled:
        tau = (t("tau_fixed", lang, tau=a.rmst.tau_months) if a.rmst.tau_months is not None
               else t("tau_default", lang))
        out.append({"kind": "p", "text": t("m_rmst", lang, level=level, tau=tau)})
    if out:
        out.insert(0, {"kind": "h3", "text": t("m_h_further", lang)})
    return out
