"""What changed between two runs of a study (usually two cut-offs): ``mmcohort compare`` and ``runs``.

A run folder is read back (``load_run``: results.json, manifest.json, derived/*.csv as text) and two runs
are compared (``compare_runs``) on four levels:

- patients added or removed;
- per-patient events: progressions (``adsl.pfs_progression_date``) and deaths (``adsl.death_date``)
  new, removed or re-dated, and best responses (``adsl.bor``) that changed;
- follow-up and every headline number before and after (ORR per population, medians with CIs,
  log-rank p, Cox HR), flagging p-values that crossed 0.05 and medians that went from NR to a value
  (or back);
- the records themselves as of the earlier cut-off: both runs' validated tables (derived/patients,
  assessments, adverse_events) are cut at the earlier cut-off again and compared record by record,
  keyed by patient_id / (patient_id, assessment_date) / (patient_id, term, onset_date). A newer export
  whose data up to the old cut-off did not change shows no record here; a corrected date or a
  late-entered assessment shows as exactly that record, column, old -> new value.

Everything here only reads; the dict is JSON-able with a deterministic order (no timestamps, folder
names rather than absolute paths), so a run's ``changes_since_previous.json`` is reproducible.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import math
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from pipeline.cutoff import apply_cutoff
from pipeline.errors import UserError
from pipeline.runs.folder import read_csv_text
from pipeline.text.escape import md_escape
from pipeline.text.fmt import level as ci_level
from pipeline.vocab import DAYS_PER_MONTH

log = logging.getLogger("mmcohort")

ALPHA = 0.05
#: Tables compared record by record, with their keys.
RECORD_KEYS: dict[str, tuple[str, ...]] = {
    "patients": ("patient_id",),
    "assessments": ("patient_id", "assessment_date"),
    "adverse_events": ("patient_id", "term", "onset_date"),
}
#: Patient columns ``apply_cutoff`` reads; added empty when an old run's table lacks them.
_CUTOFF_PATIENT_COLUMNS = ("index_date", "death_date", "death_cause", "progression_date", "new_therapy_date",
                           "last_contact_date")


@dataclass
class Run:
    folder: Path
    study: str
    cutoff: dt.date
    results: dict
    manifest: dict
    #: derived/<name>.csv as text ("" = empty cell), by name: patients, assessments, adverse_events, adsl...
    derived: dict[str, pd.DataFrame] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return self.folder.name


# --------------------------------------------------------------------------------------------- reading


def _read_json(path: Path) -> dict:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        raise UserError(f"{path} cannot be read as JSON ({e})") from None
    if not isinstance(data, dict):
        raise UserError(f"{path} is not an mmcohort file (expected a JSON object)")
    return data


def _run_header(folder: Path) -> tuple[dict, dict]:
    """(results, manifest) of a run folder, or a UserError saying why it is not one."""
    folder = Path(folder)
    if not folder.is_dir():
        raise UserError(f"{folder} is not a folder (expected a run folder such as reports/<study>_cutoff-<date>)")
    missing = [n for n in ("results.json", "manifest.json") if not (folder / n).is_file()]
    if missing:
        raise UserError(f"{folder} is not an mmcohort run folder: {' and '.join(missing)} missing")
    results, manifest = _read_json(folder / "results.json"), _read_json(folder / "manifest.json")
    for key in ("study", "cutoff"):
        if key not in manifest:
            raise UserError(f"{folder / 'manifest.json'} has no '{key}': not an mmcohort run folder")
    return results, manifest


def load_run(folder: Path | str) -> Run:
    """Read a run folder back: results.json, manifest.json and every derived/*.csv (as text)."""
    folder = Path(folder)
    results, manifest = _run_header(folder)
    _check_derived_text(folder)
    try:
        cutoff = dt.date.fromisoformat(str(manifest["cutoff"]))
    except ValueError:
        raise UserError(f"{folder / 'manifest.json'}: cutoff {manifest['cutoff']!r} is not a date") from None
    derived = {}
    if (folder / "derived").is_dir():
        for path in sorted((folder / "derived").glob("*.csv")):
            derived[path.stem] = read_csv_text(path, keep_default_na=False)  # formula guard removed
    return Run(folder, str(manifest["study"]), cutoff, results, manifest, derived)


def _check_derived_text(folder: Path) -> None:
    """A run's derived/*.csv re-saved in another encoding (Excel's GBK) is a UserError naming the file."""
    derived = folder / "derived"
    for path in sorted(derived.glob("*.csv")) if derived.is_dir() else []:
        try:
            path.read_bytes().decode("utf-8")
        except UnicodeDecodeError:
            raise UserError(f"{path} is not UTF-8 any more (re-saved by Excel?); mmcohort wrote it as UTF-8: "
                            "rerun that cut-off, or save the file as 'CSV UTF-8'") from None
        except OSError as e:
            raise UserError(f"{path} cannot be read ({e.strerror or e})") from None


def _runs_in(out_root: Path) -> list[tuple[Path, dict, dict]]:
    out_root = Path(out_root)
    found = []
    if not out_root.is_dir():
        return found
    for folder in sorted(out_root.iterdir()):
        if folder.name.startswith(".") or not folder.is_dir():
            continue  # staging folders of runs in progress are hidden
        try:
            results, manifest = _run_header(folder)
            dt.date.fromisoformat(str(manifest["cutoff"]))
        except (UserError, ValueError):
            continue
        found.append((folder, results, manifest))
    return found


def find_previous_run(out_root: Path | str, study: str, cutoff: dt.date) -> Path | None:
    """The run of ``study`` in ``out_root`` with the latest cut-off before ``cutoff`` (None if none)."""
    best: tuple[dt.date, str, Path] | None = None
    for folder, _, manifest in _runs_in(Path(out_root)):
        c = dt.date.fromisoformat(str(manifest["cutoff"]))
        if manifest["study"] == study and c < cutoff and (best is None or (c, folder.name) > best[:2]):
            best = (c, folder.name, folder)
    return None if best is None else best[2]


def changes_since_previous(out_root: Path | str, folder: Path | str, study: str, cutoff: dt.date,
                           name: str | None = None) -> dict | None:
    """Compare the run in ``folder`` (may be the staged one) with the latest earlier run of the study.

    ``name`` is the run's final folder name (the staged folder has a temporary one). None when there is
    no earlier run, or when the earlier one cannot be read (logged, the new run still succeeds).
    """
    prev = find_previous_run(out_root, study, cutoff)
    if prev is None:
        return None
    try:
        old = load_run(prev)
    except (UserError, ValueError) as e:  # ValueError: pandas cannot parse a damaged derived CSV
        log.warning("compare: the earlier run %s cannot be read (%s); no changes_since_previous", prev.name, e)
        return None
    new = load_run(folder)
    if name is not None:
        new.folder = new.folder.with_name(name)
    return compare_runs(old, new)


# ------------------------------------------------------------------------------------------- comparing


def _num(v: object) -> float | None:
    if v is None or isinstance(v, bool):
        return None
    try:
        f = float(v)
    except (TypeError, ValueError):
        return None
    return f if math.isfinite(f) else None


def _run_summary(r: Run) -> dict:
    return {
        "folder": r.name,
        "cutoff": r.cutoff.isoformat(),
        "n_patients": r.results.get("n_patients"),
        "response_source": r.results.get("response_source"),
        "inputs": [{"table": i.get("table"), "sha256": i.get("sha256"), "rows": i.get("rows")}
                   for i in r.manifest.get("inputs", [])],
        "mmcohort": (r.manifest.get("versions") or {}).get("mmcohort"),
        "conf_level": _conf_level(r.results, r.manifest),
    }


def _conf_level(results: dict, manifest: dict) -> float | None:
    """The run's confidence level: results.json's options, else the config in its manifest."""
    v = (results.get("options") or {}).get("conf_level")
    if v is None:
        v = ((manifest.get("config") or {}).get("analysis") or {}).get("conf_level")
    return _num(v)


def _level_text(levels: list[float | None]) -> str:
    """'95', or '95/90' when two runs used different levels ('?' for a run that does not say)."""
    shown = list(dict.fromkeys("?" if v is None else ci_level(v) for v in levels))
    return "/".join(shown)


def _flatten(d: object, prefix: str = "") -> dict[str, object]:
    if isinstance(d, dict):
        out: dict[str, object] = {}
        for k, v in d.items():
            out.update(_flatten(v, f"{prefix}{k}."))
        return out
    return {prefix[:-1]: d}


def _config_changes(a: Run, b: Run) -> list[dict]:
    fa, fb = _flatten(a.manifest.get("config") or {}), _flatten(b.manifest.get("config") or {})
    keys = list(fa) + [k for k in fb if k not in fa]
    return [{"key": k, "a": fa.get(k), "b": fb.get(k)} for k in keys
            if k != "cutoff" and json.dumps(fa.get(k), sort_keys=True) != json.dumps(fb.get(k), sort_keys=True)]


def _adsl(r: Run) -> pd.DataFrame:
    adsl = r.derived.get("adsl")
    if adsl is None:
        return pd.DataFrame(columns=["patient_id", "index_date", "prog", "death_date", "bor"])
    prog = next((c for c in ("pfs_progression_date", "progression_date_derived", "progression_date")
                 if c in adsl), None)
    out = pd.DataFrame({"patient_id": adsl["patient_id"]})
    for col, src in (("index_date", "index_date"), ("prog", prog), ("death_date", "death_date"), ("bor", "bor")):
        out[col] = adsl[src] if src is not None and src in adsl else ""
    return out.set_index("patient_id")


def _event_changes(ia: pd.Series, ib: pd.Series, a_cutoff: str, new_ids: set[str]) -> dict:
    """Dates per patient (``""`` = none) before and after: new, removed and re-dated events."""
    both = pd.concat([ia.rename("a"), ib.rename("b")], axis=1).fillna("").sort_index()
    new = both[(both["a"] == "") & (both["b"] != "")]
    gone = both[(both["a"] != "") & (both["b"] == "")]
    moved = both[(both["a"] != "") & (both["b"] != "") & (both["a"] != both["b"])]
    return {
        "new": [{"patient_id": pid, "date": d, "new_patient": pid in new_ids,
                 # dated before the earlier cut-off: a late entry, a correction or a later confirmation
                 "on_or_before_a_cutoff": d <= a_cutoff} for pid, d in new["b"].items()],
        "removed": [{"patient_id": pid, "date": d} for pid, d in gone["a"].items()],
        "date_changed": [{"patient_id": pid, "a": r.a, "b": r.b} for pid, r in moved.iterrows()],
    }


def _followup(a: Run, b: Run) -> dict:
    def os_times(r: Run) -> pd.Series:
        t = r.derived.get("adtte")
        if t is None or "PARAMCD" not in t:
            return pd.Series(dtype=float)
        os_ = t[t["PARAMCD"] == "OS"]
        return pd.to_numeric(os_["AVAL"], errors="coerce").set_axis(os_["patient_id"])

    ta, tb = os_times(a), os_times(b)
    common = ta.index.intersection(tb.index)
    gain = (tb[common] - ta[common]) / DAYS_PER_MONTH
    return {
        "a": a.results.get("followup_months"),
        "b": b.results.get("followup_months"),
        "days_between_cutoffs": (b.cutoff - a.cutoff).days,
        "os_person_months": {"a": round(float(ta.sum()) / DAYS_PER_MONTH, 2) if len(ta) else None,
                             "b": round(float(tb.sum()) / DAYS_PER_MONTH, 2) if len(tb) else None},
        "per_patient_gain_months": {
            "n": int(len(common)),
            "median": round(float(gain.median()), 2) if len(common) else None,
            "max": round(float(gain.max()), 2) if len(common) else None,
        },
    }


def _pair(rows_a: list[dict], rows_b: list[dict], key) -> list[tuple[object, dict | None, dict | None]]:
    """Rows matched by ``key``, in B's order then A-only rows in A's order."""
    da = {key(r): r for r in rows_a}
    db = {key(r): r for r in rows_b}
    keys = list(db) + [k for k in da if k not in db]
    return [(k, da.get(k), db.get(k)) for k in keys]


def _pick(r: dict | None, cols: tuple[str, ...]) -> dict | None:
    return None if r is None else {c: r.get(c) for c in cols}


def _label(endpoint: str, group_by: str | None, group: str | None = None, landmark: object = None) -> str:
    s = endpoint + ("" if group_by is None else f" by {group_by}")
    if group is not None:
        s += f" = {group}"
    if landmark is not None:
        s += f" (landmark {landmark} d)"
    return s


def _headline(a: Run, b: Run) -> tuple[dict, list[dict]]:
    ra, rb = a.results, b.results
    flags: list[dict] = []

    orr = []
    rate_cols = ("n", "N", "pct", "ci_low", "ci_high")
    pairs = _pair([r for r in ra.get("rates", []) if r.get("endpoint") == "ORR"],
                  [r for r in rb.get("rates", []) if r.get("endpoint") == "ORR"], lambda r: r.get("population"))
    for pop, ea, eb in pairs:
        orr.append({"population": pop, "a": _pick(ea, rate_cols), "b": _pick(eb, rate_cols),
                    "changed": _pick(ea, rate_cols) != _pick(eb, rate_cols)})

    medians = []
    med_cols = ("n", "events", "median", "median_ci_low", "median_ci_high")
    for (ep, gb, grp), ea, eb in _pair(ra.get("survival", []), rb.get("survival", []),
                                       lambda r: (r.get("endpoint"), r.get("group_by"), r.get("group"))):
        row = {"endpoint": ep, "group_by": gb, "group": grp, "a": _pick(ea, med_cols), "b": _pick(eb, med_cols),
               "flags": []}
        if ea is not None and eb is not None:
            ma, mb = _num(ea.get("median")), _num(eb.get("median"))
            if ma is None and mb is not None:
                row["flags"].append("median_reached")
            elif ma is not None and mb is None:
                row["flags"].append("median_no_longer_reached")
        for f in row["flags"]:
            flags.append({"kind": f, "what": _label(ep, gb, grp) + " median",
                          "a": ea.get("median"), "b": eb.get("median")})
        medians.append(row)

    comps = []
    comp_cols = ("n", "chisq", "df", "p", "hr", "hr_ci_low", "hr_ci_high", "hr_p", "hr_vs")
    for (ep, gb, test, lm), ea, eb in _pair(
            ra.get("comparisons", []), rb.get("comparisons", []),
            lambda r: (r.get("endpoint"), r.get("group_by"), r.get("test"), r.get("landmark_days"))):
        row = {"endpoint": ep, "group_by": gb, "test": test, "landmark_days": lm,
               "a": _pick(ea, comp_cols), "b": _pick(eb, comp_cols), "flags": []}
        if ea is not None and eb is not None:
            for col, kind in (("p", "p_crossed_0.05"), ("hr_p", "hr_p_crossed_0.05")):
                pa, pb = _num(ea.get(col)), _num(eb.get(col))
                if pa is not None and pb is not None and (pa < ALPHA) != (pb < ALPHA):
                    row["flags"].append(kind)
                    what = _label(ep, gb, None, lm) + (f" {test} p" if col == "p" else " Cox HR p")
                    flags.append({"kind": kind, "what": what, "a": pa, "b": pb,
                                  "now_significant": pb < ALPHA})
            if ea.get("hr_vs") != eb.get("hr_vs"):
                row["flags"].append("hr_groups_changed")
        comps.append(row)

    n_a, n_b = ra.get("n_patients"), rb.get("n_patients")
    return {"n_patients": {"a": n_a, "b": n_b}, "orr": orr, "medians": medians, "comparisons": comps}, flags


# --- records as of the earlier cut-off


def _as_of(tables: dict[str, pd.DataFrame], cutoff: dt.date) -> dict[str, pd.DataFrame]:
    """Text tables cut at ``cutoff`` with the pipeline's own rule, back to text."""
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
    return out


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


def _records(a: Run, b: Run) -> dict:
    as_of = min(a.cutoff, b.cutoff)
    names = [n for n in RECORD_KEYS if n in a.derived or n in b.derived]
    if "patients" not in a.derived or "patients" not in b.derived:
        return {"as_of": as_of.isoformat(), "available": False, "n_differences": None, "tables": {},
                "note": "a run has no derived/patients.csv (made before mmcohort kept the cut-off tables)"}
    tabs = {}
    for side, r in (("a", a), ("b", b)):
        t = {}
        for n in names:
            other = b if side == "a" else a
            t[n] = r.derived.get(n, other.derived[n].iloc[0:0])
        tabs[side] = _as_of(t, as_of)
    out, total = {}, 0
    for n in names:
        key = list(RECORD_KEYS[n])
        if not all(k in tabs["a"][n] and k in tabs["b"][n] for k in key):
            out[n] = {"key": key, "note": "key columns missing; not compared"}
            continue
        d = _diff_table(tabs["a"][n], tabs["b"][n], key)
        total += len(d["added"]) + len(d["removed"]) + len(d["changed"])
        out[n] = d
    return {"as_of": as_of.isoformat(), "available": True, "n_differences": total, "tables": out}


def compare_runs(a: Run, b: Run, force: bool = False) -> dict:
    """What changed from run ``a`` (before) to run ``b`` (after). JSON-able, deterministic order.

    Runs of different studies are refused unless ``force``.
    """
    notes = []
    if a.study != b.study:
        if not force:
            raise UserError(f"the runs are of different studies ({a.study!r} in {a.name}, {b.study!r} in {b.name}); "
                            "use --force to compare them anyway")
        notes.append(f"different studies: {a.study} and {b.study}")
    if b.cutoff < a.cutoff:
        notes.append("the second run has the earlier cut-off: 'new' means present in the second run only")
    same_inputs = _run_summary(a)["inputs"] == _run_summary(b)["inputs"]
    if a.cutoff == b.cutoff:
        notes.append("same cut-off" + (" and the same input files" if same_inputs else "; the input files differ"))
    adsl_a, adsl_b = _adsl(a), _adsl(b)
    ids_a, ids_b = set(adsl_a.index), set(adsl_b.index)
    new_ids = ids_b - ids_a
    a_cut = a.cutoff.isoformat()

    changed_bor = adsl_a[["bor"]].join(adsl_b[["bor"]], how="inner", lsuffix="_a", rsuffix="_b").sort_index()
    changed_bor = changed_bor[changed_bor["bor_a"] != changed_bor["bor_b"]]
    headline, flags = _headline(a, b)
    return {
        "study": b.study,
        "a": _run_summary(a),
        "b": _run_summary(b),
        "same_inputs": same_inputs,
        "notes": notes,
        "config_changes": _config_changes(a, b),
        "patients": {
            "added": [{"patient_id": p, "index_date": adsl_b.at[p, "index_date"]} for p in sorted(new_ids)],
            "removed": [{"patient_id": p, "index_date": adsl_a.at[p, "index_date"]} for p in sorted(ids_a - ids_b)],
        },
        "progressions": _event_changes(adsl_a["prog"], adsl_b["prog"], a_cut, new_ids),
        "deaths": _event_changes(adsl_a["death_date"], adsl_b["death_date"], a_cut, new_ids),
        "best_response_changed": [{"patient_id": p, "a": r.bor_a, "b": r.bor_b} for p, r in changed_bor.iterrows()],
        "follow_up": _followup(a, b),
        "headline": headline,
        "flags": flags,
        "records": _records(a, b),
    }


# ----------------------------------------------------------------------------------------- formatting

_TEXT = {
    "en": {
        "title": "Changes: {study}, cut-off {a} -> {b}",
        "run": "run", "cutoff": "cut-off", "patients": "patients", "source": "response source",
        "inputs": "input files (SHA-256)", "notes": "Notes", "config": "Config changes",
        "flags": "Flags", "no_flags": "No p-value crossed 0.05 and no median changed between NR and a value.",
        "pat_section": "Patients", "added": "added", "removed": "removed", "none": "none",
        "events": "Events", "progressions": "Progressions", "deaths": "Deaths",
        "new": "new", "date_changed": "date changed", "late": "dated on or before the earlier cut-off "
        "(a late entry, a correction, or confirmed only by a later assessment)", "new_patient": "new patient",
        "bor": "Best response changed", "fu": "Follow-up",
        "fu_median": "median follow-up, months (reverse KM, {level}% CI)", "fu_range": "observation range, months",
        "fu_pm": "OS person-months", "fu_gain": "per-patient follow-up gained, months (median / max, n)",
        "head": "Headline numbers", "orr": "ORR by population", "population": "population",
        "medians": "Median survival, months ({level}% CI)", "endpoint": "endpoint", "group": "group",
        "events_col": "events", "comparisons": "Comparisons", "grouping": "grouping", "test": "test",
        "flag": "flag", "hr": "HR ({level}% CI)", "records": "Records that differ up to {d}",
        "records_none": "No record dated on or before {d} differs: the data up to that date are the same.",
        "records_na": "Not compared: {note}.", "record": "record", "column": "column", "old": "old",
        "new_val": "new", "changed": "changed", "key": "key", "cols_added": "columns added",
        "cols_removed": "columns removed", "unchanged": "unchanged",
        "more": "... and {n} more (all of them are in the JSON: changes_since_previous.json or compare --json)",
    },
    "zh": {
        "title": "变化：{study}，截止日期 {a} -> {b}",
        "run": "运行", "cutoff": "截止日期", "patients": "患者数", "source": "疗效来源",
        "inputs": "输入文件 (SHA-256)", "notes": "说明", "config": "配置变化",
        "flags": "提示", "no_flags": "没有 p 值跨越 0.05，也没有中位数在未达到 (NR) 与数值之间变化。",
        "pat_section": "患者", "added": "新增", "removed": "移除", "none": "无",
        "events": "事件", "progressions": "进展", "deaths": "死亡",
        "new": "新增", "date_changed": "日期变化", "late": "日期不晚于较早的截止日期（补录、更正，或由其后的评估才确认）",
        "new_patient": "新患者",
        "bor": "最佳疗效变化", "fu": "随访",
        "fu_median": "中位随访，月（反向 KM，{level}% CI）", "fu_range": "观察范围，月",
        "fu_pm": "OS 人月", "fu_gain": "每例患者增加的随访，月（中位 / 最大，n）",
        "head": "主要结果", "orr": "各人群 ORR", "population": "人群",
        "medians": "中位生存，月 ({level}% CI)", "endpoint": "终点", "group": "组",
        "events_col": "事件", "comparisons": "比较", "grouping": "分组", "test": "检验",
        "flag": "提示", "hr": "HR ({level}% CI)", "records": "截至 {d} 不同的记录",
        "records_none": "截至 {d} 没有记录不同：该日期之前的数据相同。",
        "records_na": "未比较：{note}。", "record": "记录", "column": "列", "old": "原值",
        "new_val": "新值", "changed": "修改", "key": "键", "cols_added": "新增列",
        "cols_removed": "移除列", "unchanged": "未变",
        "more": "……另有 {n} 条（完整列表见 JSON：changes_since_previous.json 或 compare --json）",
    },
}


def _m(v: object, nr: str = "NR") -> str:
    f = _num(v)
    return nr if f is None else f"{f:.1f}"


def _p(v: object) -> str:
    f = _num(v)
    if f is None:
        return "-"
    return "<0.001" if f < 0.001 else f"{f:.3f}"


def _esc(v: object) -> str:
    return md_escape(v, cell=True)


def _median_cell(r: dict | None) -> str:
    if r is None:
        return "-"
    return f"{_m(r['median'])} ({_m(r['median_ci_low'], 'NE')}-{_m(r['median_ci_high'])})"


def _orr_cell(r: dict | None) -> str:
    if r is None:
        return "-"
    if not r.get("N"):
        return f"{r.get('n', 0)}/{r.get('N', 0)}"
    return f"{r['n']}/{r['N']} ({_m(r['pct'])}%; {_m(r['ci_low'])}-{_m(r['ci_high'])})"


def _hr_cell(r: dict | None) -> str:
    if r is None:
        return "-"
    hr = _num(r.get("hr"))
    if hr is None:
        return "NE"
    lo, hi = _num(r.get("hr_ci_low")), _num(r.get("hr_ci_high"))
    ci = "" if lo is None or hi is None else f" ({lo:.2f}-{hi:.2f})"
    return f"{hr:.2f}{ci}"


def _table(head: list[str], rows: list[list[object]], limit: int | None = None, more: str = "") -> list[str]:
    out = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    shown = rows if not limit else rows[:limit]
    out += ["| " + " | ".join(_esc(c) for c in r) + " |" for r in shown]
    if len(shown) < len(rows):
        out += ["", more.format(n=len(rows) - len(shown))]
    return out + [""]


def _flag_text(f: dict) -> str:
    if f["kind"] in ("median_reached", "median_no_longer_reached"):
        return f"{f['what']}: {_m(f['a'])} -> {_m(f['b'])}"
    side = "now < 0.05" if f.get("now_significant") else "now >= 0.05"
    return f"{f['what']}: {_p(f['a'])} -> {_p(f['b'])} ({side})"


def format_comparison(d: dict, lang: str = "en", limit: int | None = 200) -> str:
    """The comparison as Markdown (``lang`` en or zh).

    Lists longer than ``limit`` (patients, events, records) are cut there with a line saying how many
    more the JSON holds; ``None`` or 0 lists everything.
    """
    if lang not in _TEXT:
        raise UserError(f"language must be one of {sorted(_TEXT)}, got {lang!r}")
    a, b = d["a"], d["b"]
    level = _level_text([a.get("conf_level"), b.get("conf_level")])
    t = {k: v.replace("{level}", level) for k, v in _TEXT[lang].items()}
    more = t["more"]
    out = [f"# {t['title'].format(study=d['study'], a=a['cutoff'], b=b['cutoff'])}", ""]

    def inputs(s: dict) -> str:
        return "; ".join(f"{i['table']} {str(i['sha256'])[:12]}" for i in s["inputs"])

    out += _table(["", "A", "B"], [
        [t["run"], a["folder"], b["folder"]], [t["cutoff"], a["cutoff"], b["cutoff"]],
        [t["patients"], a["n_patients"], b["n_patients"]], [t["source"], a["response_source"], b["response_source"]],
        [t["inputs"], inputs(a), inputs(b)]])
    if d["notes"]:
        out += [f"**{t['notes']}**", ""] + [f"- {n}" for n in d["notes"]] + [""]
    if d["config_changes"]:
        out += [f"**{t['config']}**", ""] + [f"- `{c['key']}`: {_esc(c['a'])} -> {_esc(c['b'])}"
                                             for c in d["config_changes"]] + [""]

    out += [f"## {t['flags']}", ""]
    out += [f"- {_esc(_flag_text(f))}" for f in d["flags"]] if d["flags"] else [t["no_flags"]]
    out.append("")

    pats = d["patients"]
    out += [f"## {t['pat_section']}", ""]
    for k in ("added", "removed"):
        shown = pats[k] if not limit else pats[k][:limit]
        ids = ", ".join(_esc(p["patient_id"]) for p in shown) or t["none"]
        if len(shown) < len(pats[k]):
            ids += ", " + more.format(n=len(pats[k]) - len(shown))
        out.append(f"- {t[k]} ({len(pats[k])}): {ids}")
    out.append("")

    out += [f"## {t['events']}", ""]
    for k in ("progressions", "deaths"):
        ev = d[k]
        rows = [[t["new"], e["patient_id"], e["date"],
                 "; ".join(x for x, on in ((t["new_patient"], e["new_patient"]),
                                            (t["late"], e["on_or_before_a_cutoff"])) if on)] for e in ev["new"]]
        rows += [[t["removed"], e["patient_id"], e["date"], ""] for e in ev["removed"]]
        rows += [[t["date_changed"], e["patient_id"], f"{e['a']} -> {e['b']}", ""] for e in ev["date_changed"]]
        out += [f"**{t[k]}** ({t['new']} {len(ev['new'])})", ""]
        out += _table(["", "patient_id", "date", ""], rows, limit, more) if rows else [t["none"], ""]
    out += [f"**{t['bor']}** ({len(d['best_response_changed'])})", ""]
    out += (_table(["patient_id", "A", "B"], [[r["patient_id"], r["a"], r["b"]] for r in d["best_response_changed"]],
                   limit, more)
            if d["best_response_changed"] else [t["none"], ""])

    fu = d["follow_up"]

    def fu_med(x: dict | None) -> str:
        return "-" if not x else f"{_m(x.get('median'))} ({_m(x.get('ci_low'), 'NE')}-{_m(x.get('ci_high'))})"

    def fu_rng(x: dict | None) -> str:
        return "-" if not x else f"{_m(x.get('min'), '-')}-{_m(x.get('max'), '-')}"

    g = fu["per_patient_gain_months"]
    out += [f"## {t['fu']}", ""]
    out += _table(["", "A", "B"], [
        [t["fu_median"], fu_med(fu["a"]), fu_med(fu["b"])], [t["fu_range"], fu_rng(fu["a"]), fu_rng(fu["b"])],
        [t["fu_pm"], _m(fu["os_person_months"]["a"], "-"), _m(fu["os_person_months"]["b"], "-")]])
    out += [f"{t['fu_gain']}: {_m(g['median'], '-')} / {_m(g['max'], '-')}, n = {g['n']}", ""]

    h = d["headline"]
    out += [f"## {t['head']}", "", f"{t['patients']}: {h['n_patients']['a']} -> {h['n_patients']['b']}", ""]
    out += [f"**{t['orr']}**", ""]
    out += _table([t["population"], "A", "B", ""], [[r["population"], _orr_cell(r["a"]), _orr_cell(r["b"]),
                                                     "" if r["changed"] else t["unchanged"]] for r in h["orr"]])
    out += [f"**{t['medians']}**", ""]
    out += _table([t["endpoint"], t["group"], f"A ({t['events_col']}/n)", f"B ({t['events_col']}/n)",
                   "A", "B", t["flag"]], [
        [r["endpoint"], "all" if r["group_by"] is None else f"{r['group_by']} = {r['group']}",
         "-" if r["a"] is None else f"{r['a']['events']}/{r['a']['n']}",
         "-" if r["b"] is None else f"{r['b']['events']}/{r['b']['n']}",
         _median_cell(r["a"]), _median_cell(r["b"]), ", ".join(r["flags"])] for r in h["medians"]])
    out += [f"**{t['comparisons']}**", ""]
    out += _table([t["endpoint"], t["grouping"], t["test"], "p A", "p B", f"{t['hr']} A", f"{t['hr']} B",
                   t["flag"]], [
        [r["endpoint"], r["group_by"] if r["landmark_days"] is None else f"{r['group_by']} (landmark "
         f"{r['landmark_days']} d)", r["test"], _p((r["a"] or {}).get("p")), _p((r["b"] or {}).get("p")),
         _hr_cell(r["a"]), _hr_cell(r["b"]), ", ".join(r["flags"])] for r in h["comparisons"]])

    rec = d["records"]
    out += [f"## {t['records'].format(d=rec['as_of'])}", ""]
    if not rec["available"]:
        out += [t["records_na"].format(note=rec.get("note", "")), ""]
    elif rec["n_differences"] == 0 and not any(x.get("columns_added") or x.get("columns_removed")
                                               for x in rec["tables"].values()):
        out += [t["records_none"].format(d=rec["as_of"]), ""]
    else:
        for name, x in rec["tables"].items():
            if "note" in x:
                out += [f"**{name}**: {x['note']}", ""]
                continue
            n = len(x["added"]) + len(x["removed"]) + len(x["changed"])
            if n == 0 and not x["columns_added"] and not x["columns_removed"]:
                continue
            out += [f"**{name}** ({t['key']}: {', '.join(x['key'])})", ""]
            for k in ("columns_added", "columns_removed"):
                if x[k]:
                    out += [f"- {t['cols_' + k.split('_')[1]]}: {', '.join(_esc(c) for c in x[k])}", ""]
            rows = []
            for c in x["changed"]:
                key = ", ".join(c["key"][k] for k in x["key"])
                rows += [[t["changed"], key, ch["column"], ch["old"], ch["new"]] for ch in c["changes"]]
            for k in ("added", "removed"):
                for r in x[k]:
                    key = ", ".join(r.get(c, "") for c in x["key"])
                    rest = "; ".join(f"{c}={v}" for c, v in r.items() if c not in x["key"])
                    rows.append([t[k], key, "", "" if k == "added" else rest, rest if k == "added" else ""])
            out += _table(["", t["record"], t["column"], t["old"], t["new_val"]], rows, limit, more)
    return "\n".join(out).rstrip("\n") + "\n"


# ------------------------------------------------------------------------------------------------ runs


def list_runs(out_root: Path | str, study: str | None = None) -> list[dict]:
    """Every run in ``out_root`` (of ``study``), by study and cut-off, with checksums and headline numbers."""
    out_root = Path(out_root)
    if not out_root.is_dir():
        raise UserError(f"{out_root} is not a folder (give the root the runs were written to with --out)")
    rows = []
    for folder, results, manifest in _runs_in(out_root):
        if study is not None and manifest["study"] != study:
            continue
        orr_rows = [r for r in _list(results.get("rates")) if isinstance(r, dict) and r.get("endpoint") == "ORR"]
        orr = next((r for r in orr_rows if r.get("population") == "all treated"), orr_rows[0] if orr_rows else None)

        def median(ep: str, results: dict = results) -> dict | None:
            r = next((r for r in _list(results.get("survival"))
                      if isinstance(r, dict) and r.get("endpoint") == ep and r.get("group_by") is None), None)
            return _pick(r, ("n", "events", "median", "median_ci_low", "median_ci_high"))

        rows.append({
            "folder": folder.name, "study": manifest["study"], "cutoff": manifest["cutoff"],
            "created_utc": manifest.get("created_utc"),
            "n_patients": results.get("n_patients"), "response_source": results.get("response_source"),
            "inputs": [{"table": i.get("table"), "sha256": i.get("sha256"), "rows": i.get("rows")}
                       for i in _list(manifest.get("inputs")) if isinstance(i, dict)],
            "orr": _pick(orr, ("population", "n", "N", "pct", "ci_low", "ci_high")),
            "median_pfs": median("PFS"), "median_os": median("OS"),
            "conf_level": _conf_level(results, manifest),
        })
    rows.sort(key=lambda r: (r["study"], r["cutoff"], r["folder"]))
    return rows


def _list(v: object) -> list:
    return v if isinstance(v, list) else []


def format_runs(rows: list[dict]) -> str:
    """A plain-text table of ``list_runs``: one line per run."""
    if not rows:
        return "no runs found\n"
    head = ("study", "cutoff", "n", "ORR (all treated)", "median PFS (CI)", "median OS (CI)", "CI level",
            "inputs (sha256)", "folder")
    lines = []
    for r in rows:
        lines.append((
            r["study"], r["cutoff"], "" if r["n_patients"] is None else str(r["n_patients"]),
            "-" if r["orr"] is None else f"{r['orr']['n']}/{r['orr']['N']} ({_m(r['orr']['pct'], '-')}%)",
            _median_cell(r["median_pfs"]), _median_cell(r["median_os"]), _level_text([r["conf_level"]]) + "%",
            " ".join(f"{i['table']}:{str(i['sha256'])[:12]}" for i in r["inputs"]), r["folder"]))
    widths = [max(len(x[k]) for x in [head, *lines]) for k in range(len(head) - 1)]
    return "\n".join("  ".join(c.ljust(w) for c, w in zip(x[:-1], widths, strict=True)) + "  " + x[-1]
                     for x in [head, *lines]) + "\n"
