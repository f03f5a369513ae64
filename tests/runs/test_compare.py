"""Reruns with a new cut-off: one folder per cut-off, byte-identical reruns, compare and runs.

A hand-made cohort of 12 patients (recorded responses at each assessment, adverse events) is analysed at
three cut-offs. Every event below is placed by hand, so the expected lists are written out:

    cut-off             C1 2022-06-30    C2 2022-12-31           C3 2023-06-30
    patients            P01-P07          + P08, P09              + P10, P11    (P12 starts after C3)
    progressions        P01, P05         + P02, P06              + P04, P08, P11
    deaths              P01              + P05, P09              + P02         (P03 dies after C3)
"""

from __future__ import annotations

import datetime as dt
import filecmp
import json
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from pipeline.cli import main
from pipeline.config import config_from_dict
from pipeline.errors import UserError
from pipeline.run import run_study
from pipeline.runs.diff import compare_runs
from pipeline.runs.diff_text import format_comparison
from pipeline.runs.listing import list_runs
from pipeline.runs.read import find_previous_run, load_run

C1, C2, C3 = dt.date(2022, 6, 30), dt.date(2022, 12, 31), dt.date(2023, 6, 30)

# id, index, prior_lines, regimen, emd, progression, death, last contact, responses at each assessment
# (every 56 days; the last one is PD on the progression date when there is one)
COHORT = [
    ("P01", "2021-03-01", 2, "BRD", "none", "2021-09-15", "2022-03-10", "2022-03-10", ["PR", "PR"]),
    ("P02", "2021-04-01", 3, "BPD", "at_relapse", "2022-09-01", "2023-02-01", "2023-02-01",
     ["SD", "PR", "PR", "PR", "PR", "VGPR", "VGPR"]),
    ("P03", "2021-06-01", 4, "BRD", "none", "", "2023-08-01", "2023-08-01",
     ["PR", "PR", "PR", "PR", "PR", "PR", "VGPR", "VGPR"]),
    ("P04", "2021-08-01", 2, "BPD", "none", "2023-03-01", "", "2023-06-20",
     ["MR", "PR", "PR", "PR", "PR", "PR", "PR", "PR"]),
    ("P05", "2021-10-01", 5, "BRD", "at_diagnosis", "2022-02-01", "2022-10-15", "2022-10-15", ["SD"]),
    ("P06", "2022-01-10", 3, "BRD", "none", "2022-11-20", "", "2023-06-01", ["PR", "VGPR", "VGPR", "VGPR"]),
    ("P07", "2022-03-01", 2, "BPD", "none", "", "", "2023-06-25", ["SD", "SD", "PR", "PR", "PR", "PR"]),
    ("P08", "2022-08-01", 4, "BRD", "at_relapse", "2023-04-10", "", "2023-06-10", ["PR", "PR", "PR", "PR"]),
    ("P09", "2022-10-01", 3, "BPD", "none", "", "2022-12-20", "2022-12-20", ["SD"]),
    ("P10", "2023-02-01", 2, "BRD", "none", "", "", "2023-06-28", ["PR", "PR"]),
    ("P11", "2023-01-15", 6, "BPD", "none", "2023-05-20", "", "2023-06-25", ["SD"]),
    ("P12", "2023-08-01", 2, "BRD", "none", "", "", "2023-09-01", []),
]
AES = [
    ("P01", "Anemia", 2, "2021-04-01"),
    ("P02", "Platelet count decreased", 3, "2022-08-01"),
    ("P06", "Fatigue", 1, "2022-12-01"),
    ("P08", "Diarrhea", 2, "2023-01-10"),
    ("P11", "Anemia", 3, "2023-03-01"),
    ("P04", "Fatigue", 1, "2021-09-01"),
]
PAT_COLS = ["patient_id", "sex", "age", "index_date", "regimen", "prior_lines", "cycles", "emd", "emd_type",
            "last_contact_date", "death_date", "death_cause", "progression_date", "best_response"]


def _d(s: str) -> dt.date:
    return dt.date.fromisoformat(s)


def cohort_frames() -> dict[str, pd.DataFrame]:
    pats, assess = [], []
    for i, (pid, idx, lines, reg, emd, prog, death, last, resp) in enumerate(COHORT):
        rows = [{"patient_id": pid, "assessment_date": (_d(idx) - dt.timedelta(days=3)).isoformat(), "cycle": 0,
                 "response": ""}]
        for k, r in enumerate(resp, start=1):
            rows.append({"patient_id": pid, "assessment_date": (_d(idx) + dt.timedelta(days=56 * k)).isoformat(),
                         "cycle": 2 * k, "response": r})
        if prog:
            rows.append({"patient_id": pid, "assessment_date": prog, "cycle": 2 * len(resp) + 2, "response": "PD"})
        assess += rows
        pats.append({
            "patient_id": pid, "sex": "MF"[i % 2], "age": 55 + i, "index_date": idx, "regimen": reg,
            "prior_lines": lines, "cycles": max(r["cycle"] for r in rows) + 1, "emd": emd,
            "emd_type": "" if emd == "none" else "paraskeletal", "last_contact_date": last, "death_date": death,
            "death_cause": "progression" if death else "", "progression_date": prog, "best_response": "",
        })
    aes = pd.DataFrame(AES, columns=["patient_id", "term", "grade", "onset_date"])
    return {"patients": pd.DataFrame(pats, columns=PAT_COLS), "assessments": pd.DataFrame(assess),
            "adverse_events": aes}


def write_export(folder: Path, frames: dict[str, pd.DataFrame]) -> dict[str, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = {}
    for name, df in frames.items():
        paths[name] = folder / f"{name}.csv"
        df.to_csv(paths[name], index=False, lineterminator="\n")
    return paths


def run_at(paths: dict[str, Path], cutoff: dt.date, out: Path) -> Path:
    # figures are tested in test_figures.py; here they would only cost time
    cfg = config_from_dict({"study": "mm", "cutoff": cutoff, "inputs": {k: str(v) for k, v in paths.items()},
                            "report": {"figures": False}})
    return run_study(cfg, out)


def corrected(frames: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """A newer export with four edits dated before C1: P05's progression moved 2022-02-01 -> 2022-01-20
    (with its PD assessment), a late-entered progression for P03 on 2022-05-01, a late-entered assessment
    for P07 on 2022-05-24, P01's anaemia regraded 2 -> 3."""
    f = {k: v.copy() for k, v in frames.items()}
    p, a, e = f["patients"], f["assessments"], f["adverse_events"]
    p.loc[p["patient_id"] == "P05", "progression_date"] = "2022-01-20"
    p.loc[p["patient_id"] == "P03", "progression_date"] = "2022-05-01"
    a.loc[(a["patient_id"] == "P05") & (a["assessment_date"] == "2022-02-01"), "assessment_date"] = "2022-01-20"
    late = pd.DataFrame([{"patient_id": "P07", "assessment_date": "2022-05-24", "cycle": 3, "response": "SD"}])
    f["assessments"] = pd.concat([a, late], ignore_index=True)
    e.loc[(e["patient_id"] == "P01") & (e["term"] == "Anemia"), "grade"] = 3
    return f


@pytest.fixture(scope="module")
def study(tmp_path_factory) -> dict:
    root = tmp_path_factory.mktemp("study")
    frames = cohort_frames()
    paths = write_export(root / "export1", frames)
    out = root / "reports"
    runs = {c: run_at(paths, c, out) for c in (C1, C2, C3)}
    return {"root": root, "frames": frames, "paths": paths, "out": out, "runs": runs}


def _adtte(folder: Path) -> pd.DataFrame:
    return pd.read_csv(folder / "derived" / "adtte.csv", dtype=str, keep_default_na=False, encoding="utf-8-sig")


def _events(folder: Path, paramcd: str, desc: str | None = None) -> list[str]:
    t = _adtte(folder)
    t = t[(t["PARAMCD"] == paramcd) & (t["CNSR"] == "0")]
    if desc is not None:
        t = t[t["EVNTDESC"] == desc]
    return sorted(t["patient_id"])


def _files(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())


# ------------------------------------------------------------------------------------------- cut-offs


def test_one_folder_per_cutoff_and_events_after_the_cutoff_do_not_count(study):
    runs = study["runs"]
    assert sorted(p.name for p in study["out"].iterdir()) == [
        "mm_cutoff-2022-06-30", "mm_cutoff-2022-12-31", "mm_cutoff-2023-06-30"]
    expected = {
        C1: (["P01", "P02", "P03", "P04", "P05", "P06", "P07"], ["P01", "P05"], ["P01"]),
        C2: (["P01", "P02", "P03", "P04", "P05", "P06", "P07", "P08", "P09"],
             ["P01", "P02", "P05", "P06"], ["P01", "P05", "P09"]),
        C3: (["P01", "P02", "P03", "P04", "P05", "P06", "P07", "P08", "P09", "P10", "P11"],
             ["P01", "P02", "P04", "P05", "P06", "P08", "P11"], ["P01", "P02", "P05", "P09"]),
    }
    for c, (ids, progs, deaths) in expected.items():
        res = json.loads((runs[c] / "results.json").read_text(encoding="utf-8"))
        assert res["cutoff"] == c.isoformat()
        assert res["n_patients"] == len(ids)
        assert res["response_source"] == "recorded"
        assert sorted(_adtte(runs[c])["patient_id"].unique()) == ids
        assert _events(runs[c], "PFS", "progression") == progs
        assert _events(runs[c], "OS") == deaths
        # nothing dated after the cut-off is left in any output date
        t = _adtte(runs[c])
        assert (t["ADT"] <= c.isoformat()).all()
        for name in ("assessments", "adverse_events"):
            d = pd.read_csv(runs[c] / "derived" / f"{name}.csv", dtype=str, encoding="utf-8-sig")
            col = "assessment_date" if name == "assessments" else "onset_date"
            assert (d[col] <= c.isoformat()).all()
        pfs = next(r for r in res["survival"] if r["endpoint"] == "PFS" and r["group_by"] is None)
        assert pfs["events"] == len(set(progs) | set(deaths))
    assert _events(runs[C3], "OS").count("P03") == 0  # P03 dies after C3


def test_find_previous_run(study):
    out = study["out"]
    assert find_previous_run(out, "mm", C1) is None
    assert find_previous_run(out, "mm", C2).name == "mm_cutoff-2022-06-30"
    assert find_previous_run(out, "mm", C3).name == "mm_cutoff-2022-12-31"
    assert find_previous_run(out, "mm", dt.date(2030, 1, 1)).name == "mm_cutoff-2023-06-30"
    assert find_previous_run(out, "other", C3) is None


def test_compare_lists_exactly_the_new_patients_and_events(study):
    runs = study["runs"]
    d12 = compare_runs(load_run(runs[C1]), load_run(runs[C2]))
    assert [p["patient_id"] for p in d12["patients"]["added"]] == ["P08", "P09"]
    assert d12["patients"]["removed"] == []
    assert d12["progressions"]["new"] == [
        {"patient_id": "P02", "date": "2022-09-01", "new_patient": False, "on_or_before_a_cutoff": False},
        {"patient_id": "P06", "date": "2022-11-20", "new_patient": False, "on_or_before_a_cutoff": False}]
    assert d12["deaths"]["new"] == [
        {"patient_id": "P05", "date": "2022-10-15", "new_patient": False, "on_or_before_a_cutoff": False},
        {"patient_id": "P09", "date": "2022-12-20", "new_patient": True, "on_or_before_a_cutoff": False}]
    for k in ("progressions", "deaths"):
        assert d12[k]["removed"] == [] and d12[k]["date_changed"] == []
    # same export, later cut-off: nothing dated up to C1 differs
    assert d12["same_inputs"] is True
    assert d12["records"]["available"] and d12["records"]["n_differences"] == 0
    assert d12["follow_up"]["days_between_cutoffs"] == (C2 - C1).days
    assert d12["follow_up"]["per_patient_gain_months"]["n"] == 7

    d23 = compare_runs(load_run(runs[C2]), load_run(runs[C3]))
    assert [p["patient_id"] for p in d23["patients"]["added"]] == ["P10", "P11"]
    assert [(e["patient_id"], e["date"]) for e in d23["progressions"]["new"]] == [
        ("P04", "2023-03-01"), ("P08", "2023-04-10"), ("P11", "2023-05-20")]
    assert [(e["patient_id"], e["date"]) for e in d23["deaths"]["new"]] == [("P02", "2023-02-01")]
    assert d23["records"]["n_differences"] == 0

    # best responses that changed with longer follow-up (confirmed VGPR needs two VGPR assessments)
    bor = {r["patient_id"]: (r["a"], r["b"]) for r in d12["best_response_changed"]}
    assert bor == {"P03": ("PR", "VGPR"), "P07": ("SD", "PR")}

    # every headline number is there before and after
    orr = {r["population"]: r for r in d12["headline"]["orr"]}
    assert orr["all treated"]["a"]["N"] == 7 and orr["all treated"]["b"]["N"] == 9
    res1 = json.loads((runs[C1] / "results.json").read_text(encoding="utf-8"))
    res2 = json.loads((runs[C2] / "results.json").read_text(encoding="utf-8"))
    assert len(d12["headline"]["medians"]) == len({(r["endpoint"], r["group_by"], r["group"])
                                                   for r in res1["survival"] + res2["survival"]})
    os_all = next(r for r in d12["headline"]["medians"] if r["endpoint"] == "OS" and r["group_by"] is None)
    assert os_all["a"]["events"] == 1 and os_all["b"]["events"] == 3
    assert {"a", "b"} <= set(d12["headline"]["comparisons"][0])

    md = format_comparison(d12)
    assert "P08, P09" in md and "| new | P06 | 2022-11-20 |" in md
    assert "No record dated on or before 2022-06-30 differs" in md
    assert "变化" in format_comparison(d12, lang="zh")
    json.dumps(d12, allow_nan=False)  # JSON-able


def test_compare_reads_an_old_runs_adsl_with_the_old_progression_column(study, tmp_path):
    # runs written before adsl.PDDT carried the same date as pfs_progression_date (and two more copies)
    runs = study["runs"]
    old = tmp_path / runs[C1].name
    for f in _files(runs[C1]):
        (old / f).parent.mkdir(parents=True, exist_ok=True)
        (old / f).write_bytes((runs[C1] / f).read_bytes())
    adsl = pd.read_csv(old / "derived" / "adsl.csv", dtype=str, keep_default_na=False, encoding="utf-8-sig")
    assert adsl["PDDT"].ne("").sum() == 2
    adsl = adsl.rename(columns={"PDDT": "pfs_progression_date", "PDSRC": "progression_source"})
    adsl["progression_date_derived"] = adsl["pfs_progression_date"]
    adsl["progression_date"] = ""  # so only the old analysis column can supply the dates
    adsl.to_csv(old / "derived" / "adsl.csv", index=False, encoding="utf-8-sig", lineterminator="\n")
    new, was = load_run(runs[C2]), compare_runs(load_run(runs[C1]), load_run(runs[C2]))
    assert compare_runs(load_run(old), new)["progressions"] == was["progressions"]
    assert compare_runs(load_run(old), load_run(runs[C1]))["progressions"] == {
        "new": [], "removed": [], "date_changed": []}


def test_flags_for_significance_crossing_and_nr_medians(study):
    a, b = load_run(study["runs"][C1]), load_run(study["runs"][C2])
    sa = next(r for r in a.results.survival if r.endpoint == "OS" and r.group_by is None)
    sb = next(r for r in b.results.survival if r.endpoint == "OS" and r.group_by is None)
    sa.median, sb.median = None, 20.5
    ca, cb = a.results.comparisons[0], b.results.comparisons[0]
    ca.p, cb.p = 0.2, 0.01
    d = compare_runs(a, b)
    kinds = {(f["kind"], f["what"]) for f in d["flags"]}
    assert ("median_reached", "OS median") in kinds
    assert ("p_crossed_0.05", f"{ca.endpoint} by {ca.group_by} log-rank p") in kinds
    crossed = next(f for f in d["flags"] if f["kind"] == "p_crossed_0.05")
    assert crossed["now_significant"] is True
    md = format_comparison(d)
    assert "OS median: NR -> 20.5" in md and "0.200 -> 0.010 (now < 0.05)" in md
    assert compare_runs(b, b)["flags"] == []
    # a p-value below 0.001 reads as in the report ("< 0.001", formerly "<0.001"), in the flags and the table
    cb.p = 0.0004
    md = format_comparison(compare_runs(a, b))
    assert "0.200 -> < 0.001 (now < 0.05)" in md and "| 0.200 | < 0.001 |" in md and "<0.001" not in md


def test_changes_since_previous_written_into_the_later_runs(study):
    runs = study["runs"]
    assert not (runs[C1] / "changes_since_previous.json").exists()
    for c, prev in ((C2, C1), (C3, C2)):
        d = json.loads((runs[c] / "changes_since_previous.json").read_text(encoding="utf-8"))
        assert d["a"]["folder"] == runs[prev].name and d["b"]["folder"] == runs[c].name
        assert d == json.loads(json.dumps(compare_runs(load_run(runs[prev]), load_run(runs[c]))))
        assert (runs[c] / "changes_since_previous.md").read_text(encoding="utf-8").startswith("# Changes: mm")
    assert not any(p.name.startswith(".") for p in study["out"].iterdir())  # no staging left behind


# -------------------------------------------------------------------------------------------- reruns


def test_rerun_is_byte_identical_and_leaves_other_cutoffs_alone(study, tmp_path):
    out, runs = study["out"], study["runs"]
    saved = tmp_path / "saved"
    for c in (C1, C2, C3):
        (saved / runs[c].name).mkdir(parents=True)
        for f in _files(runs[c]):
            (saved / runs[c].name / f).parent.mkdir(parents=True, exist_ok=True)
            (saved / runs[c].name / f).write_bytes((runs[c] / f).read_bytes())
    mtimes = {f: (runs[C1] / f).stat().st_mtime_ns for f in _files(runs[C1])}
    again = run_at(study["paths"], C2, out)
    assert again == runs[C2]
    files = _files(again)
    assert files == _files(saved / again.name)
    assert {"results.json", "tables/tables.xlsx", "derived/adsl.csv", "derived/adtte.csv",
            "derived/assessments.csv", "changes_since_previous.json"} <= set(files)
    differ = [f for f in files if not filecmp.cmp(again / f, saved / again.name / f, shallow=False)]
    assert differ in ([], ["manifest.json"])
    m_old = json.loads((saved / again.name / "manifest.json").read_text(encoding="utf-8"))
    m_new = json.loads((again / "manifest.json").read_text(encoding="utf-8"))
    for m in (m_old, m_new):
        del m["created_utc"], m["elapsed_seconds"]
    assert m_old == m_new
    # the other cut-offs were not touched
    for c in (C1, C3):
        for f in _files(runs[c]):
            assert filecmp.cmp(runs[c] / f, saved / runs[c].name / f, shallow=False)
    assert {f: (runs[C1] / f).stat().st_mtime_ns for f in _files(runs[C1])} == mtimes


def test_newer_export_with_changes_after_the_cutoff_only_gives_the_same_numbers(study):
    f = {k: v.copy() for k, v in study["frames"].items()}
    p = f["patients"]
    p.loc[p["patient_id"] == "P03", ["death_date", "last_contact_date"]] = "2023-08-05"
    f["adverse_events"] = pd.concat([f["adverse_events"], pd.DataFrame(
        [{"patient_id": "P06", "term": "Nausea", "grade": 1, "onset_date": "2023-05-01"}])], ignore_index=True)
    root = study["root"]
    new = run_at(write_export(root / "export_after", f), C1, root / "reports_after")
    old = study["runs"][C1]
    for rel in _files(old):
        if rel.startswith(("tables/", "derived/")):
            assert filecmp.cmp(old / rel, new / rel, shallow=False), rel
    r_old, r_new = (json.loads((x / "results.json").read_text(encoding="utf-8")) for x in (old, new))
    # only the cut-off report (what the export holds after the cut-off) differs
    assert {k for k in r_old if r_old[k] != r_new[k]} == {"cutoff_report"}
    d = compare_runs(load_run(old), load_run(new))
    assert d["same_inputs"] is False
    assert d["records"]["n_differences"] == 0
    assert d["progressions"] == {"new": [], "removed": [], "date_changed": []}
    assert all(not r["changed"] for r in d["headline"]["orr"])


def test_edited_records_before_the_cutoff_are_listed_exactly(study):
    root = study["root"]
    new = run_at(write_export(root / "export2", corrected(study["frames"])), C1, root / "reports2")
    d = compare_runs(load_run(study["runs"][C1]), load_run(new))
    assert d["records"]["as_of"] == "2022-06-30"
    t = d["records"]["tables"]
    assert t["patients"]["changed"] == [
        {"key": {"patient_id": "P03"}, "changes": [{"column": "progression_date", "old": "", "new": "2022-05-01"}]},
        {"key": {"patient_id": "P05"}, "changes": [
            {"column": "progression_date", "old": "2022-02-01", "new": "2022-01-20"}]}]
    assert t["patients"]["added"] == t["patients"]["removed"] == []
    assert t["assessments"]["changed"] == []
    assert t["assessments"]["added"] == [
        {"patient_id": "P05", "assessment_date": "2022-01-20", "cycle": "4", "response": "PD"},
        {"patient_id": "P07", "assessment_date": "2022-05-24", "cycle": "3", "response": "SD"}]
    assert t["assessments"]["removed"] == [
        {"patient_id": "P05", "assessment_date": "2022-02-01", "cycle": "4", "response": "PD"}]
    assert t["adverse_events"]["changed"] == [
        {"key": {"patient_id": "P01", "term": "Anemia", "onset_date": "2021-04-01"},
         "changes": [{"column": "grade", "old": "2", "new": "3"}]}]
    assert d["records"]["n_differences"] == 6
    assert d["progressions"]["new"] == [
        {"patient_id": "P03", "date": "2022-05-01", "new_patient": False, "on_or_before_a_cutoff": True}]
    assert d["progressions"]["date_changed"] == [{"patient_id": "P05", "a": "2022-02-01", "b": "2022-01-20"}]
    assert d["patients"]["added"] == []
    md = format_comparison(d)
    assert "| changed | P05 | progression_date | 2022-02-01 | 2022-01-20 |" in md
    assert "| changed | P01, Anemia, 2021-04-01 | grade | 2 | 3 |" in md
    assert "| added | P07, 2022-05-24 |" in md

    # the same edits are found when the newer export is run at a later cut-off
    later = run_at(write_export(root / "export2", corrected(study["frames"])), C2, root / "reports2")
    d2 = compare_runs(load_run(study["runs"][C1]), load_run(later))
    assert d2["records"]["tables"]["patients"]["changed"] == t["patients"]["changed"]
    assert d2["records"]["tables"]["assessments"]["added"] == t["assessments"]["added"]
    late = [e["patient_id"] for e in d2["progressions"]["new"] if e["on_or_before_a_cutoff"]]
    assert late == ["P03"]  # P05's progression was re-dated, not added
    assert [e["patient_id"] for e in d2["progressions"]["new"]] == ["P02", "P03", "P06"]
    assert d2["progressions"]["date_changed"] == [{"patient_id": "P05", "a": "2022-02-01", "b": "2022-01-20"}]


# ---------------------------------------------------------------------------------------------- runs


def test_list_runs(study):
    rows = list_runs(study["out"])
    assert [(r["study"], r["cutoff"]) for r in rows] == [("mm", "2022-06-30"), ("mm", "2022-12-31"),
                                                       ("mm", "2023-06-30")]
    assert [r["n_patients"] for r in rows] == [7, 9, 11]
    sha = {i["table"]: i["sha256"] for i in rows[0]["inputs"]}
    assert set(sha) == {"patients", "assessments", "adverse_events"} and all(len(s) == 64 for s in sha.values())
    assert rows[0]["orr"]["population"] == "all treated" and rows[0]["orr"]["N"] == 7
    assert rows[2]["median_os"]["events"] == 4
    assert list_runs(study["out"], study="nope") == []
    with pytest.raises(UserError, match="not a folder"):
        list_runs(study["root"] / "missing")


def test_refusals(study, tmp_path):
    with pytest.raises(UserError, match="not an mmcohort run folder"):
        load_run(study["root"] / "export1")
    a = load_run(study["runs"][C1])
    b = load_run(study["runs"][C2])
    b.study = "other"
    with pytest.raises(UserError, match="different studies"):
        compare_runs(a, b)
    assert "different studies: mm and other" in compare_runs(a, b, force=True)["notes"]


# ----------------------------------------------------------------------------------------------- CLI


def test_cli_compare_and_runs(study, tmp_path):
    cli = CliRunner()
    r1, r2 = (str(study["runs"][c]) for c in (C1, C2))
    res = cli.invoke(main, ["compare", r1, r2, "--json", str(tmp_path / "c.json")])
    assert res.exit_code == 0, res.output
    assert res.output.startswith("# Changes: mm, cut-off 2022-06-30 -> 2022-12-31")
    d = json.loads((tmp_path / "c.json").read_text(encoding="utf-8"))
    assert [p["patient_id"] for p in d["patients"]["added"]] == ["P08", "P09"]

    res = cli.invoke(main, ["compare", r1, str(study["root"] / "export1")])
    assert res.exit_code == 2 and "not an mmcohort run folder" in res.output
    res = cli.invoke(main, ["compare", r1, str(tmp_path / "nowhere")])
    assert res.exit_code == 2

    res = cli.invoke(main, ["runs", "--out", str(study["out"]), "--study", "mm"])
    assert res.exit_code == 0, res.output
    lines = res.output.strip().splitlines()
    assert len(lines) == 4 and lines[0].startswith("study")
    assert [ln.split()[1] for ln in lines[1:]] == ["2022-06-30", "2022-12-31", "2023-06-30"]
    res = cli.invoke(main, ["runs", "--out", str(tmp_path / "nowhere")])
    assert res.exit_code == 2
