"""Agreement of derived IMWG categories with recorded responses: confusion table, kappa, disagreements."""

from __future__ import annotations

import pandas as pd
import pytest

from pipeline.analysis.agreement import agreement, cohen_kappa


def test_cohen_kappa_hand_computed():
    # 10 items; raters agree on 7. Marginals: a = PR 5, SD 5; b = PR 4, SD 6.
    a = pd.Series(["PR"] * 5 + ["SD"] * 5)
    b = pd.Series(["PR", "PR", "PR", "SD", "SD", "SD", "SD", "SD", "SD", "PR"])
    # po = (3 + 4) / 10 = 0.7; pe = (5*4 + 5*6) / 100 = 0.5; kappa = (0.7 - 0.5) / 0.5 = 0.4
    assert cohen_kappa(a, b) == pytest.approx(0.4)
    assert cohen_kappa(a, a) == pytest.approx(1.0)
    assert cohen_kappa(pd.Series([], dtype=object), pd.Series([], dtype=object)) is None


def test_agreement_lists_exactly_the_disagreeing_assessments():
    adrs = pd.DataFrame({
        "patient_id": ["A", "A", "B", "B", "C"],
        "assessment_date": pd.to_datetime(["2020-01-01", "2020-02-01", "2020-01-01", "2020-02-01", "2020-02-01"]),
        "cycle": [0, 1, 0, 1, 1],
        "response": [None, "PR", None, "SD", "VGPR"],
        "category": [None, "PR", None, "MR", "VGPR"],
        "reason": [None, "r1", None, "r2", "r3"],
    })
    ag = agreement(adrs)
    assert (ag["n"], ag["agree"]) == (3, 2)
    assert ag["pct_agree"] == pytest.approx(200 / 3)
    d = ag["disagreements"]
    assert d[["patient_id", "recorded", "derived"]].values.tolist() == [["B", "SD", "MR"]]
    assert ag["confusion"].loc["SD", "MR"] == 1 and ag["confusion"].loc["PR", "PR"] == 1


def test_no_recorded_responses_gives_no_agreement():
    adrs = pd.DataFrame({"patient_id": ["A"], "assessment_date": pd.to_datetime(["2020-01-01"]),
                         "response": [None], "category": ["PR"]})
    assert agreement(adrs) is None
