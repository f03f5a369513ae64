"""Vectorised text for the reasons the engine gives.

Two forms. :class:`Text` (the rules' reasons, built by ``phrases``) is categorical: per-row integer
``codes`` into distinct ``labels``; joining and concatenating work on the codes, and strings are made
only once per distinct combination, so a million rows cost about as much as their distinct reasons.
The plain functions (:func:`cat`, :func:`join`, :func:`fmt_num`, ...) use numpy's variable-width
``StringDType`` arrays (string operations in C); numbers and dates are formatted once per distinct value.
Callers turn finished text into ``object`` columns with :func:`to_object` or :meth:`Text.strings`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from numpy.dtypes import StringDType

STR = StringDType()


def _trim(s: str) -> str:
    if "." in s:
        s = s.rstrip("0").rstrip(".")
    return "0" if s in ("-0", "+0") else s


def number_labels(values: np.ndarray, decimals: int, signed: bool = False) -> np.ndarray:
    """``format(v, ".<decimals>f")`` of each (already rounded, finite) value, trailing zeros and a
    trailing point dropped, "0" for -0 and +0; "+" before positive values when ``signed``. Words
    integers in C (the digits of round(v * 10^decimals)); values of 10^15 or more use ``format``."""
    values = np.asarray(values, dtype=float)
    out = np.empty(len(values), dtype=object)
    big = ~(np.abs(values) < 1e15)
    spec = f"+.{decimals}f" if signed else f".{decimals}f"
    out[big] = [_trim(format(v, spec)) for v in values[big]]
    k = np.rint(values[~big] * 10.0**decimals).astype(np.int64)
    whole, frac = np.divmod(np.abs(k), 10**decimals)
    words = np.strings.add(np.where(k < 0, "-", "+" if signed else "").astype(STR), whole.astype(STR))
    if decimals:
        frac = np.strings.rstrip(np.strings.zfill(frac.astype(STR), decimals), "0")
        words = np.where(frac == "", words, np.strings.add(np.strings.add(words, "."), frac))
    words = np.where(k == 0, "0", words)
    out[~big] = words.astype(object)
    return out


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
        labels = number_labels(u, decimals, signed).astype(STR)
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


# --- categorical text ----------------------------------------------------------------------------

_KEY_LIMIT = 2**62  # combined codes stay below this (int64)


class Text:
    """Text over ``len(codes)`` rows: row ``r`` reads ``labels[codes[r]]`` (``labels``: an ``object``
    array of Python strings, not necessarily distinct)."""

    __slots__ = ("codes", "labels")

    def __init__(self, labels, codes):
        self.labels = np.asarray(labels, dtype=object)
        self.codes = np.asarray(codes, dtype=np.intp)

    def __len__(self) -> int:
        return len(self.codes)

    def __getitem__(self, rows) -> Text:
        return Text(self.labels, self.codes[rows])

    def strings(self) -> np.ndarray:
        """The text of every row, an ``object`` array (rows with equal text share one string)."""
        return self.labels[self.codes]

    @classmethod
    def const(cls, s: str, n: int) -> Text:
        return cls(np.array([s], dtype=object), np.zeros(n, dtype=np.intp))

    @classmethod
    def of(cls, values) -> Text:
        """Text from an array of strings (each distinct string kept once; None is not a string)."""
        codes, uniques = pd.factorize(np.asarray(values, dtype=object), use_na_sentinel=False)
        return cls(np.asarray(uniques, dtype=object), codes)


def _compact(key: np.ndarray) -> tuple[np.ndarray, int]:
    codes, uniques = pd.factorize(key)
    return codes.astype(np.int64), len(uniques)


def _distinct(texts: list[Text], n: int) -> tuple[np.ndarray, np.ndarray]:
    """Codes of the distinct combinations of the texts' codes, and one representative row of each."""
    key, size = np.zeros(n, dtype=np.int64), 1
    for t in texts:
        k = max(len(t.labels), 1)
        if size * k >= _KEY_LIMIT:
            key, size = _compact(key)
        key = key * k + t.codes
        size *= k
    codes, size = _compact(key)
    rep = np.empty(size, dtype=np.intp)
    rep[codes] = np.arange(n)  # any row of a combination will do: its parts are the same
    return codes, rep


def number(x, decimals: int = 1, signed: bool = False) -> Text:
    """Numbers as :func:`fmt_num` words them ("NA" when missing), each distinct value formatted once."""
    x = np.atleast_1d(np.asarray(x, dtype=float))
    rounded = np.round(x, decimals) + 0.0  # + 0.0 turns -0.0 into 0.0
    rounded[~np.isfinite(x)] = np.nan
    codes, uniques = pd.factorize(rounded)
    labels = np.append(number_labels(uniques, decimals, signed), "NA").astype(object)
    return Text(labels, np.where(codes < 0, len(uniques), codes))


def day(d) -> Text:
    """Dates as :func:`fmt_date` words them (YYYY-MM-DD, "NA" when missing)."""
    d = np.atleast_1d(np.asarray(d, dtype="datetime64[ns]")).astype("datetime64[D]")
    codes, uniques = pd.factorize(d.view(np.int64))
    uniques = np.asarray(uniques, dtype=np.int64).view("datetime64[D]")
    labels = np.where(np.isnat(uniques), "NA", np.datetime_as_string(uniques, unit="D")).astype(object)
    return Text(labels, codes)


def concat(*parts) -> Text:
    """Row-wise concatenation of texts and plain strings (at least one :class:`Text`, all of one length)."""
    texts = [p for p in parts if isinstance(p, Text)]
    n = len(texts[0])
    if len(texts) == 1:  # one text: word its labels, keep its codes
        codes, rep_labels = texts[0].codes, None
    else:
        codes, rep = _distinct(texts, n)
        rep_labels = {id(t): t.labels[t.codes[rep]] for t in texts}
    out = None
    for p in parts:
        if isinstance(p, Text):
            p = p.labels if rep_labels is None else rep_labels[id(p)]
        out = p if out is None else out + p
    return Text(out if isinstance(out, np.ndarray) else np.array([out], dtype=object), codes)


def choose(mask, a, b) -> Text:
    """Row-wise ``a`` where ``mask`` holds, else ``b`` (texts or plain strings)."""
    mask = np.asarray(mask, dtype=bool)
    a = a if isinstance(a, Text) else Text.const(a, len(mask))
    b = b if isinstance(b, Text) else Text.const(b, len(mask))
    return Text(np.concatenate([a.labels, b.labels]), np.where(mask, a.codes, b.codes + len(a.labels)))


def join_text(n: int, parts, sep: str = "; ") -> Text:
    """Row by row, the texts of the parts whose mask holds, joined by ``sep``; rows with none get "".

    ``parts``: (mask, text) pairs; ``text`` is a string, a :class:`Text` of length ``n``, or a function of
    the row indices where the mask holds returning their :class:`Text` (built only for those rows).
    Strings are made once per distinct combination of the parts' texts.
    """
    built, key, size = [], np.zeros(n, dtype=np.int64), 1
    for mask, t in parts:
        ix = np.flatnonzero(mask)
        if not len(ix):
            continue
        t = Text.const(t, len(ix)) if isinstance(t, str) else t(ix) if callable(t) else t[ix]
        if len(t) != len(ix):
            raise ValueError(f"a part gave text for {len(t)} rows, but its mask holds at {len(ix)}")
        k = len(t.labels) + 1  # code 0: the part is absent
        if size * k >= _KEY_LIMIT:
            key, size = _compact(key)
        key *= k
        key[ix] += t.codes + 1
        size *= k
        built.append((ix, t))
    codes, size = _compact(key)
    rep = np.empty(size, dtype=np.intp)
    rep[codes] = np.arange(n)  # one row of each combination
    out = np.full(size, "", dtype=object)
    started = np.zeros(size, dtype=bool)
    for ix, t in built:
        at = np.flatnonzero(rep[codes[ix]] == ix)  # the part's rows that represent their combination
        combo, words = codes[ix[at]], t.labels[t.codes[at]]
        more = started[combo]
        out[combo[~more]] = words[~more]
        if more.any():
            out[combo[more]] = out[combo[more]] + sep + words[more]
        started[combo] = True
    return Text(out, codes)
