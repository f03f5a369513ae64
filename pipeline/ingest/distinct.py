"""A column's cells as codes into its distinct values, so each value is looked at once, not once per cell.

An export repeats its values (dates, categories, lab values, the same patient ID on every assessment), so
cleaning, identifier screening, value mapping and parsing work on the distinct values and spread the
answer back to the cells by code. ``load`` makes a ``Distinct`` per column while it reads the file; the
later steps reuse it instead of hashing every cell again.

A ``Distinct`` is exactly what ``pd.factorize`` gives for the cells (its codes in the narrowest integer
type: they live as long as the raw table): missing cells (None, NaN, NaT, NA) have code -1, and the
distinct values are in the order the cells first show them, each the first cell's object (cells that
compare equal share one value, as factorize makes them).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd


def small_codes(codes: np.ndarray, n_values: int) -> np.ndarray:
    """``codes`` in the narrowest signed integer type that holds them and ``n_values`` itself."""
    for t in (np.int8, np.int16, np.int32):
        if n_values < np.iinfo(t).max:
            return codes.astype(t, copy=False)
    return codes.astype(np.int64, copy=False)


@dataclass(frozen=True)
class Distinct:
    codes: np.ndarray  # one per cell: index into ``values``; -1 = missing
    values: np.ndarray  # object: the distinct non-missing values, in order of first appearance

    @classmethod
    def of(cls, cells: pd.Series | np.ndarray) -> Distinct:
        codes, uniques = pd.factorize(np.asarray(cells, dtype=object), use_na_sentinel=True)
        return cls(small_codes(codes, len(uniques)), np.asarray(uniques, dtype=object))

    @classmethod
    def from_codes(cls, codes: np.ndarray, values: np.ndarray) -> Distinct:
        """From codes into any values (unused ones, repeats, missing ones allowed): as ``of`` would give."""
        used = pd.unique(codes[codes >= 0])  # the codes in order of first appearance
        v_codes, uniques = pd.factorize(np.asarray(values, dtype=object)[used], use_na_sentinel=True)
        remap = np.full(len(values) + 1, -1, dtype=np.int64)  # the extra last slot keeps -1 at -1
        remap[used] = v_codes
        return cls(small_codes(remap[codes], len(uniques)), np.asarray(uniques, dtype=object))

    def cells(self, out: np.ndarray | None = None) -> np.ndarray:
        """The cells again (object array), None where missing; written into ``out`` if given."""
        return np.take(np.append(self.values, [None]), self.codes, out=out, mode="wrap")  # -1 wraps to None

    def spread(self, per_value: np.ndarray, missing: object) -> np.ndarray:
        """One entry per cell from one entry per distinct value (``missing`` where the cell is missing)."""
        return np.append(per_value, np.asarray([missing], dtype=per_value.dtype))[self.codes]

    def take(self, rows: np.ndarray) -> Distinct:
        """A subset of the rows (a boolean mask or positions), as ``of`` would give for those cells."""
        return Distinct.from_codes(self.codes[rows], self.values)
