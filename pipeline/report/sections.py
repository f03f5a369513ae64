"""The report's summary and its sections, one builder each: ``builder(ctx) -> blocks``.

``SECTION_BUILDERS`` lists the sections in the order the document shows (and numbers) them; a builder
returns its blocks (``{"kind": "p"|"h3"|"h4"|"table"|"figure"|"note"|"warning"|"pre"|...}``) and numbers
its tables and figures through the shared :class:`~pipeline.report.document.Context`, so the builders run
in document order. Every word comes from ``pipeline/text/``.
"""

from __future__ import annotations

from collections.abc import Callable

import yaml

from pipeline.figures import labels as L
from pipeline.figures.flow import patient_flow
from pipeline.report import adjusted_blocks
from pipeline.report import tables as T
from pipeline.report.document import Context
from pipeline.report.further import further_blocks, further_methods, survival_table_note
from pipeline.report.literature import literature_sentence, literature_table
from pipeline.report.methods import methods as methods_blocks
from pipeline.text import fmt
from pipeline.text.i18n import t


def summary(ctx: Context) -> list[str]:
    """The summary's sentences: cohort, follow-up, ORR per main population, medians, immortal-time bias."""
    res, lang = ctx.res, ctx.lang
    out = [ctx.cohort_sentence, ctx.followup_sentence]
    removed = ((ctx.changes or {}).get("patients") or {}).get("removed") or []
    if removed:  # every number below changed with them: said where the reader starts, not only in provenance
        prev = (ctx.changes or {}).get("a") or {}
        out.insert(0, t("s_removed", lang, n=len(removed), name=prev.get("folder", ""), cutoff=prev.get("cutoff", "")))
    ev = res.rates[res.rates["endpoint"] == "ORR"] if not res.rates.empty else res.rates
    for pop in [p for p in dict.fromkeys(ev["population"]) if p.startswith("response-evaluable") or p == "all treated"]:
        r = ev[ev["population"] == pop].iloc[0]
        name = L.population_name(pop, lang)
        if not int(r["N"]):  # e.g. every patient died before the evaluable cycles: no rate, no CI
            out.append(t("s_orr_none", lang, pop=name, pop_l=name[:1].lower() + name[1:]))
            continue
        out.append(t("s_orr", lang, level=ctx.level, pop=name, pop_l=name[:1].lower() + name[1:],
                     n=int(r["n"]), N=int(r["N"]), pct=fmt.fmt_pct(r["pct"]),
                     ci=fmt.fmt_ci(r["ci_low"], r["ci_high"], 1, fmt.DASH)))
    if ctx.medians_sentence:
        out.append(ctx.medians_sentence)
    for comp in ctx.config.analysis.comparisons:
        if comp.accrues_after_index and not res.comparisons.empty and (res.comparisons["group_by"] == comp.by).any():
            out.append(ctx.immortal_warning(comp, short=True))
    return out


def cohort(ctx: Context) -> list[dict]:
    a = ctx.config.analysis
    steps = patient_flow(ctx.res.adsl, ctx.cutoff_report, a.evaluable_min_cycles, a.extended_min_cycles, ctx.lang)
    return [{"kind": "p", "text": ctx.cohort_sentence}, {"kind": "p", "text": ctx.followup_sentence},
            ctx.table(T.flow_table(steps, ctx.lang)), *ctx.figures_in("cohort")]


def baseline(ctx: Context) -> list[dict]:
    tab1 = ctx.res.table1
    out = [ctx.table(T.table1_display(tab1, ctx.lang))] if tab1 is not None and not tab1.empty else []
    return out + adjusted_blocks.baseline_blocks(ctx.res, ctx.config, ctx.lang, ctx)


def _confirmation(ctx: Context) -> str:
    """How the best response was confirmed, for the response table's footnote."""
    if ctx.source in ("derived", "recorded"):
        return t("conf_with" if ctx.config.response.confirm_response else "conf_without", ctx.lang)
    return t("conf_as_recorded", ctx.lang)


def _agreement(ctx: Context) -> list[dict]:
    """Derived vs recorded response: the agreement, the confusion table, the disagreements (or where they are)."""
    res, lang, limit = ctx.res, ctx.lang, ctx.config.report.max_listing_rows
    if res.agreement is None:
        return [{"kind": "p", "text": t("s_no_agreement", lang)}] if ctx.source == "derived" else []
    ag = res.agreement
    out = [{"kind": "h3", "text": t("t_confusion", lang)},
           {"kind": "p", "text": t("s_agreement", lang, agree=ag["agree"], n=ag["n"],
                                   pct=fmt.fmt_pct(ag["pct_agree"]), kappa=fmt.fmt_num(ag["kappa"], 2))},
           ctx.table(T.confusion_display(ag["confusion"], lang))]
    n_dis = len(ag["disagreements"])
    if n_dis > limit:
        out.append({"kind": "note", "text": t("s_listing_elsewhere", lang, what=t("t_disagree", lang), n=n_dis,
                                              limit=limit,
                                              where="tables/agreement_disagreements.csv, tables/tables.xlsx")})
    elif n_dis:
        out.append(ctx.table(T.disagreements_display(ag["disagreements"], lang)))
    return out


def _literature(ctx: Context) -> list[dict]:
    lit = ctx.res.literature
    if not lit:
        return []
    return [{"kind": "h3", "text": t("t_literature", ctx.lang)},
            {"kind": "p", "text": literature_sentence(lit, ctx.lang)},
            *ctx.figures_in("response", lambda f: f.name == "literature_orr"),
            ctx.table(literature_table(lit, ctx.lang))]


def response(ctx: Context) -> list[dict]:
    res, lang, source = ctx.res, ctx.lang, ctx.source
    out = [{"kind": "p", "text": t(f"s_source_{source}", lang) if source in ("derived", "recorded", "patients")
            else source}]
    if not res.best_response.empty:
        final = getattr(ctx.config.response, "summary", "best") == "last" and source in ("derived", "recorded")
        out.append(ctx.table(T.best_response_display(res.best_response, lang, _confirmation(ctx), final=final)))
    if not res.rates.empty:
        out.append(ctx.table(T.rates_display(res.rates, lang, ctx.level)))
    out += ctx.figures_in("response", lambda f: f.name.startswith("waterfall"))
    out += ctx.omitted_in("response", lambda o: o.name.startswith("waterfall"))
    if res.by_cycle is not None and not res.by_cycle.empty:
        out.append(ctx.table(T.by_cycle_display(res.by_cycle, lang)))
        out += ctx.figures_in("response", lambda f: f.name == "response_by_cycle")
    else:
        out += ctx.omitted_in("response", lambda o: o.name == "response_by_cycle")
    return out + _agreement(ctx) + _literature(ctx)


def survival(ctx: Context) -> list[dict]:
    res, config, lang = ctx.res, ctx.config, ctx.lang
    tte = res.adtte
    pfs_ev = tte[(tte["PARAMCD"] == "PFS") & (tte["CNSR"] == 0)]
    n_prog = int((pfs_ev["EVNTDESC"] == "progression").sum())
    out = [{"kind": "p", "text": t("s_events", lang, pfs=len(pfs_ev), prog=n_prog, dwp=len(pfs_ev) - n_prog,
                                   os=int(((tte["PARAMCD"] == "OS") & (tte["CNSR"] == 0)).sum()))},
           {"kind": "p", "text": ctx.medians_sentence}, {"kind": "p", "text": ctx.followup_sentence},
           *survival_table_note(config, lang)]
    if not res.survival.empty:
        out.append(ctx.table(T.medians_display(res.survival, lang, config.analysis.conf_type, ctx.level)))
    if not res.survival_rates.empty:
        out.append(ctx.table(T.rates_at_display(res.survival_rates, lang, ctx.level)))
    out += ctx.figures_in("survival")
    # further endpoints, competing risks, RMST (MODELS.md section 2): end of the survival section
    return out + further_blocks(res, config, ctx.table, ctx.figure, ctx.figures, lang)


def _comparison(ctx: Context, comp) -> list[dict]:
    """One grouping: its table, the immortal-time warning, its figures, and its landmark analysis."""
    res, lang, by, days = ctx.res, ctx.lang, comp.by, ctx.config.analysis.landmark_days
    out = [{"kind": "h3", "text": L.comparison_name(by, comp.label, lang)},
           ctx.table(T.comparison_display(by, comp.label, res.survival, res.comparisons, lang, ctx.level,
                                          immortal=comp.accrues_after_index))]
    if comp.accrues_after_index:
        out.append({"kind": "warning", "text": ctx.immortal_warning(comp)})
    out += ctx.figures_in("comparisons", lambda f: f.group_by == by and not f.landmark)
    lm = res.landmark_survival
    if comp.accrues_after_index and not lm.empty and (lm["group_by"] == by).any():
        what = L.lower_first(L.comparison_name(by, comp.label, lang), lang)
        out += [{"kind": "h4", "text": t("t_landmark", lang, L=days, what=what)},
                ctx.table(T.comparison_display(by, comp.label, lm, res.landmark_comparisons, lang, ctx.level,
                                               landmark=True, landmark_days=days)),
                *ctx.figures_in("comparisons", lambda f: f.group_by == by and f.landmark)]
    return out


def comparisons(ctx: Context) -> list[dict]:
    comps, surv = ctx.config.analysis.comparisons, ctx.res.survival
    out = [] if comps else [{"kind": "p", "text": t("s_no_comparisons", ctx.lang)}]
    for comp in comps:
        if not surv.empty and (surv["group_by"] == comp.by).any():
            out += _comparison(ctx, comp)
    out += ctx.figures_in("comparisons", lambda f: f.name.startswith("forest"))
    out += ctx.omitted_in("comparisons")
    return out + adjusted_blocks.comparison_blocks(ctx.res, ctx.config, ctx.lang, ctx, ctx.figures)


def adverse_events(ctx: Context) -> list[dict]:
    ae = ctx.res.adverse_events
    if ae is None or ae.empty:
        return [{"kind": "p", "text": t("s_no_ae", ctx.lang)}]
    return [ctx.table(T.ae_display(ae, ctx.lang, ctx.n))]


def quality(ctx: Context) -> list[dict]:
    res, lang, limit = ctx.res, ctx.lang, ctx.config.report.max_listing_rows
    iss = list(ctx.issues or [])
    n_err = sum(getattr(i, "severity", None) == "error" for i in iss)
    out = [{"kind": "p", "text": t("s_issues", lang, e=n_err, w=len(iss) - n_err) if iss else t("s_no_issues", lang)}]
    if len(iss) > limit:
        out.append({"kind": "note", "text": t("s_listing_elsewhere", lang, what=t("t_issues", lang), n=len(iss),
                                              limit=limit, where="validation.md, validation.json")})
    elif iss:
        out.append(ctx.table(T.issues_display(iss, lang), manuscript=False))
    extra = []
    if "progression_disagreement" in res.adsl:
        ids = res.adsl.loc[res.adsl["progression_disagreement"].fillna(False).astype(bool), "patient_id"]
        extra.append((t("q_prog_disagree", lang), len(ids), list(ids)))
    ne = res.adsl.loc[res.adsl["bor"].eq("NE"), "patient_id"] if "bor" in res.adsl else []
    extra.append((t("q_ne", lang), len(ne), list(ne)))
    out.append(ctx.table(T.cutoff_display(ctx.cutoff_report, lang, extra), manuscript=False))
    return out + [{"kind": "note", "text": note} for note in ctx.notes if note]


def _unconfirmed_pds(adsl) -> tuple[int, int] | None:
    """(unconfirmed laboratory PDs, patients with one) from ``n_unconfirmed_pd``; None without that column."""
    if adsl is None or "n_unconfirmed_pd" not in adsl:
        return None
    n = adsl["n_unconfirmed_pd"].fillna(0).astype(int)
    return int(n.sum()), int((n > 0).sum())


def methods(ctx: Context) -> list[dict]:
    config, lang = ctx.config, ctx.lang
    out = [ctx.table(blk["table"]) if blk["kind"] == "rules_table" else blk
           for blk in methods_blocks(config, ctx.source, ctx.versions, list(ctx.res.response.rules or []), lang,
                                     _unconfirmed_pds(ctx.res.adsl))]
    return out + adjusted_blocks.methods_blocks(config, lang) + further_methods(config, lang)


class _ConfigDumper(yaml.SafeDumper):
    """YAML for reading: an unset option shows as an empty value (still YAML null), not 'null'."""


_ConfigDumper.add_representer(type(None), lambda d, _: d.represent_scalar("tag:yaml.org,2002:null", ""))


def config_yaml(cfg: dict) -> str:
    return yaml.dump(cfg, Dumper=_ConfigDumper, allow_unicode=True, sort_keys=False).strip()


def provenance(ctx: Context) -> list[dict]:
    # (no run time here: the same inputs and config give a byte-identical report; manifest.json has it)
    man, lang = ctx.manifest, ctx.lang
    out = [ctx.table(T.inputs_display(man, lang), manuscript=False)] if man.get("inputs") else []
    out += [ctx.table(T.versions_display(ctx.versions, lang), manuscript=False),
            {"kind": "h3", "text": t("prov_config", lang)},
            {"kind": "pre", "text": config_yaml(man.get("config") or ctx.config.resolved())},
            {"kind": "p", "text": t("prov_outputs", lang)}]
    if ctx.changes:
        prev, pats = ctx.changes.get("a") or {}, ctx.changes.get("patients") or {}
        out.append({"kind": "p", "text": t("prov_changes", lang, name=prev.get("folder", ""),
                                           cutoff=prev.get("cutoff", ""), added=len(pats.get("added") or []),
                                           removed=len(pats.get("removed") or []),
                                           flags=sum(f.get("kind") != "patients_removed"
                                                     for f in ctx.changes.get("flags") or []))})
    return out


#: The sections in document order: (id, heading key, builder).
SECTION_BUILDERS: tuple[tuple[str, str, Callable[[Context], list[dict]]], ...] = (
    ("cohort", "sec_cohort", cohort),
    ("baseline", "sec_baseline", baseline),
    ("response", "sec_response", response),
    ("survival", "sec_survival", survival),
    ("comparisons", "sec_comparisons", comparisons),
    ("ae", "sec_ae", adverse_events),
    ("quality", "sec_quality", quality),
    ("methods", "sec_methods", methods),
    ("provenance", "sec_provenance", provenance),
)
