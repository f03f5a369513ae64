"""The report as data: sections of blocks (paragraphs, tables, figures, notes), and what the section builders
share while they write it (the run's result and config, the numbering of tables and figures)."""

from __future__ import annotations

import base64
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cached_property

from pipeline import __version__
from pipeline.analysis.results import AnalysisResult
from pipeline.config import StudyConfig
from pipeline.figures import labels as L
from pipeline.figures.catalogue import Omitted
from pipeline.report import tables as T
from pipeline.text import fmt
from pipeline.text.i18n import has, t


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


@dataclass
class Context:
    """Everything a section builder reads, and the tables and figures numbered so far (in document order)."""

    res: AnalysisResult
    config: StudyConfig
    lang: str
    figures: Sequence[RenderedFigure] = ()
    omitted: Sequence[Omitted] = ()
    cutoff_report: dict = field(default_factory=dict)
    issues: Sequence = ()
    manifest: dict = field(default_factory=dict)
    notes: Sequence[str] = ()
    changes: dict | None = None
    tables: list[T.DisplayTable] = field(default_factory=list)
    n_figures: int = 0

    @property
    def level(self) -> str:
        return fmt.level(self.config.analysis.conf_level)

    @property
    def n(self) -> int:
        return int(len(self.res.adsl))

    @property
    def source(self) -> str:
        return self.res.response.source

    @cached_property
    def versions(self) -> dict:
        if self.manifest.get("versions"):
            return self.manifest["versions"]
        from pipeline.versions import versions

        return versions()

    # ---- blocks

    def table(self, tab: T.DisplayTable, manuscript: bool = True) -> dict:
        """A table block; manuscript tables are numbered and go to the Word file, run-specific ones
        (validation, cut-off, inputs, versions) are shown unnumbered in the report only."""
        if manuscript:
            tab.number = len(self.tables) + 1
            self.tables.append(tab)
        return {"kind": "table", "table": tab, "title": tab.numbered_title(self.lang)}

    def figure(self, f: RenderedFigure) -> dict:
        self.n_figures += 1
        src = None if f.png is None else "data:image/png;base64," + base64.b64encode(f.png).decode("ascii")
        return {"kind": "figure", "name": f.name, "src": src, "path": f.path or f"figures/{f.name}.png",
                "label": t("figure_n", self.lang, i=self.n_figures), "caption": f.caption,
                "width": None if not f.width_in else int(round(f.width_in * 105))}

    def figures_in(self, section: str, pred: Callable[[RenderedFigure], bool] = lambda f: True) -> list[dict]:
        return [self.figure(f) for f in self.figures if f.section == section and pred(f)]

    def omitted_in(self, section: str, pred: Callable[[Omitted], bool] = lambda o: True) -> list[dict]:
        return [{"kind": "note", "text": o.reason} for o in self.omitted if o.section == section and pred(o)]

    # ---- sentences the summary and the sections share

    @cached_property
    def cohort_sentence(self) -> str:
        idx = self.res.adsl.get("index_date")
        first, last = ((fmt.fmt_date(idx.min()), fmt.fmt_date(idx.max())) if idx is not None and self.n
                       else ("", ""))
        key = "s_cohort_one" if self.n == 1 else "s_cohort"  # '1 patient started treatment on ...'
        return t(key, self.lang, n=self.n, first=first, last=last, cutoff=self.config.cutoff.isoformat())

    @cached_property
    def followup_sentence(self) -> str:
        fu = self.res.followup or {}
        os_ = self.res.adtte[self.res.adtte["PARAMCD"] == "OS"]
        if len(os_) and (os_["CNSR"] == 0).all():  # reverse KM without an event: no median, not "NR"
            return t("s_followup_all_died", self.lang, lo=fmt.fmt_num(fu.get("min")), hi=fmt.fmt_num(fu.get("max")))
        return t("s_followup", self.lang, level=self.level, med=fmt.fmt_median(fu.get("median")),
                 ci=fmt.fmt_ci(fu.get("ci_low"), fu.get("ci_high")), lo=fmt.fmt_num(fu.get("min")),
                 hi=fmt.fmt_num(fu.get("max")))

    @cached_property
    def medians_sentence(self) -> str:
        """Median PFS and OS with their CIs; empty when the run has not both."""
        surv = self.res.survival
        overall = surv[surv["group_by"].isna()].set_index("endpoint") if not surv.empty else None
        if overall is None or not {"PFS", "OS"} <= set(overall.index):
            return ""
        p, o = overall.loc["PFS"], overall.loc["OS"]

        def med(x: object) -> str:
            return t("not_reached", self.lang) if fmt.missing(x) else t("months_value", self.lang,
                                                                       v=fmt.fmt_median(x))

        return t("s_median_pfs_os", self.lang, level=self.level, pfs=med(p["median"]),
                 pfs_ci=fmt.fmt_ci(p["median_ci_low"], p["median_ci_high"]),
                 os=med(o["median"]), os_ci=fmt.fmt_ci(o["median_ci_low"], o["median_ci_high"]))

    def title(self) -> str:
        return self.config.report.title or f"{self.config.study}: {t('report', self.lang)}"

    def subtitle(self) -> str:
        src = f"src_{self.source}"
        return t("subtitle", self.lang, cutoff=self.config.cutoff.isoformat(), n=self.n,
                 src=t(src, self.lang) if has(src, self.lang) else self.source,
                 v=self.versions.get("mmcohort", __version__))

    def immortal_warning(self, comp, short: bool = False) -> str:
        """Why a grouping that accrues after time zero must not be read as an effect, with the landmark
        analysis' HR and p (the summary's short form or the comparisons section's warning)."""
        lm, lang = self.res.landmark_comparisons, self.lang
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
        lm_text = t("sep_clause", lang).join(parts) + t("full_stop", lang)
        what = L.comparison_name(comp.by, comp.label, lang)
        return t("s_immortal_short" if short else "w_immortal", lang, what=what,
                 L=self.config.analysis.landmark_days, lm=lm_text)

