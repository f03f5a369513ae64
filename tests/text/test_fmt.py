"""pipeline.text.fmt: the report's number forms and the console forms of compare and runs."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from pipeline.text import fmt


def test_report_forms():
    assert fmt.fmt_measure(12.50) == "12.5" and fmt.fmt_measure(3.0) == "3" and fmt.fmt_measure(None) == fmt.DASH
    assert fmt.fmt_g(7.25) == "7.25" and fmt.fmt_g(11) == "11" and fmt.fmt_g(None) == fmt.DASH
    assert fmt.fmt_prop(0.379) == "37.9" and fmt.fmt_prop(math.nan) == fmt.DASH
    assert fmt.fmt_prop_ci(0.379, 0.207, 0.577) == "37.9 (20.7–57.7)"
    assert fmt.fmt_prop_ci(0.379, None, 0.577) == "37.9" and fmt.fmt_prop_ci(None, 0.1, 0.2) == fmt.DASH
    assert fmt.fmt_date(pd.Timestamp("2021-03-01")) == "2021-03-01" and fmt.fmt_date(pd.NaT) == ""
    assert fmt.fmt_p(0.0004) == "< 0.001" and fmt.fmt_p(None) == fmt.DASH and fmt.fmt_p(None, none="-") == "-"


@pytest.mark.parametrize("value, expected", [(0.0004, "< 0.001"), (0.012, "0.012"), ("0.2", "0.200"),
                                             (None, "-"), ("n/a", "-"), (math.inf, "-"), (True, "-")])
def test_console_p_values_are_printed_as_the_report_prints_them(value, expected):
    assert fmt.plain_p(value) == expected


def test_console_forms():
    assert fmt.number("3.5") == 3.5 and fmt.number("x") is None and fmt.number(math.nan) is None
    assert fmt.plain_num(20.49) == "20.5" and fmt.plain_num(None) == "NR" and fmt.plain_num(None, "-") == "-"
    assert fmt.plain_median_ci(20.5, None, None) == "20.5 (NE-NR)"
    assert fmt.plain_median_ci(None, 11.0, None) == "NR (11.0-NR)"
    assert fmt.plain_rate(11, 29, 37.93, 20.7, 57.7) == "11/29 (37.9%; 20.7-57.7)"
    assert fmt.plain_rate(0, 0, None, None, None) == "0/0"
    assert fmt.plain_hr(0.541, 0.21, 1.384) == "0.54 (0.21-1.38)"
    assert fmt.plain_hr(0.541, None, 1.4) == "0.54" and fmt.plain_hr(None, 0.2, 1.4) == "NE"
