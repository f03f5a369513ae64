"""Header -> canonical column candidates: by the synonym table, then by the values themselves.

Scores: the whole header is a synonym 3; a synonym once a bracketed unit is set aside 2.5; the header
contains a (Chinese) synonym 1; placed by its values alone 0.5. Values that do not fit the column's kind
cost a point and mark the proposal CHECK.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pandas as pd

from pipeline.contract import TABLE_SPECS, FieldSpec, spec_for
from pipeline.draft.families import PLACING_GROUPS, group_of
from pipeline.draft.normalize import fold, fold_without_unit, has_cjk, nfkc
from pipeline.draft.profile import Profile, ValueMatch, match_values
from pipeline.draft.synonyms import synonym_index

FIT_SHARE = 0.8  # below this share of fitting values a proposal is marked CHECK
_RATIO = re.compile(r"κ/λ|λ/κ|kappa/lambda|lambda/kappa|比值|比率|ratio")  # on the folded header
_UNIT_ALIASES = {"岁": "years", "周岁": "years", "year": "years", "yrs": "years", "y": "years", "iu/l": "u/l"}


@dataclass
class Candidate:
    header: str
    canonical: str
    score: float
    evidence: list[str] = field(default_factory=list)
    check: list[str] = field(default_factory=list)
    values: ValueMatch | None = None
    fit: int = 0  # cells that fit the column's kind (breaks ties between equally good headers)


def _fold_unit(u: str) -> str:
    # NFKC has made ⁹ a 9 and µ a μ; ×10^9/L, *10⁹/L and 10^9/L are one unit
    s = re.sub(r"[×*^]", "", fold(u)).replace("x10", "10").replace("μ", "u")
    return _UNIT_ALIASES.get(s, s)


def _unit_of(header: str) -> str | None:
    """The header's last bracketed part: at its end (``Hb (g/dL)``) or that of one half (``Hb (g/dL) 血红蛋白``)."""
    found = re.findall(r"[(\[]([^()\[\]]*)[)\]]", nfkc(header))
    return found[-1].strip() if found else None


def _fish_name(key: str) -> str | None:
    """``t(6;14)`` -> ``fish_t6_14``, ``del(1p)`` -> ``fish_del1p``, ``amp(1q21)`` -> ``fish_gain1q21``."""
    m = re.fullmatch(r"t\((\d{1,2});(\d{1,2})\)", key)
    if m:
        return f"fish_t{m.group(1)}_{m.group(2)}"
    m = re.fullmatch(r"(del|gain|amp)\((\d{1,2}[pq]\d{0,2}(?:\.\d)?)\)", key)
    if m:
        kind = "del" if m.group(1) == "del" else "gain"
        return f"fish_{kind}{m.group(2).replace('.', '')}"
    return None


def _whole_match(header: str, table: str) -> Candidate | None:
    """The header as a whole is a synonym (or one with its unit set aside), or a FISH marker."""
    index = synonym_index(table)
    key, stem = fold(header), fold_without_unit(header)
    if key in index:
        col, syn = index[key]
        if syn != col:
            why = f"matched header synonym '{syn}'"
        else:
            why = "header is the canonical name" if header == col else f"matched the canonical name '{col}'"
        return Candidate(header, col, 3.0, [why])
    low = nfkc(header).lower()
    if table == "patients" and re.fullmatch(r"fish_[a-z0-9_]+", low) and spec_for(table, low):
        return Candidate(header, low, 3.0, ["a fish_* marker column (the contract accepts any)"])
    fish = _fish_name(key)
    if table == "patients" and fish:
        return Candidate(header, fish, 3.0, [f"a FISH marker header, as {fish} (the contract accepts any fish_*)"])
    if stem and stem in index:
        col, syn = index[stem]
        return Candidate(header, col, 2.5, [f"matched header synonym '{syn}' (unit '{_unit_of(header)}' set aside)"])
    return None


_SEP = " /|;,:、，；："  # between the halves of a bilingual header


def _bilingual(header: str, table: str) -> Candidate | None:
    """``Sex 性别``, ``年龄（岁）/Age``: two halves (split at a separator or where Chinese meets Latin) that each
    name the same column as a whole, so the header is that column as surely as each half is."""
    s = nfkc(header)
    for i in range(1, len(s)):
        a, b = s[i - 1], s[i]
        if not (a in _SEP or b in _SEP or (has_cjk(a) != has_cjk(b) and a not in "()[]" and b not in "()[]")):
            continue
        left, right = s[:i].strip(_SEP), s[i:].strip(_SEP)
        if not left or not right or has_cjk(left) == has_cjk(right):
            continue
        one, two = _whole_match(left, table), _whole_match(right, table)
        if one is not None and two is not None and one.canonical == two.canonical:
            return Candidate(header, one.canonical, min(one.score, two.score),
                             [f"both '{left}' and '{right}' name {one.canonical}"])
    return None


def header_candidates(header: str, table: str) -> list[Candidate]:
    """Synonym matches for one header, best first (several only when equally good)."""
    found = _whole_match(header, table) or _bilingual(header, table)
    if found is not None:
        return [found]
    index = synonym_index(table)
    key, stem = fold(header), fold_without_unit(header)
    hay = stem or key
    if _RATIO.search(key):  # the κ/λ ratio is no column of the contract, though it contains 游离轻链κ
        return []
    hits = [(len(k), col, syn) for k, (col, syn) in index.items() if has_cjk(k) and len(k) >= 2 and k in hay]
    if not hits:
        return []
    best = max(h[0] for h in hits)
    cols = sorted({(col, syn) for n, col, syn in hits if n == best})
    return [Candidate(header, col, 1.0, [f"header contains the synonym '{syn}'"],
                      [f"only part of the header matches '{syn}'"]) for col, syn in cols]


def _fit(spec: FieldSpec, prof: Profile, vm: ValueMatch | None) -> tuple[int, str]:
    kind = spec.kind
    if vm is not None:
        return vm.recognised, "are known spellings" if kind != "bool" else "are yes/no words"
    if kind == "date":
        return prof.dates, "parse as dates"
    if kind == "int":
        return prof.integers, "are whole numbers"
    if kind == "float":
        return prof.numbers, "are numbers"
    return prof.n, "are present"


def add_value_evidence(c: Candidate, s: pd.Series, prof: Profile, table: str) -> None:
    """Check the values against the proposed column's kind; adds evidence, CHECK notes and a penalty."""
    spec = spec_for(table, c.canonical)
    group = group_of(spec)
    c.values = match_values(s, spec, group) if group else None
    if prof.n == 0:
        c.evidence.append("the column is empty")
        return
    k, what = _fit(spec, prof, c.values)
    c.fit = k
    if spec.kind == "id":
        c.evidence.append(f"{prof.distinct} distinct of {prof.n} values")
    elif spec.kind != "text":
        c.evidence.append(f"{k} of {prof.n} values {what}")
        if k < FIT_SHARE * prof.n:
            c.check.append(f"only {k} of {prof.n} values {what}")
            c.score -= 1
    if c.values is not None and c.values.unknown:
        shown = ", ".join(v[:30] for v in c.values.unknown[:10])
        c.check.append(f"values not recognised, map them under values.{c.canonical}: {shown}")
    unit = _unit_of(c.header)
    if unit and spec.unit and _fold_unit(unit) != _fold_unit(spec.unit):
        c.check.append(f"the header's unit '{unit}' is not the contract's '{spec.unit}': convert the values")


def value_candidates(header: str, s: pd.Series, table: str, prof: Profile) -> list[Candidate]:
    """Columns a header's values alone point to (sex words, response words, Roman-numeral stages, ...)."""
    if prof.n == 0 or prof.numbers == prof.n or prof.distinct > 40:  # vocabularies are short
        return []
    out = []
    for spec in TABLE_SPECS[table]:
        group = group_of(spec)
        if group not in PLACING_GROUPS:
            continue
        vm = match_values(s, spec, group)
        if vm.recognised == vm.n:
            what = ", ".join(vm.families) or f"the contract's own {spec.name} values"
            out.append(Candidate(header, spec.name, 0.5, [f"placed by its values ({what})"],
                                 ["placed by its values only; the header is not a known synonym"], vm))
    return out
