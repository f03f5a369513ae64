"""Categorical reason text (pipeline/imwg/text.py ``Text``): the same words as the string functions,
made once per distinct combination."""

from __future__ import annotations

import numpy as np
import pytest

from pipeline.imwg import text
from pipeline.imwg.text import Text, choose, concat, day, join_text, number


@pytest.mark.parametrize(("decimals", "signed"), [(0, False), (0, True), (1, False), (2, False), (2, True)])
def test_numbers_are_worded_as_format_does(decimals, signed):
    rng = np.random.default_rng(decimals)
    x = np.concatenate([rng.normal(0, 1, 5000) * 10.0 ** rng.integers(-4, 9, 5000),
                        [0.0, -0.0, 0.5, -0.5, 2.675, 1.005, -0.004, 9.995, 1e15, -3e17, np.nan, np.inf]])
    spec = f"+.{decimals}f" if signed else f".{decimals}f"
    want = ["NA" if not np.isfinite(v) else text._trim(format(np.round(v, decimals) + 0.0, spec)) for v in x]
    assert number(x, decimals, signed).strings().tolist() == want
    assert text.fmt_num(x, decimals, signed).tolist() == want


def test_dates():
    d = np.array(["2022-01-05", "NaT", "2022-01-05T13:00"], dtype="datetime64[ns]")
    assert day(d).strings().tolist() == text.fmt_date(d).tolist() == ["2022-01-05", "NA", "2022-01-05"]


def test_concat_and_choose_match_the_string_functions():
    rng = np.random.default_rng(7)
    v, b = rng.integers(0, 5, 300).astype(float), rng.integers(1, 4, 300).astype(float)
    mask = rng.random(300) < 0.5
    got = concat("v ", number(v, 0), " of ", number(b, 0), choose(mask, concat(" (", number(v / b, 1), ")"), "."))
    want = text.cat("v ", text.fmt_num(v, 0), " of ", text.fmt_num(b, 0),
                    np.where(mask, text.cat(" (", text.fmt_num(v / b, 1), ")"), "."))
    assert got.strings().tolist() == want.tolist()


def test_words_are_made_once_per_distinct_combination():
    n = 10_000
    t = concat("a", number(np.arange(n) % 2, 0), "b", number(np.arange(n) % 3, 0))
    assert len(t.labels) == 6 and sorted(set(t.strings())) == ["a0b0", "a0b1", "a0b2", "a1b0", "a1b1", "a1b2"]


def test_join_text_builds_each_part_only_for_its_rows():
    seen = []

    def build(i):
        seen.append(i.tolist())
        return concat("row ", number(i, 0))

    out = join_text(4, [(np.array([True, False, True, False]), "first"),
                        (np.array([True, True, False, False]), build),
                        (np.array([False, False, True, False]), Text.of(np.array(["x", "y", "z", "w"])))])
    assert out.strings().tolist() == ["first; row 0", "row 1", "first; z", ""]
    assert seen == [[0, 1]]
    with pytest.raises(ValueError, match="2 rows"):
        join_text(3, [(np.array([True, False, False]), lambda i: Text.const("x", 2))])


def test_join_text_matches_join_on_random_masks():
    rng = np.random.default_rng(3)
    n = 500
    parts = [(rng.random(n) < p, f"w{k}") for k, p in enumerate((0.3, 0.6, 0.1))]
    parts.append((rng.random(n) < 0.5, lambda i: concat("n=", number(i % 7, 0))))
    old = [(m, w if isinstance(w, str) else (lambda i: text.cat("n=", text.fmt_num(i % 7, 0)))) for m, w in parts]
    assert join_text(n, parts, sep=", ").strings().tolist() == text.join(n, old, sep=", ").tolist()


def test_empty():
    assert join_text(0, []).strings().tolist() == []
    assert concat("a", number(np.array([]), 0)).strings().tolist() == []
