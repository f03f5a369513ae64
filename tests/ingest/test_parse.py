"""pipeline.ingest.parse: raw cells -> canonical values; missing markers are missing, not errors."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from pipeline import vocab
from pipeline.ingest.parse import (
    as_text,
    missing_mask,
    parse_bool,
    parse_category,
    parse_column,
    parse_date,
    parse_int,
    parse_myeloma_type,
    parse_number,
    parse_text,
)

MISSING = ["", "  ", "NA", "na", "N/A", "-", "—", "未查", "未测", None, float("nan")]
DEC9 = pd.Timestamp("2022-12-09")


def S(*values) -> pd.Series:
    return pd.Series(list(values), dtype=object)


@pytest.mark.parametrize(
    "cell",
    ["2022-12-09", "2022-12-9", "2022/12/9", "2022/12/09", "2022.12.09", "2022.12.9", "2022年12月9日",
     " 2022-12-09 ", "2022-12-09 13:45", "2022-12-09T13:45:10", "2022/12/09 00:00:00",
     "44904", 44904, 44904.0, 44904.75, np.int64(44904), "20221209", 20221209,
     dt.datetime(2022, 12, 9), dt.datetime(2022, 12, 9, 15, 30), dt.date(2022, 12, 9),
     pd.Timestamp("2022-12-09 08:00")],
    ids=repr,
)
def test_date_forms(cell):
    out, bad = parse_date(S(cell))
    assert out.tolist() == [DEC9]
    assert not bad.any()


def test_date_column_of_mixed_forms_keeps_order_and_dtype():
    out, bad = parse_date(S("2022-01-02", 44904, None, dt.datetime(2021, 5, 6), "2020年2月29日"))
    assert out.dtype == "datetime64[ns]"
    assert out.tolist()[:2] == [pd.Timestamp("2022-01-02"), DEC9]
    assert pd.isna(out[2])
    assert out.tolist()[3:] == [pd.Timestamp("2021-05-06"), pd.Timestamp("2020-02-29")]
    assert bad.tolist() == [False] * 5


@pytest.mark.parametrize(
    "cell",
    ["09/12/2022", "12/09/2022", "9-12-2022", "2022-13-01", "2022-02-30", "2021年2月29日",
     "yesterday", "2022", 100, "100", 99999, "2022-12", "44904abc", "20221309", "202212091"],
    ids=repr,
)
def test_bad_or_ambiguous_dates_are_refused(cell):
    out, bad = parse_date(S(cell))
    assert bad.tolist() == [True]
    assert pd.isna(out[0])


@pytest.mark.parametrize("cell", MISSING, ids=repr)
def test_missing_markers_are_missing_not_errors(cell):
    for parser in (parse_date, parse_number, parse_int, parse_bool, parse_myeloma_type):
        out, bad = parser(S(cell))
        assert pd.isna(out[0]), parser.__name__
        assert not bad[0], parser.__name__
    out, bad = parse_category(S(cell), vocab.EMD)
    assert pd.isna(out[0]) and not bad[0]
    out, bad = parse_text(S(cell))
    assert out[0] is None and not bad[0]


def test_none_is_not_a_missing_marker():
    assert missing_mask(S("none", "None", "NONE", "无")).tolist() == [False] * 4
    out, bad = parse_category(S("none", " None "), vocab.EMD)
    assert out.tolist() == ["none", "none"]
    assert not bad.any()


def test_missing_mask_markers():
    assert missing_mask(S("", "NA", "n/a", "-", "—", "未查", "未测", "null", "0", "x")).tolist() == (
        [True] * 8 + [False, False])


@pytest.mark.parametrize(
    ("cell", "value"),
    [("3", 3), ("3.0", 3), (3.0, 3), (3, 3), (" 7 ", 7), ("1,234", 1234), ("-2", -2), (np.float64(4.0), 4)],
    ids=repr,
)
def test_int_accepts_whole_numbers(cell, value):
    out, bad = parse_int(S(cell))
    assert out.dtype == "Int64"
    assert out.tolist() == [value]
    assert not bad.any()


@pytest.mark.parametrize(
    "cell", ["3.5", 3.5, "abc", "3 cycles", "inf", True, "1e400", "1e20", "110101199003071234", 1e300], ids=repr)
def test_int_refuses_the_rest(cell):
    out, bad = parse_int(S(cell))
    assert bad.tolist() == [True]
    assert pd.isna(out[0])


def test_int_on_a_numeric_series():
    out, bad = parse_int(pd.Series([1.0, 2.5, np.nan]))
    assert out.tolist()[0] == 1 and pd.isna(out[1]) and pd.isna(out[2])
    assert bad.tolist() == [False, True, False]


@pytest.mark.parametrize(
    ("cell", "value"),
    [("12.5", 12.5), (" 0 ", 0.0), ("1,234.5", 1234.5), ("1，000", 1000.0), ("-1", -1.0), ("1e3", 1000.0),
     (7, 7.0), (np.float64(0.25), 0.25)],
    ids=repr,
)
def test_number(cell, value):
    out, bad = parse_number(S(cell))
    assert out.dtype == "float64"
    assert out.tolist() == [value]
    assert not bad.any()


@pytest.mark.parametrize("cell", ["12,5", "1,23,4", "abc", "inf", "-inf", "nan%", "3 g/L", ">5"], ids=repr)
def test_number_refuses_decimal_commas_and_text(cell):
    out, bad = parse_number(S(cell))
    assert bad.tolist() == [True]
    assert np.isnan(out[0])


@pytest.mark.parametrize(
    ("cell", "value"),
    [("是", True), ("否", False), ("yes", True), ("No", False), (" YES ", True), ("1", True), ("0", False),
     (1, True), (0, False), (1.0, True), (True, True), (False, False), ("true", True), ("F", False),
     ("有", True), ("无", False)],
    ids=repr,
)
def test_bool(cell, value):
    out, bad = parse_bool(S(cell))
    assert out.dtype == "boolean"
    assert out.tolist() == [value]
    assert not bad.any()


@pytest.mark.parametrize("cell", ["maybe", "2", "是的", "unknown"], ids=repr)
def test_bool_refuses_the_rest(cell):
    out, bad = parse_bool(S(cell))
    assert bad.tolist() == [True]
    assert pd.isna(out[0])


@pytest.mark.parametrize(
    ("cell", "canonical"),
    [(" scr ", "sCR"), ("SCR", "sCR"), ("cr", "CR"), ("Vgpr", "VGPR"), ("pr ", "PR"), ("ne", "NE")],
    ids=repr,
)
def test_category_case_insensitive_and_trimmed(cell, canonical):
    out, bad = parse_category(S(cell), vocab.RESPONSE_ORDER)
    assert out.tolist() == [canonical]
    assert not bad.any()


def test_category_spaces_fold_to_underscores():
    out, bad = parse_category(S("AT_RELAPSE", "at relapse", "At_Diagnosis"), vocab.EMD)
    assert out.tolist() == ["at_relapse", "at_relapse", "at_diagnosis"]
    assert not bad.any()
    out, bad = parse_category(S("soft tissue", "Paraskeletal"), vocab.EMD_TYPE)
    assert out.tolist() == ["soft_tissue", "paraskeletal"]


def test_category_refuses_values_outside_the_list():
    out, bad = parse_category(S("PR", "partial response", "none", "男"), vocab.RESPONSE_ORDER)
    assert bad.tolist() == [False, True, True, True]
    assert out[0] == "PR" and out[1:].isna().all()


@pytest.mark.parametrize(
    ("cell", "canonical"),
    [("IgG", "IgG"), ("igg", "IgG"), ("IgG-kappa", "IgG-kappa"), ("IgG-Kappa ", "IgG-kappa"),
     ("IGG/LAMBDA", "IgG-lambda"), ("IgG lambda", "IgG-lambda"), ("IgGkappa", "IgG-kappa"),
     ("igA λ", "IgA-lambda"), ("IgD κ", "IgD-kappa"), ("kappa", "kappa"), ("λ", "lambda"),
     ("Non-secretory", "nonsecretory"), ("nonsecretory", "nonsecretory"), ("IgM", "IgM"), ("IgE", "IgE")],
    ids=repr,
)
def test_myeloma_type(cell, canonical):
    out, bad = parse_myeloma_type(S(cell))
    assert out.tolist() == [canonical]
    assert not bad.any()


@pytest.mark.parametrize("cell", ["IgX", "kappa-IgG", "IgG-kappa-lambda", "light chain", "IgG-"], ids=repr)
def test_myeloma_type_refuses_the_rest(cell):
    out, bad = parse_myeloma_type(S(cell))
    assert bad.tolist() == [True]


def test_text_trimmed_and_numbers_printed_plainly():
    out, bad = parse_text(S(" P01 ", 7.0, 12, "NA"))
    assert out.tolist() == ["P01", "7", "12", None]
    assert not bad.any()


def test_as_text_of_excel_cells():
    out = as_text(S(3.0, 3.5, dt.datetime(2022, 12, 9), dt.datetime(2022, 12, 9, 8, 30), dt.date(2022, 1, 2),
                    pd.Timestamp("2022-12-09"), None, " x "))
    assert out.tolist() == ["3", "3.5", "2022-12-09", "2022-12-09 08:30:00", "2022-01-02", "2022-12-09",
                            None, "x"]


def test_parse_column_dispatch():
    assert parse_column(S("IgG-kappa"), "myeloma_type")[0].tolist() == ["IgG-kappa"]
    assert parse_column(S("f"), "category", vocab.SEX)[0].tolist() == ["F"]
    assert parse_column(S("2"), "float")[0].tolist() == [2.0]
    with pytest.raises(ValueError, match="unknown field kind"):
        parse_column(S("x"), "blob")
