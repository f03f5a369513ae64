"""Risk-set sums of a Cox model, vectorised, with Efron or Breslow ties and optional strata.

Shared by the multivariable fit (:mod:`pipeline.stats.coxreg`) and the proportional-hazards test
(:mod:`pipeline.stats.zph`). One "term" per event: the Efron approximation (R survival's
``coxfit6.c``) gives the k-th of d tied events (k = 0..d-1) the risk set minus k/d of the tied
events; Breslow keeps the whole risk set for each (k/d replaced by 0).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass
class RiskSets:
    """Data sorted by (stratum, time), and the indexing needed to form risk-set sums.

    Attributes
    ----------
    x : numpy.ndarray
        (n, p) covariates, centred, sorted by (stratum, time).
    event : numpy.ndarray
        (n,) bool, sorted as ``x``.
    order : numpy.ndarray
        The sort permutation (original row of each sorted row).
    key : numpy.ndarray
        (n,) index of the row's distinct (stratum, time) block, 0..K-1, nondecreasing.
    starts : numpy.ndarray
        (K,) first sorted row of each block.
    next_stratum : numpy.ndarray
        (K,) index of the first block of the next stratum (K for the last stratum).
    rep, frac : numpy.ndarray
        (m,) per event term: its block and Efron fraction k/d (0 for Breslow).
    """

    x: np.ndarray
    event: np.ndarray
    order: np.ndarray
    key: np.ndarray
    starts: np.ndarray
    next_stratum: np.ndarray
    rep: np.ndarray
    frac: np.ndarray
    time: np.ndarray
    stratum: np.ndarray

    @classmethod
    def build(cls, time, event, x, stratum, ties: str) -> RiskSets:
        """Sort once; ``x`` is centred by its column means (as coxph does)."""
        time = np.asarray(time, dtype=np.float64)
        stratum = np.asarray(stratum, dtype=np.int64)
        order = np.lexsort((time, stratum))
        ts, ss = time[order], stratum[order]
        xs = np.asarray(x, dtype=np.float64)[order]
        xs = xs - xs.mean(axis=0)
        ev = np.asarray(event)[order].astype(bool)
        new = np.ones(ts.size, dtype=bool)
        new[1:] = (ts[1:] != ts[:-1]) | (ss[1:] != ss[:-1])
        starts = np.flatnonzero(new)
        key = np.cumsum(new) - 1
        kblocks = starts.size
        sblock = ss[starts]
        snew = np.ones(kblocks, dtype=bool)
        snew[1:] = sblock[1:] != sblock[:-1]
        sstart = np.flatnonzero(snew)
        nxt = np.append(sstart[1:], kblocks)
        next_stratum = np.repeat(nxt, np.diff(np.append(sstart, kblocks)))
        d = np.bincount(key[ev], minlength=kblocks)
        blocks = np.flatnonzero(d)
        dj = d[blocks]
        rep = np.repeat(blocks, dj)
        if ties == "efron":
            first = np.repeat(np.cumsum(dj) - dj, dj)
            frac = (np.arange(rep.size) - first) / np.repeat(dj, dj)
        else:
            frac = np.zeros(rep.size)
        return cls(xs, ev, order, key, starts, next_stratum, rep, frac, ts, ss)

    @property
    def n(self) -> int:
        return int(self.x.shape[0])

    def _block_sums(self, w: np.ndarray, mask: np.ndarray | None = None) -> np.ndarray:
        """Sum of w (n, ...) over each block; with ``mask`` (the events) only over its rows, as
        (K, ...) with zeros where a block has none."""
        if mask is None:
            return np.add.reduceat(w, self.starts, axis=0)
        rows = np.flatnonzero(mask)
        k = self.key[rows]
        first = np.flatnonzero(np.r_[True, k[1:] != k[:-1]])
        out = np.zeros((self.starts.size,) + w.shape[1:])
        out[k[first]] = np.add.reduceat(w[rows], first, axis=0)
        return out

    def _at_risk(self, blocks: np.ndarray) -> np.ndarray:
        """Sum over the blocks of the same stratum at or after each block (the risk set)."""
        rc = np.cumsum(blocks[::-1], axis=0)[::-1]
        rc = np.concatenate([rc, np.zeros((1,) + rc.shape[1:])], axis=0)
        return rc[:-1] - rc[self.next_stratum]

    def sums(self, beta: np.ndarray):
        """Per event term: S0 (m,), S1 (m, p), and the linear predictor (n,).

        S_k = sum over the (Efron-reduced) risk set of exp(x beta) x^(tensor k).
        """
        lp = self.x @ beta
        r = np.exp(lp)
        rx = r[:, None] * self.x
        j, f = self.rep, self.frac
        self._r = r
        out = []
        for w in (r, rx):
            risk = self._at_risk(self._block_sums(w))
            dead = self._block_sums(w, self.event)
            fr = f.reshape((-1,) + (1,) * (w.ndim - 1))
            out.append(risk[j] - fr * dead[j])
        return out[0], out[1], lp

    def second(self, s0: np.ndarray, weights: list[np.ndarray]) -> list[np.ndarray]:
        """sum_k w_k S2_k / S0_k (p, p) for each per-term weight vector w, at the beta of the last
        :meth:`sums` call, without forming the (m, p, p) array: S2_k = R2[b] - f_k D2[b] for the
        term's block b, so the sum is sum_b R2[b] sum_k w_k / S0_k - D2[b] sum_k w_k f_k / S0_k."""
        x = self.x
        rxx = (self._r[:, None] * x)[:, :, None] * x[:, None, :]
        risk = self._at_risk(self._block_sums(rxx))
        dead = self._block_sums(rxx, self.event)
        blocks = np.unique(self.rep)
        pos = np.searchsorted(blocks, self.rep)
        r2, d2 = risk[blocks], dead[blocks]
        out = []
        for w in weights:
            a = np.bincount(pos, weights=w / s0, minlength=blocks.size)
            b = np.bincount(pos, weights=w * self.frac / s0, minlength=blocks.size)
            out.append(np.tensordot(a, r2, axes=1) - np.tensordot(b, d2, axes=1))
        return out
