"""pandera schemas for the three tables, generated from ``pipeline.contract``.

Two schemas per table: ``errors`` (contract rules: required, unique, hard ranges) and ``warnings``
(plausible-but-odd values). Both run lazily so every failure is collected at once.
"""

from __future__ import annotations

import warnings
from dataclasses import replace
from functools import cache

import numpy as np
import pandas as pd
import pandera.pandas as pa

from pipeline.contract import TABLE_SPECS, FieldSpec
from pipeline.errors import Code, Issue
from pipeline.ingest.load import LINE

_DTYPES = {"id": object, "text": object, "category": object, "myeloma_type": object,
           "date": "datetime64[ns]", "int": "Int64", "float": "float64", "bool": "boolean"}


def _fmt(x: float) -> str:
    return f"{x:g}"


def _hard_checks(f: FieldSpec) -> list[pa.Check]:
    checks = []
    if f.min is not None and f.max is not None:
        lo = "more than" if f.min_exclusive else "at least"
        parts = ([f"{lo} {_fmt(f.min)}"] if f.min > float("-inf") else []) + \
                ([f"at most {_fmt(f.max)}"] if f.max < float("inf") else [])
        checks.append(pa.Check.in_range(f.min, f.max, include_min=not f.min_exclusive,
                                        error="must be " + " and ".join(parts) + (f" {f.unit}" if f.unit else "")))
    return checks


def _soft_checks(f: FieldSpec) -> list[pa.Check]:
    if f.warn_min is None and f.warn_max is None:
        return []
    lo = f.warn_min if f.warn_min is not None else float("-inf")
    hi = f.warn_max if f.warn_max is not None else float("inf")
    unit = f" {f.unit}" if f.unit else ""
    return [pa.Check.in_range(lo, hi, error=f"unusual value: outside the plausible range "
                              f"{_fmt(lo)}-{_fmt(hi)}{unit}; please check it")]


@cache
def table_schema(table: str, level: str, extras: tuple[FieldSpec, ...] = ()) -> pa.DataFrameSchema:
    """The pandera schema of ``table`` (``errors`` or ``warnings``), with the declared extra columns."""
    cols = {}
    for f in (*TABLE_SPECS[table], *extras):
        if f in extras and f.kind == "bool":
            f = replace(f, kind="text")  # yes/no extras are kept as "yes"/"no" text
        if level == "errors":
            cols[f.name] = pa.Column(_DTYPES[f.kind], checks=_hard_checks(f), nullable=not f.required,
                                     unique=(table == "patients" and f.name == "patient_id"),
                                     required=True, description=f.description)
        else:
            cols[f.name] = pa.Column(_DTYPES[f.kind], checks=_soft_checks(f), nullable=True, required=True)
    return pa.DataFrameSchema(cols, strict=False, name=f"{table}:{level}")


#: pandera's built-in checks, in words and as codes; any other built-in keeps pandera's name (``SCHEMA_CHECK``).
_PLAIN = {"not_nullable": ("required value is missing", Code.MISSING_VALUE),
          "field_uniqueness": ("must be unique: this value appears on more than one row", Code.DUPLICATE_KEY)}
#: A column's own check (``check_number`` set) is its range: a hard one among the errors, a plausible one
#: among the warnings.
_RANGE_CODES = {"errors": Code.OUT_OF_RANGE, "warnings": Code.UNUSUAL_VALUE}


def run_schema(df: pd.DataFrame, table: str, file: str, level: str,
               extras: tuple[FieldSpec, ...] = ()) -> list[Issue]:
    """The schema's failures as Issues. pandera sees only the rows that may fail (``_suspect_rows``): on a
    large clean table its lazy validation of every row costs seconds and finds nothing."""
    severity = "error" if level == "errors" else "warning"
    schema = table_schema(table, level, extras)
    suspects = _suspect_rows(df, schema)
    if suspects is not None and not suspects.any():
        return []
    try:
        with warnings.catch_warnings():
            # pandera's own concat of failure cases trips a pandas FutureWarning; not the user's concern
            warnings.filterwarnings("ignore", category=FutureWarning, module=r"pandera\.")
            schema.validate(df if suspects is None else df[suspects], lazy=True)
    except pa.errors.SchemaErrors as e:
        fc = e.failure_cases
        issues = []
        for row in fc.itertuples(index=False):
            idx = row.index
            line = int(df.at[idx, LINE]) if idx is not None and idx in df.index else None
            value = None if pd.isna(row.failure_case) else _show(row.failure_case)
            own = not pd.isna(row.check_number)
            rule, code = (str(row.check), _RANGE_CODES[level]) if own else \
                _PLAIN.get(str(row.check), (str(row.check), Code.SCHEMA_CHECK))
            if line is None and str(row.check).startswith("dtype"):
                continue  # dtype mismatches are reported cell by cell by the coercion step
            issues.append(Issue(file, line, str(row.column), value, rule, severity, code=code))
        return issues
    return []


def _suspect_rows(df: pd.DataFrame, schema: pa.DataFrameSchema) -> np.ndarray | None:
    """The rows pandera could report (a superset: each row it would name, with the other rows of a repeated
    key), found vectorised; None when a column is missing, of another dtype or has a check other than a
    range, so pandera must look at the whole frame. pandera's report on these rows alone is its report on
    the whole frame: its checks are per row, and uniqueness sees every row holding a repeated value."""
    rows = np.zeros(len(df), dtype=bool)
    for name, col in schema.columns.items():
        if name not in df.columns or str(df[name].dtype) != str(col.dtype):
            return None
        s = df[name]
        if not col.nullable:
            rows |= s.isna().to_numpy(dtype=bool)
        if col.unique:
            rows |= s.duplicated(keep=False).to_numpy(dtype=bool)
        for check in col.checks:
            if check.name != "in_range" or not pd.api.types.is_numeric_dtype(s):
                return None
            st = check.statistics
            v = s.to_numpy(dtype="float64", na_value=np.nan)
            above = v >= st["min_value"] if st.get("include_min", True) else v > st["min_value"]
            below = v <= st["max_value"] if st.get("include_max", True) else v < st["max_value"]
            rows |= ~(above & below) & ~np.isnan(v)  # a missing value passes a range check
    return rows


def _show(v: object) -> str:
    if isinstance(v, pd.Timestamp):
        return v.strftime("%Y-%m-%d")
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)
