"""De-identification guard: refuse columns that look like personal identifiers.

Runs on the raw export, before any mapping, over every column (mapped or not). A column is refused
when its header names an identifier (姓名, 住院号, MRN, phone, ...) or when its values look like one
(18-digit resident ID numbers, 11-digit mobile numbers, e-mail addresses, street addresses, person
names). Messages name the file, the column and the pattern, never a value. A reviewed false positive
is allowed through with the config's ``deid_allow`` list (header or canonical name).
"""

from __future__ import annotations

import re

import pandas as pd

from pipeline.errors import Issue
from pipeline.load import LINE
from pipeline.parse import as_text

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

# Value patterns: a column is refused when most of its non-missing values match.
_ID18 = re.compile(r"^[1-9]\d{5}(?:19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[\dXx]$")
_MOBILE = re.compile(r"^(?:\+?86[- ]?)?1[3-9]\d{9}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$")
_ADDRESS = re.compile(r"(?:省|市|区|县|镇|乡|村|路|街|巷|号楼|室).*(?:路|街|巷|号|室|村|弄)")
_CN_NAME = re.compile(r"^[\u4e00-\u9fff]{1,2}[\u4e00-\u9fff·]{1,3}$")
_LATIN_NAME = re.compile(r"^[A-Z][a-z]+,? [A-Z][a-z]+(?: [A-Z][a-z]+)?$")

_VALUE_RULES: list[tuple[str, re.Pattern, float]] = [
    ("18-digit resident ID numbers", _ID18, 0.5),
    ("11-digit mobile phone numbers", _MOBILE, 0.5),
    ("e-mail addresses", _EMAIL, 0.5),
    ("street addresses", _ADDRESS, 0.5),
]


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


def value_rule(values: pd.Series, names: bool = True) -> tuple[str, int, int] | None:
    """(what the values look like, matching count, non-missing count) or None.

    Patterns are tested once per distinct value and weighted by its count (fast on registry files).
    """
    counts = values.value_counts(dropna=True)
    if counts.empty:
        return None
    txt = as_text(pd.Series(counts.index, dtype=object))
    w = pd.Series(counts.to_numpy(), index=txt.index)
    keep = txt.notna() & (txt != "")
    txt, w = txt[keep], w[keep]
    n = int(w.sum())
    if n == 0:
        return None
    for what, pat, share in _VALUE_RULES:
        k = int(w[txt.str.contains(pat, regex=True)].sum())
        if k >= max(1, share * n):
            return what, k, n
    # Person names: mostly 2-4 Han characters (or "First Last"), nearly all distinct, enough of them
    # to tell from a short category list (男/女, 初诊时/复发时).
    if names and n >= 5 and txt.nunique() >= 0.8 * n:
        for what, pat in (("person names", _CN_NAME), ("person names", _LATIN_NAME)):
            k = int(w[txt.str.match(pat)].sum())
            if k >= 0.8 * n:
                return what, k, n
    return None


def check_identifiers(frame: pd.DataFrame, file: str, allow: list[str], mapping: dict[str, str]) -> list[Issue]:
    """Issues (errors) for every column that looks like an identifier; values are never echoed."""
    allowed = {a.strip().lower() for a in allow}
    issues: list[Issue] = []
    for col in frame.columns:
        if col == LINE:
            continue
        canonical = mapping.get(col, col)
        if col.strip().lower() in allowed or str(canonical).lower() in allowed:
            continue
        what = header_rule(col)
        if what:
            issues.append(Issue(file, None, col, None,
                                f"the header looks like {what}; de-identified data only: remove the column "
                                "(or, if it is not an identifier, add it to deid_allow in the config)"))
            continue
        hit = value_rule(frame[col], names=str(canonical) not in _TERM_COLUMNS)
        if hit:
            kind, k, n = hit
            issues.append(Issue(file, None, col, "<withheld>",
                                f"{k} of {n} values look like {kind}; de-identified data only: remove the "
                                "column (or, if it is not an identifier, add it to deid_allow in the config)"))
    return issues
