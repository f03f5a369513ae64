"""Log-rank test against R survival 3.5-3's survdiff (rho = 0).

Reference values: tests/reference/r_reference.json, made by make_reference.R beside it.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from pipeline.stats import LogRank, NotComparableError, logrank
from tests.reference import REF_DIR  # noqa: E402

REF = json.loads((REF_DIR / "r_reference.json").read_text(encoding="utf-8"))
MYELOMA = pd.read_csv(REF_DIR / "myeloma_survminer.csv").dropna(subset=["chr1q21_status"])
SMALL = pd.read_csv(REF_DIR / "small_not_reached.csv")

TOL = 1e-6


def test_logrank_chr1q21_three_groups():
    """R: ``survdiff(Surv(time, event) ~ chr1q21_status, data = mm2)`` (3 groups, df 2)."""
    ref = REF["myeloma_survminer"]["logrank_chr1q21"]
    res = logrank(MYELOMA["time"], MYELOMA["event"], MYELOMA["chr1q21_status"])
    assert isinstance(res, LogRank)
    assert res.groups == tuple(g.split("=", 1)[1] for g in ref["groups"])
    assert res.df == ref["df"] == 2
    assert res.chisq == pytest.approx(ref["chisq"], abs=TOL)
    assert res.p == pytest.approx(ref["p"], abs=TOL)
    np.testing.assert_allclose(res.observed, ref["observed"], atol=TOL, rtol=0)
    np.testing.assert_allclose(res.expected, ref["expected"], atol=TOL, rtol=0)
    assert res.n == (93, 55, 38)


def test_logrank_gain1q21_vs_2copies():
    """R: ``survdiff(Surv(time, event) ~ amp, data = mm2)``, amp = status != "2 copies"."""
    ref = REF["myeloma_survminer"]["gain1q21_vs_2copies"]
    amp = (MYELOMA["chr1q21_status"] != "2 copies").astype(int)
    res = logrank(MYELOMA["time"], MYELOMA["event"], amp)
    assert res.groups == (0, 1) and res.df == 1
    assert res.chisq == pytest.approx(ref["logrank_chisq"], abs=TOL)
    assert res.p == pytest.approx(ref["logrank_p"], abs=TOL)


def test_logrank_small_not_reached():
    """R: ``survdiff(Surv(time, event) ~ group, data = small)`` (tied times, B not reached)."""
    ref = REF["small_not_reached"]["logrank"]
    res = logrank(SMALL["time"], SMALL["event"], SMALL["group"])
    assert res.groups == ("A", "B")
    assert res.chisq == pytest.approx(ref["chisq"], abs=TOL)
    assert res.p == pytest.approx(ref["p"], abs=TOL)
    np.testing.assert_allclose(res.observed, ref["observed"], atol=TOL, rtol=0)
    np.testing.assert_allclose(res.expected, ref["expected"], atol=TOL, rtol=0)


def test_group_with_one_patient_hand_worked():
    """Group b has a single patient. t=1: n=4 (3a, 1b), one a-death: E_b += 1/4, V += 3/16;
    t=2: n=3 (2a, 1b), one a-death: E_b += 1/3, V += 2/9; t=4: b alone dies: E_b += 1, no variance.
    O_b - E_b = -7/12, V = 59/144, chisq = 49/59."""
    res = logrank([1, 2, 3, 4], [1, 1, 0, 1], ["a", "a", "a", "b"])
    assert res.chisq == pytest.approx(49 / 59, abs=1e-12)
    np.testing.assert_allclose(res.expected, [17 / 12, 19 / 12])
    assert res.observed == (2.0, 1.0)
    assert res.n == (3, 1)


def test_single_group_is_not_comparable():
    """R: survdiff refuses one group; we raise NotComparableError (a ValueError) with the reason."""
    with pytest.raises(NotComparableError, match="at least two groups"):
        logrank([1, 2, 3], [1, 0, 1], ["x", "x", "x"])


def test_empty_group_after_missing_values_is_not_comparable():
    """The only patient of group b has a missing time: one group remains."""
    with pytest.raises(NotComparableError):
        logrank([1, 2, None], [1, 0, 1], ["a", "a", "b"])


def test_no_events_is_not_comparable():
    """No events: every expected count is 0, R reports no test; we raise."""
    with pytest.raises(NotComparableError, match="expected"):
        logrank([1, 2, 3, 4], [0, 0, 0, 0], ["a", "b", "a", "b"])


def test_not_comparable_is_a_value_error():
    assert issubclass(NotComparableError, ValueError)


def test_categorical_groups_keep_category_order():
    """Groups of a pandas Categorical come in category order; unused categories are ignored."""
    group = pd.Categorical(["low", "high", "low", "high"], categories=["low", "high", "unused"])
    res = logrank([1, 2, 3, 4], [1, 1, 0, 1], group)
    assert res.groups == ("low", "high")
