"""Assemble the report (sections of paragraphs, tables, figures, warnings) and render it to HTML and Markdown.

``assemble_document`` decides what the report says, from the analysis result, the config actually used and
the run's data-quality facts; ``build_report`` renders that document with the Jinja2 templates in
``templates/`` into one self-contained HTML file (figures as base64 PNG, CSS inline, no network) and its
Markdown twin (figures linked from ``figures/``). Nothing here touches files.
"""

from __future__ import annotations

import base64
from collections.abc import Sequence
from dataclasses import dataclass, field

import jinja2
import yaml

from pipeline import __version__
from pipeline.analysis.results import AnalysisResult
from pipeline.config import StudyConfig
from pipeline.figures import labels as L
from pipeline.figures.catalogue import Omitted
from pipeline.figures.flow import patient_flow
from pipeline.report import adjusted_blocks
from pipeline.report import tables as T
from pipeline.report.further import further_blocks, further_methods, survival_table_note
from pipeline.report.literature import literature_sentence, literature_table
from pipeline.report.methods import methods
from pipeline.text import fmt
from pipeline.text.escape import md_code, md_escape
from pipeline.text.i18n import has, join, t

SECTIONS = ("cohort", "baseline", "response", "survival", "comparisons", "ae", "quality", "methods", "provenance")
SECTION_KEYS = {"cohort": "sec_cohort", "baseline": "sec_baseline", "response": "sec_response",
                "survival": "sec_survival", "comparisons": "sec_comparisons", "ae": "sec_ae",
                "quality": "sec_quality", "methods": "sec_methods", "provenance": "sec_provenance"}


@dataclass
class RenderedFigure:
    """A figure already drawn: PNG bytes to embed, the relative path the Markdown links to, its caption."""

    name: str
    section: str
    caption: str
    png: bytes | None = None
    path: str | None = None
    group_by: str | None = None
    landmark: bool = False
    width_in: float | None = None  # the figure's width, to show figures at a common scale


@dataclass
class Section:
    id: str
    heading: str
    blocks: list[dict] = field(default_factory=list)


@dataclass
class ReportDocument:
    lang: str
    title: str
    subtitle: str
    summary: list[str]
    sections: list[Section]
    tables: list[T.DisplayTable]


def section_headings(lang: str) -> list[str]:
    """The report's section headings, numbered as they appear (tests look for these)."""
    return [f"{i}. {t(SECTION_KEYS[s], lang)}" for i, s in enumerate(SECTIONS, 1)]


class _Builder:
    def __init__(self, lang: str):
        self.lang = lang
        self.tables: list[T.DisplayTable] = []
        self.n_fig = 0

    def table(self, tab: T.DisplayTable, manuscript: bool = True) -> dict:
        """A table block; manuscript tables are numbered and go to the Word file, run-specific ones
        (validation, cut-off, inputs, versions) are shown unnumbered in the report only."""
        if manuscript:
            tab.number = len(self.tables) + 1
            self.tables.append(tab)
        return {"kind": "table", "table": tab, "title": tab.numbered_title(self.lang)}

    def figure(self, f: RenderedFigure) -> dict:
        self.n_fig += 1
        src = None if f.png is None else "data:image/png;base64," + base64.b64encode(f.png).decode("ascii")
        return {"kind": "figure", "name": f.name, "src": src, "path": f.path or f"figures/{f.name}.png",
                "label": t("figure_n", self.lang, i=self.n_fig), "caption": f.caption,
                "width": None if not f.width_in else int(round(f.width_in * 105))}


def _source_name(source: str, lang: str) -> str:
    return t(f"src_{source}", lang) if has(f"src_{source}", lang) else source


def assemble_document(res: AnalysisResult, config: StudyConfig, *, figures: Sequence[RenderedFigure] = (),
                      omitted: Sequence[Omitted] = (), cutoff_report: dict | None = None,
                      issues: Sequence = (), manifest: dict | None = None, lang: str | None = None,
                      notes: Sequence[str] = (), changes: dict | None = None) -> ReportDocument:
    """Everything the report says, as sections of blocks (no rendering)."""
    lang = lang or config.report.language
    a = config.analysis
    level = fmt.level(a.conf_level)
    b = _Builder(lang)
    figs = list(figures)
    man = manifest or {}
    versions = man.get("versions") or _versions()
    rep = cutoff_report or {}
    n = int(len(res.adsl))
    source = res.response.source
    sections = {s: Section(s, f"{i}. {t(SECTION_KEYS[s], lang)}") for i, s in enumerate(SECTIONS, 1)}

    def add_figures(section: str, pred=lambda f: True) -> None:
        for f in figs:
            if f.section == section and pred(f):
                sections[section].blocks.append(b.figure(f))

    def add_omitted(section: str) -> None:
        for o in omitted:
            if o.section == section:
                sections[section].blocks.append({"kind": "note", "text": o.reason})

    # ---- summary
    summary: list[str] = []
    idx = res.adsl.get("index_date")
    first, last = (fmt.fmt_date(idx.min()), fmt.fmt_date(idx.max())) if idx is not None and n else ("", "")
    cohort_s = t("s_cohort", lang, n=n, first=first, last=last, cutoff=config.cutoff.isoformat())
    fu = res.followup or {}
    fu_s = t("s_followup", lang, level=level, med=fmt.fmt_median(fu.get("median")), ci=fmt.fmt_ci(fu.get("ci_low"),
             fu.get("ci_high")), lo=fmt.fmt_num(fu.get("min")), hi=fmt.fmt_num(fu.get("max")))
    summary += [cohort_s, fu_s]
    ev = res.rates[res.rates["endpoint"] == "ORR"] if not res.rates.empty else res.rates
    for pop in [p for p in dict.fromkeys(ev["population"]) if p.startswith("response-evaluable") or p == "all treated"]:
        r = ev[ev["population"] == pop].iloc[0]
        pop_name = L.population_name(pop, lang)
        summary.append(t("s_orr", lang, level=level, pop=pop_name, pop_l=pop_name[:1].lower() + pop_name[1:],
                         n=int(r["n"]), N=int(r["N"]), pct=fmt.fmt_pct(r["pct"]),
                         ci=fmt.fmt_ci(r["ci_low"], r["ci_high"], 1, fmt.DASH)))
    overall = res.survival[res.survival["group_by"].isna()].set_index("endpoint") if not res.survival.empty else None
    medians_s = ""
    if overall is not None and {"PFS", "OS"} <= set(overall.index):
        p, o = overall.loc["PFS"], overall.loc["OS"]
        def med(x: object) -> str:
            return t("not_reached", lang) if fmt.missing(x) else t("months_value", lang, v=fmt.fmt_median(x))

        medians_s = t("s_median_pfs_os", lang, level=level, pfs=med(p["median"]),
                      pfs_ci=fmt.fmt_ci(p["median_ci_low"], p["median_ci_high"]),
                      os=med(o["median"]), os_ci=fmt.fmt_ci(o["median_ci_low"], o["median_ci_high"]))
        summary.append(medians_s)
    for comp in a.comparisons:
        if comp.accrues_after_index and not res.comparisons.empty and (res.comparisons["group_by"] == comp.by).any():
            summary.append(_immortal_warning(res, comp, lang, a.landmark_days, short=True))

    # ---- 1. cohort
    s = sections["cohort"].blocks
    s += [{"kind": "p", "text": cohort_s}, {"kind": "p", "text": fu_s}]
    steps = patient_flow(res.adsl, rep, a.evaluable_min_cycles, a.extended_min_cycles, lang)
    s.append(b.table(T.flow_table(steps, lang)))
    add_figures("cohort")

    # ---- 2. baseline
    if res.table1 is not None and not res.table1.empty:
        sections["baseline"].blocks.append(b.table(T.table1_display(res.table1, lang)))
    sections["baseline"].blocks += adjusted_blocks.baseline_blocks(res, config, lang, b)

    # ---- 3. response
    s = sections["response"].blocks
    s.append({"kind": "p", "text": t(f"s_source_{source}", lang) if source in ("derived", "recorded", "patients")
              else source})
    if source in ("derived", "recorded"):
        confirmed = t("conf_with" if config.response.confirm_response else "conf_without", lang)
    else:
        confirmed = t("conf_as_recorded", lang)
    if not res.best_response.empty:
        final = getattr(config.response, "summary", "best") == "last" and source in ("derived", "recorded")
        s.append(b.table(T.best_response_display(res.best_response, lang, confirmed, final=final)))
    if not res.rates.empty:
        s.append(b.table(T.rates_display(res.rates, lang, level)))
    add_figures("response", lambda f: f.name.startswith("waterfall"))
    for o in omitted:
        if o.section == "response" and o.name.startswith("waterfall"):
            s.append({"kind": "note", "text": o.reason})
    if res.by_cycle is not None and not res.by_cycle.empty:
        s.append(b.table(T.by_cycle_display(res.by_cycle, lang)))
        add_figures("response", lambda f: f.name == "response_by_cycle")
    else:
        for o in omitted:
            if o.section == "response" and o.name == "response_by_cycle":
                s.append({"kind": "note", "text": o.reason})
    if res.agreement is not None:
        ag = res.agreement
        s.append({"kind": "h3", "text": t("t_confusion", lang)})
        s.append({"kind": "p", "text": t("s_agreement", lang, agree=ag["agree"], n=ag["n"],
                                          pct=fmt.fmt_pct(ag["pct_agree"]), kappa=fmt.fmt_num(ag["kappa"], 2))})
        s.append(b.table(T.confusion_display(ag["confusion"], lang)))
        n_dis = len(ag["disagreements"])
        if n_dis > config.report.max_listing_rows:
            s.append({"kind": "note", "text": t("s_listing_elsewhere", lang, what=t("t_disagree", lang), n=n_dis,
                                                limit=config.report.max_listing_rows,
                                                where="tables/agreement_disagreements.csv, tables/tables.xlsx")})
        elif n_dis:
            s.append(b.table(T.disagreements_display(ag["disagreements"], lang)))
    elif source == "derived":
        s.append({"kind": "p", "text": t("s_no_agreement", lang)})
    if res.literature:
        s.append({"kind": "h3", "text": t("t_literature", lang)})
        s.append({"kind": "p", "text": literature_sentence(res.literature, lang)})
        add_figures("response", lambda f: f.name == "literature_orr")
        s.append(b.table(literature_table(res.literature, lang)))

    # ---- 4. survival
    s = sections["survival"].blocks
    tte = res.adtte
    pfs = tte[tte["PARAMCD"] == "PFS"]
    pfs_ev = pfs[pfs["CNSR"] == 0]
    n_prog = int((pfs_ev["EVNTDESC"] == "progression").sum())
    s.append({"kind": "p", "text": t("s_events", lang, pfs=len(pfs_ev), prog=n_prog, dwp=len(pfs_ev) - n_prog,
                                      os=int(((tte["PARAMCD"] == "OS") & (tte["CNSR"] == 0)).sum()))})
    s.append({"kind": "p", "text": medians_s})
    s.append({"kind": "p", "text": fu_s})
    s += survival_table_note(config, lang)
    if not res.survival.empty:
        s.append(b.table(T.medians_display(res.survival, lang, a.conf_type, level)))
    if not res.survival_rates.empty:
        s.append(b.table(T.rates_at_display(res.survival_rates, lang, level)))
    add_figures("survival")
    # further endpoints, competing risks, RMST (MODELS.md section 2): end of the survival section
    s += further_blocks(res, config, b.table, b.figure, figs, lang)

    # ---- 5. comparisons
    s = sections["comparisons"].blocks
    if not a.comparisons:
        s.append({"kind": "p", "text": t("s_no_comparisons", lang)})
    for comp in a.comparisons:
        by = comp.by
        if res.survival.empty or not (res.survival["group_by"] == by).any():
            continue
        s.append({"kind": "h3", "text": L.comparison_name(by, comp.label, lang)})
        s.append(b.table(T.comparison_display(by, comp.label, res.survival, res.comparisons, lang, level,
                                              immortal=comp.accrues_after_index)))
        if comp.accrues_after_index:
            s.append({"kind": "warning", "text": _immortal_warning(res, comp, lang, a.landmark_days)})
        add_figures("comparisons", lambda f, by=by: f.group_by == by and not f.landmark)
        if comp.accrues_after_index and not res.landmark_survival.empty and \
                (res.landmark_survival["group_by"] == by).any():
            what = L.comparison_name(by, comp.label, lang)
            s.append({"kind": "h4", "text": t("t_landmark", lang, L=a.landmark_days,
                                               what=L.lower_first(what, lang))})
            s.append(b.table(T.comparison_display(by, comp.label, res.landmark_survival, res.landmark_comparisons,
                                                  lang, level, landmark=True, landmark_days=a.landmark_days)))
            add_figures("comparisons", lambda f, by=by: f.group_by == by and f.landmark)
    add_figures("comparisons", lambda f: f.name.startswith("forest"))
    add_omitted("comparisons")
    sections["comparisons"].blocks += adjusted_blocks.comparison_blocks(res, config, lang, b, figs)

    # ---- 6. adverse events
    s = sections["ae"].blocks
    if res.adverse_events is None or res.adverse_events.empty:
        s.append({"kind": "p", "text": t("s_no_ae", lang)})
    else:
        s.append(b.table(T.ae_display(res.adverse_events, lang, n)))

    # ---- 7. data quality
    s = sections["quality"].blocks
    iss = list(issues or [])
    n_err = sum(getattr(i, "severity", None) == "error" for i in iss)
    s.append({"kind": "p", "text": t("s_issues", lang, e=n_err, w=len(iss) - n_err) if iss
              else t("s_no_issues", lang)})
    if len(iss) > config.report.max_listing_rows:
        s.append({"kind": "note", "text": t("s_listing_elsewhere", lang, what=t("t_issues", lang), n=len(iss),
                                            limit=config.report.max_listing_rows,
                                            where="validation.md, validation.json")})
    elif iss:
        s.append(b.table(T.issues_display(iss, lang), manuscript=False))
    extra = []
    if "progression_disagreement" in res.adsl:
        ids = res.adsl.loc[res.adsl["progression_disagreement"].fillna(False).astype(bool), "patient_id"]
        extra.append((t("q_prog_disagree", lang), len(ids), list(ids)))
    ne = res.adsl.loc[res.adsl["bor"].eq("NE"), "patient_id"] if "bor" in res.adsl else []
    extra.append((t("q_ne", lang), len(ne), list(ne)))
    s.append(b.table(T.cutoff_display(rep, lang, extra), manuscript=False))
    for note in notes:
        if note:
            s.append({"kind": "note", "text": note})

    # ---- 8. methods
    for blk in methods(config, source, versions, list(res.response.rules or []), lang):
        sections["methods"].blocks.append(b.table(blk["table"]) if blk["kind"] == "rules_table" else blk)
    sections["methods"].blocks += adjusted_blocks.methods_blocks(config, lang)
    sections["methods"].blocks += further_methods(config, lang)

    # ---- 9. provenance
    s = sections["provenance"].blocks
    # (no run time here: the same inputs and config give a byte-identical report; manifest.json has it)
    if man.get("inputs"):
        s.append(b.table(T.inputs_display(man, lang), manuscript=False))
    s.append(b.table(T.versions_display(versions, lang), manuscript=False))
    s.append({"kind": "h3", "text": t("prov_config", lang)})
    cfg = man.get("config") or config.resolved()
    s.append({"kind": "pre", "text": _yaml(cfg)})
    s.append({"kind": "p", "text": t("prov_outputs", lang)})
    if changes:
        prev = changes.get("a") or {}
        pats = changes.get("patients") or {}
        s.append({"kind": "p", "text": t("prov_changes", lang, name=prev.get("folder", ""), cutoff=prev.get("cutoff", ""),
                                          added=len(pats.get("added") or []), removed=len(pats.get("removed") or []),
                                          flags=len(changes.get("flags") or []))})

    for sec in sections.values():
        sec.blocks = [blk for blk in sec.blocks if not (blk["kind"] == "p" and not blk["text"])]
    title = config.report.title or f"{config.study}: {t('report', lang)}"
    subtitle = t("subtitle", lang, cutoff=config.cutoff.isoformat(), n=n, src=_source_name(source, lang),
                 v=versions.get("mmcohort", __version__))
    return ReportDocument(lang, title, subtitle, summary, [sections[k] for k in SECTIONS], b.tables)


def _immortal_warning(res: AnalysisResult, comp, lang: str, landmark_days: int, short: bool = False) -> str:
    lm = res.landmark_comparisons
    parts = []
    if lm is not None and not lm.empty:
        for r in lm[lm["group_by"] == comp.by].to_dict(orient="records"):
            vs = ""
            if not fmt.missing(r.get("hr")) and r.get("hr_vs") and not fmt.missing(r.get("hr_vs")):
                a_, _, b_ = str(r["hr_vs"]).partition(" vs ")
                vs = f" ({L.group_label(comp.by, a_, lang)} vs {L.group_label(comp.by, b_, lang)})"
            parts.append(t("w_immortal_lm", lang, ep=r["endpoint"], vs=vs,
                           hr=fmt.fmt_hr(r.get("hr"), r.get("hr_ci_low"), r.get("hr_ci_high")),
                           p=fmt.fmt_p_eq(r.get("p")), n=fmt.fmt_int(r.get("n")),
                           x=fmt.fmt_int(r.get("n_excluded_before_landmark"))))
    lm_text = join(parts, lang, "sep_clause") + t("full_stop", lang)
    what = L.comparison_name(comp.by, comp.label, lang)
    return t("s_immortal_short" if short else "w_immortal", lang, what=what, L=landmark_days, lm=lm_text)


class _ConfigDumper(yaml.SafeDumper):
    """YAML for reading: an unset option shows as an empty value (still YAML null), not 'null'."""


_ConfigDumper.add_representer(type(None), lambda d, _: d.represent_scalar("tag:yaml.org,2002:null", ""))


def _yaml(cfg: dict) -> str:
    return yaml.dump(cfg, Dumper=_ConfigDumper, allow_unicode=True, sort_keys=False).strip()


def _versions() -> dict:
    from pipeline.run import versions

    return versions()


# --------------------------------------------------------------------------- rendering


def _md_cell(s: object) -> str:
    return md_escape(s, cell=True)


def _env(autoescape: bool) -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.PackageLoader("pipeline.report", "templates"),
                             autoescape=autoescape, trim_blocks=True, lstrip_blocks=True,
                             undefined=jinja2.StrictUndefined, keep_trailing_newline=True)
    env.filters["md_cell"] = _md_cell
    env.filters["md"] = md_escape
    env.filters["md_code"] = md_code
    return env


def render_html(doc: ReportDocument) -> str:
    return _env(True).get_template("report.html.j2").render(doc=doc, contents_label=t("contents", doc.lang),
                                                           summary_label=t("summary", doc.lang),
                                                           note_label=t("figures_omitted", doc.lang))


def render_markdown(doc: ReportDocument) -> str:
    return _env(False).get_template("report.md.j2").render(doc=doc, summary_label=t("summary", doc.lang),
                                                          note_label=t("figures_omitted", doc.lang))


def build_report(res: AnalysisResult, config: StudyConfig, *, figures: Sequence[RenderedFigure] = (),
                 omitted: Sequence[Omitted] = (), cutoff_report: dict | None = None, issues: Sequence = (),
                 manifest: dict | None = None, lang: str | None = None,
                 notes: Sequence[str] = ()) -> tuple[str, str]:
    """The report as (HTML, Markdown): one self-contained HTML file and its Markdown twin.

    Parameters
    ----------
    res, config
        The analysis result and the config actually used (the methods are written from it).
    figures
        Figures already drawn (PNG bytes are embedded in the HTML; the Markdown links ``path``).
    omitted
        Figures left out and why (shown as notes where they would be).
    cutoff_report, issues, manifest
        ``Prepared.cutoff.as_dict()``, the validation issues, the run manifest (inputs, versions, config).
    lang
        ``"en"`` or ``"zh"`` (default: ``config.report.language``).
    notes
        Extra notes for the data-quality section (e.g. figures drawn in English for want of a CJK font).
    """
    doc = assemble_document(res, config, figures=figures, omitted=omitted, cutoff_report=cutoff_report,
                            issues=issues, manifest=manifest, lang=lang, notes=notes)
    return render_html(doc), render_markdown(doc)


__all__ = ["RenderedFigure", "ReportDocument", "assemble_document", "build_report", "render_html",
           "render_markdown", "section_headings"]
