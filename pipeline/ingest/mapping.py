"""Hospital headers and values -> the contract's canonical names (config ``columns`` and ``values``)."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from pipeline.contract import TABLE_SPECS, spec_for
from pipeline.errors import Code, ConfigError, Issue
from pipeline.ingest.distinct import Distinct
from pipeline.ingest.load import LINE
from pipeline.ingest.parse import as_text


def check_mapping_targets(columns: dict[str, dict[str, str]]) -> None:
    """Every mapped-to name must be a canonical column of that table (config error otherwise)."""
    bad = []
    for table, mapping in columns.items():
        for src, dst in mapping.items():
            if spec_for(table, dst) is None:
                bad.append(f"  - columns.{table}.{src}: {dst!r} is not a column of the {table} table")
    if bad:
        raise ConfigError("invalid config column mapping:\n" + "\n".join(bad))


def rename_columns(
    frame: pd.DataFrame, table: str, mapping: dict[str, str], file: str, extras: dict[str, str] | None = None
) -> tuple[pd.DataFrame, list[Issue], dict[str, str]]:
    """Rename hospital headers to canonical names.

    ``extras`` maps the headers of declared extra columns (config ``extra_columns``) to their names; they
    are kept like contract columns. Returns the frame (canonical and extra columns plus ``_line``; other
    columns dropped), the warnings for dropped columns and for declared extra columns the file lacks,
    and the header -> name map actually applied. The frame holds ``frame``'s own column arrays (no copy of
    the table): replace a column of it, never write into one.
    """
    canon = {f.name.lower(): f.name for f in TABLE_SPECS[table]}
    extras = dict(extras or {})
    by_header = {k.strip(): v for k, v in {**extras, **mapping}.items()}
    by_header_ci = {k.strip().lower(): v for k, v in {**extras, **mapping}.items()}
    applied: dict[str, str] = {}
    issues: list[Issue] = []
    for col in frame.columns:
        if col == LINE:
            continue
        dst = by_header.get(col) or by_header_ci.get(col.lower())
        if dst is None:
            low = col.lower()
            dst = canon.get(low) or (low if table == "patients" and low.startswith("fish_") else None)
        if dst is None:
            issues.append(Issue(file, None, col, None,
                                "column is not in the data contract and is not mapped in the config; ignored",
                                "warning", code=Code.UNMAPPED_COLUMN))
            continue
        applied[col] = dst
    for header, name in extras.items():
        if name not in applied.values():
            issues.append(Issue(file, None, header, None,
                                f"declared extra column {name!r} (extra_columns) is not in the file; it is left empty",
                                "warning", code=Code.MISSING_EXTRA_COLUMN))
    targets = pd.Series(list(applied.values()))
    dups = sorted(set(targets[targets.duplicated()]))
    if dups:
        raise ConfigError("\n".join(
            f"{file}: columns {[c for c, d in applied.items() if d == t]} all map to {t!r}; map only one"
            for t in dups))
    out = pd.DataFrame({**{d: frame[c] for c, d in applied.items()}, LINE: frame[LINE]}, index=frame.index,
                       copy=False)
    return out, issues, applied


def map_values(frame: pd.DataFrame, values: dict[str, dict]) -> pd.DataFrame:
    """Replace hospital values by canonical ones, matching case-insensitively after trimming.

    ``values["*"]`` applies to every column; a column's own mapping wins over it.
    """
    return map_values_distinct(frame.copy(), values, {})[0]


def map_values_distinct(frame: pd.DataFrame, values: dict[str, dict],
                        distinct: Mapping[str, Distinct]) -> tuple[pd.DataFrame, dict[str, Distinct]]:
    """``map_values``; a column whose codes ``distinct`` holds (``RawTable.distinct``: the loader made the cells
    its distinct values) is looked up once per distinct value. Returns the frame and the codes of its columns
    afterwards (a changed column's codes follow the change; one changed without codes has none)."""
    star = _lookup(values.get("*", {}))
    out = frame.copy(deep=False)  # a changed column is replaced, never written into: ``frame`` stays as it was
    after = dict(distinct)
    for col in out.columns:
        if col == LINE:
            continue
        own = _lookup(values.get(col, {}))
        table = {**star, **own}
        if not table:
            continue
        if col not in distinct:
            txt = as_text(out[col])
            key = txt.str.lower()
            hit = key.isin(table.keys())
            if hit.any():
                col_out = out[col].astype(object).copy()
                col_out[hit] = key[hit].map(table)
                out[col] = col_out
                after.pop(col, None)
            continue
        d = distinct[col]
        key = as_text(pd.Series(d.values, dtype=object)).str.lower()
        hit = key.isin(table.keys()).to_numpy(dtype=bool)
        if hit.any():
            out[col], after[col] = _map_column(out[col], d, hit, key[hit].map(table))
    return out, after


def _map_column(s: pd.Series, d: Distinct, hit: np.ndarray, mapped: pd.Series) -> tuple[pd.Series, Distinct]:
    """The column with the cells of the ``hit`` distinct values replaced (``mapped``: one per hit value)."""
    cells = d.spread(hit, False)
    where = np.flatnonzero(cells)
    at_value = np.full(len(d.values), -1, dtype=np.int64)
    at_value[hit] = np.arange(int(hit.sum()))
    col_out = s.astype(object).copy()
    # the same assignment as cell by cell (a Series of the mapped dtype, on the hit cells' index)
    col_out[cells] = pd.Series(mapped.to_numpy()[at_value[d.codes[where]]], index=s.index[where], dtype=mapped.dtype)
    # the distinct values after the change: a hit value becomes what its cells now hold
    one_cell = np.empty(len(d.values), dtype=np.int64)
    one_cell[d.codes[where]] = where
    new_values = d.values.copy()
    new_values[hit] = col_out.to_numpy()[one_cell[hit]]
    return col_out, Distinct.from_codes(d.codes, new_values)


# YAML 1.1 reads the keys yes/no/on/off/true/false as booleans: ``yes: positive`` must still match "yes".
_BOOL_WORDS = {True: ("true", "yes", "y", "on"), False: ("false", "no", "n", "off")}


def _lookup(mapping: dict) -> dict[str, object]:
    out: dict[str, object] = {}
    for k, v in mapping.items():
        if isinstance(k, bool):
            keys = _BOOL_WORDS[k]
        elif isinstance(k, float) and k.is_integer():
            keys = (str(int(k)),)  # cells print 2.0 as "2" (parse.as_text)
        else:
            keys = (str(k).strip().lower(),)
        for key in keys:
            out[key] = v
    return out
