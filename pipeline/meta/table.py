"""The studies table: read with the project's loader (encoding detection, line numbers), then checked
against each outcome's needs; every problem is reported at once with its file, line, column and rule."""

from __future__ import annotations

import numpy as np
import pandas as pd

from pipeline.errors import Code, DataError, Issue
from pipeline.ingest.load import LINE, read_table
from pipeline.meta.config import Dichotomous, Generic, MetaConfig, Proportion


def load_studies(cfg: MetaConfig) -> pd.DataFrame:
    """Raw cells of the studies table plus ``_line`` (header = line 1)."""
    return read_table("studies", cfg.studies_path, sheet=cfg.sheet, encoding=cfg.encoding, sheet_key="sheet").frame


def _numbers(df: pd.DataFrame, col: str, fname: str, issues: list[Issue], whole: bool) -> pd.Series:
    """Column as floats; blank, non-numeric or (when ``whole``) fractional cells are issues."""
    raw = df[col]
    num = pd.to_numeric(raw.map(lambda v: v.strip() if isinstance(v, str) else v), errors="coerce")
    num = num.astype(float)
    bad = num.isna() | ~np.isfinite(num)
    if whole:
        bad |= num.notna() & (num % 1 != 0)
    rule = "must be a whole number" if whole else "must be a number"
    for line, v in zip(df.loc[bad, LINE], raw[bad], strict=True):
        issues.append(Issue(fname, int(line), col, None if v is None else str(v), rule, code=Code.BAD_NUMBER))
    return num


def _flag(df, mask, fname, col, values, code, rule, issues):
    for line, v in zip(df.loc[mask, LINE], values[mask], strict=True):
        issues.append(Issue(fname, int(line), col, f"{v:g}", rule, code=code))


def _counts(df, ev_col, n_col, fname, issues):
    ev = _numbers(df, ev_col, fname, issues, whole=True)
    n = _numbers(df, n_col, fname, issues, whole=True)
    _flag(df, ev < 0, fname, ev_col, ev, Code.OUT_OF_RANGE, "events must be >= 0", issues)
    _flag(df, n <= 0, fname, n_col, n, Code.OUT_OF_RANGE, "the total must be positive", issues)
    _flag(df, (ev > n) & (n > 0), fname, ev_col, ev, Code.EVENTS_OVER_TOTAL,
          f"events must be <= the total in {n_col!r}", issues)
    return ev, n


def outcome_data(df: pd.DataFrame, cfg: MetaConfig, outcome, fname: str) -> tuple[pd.DataFrame, list[Issue]]:
    """The columns one outcome uses, renamed to roles and checked; (frame, issues).

    A row whose cells for this outcome are all blank is a study that did not report it: left out of
    this outcome, not an error. A partly filled row is an error.
    """
    issues: list[Issue] = []
    cols = outcome.columns.model_dump()
    needed = {cfg.study_column: "study", **{v: k for k, v in cols.items()}}
    if outcome.subgroup:
        needed[outcome.subgroup] = "subgroup"
    missing = [c for c in needed if c not in df.columns]
    if missing:
        where = f"outcome {outcome.name!r}"
        return df.iloc[:0], [Issue(fname, 1, c, None, f"column needed by {where} is not in the table",
                                   code=Code.MISSING_COLUMN)
                             for c in missing]
    roles = list(cols.values())
    df = df[~df[roles].isna().all(axis=1)]  # a study reporting none of this outcome is not in it
    out = pd.DataFrame({LINE: df[LINE]})
    out["study"] = df[cfg.study_column].map(lambda v: None if v is None else str(v).strip())
    for line in df.loc[out["study"].isna() | (out["study"] == ""), LINE]:
        issues.append(Issue(fname, int(line), cfg.study_column, None, "every study needs a label",
                            code=Code.MISSING_VALUE))
    if outcome.subgroup:
        out["subgroup"] = df[outcome.subgroup].map(lambda v: None if v is None else str(v).strip())
        for line in df.loc[out["subgroup"].isna(), LINE]:
            issues.append(Issue(fname, int(line), outcome.subgroup, None, "the subgroup is blank",
                                code=Code.MISSING_VALUE))
    if isinstance(outcome, Dichotomous):
        c = outcome.columns
        out["e1"], out["n1"] = _counts(df, c.experimental_events, c.experimental_total, fname, issues)
        out["e2"], out["n2"] = _counts(df, c.control_events, c.control_total, fname, issues)
    elif isinstance(outcome, Proportion):
        out["events"], out["total"] = _counts(df, outcome.columns.events, outcome.columns.total, fname, issues)
    elif isinstance(outcome, Generic):
        _ratio_checks(df, outcome, fname, issues, out)
    return out, issues


def _ratio_checks(df, outcome: Generic, fname: str, issues: list[Issue], out: pd.DataFrame) -> None:
    c = outcome.columns
    est, lo, hi = (_numbers(df, col, fname, issues, whole=False) for col in (c.estimate, c.lower, c.upper))
    for col, v in ((c.estimate, est), (c.lower, lo), (c.upper, hi)):
        _flag(df, v <= 0, fname, col, v, Code.OUT_OF_RANGE, "a ratio and its CI limits must be positive", issues)
    pos = (est > 0) & (lo > 0) & (hi > 0)
    _flag(df, pos & ((est < lo) | (est > hi)), fname, c.estimate, est, Code.CI_EXCLUDES_ESTIMATE,
          f"the CI ({c.lower!r} to {c.upper!r}) must contain the estimate", issues)
    _flag(df, pos & (lo >= hi), fname, c.lower, lo, Code.CI_ORDER,
          f"the lower CI limit must be below {c.upper!r}", issues)
    out["ratio"], out["lower"], out["upper"] = est, lo, hi


def check_studies(df: pd.DataFrame, cfg: MetaConfig) -> dict[str, pd.DataFrame]:
    """Per outcome name, its checked data; ``DataError`` with every issue of every outcome otherwise."""
    fname = cfg.studies_path.name
    issues: list[Issue] = []
    if df.empty:
        raise DataError([Issue(fname, None, None, None, "the studies table has no rows", code=Code.NO_ROWS)])
    data = {}
    for outcome in cfg.outcomes:
        d, found = outcome_data(df, cfg, outcome, fname)
        issues.extend(i for i in found if i not in issues)
        data[outcome.name] = d
    dups = df[cfg.study_column].duplicated(keep="first") if cfg.study_column in df.columns else []
    for line, v in zip(df.loc[dups, LINE], df.loc[dups, cfg.study_column], strict=True) if len(dups) else []:
        issues.append(Issue(fname, int(line), cfg.study_column, str(v),
                            "study labels must be unique (add the year or a letter)", code=Code.DUPLICATE_KEY))
    if issues:
        raise DataError(sorted(issues, key=lambda i: (i.row or 0, i.column or "", i.rule)))
    return data
