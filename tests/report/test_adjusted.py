"""The adjusted analyses in the report (both languages), the output tables and the figures."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from pipeline.analysis.results import output_tables, results_json
from pipeline.cutoff import CutoffReport
from pipeline.figures.adjusted import cox_forest, plot_zph, subgroup_forest
from pipeline.figures.catalogue import plan_figures
from pipeline.report.build import assemble_document, render_markdown
from tests._cohort import make_result

MODELS = {"endpoints": ["PFS", "OS"], "covariates": [{"name": "age", "per": 10}, {"name": "sex", "reference": "F"}],
          "ties": "breslow"}


def _run(tmp_path, lang="en", level=0.9):
    return make_result(tmp_path, n=40, language=lang, level="patients", conf_level=level, models=MODELS,
                       table1_by="prior_lines", subgroups={"comparison": "prior_lines", "by": ["sex"]})


def test_report_sections_and_ci_labels_follow_conf_level(tmp_path):
    res, config, _ = _run(tmp_path)
    md = render_markdown(assemble_document(res, config))
    assert "Cox regression of Progression-free survival" in md
    assert "Univariable HR (90% CI)" in md and "Multivariable HR (90% CI)" in md
    assert "95% CI)" not in md.split("### Cox regression")[1].split("### Subgroup")[0]
    assert "Proportional-hazards test" in md and "Baseline characteristics by prior lines" in md
    assert "Breslow method for tied times" in md and "Subgroup analysis" in md
    tables = output_tables(res)
    assert {"cox_regression", "cox_models", "ph_test", "table1_by_group", "subgroups"} <= set(tables)
    js = results_json(res, config, CutoffReport("2023-01-01").as_dict())
    assert {m["kind"] for m in js["cox_models"]} == {"univariable", "multivariable"}
    assert all(m["ties"] == "breslow" for m in js["cox_models"])


def test_chinese_report(tmp_path):
    res, config, _ = _run(tmp_path, lang="zh")
    md = render_markdown(assemble_document(res, config))
    assert "单因素 HR（90% CI）" in md and "比例风险假定检验" in md and "亚组分析" in md
    assert "校正分析" in md


def test_figures_are_planned_and_drawn(tmp_path):
    res, config, _ = _run(tmp_path)
    specs, _ = plan_figures(res, config)
    names = {s.name for s in specs}
    assert {"cox_forest_adjusted", "subgroup_forest_PFS", "subgroup_forest_OS"} <= names
    adj = res.adjusted
    fig = cox_forest(adj["cox_models"], lang="en", conf_level=0.9)
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert "HR (90% CI)" in texts
    sub = subgroup_forest(adj["subgroups"], "PFS", lang="zh", conf_level=0.9)
    assert any("交互作用 P" in t.get_text() for t in sub.axes[0].texts)


def test_zph_plot_draws_residuals():
    from pipeline.analysis.models import ZphPlot

    rng = np.random.default_rng(0)
    z = ZphPlot("OS", "age", np.sort(rng.uniform(0, 0.8, 40)), rng.normal(size=40), 0.1, 0.01)
    fig = plot_zph(z, lang="en")
    ax = fig.axes[0]
    assert len(ax.collections[0].get_offsets()) == 40 and "p = 0.010" in ax.get_title(loc="left")


def test_issue_yaml_runs_and_strata_are_reported(tmp_path):
    """The YAML of the issue (comparison cycles, subgroups incl. prior_lines via its comparison
    threshold), plus strata: the stratified log-rank table appears."""
    models = {"endpoints": ["PFS", "OS"], "ties": "efron", "strata": "sex",
              "covariates": [{"name": "age", "per": 10}, {"name": "prior_lines", "threshold": 3},
                             {"name": "emd_any"}]}
    res, config, _ = make_result(tmp_path, n=40, level="patients", models=models, table1_by="cycles",
                                 subgroups={"comparison": "cycles", "by": ["sex", "emd_any", "prior_lines"]})
    md = render_markdown(assemble_document(res, config))
    assert "Stratified log-rank tests (strata: Sex)" in md and "stratified by Sex" in md
    subs = {r["subgroup"] for r in res.adjusted["subgroups"]}
    assert subs == {"sex", "emd_any", "prior_lines"}
    pl = next(r for r in res.adjusted["subgroups"] if r["subgroup"] == "prior_lines")
    assert [lv["level"] for lv in pl["levels"]] == ["< 3", ">= 3"]


@pytest.mark.parametrize(("lang", "label"), [("en", "ISS stage: missing"), ("zh", "ISS 分期：缺失")])
def test_table1_by_display_names_the_missing_row(lang, label):
    from pipeline.report.adjusted_tables import table1_by_display

    tab = pd.DataFrame([
        {"variable": "iss_stage", "label": "ISS stage", "level": "I", "missing": False, "<70": "1 (33.3%)",
         ">=70": "0 (0.0%)", "p": 0.4, "test": "fisher"},
        {"variable": "iss_stage", "label": "ISS stage", "level": None, "missing": True, "<70": "1", ">=70": "1",
         "p": None, "test": None}])
    d = table1_by_display(tab, "age_group", None, lang)
    assert len(d.columns) == 5 and [r[1:3] for r in d.rows] == [["1 (33.3%)", "0 (0.0%)"], ["1", "1"]]
    assert d.rows[1][0] == label
