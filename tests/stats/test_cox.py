"""Cox proportional-hazards model (one covariate) against R survival 3.5-3's coxph.

Reference values: tests/reference/r_reference.json, made by make_reference.R beside it.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from pipeline.stats import CoxResult, NotComparableError, cox_hr, logrank
from tests.reference import REF_DIR  # noqa: E402

REF = json.loads((REF_DIR / "r_reference.json").read_text(encoding="utf-8"))
MYELOMA = pd.read_csv(REF_DIR / "myeloma_survminer.csv").dropna(subset=["chr1q21_status"])
AMP = (MYELOMA["chr1q21_status"] != "2 copies").astype(int)
SMALL = pd.read_csv(REF_DIR / "small_not_reached.csv")

TOL = 1e-4


def test_gain1q21_efron():
    """R: ``summary(coxph(Surv(time, event) ~ amp, data = mm2, ties = "efron"))``."""
    ref = REF["myeloma_survminer"]["gain1q21_vs_2copies"]["cox_efron"]
    res = cox_hr(MYELOMA["time"], MYELOMA["event"], AMP)
    assert isinstance(res, CoxResult) and res.note is None
    assert res.coef == pytest.approx(ref["coef"], abs=TOL)
    assert res.hr == pytest.approx(ref["hr"], abs=TOL)
    assert res.hr_lower == pytest.approx(ref["hr_lower"], abs=TOL)
    assert res.hr_upper == pytest.approx(ref["hr_upper"], abs=TOL)
    assert res.wald_p == pytest.approx(ref["wald_p"], abs=TOL)
    assert res.score_p == pytest.approx(ref["score_p"], abs=TOL)
    assert (res.n, res.events) == (186, 51)


def test_gain1q21_breslow():
    """R: ``exp(coef(coxph(Surv(time, event) ~ amp, data = mm2, ties = "breslow")))``."""
    ref = REF["myeloma_survminer"]["gain1q21_vs_2copies"]["cox_breslow_hr"]
    res = cox_hr(MYELOMA["time"], MYELOMA["event"], AMP, ties="breslow")
    assert res.hr == pytest.approx(ref, abs=TOL)
    assert res.ties == "breslow"


def test_small_b_vs_a_efron():
    """R: ``summary(coxph(Surv(time, event) ~ group, data = small))`` (B vs A, tied times)."""
    ref = REF["small_not_reached"]["cox_efron_B_vs_A"]
    res = cox_hr(SMALL["time"], SMALL["event"], SMALL["group"] == "B")
    assert res.hr == pytest.approx(ref["hr"], abs=TOL)
    assert res.hr_lower == pytest.approx(ref["lower"], abs=TOL)
    assert res.hr_upper == pytest.approx(ref["upper"], abs=TOL)
    assert res.wald_p == pytest.approx(ref["wald_p"], abs=TOL)


def test_score_test_equals_logrank_without_ties():
    """With distinct times the Cox score test is the log-rank test, and Efron = Breslow."""
    rng = np.random.default_rng(7)
    time = rng.permutation(60) + 1.0
    event = rng.integers(0, 2, 60)
    x = rng.integers(0, 2, 60)
    efron, breslow = cox_hr(time, event, x), cox_hr(time, event, x, ties="breslow")
    assert efron.score_p == pytest.approx(logrank(time, event, x).p, abs=1e-12)
    assert efron.coef == pytest.approx(breslow.coef, abs=1e-12)


def test_no_events_in_one_arm_returns_note():
    """All deaths in arm 1 (R: coef ~ 20 with "coefficient may be infinite"): hr None + note;
    the score test is still defined."""
    res = cox_hr([1, 2, 3, 4, 5, 6], [1, 1, 1, 0, 0, 0], [1, 1, 1, 0, 0, 0])
    assert res.hr is None and res.coef is None and res.hr_lower is None and res.wald_p is None
    assert "infinite" in res.note
    assert 0 < res.score_p < 1


def test_no_events_in_exposed_arm_returns_zero_note():
    res = cox_hr([1, 2, 3, 4, 5, 6], [1, 1, 0, 0, 0, 0], [0, 0, 1, 1, 1, 1])
    assert res.hr is None and "zero" in res.note


@pytest.mark.parametrize(
    ("time", "event", "x"),
    [([1, 2, 3], [0, 0, 0], [0, 1, 0]), ([1, 2, 3], [1, 0, 1], [1, 1, 1]), ([], [], [])],
    ids=["no-events", "single-arm", "empty"],
)
def test_not_comparable(time, event, x):
    with pytest.raises(NotComparableError):
        cox_hr(time, event, x)


def test_bad_ties():
    with pytest.raises(ValueError):
        cox_hr([1, 2], [1, 1], [0, 1], ties="exact")
