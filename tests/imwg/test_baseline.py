"""Baseline selection, measurable disease, involved chain and dFLC (pipeline/imwg/baseline.py)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from pipeline.imwg.baseline import (
    dflc,
    establish_baseline,
    followed_measures,
    ge,
    involved_chain,
    select_baseline,
    treatment_rows,
    with_ife_zero,
)
from pipeline.imwg.prepare import prepare

D = np.datetime64
NAT = np.datetime64("NaT", "ns")


def dates(*days: int) -> np.ndarray:
    return (D("2022-01-10") + np.array(days, dtype="timedelta64[D]")).astype("datetime64[ns]")


def pick(days, cycles, window=30) -> list[bool]:
    n = len(days)
    index = np.full(n, D("2022-01-10"), dtype="datetime64[ns]")
    return select_baseline(np.zeros(n, dtype=np.int64), dates(*days), np.array(cycles, dtype=float), index,
                           window, 1).tolist()


def test_baseline_is_the_last_assessment_within_the_window_before_index():
    assert pick([-20, -3, 0, 28], [np.nan] * 4) == [False, False, True, False]
    assert pick([-40, 28], [np.nan, np.nan]) == [False, False]
    assert pick([-40, 28], [np.nan, np.nan], window=60) == [True, False]


def test_cycle_0_wins_over_the_window():
    assert pick([-40, -3, 28], [0, np.nan, 1]) == [True, False, False]
    assert pick([-10, -5, 28], [0, 0, 1]) == [False, True, False]


def test_treatment_rows_are_after_baseline_and_index():
    d = dates(-10, -3, 0, 28)
    is_base = np.array([True, False, False, False])
    bdate = np.full(4, d[0])
    index = np.full(4, D("2022-01-10"), dtype="datetime64[ns]")
    assert treatment_rows(d, is_base, bdate, index).tolist() == [False, False, False, True]
    # without baseline: everything after index_date
    assert treatment_rows(d, np.zeros(4, bool), np.full(4, NAT), index).tolist() == [False, False, False, True]


def test_ge_tolerates_rounding_but_not_more():
    assert 7 / 10 - 2 / 10 < 0.5  # 7 g/L - 2 g/L in g/dL
    assert ge(np.array([7 / 10 - 2 / 10]), 0.5).tolist() == [True]
    assert ge(np.array([0.4999]), 0.5).tolist() == [False]
    assert ge(np.array([np.nan]), 0.5).tolist() == [False]


def test_with_ife_zero():
    v, imputed = with_ife_zero(np.array([np.nan, np.nan, 5.0, np.nan]), np.array([0.0, 1.0, 0.0, np.nan]))
    assert np.array_equal(v, [0.0, np.nan, 5.0, np.nan], equal_nan=True)
    assert imputed.tolist() == [True, False, False, False]


@pytest.mark.parametrize(("myeloma_type", "ratio", "expected"), [
    ("kappa", 0.1, "kappa"),          # light-chain myeloma: the typed chain
    ("lambda", np.nan, "lambda"),
    ("IgG-lambda", 3.0, "kappa"),     # heavy chain: the ratio decides
    ("IgG-kappa", 1.0, "kappa"),      # normal ratio: the chain in the type
    ("IgG", 1.0, None),
    (None, 0.1, "lambda"),
    ("nonsecretory", np.nan, None),
])
def test_involved_chain(myeloma_type, ratio, expected):
    assert involved_chain(np.array([myeloma_type], dtype=object), np.array([ratio])).tolist() == [expected]


def test_dflc_is_involved_minus_uninvolved_never_absolute():
    chain = np.array(["kappa", "lambda", "lambda", None], dtype=object)
    out = dflc(np.array([250.0, 10.0, 300.0, 5.0]), np.array([8.0, 200.0, 20.0, 1.0]), chain)
    assert np.array_equal(out, [242.0, 190.0, -280.0, np.nan], equal_nan=True)


def follow(serum=np.nan, urine=np.nan, kappa=np.nan, lam=np.nan, chain=None, marrow=np.nan, spd=np.nan, has=True):
    f, plasma, reason = followed_measures(np.array([has]), np.array([serum]), np.array([urine]), np.array([kappa]),
                                          np.array([lam]), np.array([chain], dtype=object), np.array([marrow]),
                                          np.array([spd]))
    return f[0], bool(plasma[0]), reason[0]


def test_measurable_disease_hierarchy():
    assert follow(serum=1.0, urine=200)[0] == "serum+urine"
    assert follow(serum=1.0, urine=199)[0] == "serum"
    assert follow(serum=0.99, urine=200)[0] == "urine"
    assert follow(serum=0.5, kappa=150, lam=10, chain="kappa", marrow=50)[0] == "dflc"
    # involved FLC >= 100 but a ratio normal or pointing the other way is not measurable
    assert follow(kappa=150, lam=120, chain="kappa", marrow=50)[0] == "marrow"
    assert follow(kappa=150, lam=10, chain="lambda", marrow=50)[0] == "marrow"
    assert follow(kappa=99, lam=1, chain="kappa", marrow=29)[0] == "none"
    assert follow(serum=3.0, has=False)[0] == "none"


def test_reasons_and_plasmacytoma_flag():
    f, plasma, reason = follow(serum=0.8, urine=150, kappa=250, lam=8, chain="kappa", spd=12.0)
    assert (f, plasma) == ("dflc", True)
    assert reason.startswith("no measurable M-protein; involved FLC >= 100 mg/L with an abnormal ratio (")
    assert "dFLC 242 mg/L" in reason and "plasmacytoma SPD 12 cm2" in reason
    assert follow(serum=0.5)[2].startswith("nothing measurable at baseline")
    assert follow(has=False)[2] == "no baseline assessment: response not evaluable by measurements"


def test_establish_baseline_on_a_table():
    p = pd.DataFrame({"patient_id": ["A", "B"], "index_date": pd.to_datetime(["2022-01-10", "2022-01-10"]),
                      "myeloma_type": ["IgG-kappa", "lambda"]})
    a = pd.DataFrame({
        "patient_id": ["A", "A", "B", "B"],
        "assessment_date": pd.to_datetime(["2022-02-07", "2022-01-05", "2021-11-01", "2022-02-07"]),
        "serum_m_g_l": [15.0, 30.0, np.nan, np.nan], "serum_ife": ["positive", "negative", None, None],
        "flc_kappa_mg_l": [np.nan, np.nan, 10.0, 9.0], "flc_lambda_mg_l": [np.nan, np.nan, 400.0, 200.0],
    })
    prep = prepare(p, a)
    b = establish_baseline(prep, 30)
    assert b.has_baseline.tolist() == [True, False]  # B's only earlier assessment is outside the window
    assert b.followed_by.tolist() == ["serum", "none"]
    assert b.serum.tolist()[0] == 3.0
    assert b.chain.tolist() == ["kappa", "lambda"]
    assert b.post.tolist() == [False, True, False, True]  # rows sorted: A-01-05, A-02-07, B-11-01, B-02-07
