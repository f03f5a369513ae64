"""The adjusted analyses in the report: Table 1 by group (baseline section), Cox models, PH test,
stratified log-rank and subgroups (comparisons section) and their Methods paragraphs."""

from __future__ import annotations

from pipeline.figures import labels as L
from pipeline.report import adjusted_tables as A
from pipeline.text import fmt
from pipeline.text.i18n import join, t


def baseline_blocks(res, config, lang: str, b) -> list[dict]:
    adj = getattr(res, "adjusted", None)
    by = config.analysis.table1_by
    if not adj or by is None or adj["table1_by"].empty:
        return []
    label = next((c.label for c in config.analysis.comparisons if c.by == by), None)
    return [b.table(A.table1_by_display(adj["table1_by"], by, label, lang))]


def comparison_blocks(res, config, lang: str, b, figs) -> list[dict]:
    """Cox tables, the adjusted forest, PH tests with residual plots, stratified log-rank, subgroups."""
    adj = getattr(res, "adjusted", None)
    if not adj:
        return []
    a = config.analysis
    out: list[dict] = []

    def figures(prefix: str) -> None:
        out.extend(b.figure(f) for f in figs if f.name.startswith(prefix))

    models = adj["cox_models"]
    if models:
        out.append({"kind": "h3", "text": t("h_cox", lang)})
        for ep in a.models.endpoints:
            out.append(b.table(A.cox_display(models, ep, lang, a.conf_level)))
        out.append(b.table(A.models_display(models, lang)))
        figures("cox_forest_adjusted")
        out.append(b.table(A.ph_display(models, lang)))
        figures("zph_")
    if adj["stratified_logrank"]:
        out.append(b.table(A.strat_lr_display(adj["stratified_logrank"], lang)))
    recs = adj["subgroups"]
    if recs:
        out.append({"kind": "h3", "text": t("h_subgroups", lang)})
        label = next((c.label for c in a.comparisons if c.by == recs[0]["comparison"]), None)
        for ep in dict.fromkeys(r["endpoint"] for r in recs):
            out.append(b.table(A.subgroup_display(recs, ep, lang, a.conf_level, label)))
            figures(f"subgroup_forest_{ep}")
    return out


def methods_blocks(config, lang: str) -> list[dict]:
    a = config.analysis
    out = []
    comps = {c.by: c.label for c in a.comparisons}
    if a.models is not None:
        m = a.models
        covs = []
        for c in m.covariates:
            name = L.cov_name(c.name, lang)
            if c.per:
                covs.append(f"{name} ({t('per', lang, per=f'{c.per:g}')})")
            elif c.threshold is not None:
                covs.append(f"{name} (≥ {c.threshold:g} vs < {c.threshold:g})")
            elif c.reference is not None:
                covs.append(t("cov_ref", lang, name=name, ref=c.reference))
            else:
                covs.append(name)
        strata = t("fn_strata", lang, s=L.cov_name(m.strata, lang)) if m.strata else ""
        eps = join([L.tr(e, lang) for e in m.endpoints], lang, "sep_and")
        out.append({"kind": "p", "text": t("m_cox", lang, eps=eps, ties=m.ties.capitalize(), strata=strata,
                                            covs=join(covs, lang, "sep_clause"), level=fmt.level(a.conf_level))})
    if a.table1_by is not None:
        what = L.lower_first(L.comparison_name(a.table1_by, comps.get(a.table1_by), lang), lang)
        out.append({"kind": "p", "text": t("m_t1by", lang, what=what)})
    if a.subgroups is not None:
        by = a.subgroups.comparison or a.comparisons[0].by
        what = L.lower_first(L.comparison_name(by, comps.get(by), lang), lang)
        names = join([L.cov_name(v, lang) for v in a.subgroups.by], lang)
        comp = next(c for c in a.comparisons if c.by == by)
        vs = (f"≥ {comp.threshold:g} vs < {comp.threshold:g}" if comp.threshold is not None
              else t("vs", lang, a=L.group_name("yes", lang), b=L.group_name("no", lang)) if by in ("emd_any", "high_risk_fish")
              else t("vs_second", lang))
        out.append({"kind": "p", "text": t("m_subgroups", lang, what=what, vs=vs, by=names)})
    return out
