"""What changed between two runs of a study (usually two cut-offs): ``mmcohort compare`` and ``runs``.

A run folder is read back (``load_run``: results.json, manifest.json, derived/*.csv as text) and two runs
are compared (``compare_runs``) on four levels:

- patients added or removed;
- per-patient events: progressions (``adsl.PDDT``) and deaths (``adsl.death_date``)
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
from pathlib import Path

import pandas as pd
from pydantic import BaseModel

from pipeline.analysis.record import ResultsRecord
from pipeline.errors import UserError
from pipeline.runs.diff_records import records_diff
from pipeline.runs.read import Run, find_previous_run, load_run
from pipeline.text.fmt import level as ci_level
from pipeline.text.fmt import number as num
from pipeline.vocab import DAYS_PER_MONTH

log = logging.getLogger("mmcohort")

ALPHA = 0.05
#: adsl's progression date: ``PDDT``; runs written before it was named so have ``pfs_progression_date``
#: (the same date). The second name is read for such old runs only.
PROGRESSION_COLUMNS = ("PDDT", "pfs_progression_date")

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
    d = compare_runs(old, new)
    if d["patients"]["removed"]:
        log.warning("%d patient(s) of the previous run %s are not in this run (withdrawn, or left out of the "
                    "export?): see changes_since_previous.md", len(d["patients"]["removed"]), prev.name)
    return d


# ------------------------------------------------------------------------------------------- comparing


def _run_summary(r: Run) -> dict:
    return {
        "folder": r.name,
        "cutoff": r.cutoff.isoformat(),
        "n_patients": r.results.n_patients,
        "response_source": r.results.response_source,
        "inputs": [{"table": i.get("table"), "sha256": i.get("sha256"), "rows": i.get("rows")}
                   for i in r.manifest.get("inputs", [])],
        "mmcohort": (r.manifest.get("versions") or {}).get("mmcohort"),
        "conf_level": conf_level_of(r.results, r.manifest),
    }


def conf_level_of(results: ResultsRecord, manifest: dict) -> float | None:
    """The run's confidence level: results.json's options, else the config in its manifest."""
    v = None if results.options is None else results.options.conf_level
    if v is None:
        v = ((manifest.get("config") or {}).get("analysis") or {}).get("conf_level")
    return num(v)


def level_text(levels: list[float | None]) -> str:
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
    prog = next((c for c in PROGRESSION_COLUMNS if c in adsl), None)
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
        "a": _as_json(a.results.followup_months),
        "b": _as_json(b.results.followup_months),
        "days_between_cutoffs": (b.cutoff - a.cutoff).days,
        "os_person_months": {"a": round(float(ta.sum()) / DAYS_PER_MONTH, 2) if len(ta) else None,
                             "b": round(float(tb.sum()) / DAYS_PER_MONTH, 2) if len(tb) else None},
        "per_patient_gain_months": {
            "n": int(len(common)),
            "median": round(float(gain.median()), 2) if len(common) else None,
            "max": round(float(gain.max()), 2) if len(common) else None,
        },
    }


def _pair(rows_a: list[BaseModel], rows_b: list[BaseModel],
          key) -> list[tuple[object, BaseModel | None, BaseModel | None]]:
    """Rows matched by ``key``, in B's order then A-only rows in A's order."""
    da = {key(r): r for r in rows_a}
    db = {key(r): r for r in rows_b}
    keys = list(db) + [k for k in da if k not in db]
    return [(k, da.get(k), db.get(k)) for k in keys]


def _as_json(section: BaseModel | None) -> dict | None:
    return None if section is None else section.as_json()


def pick(r: BaseModel | None, cols: tuple[str, ...]) -> dict | None:
    """The fields ``cols`` of a results.json row (None for a field the run did not write)."""
    return None if r is None else {c: getattr(r, c, None) for c in cols}


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
    pairs = _pair([r for r in ra.rates or [] if r.endpoint == "ORR"],
                  [r for r in rb.rates or [] if r.endpoint == "ORR"], lambda r: r.population)
    for pop, ea, eb in pairs:
        orr.append({"population": pop, "a": pick(ea, rate_cols), "b": pick(eb, rate_cols),
                    "changed": pick(ea, rate_cols) != pick(eb, rate_cols)})

    medians = []
    med_cols = ("n", "events", "median", "median_ci_low", "median_ci_high")
    for (ep, gb, grp), ea, eb in _pair(ra.survival or [], rb.survival or [],
                                       lambda r: (r.endpoint, r.group_by, r.group)):
        row = {"endpoint": ep, "group_by": gb, "group": grp, "a": pick(ea, med_cols), "b": pick(eb, med_cols),
               "flags": []}
        if ea is not None and eb is not None:
            ma, mb = num(ea.median), num(eb.median)
            if ma is None and mb is not None:
                row["flags"].append("median_reached")
            elif ma is not None and mb is None:
                row["flags"].append("median_no_longer_reached")
        for f in row["flags"]:
            flags.append({"kind": f, "what": _label(ep, gb, grp) + " median",
                          "a": ea.median, "b": eb.median})
        medians.append(row)

    comps = []
    comp_cols = ("n", "chisq", "df", "p", "hr", "hr_ci_low", "hr_ci_high", "hr_p", "hr_vs")
    for (ep, gb, test, lm), ea, eb in _pair(
            ra.comparisons or [], rb.comparisons or [],
            lambda r: (r.endpoint, r.group_by, r.test, r.landmark_days)):
        row = {"endpoint": ep, "group_by": gb, "test": test, "landmark_days": lm,
               "a": pick(ea, comp_cols), "b": pick(eb, comp_cols), "flags": []}
        if ea is not None and eb is not None:
            for col, kind in (("p", "p_crossed_0.05"), ("hr_p", "hr_p_crossed_0.05")):
                pa, pb = num(getattr(ea, col)), num(getattr(eb, col))
                if pa is not None and pb is not None and (pa < ALPHA) != (pb < ALPHA):
                    row["flags"].append(kind)
                    what = _label(ep, gb, None, lm) + (f" {test} p" if col == "p" else " Cox HR p")
                    flags.append({"kind": kind, "what": what, "a": pa, "b": pb,
                                  "now_significant": pb < ALPHA})
            if ea.hr_vs != eb.hr_vs:
                row["flags"].append("hr_groups_changed")
        comps.append(row)

    n_a, n_b = ra.n_patients, rb.n_patients
    return {"n_patients": {"a": n_a, "b": n_b}, "orr": orr, "medians": medians, "comparisons": comps}, flags


# --- records as of the earlier cut-off


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
    removed = sorted(ids_a - ids_b)
    if removed:  # a patient silently dropped from an export changes every number: first of the flags
        flags.insert(0, {"kind": "patients_removed", "what": "patients", "a": len(ids_a), "b": len(ids_b),
                         "patient_ids": removed})
    return {
        "study": b.study,
        "a": _run_summary(a),
        "b": _run_summary(b),
        "same_inputs": same_inputs,
        "notes": notes,
        "config_changes": _config_changes(a, b),
        "patients": {
            "added": [{"patient_id": p, "index_date": adsl_b.at[p, "index_date"]} for p in sorted(new_ids)],
            "removed": [{"patient_id": p, "index_date": adsl_a.at[p, "index_date"]} for p in removed],
        },
        "progressions": _event_changes(adsl_a["prog"], adsl_b["prog"], a_cut, new_ids),
        "deaths": _event_changes(adsl_a["death_date"], adsl_b["death_date"], a_cut, new_ids),
        "best_response_changed": [{"patient_id": p, "a": r.bor_a, "b": r.bor_b} for p, r in changed_bor.iterrows()],
        "follow_up": _followup(a, b),
        "headline": headline,
        "flags": flags,
        "records": records_diff(a, b),
    }


# ----------------------------------------------------------------------------------------- formatting

