"""What a column's values look like: dates, numbers, yes/no words, or a known vocabulary.

Everything is computed once per distinct value and weighted by its count (an export repeats its values),
with the same parsers ``run`` uses (``pipeline.ingest.parse``), so "parses as a date" here means exactly what
it means when the config is run.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from pipeline.contract import FieldSpec
from pipeline.draft.families import FAMILIES, family_index, single_index
from pipeline.draft.normalize import fold, nfkc
from pipeline.ingest.parse import as_text, missing_mask, parse_column


@dataclass(frozen=True)
class Profile:
    """Counts over the non-missing cells of one column."""

    n: int
    distinct: int
    dates: int
    numbers: int
    integers: int
    yesno: int


def distinct_counts(s: pd.Series) -> pd.Series:
    """Non-missing cells as trimmed text -> count, most frequent first, ties in text order.

    Counted on the raw cells first (in C), so the text work is done once per distinct value; the result
    is marked (``attrs["counts"]``) and passes through unchanged when given again.
    """
    if s.attrs.get("counts"):
        return s
    codes, uniques = pd.factorize(s.astype(object), use_na_sentinel=True)
    n = np.bincount(codes[codes >= 0], minlength=len(uniques))
    txt = as_text(pd.Series(np.asarray(uniques, dtype=object), dtype=object))
    keep = (~missing_mask(txt)).to_numpy()
    counts = pd.Series(n[keep], index=txt[keep].to_numpy()).groupby(level=0, sort=True).sum()
    counts = counts.sort_values(ascending=False, kind="stable")
    counts.attrs["counts"] = True
    return counts


def profile(s: pd.Series) -> Profile:
    counts = distinct_counts(s)
    u = pd.Series(counts.index, dtype=object)
    w = counts.to_numpy()

    def fits(kind: str) -> pd.Series:
        if u.empty:
            return pd.Series(False, index=u.index)
        parsed, bad = parse_column(u, kind)
        return ~bad & parsed.notna()

    def ok(kind: str) -> int:
        return int(w[fits(kind).to_numpy(dtype=bool)].sum())

    yesno = 0
    if 0 < len(u) <= 8:  # yes/no words are few; a column of many distinct values is something else
        words = set(single_index("bool")) | set(family_index("bool"))
        yes = fits("bool") | u.map(lambda v: fold(v) in words).astype(bool)
        yesno = int(w[yes.to_numpy(dtype=bool)].sum())
    return Profile(n=int(w.sum()), distinct=len(u), dates=ok("date"), numbers=ok("float"),
                   integers=ok("int"), yesno=yesno)


@dataclass
class ValueMatch:
    """How a column's values meet a canonical column's vocabulary."""

    group: str
    n: int = 0  # non-missing cells
    recognised: int = 0  # cells whose value is native, in a family or a single
    families: list[str] = field(default_factory=list)  # family names used
    entries: dict[str, object] = field(default_factory=dict)  # hospital spelling -> canonical value
    seen: list[str] = field(default_factory=list)  # distinct values found that needed a mapping
    unknown: list[str] = field(default_factory=list)  # distinct values not recognised
    native_only: bool = True  # every recognised value was already canonical (or a number)


def match_values(s: pd.Series, spec: FieldSpec, group: str) -> ValueMatch:
    """Propose a value mapping for ``s`` as canonical column ``spec`` (value group ``group``).

    Order per distinct value: an ASCII spelling the parser accepts as it is (no mapping needed), a family
    spelling (then the whole family is proposed: 是/否 too, though the parser reads them, so the config
    documents the export's words), another spelling the parser accepts, a single known spelling.
    """
    counts = distinct_counts(s)
    u = pd.Series(counts.index, dtype=object)
    native = width_native = pd.Series(False, index=u.index)
    if len(u):
        parsed, bad = parse_column(u, spec.kind, spec.allowed)
        native = ~bad & parsed.notna()
        wide = u.map(nfkc)  # full-width ＰＲ, ＭＡＬＥ: canonical once NFKC-normalised
        as_wide, bad_wide = parse_column(wide, spec.kind, spec.allowed)
        width_native = ~native & (wide != u) & ~bad_wide & as_wide.notna()
    fams, singles = family_index(group), single_index(group)
    out = ValueMatch(group, n=int(counts.sum()))
    used: list[int] = []
    single_hits: dict[str, object] = {}
    family_hits: dict[str, object] = {}
    for i, raw in enumerate(u):
        key, k = fold(raw), int(counts.iloc[i])
        if bool(native.iloc[i]) and raw.isascii():  # M, yes, III, CR: the parser reads them as they are
            pass
        elif key in fams:
            fam_no, canon = fams[key]
            used += [fam_no] if fam_no not in used else []
            family_hits[raw] = canon
            out.seen.append(raw)
        elif bool(native.iloc[i]):
            pass
        elif bool(width_native.iloc[i]):
            value = as_wide.iloc[i]
            single_hits[raw] = value.item() if hasattr(value, "item") else value
            out.seen.append(raw)
        elif key in singles:
            single_hits[raw] = singles[key]
            out.seen.append(raw)
        else:
            out.unknown.append(raw)
            continue
        out.recognised += k
    for fam_no in sorted(used):
        fam = FAMILIES[group][fam_no]
        out.families.append(fam.name)
        for raw, canon in fam.mapping:
            out.entries.setdefault(raw, canon)
    # The config matches values by trimmed lower case, without NFKC: a value found as ＭＡＬＥ or III级
    # is mapped as written even when its family spells it male or Ⅲ级.
    for raw, canon in {**family_hits, **single_hits}.items():
        if raw.strip().lower() not in {str(k).strip().lower() for k in out.entries}:
            out.entries[raw] = canon
    out.native_only = not out.entries
    return out
