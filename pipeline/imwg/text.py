"""Vectorised text for the reasons the engine gives.

Text arrays use numpy's variable-width ``StringDType`` (string operations in C, several times faster than
Python ``object`` arrays); numbers and dates are formatted once per distinct value. Callers turn the
finished text into ``object`` columns with :func:`to_object`.
"""

from __future__ import annotations

import numpy as np
from numpy.dtypes import StringDType

STR = StringDType()


def _trim(s: str) -> str:
    if "." in s:
        s = s.rstrip("0").rstrip(".")
    return "0" if s in ("-0", "+0") else s


def as_text(x) -> np.ndarray:
    """A text array (``StringDType``); missing values (None) become "None" and must be masked out."""
    x = np.asarray(x)
    return x if x.dtype == STR else x.astype(STR)


def to_object(x, missing: np.ndarray | None = None) -> np.ndarray:
    """Text as a Python-string ``object`` array, None where ``missing``."""
    out = np.asarray(x).astype(object)
    if missing is not None:
        out[np.asarray(missing, dtype=bool)] = None
    return out


def fmt_num(x, decimals: int = 1, signed: bool = False) -> np.ndarray:
    """Numbers as text rounded to ``decimals`` (trailing zeros dropped), "NA" when missing.

    ``signed`` puts "+" before positive values (for changes). Each distinct rounded value is formatted
    once, so 10^6 rows cost one ``np.unique``.
    """
    x = np.atleast_1d(np.asarray(x, dtype=float))
    out = np.full(x.shape, "NA", dtype=STR)
    ok = np.isfinite(x)
    if ok.any():
        r = np.round(x[ok], decimals) + 0.0  # + 0.0 turns -0.0 into 0.0
        u, inv = np.unique(r, return_inverse=True)
        spec = f"+.{decimals}f" if signed else f".{decimals}f"
        labels = np.array([_trim(format(v, spec)) for v in u], dtype=STR)
        out[ok] = labels[inv.ravel()]
    return out


def fmt_date(d) -> np.ndarray:
    """Dates as YYYY-MM-DD, "NA" when missing."""
    d = np.atleast_1d(np.asarray(d, dtype="datetime64[ns]"))
    out = np.full(d.shape, "NA", dtype=STR)
    ok = ~np.isnat(d)
    if ok.any():
        u, inv = np.unique(d[ok].astype("datetime64[D]"), return_inverse=True)
        out[ok] = np.datetime_as_string(u, unit="D").astype(STR)[inv.ravel()]
    return out


def cat(*parts) -> np.ndarray:
    """Element-wise concatenation of text arrays and plain strings."""
    out = None
    for p in parts:
        p = p if isinstance(p, str) else as_text(p)
        out = p if out is None else np.strings.add(out, p)
    return as_text(out)


def join(n: int, parts, sep: str = "; ") -> np.ndarray:
    """Join, row by row, the fragments whose mask holds; rows with no fragment get "".

    ``parts`` is a list of (mask, text) pairs; ``text`` is a string, a length-``n`` array, or a function
    of the row indices where the mask holds returning their text (so it is built only for those rows).
    """
    out = np.full(n, "", dtype=STR)
    started = np.zeros(n, dtype=bool)
    for mask, t in parts:
        ix = np.flatnonzero(mask)
        if not len(ix):
            continue
        if callable(t):
            t = as_text(t(ix))
        elif isinstance(t, str):
            t = np.full(len(ix), t, dtype=STR)
        else:
            t = as_text(t)[ix]
        first = ~started[ix]
        out[ix[first]] = t[first]
        more = ix[~first]
        if len(more):
            out[more] = np.strings.add(np.strings.add(out[more], sep), t[~first])
        started[ix] = True
    return out
