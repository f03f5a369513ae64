"""Display tables: the analysis tables formatted for reading (compute first, format here, render later).

Every builder returns a :class:`DisplayTable` of strings (numbers already formatted by ``fmt``), which the
HTML and Markdown templates and the Word writer render the same way.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import pandas as pd

from pipeline import vocab
from pipeline.figures import labels as L
from pipeline.figures.flow import FlowStep
from pipeline.text import fmt
from pipeline.text.i18n import ae_term, level, t, table1_label


@dataclass
class DisplayTable:
    """A formatted table: a title, column headers, rows of strings, footnotes.

    ``kinds`` marks each row: ``""`` a normal row, ``"group"`` a heading row spanning the table (its text
    in the first cell), ``"indent"`` a row under a heading.
    """

    key: str
    title: str
    columns: list[str]
    rows: list[list[str]]
    footnotes: list[str] = field(default_factory=list)
    kinds: list[str] = field(default_factory=list)
    number: int | None = None
    #: Left-align every column (text tables: issues, lists); otherwise only the first column is.
    text: bool = False

    def __post_init__(self) -> None:
        if not self.kinds:
            self.kinds = [""] * len(self.rows)
        for r in self.rows:
            if len(r) != len(self.columns):
                raise ValueError(f"table {self.key!r}: a row has {len(r)} cells for {len(self.columns)} columns")

    def numbered_title(self, lang: str) -> str:
        return self.title if self.number is None else t("table_n", lang, i=self.number, title=self.title)

    @property
    def empty(self) -> bool:
        return not self.rows


# --------------------------------------------------------------------------- cohort


def flow_table(steps: Sequence[FlowStep], lang: str) -> DisplayTable:
    rows = []
    for st in steps:
        out = "" if st.excluded_label is None else t("flow_excluded_n", lang, label=_one_line(st.excluded_label, lang),
                                                      n=st.excluded_n)
        rows.append([_one_line(st.label, lang), str(st.n), out])
    return DisplayTable("patient_flow", t("t_flow", lang), [t("c_step", lang), t("c_n", lang), t("c_excluded", lang)],
                        rows)


def _one_line(label: str, lang: str) -> str:
    """A figure's box label on one line: its breaks as a space in English, as nothing in Chinese."""
    return label.replace("\n", t("lang.line_join", lang))


def table1_display(tab1: pd.DataFrame, lang: str) -> DisplayTable:
    n_all = int(tab1.loc[tab1["variable"] == "n", "n"].iloc[0]) if (tab1["variable"] == "n").any() else 0
    rows, kinds = [], []
    last_label = None
    for r in tab1.to_dict(orient="records"):
        var, lab, lev = r["variable"], r.get("label"), r.get("level")
        # every FISH row shares one translated name ("FISH, of the patients tested")
        key = "fish" if str(var).startswith("fish_") and var != "fish_tested" or var in (
            "fish_negative", "high_risk_fish") else var
        lab = table1_label(key, lang, lab)
        if var == "n":
            continue
        if fmt.missing(lev) or lev is None:
            value = fmt.text(r.get("value"), fmt.DASH)
            if r.get("statistic") in ("mean_sd", "median_iqr") and not fmt.missing(r.get("min")):
                value += f" [{fmt.fmt_measure(r['min'])}–{fmt.fmt_measure(r['max'])}]"
            miss = r.get("missing")
            if not fmt.missing(miss) and int(miss) > 0 and r.get("statistic") in ("mean_sd", "median_iqr"):
                value += t("t1_missing_value", lang, n=int(miss))
            rows.append([str(lab), value])
            kinds.append("")
            last_label = None
            continue
        if lab != last_label:
            head = str(lab)
            miss = r.get("missing")
            # emd_type is blank by design without EMD: not missing data
            if not fmt.missing(miss) and int(miss) > 0 and var != "emd_type":
                head += t("t1_missing_head", lang, n=int(miss))
            rows.append([head, ""])
            kinds.append("group")
            last_label = lab
        lev_txt = str(lev) if var == "regimen" else level(str(lev), lang)
        rows.append([lev_txt, fmt.text(r.get("value"), fmt.DASH)])
        kinds.append("indent")
    return DisplayTable("table1", t("t_table1", lang), [t("c_characteristic", lang), t("c_all", lang, n=n_all)],
                        rows, [t("fn_table1", lang)], kinds)


# --------------------------------------------------------------------------- response


def best_response_display(best: pd.DataFrame, lang: str, confirmed: str = "", final: bool = False) -> DisplayTable:
    """Rows: populations (with N); columns: IMWG categories, n (%)."""
    pops = list(dict.fromkeys(best["population"]))
    big_n = best.groupby("population", sort=False)["N"].first()
    counts = best.groupby("category")["n"].sum()
    cats = [c for c in vocab.RESPONSE_ORDER if counts.get(c, 0) > 0 or c in ("CR", "VGPR", "PR", "SD", "PD")]
    rows = []
    for p in pops:
        sub = best[best["population"] == p].set_index("category")
        row = [L.population_name(p, lang), str(int(big_n[p]))]
        for c in cats:
            row.append(fmt.fmt_n_pct(sub.loc[c, "n"], sub.loc[c, "pct"]) if c in sub.index else fmt.DASH)
        rows.append(row)
    title, note = ("t_final", "fn_final") if final else ("t_best", "fn_best")
    return DisplayTable("best_response", t(title, lang), [t("c_population", lang), "N", *cats], rows,
                        [t(note, lang, conf=confirmed)])


def rates_display(rates: pd.DataFrame, lang: str, level: str) -> DisplayTable:
    pops = list(dict.fromkeys(rates["population"]))
    eps = [e for e in ("ORR", "CBR", "DCR") if e in set(rates["endpoint"])]
    rows = []
    for p in pops:
        sub = rates[rates["population"] == p].set_index("endpoint")
        row = [L.population_name(p, lang)]
        for e in eps:
            r = sub.loc[e]
            row.append(fmt.fmt_rate(r["n"], r["N"], r["pct"], r["ci_low"], r["ci_high"]))
        rows.append(row)
    return DisplayTable("response_rates", t("t_rates", lang, level=level),
                        [t("c_population", lang)] + [t(e, lang) for e in eps], rows, [t("fn_rates", lang, level=level)])


def by_cycle_display(by_cycle: pd.DataFrame, lang: str) -> DisplayTable:
    seen = set(by_cycle.loc[by_cycle["n"] > 0, "category"])
    cats = [c for c in vocab.RESPONSE_ORDER if c in seen or c in ("PR", "SD", "PD")]
    rows = []
    for cyc, grp in by_cycle.groupby("cycle", sort=True):
        g = grp.set_index("category")
        row = [L.tr("cycle_n", lang, c=int(cyc)), str(int(grp["N"].iloc[0]))]
        for c in cats:
            row.append(fmt.fmt_n_pct(g.loc[c, "n"], g.loc[c, "pct"]) if c in g.index else fmt.fmt_n_pct(0, 0.0))
        rows.append(row)
    return DisplayTable("response_by_cycle", t("t_by_cycle", lang), [t("c_cycle", lang), "n", *cats], rows,
                        [t("fn_by_cycle", lang)])


def confusion_display(confusion: pd.DataFrame, lang: str) -> DisplayTable:
    cols = [str(c) for c in confusion.columns]
    rows = []
    for rec, r in confusion.iterrows():
        vals = [int(v) for v in r.to_numpy()]
        rows.append([str(rec), *[str(v) for v in vals], str(sum(vals))])
    tot = [int(v) for v in confusion.sum(axis=0).to_numpy()]
    rows.append([t("c_total", lang), *[str(v) for v in tot], str(sum(tot))])
    return DisplayTable("agreement_confusion", t("t_confusion", lang),
                        [t("c_recorded_derived", lang), *cols, t("c_total", lang)], rows)


def disagreements_display(dis: pd.DataFrame, lang: str) -> DisplayTable:
    rows = []
    for r in dis.to_dict(orient="records"):
        rows.append([fmt.text(r.get("patient_id")), fmt.text(r.get("assessment_date")),
                     fmt.text(r.get("cycle")), fmt.text(r.get("recorded")), fmt.text(r.get("derived")),
                     fmt.text(r.get("reason"))])
    return DisplayTable("agreement_disagreements", t("t_disagree", lang),
                        [t("c_patient", lang), t("c_date", lang), t("c_cycle", lang), t("c_recorded", lang),
                         t("c_derived", lang), t("c_reason", lang)], rows, text=True)


# --------------------------------------------------------------------------- survival


def _conf_name(conf_type: str, lang: str) -> str:
    return t(f"conf_transform.{conf_type}", lang)


def medians_display(surv: pd.DataFrame, lang: str, conf_type: str, level: str) -> DisplayTable:
    sub = surv[surv["group_by"].isna()]
    rows = [[L.tr(r["endpoint"], lang), str(int(r["n"])), str(int(r["events"])),
             fmt.fmt_median_ci(r["median"], r["median_ci_low"], r["median_ci_high"])]
            for r in sub.to_dict(orient="records")]
    return DisplayTable("survival_medians", t("t_medians", lang),
                        [t("c_endpoint", lang), "n", t("c_events", lang), t("c_median", lang, level=level)], rows,
                        [t("fn_medians", lang, conf=_conf_name(conf_type, lang), level=level)])


def rates_at_display(rates: pd.DataFrame, lang: str, level: str) -> DisplayTable:
    sub = rates[rates["group_by"].isna()]
    times = sorted(sub["time_months"].unique())
    rows = []
    for ep in dict.fromkeys(sub["endpoint"]):  # PFS, OS, then DOR (RSD) and TTNT when configured
        e = sub[sub["endpoint"] == ep].set_index("time_months")
        if e.empty:
            continue
        rows.append([L.tr(ep, lang)] + [fmt.fmt_surv(e.loc[tm, "surv"], e.loc[tm, "lower"], e.loc[tm, "upper"])
                                        for tm in times])
    return DisplayTable("survival_rates", t("t_rates_at", lang),
                        [t("c_endpoint", lang)] + [t("c_at", lang, t=float(tm)) for tm in times], rows,
                        [t("fn_rates_at", lang, level=level)])


def comparison_display(by: str, label: str | None, surv: pd.DataFrame, comps: pd.DataFrame, lang: str,
                       level: str, immortal: bool = False, landmark: bool = False, landmark_days: int | None = None
                       ) -> DisplayTable:
    """One grouping: per endpoint and group n, events, median (CI); per endpoint log-rank and HR."""
    what = L.comparison_name(by, label, lang)
    cols = [t("c_endpoint", lang), t("c_group", lang), "n", t("c_events", lang), t("c_median", lang, level=level)]
    if landmark:
        cols.append(t("c_n_landmark", lang))
    cols += [t("c_logrank", lang), t("c_p", lang), t("c_hr", lang, level=level)]
    rows = []
    hr_vs = None
    for ep in dict.fromkeys(surv["endpoint"]):  # PFS, OS, then DOR (RSD) and TTNT when configured
        s = surv[(surv["endpoint"] == ep) & (surv["group_by"] == by)]
        c = comps[(comps["endpoint"] == ep) & (comps["group_by"] == by)] if comps is not None and not comps.empty \
            else comps
        crow = c.iloc[0].to_dict() if c is not None and len(c) else {}
        for i, r in enumerate(s.to_dict(orient="records")):
            row = [L.tr(f"{ep}_short", lang) if i == 0 else "", L.group_label(by, r["group"], lang, label), str(int(r["n"])),
                   str(int(r["events"])),
                   fmt.fmt_median_ci(r["median"], r["median_ci_low"], r["median_ci_high"]) if int(r["n"]) else fmt.DASH]
            if landmark:
                row.append(f"{fmt.fmt_int(crow.get('n'))} ({fmt.fmt_int(crow.get('n_excluded_before_landmark'))})"
                           if i == 0 else "")
            if i == 0 and crow:
                chisq = fmt.fmt_num(crow.get("chisq"), 2)
                test = f"{chisq} ({fmt.fmt_int(crow.get('df'))})" if not fmt.missing(crow.get("chisq")) \
                    else t("s_not_compared", lang)
                hr = fmt.fmt_hr(crow.get("hr"), crow.get("hr_ci_low"), crow.get("hr_ci_high"))
                vs = crow.get("hr_vs")
                if hr != fmt.DASH and vs and not fmt.missing(vs):
                    a, _, b = str(vs).partition(" vs ")
                    hr_vs = t("fn_hr_vs", lang, a=L.group_label(by, a, lang, label), b=L.group_label(by, b, lang, label))
                row += [test, fmt.fmt_p(crow.get("p")), hr]
            else:
                row += ["", "", ""]
            rows.append(row)
    title = (t("t_landmark", lang, L=landmark_days, what=L.lower_first(what, lang))
             if landmark else t("t_comparison_one", lang, what=L.lower_first(what, lang)))
    if immortal and not landmark:
        title += " †"
    notes = [t("fn_comparisons", lang, level=level)] + ([hr_vs] if hr_vs else [])
    if immortal and not landmark:
        notes.append(t("fn_immortal", lang))
    for r in (comps[comps["group_by"] == by].to_dict(orient="records") if comps is not None and not comps.empty
              else []):
        note = r.get("note")
        if note and not fmt.missing(note):
            notes.append(t("fn_endpoint_note", lang, ep=L.tr(r["endpoint"], lang), note=L.comparison_note(str(note), lang)))
    key = f"{'landmark' if landmark else 'comparison'}_{by}"
    return DisplayTable(key, title, cols, rows, notes)


# --------------------------------------------------------------------------- adverse events


def ae_display(ae: pd.DataFrame, lang: str, n_patients: int) -> DisplayTable:
    grades = [g for g in range(1, 6) if g <= 4 or (f"g{g}" in ae and ae[f"g{g}"].sum() > 0)]
    cols = [t("c_ae_term", lang), t("c_any", lang)] + [t("c_grade", lang, g=g) for g in grades] + [t("c_g3", lang)]
    rows, kinds = [], []
    for grp in ("haematological", "non-haematological"):
        sub = ae[ae["group"] == grp]
        if sub.empty:
            continue
        rows.append([t(grp, lang)] + [""] * (len(cols) - 1))
        kinds.append("group")
        for r in sub.to_dict(orient="records"):
            rows.append([ae_term(str(r["term"]), lang), fmt.fmt_n_pct(r["any_n"], r["any_pct"])]
                        + [str(int(r[f"g{g}"])) for g in grades] + [fmt.fmt_n_pct(r["g3plus_n"], r["g3plus_pct"])])
            kinds.append("indent")
    return DisplayTable("adverse_events", t("t_ae", lang), cols, rows, [t("fn_ae", lang, n=n_patients)], kinds)


# --------------------------------------------------------------------------- data quality, provenance


def issues_display(issues: Sequence, lang: str) -> DisplayTable:
    rows = []
    for i in issues:
        d = i.as_dict() if hasattr(i, "as_dict") else dict(i)
        rows.append([fmt.text(d.get("severity")), fmt.text(d.get("file")), fmt.text(d.get("row")),
                     fmt.text(d.get("column")), fmt.text(d.get("value")), fmt.text(d.get("rule"))])
    return DisplayTable("validation", t("t_issues", lang),
                        [t("c_severity", lang), t("c_file", lang), t("c_line", lang), t("c_column", lang),
                         t("c_value", lang), t("c_rule", lang)], rows, text=True)


def _ids(ids: Sequence[str], limit: int = 40) -> str:
    ids = [str(x) for x in ids]
    return ", ".join(ids[:limit]) + (f" … (+{len(ids) - limit})" if len(ids) > limit else "")


def cutoff_display(rep: dict, lang: str, extra: Sequence[tuple[str, int, Sequence[str]]] = ()) -> DisplayTable:
    def n(x: object) -> int:
        return len(x) if isinstance(x, list | tuple) else int(x or 0)

    items = [
        ("cutoff_excluded", rep.get("patients_excluded") or [], True),
        ("cutoff_assess", rep.get("assessments_dropped") or 0, False),
        ("cutoff_ae", rep.get("adverse_events_dropped") or 0, False),
        ("cutoff_deaths", rep.get("deaths_censored") or [], True),
        ("cutoff_prog", rep.get("progressions_censored") or [], True),
        ("cutoff_nt", rep.get("new_therapies_cleared") or [], True),
        ("cutoff_lc", rep.get("last_contact_truncated") or 0, False),
    ]
    rows = [[t(k, lang), str(n(v)), _ids(v) if is_list else ""] for k, v, is_list in items]
    for label, count, ids in extra:
        rows.append([label, str(count), _ids(ids)])
    if rep.get("latest_data_date"):
        rows.append([t("cutoff_latest", lang), str(rep["latest_data_date"]), ""])
    notes = [str(x) for x in rep.get("notes") or []]
    return DisplayTable("cutoff", t("t_cutoff", lang), [t("c_item", lang), t("c_count", lang), t("c_ids", lang)],
                        rows, notes, text=True)


def inputs_display(manifest: dict, lang: str) -> DisplayTable:
    rows = []
    for i in manifest.get("inputs") or []:
        path = str(i.get("path", ""))
        rows.append([fmt.text(i.get("table")), path.rsplit("/", 1)[-1], fmt.text(i.get("sha256")),
                     fmt.text(i.get("rows"))])
    return DisplayTable("inputs", t("t_inputs", lang),
                        [t("c_table", lang), t("c_path", lang), t("c_sha", lang), t("c_rows", lang)], rows,
                        text=True)


def versions_display(versions: dict, lang: str) -> DisplayTable:
    rows = [[str(k), str(v)] for k, v in versions.items()]
    return DisplayTable("versions", t("t_versions", lang), [t("c_package", lang), t("c_version", lang)], rows,
                        text=True)
