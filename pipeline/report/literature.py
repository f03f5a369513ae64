"""The report's 'this cohort beside published cohorts' block: a sentence, the forest figure (drawn by
the figure catalogue), a table of the published cohorts' ORR and medians, and notes on counts derived
from percentages."""

from __future__ import annotations

from pipeline.figures import labels as L
from pipeline.meta.words import ci_label
from pipeline.report import tables as T
from pipeline.text import fmt
from pipeline.text.i18n import join, t


def literature_sentence(lit: dict, lang: str) -> str:
    c, p = lit.get("cohort"), lit.get("pooled")
    if not c or c.get("orr") is None:
        return ""
    ci = ci_label(lit["conf_level"])
    pop = L.lower_first(L.population_name(c["population"], lang), lang)
    kw = {"pop": pop, "n": c["responders"], "N": c["n"], "pct": fmt.fmt_prop(c["orr"]), "ci": ci,
          "lo": fmt.fmt_prop(c["ci_low"]), "hi": fmt.fmt_prop(c["ci_high"])}
    if not p:
        return t("s_literature_one", lang, **kw)
    return t("s_literature", lang, **kw, k=p["k"], est=fmt.fmt_prop(p["estimate"]), plo=fmt.fmt_prop(p["ci_low"]),
             phi=fmt.fmt_prop(p["ci_high"]), i2=f"{p['I2']:.0f}")


def literature_table(lit: dict, lang: str) -> T.DisplayTable:
    ci = ci_label(lit["conf_level"])
    cols = [t(k, lang) for k in ("c_lit_study", "c_lit_regimen", "c_lit_resp")] + [
        t("c_lit_orr", lang, ci=ci), t("c_lit_pfs", lang), t("c_lit_os", lang), t("c_lit_ref", lang)]
    rows = []
    for s in lit["studies"]:
        star = "\u2020" if s["responders_from_pct"] else ""
        rows.append([s["name"], s["regimen"] or fmt.DASH, f"{s['responders']}/{s['n']}{star}",
                     f"{fmt.fmt_prop(s['orr'])} ({fmt.fmt_prop(s['ci_low'])}–{fmt.fmt_prop(s['ci_high'])})",
                     fmt.fmt_g(s["median_pfs_months"]), fmt.fmt_g(s["median_os_months"]), s["reference"] or fmt.DASH])
    p, c = lit.get("pooled"), lit.get("cohort")
    if p:
        rows.append([t("lit_pooled", lang), fmt.DASH, f"k = {p['k']}",
                     f"{fmt.fmt_prop(p['estimate'])} ({fmt.fmt_prop(p['ci_low'])}–{fmt.fmt_prop(p['ci_high'])})", fmt.DASH, fmt.DASH,
                     fmt.DASH])
    if c and c.get("orr") is not None:
        pop = L.lower_first(L.population_name(c["population"], lang), lang)
        rows.append([t("lit_this_cohort", lang, pop=pop), fmt.DASH, f"{c['responders']}/{c['n']}",
                     f"{fmt.fmt_prop(c['orr'])} ({fmt.fmt_prop(c['ci_low'])}–{fmt.fmt_prop(c['ci_high'])})",
                     fmt.fmt_median(c["median_pfs_months"]), fmt.fmt_median(c["median_os_months"]), fmt.DASH])
    return T.DisplayTable("literature", t("t_lit_table", lang), cols, rows, literature_notes(lit, lang))


def literature_notes(lit: dict, lang: str) -> list[str]:
    """Footnotes: methods, counts derived from percentages (marked with a dagger), percentages no count
    reproduces."""
    notes = [t("fn_lit", lang, ci=ci_label(lit["conf_level"]))]
    from_pct = [s["name"] for s in lit["studies"] if s["responders_from_pct"]]
    if from_pct:
        notes.append("\u2020 " + t("fn_lit_pct", lang, names=join(from_pct, lang, "sep_names")))
    odd = [t("lit_pct_of", lang, name=s["name"], pct=s["orr_pct_published"], n=s["n"]) for s in lit["studies"]
           if s["pct_not_reproducible"]]
    if odd:
        notes.append(t("fn_lit_odd", lang, names=join(odd, lang, "sep_names")))
    return notes
