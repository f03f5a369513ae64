"""Table 1 summaries: Shapiro-Wilk choice, quartiles (R type 7), FISH over number tested."""

from __future__ import annotations

import pandas as pd
import pytest
from scipy import stats

from pipeline.analysis.table1 import (
    fish_label,
    format_continuous,
    myeloma_group,
    summarize_continuous,
    table1,
)


def test_normal_looking_variable_is_mean_sd():
    x = pd.Series([50.0, 55, 60, 62, 65, 70, 58, 61])
    s = summarize_continuous(x)
    assert s["shapiro_p"] == pytest.approx(stats.shapiro(x).pvalue)
    assert s["shapiro_p"] >= 0.05 and s["summary"] == "mean_sd"
    assert format_continuous(s) == f"{x.mean():.2f} ± {x.std(ddof=1):.2f}"


def test_skewed_variable_is_median_iqr_with_type7_quartiles():
    x = pd.Series([1.0, 1, 1, 2, 2, 3, 4, 50, 90, 200.5, None])
    s = summarize_continuous(x)
    assert s["summary"] == "median_iqr" and s["missing"] == 1 and s["n"] == 10
    # R: quantile(c(1,1,1,2,2,3,4,50,90,200.5), c(.25,.5,.75)) -> 1.25, 2.5, 38.5
    assert (s["q1"], s["median"], s["q3"]) == (1.25, 2.5, 38.5)
    assert format_continuous(s) == "2.50 (1.25, 38.50)"


def test_myeloma_group_drops_the_light_chain_of_heavy_chain_types():
    assert myeloma_group(pd.Series(["IgG-kappa", "kappa", None, "IgA"])).tolist() == ["IgG", "kappa", None, "IgA"]


def test_fish_markers_are_over_the_number_tested():
    adsl = pd.DataFrame({
        "patient_id": list("ABCD"), "sex": ["M", "F", "M", "M"],
        "fish_gain1q21": ["positive", "negative", None, None],
        "fish_t4_14": ["negative", "positive", None, None],
        "fish_tested": [True, True, False, pd.NA],
        "high_risk_fish": ["no", "yes", None, None],
    })
    t = table1(adsl)
    tested = t[t["variable"] == "fish_tested"].iloc[0]
    assert (tested["n"], tested["N"]) == (2, 4)
    gain = t[t["variable"] == "fish_gain1q21"].iloc[0]
    assert (gain["n"], gain["N"], gain["value"]) == (1, 2, "1 (50.0%)")
    hr = t[t["variable"] == "high_risk_fish"].iloc[0]
    assert (hr["n"], hr["N"]) == (1, 2)
    sex = t[t["variable"] == "sex"].set_index("level")
    assert sex.loc["M", "value"] == "3 (75.0%)"


@pytest.mark.parametrize(("column", "label"), [
    ("fish_t4_14", "t(4;14)"), ("fish_del17p", "del(17p)/TP53"),  # named markers
    ("fish_t4_11", "t(4;11)"), ("fish_del1p", "del(1p)"), ("fish_gain1q", "1q gain"), ("fish_myc", "myc"),
])
def test_extra_fish_markers_get_a_readable_label(column, label):
    assert fish_label(column) == label


def test_whole_number_variables_print_without_trailing_zeros():
    # prior lines 2, 2, 3, 4, 4, 4, 5, 6, 6, 8, 9, 12: skewed enough for median (Q1, Q3)
    s = summarize_continuous(pd.Series([2, 2, 3, 4, 4, 4, 5, 6, 6, 8, 9, 30]))
    assert s["integer"] and s["summary"] == "median_iqr"
    # R: quantile(c(2,2,3,4,4,4,5,6,6,8,9,30), c(.25,.5,.75)) -> 3.75, 4.5, 6.5
    assert format_continuous(s) == "4.5 (3.75, 6.5)"
    lab = summarize_continuous(pd.Series([1.0, 1, 1, 2, 2, 3, 4, 50, 90, 200.5]))
    assert not lab["integer"] and format_continuous(lab) == "2.50 (1.25, 38.50)"


def test_categories_are_percent_of_all_patients_with_missing_counted():
    """The report's footnote says "n (%) of all patients": 2 M of 5 patients (one sex missing) is 40.0%, not
    2 of the 4 with a value (50.0%); the missing patient is counted on the variable's rows."""
    adsl = pd.DataFrame({"patient_id": list("ABCDE"), "sex": ["M", "F", "M", "F", None]})
    sex = table1(adsl)[lambda t: t["variable"] == "sex"].set_index("level")
    assert sex.loc["M", "value"] == "2 (40.0%)" and sex.loc["M", "N"] == 5
    assert sex.loc["M", "missing"] == 1
