"""Median follow-up by reverse Kaplan-Meier against R survival 3.5-3.

Reference values: tests/reference/r_reference.json, made by make_reference.R beside it.
"""

from __future__ import annotations

import json

import pandas as pd
import pytest

from pipeline.stats import Quantile, followup_range, median_followup
from tests.reference import REF_DIR  # noqa: E402

REF = json.loads((REF_DIR / "r_reference.json").read_text(encoding="utf-8"))
MYELOMA = pd.read_csv(REF_DIR / "myeloma_survminer.csv")


def test_reverse_km_matches_r_log_band():
    """R: ``quantile(survfit(Surv(time, 1 - event) ~ 1, data = mm), 0.5, conf.int = TRUE)``
    (R's default conf.type "log")."""
    ref = REF["myeloma_survminer"]["median_followup_reverse_km"]
    assert ref["conf_type"].startswith("log ")
    got = median_followup(MYELOMA["time"], MYELOMA["event"], conf_type="log")
    assert got.estimate == pytest.approx(ref["median"], abs=1e-9)
    assert got.lower == pytest.approx(ref["lower"], abs=1e-9)
    assert got.upper == pytest.approx(ref["upper"], abs=1e-9)


def test_default_band_is_loglog_same_estimate():
    got = median_followup(MYELOMA["time"], MYELOMA["event"])
    assert got.estimate == pytest.approx(40.1, abs=1e-9)
    assert got.lower is not None and got.lower <= got.estimate


def test_hand_worked_reverse_km():
    """Nobody has the event, censored at 1..4: the censoring curve is 3/4, 1/2, 1/4, 0 and sits at
    1/2 on [2, 3) -> median 2.5 (midpoint rule)."""
    assert median_followup([1, 2, 3, 4], [0, 0, 0, 0]).estimate == 2.5


def test_reverse_km_flat_at_end():
    """Censored at 1 and 2, deaths at 3 and 4: the censoring curve is 3/4, then 1/2 from t = 2 to
    the end (t = 4) -> median (2 + 4) / 2 = 3 (findq's end-of-curve rule)."""
    assert median_followup([1, 2, 3, 4], [0, 0, 1, 1]).estimate == 3.0


def test_nobody_censored_means_not_reached():
    assert median_followup([1, 2, 3], [1, 1, 1]) == Quantile(None, None, None)


def test_followup_range():
    assert followup_range(MYELOMA["time"]) == (MYELOMA["time"].min(), MYELOMA["time"].max())
    assert followup_range(pd.Series([30, None, 400], dtype="Int64")) == (30, 400)
    assert followup_range([]) == (None, None)
