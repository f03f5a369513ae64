"""A later export run at a later cut-off, as a clinician reads what changed: new follow-up is not shown as a
correction of the past, and a patient dropped from the export is flagged first and said at run time.

Uses the hand-made cohort of ``test_compare`` (run at C3 = 2023-06-30); the later export is cut at C4.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pandas as pd
from click.testing import CliRunner

from pipeline.cli import main
from pipeline.runs.diff import compare_runs
from pipeline.runs.diff_text import format_comparison
from pipeline.runs.read import load_run
from tests.runs.test_compare import C3, cohort_frames, run_at, write_export

C4 = dt.date(2023, 12, 31)


def _later_export(frames: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """P04 and P07 seen again in the autumn (last contact after C3), P07 two more cycles; P06's last contact
    corrected back to 2023-05-15 (a data fix before C3)."""
    f = {k: v.copy() for k, v in frames.items()}
    p = f["patients"]
    p.loc[p["patient_id"] == "P07", "cycles"] += 2
    p.loc[p["patient_id"].isin(["P04", "P07"]), "last_contact_date"] = "2023-11-20"
    p.loc[p["patient_id"] == "P06", "last_contact_date"] = "2023-05-15"
    return f


def test_follow_up_past_the_earlier_cutoff_is_not_a_changed_record(tmp_path):
    frames = cohort_frames()
    out = tmp_path / "reports"
    old = run_at(write_export(tmp_path / "export_c3", frames), C3, out)
    new = run_at(write_export(tmp_path / "export_c4", _later_export(frames)), C4, out)
    d = compare_runs(load_run(old), load_run(new))
    rec = d["records"]
    # the only record that differs up to C3 is the corrected one
    cycles = str(frames["patients"].set_index("patient_id").at["P07", "cycles"])
    assert rec["tables"]["patients"]["changed"] == [
        {"key": {"patient_id": "P06"},
         "changes": [{"column": "last_contact_date", "old": "2023-06-01", "new": "2023-05-15"}]},
        # cycles has no date: not cut at C3, and marked so
        {"key": {"patient_id": "P07"},
         "changes": [{"column": "cycles", "old": cycles, "new": str(int(cycles) + 2), "undated": True}]}]
    assert rec["n_differences"] == 2
    # P04 and P07 were followed past C3; P03 (last contact after C3 in both exports) is not a change
    assert rec["followed_past_as_of"] == ["P04", "P07"]
    md = format_comparison(d)
    assert "| changed | P06 | last_contact_date | 2023-06-01 | 2023-05-15 |" in md
    assert f"| changed (undated) | P07 | cycles | {cycles} | {int(cycles) + 2} |" in md
    assert "may be follow-up after 2023-06-30 rather than a correction" in md
    assert "| P07 | last_contact_date" not in md
    assert "2 patient(s) seen after 2023-06-30" in md
    # the run's own changes_since_previous says the same
    saved = json.loads((new / "changes_since_previous.json").read_text(encoding="utf-8"))
    assert saved["records"] == json.loads(json.dumps(rec))


def _args(paths: dict[str, Path], cutoff: dt.date, out: Path) -> list[str]:
    return ["run", "--patients", str(paths["patients"]), "--assessments", str(paths["assessments"]),
            "--adverse-events", str(paths["adverse_events"]), "--study", "mm", "--cutoff", cutoff.isoformat(),
            "--out", str(out), "--no-figures"]


def test_a_patient_missing_from_the_later_export_is_flagged_first_and_said_at_run_time(tmp_path):
    frames = cohort_frames()
    out = tmp_path / "reports"
    cli = CliRunner()
    res = cli.invoke(main, _args(write_export(tmp_path / "export_c3", frames), C3, out))
    assert res.exit_code == 0, res.output
    assert "not in this run" not in res.stderr
    later = _later_export(frames)
    for name in ("patients", "assessments", "adverse_events"):  # P07 withdrew consent
        later[name] = later[name][later[name]["patient_id"] != "P07"]
    res = cli.invoke(main, _args(write_export(tmp_path / "export_c4", later), C4, out))
    assert res.exit_code == 0, res.output
    assert "1 patient(s) of the previous run mm_cutoff-2023-06-30 are not in this run" in res.stderr
    assert "P07" not in res.stderr  # counted, not named, on the console
    new = out / "mm_cutoff-2023-12-31"
    d = json.loads((new / "changes_since_previous.json").read_text(encoding="utf-8"))
    assert d["flags"][0] == {"kind": "patients_removed", "what": "patients", "a": 11, "b": 11,
                             "patient_ids": ["P07"]}  # P12 entered: the count alone does not show it
    md = (new / "changes_since_previous.md").read_text(encoding="utf-8")
    flags = md.split("## Flags")[1].split("## ")[0]
    assert flags.lstrip().startswith("- REMOVED: 1 patient(s) of run A are not in run B")
    assert flags.splitlines()[2].endswith(": P07")
    # the report's summary counts the removal as a removed patient, not as a headline flag
    report = (new / "report.md").read_text(encoding="utf-8")
    assert [p["patient_id"] for p in d["patients"]["added"]] == ["P12"]
    assert f"1 patient(s) added, 1 removed, {len(d['flags']) - 1} headline flag(s)" in report
    # ... and the summary opens with the removal, counted, not named
    summary = report.split("## Summary\n\n")[1].split("\n## ")[0]
    assert summary.startswith("- Warning: 1 patient(s) of the previous run of this study (mm_cutoff-2023-06-30, "
                              "cut-off 2023-06-30) are not in this export")
    assert "P07" not in summary


def test_a_changed_export_at_the_same_cutoff_is_refused_and_replace_says_what_it_overwrites(tmp_path):
    frames = cohort_frames()
    out, cli = tmp_path / "reports", CliRunner()
    paths = write_export(tmp_path / "export", frames)
    assert cli.invoke(main, _args(paths, C3, out)).exit_code == 0
    run = out / "mm_cutoff-2023-06-30"
    before = (run / "results.json").read_bytes()
    write_export(tmp_path / "export", _later_export(frames))  # the same file names, new contents
    res = cli.invoke(main, _args(paths, C3, out))
    assert res.exit_code == 2 and "Traceback" not in res.output
    assert "different inputs (the patients file changed)" in res.stderr and "--replace" in res.stderr
    assert (run / "results.json").read_bytes() == before
    res = cli.invoke(main, [*_args(paths, C3, out), "--replace"])
    assert res.exit_code == 0, res.output
    assert "--replace: the run mm_cutoff-2023-06-30, made from different inputs (the patients file changed), " \
           "will be overwritten" in res.stderr
    assert (run / "results.json").read_bytes() != before
    res = cli.invoke(main, [*_args(paths, C3, out), "--replace"])  # the same inputs again: nothing to say
    assert res.exit_code == 0 and "--replace:" not in res.stderr
