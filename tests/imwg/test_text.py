"""Vectorised reason text (pipeline/imwg/text.py)."""

from __future__ import annotations

import numpy as np

from pipeline.imwg import text


def test_numbers_and_dates():
    assert text.fmt_num([3.4, 1.0, 0.125, np.nan, -0.0001], 2).tolist() == ["3.4", "1", "0.12", "NA", "0"]
    assert text.fmt_num([-61.6, 30.0, 0.2], 0, signed=True).tolist() == ["-62", "+30", "0"]
    d = np.array(["2022-01-05", "NaT"], dtype="datetime64[ns]")
    assert text.fmt_date(d).tolist() == ["2022-01-05", "NA"]


def test_cat_and_join():
    assert text.cat("a", np.array(["x", "y"]), "b").tolist() == ["axb", "ayb"]
    out = text.join(3, [
        (np.array([True, False, True]), "first"),
        (np.array([True, True, False]), np.array(["p", "q", "r"])),
        (np.array([False, False, True]), lambda i: text.cat("built for row ", text.fmt_num(i, 0))),
    ])
    assert out.tolist() == ["first; p", "q", "first; built for row 2"]
    assert text.to_object(out, np.array([False, True, False])).tolist() == ["first; p", None, "first; built for row 2"]
