"""The IMWG category at each assessment, before confirmation, with its reason
(docs/IMWG_RULES.md, 'Category at one assessment').

``Context`` computes, for every row at once, the values the rules look at: each followed measure
against its baseline (response) and its nadir (progression), the most recent marrow and imaging, and
immunofixation. ``PREDICATES`` holds one vectorised test per category rule of
``rules.CATEGORY_RULES``; the category is the first rule that holds, in that order.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from pipeline.imwg import groups, text
from pipeline.imwg import rules as R
from pipeline.imwg.baseline import Baseline, dflc, flc_ratio, ge, ratio_normal, tol, with_ife_zero
from pipeline.imwg.prepare import Prepared
from pipeline.vocab import RESPONSE_ORDER, RESPONSE_RANK

SCR, CR, VGPR, PR, MR, SD, PD, NE = (RESPONSE_RANK[c] for c in ("sCR", "CR", "VGPR", "PR", "MR", "SD", "PD", "NE"))
#: Category names by rank; index -1 (no category: baseline and pre-treatment rows) gives None.
NAMES = np.array([*RESPONSE_ORDER, None], dtype=object)


def category_names(rank: np.ndarray) -> np.ndarray:
    return NAMES[np.asarray(rank, dtype=np.int64)]


class Context:
    """Per-row values the category rules read (rows sorted by patient, then date)."""

    def __init__(self, prep: Prepared, base: Baseline):
        r = prep.rows
        self.n = len(r)
        self.codes = codes = r["code"].to_numpy()
        c = codes
        self.post = base.post
        self.has_baseline = base.has_baseline[c]
        followed = base.followed_by[c]
        self.f_serum = (followed == "serum") | (followed == "serum+urine")
        self.f_urine = (followed == "urine") | (followed == "serum+urine")
        self.f_dflc = followed == "dflc"
        self.f_marrow = followed == "marrow"
        self.f_plasma = base.plasmacytoma[c]
        # Plasmacytoma alone: judged on SPD like a followed measure.
        self.f_plasma_only = self.f_plasma & (followed == "none") & self.has_baseline
        scope = base.in_scope

        self.serum, self.serum_imputed = with_ife_zero(r["serum"].to_numpy(), r["serum_ife"].to_numpy())
        self.urine, self.urine_imputed = with_ife_zero(r["urine"].to_numpy(), r["urine_ife"].to_numpy())
        kappa, lam = r["kappa"].to_numpy(), r["lambda_"].to_numpy()
        self.dflc = dflc(kappa, lam, base.chain[c])
        self.ratio = flc_ratio(kappa, lam)
        self.marrow = r["marrow"].to_numpy()
        self.spd = r["spd"].to_numpy()
        self.new_lesion = r["new_lesion"].to_numpy()
        self.serum_ife = r["serum_ife"].to_numpy()
        self.urine_ife = r["urine_ife"].to_numpy()

        self.b_serum, self.b_urine = base.serum[c], base.urine[c]
        self.b_dflc, self.b_marrow, self.b_spd = base.dflc[c], base.marrow[c], base.spd[c]

        self.nadir_serum = groups.running_min_before(self.serum, codes, scope)
        self.nadir_urine = groups.running_min_before(self.urine, codes, scope)
        self.nadir_dflc = groups.running_min_before(self.dflc, codes, scope)
        self.nadir_marrow = groups.running_min_before(self.marrow, codes, scope)
        self.nadir_spd = groups.running_min_before(self.spd, codes, scope)

        # Marrow need not be repeated: the most recent result since baseline.
        self.marrow_last = groups.carried_forward(self.marrow, codes, self.post)
        self.clonal_last = groups.carried_forward(r["clonal"].to_numpy(), codes, self.post)
        # Imaging is less frequent than labs: the most recent SPD, baseline included.
        self.spd_last = groups.carried_forward(self.spd, codes, scope)
        self.spd_reimaged = ~np.isnan(groups.carried_forward(self.spd, codes, self.post))
        self.urine_ever_measurable = groups.cumulative_any(scope & ge(self.urine, R.URINE_MEASURABLE_MG), codes)

        self._progression()
        self._levels()
        self._complete_response()

    # --- PD against the nadir -------------------------------------------------------------
    def _progression(self) -> None:
        p = self.post
        d = self.serum - self.nadir_serum
        self.pd_serum = p & self.f_serum & (
            (ge(d, R.PD_SERUM_ABS_G_DL) & ge(d, R.PD_REL * self.nadir_serum))
            | (ge(self.nadir_serum, R.PD_SERUM_HIGH_NADIR_G_DL) & ge(d, R.PD_SERUM_HIGH_ABS_G_DL)))
        d = self.urine - self.nadir_urine
        self.pd_urine = p & self.f_urine & ge(d, R.PD_URINE_ABS_MG) & ge(d, R.PD_REL * self.nadir_urine)
        d = self.dflc - self.nadir_dflc
        self.pd_dflc = (p & self.f_dflc & (d > R.PD_DFLC_ABS_MG_L + tol(R.PD_DFLC_ABS_MG_L))
                        & ge(d, R.PD_REL * np.abs(self.nadir_dflc)))
        self.pd_marrow = p & self.f_marrow & ge(self.marrow - self.nadir_marrow, R.PD_MARROW_POINTS)
        d = self.spd - self.nadir_spd
        self.pd_plasma = p & (d > tol(self.nadir_spd)) & ge(d, R.PD_SPD_REL * self.nadir_spd)
        self.pd_new = p & self.new_lesion
        self.pd_lab = self.pd_serum | self.pd_urine | self.pd_dflc
        self.pd_other = self.pd_marrow | self.pd_plasma | self.pd_new

    # --- response level of each followed measure --------------------------------------------
    def _levels(self) -> None:
        def down(v, b, frac):  # v at least ``frac`` below b
            return ge(b - v, frac * b)

        s, bs = self.serum, self.b_serum
        self.level_serum = np.where(np.isnan(s), np.nan, np.select(
            [down(s, bs, R.VGPR_DOWN), down(s, bs, R.PR_DOWN), down(s, bs, R.MR_SERUM_DOWN)],
            [VGPR, PR, MR], SD))
        u, bu = self.urine, self.b_urine
        self.level_urine = np.where(np.isnan(u), np.nan, np.select(
            [u < R.VGPR_URINE_MG, down(u, bu, R.PR_URINE_DOWN) | (u < R.PR_URINE_MG), down(u, bu, R.MR_URINE_DOWN)],
            [VGPR, PR, MR], SD))
        d, bd = self.dflc, self.b_dflc
        self.level_dflc = np.where(np.isnan(d), np.nan, np.select(
            [down(d, bd, R.VGPR_DOWN), down(d, bd, R.PR_DOWN)], [VGPR, PR], SD))
        m, bm = self.marrow, self.b_marrow
        self.level_marrow = np.where(np.isnan(m), np.nan, np.where(down(m, bm, R.PR_DOWN), PR, SD))
        q, bq = self.spd_last, self.b_spd
        gone = q == 0
        self.level_plasma = np.where(np.isnan(q), np.nan, np.select(
            [gone | down(q, bq, R.PR_DOWN), down(q, bq, R.MR_SPD_DOWN)], [PR, MR], SD))
        # The plasmacytoma requirement caps what the other measures reach (0 = no cap).
        self.cap = np.where(~self.f_plasma | gone, 0, np.select(
            [down(q, bq, R.PR_DOWN), down(q, bq, R.MR_SPD_DOWN)], [VGPR, MR], SD))

        followed = np.stack([self.f_serum, self.f_urine, self.f_dflc, self.f_marrow, self.f_plasma_only])
        levels = np.stack([self.level_serum, self.level_urine, self.level_dflc, self.level_marrow,
                           self.level_plasma])
        present = followed & ~np.isnan(levels)
        self.missing = followed & np.isnan(levels)
        self.worst_present = np.max(np.where(present, levels, -1.0), axis=0)
        any_missing = self.missing.any(axis=0)
        # ``reached``: the category the followed measures reach together (the worst of them); NaN when
        # none was measured, or when a missing one could change a response the others give.
        self.indeterminate = any_missing & (self.worst_present >= 0) & (self.worst_present < SD)
        self.reached = np.where((self.worst_present < 0) | self.indeterminate, np.nan, self.worst_present)

    # --- CR and sCR -----------------------------------------------------------------------
    def _complete_response(self) -> None:
        self.ratio_normal = ratio_normal(self.ratio)
        urine_ife_ok = (self.urine_ife == 0) | (np.isnan(self.urine_ife) & ~self.urine_ever_measurable)
        self.ife_negative = (self.serum_ife == 0) & urine_ife_ok
        self.marrow_ok = self.marrow_last < R.CR_MARROW_PCT
        self.cr = (self.post & self.has_baseline & self.ife_negative & self.marrow_ok & (self.cap == 0)
                   & (~self.f_dflc | self.ratio_normal))
        self.scr = self.cr & self.ratio_normal & (self.clonal_last == 0)


def _at_most(rank: int) -> Callable[[Context], np.ndarray]:
    return lambda x: (x.reached <= rank) & (x.cap <= rank)


#: One vectorised test per category rule (rules.CATEGORY_RULES), by rule_id.
PREDICATES: dict[str, Callable[[Context], np.ndarray]] = {
    "PD_SERUM": lambda x: x.pd_serum,
    "PD_URINE": lambda x: x.pd_urine,
    "PD_DFLC": lambda x: x.pd_dflc,
    "PD_MARROW": lambda x: x.pd_marrow,
    "PD_PLASMACYTOMA": lambda x: x.pd_plasma,
    "PD_NEW_LESION": lambda x: x.pd_new,
    "NE_NO_BASELINE": lambda x: x.post & ~x.has_baseline,
    "SCR": lambda x: x.scr,
    "CR": lambda x: x.cr,
    "VGPR": _at_most(VGPR),
    "PR": _at_most(PR),
    "MR": _at_most(MR),
    "SD": lambda x: x.reached <= SD,
    "NE": lambda x: x.post,
}


@dataclass(frozen=True)
class Categories:
    """Per row (sorted order): ``rank`` (RESPONSE_RANK, -1 = no category), the ``rule`` that gave it,
    ``reason``, ``lab_based`` (rests on serum/urine/FLC or immunofixation: needs confirmation),
    ``pct_change`` of the primary followed measure from baseline, and ``relapse_signal``
    (immunofixation positive or marrow >= 5%: relapse from CR when it follows a confirmed CR)."""

    rank: np.ndarray
    rule: np.ndarray
    reason: np.ndarray
    lab_based: np.ndarray
    pct_change: np.ndarray
    relapse_signal: np.ndarray


def _pct(v, b) -> np.ndarray:
    with np.errstate(all="ignore"):
        p = (v - b) / b * 100.0
    return np.where(np.isfinite(p), p, np.nan)


def _vs_baseline(v, b, digits: int, unit: str) -> Callable[[np.ndarray], np.ndarray]:
    return lambda i: text.cat(text.fmt_num(v[i], digits), unit, " (", text.fmt_num(_pct(v[i], b[i]), 0, True),
                              "% from baseline ", text.fmt_num(b[i], digits), unit, ")")


def _rise(label: str, v, nadir, digits: int, unit: str, rise_unit: str | None = None,
          relative: bool = True) -> Callable[[np.ndarray], np.ndarray]:
    def build(i):
        rel = np.where(relative & (nadir[i] > 0),
                       text.cat(" (", text.fmt_num(_pct(v[i], nadir[i]), 0, True), "%)"), "")
        return text.cat(label, text.fmt_num(v[i], digits), unit, ", up ", text.fmt_num(v[i] - nadir[i], digits),
                        rise_unit or unit, rel, " from nadir ", text.fmt_num(nadir[i], digits), unit)
    return build


def _measure(label: str, imputed, v, b, digits: int, unit: str) -> Callable[[np.ndarray], np.ndarray]:
    vs = _vs_baseline(v, b, digits, unit)
    if imputed is None:
        return lambda i: text.cat(label, " ", vs(i))
    return lambda i: text.cat(np.where(imputed[i], f"{label} not measured, IFE negative: ", f"{label} "), vs(i))


def _reasons(x: Context, rank: np.ndarray) -> np.ndarray:
    """"<category>: <why>" per categorised row: the criteria met for PD, the immunofixation and marrow
    for CR/sCR, each followed measure against baseline otherwise, and what kept a category lower."""
    n = x.n
    is_pd, is_cr, is_ne = rank == PD, (rank == CR) | (rank == SCR), rank == NE
    describe = ((rank >= VGPR) & (rank <= SD)) | (is_ne & x.indeterminate)
    any_missing = x.missing.any(axis=0)

    def plasma(i):
        return np.where(
            x.spd_reimaged[i],
            text.cat(np.where(np.isnan(x.spd[i]), "plasmacytoma SPD at the last imaging ", "plasmacytoma SPD "),
                     _vs_baseline(x.spd_last, x.b_spd, 1, " cm2")(i)),
            text.cat("plasmacytoma not re-imaged since baseline (SPD ", text.fmt_num(x.b_spd[i], 1), " cm2)"))

    def cr(i):
        return text.cat(
            "serum IFE negative, ",
            np.where(np.isnan(x.urine_ife[i]), "urine IFE not done (urine never measurable)", "urine IFE negative"),
            ", marrow plasma cells ", text.fmt_num(x.marrow_last[i], 1), "%")

    def not_scr(i):
        return text.cat("not sCR: ", text.join(len(i), [
            (np.isnan(x.ratio[i]), "FLC ratio not measured"),
            (~np.isnan(x.ratio[i]) & ~x.ratio_normal[i],
             text.cat("FLC ratio ", text.fmt_num(x.ratio[i], 2), " abnormal")),
            (np.isnan(x.clonal_last[i]), "clonal cells not tested"),
            (x.clonal_last[i] == 1, "clonal cells positive"),
        ], sep=", "))

    def not_cr(i):
        return text.cat("immunofixation negative but not CR: ", text.join(len(i), [
            (np.isnan(x.marrow_last[i]), "no marrow since baseline"),
            (x.marrow_last[i] >= R.CR_MARROW_PCT,
             text.cat("marrow plasma cells ", text.fmt_num(x.marrow_last[i], 1), "% >= 5%")),
            (x.cap[i] > 0, "plasmacytoma not gone"),
            (x.f_dflc[i] & ~x.ratio_normal[i], "FLC ratio not normal"),
        ], sep=", "))

    def missing(i):
        names = text.join(len(i), [(x.missing[k][i], label) for k, label in enumerate(
            ("serum M", "urine M", "dFLC", "marrow plasma cells", "plasmacytoma SPD"))], sep=" and ")
        return text.cat(names, np.where(x.indeterminate[i], " not measured, so the category is unknown",
                                        " not measured"))

    body = text.join(n, [
        # PD: every criterion met
        (is_pd & x.pd_serum, _rise("serum M ", x.serum, x.nadir_serum, 2, " g/dL")),
        (is_pd & x.pd_urine, _rise("urine M ", x.urine, x.nadir_urine, 0, " mg/24 h")),
        (is_pd & x.pd_dflc, _rise("dFLC ", x.dflc, x.nadir_dflc, 1, " mg/L")),
        (is_pd & x.pd_marrow,
         _rise("marrow plasma cells ", x.marrow, x.nadir_marrow, 1, "%", " percentage points", relative=False)),
        (is_pd & x.pd_plasma, _rise("plasmacytoma SPD ", x.spd, x.nadir_spd, 1, " cm2")),
        (is_pd & x.pd_new, "new lesion"),
        # CR / sCR
        (is_cr, cr),
        (is_cr & x.f_plasma, "plasmacytoma gone"),
        (is_cr & ((rank == SCR) | x.f_dflc), lambda i: text.cat("FLC ratio ", text.fmt_num(x.ratio[i], 2), " normal")),
        (rank == SCR, "no clonal plasma cells"),
        ((rank == CR) & ~x.f_dflc, not_scr),
        ((rank == CR) & x.f_dflc & (x.clonal_last != 0), "not sCR: clonal cells not negative"),
        # NE
        (is_ne & x.post & ~x.has_baseline, "no baseline assessment"),
        (is_ne & x.has_baseline & any_missing, missing),
        (is_ne & x.has_baseline & ~any_missing & ~x.f_plasma_only,
         "nothing measurable at baseline, and neither CR/sCR nor progression"),
        # VGPR..SD (and NE when a missing measure leaves the category unknown): each followed measure
        (describe & x.f_serum & ~np.isnan(x.serum),
         _measure("serum M", x.serum_imputed, x.serum, x.b_serum, 2, " g/dL")),
        (describe & x.f_urine & ~np.isnan(x.urine),
         _measure("urine M", x.urine_imputed, x.urine, x.b_urine, 0, " mg/24 h")),
        (describe & x.f_dflc & ~np.isnan(x.dflc), _measure("dFLC", None, x.dflc, x.b_dflc, 1, " mg/L")),
        (describe & x.f_marrow & ~np.isnan(x.marrow),
         _measure("marrow plasma cells", None, x.marrow, x.b_marrow, 1, "%")),
        (describe & x.f_plasma, plasma),
        (describe & x.f_plasma & (x.cap > x.reached), "capped by the plasmacytoma requirement"),
        (describe & x.ife_negative & ~x.cr & x.post, not_cr),
    ])
    return np.where(rank >= 0, text.cat(category_names(rank).astype(str), ": ", body), None).astype(object)


def _primary_pct_change(x: Context, is_baseline: np.ndarray) -> np.ndarray:
    v = np.select([x.f_serum, x.f_urine, x.f_dflc, x.f_marrow, x.f_plasma_only],
                  [x.serum, x.urine, x.dflc, x.marrow, x.spd], np.nan)
    b = np.select([x.f_serum, x.f_urine, x.f_dflc, x.f_marrow, x.f_plasma_only],
                  [x.b_serum, x.b_urine, x.b_dflc, x.b_marrow, x.b_spd], np.nan)
    return np.where(x.post | is_baseline, _pct(v, b), np.nan)


def categorize(prep: Prepared, base: Baseline) -> Categories:
    """Category, rule and reason at every assessment after baseline (rows sorted as ``prep.rows``)."""
    x = Context(prep, base)
    cat_rules = R.CATEGORY_RULES
    conditions = [np.asarray(PREDICATES[r.rule_id](x), dtype=bool) & x.post for r in cat_rules]
    which = np.select(conditions, np.arange(len(cat_rules)), -1)
    rule_ids = np.array([*(r.rule_id for r in cat_rules), None], dtype=object)[which]
    rank = np.array([*(RESPONSE_RANK[r.category] for r in cat_rules), -1], dtype=np.int64)[which]
    responded = (rank >= SCR) & (rank <= MR)
    lab_based = np.where(rank == PD, x.pd_lab & ~x.pd_other,
                         responded & (x.f_serum | x.f_urine | x.f_dflc | ((rank <= CR) & ~x.f_marrow)))
    relapse = x.post & ((x.serum_ife == 1) | (x.urine_ife == 1) | ge(x.marrow, R.CR_MARROW_PCT))
    return Categories(rank=rank, rule=rule_ids, reason=_reasons(x, rank), lab_based=lab_based,
                      pct_change=_primary_pct_change(x, base.is_baseline), relapse_signal=relapse)
