"""Display tables of the adjusted analyses (Cox models, PH test, stratified log-rank, Table 1 by group,
subgroups), built from the results.json records; rendered like every other report table."""

from __future__ import annotations

import pandas as pd

from pipeline.figures import labels as L
from pipeline.figures.labels import cov_name, term_label
from pipeline.report.tables import DisplayTable
from pipeline.text import fmt
from pipeline.text.i18n import level, t, table1_label


def _hr(d: dict, hr="hr", lo="hr_ci_low", hi="hr_ci_high") -> str:
    return fmt.fmt_hr(d.get(hr), d.get(lo), d.get(hi))


def _lvl(conf_level: float) -> str:
    return fmt.level(conf_level)


def cox_display(models: list[dict], endpoint: str, lang: str, conf_level: float) -> DisplayTable:
    """Univariable and multivariable HR (CI) and p side by side, one row per term."""
    lv = _lvl(conf_level)
    multi = next(m for m in models if m["kind"] == "multivariable" and m["endpoint"] == endpoint)
    mterms = {x["term"]: x for x in multi["terms"]}
    rows, notes = [], []
    for u in (m for m in models if m["kind"] == "univariable" and m["endpoint"] == endpoint):
        if not u["terms"]:
            rows.append([cov_name(u["covariate"], lang), str(u["n"]), fmt.DASH, fmt.DASH, fmt.DASH, fmt.DASH])
            notes.append(f"{cov_name(u['covariate'], lang)}: {u['note']}")
        for term in u["terms"]:
            mt = mterms.get(term["term"], {})
            rows.append([term_label(term, lang), str(u["n"]), _hr(term), fmt.fmt_p(term["p"]), _hr(mt),
                         fmt.fmt_p(mt.get("p"))])
    strata = t("fn_strata", lang, s=cov_name(multi["strata"], lang)) if multi["strata"] else ""
    lr = multi["lr_test"]
    lr_txt = (f"χ² = {fmt.fmt_num(lr['chisq'], 2)}, df = {lr['df']}, p {fmt.fmt_p_eq(lr['p'])}" if lr
              else fmt.DASH)
    notes.insert(0, t("fn_cox", lang, ties=multi["ties"].capitalize(), strata=strata, level=lv, n=multi["n"],
                      e=multi["events"], d=multi["dropped_missing"], lr=lr_txt,
                      c=fmt.fmt_num(multi["concordance"], 3)))
    if multi["note"]:
        notes.append(f"{t('multi', lang)}: {multi['note']}")
    if multi["epv_warning"]:
        notes.append(t("fn_epv", lang, v=fmt.fmt_num(multi["epv"], 1)))
    cols = [t("c_covariate", lang), "n", t("c_uni", lang, level=lv), t("c_p", lang), t("c_multi", lang, level=lv),
            t("c_p", lang)]
    return DisplayTable(f"cox_{endpoint}", t("t_cox", lang, ep=L.tr(endpoint, lang)), cols, rows, notes)


def models_display(models: list[dict], lang: str) -> DisplayTable:
    """Per model: n, events, dropped, LR test, concordance, events per parameter (flagged < 10)."""
    rows = []
    for m in models:
        what = t("multi", lang) if m["kind"] == "multivariable" else f"{t('uni', lang)}: {cov_name(m['covariate'], lang)}"
        lr = m["lr_test"]
        lr_txt = f"{fmt.fmt_num(lr['chisq'], 2)} ({lr['df']}), {fmt.fmt_p(lr['p'])}" if lr else (m["note"] or fmt.DASH)
        epv = fmt.DASH if m["epv"] is None else fmt.fmt_num(m["epv"], 1)
        if m["epv_warning"]:
            epv = t("epv_low", lang, v=epv)
        rows.append([L.tr(m["endpoint"], lang), what, str(m["n"]), str(m["events"]), str(m["dropped_missing"]),
                     lr_txt, fmt.fmt_num(m["concordance"], 3), epv])
    cols = [t("c_endpoint", lang), t("c_model", lang), "n", t("c_events", lang), t("c_dropped", lang),
            t("c_lr", lang), t("c_conc", lang), t("c_epv", lang)]
    return DisplayTable("cox_models", t("t_cox_models", lang), cols, rows)


def ph_display(models: list[dict], lang: str) -> DisplayTable:
    """cox.zph per covariate and global for each multivariable model; p < 0.05 marked †."""
    rows = []
    for m in (m for m in models if m["kind"] == "multivariable" and m["ph_test"]):
        tests = [(cov_name(x["term"], lang), x) for x in m["ph_test"]["terms"]]
        tests.append((t("global", lang), m["ph_test"]["global"]))
        for i, (name, x) in enumerate(tests):
            flag = " †" if x["p"] < 0.05 else ""
            rows.append([L.tr(m["endpoint"], lang) if i == 0 else "", name,
                         f"{fmt.fmt_num(x['chisq'], 2)} ({x['df']})", fmt.fmt_p(x["p"]) + flag])
    cols = [t("c_endpoint", lang), t("c_ph_term", lang), t("c_chisq_df", lang), t("c_p", lang)]
    return DisplayTable("ph_test", t("t_ph", lang), cols, rows, [t("fn_ph", lang)])


def strat_lr_display(rows_in: list[dict], lang: str) -> DisplayTable:
    rows = [[L.comparison_name(r["group_by"], None, lang), L.tr(r["endpoint"], lang),
             f"{fmt.fmt_num(r['chisq'], 2)} ({fmt.fmt_int(r['df'])})" if r["chisq"] is not None else (r["note"] or ""),
             fmt.fmt_p(r["p"])] for r in rows_in]
    cols = [L.tr("comparison", lang), t("c_endpoint", lang),
            t("c_chisq_df", lang), t("c_p", lang)]
    return DisplayTable("stratified_logrank", t("t_strat_lr", lang, s=cov_name(rows_in[0]["strata"], lang)), cols, rows)


def table1_by_display(tab: pd.DataFrame, by: str, label: str | None, lang: str) -> DisplayTable:
    """Table 1 split by the groups of a comparison, with p and the test per variable."""
    groups = [c for c in tab.columns if c not in ("variable", "label", "level", "missing", "p", "test")]
    heads = [L.group_label(by, g, lang, label) for g in groups]
    rows, kinds = [], []
    for r in tab.to_dict(orient="records"):
        name = table1_label(r["variable"], lang, r["label"])
        if r.get("missing"):
            name = name + t("sep_label", lang) + t("t1by_missing", lang)
        elif r["level"] is not None and not fmt.missing(r["level"]):
            name = name + t("sep_label", lang) + level(str(r["level"]), lang)
        test = "" if fmt.missing(r.get("test")) else t(f"test_{r['test']}", lang)
        rows.append([name, *[fmt.text(r[g]) for g in groups], fmt.fmt_p(r["p"]) if not fmt.missing(r["p"]) else "",
                     test])
        kinds.append("")
    what = L.comparison_name(by, label, lang)
    cols = ["", *heads, t("c_p", lang), t("c_test", lang)]
    return DisplayTable(f"table1_by_{by}", t("h_table1_by", lang, what=L.lower_first(what, lang)), cols, rows,
                        [t("fn_t1by", lang)], kinds)


def subgroup_display(records: list[dict], endpoint: str, lang: str, conf_level: float,
                     comp_label: str | None) -> DisplayTable:
    lv = _lvl(conf_level)
    recs = [r for r in records if r["endpoint"] == endpoint]
    rows = []
    for r in recs:
        for i, x in enumerate(r["levels"]):
            hr = _hr(x) if x["hr"] is not None else (x["note"] or fmt.DASH)
            rows.append([cov_name(r["subgroup"], lang) if i == 0 else "", level(str(x["level"]), lang),
                         str(x["n"]), str(x["events"]), hr, fmt.fmt_p(x["p"]),
                         fmt.fmt_p(r["interaction_p"]) if i == 0 else ""])
    comp = recs[0]["comparison"]
    a, _, b = recs[0]["hr_vs"].partition(" vs ")
    vs = t("vs", lang, a=L.group_label(comp, a, lang, comp_label), b=L.group_label(comp, b, lang, comp_label))
    what = L.comparison_name(comp, comp_label, lang)
    cols = [t("c_subgroup", lang), t("c_group", lang), "n", t("c_events", lang), t("c_hr_level", lang, level=lv),
            t("c_p", lang), t("c_interaction", lang)]
    return DisplayTable(f"subgroups_{endpoint}", t("t_subgroups", lang, ep=L.tr(endpoint, lang),
                                                   what=L.lower_first(what, lang)), cols, rows,
                        [t("fn_subgroups", lang, vs=vs, level=lv)])
