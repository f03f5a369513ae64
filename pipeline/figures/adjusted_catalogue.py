"""The adjusted analyses' figure specs (appended to :func:`pipeline.figures.catalogue.plan_figures`)."""

from __future__ import annotations

from functools import partial

from pipeline.figures import labels as L
from pipeline.figures.adjusted import cox_forest, plot_zph, subgroup_forest
from pipeline.figures.spec import FigureSpec
from pipeline.text.fmt import fmt_p
from pipeline.text.i18n import t


def _p(p: float) -> str:
    s = fmt_p(p)
    return s if s.startswith("<") else f"= {s}"


def adjusted_specs(res, config, lang: str, tl: str) -> list[FigureSpec]:
    """Adjusted-HR forest, a subgroup forest per endpoint, a residual plot per PH-flagged term."""
    adj = getattr(res, "adjusted", None)
    if not adj:
        return []
    a = config.analysis
    level = f"{100 * a.conf_level:g}"
    specs = []
    models = adj["cox_models"]
    if any(m["kind"] == "multivariable" and m["terms"] for m in models):
        ties = a.models.ties.capitalize()
        specs.append(FigureSpec("cox_forest_adjusted", "comparisons", t("cap_cox_forest", tl, ties=ties, level=level),
                                partial(cox_forest, models, lang=lang, conf_level=a.conf_level)))
    for z in adj["zph_plots"]:
        cap = t("cap_zph", tl, term=L.cov_name(z.term, tl), ep=L.tr(z.endpoint, tl), p=_p(z.p))
        specs.append(FigureSpec(f"zph_{z.endpoint}_{z.term}", "comparisons", cap,
                                partial(plot_zph, z, lang=lang)))
    recs = adj["subgroups"]
    comps = {c.by: c.label for c in a.comparisons}
    for ep in dict.fromkeys(r["endpoint"] for r in recs):
        r0 = next(r for r in recs if r["endpoint"] == ep)
        by = r0["comparison"]
        x, _, y = r0["hr_vs"].partition(" vs ")
        vs = t("vs", tl, a=L.group_label(by, x, tl, comps.get(by)), b=L.group_label(by, y, tl, comps.get(by)))
        what = L.lower_first(L.comparison_name(by, comps.get(by), tl), tl)
        cap = t("cap_subgroup", tl, ep=L.tr(ep, tl), what=what, vs=vs, level=level)
        specs.append(FigureSpec(f"subgroup_forest_{ep}", "comparisons", cap,
                                partial(subgroup_forest, recs, ep, lang=lang, conf_level=a.conf_level)))
    return specs
