"""The IMWG category at each assessment, before confirmation, with its reason
(docs/IMWG_RULES.md, 'Category at one assessment').

``Context`` computes, for every row at once, the values the rules look at: each followed measure
against its baseline (response) and its nadir (progression), the response level each followed measure
reaches by the response rules' ``measures``, the most recent marrow and imaging, and immunofixation.
:func:`categorize` evaluates the rule objects of ``rules.CATEGORY_RULES`` (condition, reason) in order:
the category is the first rule that holds.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from pipeline.imwg import groups, phrases, text
from pipeline.imwg import rules as R
from pipeline.imwg.baseline import Baseline, dflc, flc_ratio, ratio_normal, with_ife_zero
from pipeline.imwg.prepare import Prepared
from pipeline.imwg.rules import ge
from pipeline.vocab import RESPONSE_ORDER, RESPONSE_RANK

SCR, CR, VGPR, PR, MR, SD, PD, NE = (RESPONSE_RANK[c] for c in ("sCR", "CR", "VGPR", "PR", "MR", "SD", "PD", "NE"))
#: Category names by rank; index -1 (no category: baseline and pre-treatment rows) gives None.
NAMES = np.array([*RESPONSE_ORDER, None], dtype=object)


def category_names(rank: np.ndarray) -> np.ndarray:
    return NAMES[np.asarray(rank, dtype=np.int64)]


class Context:
    """Per-row values the category rules read (rows sorted by patient, then date)."""

    def __init__(self, prep: Prepared, base: Baseline, rules: tuple[R.CategoryRule, ...] | None = None):
        rules = R.CATEGORY_RULES if rules is None else rules
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

        self._levels(rules)
        self.ratio_normal = ratio_normal(self.ratio)
        urine_ife_ok = (self.urine_ife == 0) | (np.isnan(self.urine_ife) & ~self.urine_ever_measurable)
        self.ife_negative = (self.serum_ife == 0) & urine_ife_ok

    def _ladder(self, rules: tuple[R.CategoryRule, ...], measure: str) -> np.ndarray:
        """Per row, the rank of the first response rule whose criterion for ``measure`` holds; SD when none."""
        steps = [(RESPONSE_RANK[r.category], r.measures[measure]) for r in rules if measure in r.measures]
        if not steps:
            return np.full(self.n, SD)
        return np.select([np.asarray(f(self), dtype=bool) for _, f in steps], [rank for rank, _ in steps], SD)

    def _levels(self, rules: tuple[R.CategoryRule, ...]) -> None:
        """The response level each followed measure reaches (by the response rules' ``measures``), and the
        category they reach together."""
        def level(measure, value):  # NaN where not measured
            return np.where(np.isnan(value), np.nan, self._ladder(rules, measure))

        self.level_serum = level("serum", self.serum)
        self.level_urine = level("urine", self.urine)
        self.level_dflc = level("dflc", self.dflc)
        self.level_marrow = level("marrow", self.marrow)
        self.level_plasma = level("plasmacytoma_alone", self.spd_last)
        # The plasmacytoma requirement caps what the other measures reach (0 = no cap: gone, or none).
        self.cap = np.where(~self.f_plasma | (self.spd_last == 0), 0, self._ladder(rules, "plasmacytoma"))

        followed = np.stack([self.f_serum, self.f_urine, self.f_dflc, self.f_marrow, self.f_plasma_only])
        levels = np.stack([self.level_serum, self.level_urine, self.level_dflc, self.level_marrow,
                           self.level_plasma])
        present = followed & ~np.isnan(levels)
        self.missing = followed & np.isnan(levels)
        self.worst_present = np.max(np.where(present, levels, -1.0), axis=0)
        self.any_missing = self.missing.any(axis=0)
        # ``reached``: the category the followed measures reach together (the worst of them); NaN when
        # none was measured, or when a missing one could change a response the others give.
        self.indeterminate = self.any_missing & (self.worst_present >= 0) & (self.worst_present < SD)
        self.reached = np.where((self.worst_present < 0) | self.indeterminate, np.nan, self.worst_present)


#: The condition of each category rule (rules.CATEGORY_RULES), by rule_id: a view of the rule objects.
PREDICATES: dict[str, Callable[[Context], np.ndarray]] = {r.rule_id: r.condition for r in R.CATEGORY_RULES}


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


def _fragments(reason: list, held: np.ndarray, rows: np.ndarray) -> list:
    """A rule's reason fragments as (mask, text) over ``rows`` (where the rule ``held``)."""
    out = []
    for f in reason:
        mask, words = f if isinstance(f, tuple) else (None, f)
        mask = held if mask is None else held & np.asarray(mask, dtype=bool)[rows]
        out.append((mask, words if isinstance(words, str) else lambda j, words=words: words(rows[j])))
    return out


def _reasons(x: Context, rules: tuple[R.CategoryRule, ...], holds: list[np.ndarray], rank: np.ndarray) -> np.ndarray:
    """"<category>: <why>" per categorised row: the fragments of every rule of the row's category that
    holds there, in rule order (rules.CategoryRule); None for rows without a category."""
    out = np.full(x.n, None, dtype=object)
    for category in dict.fromkeys(r.category for r in rules):
        rows = np.flatnonzero(rank == RESPONSE_RANK[category])
        if not len(rows):
            continue
        parts = []
        for rule, held in zip(rules, holds, strict=True):
            if rule.category == category and held[rows].any():
                parts += _fragments(rule.reason(x), held[rows], rows)
        out[rows] = text.concat(f"{category}: ", text.join_text(len(rows), parts)).strings()
    return out


def _primary_pct_change(x: Context, is_baseline: np.ndarray) -> np.ndarray:
    v = np.select([x.f_serum, x.f_urine, x.f_dflc, x.f_marrow, x.f_plasma_only],
                  [x.serum, x.urine, x.dflc, x.marrow, x.spd], np.nan)
    b = np.select([x.f_serum, x.f_urine, x.f_dflc, x.f_marrow, x.f_plasma_only],
                  [x.b_serum, x.b_urine, x.b_dflc, x.b_marrow, x.b_spd], np.nan)
    return np.where(x.post | is_baseline, phrases.pct(v, b), np.nan)


def categorize(prep: Prepared, base: Baseline, rules: tuple[R.CategoryRule, ...] | None = None) -> Categories:
    """Category, rule and reason at every assessment after baseline (rows sorted as ``prep.rows``): the first
    of ``rules`` (default ``rules.CATEGORY_RULES``) that holds, in order."""
    rules = R.CATEGORY_RULES if rules is None else rules
    x = Context(prep, base, rules)
    holds = [np.asarray(r.condition(x), dtype=bool) & x.post for r in rules]
    which = np.select(holds, np.arange(len(rules)), -1)
    rule_ids = np.array([*(r.rule_id for r in rules), None], dtype=object)[which]
    rank = np.array([*(RESPONSE_RANK[r.category] for r in rules), -1], dtype=np.int64)[which]
    responded = (rank >= SCR) & (rank <= MR)
    # A PD needs confirmation when only progression criteria that need it (serum, urine, FLC) are met.
    pd_met = {c: np.zeros(x.n, dtype=bool) for c in (R.CONFIRM_REQUIRED, R.CONFIRM_NOT_REQUIRED)}
    for r, held in zip(rules, holds, strict=True):
        if r.category == "PD":
            pd_met[r.confirmation or R.CONFIRM_NOT_REQUIRED] |= held
    lab_based = np.where(rank == PD, pd_met[R.CONFIRM_REQUIRED] & ~pd_met[R.CONFIRM_NOT_REQUIRED],
                         responded & (x.f_serum | x.f_urine | x.f_dflc | ((rank <= CR) & ~x.f_marrow)))
    relapse = x.post & ((x.serum_ife == 1) | (x.urine_ife == 1) | ge(x.marrow, R.CR_MARROW_PCT))
    return Categories(rank=rank, rule=rule_ids, reason=_reasons(x, rules, holds, rank), lab_based=lab_based,
                      pct_change=_primary_pct_change(x, base.is_baseline), relapse_signal=relapse)
