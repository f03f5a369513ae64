"""What a clinician reads in the report tables: one language, one dash, no 'NR' for an empty group (figaudit)."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from pipeline.analysis.survival import compare
from pipeline.figures.flow import FlowStep
from pipeline.report.literature import literature_sentence, literature_table
from pipeline.report.tables import comparison_display, flow_table
from pipeline.text.i18n import t


def test_chinese_flow_table_joins_the_box_lines_without_a_space():
    steps = [FlowStep("export", t("flow_export", "zh"), 12, t("flow_after_cutoff", "zh"), 0),
             FlowStep("evaluable", t("flow_evaluable", "zh", k=2), 11)]
    rows = flow_table(steps, "zh").rows
    assert rows[0][2] == "排除：截止日期后才开始治疗（n = 0）"
    assert rows[1][0] == "可评估疗效（≥2 个周期）"
    en = flow_table([FlowStep("export", t("flow_export", "en"), 12, t("flow_after_cutoff", "en"), 0)], "en").rows
    assert en[0][2] == "Excluded: treatment started after the cut-off (n = 0)"


def _comparison(lang: str):
    """DOR by cycles: nobody with < 3 cycles responded (the bundled replica's case), so nothing is compared."""
    t_ = np.array([30.0, 60, 90, 120])
    e = np.array([1, 0, 1, 0])
    comp = compare(t_, e, pd.Series([">= 3"] * 4), ">= 3", 0.95)
    comps = pd.DataFrame([comp | {"endpoint": "RSD", "group_by": "cycles"}])
    surv = pd.DataFrame([
        {"endpoint": "RSD", "group_by": "cycles", "group": "< 3", "n": 0, "events": 0, "median": None,
         "median_ci_low": None, "median_ci_high": None},
        {"endpoint": "RSD", "group_by": "cycles", "group": ">= 3", "n": 4, "events": 2, "median": 2.96,
         "median_ci_low": 0.99, "median_ci_high": None}])
    return comparison_display("cycles", "Cycles received", surv, comps, lang, "95")


def test_comparison_table_of_an_empty_group_and_its_note_read_in_the_language():
    for lang in ("en", "zh"):
        tab = _comparison(lang)
        assert tab.rows[0][4] == "—"  # no 'NR (NR–NR)' for a group without patients
        assert not any(">= 3" in n for n in tab.footnotes)
    zh = _comparison("zh").footnotes[-1]
    assert zh == "缓解持续时间：未比较（有患者的组少于两个）。"
    assert not re.search(r"[A-Za-z]{4,}", zh)


def _lit():
    s = {"name": "BRd", "regimen": None, "responders": 45, "n": 50, "responders_from_pct": False, "orr": 0.9,
         "ci_low": 0.782, "ci_high": 0.967, "median_pfs_months": None, "median_os_months": None, "reference": None,
         "pct_not_reproducible": False}
    return {"conf_level": 0.95, "studies": [s], "pooled": {"k": 1, "estimate": 0.9, "ci_low": 0.78, "ci_high": 0.97,
                                                          "I2": 0.0},
            "cohort": {"population": "all treated", "responders": 11, "n": 29, "orr": 0.379, "ci_low": 0.207,
                       "ci_high": 0.577, "median_pfs_months": None, "median_os_months": None}}


def test_literature_intervals_use_the_en_dash_of_every_other_interval():
    tab = literature_table(_lit(), "en")
    assert [r[3] for r in tab.rows] == ["90.0 (78.2–96.7)", "90.0 (78.0–97.0)", "37.9 (20.7–57.7)"]
    for lang in ("en", "zh"):
        assert "20.7–57.7%" in literature_sentence(_lit(), lang)
