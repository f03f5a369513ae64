"""Kaplan-Meier curves, bands, medians and fixed-time summaries against R survival 3.5-3.

Reference values: tests/reference/r_reference.json, made by make_reference.R beside it.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from pipeline.stats import KMFit, Quantile, kaplan_meier, km_median, km_quantile, n_at_risk, survival_at
from tests.reference import REF_DIR  # noqa: E402

REF = json.loads((REF_DIR / "r_reference.json").read_text(encoding="utf-8"))
MYELOMA = pd.read_csv(REF_DIR / "myeloma_survminer.csv")
FLAT = pd.read_csv(REF_DIR / "flat_at_half.csv")
SMALL = pd.read_csv(REF_DIR / "small_not_reached.csv")

KM_TOL = 1e-6
MEDIAN_TOL = 1e-9


def _null_or_approx(got, expected, tol):
    if expected is None:
        assert got is None
    else:
        assert got == pytest.approx(expected, abs=tol)


def _curves(block: dict, data: pd.DataFrame, group_col: str | None, conf_type: str):
    """Yield (index, stratum label, rows, KMFit) for each curve of an R ``km_summary`` block."""
    strata = block["strata"] if isinstance(block["strata"], list) else [block["strata"]]
    for i, label in enumerate(strata):
        sub = data if group_col is None else data[data[group_col] == label.split("=", 1)[1]]
        yield i, label, sub, kaplan_meier(sub["time"], sub["event"], conf_type=conf_type)


def _check_block(block: dict, data: pd.DataFrame, group_col: str | None, conf_type: str):
    at = pd.DataFrame(block["at"])
    per_curve = isinstance(block["strata"], list)
    for i, label, sub, fit in _curves(block, data, group_col, conf_type):

        def ref(key, i=i):
            return block[key][i] if per_curve else block[key]

        assert fit.n == ref("n")
        assert fit.events == ref("events")
        med = km_median(fit)
        _null_or_approx(med.estimate, ref("median"), MEDIAN_TOL)
        _null_or_approx(med.lower, ref("median_lower"), MEDIAN_TOL)
        _null_or_approx(med.upper, ref("median_upper"), MEDIAN_TOL)
        want = at[at["strata"] == label]
        got = survival_at(fit, want["time"].to_numpy())
        np.testing.assert_array_equal(got["n_risk"].to_numpy(), want["n_risk"].to_numpy())
        np.testing.assert_array_equal(n_at_risk(sub["time"], want["time"]), want["n_risk"].to_numpy())
        for col in ("surv", "lower", "upper"):
            expected = want[col].to_numpy(dtype=float)  # JSON null -> NaN (R's NA)
            np.testing.assert_allclose(got[col].to_numpy(), expected, atol=KM_TOL, rtol=0, err_msg=col)


# ---------------------------------------------------------------- R reference: myeloma (survminer)


@pytest.mark.parametrize("conf_type", ["log-log", "log"], ids=["loglog", "log"])
def test_myeloma_overall(conf_type):
    """R: ``survfit(Surv(time, event) ~ 1, data = mm, conf.type = ct)``; quantile(., 0.5);
    summary(., times = c(12, 24, 36, 48, 60), extend = TRUE)."""
    _check_block(REF["myeloma_survminer"][f"overall_{conf_type}"], MYELOMA, None, conf_type)


@pytest.mark.parametrize("conf_type", ["log-log", "log"], ids=["loglog", "log"])
def test_myeloma_by_chr1q21(conf_type):
    """R: ``survfit(Surv(time, event) ~ chr1q21_status, data = mm, conf.type = ct)`` (3 strata,
    rows with missing status dropped); medians with CI, summary at 12..60 months."""
    data = MYELOMA.dropna(subset=["chr1q21_status"])
    _check_block(REF["myeloma_survminer"][f"by_chr1q21_{conf_type}"], data, "chr1q21_status", conf_type)


# ---------------------------------------------------------------- R reference: flat at 0.5


@pytest.mark.parametrize(("key", "conf_type"), [("loglog", "log-log"), ("log", "log")], ids=["loglog", "log"])
def test_flat_at_half(key, conf_type):
    """R: ``survfit(Surv(time, event) ~ 1, data = data.frame(time = 1:10, event = 1), conf.type = ct)``.

    S(t) = 0.5 on [5, 6): the median is the midpoint 5.5 (R/SAS/Prism), not 5 (lifelines)."""
    block = REF["flat_at_half"][key]
    _check_block(block, FLAT, None, conf_type)
    assert km_median(kaplan_meier(FLAT["time"], FLAT["event"], conf_type)).estimate == 5.5


# ---------------------------------------------------------------- R reference: small, not reached


def test_small_not_reached_km():
    """R: ``survfit(Surv(time, event) ~ group, data = small, conf.type = "log-log")``: group B's
    median is not reached (None, never inf/NaN); its CI at t = 6 (S = 1) is NA."""
    _check_block(REF["small_not_reached"]["km_loglog"], SMALL, "group", "log-log")


# ---------------------------------------------------------------- hand-worked cases


def test_no_censoring():
    """Five deaths at 1..5: S = 4/5, 3/5, ...; Greenwood var(log S) = sum d / (n (n - d)).

    R: ``survfit(Surv(1:5, rep(1, 5)) ~ 1)`` -> median 3."""
    fit = kaplan_meier([5, 3, 1, 4, 2], [1, 1, 1, 1, 1])
    np.testing.assert_array_equal(fit.time, [1, 2, 3, 4, 5])
    np.testing.assert_array_equal(fit.n_risk, [5, 4, 3, 2, 1])
    np.testing.assert_allclose(fit.surv, [0.8, 0.6, 0.4, 0.2, 0.0])
    var = np.cumsum([1 / 20, 1 / 12, 1 / 6, 1 / 2])
    np.testing.assert_allclose(fit.std_err[:4], np.sqrt(var))
    assert np.isinf(fit.std_err[4])
    assert np.isnan(fit.lower[4]) and np.isnan(fit.upper[4])  # R: NA where S = 0
    assert km_median(fit).estimate == 3.0
    assert fit.n == 5 and fit.events == 5


def test_all_censored():
    """Nobody has the event: S = 1 throughout, median not reached, log-log band NA.

    R: ``survfit(Surv(c(3, 5, 7), c(0, 0, 0)) ~ 1, conf.type = "log-log")``."""
    fit = kaplan_meier([3, 5, 7], [0, 0, 0])
    np.testing.assert_array_equal(fit.surv, [1.0, 1.0, 1.0])
    assert np.all(np.isnan(fit.lower)) and np.all(np.isnan(fit.upper))
    assert km_median(fit) == Quantile(None, None, None)
    log_fit = kaplan_meier([3, 5, 7], [0, 0, 0], conf_type="log")
    np.testing.assert_array_equal(log_fit.lower, [1.0, 1.0, 1.0])  # log band: se = 0 -> [1, 1]
    assert km_median(log_fit) == Quantile(None, None, None)


def test_event_and_censoring_tied_at_one_time():
    """A death and a censoring at t = 2: the censored patient is still at risk at 2 (R).

    R: ``survfit(Surv(c(1, 2, 2, 3, 4), c(1, 1, 0, 1, 0)) ~ 1)``: n.risk 5 4 2 1,
    surv 0.8, 0.6, 0.3, 0.3."""
    fit = kaplan_meier([1, 2, 2, 3, 4], [1, 1, 0, 1, 0])
    np.testing.assert_array_equal(fit.time, [1, 2, 3, 4])
    np.testing.assert_array_equal(fit.n_risk, [5, 4, 2, 1])
    np.testing.assert_array_equal(fit.n_event, [1, 1, 1, 0])
    np.testing.assert_array_equal(fit.n_censor, [0, 1, 0, 1])
    np.testing.assert_allclose(fit.surv, [0.8, 0.6, 0.3, 0.3])
    np.testing.assert_allclose(fit.std_err**2, np.cumsum([1 / 20, 1 / 12, 1 / 2, 0]))
    at = survival_at(fit, [2, 2.5])
    np.testing.assert_array_equal(at["n_risk"], [4, 2])
    np.testing.assert_allclose(at["surv"], [0.6, 0.6])
    np.testing.assert_array_equal(n_at_risk([1, 2, 2, 3, 4], [2, 2.5]), [4, 2])


def test_flat_at_half_at_end_of_curve():
    """S = 0.5 from t = 2 to the last (censored) time 4: median = (2 + 4) / 2 = 3 (findq's
    'flat at the end of the curve' rule). R: ``quantile(survfit(Surv(1:4, c(1, 1, 0, 0)) ~ 1), 0.5)``."""
    fit = kaplan_meier([1, 2, 3, 4], [1, 1, 0, 0])
    assert km_median(fit).estimate == 3.0
    assert km_quantile(fit, 0.25).estimate == 1.5  # S = 0.75 on [1, 2)
    assert km_quantile(fit, 0).estimate == 0.0


def test_empty_input():
    """n = 0: an empty fit, nothing reached, n at risk 0 (R would refuse; we report it as such)."""
    fit = kaplan_meier([], [])
    assert isinstance(fit, KMFit)
    assert fit.n == 0 and fit.events == 0 and fit.time.size == 0
    assert km_median(fit) == Quantile(None, None, None)
    at = survival_at(fit, [6, 12])
    np.testing.assert_array_equal(at["n_risk"], [0, 0])
    assert at["surv"].isna().all()
    np.testing.assert_array_equal(n_at_risk([], [0, 6]), [0, 0])


def test_single_patient():
    """One patient with an event: S drops to 0, median = that time, the band is NA."""
    fit = kaplan_meier([7], [1])
    assert km_median(fit) == Quantile(7.0, None, None)
    at = survival_at(fit, [0, 7, 8])
    np.testing.assert_array_equal(at["n_risk"], [1, 1, 0])
    np.testing.assert_array_equal(at["surv"], [1.0, 0.0, 0.0])


def test_survival_at_before_first_time_and_beyond_last():
    """R's summary(times=, extend=TRUE): before the first time S = 1 with limits 1 (survfit0's
    row); beyond the last time the last values carry on with n.risk 0."""
    fit = kaplan_meier([2, 3, 3, 5], [1, 0, 1, 0])
    at = survival_at(fit, [0, 1, 5, 100])
    np.testing.assert_array_equal(at["n_risk"], [4, 4, 1, 0])
    np.testing.assert_array_equal(at[["surv", "lower", "upper"]].iloc[:2].to_numpy(), 1.0)
    np.testing.assert_allclose(at["surv"].iloc[2:], [0.5, 0.5])  # 3/4 * 2/3
    assert at["time"].tolist() == [0, 1, 5, 100]


def test_integer_days_and_missing_values():
    """Integer days stay integers; rows with a missing time or event are dropped (na.omit)."""
    time = pd.Series([30, None, 61, 61, 90], dtype="Int64")
    event = pd.Series([True, True, pd.NA, False, True], dtype="boolean")
    fit = kaplan_meier(time, event)
    assert fit.time.dtype == np.int64
    assert fit.n == 3 and fit.n_missing == 2
    np.testing.assert_array_equal(fit.time, [30, 61, 90])
    assert km_median(fit).estimate == 90.0


def test_plain_band():
    """R's plain band: S +- z se(log S) S, clipped to [0, 1]."""
    fit = kaplan_meier([1, 2, 3, 4], [1, 1, 1, 0], conf_type="plain")
    z = 1.959963984540054
    s, se = fit.surv, fit.std_err
    np.testing.assert_allclose(fit.lower, np.maximum(s - z * se * s, 0))
    np.testing.assert_allclose(fit.upper, np.minimum(s + z * se * s, 1))


def test_fit_is_immutable():
    fit = kaplan_meier([1, 2], [1, 0])
    with pytest.raises(ValueError):
        fit.surv[0] = 0.5
    with pytest.raises(AttributeError):
        fit.n = 3  # type: ignore[misc]


@pytest.mark.parametrize(
    ("time", "event", "kwargs"),
    [
        ([1, 2], [1, 2], {}),
        ([-1, 2], [1, 0], {}),
        ([1, np.inf], [1, 0], {}),
        ([1, 2, 3], [1, 0], {}),
        ([1, 2], [1, 0], {"conf_type": "logit"}),
        ([1, 2], [1, 0], {"conf_level": 95}),
    ],
    ids=["event-not-0-1", "negative-time", "infinite-time", "length-mismatch", "bad-conf-type", "bad-level"],
)
def test_invalid_input(time, event, kwargs):
    with pytest.raises(ValueError):
        kaplan_meier(time, event, **kwargs)


@pytest.mark.parametrize(
    ("xs", "v", "expected"),
    [
        ([0.1, 0.2, 0.3], 0.2, 2.0),  # exact hit returns that point
        ([0.1, 0.2, 0.3], 0.25, 3.0),  # f = 1: the right-hand point
        ([0.1, 0.2, 0.3], 0.35, None),  # rule = 1: outside -> NA
        ([0.1, np.nan, 0.3], 0.2, 3.0),  # NA pairs dropped (na.rm = TRUE)
        ([0.1, 0.3, 0.2], 0.25, 2.0),  # unsorted x is sorted first
        ([0.1, 0.2, 0.2], 0.15, 2.5),  # tied x collapsed with mean(y)
    ],
    ids=["exact", "between", "outside", "na", "unsorted", "ties"],
)
def test_r_approx_constant_semantics(xs, v, expected):
    """R: ``approx(xs, seq_along(xs), v, method = "constant", f = 1)$y``, the step findq relies on."""
    from pipeline.stats.km import _approx_constant_index

    got = _approx_constant_index(np.array(xs), v)
    if expected is None:
        assert np.isnan(got)
    else:
        assert got == expected
