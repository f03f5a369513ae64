"""The report: HTML (self-contained, every section, no broken image, no nan/inf/None), its Markdown twin,
the Word tables, the Chinese version, number formatting, and the run folder a real run writes."""

from __future__ import annotations

import io
import re
from html.parser import HTMLParser

import matplotlib

matplotlib.use("Agg")

import openpyxl
import pytest
from docx import Document

from pipeline.report.build import (
    assemble_document,
    build_report,
    render_html,
    render_markdown,
    section_headings,
)
from pipeline.report.docx import build_docx
from pipeline.report.tables import DisplayTable
from pipeline.run import manifest, run_study
from pipeline.text import fmt
from tests._cohort import make_config, make_result, patients_frame, rendered_run

BAD_WORDS = re.compile(r"\b(nan|NaN|inf|Inf|None(?! of the above)|null|NaT)\b")  # rule text may say "None of the above"


class _Page(HTMLParser):
    """Visible text, headings, images and links of an HTML page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.text: list[str] = []
        self.headings: list[str] = []
        self.imgs: list[dict] = []
        self.links: list[str] = []
        self._skip = 0
        self._h: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag in ("style", "script"):
            self._skip += 1
        if tag in ("h1", "h2", "h3", "h4"):
            self._h = []
        if tag == "img":
            self.imgs.append(a)
        if tag in ("link", "script") and (a.get("href") or a.get("src")):
            self.links.append(a.get("href") or a.get("src"))

    def handle_endtag(self, tag):
        if tag in ("style", "script"):
            self._skip -= 1
        if tag in ("h1", "h2", "h3", "h4") and self._h is not None:
            self.headings.append("".join(self._h).strip())
            self._h = None

    def handle_data(self, data):
        if self._skip:
            return
        self.text.append(data)
        if self._h is not None:
            self._h.append(data)


def _parse(html: str) -> _Page:
    p = _Page()
    p.feed(html)
    p.close()
    return p


@pytest.fixture(scope="module")
def rendered():
    return rendered_run()


# --------------------------------------------------------------------------- HTML


def test_html_is_self_contained_with_every_section(rendered):
    folder, written, res, config, prep = rendered
    html = (folder / "report.html").read_text(encoding="utf-8")
    page = _parse(html)
    for heading in section_headings("en"):
        assert heading in page.headings
    assert page.imgs, "figures are embedded"
    for img in page.imgs:
        assert img["src"].startswith("data:image/png;base64,") and len(img["src"]) > 2000
        assert img.get("alt")
    assert not page.links  # no external stylesheet or script
    assert "http://" not in html and "https://" not in html
    assert "@media print" in html and "break-before: page" in html
    assert html.startswith("<!DOCTYPE html>") and '<meta charset="utf-8">' in html
    # element ids are unique (unnumbered tables had id="table-None", repeated)
    ids = re.findall(r'\bid="([^"]*)"', html)
    assert len(ids) == len(set(ids)) and "table-None" not in ids


def test_html_visible_text_has_no_nan_inf_none(rendered):
    folder, *_ = rendered
    page = _parse((folder / "report.html").read_text(encoding="utf-8"))
    text = " ".join(page.text)
    assert not BAD_WORDS.findall(text)
    md = (folder / "report.md").read_text(encoding="utf-8")
    assert not BAD_WORDS.findall(md)


def test_report_content_clinician_reads(rendered):
    folder, _, res, config, _ = rendered
    text = " ".join(_parse((folder / "report.html").read_text(encoding="utf-8")).text)
    # immortal-time warning beside the cycles comparison, with the landmark result
    assert "Immortal-time bias" in text and "landmark analysis below (day 56)" in text
    # agreement with recorded responses (derived source): kappa and disagreement list
    assert "Cohen's kappa" in text and "Assessments where derived and recorded responses disagree" in text
    # methods from the config: PFS definition, CI methods, IMWG rules
    for phrase in ("progression (IMWG) or death from any cause", "Clopper-Pearson", "Brookmeyer-Crowley",
                   "log-log", "Efron", "reverse Kaplan-Meier", "Shapiro-Wilk", "IMWG rules as applied",
                   "two consecutive evaluable assessments"):
        assert phrase in text, phrase
    # the adverse-event table's first column is headed as what it holds (it said "Covariate")
    ae = (folder / "report.md").read_text(encoding="utf-8").split("Adverse events (worst grade per patient")[1]
    assert ae.split("\n\n")[1].startswith("| Adverse event | Any grade, n (%) |")
    # provenance: input SHA-256
    sha = rendered[4].raw["patients"].sha256
    assert sha and sha in text
    # numbers formatted: medians 1 decimal or NR, p-values
    med = res.survival.query("endpoint == 'PFS' and group_by.isna()", engine="python")["median"].iloc[0]
    assert fmt.fmt_median(med) in text


def test_markdown_twin_has_the_sections_and_links_existing_figures(rendered):
    folder, *_ = rendered
    md = (folder / "report.md").read_text(encoding="utf-8")
    for heading in section_headings("en"):
        assert f"## {heading}" in md
    links = re.findall(r"!\[[^\]]*\]\(([^)]+)\)", md)
    assert links
    for link in links:
        assert (folder / link).is_file(), link
    assert "| --- |" not in md and "|:---|" in md  # tables rendered as pipe tables


def test_methods_follow_the_config(tmp_path):
    res, config, prep = make_result(tmp_path, n=8, level="patients", pfs_events="progression",
                                    conf_type="log", landmark_days=84)
    html, md = build_report(res, config, cutoff_report=prep.cutoff.as_dict())
    text = " ".join(_parse(html).text)
    assert "progression only" in text and "on the log scale" in text and "day 84" in text
    assert "recorded per patient" in text  # the patients-only level says so
    assert "Waterfall plot omitted" not in text  # no figures passed: nothing claimed
    assert not BAD_WORDS.findall(text)


def test_patients_level_report_notes_the_missing_waterfall(tmp_path):
    from pipeline.figures.catalogue import plan_figures

    res, config, prep = make_result(tmp_path, n=8, level="patients")
    _, omitted = plan_figures(res, config, prep.cutoff.as_dict())
    html, _ = build_report(res, config, omitted=omitted, cutoff_report=prep.cutoff.as_dict())
    text = " ".join(_parse(html).text)
    assert "Waterfall plot omitted" in text and "Response by cycle omitted" in text
    assert "Cohen's kappa" not in text
    assert not BAD_WORDS.findall(text)


# --------------------------------------------------------------------------- Chinese


def test_chinese_report_has_chinese_headings_and_methods(rendered):
    _, _, res, config, prep = rendered
    doc = assemble_document(res, config, cutoff_report=prep.cutoff.as_dict(), lang="zh")
    html, md = render_html(doc), render_markdown(doc)
    page = _parse(html)
    for heading in section_headings("zh"):
        assert heading in page.headings and f"## {heading}" in md
    assert "1. 研究队列与患者流程" in page.headings and "8. 统计方法" in page.headings
    text = " ".join(page.text)
    assert "Kaplan-Meier 法估计" in text and "Clopper-Pearson" in text and "永恒时间偏倚" in text
    assert 'lang="zh-CN"' in html
    assert not BAD_WORDS.findall(text)


def test_chinese_run_without_cjk_font_keeps_chinese_text(monkeypatch, tmp_path):
    from pipeline.figures import style
    from pipeline.runs.folder import write_outputs

    monkeypatch.setattr(style, "find_cjk_font", lambda: None)
    res, config, prep = make_result(tmp_path / "d", n=6, language="zh", level="patients")
    write_outputs(tmp_path / "run", res, config, cutoff_report=prep.cutoff.as_dict(), dpi=40)
    html = (tmp_path / "run" / "report.html").read_text(encoding="utf-8")
    assert "2. 基线特征" in html and "fonts-noto-cjk" in html  # note in data quality
    assert "未绘制瀑布图" in html  # patients-level data: no raw values, said in Chinese
    assert "Progression-free survival" not in " ".join(_parse(html).text)  # figure files are English only


# --------------------------------------------------------------------------- Word


def test_docx_opens_and_holds_every_table(rendered):
    folder, written, res, config, prep = rendered
    doc = assemble_document(res, config, cutoff_report=prep.cutoff.as_dict(), lang="en",
                            manifest=manifest(config, prep, 0.5))
    d = Document(str(folder / "tables" / "tables.docx"))
    assert len(d.tables) == len(doc.tables) >= 12
    paras = [p.text for p in d.paragraphs]
    for tab, wt in zip(doc.tables, d.tables, strict=True):
        assert tab.numbered_title("en") in paras
        assert [c.text for c in wt.rows[0].cells] == tab.columns
        assert all(r.font.bold for c in wt.rows[0].cells for p in c.paragraphs for r in p.runs)
        assert len(wt.rows) == len(tab.rows) + 1
        for f in tab.footnotes:
            assert f in paras
    # three-line style: top and bottom rules, no vertical lines
    xml = d.tables[0]._tbl.xml
    assert 'w:top w:val="single"' in xml and 'w:bottom w:val="single"' in xml and 'w:insideV w:val="nil"' in xml


def test_docx_is_deterministic_and_formats_group_rows():
    tab = DisplayTable("t", "Example", ["Characteristic", "Value"],
                       [["Sex", ""], ["Male", "2 (66.7%)"], ["Female", "1 (33.3%)"]], ["a footnote"],
                       ["group", "indent", "indent"], number=1)
    a = build_docx([tab], title="Tables")
    assert a == build_docx([tab], title="Tables")
    d = Document(io.BytesIO(a))
    assert d.tables[0].rows[1].cells[0].text == "Sex" and d.tables[0].rows[1].cells[1].text == "Sex"  # merged
    assert "Table 1. Example" in [p.text for p in d.paragraphs]
    with pytest.raises(ValueError):
        DisplayTable("bad", "x", ["a", "b"], [["only one"]])


# --------------------------------------------------------------------------- formatting


@pytest.mark.parametrize(("value", "expected"), [
    (None, "NR"), (float("nan"), "NR"), (float("inf"), "NR"), (11.04, "11.0"), (0.04, "0.0"),
])
def test_fmt_median(value, expected):
    assert fmt.fmt_median(value) == expected


@pytest.mark.parametrize(("value", "expected"), [
    (0.0004, "< 0.001"), (0.001, "0.001"), (0.0494, "0.049"), (1.0, "1.000"), (None, "—"),
    (float("nan"), "—"),
])
def test_fmt_p(value, expected):
    assert fmt.fmt_p(value) == expected


def test_fmt_other():
    assert fmt.fmt_median_ci(11.0, 7.26, None) == "11.0 (7.3–NR)"
    assert fmt.fmt_median_ci(None, 13.7, None) == "NR (13.7–NR)"
    assert fmt.fmt_pct(37.931) == "37.9%"
    assert fmt.fmt_rate(11, 29, 37.93, 20.69, 57.74) == "11/29, 37.9% (20.7–57.7)"
    assert fmt.fmt_rate(0, 0, None, None, None) == "0/0"
    assert fmt.fmt_hr(0.1687, 0.0543, 0.5236) == "0.17 (0.05–0.52)"
    assert fmt.fmt_surv(0.6637, 0.4507, 0.8098) == "66.4% (45.1–81.0)"
    assert fmt.fmt_surv(0.0, None, None) == "0.0%"
    assert fmt.fmt_n_pct(3, None) == "3"


# --------------------------------------------------------------------------- a real run


def test_run_study_writes_figures_report_and_tables(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    patients_frame(8).to_csv(data / "patients.csv", index=False)
    (data / "adverse_events.csv").write_text("patient_id,term,grade,onset_date\nS001,Fatigue,2,\n", encoding="utf-8")
    config = make_config(data)
    folder = run_study(config, tmp_path / "out")
    for name in ("report.html", "report.md", "tables/tables.docx", "tables/tables.xlsx",
                 "figures/km_pfs_overall.png", "figures/km_os_overall.svg", "figures/patient_flow.png",
                 "figures/swimmer.svg", "figures/forest_hazard_ratios.png"):
        assert (folder / name).is_file(), name
    wb = openpyxl.load_workbook(folder / "tables" / "tables.xlsx")
    csvs = {p.stem[:31] for p in (folder / "tables").glob("*.csv")}
    assert set(wb.sheetnames) == csvs and "table1_baseline" in csvs
    for ws in wb.worksheets:
        assert ws.max_row >= 1 and ws.cell(1, 1).value is not None
    d = Document(str(folder / "tables" / "tables.docx"))
    assert len(d.tables) >= 10
    assert not list((tmp_path / "out").glob(".*tmp*"))  # the staged folder was moved into place


def test_figures_can_be_switched_off(tmp_path):
    from pipeline.runs.folder import write_outputs

    res, config, prep = make_result(tmp_path / "d", n=6, level="patients")
    written = write_outputs(tmp_path / "run", res, config, cutoff_report=prep.cutoff.as_dict(), figures=False)
    assert not any(k.startswith("figures/") for k in written)
    html = (tmp_path / "run" / "report.html").read_text(encoding="utf-8")
    page = _parse(html)
    assert not page.imgs and "report.figures: false" in " ".join(page.text)
    assert all(h in page.headings for h in section_headings("en"))
    assert Document(str(tmp_path / "run" / "tables" / "tables.docx")).tables


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_unconfirmed_pd_sentence_only_when_responses_are_confirmed(lang):
    from pipeline.report.methods import methods
    from tests import frames

    def text(confirm: bool) -> str:
        cfg = frames.config().model_copy(update={"response": frames.config().response.model_copy(
            update={"confirm_response": confirm}), "report": frames.config().report.model_copy(update={"language": lang})})
        return " ".join(b.get("text", "") for b in methods(cfg, "derived", {}, lang=lang) if isinstance(b, dict))

    marker = "unconfirmed laboratory PD" if lang == "en" else "未确认实验室 PD"
    assert marker in text(True)
    assert marker not in text(False)


@pytest.mark.parametrize(("lang", "claim", "said"), [
    ("en", "unless cycle dates are given", "the number of cycles, not their dates"),
    ("zh", "除非提供周期日期", "不含各周期日期"),
])
def test_landmark_methods_do_not_claim_cycle_dates_are_used(lang, claim, said):
    """The data contract has no cycle dates, so the landmark groups always assume cycle k starts at index +
    (k - 1) x cycle length; Methods must say so, not "unless cycle dates are given"."""
    from pipeline.report.methods import methods
    from tests import frames

    cfg = frames.config().model_copy(update={"report": frames.config().report.model_copy(update={"language": lang})})
    assert any(c.accrues_after_index for c in cfg.analysis.comparisons)
    text = " ".join(b.get("text", "") for b in methods(cfg, "derived", {}, lang=lang) if isinstance(b, dict))
    assert claim not in text and said in text


def test_rule_sources_read_as_a_journal_reader_understands_them():
    from pipeline.imwg import rule_list
    from pipeline.report.methods import rules_block

    rows = rules_block(list(rule_list()), "en")["table"].rows
    sources = {r[3] for r in rows}
    assert "IMWG 2016 (Kumar 2016)" in sources and "interpretation where the criteria are ambiguous" in sources
    assert not any("IMWG_RULES.md" in s or "this implementation" in s for s in sources)


def test_the_report_counts_the_unconfirmed_pds(tmp_path):
    """IMWG_RULES.md: the report says how many laboratory PDs went unconfirmed (one at the last assessment,
    counted as PD; one followed by a response, counted as SD)."""
    from tests.trio import make_config as trio_config
    from tests.trio import write_trio

    patients = (
        "patient_id,sex,age,index_date,regimen,prior_lines,cycles,emd,emd_type,last_contact_date\n"
        "P1,M,65,2022-01-10,BRD,2,4,none,,2022-12-01\n"
        "P2,F,58,2022-01-10,BRD,2,4,none,,2022-12-01\n"
        "P3,M,70,2022-01-10,BRD,2,4,none,,2022-12-01\n")
    visits = ("2022-01-05,0", "2022-02-07,1", "2022-03-07,2", "2022-04-04,3")
    serum = {"P1": (30, 10, 10, 16), "P2": (30, 10, 16, 10), "P3": (30, 10, 10, 10)}
    assessments = "patient_id,assessment_date,cycle,serum_m_g_l,serum_ife\n" + "".join(
        f"{pid},{v},{m},positive\n" for pid, ms in serum.items() for v, m in zip(visits, ms, strict=True))
    paths = write_trio(tmp_path / "in", patients, assessments, None)
    folder = run_study(trio_config(paths), tmp_path / "out")
    text = (folder / "report.md").read_text(encoding="utf-8")
    assert "Unconfirmed laboratory PDs in this cohort: 2; patients with one: 2." in text


def test_survival_times_are_listed_in_the_language_of_the_report():
    """Methods: '6, 12 and 24 months' is '6、12、24 个月' in Chinese (was '6, 12, 24 个月')."""
    from pipeline.report.methods import methods
    from tests.trio import make_config

    config = make_config({"patients": "p.csv"}, analysis={"survival_times_months": [6, 12, 24]})
    stats = {lang: next(b["text"] for b in methods(config, "patients", {}, lang=lang) if "Kaplan-Meier" in b.get("text", ""))
             for lang in ("en", "zh")}
    assert "6、12、24 个月" in stats["zh"] and "6, 12, 24 个月" not in stats["zh"]
    assert "6, 12, 24 months" in stats["en"]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_followup_when_every_patient_died_is_not_estimable_not_not_reached(tmp_path, lang):
    """Reverse Kaplan-Meier with no patient censored alive has no event: its median is undefined, and
    'NR months (95% CI NR–NR)' would read as follow-up too long to measure."""
    from pipeline.report.document import Context

    res, config, _ = make_result(tmp_path, language=lang)
    os_ = res.adtte["PARAMCD"] == "OS"
    assert ("not estimable" if lang == "en" else "无法估计") not in Context(res, config, lang).followup_sentence
    res.adtte.loc[os_, "CNSR"] = 0
    said = Context(res, config, lang).followup_sentence
    assert "NR" not in said
    assert ("not estimable" if lang == "en" else "无法估计") in said


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_summary_orr_of_an_empty_population_has_no_dash_ci(tmp_path, lang):
    """Everyone died before cycle 2: the response-evaluable population is empty; the summary says
    0/0 with no patient, not '(—; 95% CI —–—)'."""
    from pipeline.report.document import Context
    from pipeline.report.sections import summary

    res, config, _ = make_result(tmp_path, language=lang)
    ev = (res.rates["endpoint"] == "ORR") & res.rates["population"].str.startswith("response-evaluable")
    res.rates.loc[ev, ["n", "N"]] = 0
    res.rates.loc[ev, ["pct", "ci_low", "ci_high"]] = None
    line = next(s for s in summary(Context(res, config, lang)) if "0/0" in s)
    assert fmt.DASH not in line and ("no patient" if lang == "en" else "无患者") in line


@pytest.mark.parametrize(("lang", "said"), [("en", "1 patient started treatment on 20"),
                                             ("zh", "共 1 例患者于 20")])
def test_a_one_patient_cohort_is_not_called_1_patients(tmp_path, lang, said):
    from pipeline.run import run_study
    from tests.trio import ADVERSE_EVENTS_CSV, ASSESSMENTS_CSV, PATIENTS_CSV, make_config, write_trio

    def first_patient(csv: str) -> str:
        lines = csv.strip().splitlines()
        return "\n".join([lines[0], *[x for x in lines[1:] if x.startswith("P01,")]]) + "\n"

    paths = write_trio(tmp_path / "d", first_patient(PATIENTS_CSV), first_patient(ASSESSMENTS_CSV),
                       first_patient(ADVERSE_EVENTS_CSV))
    folder = run_study(make_config(paths, report={"figures": False, "language": lang}), tmp_path / "out")
    summary = (folder / "report.md").read_text(encoding="utf-8").split("\n## ")[1]
    # not "1 patients started treatment between D and D" / "共 1 例患者于 D 至 D 期间开始治疗"
    assert said in summary and "1 patients" not in summary and "期间开始治疗" not in summary
