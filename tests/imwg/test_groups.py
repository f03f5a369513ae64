"""Group-wise array helpers (pipeline/imwg/groups.py): patients 0 and 1, rows sorted by patient."""

from __future__ import annotations

import numpy as np

from pipeline.imwg import groups

CODES = np.array([0, 0, 0, 1, 1])


def test_previous_and_starts():
    assert groups.group_starts(CODES).tolist() == [True, False, False, True, False]
    assert groups.previous_in_group(np.array([1, 2, 3, 4, 5]), CODES, -1).tolist() == [-1, 1, 2, -1, 4]


def test_running_min_before_skips_missing_and_excluded_rows():
    x = np.array([3.0, np.nan, 1.0, 5.0, 6.0])
    out = groups.running_min_before(x, CODES, np.array([True, True, True, False, True]))
    assert np.array_equal(out, [np.nan, 3.0, 3.0, np.nan, np.nan], equal_nan=True)


def test_carried_forward_and_cumulative():
    x = np.array([1.0, np.nan, np.nan, np.nan, 2.0])
    out = groups.carried_forward(x, CODES, np.array([True, True, True, True, True]))
    assert np.array_equal(out, [1.0, 1.0, 1.0, np.nan, 2.0], equal_nan=True)
    out = groups.carried_forward(x, CODES, np.array([False, True, True, True, True]))
    assert np.isnan(out[:4]).all()
    flag = np.array([False, True, False, False, False])
    assert groups.cumulative_any(flag, CODES).tolist() == [False, True, True, False, False]
    assert groups.any_before(flag, CODES).tolist() == [False, False, True, False, False]


def test_first_last_next_and_count():
    mask = np.array([False, True, True, True, False])
    assert groups.first_where(mask, CODES, 3).tolist() == [1, 3, -1]
    assert groups.last_where(mask, CODES, 3).tolist() == [2, 3, -1]
    assert groups.next_where(mask, CODES).tolist() == [-1, 2, -1, -1, -1]
    assert groups.count_where(mask, CODES, 3).tolist() == [2, 1, 0]
    assert groups.take(np.array([10, 20, 30, 40, 50]), np.array([4, -1]), 0).tolist() == [50, 0]


def test_empty_input():
    empty = np.array([], dtype=np.int64)
    assert groups.first_where(np.array([], bool), empty, 2).tolist() == [-1, -1]
    assert groups.next_where(np.array([], bool), empty).tolist() == []
    assert groups.running_min_before(np.array([]), empty, np.array([], bool)).tolist() == []
