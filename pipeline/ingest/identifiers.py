"""Patterns for personal identifiers inside a cell, and the redaction every message goes through.

Every pattern here is linear in the length of the text: each alternative has a bounded length (an ID
number is 18 characters, a mobile number at most 17, an e-mail address at most 64 + 1 + 253), so the
regular-expression engine tries a bounded amount of work at each position and never backtracks over
the whole cell. ``tests/ingest/test_identifiers.py`` times them on 50k-character hostile cells.

Kinds (searched anywhere in a cell, so "call 13812345678" in a free-text column is found):

- a Chinese resident ID number (GB 11643-1999): 18 characters, region, birth date 1800-2099, sequence,
  and the ISO 7064 MOD 11-2 check character; an 18-digit number whose check character is wrong is not
  taken for an ID by the screen (lab values, sample numbers), but it is still masked in messages;
- a Chinese mobile number: 1[3-9]x xxxx xxxx, optionally with +86/0086 and spaces or hyphens;
- an e-mail address.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

#: An 18-character ID number anywhere in a cell (not inside a longer number or decimal).
ID18 = re.compile(r"(?<![\d.])[1-9]\d{5}(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[\dXx](?!\d)")
#: A mobile number anywhere in a cell: 13812345678, 138-1234-5678, +86 138 1234 5678.
MOBILE = re.compile(r"(?<![\d.])(?:(?:\+|00)?86[- ]?)?1[3-9]\d[- ]?\d{4}[- ]?\d{4}(?![\d.]?\d)")
#: An e-mail address anywhere in a cell (local part and labels bounded, so the search stays linear).
EMAIL = re.compile(r"(?<![\w.%+-])[\w.%+-]{1,64}@[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63}){0,8}"
                   r"\.[A-Za-z]{2,24}(?![\w-])")

_DIGITS_7 = re.compile(r"\d{3}[- ]?\d{4}")

KIND_ID18 = "18-digit resident ID numbers"
KIND_MOBILE = "11-digit mobile phone numbers"
KIND_EMAIL = "e-mail addresses"

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"

WITHHELD = "<withheld>"

#: Invisible or look-alike characters a user cannot see in a message: shown by name, e.g. <U+200B>.
INVISIBLE = "\u00a0\u00ad\u180e\u200b\u200c\u200d\u200e\u200f\u2028\u2029\u202a\u202b\u202c\u202d\u202e" \
            "\u2060\u2061\u2062\u2063\u2064\u2066\u2067\u2068\u2069\ufeff\ufff9\ufffa\ufffb"
_SHOW = re.compile("[" + INVISIBLE + "\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def id18_checksum_ok(s: str) -> bool:
    """ISO 7064 MOD 11-2 check character of an 18-character resident ID number (GB 11643-1999)."""
    total = sum(int(c) * w for c, w in zip(s[:17], _WEIGHTS, strict=True))
    return _CHECK[total % 11] == s[17].upper()


def _has_valid_id18(text: str) -> bool:
    return any(id18_checksum_ok(m.group(0)) for m in ID18.finditer(text))


def screen_texts(txt: pd.Series) -> dict[str, pd.Series]:
    """Boolean masks, by kind, of the texts (already ``as_text``-ed, missing = None) holding an identifier.

    Vectorised over the Series (pass distinct values); the checksum runs only on the few ID-shaped ones.
    """
    s = txt.fillna("").astype(str)
    # cheap pre-filter: every ID number (17 digits in a row) and mobile number (1[3-9]x, maybe a space or
    # hyphen, then 4 digits) holds 3 digits, maybe a space or hyphen, then 4 digits; a date does not
    digits = s.str.contains(_DIGITS_7, regex=True)
    id_shape = pd.Series(False, index=s.index)
    mobile = pd.Series(False, index=s.index)
    if digits.any():
        cand = s[digits]
        shaped = cand[cand.str.contains(ID18, regex=True)]
        id_shape.loc[shaped.index] = shaped.map(_has_valid_id18).astype(bool)
        mobile.loc[cand.index] = cand.str.contains(MOBILE, regex=True).to_numpy()
    at = s.str.contains("@", regex=False)
    email = pd.Series(False, index=s.index)
    if at.any():
        email.loc[s[at].index] = s[at].str.contains(EMAIL, regex=True).to_numpy()
    return {KIND_ID18: id_shape, KIND_MOBILE: mobile, KIND_EMAIL: email}


def redact(text: str | None) -> str | None:
    """``text`` with every identifier-looking run replaced by <withheld> and invisible characters named.

    Over-masks on purpose: an 18-digit ID shape is masked whatever its check character.
    """
    if text is None:
        return None
    if not isinstance(text, str):
        text = str(text)
    if any(ch.isdigit() for ch in text) or "@" in text:
        text = EMAIL.sub(WITHHELD, MOBILE.sub(WITHHELD, ID18.sub(WITHHELD, text)))
    return show_invisible(text)


def show_invisible(text: str) -> str:
    """Name invisible characters (zero-width space, BOM, NBSP, control characters) as <U+XXXX>."""
    return _SHOW.sub(lambda m: f"<U+{ord(m.group(0)):04X}>", text)


def codes_of(values: np.ndarray) -> tuple[np.ndarray, pd.Series]:
    """Factorise raw cells of any type: (codes, distinct values); missing cells get code -1."""
    codes, uniques = pd.factorize(pd.Series(values.ravel(), dtype=object), use_na_sentinel=True)
    return codes.reshape(values.shape), pd.Series(uniques, dtype=object)
