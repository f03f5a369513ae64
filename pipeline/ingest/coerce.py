"""Raw cells -> canonical dtypes, one Issue per cell that cannot be parsed."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from pipeline.contract import TABLE_SPECS, FieldSpec, spec_for
from pipeline.errors import Code, Issue
from pipeline.ingest.distinct import Distinct
from pipeline.ingest.load import LINE
from pipeline.ingest.parse import KIND_WORDS, as_text, parse_column

#: The code of a cell that cannot be parsed as its kind (``pipeline/ingest/parse.py``).
PARSE_CODES = {"date": Code.BAD_DATE, "int": Code.BAD_NUMBER, "float": Code.BAD_NUMBER, "bool": Code.BAD_YES_NO,
               "id": Code.BAD_TEXT, "text": Code.BAD_TEXT, "myeloma_type": Code.BAD_MYELOMA_TYPE,
               "category": Code.NOT_IN_VALUES}


def _rule_for(kind: str, allowed: tuple[str, ...] | None) -> str:
    if kind == "category" and allowed:
        return "must be one of: " + ", ".join(allowed) + " (map hospital values under 'values:' in the config)"
    return "must be " + KIND_WORDS[kind]


def coerce_table(frame: pd.DataFrame, table: str, file: str, extras: tuple[FieldSpec, ...] = (),
                 distinct: Mapping[str, Distinct] | None = None) -> tuple[pd.DataFrame, list[Issue]]:
    """Parse every canonical column to its dtype; missing required columns are file-level errors.

    ``extras``: the declared extra columns (patients only), parsed by their own spec and kept after the
    contract's columns in declaration order; yes/no extras become "yes"/"no" like ``emd_any``.
    ``distinct``: the codes of the frame's columns where known (``parse_column``).
    """
    issues: list[Issue] = []
    extra = {f.name: f for f in extras}
    distinct = distinct or {}
    present = [c for c in frame.columns if c != LINE]
    for f in TABLE_SPECS[table]:
        if f.required and f.name not in present:
            issues.append(Issue(file, None, f.name, None,
                                "required column is missing (map the hospital header to it in the config)",
                                code=Code.MISSING_COLUMN))
    out = {}
    for col in present:
        spec = extra.get(col) or spec_for(table, col)
        assert spec is not None  # mapping keeps canonical and declared extra columns only
        parsed, bad = parse_column(frame[col], spec.kind, spec.allowed, distinct.get(col))
        if spec.kind == "date":
            parsed, issues_range = _date_range(parsed, frame[LINE], col, file)
            issues += issues_range
        if bad.any():
            raw = as_text(frame[col])
            rule = _rule_for(spec.kind, spec.allowed)
            code = PARSE_CODES[spec.kind]
            issues.extend(Issue(file, int(ln), col, str(v), rule, code=code)
                          for ln, v in zip(frame.loc[bad, LINE], raw[bad], strict=True))
        if col in extra and spec.kind == "bool":
            parsed = parsed.map({True: "yes", False: "no"}).astype(object).where(parsed.notna(), None)
        out[col] = parsed
    # Contract order whatever the export's order (extra fish_* markers, then declared extras, last), so
    # outputs do not vary with it; contract columns the file does not have exist as all-missing, so later
    # stages need not check. One frame built once (no copies column by column).
    contract = [f.name for f in TABLE_SPECS[table]]
    fish = [c for c in out if c not in contract and c not in extra]
    cols = {}
    for name in contract + fish + [f.name for f in extras]:
        if name in out:
            cols[name] = out[name]
        else:
            f = extra.get(name) or spec_for(table, name)
            cols[name] = _empty("text" if name in extra and f.kind == "bool" else f.kind, len(frame), frame.index)
    cols[LINE] = frame[LINE].astype(int)
    return pd.DataFrame(cols, index=frame.index), issues


#: Dates outside these years are typos or placeholders (1899-12-31 is Excel's day zero), not study dates.
DATE_MIN, DATE_MAX = pd.Timestamp("1900-01-01"), pd.Timestamp("2100-12-31")


def _date_range(parsed: pd.Series, lines: pd.Series, col: str, file: str) -> tuple[pd.Series, list[Issue]]:
    out = (parsed < DATE_MIN) | (parsed > DATE_MAX)
    if not out.any():
        return parsed, []
    rule = "must be a date from 1900-01-01 to 2100-12-31 (a typo or a placeholder date?)"
    issues = [Issue(file, int(ln), col, v.strftime("%Y-%m-%d"), rule, code=Code.DATE_OUT_OF_RANGE)
              for ln, v in zip(lines[out], parsed[out], strict=True)]
    return parsed.mask(out), issues


def _empty(kind: str, n: int, index: pd.Index) -> pd.Series:
    if kind == "date":
        return pd.Series(pd.NaT, index=index, dtype="datetime64[ns]")
    if kind == "int":
        return pd.Series(pd.NA, index=index, dtype="Int64")
    if kind == "float":
        return pd.Series(float("nan"), index=index, dtype="float64")
    if kind == "bool":
        return pd.Series(pd.NA, index=index, dtype="boolean")
    return pd.Series([None] * n, index=index, dtype=object)
