"""Patterns for personal identifiers inside a cell, and the redaction every message goes through.

Every pattern here is linear in the length of the text: each alternative has a bounded length (an ID
number is 18 characters, a mobile number at most 17, an e-mail address at most 64 + 1 + 253), so the
regular-expression engine tries a bounded amount of work at each position and never backtracks over
the whole cell. ``tests/ingest/test_identifiers.py`` times them on 50k-character hostile cells.

Kinds (searched anywhere in a cell, so "call 13812345678" in a free-text column is found):

- a Chinese resident ID number (GB 11643-1999): 18 characters, region, birth date 1800-2099, sequence,
  and the ISO 7064 MOD 11-2 check character; an 18-digit number whose check character is wrong is not
  taken for an ID by the screen (lab values, sample numbers), but it is still masked in messages;
- a first-generation ID number (15 digits, no check digit): a province code (11-15, 21-23, 31-37, 41-46,
  50-54, 61-65, 71, 81, 82), 4 more area digits, a birth date YYMMDD that is a real date in 19YY, and a
  3-digit sequence; only as a run of its own (not inside a longer run of digits, not part of a decimal),
  so a longer number, an 18-digit one with a wrong check character or a decimal is not one;
- a Chinese mobile number: 1[3-9]x xxxx xxxx, optionally with +86/0086 and spaces or hyphens;
- an e-mail address;
- an ID or mobile number stored as a number (``screen_texts(txt, raw)``; the whole cell only): an Excel
  number cell keeps 15 significant digits, so an 18-digit ID number comes back as 1.10105199003071E+17 or
  110105199003071000 (or, through a float, 110105199003071008) and its check character is lost. A cell that
  is a number (int or float, as xlsx and SPSS give them) or text written like one (1.10105199003071e+17 with
  at least 10 significant digits, 13812345678.0, an 18-digit run ending in 000) is refused when its whole
  value has 18 digits with a province code and a birth date (19xx or 20xx) in place, 15 digits with a
  province code and a 19YY birth date in place, or 11 digits shaped 1[3-9]xxxxxxxxx;
- an ID number a spreadsheet shortened (``is_shortened_id``; the whole cell only): Excel's CSV export of
  a General cell writes an 18-digit number as 1.10105E+17, six significant digits. The birth date is gone,
  so the cell no longer identifies anyone, but the column it came from holds ID numbers, and the same
  export as xlsx, or with the column formatted as text, would carry them whole. No clinical value reaches
  10^14, so scientific notation with the exponent of a 15- or 18-digit number is refused when its digits
  could begin an ID number: a province code first, and whatever of the birth date is shown a possible
  one (the last digit shown may be rounded, so it is not checked).
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation

import numpy as np
import pandas as pd

#: An 18-character ID number anywhere in a cell (not inside a longer number or decimal).
ID18 = re.compile(r"(?<![\d.])[1-9]\d{5}(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[\dXx](?!\d)")
#: A mobile number anywhere in a cell: 13812345678, 138-1234-5678, +86 138 1234 5678.
MOBILE = re.compile(r"(?<![\d.])(?:(?:\+|00)?86[- ]?)?1[3-9]\d[- ]?\d{4}[- ]?\d{4}(?![\d.]?\d)")
#: An e-mail address anywhere in a cell (local part and labels bounded, so the search stays linear).
EMAIL = re.compile(r"(?<![\w.%+-])[\w.%+-]{1,64}@[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63}){0,8}"
                   r"\.[A-Za-z]{2,24}(?![\w-])")

#: The first two digits of an ID number: a province-level region (GB/T 2260), Taiwan, Hong Kong or Macau.
_PROVINCE = r"(?:1[1-5]|2[1-3]|3[1-7]|4[1-6]|5[0-4]|6[1-5]|71|8[12])"
#: A first-generation 15-digit ID number as a token of its own (the birth date is checked in code).
ID15 = re.compile(r"(?<![\d.])" + _PROVINCE + r"\d{4}\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}(?!\.?\d)")
#: A whole cell written like a number that may be an ID or mobile number: scientific notation with 10-17
#: significant digits and the exponent of an 11-, 15- or 18-digit number, a whole number with a zero
#: decimal part, or 18 digits whose last three are zero (what Excel keeps of an 18-digit number).
NUMBER_TEXT = re.compile(r"[1-9]\.\d{9,16}[eE]\+?(?:10|14|17)|(?:\d{11}|\d{15}|\d{18})\.0{1,6}|\d{15}000")
#: The same forms, and shortened ID numbers (1.10105E+17), anywhere in a message (masked by ``redact``).
_NUMBER_ANYWHERE = re.compile(r"(?<![\d.])(?:[1-9]\.\d{9,16}[eE]\+?(?:10|14|17)|[1-9]\.\d{1,16}[eE]\+?(?:14|17)"
                              r"|\d{11,18}\.0{1,6})(?![\d.])")
#: The digits of a whole number that is an ID number (18 or 15 digits) or a mobile number (11).
_WHOLE_ID18 = re.compile(_PROVINCE + r"\d{4}((?:19|20)\d{2})(\d{2})(\d{2})\d{4}")
_WHOLE_ID15 = re.compile(_PROVINCE + r"\d{4}(\d{2})(\d{2})(\d{2})\d{3}")
_WHOLE_MOBILE = re.compile(r"1[3-9]\d{9}")
_PLAIN = re.compile(r"\d{11}|\d{15}|\d{18}")
#: A number in scientific notation the size of a 15- or 18-digit number (what ``is_shortened_id`` reads).
_SCIENTIFIC_ID_SIZE = re.compile(r"([1-9])\.(\d{1,16})[eE]\+?(14|17)")

_DIGITS_7 = re.compile(r"\d{3}[- ]?\d{4}")
_DIGITS_9 = re.compile(r"\d{9}")

KIND_ID18 = "18-digit resident ID numbers"
KIND_ID15 = "15-digit resident ID numbers"
KIND_MOBILE = "11-digit mobile phone numbers"
KIND_EMAIL = "e-mail addresses"
KIND_NUMBER = "resident ID or mobile numbers stored as numbers"
KIND_SHORTENED = "resident ID numbers a spreadsheet shortened to a few digits"

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


def _real_date(year: int, month: int, day: int) -> bool:
    try:
        dt.date(year, month, day)
    except ValueError:
        return False
    return True


def _has_valid_id15(text: str) -> bool:
    """A 15-digit ID-shaped token whose birth date (digits 7-12, YYMMDD) is a real date in 19YY."""
    return any(_real_date(1900 + int(m.group(0)[6:8]), int(m.group(0)[8:10]), int(m.group(0)[10:12]))
               for m in ID15.finditer(text))


def whole_number_is_id(text: str) -> bool:
    """True when ``text`` (a number's digits, or a number written as text) is a whole number whose digits
    are an 18- or 15-digit ID number (province code and birth date in place) or an 11-digit mobile number."""
    try:
        d = Decimal(text)
    except InvalidOperation:
        return False
    # 11, 15 or 18 digits before the point (checked first: 1e999999999 is never written out)
    if not d.is_finite() or d < 1 or d.adjusted() not in (10, 14, 17) or d != d.to_integral_value():
        return False
    digits = str(int(d))
    if _WHOLE_MOBILE.fullmatch(digits):
        return True
    m = _WHOLE_ID18.fullmatch(digits) or _WHOLE_ID15.fullmatch(digits)
    if m is None:
        return False
    year = int(m.group(1)) + (1900 if len(digits) == 15 else 0)
    return _real_date(year, int(m.group(2)), int(m.group(3)))


def _date_prefixes(n: int) -> frozenset[str]:
    """Every start, up to the month, of a birth date an ``n``-digit ID number can hold: YYYYMM in 1800-2099
    (18 digits) or YYMM (15 digits, 19YY). A shortened number never shows more of the date than that."""
    years = [str(y) for y in range(1800, 2100)] if n == 18 else [f"{y:02d}" for y in range(100)]
    starts = [f"{y}{m:02d}" for y in years for m in range(1, 13)]
    return frozenset(d[:k] for d in starts for k in range(len(d) + 1))


_DATE_STARTS = {18: _date_prefixes(18), 15: _date_prefixes(15)}


def is_shortened_id(text: str) -> bool:
    """True when ``text`` is scientific notation the size of an 18- or 15-digit number (1.10105E+17) that
    shows too few digits to hold the whole birth date, and those it shows could begin an ID number: a
    province code, then whatever part of a possible birth date is shown. The last digit shown may have
    been rounded up, so it is not checked (beyond the province code). Numbers showing the whole birth date
    are judged by ``whole_number_is_id``."""
    m = _SCIENTIFIC_ID_SIZE.fullmatch(text)
    if m is None:
        return False
    n = 18 if m.group(3) == "17" else 15
    digits = m.group(1) + m.group(2)
    if len(digits) >= n - 4 or not re.fullmatch(_PROVINCE, digits[:2]):  # 14 (12) digits: the whole date
        return False
    return digits[6:-1] in _DATE_STARTS[n]


def _is_number(v: object) -> bool:
    return isinstance(v, int | float | np.integer | np.floating) and not isinstance(v, bool | np.bool_)


def _stored_numbers(txt: pd.Series, raw: pd.Series | None) -> pd.Series:
    """Of texts holding 9 digits in a row: which are an ID or mobile number stored as a number (a number
    cell in ``raw``, or text written like a number)."""
    form = txt.str.fullmatch(NUMBER_TEXT)
    if raw is not None:
        plain = txt.str.fullmatch(_PLAIN)
        if plain.any():
            form |= plain & raw.loc[txt.index].map(_is_number, na_action="ignore").fillna(False).astype(bool)
    out = pd.Series(False, index=txt.index)
    if form.any():
        out.loc[form[form].index] = txt[form].map(whole_number_is_id).astype(bool)
    return out


def screen_texts(txt: pd.Series, raw: pd.Series | None = None) -> dict[str, pd.Series]:
    """Boolean masks, by kind, of the texts (already ``as_text``-ed, missing = None) holding an identifier.

    ``raw``: the cells the texts were made from (same index), so a number cell (int or float) whose digits
    are an ID or mobile number is found; without it only text written like a number is. Vectorised over
    the Series (pass distinct values); the checksum and date tests run only on the few ID-shaped ones.
    """
    s = txt.fillna("").astype(str)
    # cheap pre-filter: every ID number (17 or 15 digits in a row), mobile number (1[3-9]x, maybe a space or
    # hyphen, then 4 digits) and number form (10 significant digits at least) holds 3 digits, maybe a space
    # or hyphen, then 4 digits; a date does not
    digits = s.str.contains(_DIGITS_7, regex=True)
    kinds = {k: pd.Series(False, index=s.index) for k in (KIND_ID18, KIND_ID15, KIND_MOBILE, KIND_EMAIL)}
    number = pd.Series(False, index=s.index)
    if digits.any():
        cand = s[digits]
        kinds[KIND_MOBILE].loc[cand.index] = cand.str.contains(MOBILE, regex=True).to_numpy()
        # an ID number (15 or 17 digits in a row) and a number form (11 digits, or 9 decimals) hold 9 digits
        # in a row; a study ID like P0012345 does not, so the other patterns skip most candidates
        cand = cand[cand.str.contains(_DIGITS_9, regex=True)]
        shaped = cand[cand.str.contains(ID18, regex=True)]
        kinds[KIND_ID18].loc[shaped.index] = shaped.map(_has_valid_id18).astype(bool)
        shaped = cand[cand.str.contains(ID15, regex=True)]
        kinds[KIND_ID15].loc[shaped.index] = shaped.map(_has_valid_id15).astype(bool)
        # a number already found as an ID or mobile number keeps that kind
        number.loc[cand.index] = _stored_numbers(cand, raw).to_numpy()
        number &= ~(kinds[KIND_ID18] | kinds[KIND_ID15] | kinds[KIND_MOBILE])
    # an e-mail address holds "@", a shortened ID number (1.10105E+17, no 7 digits in a row) an "E": one pass
    # over every text finds the few that hold either
    shortened = pd.Series(False, index=s.index)
    rest = s[s.str.contains("[@eE]", regex=True)]
    at = rest[rest.str.contains("@", regex=False)]
    if len(at):
        kinds[KIND_EMAIL].loc[at.index] = at.str.contains(EMAIL, regex=True).to_numpy()
    sci = rest[rest.str.contains(r"[eE]\+?1[47]$", regex=True)]
    if len(sci):
        shortened.loc[sci.index] = sci.map(is_shortened_id).astype(bool).to_numpy()
    return {**kinds, KIND_NUMBER: number, KIND_SHORTENED: shortened}


def redact(text: str | None) -> str | None:
    """``text`` with every identifier-looking run replaced by <withheld> and invisible characters named.

    Over-masks on purpose: an 18-digit ID shape is masked whatever its check character, a 15-digit one
    whatever its birth date, and a number written like an ID or mobile number (1.10105199003071e+17,
    13812345678.0) whatever its digits.
    """
    if text is None:
        return None
    if not isinstance(text, str):
        text = str(text)
    if any(ch.isdigit() for ch in text) or "@" in text:
        for pattern in (ID18, ID15, _NUMBER_ANYWHERE, MOBILE, EMAIL):
            text = pattern.sub(WITHHELD, text)
    return show_invisible(text)


def show_invisible(text: str) -> str:
    """Name invisible characters (zero-width space, BOM, NBSP, control characters) as <U+XXXX>."""
    return _SHOW.sub(lambda m: f"<U+{ord(m.group(0)):04X}>", text)


def codes_of(values: np.ndarray) -> tuple[np.ndarray, pd.Series]:
    """Factorise raw cells of any type: (codes, distinct values); missing cells get code -1."""
    codes, uniques = pd.factorize(pd.Series(values.ravel(), dtype=object), use_na_sentinel=True)
    return codes.reshape(values.shape), pd.Series(uniques, dtype=object)
