"""De-identification guard: refuse columns that look like personal identifiers.

Runs on the raw export, before any mapping, over every column (mapped or not). A column is refused
when its header names an identifier (姓名, 住院号, MRN, phone, ...) or when its values hold one: a single
18-digit resident ID number (valid check character), 15-digit first-generation ID number, mobile number or
e-mail address anywhere in any cell, or one ID or mobile number stored as a number (an Excel number cell,
1.10105199003071E+17), is enough (``pipeline/ingest/identifiers.py``); street addresses need half the values
and person names most of them. Messages name the file, the lines, the column and the pattern, never a value. A reviewed false positive
is allowed through with the config's ``deid_allow`` list (header or canonical name).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from pipeline.errors import Code, Issue
from pipeline.ingest.distinct import Distinct
from pipeline.ingest.identifiers import WITHHELD, codes_of, screen_texts
from pipeline.ingest.load import LINE
from pipeline.ingest.parse import as_text

# Header patterns (matched case-insensitively against the whole header, spaces/underscores folded).
_HEADER_RULES: list[tuple[str, re.Pattern]] = [
    ("a person's name", re.compile(
        r"(姓名|名字|患者名|病人名|^name$|^(patient|pt|first|last|full|given|family|sur)_?name$|^surname$)")),
    ("a national ID number", re.compile(r"(身份证|证件号|national_?id|id_?card|^ssn$|^nric$|passport|护照)")),
    ("a phone number", re.compile(r"(电话|手机|联系方式|phone|mobile|^tel$|telephone|^cell(_?phone)?$)")),
    ("an e-mail address", re.compile(r"(邮箱|e_?mail)")),  # _fold turns "E-mail" into "e_mail"
    ("an address", re.compile(r"(地址|住址|籍贯|address|^street|postcode|zip_?code|邮编)")),
    ("a hospital record number", re.compile(
        r"(住院号|病历号|病案号|门诊号|就诊号|就诊卡|登记号|医保|^mrn$|medical_?record|record_?(no|num|number)|"
        r"hospital_?(no|num|number|id)|inpatient_?(no|num|number)|chart_?(no|num|number))")),
    ("a date of birth", re.compile(r"(出生日期|(?<!发)生日|birth|^dob$)")),  # not 发生日期, an onset date
]

# Column-level value patterns (a column is refused when enough of its values match). Both are linear:
# the address test is "a place word, then later a street word" done as one anchored lazy scan.
_ADDRESS_START = re.compile(r"(?s)^.*?(?:省|市|区|县|镇|乡|村|路|街|巷|号楼|室)(.*)$")
_ADDRESS_END = r"[路街巷号室村弄]"
_CN_NAME = re.compile(r"^[\u4e00-\u9fff]{1,2}[\u4e00-\u9fff·]{1,3}$")
_LATIN_NAME = re.compile(r"^[A-Z][a-z]{1,40},? [A-Z][a-z]{1,40}(?: [A-Z][a-z]{1,40})?$")
#: What every address (a Chinese place word) and every person name (Han characters, or "First Last") holds.
_WORDY = re.compile("[ \u0080-\U0010ffff]")
_ADDRESS_SHARE = 0.5
_KIND_ADDRESS = "street addresses"
_KIND_NAMES = "person names"

def _fold(header: str) -> str:
    return re.sub(r"[\s\-]+", "_", header.strip().lower())


def header_rule(header: str) -> str | None:
    h = _fold(header)
    for what, pat in _HEADER_RULES:
        if pat.search(h):
            return what
    return None


#: Canonical free-text columns whose values are short Chinese terms by nature (乏力, 贫血, 腹泻...):
#: the person-name heuristic would refuse a small AE table, so only the hard patterns apply to them.
_TERM_COLUMNS = frozenset({"term", "regimen"})

_ADVICE = ("de-identified data only: remove {what} (or, if it is not an identifier, add {it} to deid_allow "
           "in the config)")


def _is_address(txt: pd.Series) -> pd.Series:
    rest = txt.str.extract(_ADDRESS_START, expand=False)
    return rest.str.contains(_ADDRESS_END, regex=True, na=False).astype(bool)


def _is_name(txt: pd.Series) -> pd.Series:
    return (txt.str.match(_CN_NAME, na=False) | txt.str.match(_LATIN_NAME, na=False)).astype(bool)


@dataclass
class _Column:
    codes: np.ndarray  # per cell: index into the column's distinct values, -1 = missing
    counts: np.ndarray  # cells per distinct value
    g: np.ndarray  # the column's distinct value -> its index among all the table's distinct values


@dataclass
class _Screen:
    """Every distinct cell of some columns screened once; flags are per distinct value of the table."""

    cols: list[_Column]
    present: np.ndarray  # non-missing, non-blank
    hard: dict[str, np.ndarray]  # kind -> holds an ID number / mobile / e-mail
    address: np.ndarray
    name: np.ndarray
    text_codes: np.ndarray  # the same code for the same text (distinct-value counts)

    def count(self, j: int, flag: np.ndarray) -> int:
        c = self.cols[j]
        return int(c.counts[flag[c.g]].sum())

    def cells(self, j: int, flag: np.ndarray) -> np.ndarray:
        c = self.cols[j]
        return (c.codes >= 0) & flag[c.g][np.maximum(c.codes, 0)]

    def distinct(self, j: int, flag: np.ndarray) -> int:
        c = self.cols[j]
        return len(np.unique(self.text_codes[c.g[flag[c.g]]]))


def _screen(columns: list[pd.Series | Distinct]) -> _Screen:
    """Factorise each column (small hash tables) unless the loader did, pool the distinct values, screen each
    of them once."""
    cols, pooled = [], []
    for s in columns:
        d = s if isinstance(s, Distinct) else Distinct.of(s)
        counts = np.bincount(d.codes[d.codes >= 0], minlength=len(d.values))
        cols.append(_Column(d.codes, counts, np.empty(0, np.int64)))
        pooled.append(d.values)
    g_codes, g_uniques = codes_of(np.concatenate(pooled) if pooled else np.empty(0, object))
    at = 0
    for c in cols:
        c.g = g_codes[at:at + len(c.counts)]
        at += len(c.counts)
    txt = as_text(g_uniques)
    txt = txt.where(txt.notna() & (txt != ""), None)
    ok = txt.notna().to_numpy(dtype=bool)
    flags = {k: v.to_numpy(dtype=bool) for k, v in screen_texts(txt, g_uniques).items()}
    addr, name = np.zeros(len(txt), bool), np.zeros(len(txt), bool)
    if ok.any():  # a name or an address has a space or a character beyond ASCII: look at those only
        wordy = ok & txt.str.contains(_WORDY, na=False).to_numpy(dtype=bool)
        addr[wordy] = _is_address(txt[wordy]).to_numpy()
        name[wordy] = _is_name(txt[wordy]).to_numpy()
    return _Screen(cols, ok, flags, addr, name, pd.factorize(txt, use_na_sentinel=True)[0])


def _column_rule(sc: _Screen, j: int, names: bool) -> tuple[str, np.ndarray] | None:
    """(what the column's values look like, mask of the matching cells) for column ``j`` of a screen."""
    hard = [k for k, m in sc.hard.items() if sc.count(j, m)]
    if hard:
        return " or ".join(hard), sc.cells(j, np.logical_or.reduce([sc.hard[k] for k in hard]))
    n = sc.count(j, sc.present)
    if n == 0:
        return None
    if sc.count(j, sc.address) >= max(1, _ADDRESS_SHARE * n):
        return _KIND_ADDRESS, sc.cells(j, sc.address)
    # Person names: mostly 2-4 Han characters (or "First Last"), nearly all distinct, enough of them
    # to tell from a short category list (男/女, 初诊时/复发时).
    if names and n >= 5 and sc.count(j, sc.name) >= 0.8 * n and sc.distinct(j, sc.present) >= 0.8 * n:
        return _KIND_NAMES, sc.cells(j, sc.name)
    return None


def _lines(lines: np.ndarray, most: int = 10) -> str:
    shown = ", ".join(str(int(x)) for x in lines[:most])
    return f"line {shown}" if len(lines) == 1 else f"lines {shown}" + (", ..." if len(lines) > most else "")


def value_rule(values: pd.Series, names: bool = True) -> tuple[str, int, int] | None:
    """(what the values look like, matching count, non-missing count) or None, for one column.

    One ID number, mobile number or e-mail address is enough; addresses need half the values, person
    names most of them (and most of them distinct).
    """
    sc = _screen([values])
    hit = _column_rule(sc, 0, names)
    return None if hit is None else (hit[0], int(hit[1].sum()), sc.count(0, sc.present))


def check_identifiers(frame: pd.DataFrame, file: str, allow: list[str], mapping: dict[str, str],
                      distinct: Mapping[str, Distinct] | None = None) -> list[Issue]:
    """Issues (errors) for every column with an identifier-like header or value; values are never echoed.

    Every distinct cell of the table is screened once. The issue's row is the first matching line; the
    rule lists the lines (at most ten) so the user can find the cells. ``distinct``: the loader's codes of
    the frame's columns (``RawTable.distinct``), used instead of hashing the cells again.
    """
    allowed = {a.strip().lower() for a in allow}
    issues: list[Issue] = []
    screened = []
    header_hits = screen_texts(pd.Series([str(c) for c in frame.columns], dtype=object))
    for k, col in enumerate(frame.columns):
        if col == LINE:
            continue
        canonical = mapping.get(col, col)
        if col.strip().lower() in allowed or str(canonical).lower() in allowed:
            continue
        in_header = [w for w, m in header_hits.items() if m.iloc[k]]
        if in_header:
            issues.append(Issue(file, 1, col, None, f"the header holds one of {' or '.join(in_header)}; "
                                + _ADVICE.format(what="the column", it="it"),
                                code=Code.IDENTIFIER_IN_HEADER))
            continue
        what = header_rule(col)
        if what:
            issues.append(Issue(file, None, col, None,
                                f"the header looks like {what}; " + _ADVICE.format(what="the column", it="it"),
                                code=Code.PHI_COLUMN))
            continue
        screened.append(col)
    if not screened or frame.empty:
        return issues
    distinct = distinct or {}
    sc = _screen([distinct[c] if c in distinct else frame[c] for c in screened])
    lines = frame[LINE].to_numpy()
    for j, col in enumerate(screened):
        hit = _column_rule(sc, j, names=str(mapping.get(col, col)) not in _TERM_COLUMNS)
        if hit is None:
            continue
        kind, mask = hit
        k, n = int(mask.sum()), sc.count(j, sc.present)
        where = lines[mask]
        what = "the column" if k > n / 2 else "these values"
        issues.append(Issue(file, int(where[0]), col, WITHHELD,
                            f"{k} of {n} values look like {kind}; " + _ADVICE.format(what=what, it="the column")
                            + f"; at {_lines(where)}", code=Code.IDENTIFIER_IN_CELL))
    return issues
