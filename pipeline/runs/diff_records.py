"""Records compared one by one as of the earlier cut-off (``compare_runs``' fourth level).

Both runs' validated tables (derived/patients, assessments, adverse_events) are cut at the earlier cut-off
again and compared record by record, keyed as ``RECORD_KEYS`` says: a corrected date or a late-entered
assessment shows as exactly that record, column, old -> new value.

One difference is follow-up, not a record that changed: a patient seen after the earlier cut-off has, cut
there, the cut-off as last contact (``apply_cutoff``), where the earlier run has the last contact before it.
Such a ``last_contact_date`` is left out of the changes and its patients listed in ``followed_past_as_of``.
Two patient columns have no date to cut at (``UNDATED_COURSE``): when the runs' cut-offs differ, a change in
them is marked ``"undated": true``, as it may be follow-up after the earlier cut-off rather than a correction.
"""
from __future__ import annotations

import datetime as dt

import pandas as pd

from pipeline.cutoff import apply_cutoff
from pipeline.runs.read import Run

#: Patient columns ``apply_cutoff`` reads; added empty when an old run's table lacks them.
_CUTOFF_PATIENT_COLUMNS = ("index_date", "death_date", "death_cause", "progression_date", "new_therapy_date",
                           "last_contact_date")
#: Patient columns that describe the course up to the export and carry no date (docs/CONTRACT.md).
UNDATED_COURSE = ("cycles", "best_response")
#: Tables compared record by record, with their keys.
RECORD_KEYS: dict[str, tuple[str, ...]] = {
    "patients": ("patient_id",),
    "assessments": ("patient_id", "assessment_date"),
    "adverse_events": ("patient_id", "term", "onset_date"),
}


def _as_of(tables: dict[str, pd.DataFrame], cutoff: dt.date) -> tuple[dict[str, pd.DataFrame], set[str]]:
    """Text tables cut at ``cutoff`` with the pipeline's own rule, back to text, and the patients whose
    last contact the cut moved to ``cutoff`` (seen, progressed or dead after it)."""
    tabs = {}
    for name, df in tables.items():
        df = df.copy()
        if name == "patients":
            for col in _CUTOFF_PATIENT_COLUMNS:
                if col not in df:
                    df[col] = ""
        for col in df.columns:
            if col.endswith("_date"):
                df[col] = pd.to_datetime(df[col].replace("", None), format="%Y-%m-%d", errors="coerce")
        tabs[name] = df
    cut, _ = apply_cutoff(tabs, cutoff)
    out = {}
    for name, df in cut.items():
        df = df[tables[name].columns].copy()  # drop the columns added above
        for col in df.columns:
            if col.endswith("_date"):
                df[col] = df[col].dt.strftime("%Y-%m-%d")
        out[name] = df.fillna("").astype(str).reset_index(drop=True)
    p, lc = out["patients"], "last_contact_date"
    if lc not in tables["patients"] or "patient_id" not in tables["patients"]:
        return out, set()
    was = tables["patients"].drop_duplicates("patient_id").set_index("patient_id")[lc]
    return out, set(p.loc[p[lc].to_numpy() != was.reindex(p["patient_id"]).fillna("").to_numpy(), "patient_id"])


def _drop_follow_up(d: dict, followed: set[str]) -> list[str]:
    """Take the ``last_contact_date`` changes of ``followed`` patients out of the patients table's diff
    ``d`` (follow-up past the cut-off, not a correction); returns those patients, sorted."""
    moved, kept = [], []
    for c in d["changed"]:
        pid = c["key"]["patient_id"]
        rest = [ch for ch in c["changes"] if not (ch["column"] == "last_contact_date" and pid in followed)]
        if len(rest) < len(c["changes"]):
            moved.append(pid)
        if rest:
            kept.append({**c, "changes": rest})
    d["changed"] = kept
    return sorted(moved)


def _row_dict(r: pd.Series) -> dict:
    return {k: v for k, v in r.items() if v != ""}


def _diff_table(ta: pd.DataFrame, tb: pd.DataFrame, key: list[str]) -> dict:
    """Records added, removed and changed (column, old -> new) between two text tables."""
    cols = list(ta.columns) + [c for c in tb.columns if c not in ta.columns]
    res = {"key": key, "columns_added": [c for c in tb.columns if c not in ta.columns],
           "columns_removed": [c for c in ta.columns if c not in tb.columns],
           "added": [], "removed": [], "changed": []}
    ta = ta.reindex(columns=cols, fill_value="")
    tb = tb.reindex(columns=cols, fill_value="")
    other = [c for c in cols if c not in key]

    dup = ta[ta.duplicated(key, keep=False)][key].drop_duplicates()
    dup = pd.concat([dup, tb[tb.duplicated(key, keep=False)][key]]).drop_duplicates()

    def split(t: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
        if dup.empty:
            return t, t.iloc[0:0]
        is_dup = t[key].merge(dup.assign(_d=1), on=key, how="left")["_d"].notna().to_numpy()
        return t[~is_dup], t[is_dup]

    ua, da = split(ta)
    ub, db = split(tb)
    m = ua.merge(ub, on=key, how="outer", suffixes=("\x00a", "\x00b"), indicator=True)
    m = m.sort_values(key, kind="stable")
    for _, r in m[m["_merge"] == "left_only"].iterrows():
        res["removed"].append(_row_dict(r[key + [f"{c}\x00a" for c in other]].rename(lambda c: c.split("\x00")[0])))
    for _, r in m[m["_merge"] == "right_only"].iterrows():
        res["added"].append(_row_dict(r[key + [f"{c}\x00b" for c in other]].rename(lambda c: c.split("\x00")[0])))
    both = m[m["_merge"] == "both"]
    if other and len(both):
        va = both[[f"{c}\x00a" for c in other]].to_numpy()
        vb = both[[f"{c}\x00b" for c in other]].to_numpy()
        differs = va != vb
        for i in differs.any(axis=1).nonzero()[0]:
            res["changed"].append({
                "key": {k: both.iloc[i][k] for k in key},
                "changes": [{"column": other[j], "old": va[i, j], "new": vb[i, j]}
                            for j in differs[i].nonzero()[0]],
            })
    if len(da) or len(db):
        # keys with several records: compare as multisets of whole records
        ca = da.groupby(cols, dropna=False).size()
        cb = db.groupby(cols, dropna=False).size()
        d = ca.sub(cb, fill_value=0).astype(int)
        for idx, n in d[d != 0].sort_index().items():
            row = _row_dict(pd.Series(dict(zip(cols, idx, strict=True))))
            res["removed" if n > 0 else "added"].extend([row] * abs(n))
    for k in ("added", "removed"):
        res[k].sort(key=lambda r: [r.get(c, "") for c in key])
    return res


def _mark_undated(d: dict) -> None:
    """Mark the changes of ``UNDATED_COURSE`` columns in the patients table's diff ``d``."""
    for c in d["changed"]:
        for ch in c["changes"]:
            if ch["column"] in UNDATED_COURSE:
                ch["undated"] = True


def records_diff(a: Run, b: Run) -> dict:
    as_of = min(a.cutoff, b.cutoff)
    names = [n for n in RECORD_KEYS if n in a.derived or n in b.derived]
    if "patients" not in a.derived or "patients" not in b.derived:
        return {"as_of": as_of.isoformat(), "available": False, "n_differences": None, "tables": {},
                "note": "a run has no derived/patients.csv (made before mmcohort kept the cut-off tables)"}
    tabs, followed = {}, set()
    for side, r in (("a", a), ("b", b)):
        t = {}
        for n in names:
            other = b if side == "a" else a
            t[n] = r.derived.get(n, other.derived[n].iloc[0:0])
        tabs[side], seen_after = _as_of(t, as_of)
        followed |= seen_after
    out, total, moved = {}, 0, []
    for n in names:
        key = list(RECORD_KEYS[n])
        if not all(k in tabs["a"][n] and k in tabs["b"][n] for k in key):
            out[n] = {"key": key, "note": "key columns missing; not compared"}
            continue
        d = _diff_table(tabs["a"][n], tabs["b"][n], key)
        if n == "patients":
            moved = _drop_follow_up(d, followed)
            if a.cutoff != b.cutoff:
                _mark_undated(d)
        total += len(d["added"]) + len(d["removed"]) + len(d["changed"])
        out[n] = d
    return {"as_of": as_of.isoformat(), "available": True, "n_differences": total, "tables": out,
            "followed_past_as_of": moved}
