"""Tests comparing groups for a "Table 1 by group", as R's ``t.test``, ``wilcox.test``,
``kruskal.test``, ``oneway.test(var.equal = TRUE)``/``anova``, ``chisq.test`` and ``fisher.test``."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from scipy import stats
from scipy.special import gammaln

FISHER_RELERR = 1 + 1e-7  # fisher.test: tables with probability <= p_obs * (1 + 1e-7) count
MAX_STATES = 2_000_000


@dataclass(frozen=True)
class GroupTest:
    """A test's name (``t-test``, ``wilcoxon``, ``kruskal``, ``anova``, ``chisq``, ``fisher``) and p."""

    test: str
    p: float


def t_test_pooled(*samples) -> GroupTest:
    """Two-sample t-test with pooled variance. R: ``t.test(x ~ g, var.equal = TRUE)``."""
    return GroupTest("t-test", float(stats.ttest_ind(*samples, equal_var=True).pvalue))


def wilcoxon(x, y) -> GroupTest:
    """Wilcoxon rank-sum, normal approximation with tie and continuity correction.
    R: ``wilcox.test(x ~ g, exact = FALSE, correct = TRUE)``."""
    res = stats.mannwhitneyu(x, y, use_continuity=True, alternative="two-sided", method="asymptotic")
    return GroupTest("wilcoxon", float(res.pvalue))


def kruskal(*samples) -> GroupTest:
    """Kruskal-Wallis rank-sum test (tie-corrected). R: ``kruskal.test(x ~ g)``."""
    return GroupTest("kruskal", float(stats.kruskal(*samples).pvalue))


def anova(*samples) -> GroupTest:
    """One-way ANOVA F test. R: ``anova(lm(x ~ g))`` / ``oneway.test(var.equal = TRUE)``."""
    return GroupTest("anova", float(stats.f_oneway(*samples).pvalue))


def chisq(table) -> GroupTest:
    """Pearson chi-squared test without continuity correction. R: ``chisq.test(tab, correct = FALSE)``."""
    tab = np.asarray(table, dtype=np.float64)
    return GroupTest("chisq", float(stats.chi2_contingency(tab, correction=False).pvalue))


def expected_counts(table) -> np.ndarray:
    """Row total x column total / n per cell (the chi-squared expected counts)."""
    tab = np.asarray(table, dtype=np.float64)
    return np.outer(tab.sum(axis=1), tab.sum(axis=0)) / tab.sum()


def fisher(table) -> GroupTest:
    """Fisher's exact test for an r x c table, two-sided, as R's ``fisher.test``.

    The p-value sums the probabilities (multivariate hypergeometric, margins fixed) of every table
    no more probable than the observed one (relative tolerance 1e-7, as R). Exact, by the network
    algorithm of Mehta and Patel (1983): columns are filled one at a time; a node is the multiset of
    remaining row totals with the partial log-probabilities reaching it; a partial table whose every
    completion is surely less probable than the observed table adds its completions' total mass in
    closed form, one whose every completion is surely more probable is dropped (bounds from
    per-column relaxations), the rest are expanded.

    Raises
    ------
    ValueError
        More than 2,000,000 live partial tables (R's FEXACT would need a larger workspace too).
    """
    tab = np.asarray(table, dtype=np.int64)
    tab = tab[tab.sum(axis=1) > 0][:, tab.sum(axis=0) > 0]
    if tab.ndim != 2 or min(tab.shape) < 2:
        return GroupTest("fisher", 1.0)
    if tab.shape[0] > tab.shape[1]:
        tab = tab.T
    rows, cols = tab.sum(axis=1), tab.sum(axis=0)
    cols = np.sort(cols)[::-1]
    n = int(tab.sum())
    const = gammaln(rows + 1).sum() + gammaln(cols + 1).sum() - gammaln(n + 1)
    thr = const - gammaln(tab + 1).sum() + np.log(FISHER_RELERR)
    states = {tuple(sorted(int(r) for r in rows)): (np.zeros(1), np.ones(1))}
    total = 0.0
    for j in range(cols.size + 1):
        rest = tuple(int(c) for c in cols[j:])
        nxt: dict = {}
        for rem, (vals, cnts) in states.items():
            hi, lo = _bounds(rem, rest)
            surely_less = const + vals + hi <= thr
            mass = _mass(rem, rest)
            total += float((cnts[surely_less] * np.exp(const + vals[surely_less] + mass)).sum())
            keep = ~surely_less & (const + vals + lo <= thr)
            if j < cols.size and keep.any():
                _expand(nxt, rem, vals[keep], cnts[keep], rest[0])
        states = {k: _merge(v) for k, v in nxt.items()}
        if sum(v[0].size for v in states.values()) > MAX_STATES:
            raise ValueError("Fisher's exact test: table too large to compute exactly")
    return GroupTest("fisher", float(min(1.0, total)))


@lru_cache(maxsize=200_000)
def _mass(rem: tuple[int, ...], rest: tuple[int, ...]) -> float:
    """log of the sum over completions of prod 1/x! = log N! - sum log r! - sum log c!."""
    return float(gammaln(sum(rem) + 1) - gammaln(np.asarray(rem) + 1).sum() - gammaln(np.asarray(rest) + 1).sum())


@lru_cache(maxsize=200_000)
def _column_extremes(c: int, caps: tuple[int, ...]) -> tuple[float, float]:
    """Max and min over x >= 0, x <= caps, sum x = c of -sum log x! (even spread; fill the largest)."""
    caps = sorted(caps)
    even = [0] * len(caps)
    left = c
    for i, cap in enumerate(caps):  # water filling, smallest caps first
        share = min(cap, left // (len(caps) - i))
        even[i] = share
        left -= share
    i = len(caps) - 1
    while left > 0:  # remainder, one unit each to rows with room
        if even[i] < caps[i]:
            even[i] += 1
            left -= 1
        i = i - 1 if i > 0 else len(caps) - 1
    full, left = [], c
    for cap in caps[::-1]:
        take = min(cap, left)
        full.append(take)
        left -= take
    return -float(gammaln(np.asarray(even) + 1).sum()), -float(gammaln(np.asarray(full) + 1).sum())


@lru_cache(maxsize=200_000)
def _bounds(rem: tuple[int, ...], rest: tuple[int, ...]) -> tuple[float, float]:
    """Upper and lower bounds of a completion's -sum log x! over the remaining columns."""
    hi = lo = 0.0
    for c in rest:
        a, b = _column_extremes(c, rem)
        hi, lo = hi + a, lo + b
    return hi, lo


@lru_cache(maxsize=20_000)
def _compositions(total: int, caps: tuple[int, ...]) -> np.ndarray:
    """All vectors v >= 0 with v <= caps and sum(v) = total."""
    parts = np.zeros((1, 0), dtype=np.int64)
    for i, cap in enumerate(caps):
        rest = sum(caps[i + 1:])
        used = parts.sum(axis=1)
        cand = np.repeat(parts, cap + 1, axis=0)
        val = np.tile(np.arange(cap + 1), parts.shape[0])
        s = np.repeat(used, cap + 1) + val
        ok = (s <= total) & (s + rest >= total)
        parts = np.column_stack([cand[ok], val[ok]])
    return parts


def _expand(nxt: dict, rem, vals, cnts, cj: int) -> None:
    """Fill the next column every possible way; partial tables reaching the same multiset of remaining
    row totals go to the same node."""
    comps = _compositions(cj, rem)
    cost = -gammaln(comps + 1).sum(axis=1)
    newrem = np.sort(np.asarray(rem) - comps, axis=1)
    keys, inv = np.unique(newrem, axis=0, return_inverse=True)
    inv = inv.ravel()
    order = np.argsort(inv, kind="stable")
    bounds = np.searchsorted(inv[order], np.arange(keys.shape[0] + 1))
    for u in range(keys.shape[0]):
        ks = order[bounds[u]:bounds[u + 1]]
        v = (cost[ks, None] + vals[None, :]).ravel()
        nxt.setdefault(tuple(keys[u].tolist()), []).append((v, np.tile(cnts, ks.size)))


def _merge(parts) -> tuple[np.ndarray, np.ndarray]:
    """Concatenate the partial sums reaching a node, merging equal ones (to 1e-9) with their counts."""
    vals = np.concatenate([p[0] for p in parts])
    cnts = np.concatenate([p[1] for p in parts])
    keys, inv = np.unique(np.round(vals, 9), return_inverse=True)
    out_c = np.bincount(inv, weights=cnts, minlength=keys.size)
    out_v = np.zeros(keys.size)
    out_v[inv] = vals
    return out_v, out_c
