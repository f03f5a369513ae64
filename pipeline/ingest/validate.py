"""Validation: de-identification guard, mapping, typed coercion, pandera schemas, cross-table checks.

``validate_inputs`` collects every issue from every table before deciding; it raises ``DataError``
only after all checks have run, so the user sees all their problems at once.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import pandas as pd

from pipeline.config import StudyConfig
from pipeline.errors import Code, DataError, Issue
from pipeline.ingest.checks import check_adverse_events, check_assessments, check_patients
from pipeline.ingest.coerce import PARSE_CODES, coerce_table
from pipeline.ingest.deid import check_identifiers
from pipeline.ingest.load import RawTable
from pipeline.ingest.mapping import check_mapping_targets, map_values_distinct, rename_columns
from pipeline.ingest.schemas import run_schema


@dataclass
class Validated:
    tables: dict[str, pd.DataFrame]
    issues: list[Issue] = field(default_factory=list)
    headers: dict[str, dict[str, str]] = field(default_factory=dict)  # hospital header -> canonical

    @property
    def warnings(self) -> list[Issue]:
        return [i for i in self.issues if i.severity == "warning"]

    @property
    def errors(self) -> list[Issue]:
        return [i for i in self.issues if i.severity == "error"]


def validate_inputs(raw: dict[str, RawTable], config: StudyConfig) -> Validated:
    check_mapping_targets(config.columns)
    issues: list[Issue] = []
    typed: dict[str, pd.DataFrame] = {}
    headers: dict[str, dict[str, str]] = {}
    withheld: set[tuple[str, str]] = set()  # (file, column) refused as identifiers: never echo their values
    for name, rt in raw.items():
        file = rt.path.name
        mapping = config.columns.get(name, {})
        issues += list(rt.notes)
        phi = check_identifiers(rt.frame, file, config.deid_allow, mapping, rt.distinct)
        issues += phi
        extras = config.extra_specs() if name == "patients" else ()
        frame, dropped, applied = rename_columns(
            rt.frame, name, mapping, file,
            {e.source_header: e.name for e in config.extra_columns} if name == "patients" else None)
        headers[name] = applied
        # a refused identifier column is not reported again as "ignored"
        phi_cols = {i.column for i in phi}
        issues += [i for i in dropped if i.column not in phi_cols]
        withheld |= {(file, c) for c in phi_cols} | {(file, applied[c]) for c in phi_cols if c in applied}
        # the loader's codes of each column (pipeline/ingest/distinct.py), under the canonical names
        distinct = {applied[h]: d for h, d in rt.distinct.items() if h in applied}
        frame, distinct = map_values_distinct(frame, config.values, distinct)
        df, parse_issues = coerce_table(frame, name, file, extras, distinct)
        issues += parse_issues
        if not any(i.row is None and i.severity == "error" and i.file == file for i in parse_issues):
            issues += run_schema(df, name, file, "errors", extras)
            issues += run_schema(df, name, file, "warnings", extras)
        typed[name] = df
    p = typed["patients"]
    pfile = raw["patients"].path.name
    if p.empty:
        issues.append(Issue(pfile, None, None, None, "the file has a header but no patient rows: nothing to analyse",
                            code=Code.NO_ROWS))
    issues += check_patients(p, pfile)
    if "assessments" in typed:
        issues += check_assessments(typed["assessments"], p, raw["assessments"].path.name,
                                    config.validation.baseline_window_days)
    if "adverse_events" in typed:
        issues += check_adverse_events(typed["adverse_events"], p, raw["adverse_events"].path.name)
    if any(c == "patient_id" for _, c in withheld):  # the same IDs key the other tables
        withheld |= {(rt.path.name, "patient_id") for rt in raw.values()}
    issues = _dedupe(_drop_echoes(_withhold(issues, withheld)))
    result = Validated(typed, issues, headers)
    if result.errors:
        raise DataError(issues)
    return result


def _withhold(issues: list[Issue], withheld: set[tuple[str, str]]) -> list[Issue]:
    """A column refused as an identifier may be mapped to a canonical one (e.g. 住院号 -> patient_id):
    later issues on it must not print its values."""
    return [replace(i, value="<withheld>") if i.value is not None and (i.file, i.column) in withheld else i
            for i in issues]


#: A cell with one of these codes was unreadable, so it is blank after coercion: not also "missing".
_UNPARSED = frozenset(PARSE_CODES.values()) | {Code.DATE_OUT_OF_RANGE}


def _drop_echoes(issues: list[Issue]) -> list[Issue]:
    """One message per cell: an unparseable cell is not also 'missing', an error is not also a warning."""
    unparsed = {(i.file, i.row, i.column) for i in issues if i.code in _UNPARSED}
    errors = {(i.file, i.row, i.column) for i in issues if i.severity == "error"}
    out = []
    for i in issues:
        key = (i.file, i.row, i.column)
        if i.code == Code.MISSING_VALUE and key in unparsed:
            continue
        if i.severity == "warning" and key in errors:
            continue
        out.append(i)
    return out


def _dedupe(issues: list[Issue]) -> list[Issue]:
    """Each code once per file, line and column (the first one found), whatever its words; then sorted."""
    seen, out = set(), []
    for i in issues:
        key = (i.code, i.file, i.row, i.column)
        if key not in seen:
            seen.add(key)
            out.append(i)
    order = {"error": 0, "warning": 1}
    return sorted(out, key=lambda i: (order[i.severity], i.file, i.row or 0, i.column or "", i.rule))
