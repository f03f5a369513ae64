"""Reading results.json back (pipeline/runs/read.py ``read_results``): through the record, leniently.

A run written by an earlier version lacks keys added since and wrote some counts as floats; compare and
runs read it as before (a missing key is None). A damaged section is left out, the rest still read.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from pathlib import Path

from pipeline.analysis.record import ResultsRecord
from pipeline.runs.diff import compare_runs
from pipeline.runs.listing import list_runs
from pipeline.runs.read import Run, read_results
from tests.analysis.test_record import _variant_tiny


def _old(d: dict) -> dict:
    """``d`` as an early version wrote it: no options, literature, competing risks, RMST or TTR; comparisons
    without hr_vs and the landmark keys; df as a float; a key this version no longer writes."""
    d = json.loads(json.dumps(d))
    for k in ("options", "literature", "cumulative_incidence", "gray_tests", "fine_gray", "rmst",
              "time_to_response"):
        del d[k]
    d["comparisons"] = [c for c in d["comparisons"] if c["landmark_days"] is None]
    for c in d["comparisons"]:
        for k in ("hr_vs", "landmark_days", "n_excluded_before_landmark"):
            c.pop(k, None)
        if c["df"] is not None:
            c["df"] = float(c["df"])
    d["retired_key"] = {"x": 1}
    return d


def test_an_old_run_reads_with_missing_keys_as_none():
    new = _variant_tiny()
    rec = read_results(_old(new))
    assert isinstance(rec, ResultsRecord)
    assert rec.options is None and rec.literature is None and rec.rmst is None and rec.time_to_response is None
    c = next(c for c in rec.comparisons if c.df is not None)
    assert c.hr_vs is None and c.landmark_days is None and c.df == 1.0 and type(c.df) is float
    assert rec.survival[0].n == new["survival"][0]["n"] and rec.study == new["study"]
    assert "retired_key" not in rec.as_json() and "options" not in rec.as_json()
    # a current run reads back unchanged
    assert read_results(new).as_json() == new


def test_a_damaged_section_is_left_out_and_logged(caplog):
    d = _variant_tiny()
    d["rates"], d["survival"] = 5, [*d["survival"], "not a row"]
    with caplog.at_level(logging.WARNING, logger="mmcohort"):
        rec = read_results(d, "x/results.json")
    assert rec.rates is None and rec.survival is None and rec.comparisons  # the rest is read
    assert "x/results.json: rates, survival not readable" in caplog.text


def _folder(root: Path, name: str, cutoff: str, results: dict) -> Path:
    folder = root / name
    folder.mkdir(parents=True)
    (folder / "results.json").write_text(json.dumps(results), encoding="utf-8")
    (folder / "manifest.json").write_text(json.dumps({"study": "t", "cutoff": cutoff, "inputs": []}),
                                          encoding="utf-8")
    return folder


def test_compare_and_runs_read_an_old_run(tmp_path):
    new = _variant_tiny()
    old = _old(new)
    _folder(tmp_path, "t_cutoff-2022-06-30", "2022-06-30", old)
    _folder(tmp_path, "t_cutoff-2023-01-01", "2023-01-01", new)
    rows = list_runs(tmp_path)
    assert [r["n_patients"] for r in rows] == [4, 4] and rows[0]["conf_level"] is None
    assert rows[0]["orr"] == rows[1]["orr"] and rows[0]["median_os"]["events"] == 1
    a = Run(tmp_path / "a", "t", dt.date(2022, 6, 30), read_results(old), {})
    b = Run(tmp_path / "b", "t", dt.date(2023, 1, 1), read_results(new), {})
    d = compare_runs(a, b)
    assert d["a"]["conf_level"] is None and d["b"]["conf_level"] == 0.95
    tested = next(r for r in d["headline"]["comparisons"] if r["a"] and r["a"]["df"] is not None)
    assert tested["a"]["hr_vs"] is None and "hr_groups_changed" in tested["flags"]
    assert d["follow_up"]["a"] == new["followup_months"]
    json.dumps(d, allow_nan=False)
