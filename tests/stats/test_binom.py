"""Clopper-Pearson intervals against R's binom.test.

Reference values: tests/reference/r_reference.json, made by make_reference.R beside it.
"""

from __future__ import annotations

import json

import pytest

from pipeline.stats import clopper_pearson
from tests.reference import REF_DIR  # noqa: E402

REF = json.loads((REF_DIR / "r_reference.json").read_text(encoding="utf-8"))
CASES = REF["clopper_pearson"]


@pytest.mark.parametrize("case", CASES, ids=[f"{c['x']}of{c['n']}" for c in CASES])
def test_clopper_pearson_matches_r(case):
    """R: ``100 * binom.test(x, n)$conf.int`` (JSON holds percentages)."""
    low, high = clopper_pearson(case["x"], case["n"])
    assert 100 * case["x"] / case["n"] == pytest.approx(case["pct"], abs=1e-9)
    assert 100 * low == pytest.approx(case["lower"], abs=1e-9)
    assert 100 * high == pytest.approx(case["upper"], abs=1e-9)


def test_zero_population():
    """An empty population has no interval (reported as such, not NaN)."""
    assert clopper_pearson(0, 0) == (None, None)


def test_limits_are_exact_at_the_edges():
    assert clopper_pearson(0, 5)[0] == 0.0
    assert clopper_pearson(5, 5)[1] == 1.0


def test_numpy_integers_accepted():
    import numpy as np

    assert clopper_pearson(np.int64(11), np.int64(29)) == clopper_pearson(11, 29)


@pytest.mark.parametrize(
    ("x", "n"), [(3, 2), (-1, 5), (1.5, 4), (1, -1)], ids=["x>n", "x<0", "fraction", "n<0"]
)
def test_invalid(x, n):
    with pytest.raises(ValueError):
        clopper_pearson(x, n)
