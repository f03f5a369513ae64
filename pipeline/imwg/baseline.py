"""Baseline selection, measurable disease, the followed measure, involved light chain and dFLC
(docs/IMWG_RULES.md, 'Units and baseline' and 'Measurable disease at baseline decides what is followed').
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from pipeline.imwg import groups
from pipeline.imwg import rules as R
from pipeline.imwg.prepare import Prepared
from pipeline.imwg.rules import ge
from pipeline.imwg.text import Text, choose, concat, join_text, number

FOLLOWED = ("serum+urine", "serum", "urine", "dflc", "marrow", "none")


def select_baseline(codes: np.ndarray, dates: np.ndarray, cycle: np.ndarray, index_dates: np.ndarray,
                    window_days: int, n_groups: int) -> np.ndarray:
    """True at each patient's baseline row.

    The row marked cycle 0 (the last one if several) wins; otherwise the last assessment on or before
    index_date and at most ``window_days`` before it. Rows must be sorted by patient then date.
    """
    dated = ~np.isnat(dates)
    c0 = dated & (cycle == 0)
    win = (dated & ~np.isnat(index_dates) & (dates <= index_dates)
           & (dates >= index_dates - np.timedelta64(int(window_days), "D")))
    score = np.where(c0, 2, np.where(win, 1, 0)).astype(np.int8)
    best = np.zeros(n_groups, dtype=np.int8)
    np.maximum.at(best, codes, score)
    cand = (score > 0) & (score == best[codes])
    out = np.zeros(len(codes), dtype=bool)
    out[groups.last_where(cand, codes, n_groups)[best > 0]] = True
    return out


def treatment_rows(dates: np.ndarray, is_baseline: np.ndarray, baseline_dates: np.ndarray,
                   index_dates: np.ndarray) -> np.ndarray:
    """Rows after the patient's baseline and after index_date: the ones given a category."""
    return (~is_baseline & ~np.isnat(dates)
            & (np.isnat(baseline_dates) | (dates > baseline_dates))
            & (np.isnat(index_dates) | (dates > index_dates)))


def with_ife_zero(values: np.ndarray, ife: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """A missing M-protein with a negative immunofixation is 0; returns the values and where imputed."""
    imputed = np.isnan(values) & (ife == 0)
    return np.where(imputed, 0.0, values), imputed


def flc_ratio(kappa: np.ndarray, lambda_: np.ndarray) -> np.ndarray:
    with np.errstate(all="ignore"):
        r = np.asarray(kappa, dtype=float) / np.asarray(lambda_, dtype=float)
    return np.where(np.isfinite(r), r, np.nan)


def ratio_normal(ratio: np.ndarray) -> np.ndarray:
    return ge(ratio, R.FLC_RATIO_LOW) & ge(R.FLC_RATIO_HIGH, ratio)


def involved_chain(myeloma_type: np.ndarray, baseline_ratio: np.ndarray) -> np.ndarray:
    """"kappa", "lambda" or None per patient.

    Light-chain myeloma: the typed chain. Otherwise the chain the baseline ratio points to (> 1.65 kappa,
    < 0.26 lambda); with a normal or missing ratio, the light chain named in the type (IgG-kappa).
    """
    t = pd.Series(myeloma_type, dtype=object).fillna("").astype(str).str.casefold()
    named = np.where(t.str.contains("kappa"), "kappa", np.where(t.str.contains("lambda"), "lambda", ""))
    heavy = t.str.startswith("ig").to_numpy()
    by_ratio = np.where(baseline_ratio > R.FLC_RATIO_HIGH, "kappa",
                        np.where(baseline_ratio < R.FLC_RATIO_LOW, "lambda", ""))
    chain = np.where((named != "") & ~heavy, named, np.where(by_ratio != "", by_ratio, named))
    return np.where(chain == "", None, chain).astype(object)


def dflc(kappa: np.ndarray, lambda_: np.ndarray, chain: np.ndarray) -> np.ndarray:
    """Involved minus uninvolved FLC (mg/L); NaN without an involved chain."""
    return np.where(chain == "kappa", kappa - lambda_, np.where(chain == "lambda", lambda_ - kappa, np.nan))


@dataclass(frozen=True)
class Baseline:
    """Per row: ``is_baseline``, ``post`` (categorised rows), ``in_scope`` (rows nadirs are taken over).
    Per patient (by code): the baseline row (-1 none) and date, baseline values (serum and urine with
    IFE-negative zeros), the involved chain, and what is followed."""

    is_baseline: np.ndarray
    post: np.ndarray
    in_scope: np.ndarray
    row: np.ndarray
    date: np.ndarray
    serum: np.ndarray
    urine: np.ndarray
    kappa: np.ndarray
    lambda_: np.ndarray
    ratio: np.ndarray
    chain: np.ndarray
    dflc: np.ndarray
    marrow: np.ndarray
    spd: np.ndarray
    followed_by: np.ndarray
    plasmacytoma: np.ndarray
    followed_reason: np.ndarray

    @property
    def has_baseline(self) -> np.ndarray:
        return self.row >= 0


def followed_measures(has_baseline, serum, urine, kappa, lambda_, chain, marrow, spd):
    """What is followed per patient: (followed_by, plasmacytoma flag, reason), from baseline values."""
    ratio = flc_ratio(kappa, lambda_)
    involved = np.where(chain == "kappa", kappa, np.where(chain == "lambda", lambda_, np.nan)).astype(float)
    abnormal = np.where(chain == "kappa", ratio > R.FLC_RATIO_HIGH, ratio < R.FLC_RATIO_LOW)
    conditions = [
        ~has_baseline,
        ge(serum, R.SERUM_MEASURABLE_G_DL) & ge(urine, R.URINE_MEASURABLE_MG),
        ge(serum, R.SERUM_MEASURABLE_G_DL),
        ge(urine, R.URINE_MEASURABLE_MG),
        ge(involved, R.FLC_MEASURABLE_MG_L) & abnormal,
        ge(marrow, R.MARROW_MEASURABLE_PCT),
    ]
    followed = np.select(conditions, ["none", "serum+urine", "serum", "urine", "dflc", "marrow"],
                         default="none").astype(object)
    plasma = has_baseline & (np.nan_to_num(spd, nan=0.0) > 0)
    why = np.select(conditions, [
        "no baseline assessment: response not evaluable by measurements",
        "serum M >= 1.0 g/dL and urine M >= 200 mg/24 h at baseline",
        "serum M >= 1.0 g/dL at baseline",
        "urine M >= 200 mg/24 h at baseline",
        "no measurable M-protein; involved FLC >= 100 mg/L with an abnormal ratio",
        "no measurable M-protein or FLC; marrow plasma cells >= 30%",
    ], default="nothing measurable at baseline: only CR/sCR and imaging progression can be assessed").astype(object)
    d = dflc(kappa, lambda_, chain)
    values = join_text(len(followed), [
        (~np.isnan(serum), lambda i: concat("serum M ", number(serum[i], 2), " g/dL")),
        (~np.isnan(urine), lambda i: concat("urine M ", number(urine[i], 0), " mg/24 h")),
        (~np.isnan(involved),
         lambda i: concat("involved ", Text.of(chain[i].astype(str)), " FLC ", number(involved[i], 1), " mg/L")),
        (~np.isnan(ratio), lambda i: concat("ratio ", number(ratio[i], 2))),
        (~np.isnan(d), lambda i: concat("dFLC ", number(d[i], 1), " mg/L")),
        (~np.isnan(marrow), lambda i: concat("marrow plasma cells ", number(marrow[i], 1), "%")),
        (plasma, lambda i: concat("plasmacytoma SPD ", number(spd[i], 1), " cm2, followed in addition")),
    ], sep=", ")
    why = Text.of(why)
    reason = choose((values.strings() != "") & has_baseline, concat(why, " (", values, ")"), why).strings()
    return followed, plasma, reason


def establish_baseline(prep: Prepared, window_days: int) -> Baseline:
    """Baseline row, treatment rows, baseline values and the followed measures of every patient."""
    r = prep.rows
    codes = r["code"].to_numpy()
    dates = r["date"].to_numpy()
    n_pat = len(prep.patients)
    index_dates = r["index_date"].to_numpy()
    is_base = select_baseline(codes, dates, r["cycle"].to_numpy(), index_dates, window_days, n_pat)
    brow = groups.first_where(is_base, codes, n_pat)
    bdate = groups.take(dates, brow, np.datetime64("NaT"))
    post = treatment_rows(dates, is_base, bdate[codes], index_dates)

    serum, _ = with_ife_zero(r["serum"].to_numpy(), r["serum_ife"].to_numpy())
    urine, _ = with_ife_zero(r["urine"].to_numpy(), r["urine_ife"].to_numpy())
    kappa = groups.take(r["kappa"].to_numpy(), brow, np.nan)
    lam = groups.take(r["lambda_"].to_numpy(), brow, np.nan)
    ratio = flc_ratio(kappa, lam)
    chain = involved_chain(prep.patients["myeloma_type"].to_numpy(), ratio)
    b = {
        "serum": groups.take(serum, brow, np.nan),
        "urine": groups.take(urine, brow, np.nan),
        "marrow": groups.take(r["marrow"].to_numpy(), brow, np.nan),
        "spd": groups.take(r["spd"].to_numpy(), brow, np.nan),
    }
    has = brow >= 0
    followed, plasma, reason = followed_measures(has, b["serum"], b["urine"], kappa, lam, chain,
                                                 b["marrow"], b["spd"])
    return Baseline(
        is_baseline=is_base, post=post, in_scope=is_base | post, row=brow, date=bdate,
        serum=b["serum"], urine=b["urine"], kappa=kappa, lambda_=lam, ratio=ratio, chain=chain,
        dflc=dflc(kappa, lam, chain), marrow=b["marrow"], spd=b["spd"], followed_by=followed,
        plasmacytoma=plasma, followed_reason=reason,
    )
