"""Confirmation, best response, progression date, relapse from CR (pipeline/imwg/confirm.py).

These tests drive ``confirm`` with categories directly: one patient, assessments 28 days apart.
"""

from __future__ import annotations

import numpy as np
import pytest

from pipeline.imwg.confirm import confirm, describe_patients, relapse_from_cr, response_window
from pipeline.vocab import RESPONSE_ORDER, RESPONSE_RANK

START = np.datetime64("2022-02-07", "ns")
NAT = np.datetime64("NaT", "ns")


def day(i: int) -> np.datetime64:
    return START + np.timedelta64(28 * i, "D")


def run(cats, lab=None, window=None, recorded=NAT, fallback=None, **options):
    """``cats``: categories of one patient's assessments; ``lab``: which rest on lab values (default: all
    MR-or-better and PD)."""
    n = len(cats)
    rank = np.array([RESPONSE_RANK[c] if c else -1 for c in cats], dtype=np.int64)
    if lab is None:
        lab = [c in ("sCR", "CR", "VGPR", "PR", "MR", "PD") for c in cats]
    opts = {"confirm_response": True, "unconfirmed_pd": "count", **options}
    c = confirm(np.zeros(n, dtype=np.int64), np.array([day(i) for i in range(n)]), rank, np.array(lab),
                np.ones(n, bool) if window is None else np.array(window), 1, recorded_progression=np.array([recorded]),
                fallback_evaluable_date=None if fallback is None else np.array([fallback]), **opts)
    return c


def names(ranks) -> list:
    return [RESPONSE_ORDER[r] if r >= 0 else None for r in ranks]


def test_a_pair_confirms_the_worse_of_the_two_at_the_first_date():
    c = run(["VGPR", "PR", "CR"])
    assert names(c.confirmed) == ["PR", "PR", "SD"]
    assert list(c.confirmed_with[:2]) == [day(1), day(2)]
    assert np.isnat(c.confirmed_with[2])
    assert names(c.bor) == ["PR"] and c.bor_row.tolist() == [0]


def test_ne_is_skipped_when_pairing():
    c = run(["PR", "NE", "NE", "PR"])
    assert names(c.confirmed) == ["PR", "NE", "NE", "SD"]
    assert c.confirmed_with[0] == day(3)


def test_response_followed_by_sd_or_pd_is_sd_and_pd_needs_a_second_pd():
    c = run(["PR", "SD", "PR", "PD", "PR", "PD", "PD"])
    assert names(c.confirmed) == ["SD", "SD", "SD", "SD", "SD", "PD", "PD"]
    assert c.derived_progression_date[0] == day(5)
    assert c.pd_confirmed.tolist() == [True]
    assert c.n_unconfirmed_pd.tolist() == [1]
    assert c.counted.tolist() == [True] * 6 + [False]
    assert names(c.bor) == ["SD"]


@pytest.mark.parametrize(("option", "expected", "progression"), [("count", "PD", day(1)), ("ignore", "SD", NAT)])
def test_unconfirmed_pd_at_the_last_assessment(option, expected, progression):
    c = run(["PR", "PD", "NE"], unconfirmed_pd=option)
    assert names(c.confirmed) == ["SD", expected, "NE"]
    assert c.progression_date[0] == progression or (np.isnat(progression) and np.isnat(c.progression_date[0]))
    assert c.n_unconfirmed_pd.tolist() == [1]
    if option == "count":
        assert c.pd_confirmed.tolist() == [False]
        assert "unconfirmed_pd = count" in c.note[1]


def test_categories_from_marrow_or_imaging_need_no_confirmation():
    c = run(["PR", "PD"], lab=[False, False], unconfirmed_pd="ignore")
    assert names(c.confirmed) == ["PR", "PD"]
    assert c.needs_confirmation.tolist() == [False, False]
    assert c.pd_confirmed.tolist() == [True]
    assert c.n_unconfirmed_pd.tolist() == [0]


def test_without_confirmation_single_assessments_count():
    c = run(["PR", "PD", "PR"], confirm_response=False)
    assert names(c.confirmed) == ["PR", "PD", "PR"]
    assert not c.needs_confirmation.any()
    assert c.derived_progression_date[0] == day(1)
    assert "confirm_response = false" in c.note[0]


def test_the_window_limits_pairing_and_counting():
    c = run(["PR", "PR"], window=[True, False])
    assert names(c.confirmed) == ["SD", None]
    assert c.counted.tolist() == [True, False]
    assert names(c.bor) == ["SD"]


def test_recorded_progression_earlier_wins_later_does_not():
    c = run(["PR", "PR", "PD", "PD"], recorded=day(1))
    assert c.progression_date[0] == day(1) and c.progression_source.tolist() == ["recorded"]
    assert c.derived_progression_date[0] == day(2)
    assert c.counted.tolist() == [True, True, False, False]
    c = run(["PR", "PR", "PD", "PD"], recorded=day(3))
    assert c.progression_date[0] == day(2) and c.progression_source.tolist() == ["derived"]
    c = run(["PR", "PR"], recorded=day(5))
    assert c.progression_source.tolist() == ["recorded"]


def test_no_evaluable_assessment_is_ne_and_censoring_falls_back():
    c = run(["NE", "NE"], fallback=START - np.timedelta64(5, "D"))
    assert names(c.bor) == ["NE"]
    assert c.last_evaluable_date[0] == START - np.timedelta64(5, "D")
    c = run(["PR", "PR", "SD", "PD", "PD"])
    assert c.last_evaluable_date[0] == day(2)


def test_invalid_option_is_refused_with_its_value():
    with pytest.raises(ValueError, match="'sometimes'"):
        run(["PR"], unconfirmed_pd="sometimes")


def test_relapse_from_cr_after_a_confirmed_cr_only():
    confirmed = np.array([RESPONSE_RANK[c] for c in ("CR", "VGPR", "VGPR", "PD")])
    dates = np.array([day(i) for i in range(4)])
    signal = np.array([False, True, True, True])
    out = relapse_from_cr(np.zeros(4, np.int64), dates, np.ones(4, bool), confirmed, signal, 1)
    assert out[0] == day(1)
    confirmed = np.array([RESPONSE_RANK[c] for c in ("VGPR", "VGPR", "VGPR", "PD")])
    assert np.isnat(relapse_from_cr(np.zeros(4, np.int64), dates, np.ones(4, bool), confirmed, signal, 1)[0])


def test_response_window():
    d = np.array([day(i) for i in range(4)])
    post = np.array([False, True, True, True])
    ntd = np.full(4, day(2))
    death = np.full(4, NAT)
    assert response_window(post, d, ntd, death).tolist() == [False, True, False, False]  # before new therapy


def test_patient_reasons_report_disagreement():
    c = run(["PR", "PR", "PD", "PD"], recorded=day(1))
    reasons = np.array(["PR: a", "PR: b", "PD: c", "PD: d"], dtype=object)
    bor, prog = describe_patients(c, np.array([day(i) for i in range(4)]), reasons, np.array([day(1)]))
    assert bor[0].startswith("PR at the assessment of 2022-02-07 (PR: a; confirmed by the assessment of 2022-03-07")
    assert prog[0] == ("recorded progression_date 2022-03-07 is earlier than the derived PD of 2022-04-04: "
                       "the recorded date wins (disagreement)")
