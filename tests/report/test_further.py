"""Report and figure for DOR/TTNT/TTR, competing risks and RMST: wording in both languages, CI labels from
conf_level, the 'not reported in the published study' mark, the stacked cumulative-incidence figure."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from pipeline.figures.cuminc import RISK_AXES_LABEL, cuminc_specs, plot_cuminc
from pipeline.report.build import assemble_document, build_report
from pipeline.stats import n_at_risk
from pipeline.vocab import DAYS_PER_MONTH as M
from tests._cohort import make_result

ON = {"endpoints": ["PFS", "OS", "RSD", "TTNT"], "conf_level": 0.9,
      "competing_risks": {"enabled": True, "covariates": ["age"]}, "rmst": {"enabled": True}}


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    return make_result(tmp_path_factory.mktemp("further"), n=30, **ON)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_report_has_the_sections_with_ci_labels_from_conf_level(run, lang):
    res, cfg, _ = run
    html, md = build_report(res, cfg, lang=lang)
    heads = {"en": ["Competing risks: progression and death without progression", "Restricted mean survival time",
                    "Duration of response, time to next treatment and time to response", "Fine-Gray model"],
             "zh": ["竞争风险：疾病进展与无进展死亡", "限制性平均生存时间", "缓解持续时间、至下一次治疗时间与至缓解时间",
                    "Fine-Gray 模型"]}[lang]
    for h in heads:
        assert h in md and h in html
    doc = assemble_document(res, cfg, lang=lang)
    mine = [tb for tb in doc.tables if tb.key in ("cumulative_incidence", "fine_gray", "rmst")]
    assert {tb.key for tb in mine} == {"cumulative_incidence", "fine_gray", "rmst"}
    for tb in mine:
        text = " ".join(tb.columns + tb.footnotes)
        assert "90% CI" in text and "95%" not in text, tb.key


def test_rmst_table_shows_the_difference_on_its_groups_row(run):
    res, cfg, _ = run
    doc = assemble_document(res, cfg, lang="en")
    tb = next(x for x in doc.tables if x.key == "rmst")
    r = next(x for x in res.rmst if x["difference"])
    one = r["difference"]["label"].split(" minus ")[0]
    est = f"{r['difference']['estimate']:.1f}"
    rows = [row for row in tb.rows if row[4].startswith(est)]
    assert rows and all(one.replace(">=", "≥").replace(" ", "") in row[0].replace(" ", "") for row in rows[:1])


def test_not_in_published_study_is_marked(run):
    res, cfg, _ = run
    cfg2 = cfg.model_copy(update={"report": cfg.report.model_copy(update={"not_in_published_study":
                                                                           ["competing_risks", "rmst"]})})
    _, md = build_report(res, cfg2, lang="en")
    assert "rows of the survival tables" not in md  # DOR/TTNT not flagged here
    cfg3 = cfg.model_copy(update={"report": cfg.report.model_copy(update={"not_in_published_study": ["RSD", "TTNT"]})})
    _, md3 = build_report(res, cfg3, lang="en")
    assert "The DOR, TTNT rows of the survival tables and figures were not reported in the published study." in md3
    assert "Not reported in the published study: competing-risks analysis, restricted mean survival time." in md
    assert "Restricted mean survival time (not reported in the published study)" in md
    _, md_plain = build_report(res, cfg, lang="en")
    assert "not reported in the published study" not in md_plain


def test_methods_describe_what_was_run(run):
    res, cfg, _ = run
    _, md = build_report(res, cfg, lang="en")
    assert "Fine-Gray model (R cmprsk::crr" in md and "covariates: age" in md
    assert "pointwise 90% CIs on the log(−log) scale" in md


def test_stacked_figure_numbers_at_risk_and_ci_label(run):
    res, cfg, _ = run
    cs = [c for c in res.competing.curves if c.group_by == "prior_lines"]
    fig = plot_cuminc(cs, res.ticks_months, 0.9, None)
    risk_axes = [ax for ax in fig.axes if ax.get_label() == RISK_AXES_LABEL]
    assert len(risk_axes) == len(cs) == 2
    for ax, c in zip(risk_axes, cs, strict=True):
        shown = [int(t.get_text()) for t in ax.texts]
        ticks = [float(x) for x in res.ticks_months][: len(shown)]
        assert shown == list(n_at_risk(c.time_days, np.array(ticks) * M))
    legend_texts = [t.get_text() for ax in fig.axes if ax.get_legend() for t in ax.get_legend().get_texts()]
    assert "Progression, 90% CI" in legend_texts and not any("95%" in x for x in legend_texts)


def test_one_figure_per_grouping_plus_overall(run):
    res, cfg, _ = run
    specs = cuminc_specs(res, cfg, "en", "en")
    assert [s.name for s in specs][0] == "cif_overall"
    assert {s.group_by for s in specs} == {None} | {c.by for c in cfg.analysis.comparisons
                                                   if any(x.group_by == c.by for x in res.competing.curves)}
    assert all("90% CI" in s.caption for s in specs)


def test_dor_goes_through_the_same_km_and_comparison_code_on_responders_only(run):
    res, cfg, _ = run
    from pipeline.stats import kaplan_meier, km_median

    rsd = res.adtte[res.adtte["PARAMCD"] == "RSD"]
    assert len(rsd) > 0
    overall = res.survival[(res.survival["endpoint"] == "RSD") & res.survival["group_by"].isna()].iloc[0]
    fit = kaplan_meier(rsd["AVAL"], 1 - rsd["CNSR"])
    med = km_median(fit).estimate
    assert overall["n"] == len(rsd) and overall["events"] == int((rsd["CNSR"] == 0).sum())
    assert (overall["median"] is None and med is None) or overall["median"] == pytest.approx(med / M)
    comp = res.comparisons[(res.comparisons["endpoint"] == "RSD") & (res.comparisons["group_by"] == "prior_lines")]
    assert int(comp["n"].iloc[0]) == len(rsd)


@pytest.mark.parametrize(("lang", "want"), [
    ("en", ["Age, years", "Prior lines of therapy ≥ 3 vs < 3", "Extramedullary disease: Yes", "EMD type: Soft tissue"]),
    ("zh", ["年龄（岁）", "既往治疗线数 ≥ 3 vs < 3", "髓外病变：是"]),
])
def test_fine_gray_terms_read_as_the_cox_terms_do(lang, want):
    """The Fine-Gray table printed the design's column names (age, prior_lines≥3, emd_anyyes); the terms carry
    their covariate and level (``fine_gray_design``), as the Cox terms do."""
    from pipeline.report.further import fine_gray_term

    terms = [{"term": "age", "covariate": "age", "level": None, "reference": None},
             {"term": "prior_lines>=3", "covariate": "prior_lines", "level": None, "reference": None},
             {"term": "emd_anyyes", "covariate": "emd_any", "level": "yes", "reference": "no"},
             {"term": "emd_typesoft_tissue", "covariate": "emd_type", "level": "soft_tissue",
              "reference": "paraskeletal"}]
    assert [fine_gray_term(x, lang) for x in terms[: len(want)]] == want


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_ttnt_without_any_new_therapy_date_is_said_to_be_os(run, lang):
    """With no new_therapy_date in the export every TTNT event is a death: the report says TTNT equals OS
    (the bundled replica showed TTNT figures identical to the OS ones without a word)."""
    res, cfg, _ = run
    said = {"en": "TTNT here is the same as OS", "zh": "TTNT 与 OS 相同"}[lang]
    assert res.adsl["new_therapy_date"].isna().all()  # the test cohort records none
    _, md = build_report(res, cfg, lang=lang)
    assert said in md
    one = res.adsl.copy()
    one.loc[one.index[0], "new_therapy_date"] = pd.Timestamp("2023-01-15")
    _, md = build_report(replace(res, adsl=one), cfg, lang=lang)
    assert said not in md
