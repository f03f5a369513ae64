"""pipeline.runs.precheck (+ cli, run, compare): output and earlier-run problems are exit 2 with a message,
checked before the analysis where they can be; never a traceback."""

from __future__ import annotations

import errno
from collections import namedtuple

import pytest
from click.testing import CliRunner

from pipeline.cli import main
from pipeline.errors import UserError
from pipeline.runs.precheck import check_output
from tests.trio import PATIENTS_CSV, write_trio


def _run(trio, out, *extra: str, cutoff: str = "2023-06-30"):
    args = ["run", "--no-figures", "-q", "--patients", str(trio["patients"]), "--cutoff", cutoff, "--out", str(out),
            *extra]
    return CliRunner().invoke(main, args, catch_exceptions=False)


def test_out_under_a_file(tmp_path, trio):
    (tmp_path / "afile").write_text("x")
    r = _run(trio, tmp_path / "afile" / "reports")
    assert r.exit_code == 2 and "is a file, not a folder" in r.output


def test_run_folder_name_taken_by_a_file(tmp_path, trio):
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "study_cutoff-2023-06-30").write_text("x")
    r = _run(trio, tmp_path / "out")
    assert r.exit_code == 2 and "is a file, not a run folder" in r.output


def test_name_too_long(tmp_path, trio):
    r = _run(trio, tmp_path / ("x" * 300))
    assert r.exit_code == 2 and "too long for this disk" in r.output


def test_unwritable_folder_found_before_the_analysis(tmp_path, monkeypatch):
    """(Simulated: the tests run as root, for whom a read-only folder is still writable.)"""
    def refuse(*a, **k):
        raise OSError(errno.EROFS, "Read-only file system")

    monkeypatch.setattr("pipeline.runs.precheck.tempfile.mkstemp", refuse)
    with pytest.raises(UserError, match=r"cannot write in .* \(Read-only file system\); choose a writable --out"):
        check_output(tmp_path / "reports", "demo_cutoff-2023-06-30", 1000)


def test_too_little_free_space(tmp_path, monkeypatch):
    usage = namedtuple("usage", "total used free")
    monkeypatch.setattr("pipeline.runs.precheck.shutil.disk_usage", lambda p: usage(10**9, 10**9, 10 * 2**20))
    with pytest.raises(UserError, match=r"has 10 MB free; the run needs about 55 MB"):
        check_output(tmp_path, "demo_cutoff-2023-06-30", 2**20)
    monkeypatch.setattr("pipeline.runs.precheck.shutil.disk_usage", lambda p: usage(10**9, 10**9, 60 * 2**20))
    check_output(tmp_path, "demo_cutoff-2023-06-30", 2**20)  # 55 MB needed, 60 MB free


def test_disk_full_while_writing_is_exit_2(tmp_path, trio, monkeypatch):
    def full(path, data):
        raise OSError(errno.ENOSPC, "No space left on device", str(path))

    monkeypatch.setattr("pipeline.run.write_json", full)
    r = _run(trio, tmp_path / "out")
    assert r.exit_code == 2 and "No space left on device" in r.output and "results.json" in r.output


@pytest.mark.parametrize("text", ["{not json", "[]", '{"inputs": "x"}', '{"inputs": [1]}'])
def test_corrupt_manifest_in_the_target_folder(tmp_path, trio, text):
    assert _run(trio, tmp_path / "out").exit_code == 0
    (tmp_path / "out" / "study_cutoff-2023-06-30" / "manifest.json").write_text(text)
    r = _run(trio, tmp_path / "out")
    assert r.exit_code == 2 and "manifest.json cannot be read" in r.output and "--replace" in r.output
    assert _run(trio, tmp_path / "out", "--replace").exit_code == 0


def test_earlier_run_resaved_in_gbk(tmp_path):
    """An earlier run's derived/adsl.csv re-saved by Excel in GBK: compare says so (exit 2); a new run still
    succeeds (its changes_since_previous is skipped with a warning)."""
    trio = write_trio(tmp_path / "data", PATIENTS_CSV.replace("BPD", "苯达莫司汀"), None, None)
    out = tmp_path / "out"
    assert _run(trio, out, cutoff="2022-12-31").exit_code == 0
    adsl = out / "study_cutoff-2022-12-31" / "derived" / "adsl.csv"
    adsl.write_bytes(adsl.read_text(encoding="utf-8-sig").encode("gbk"))
    assert _run(trio, out).exit_code == 0
    r = CliRunner().invoke(main, ["compare", str(out / "study_cutoff-2022-12-31"), str(out / "study_cutoff-2023-06-30")],
                           catch_exceptions=False)
    assert r.exit_code == 2 and "adsl.csv is not UTF-8 any more" in r.output
    r = CliRunner().invoke(main, ["runs", "--out", str(out)], catch_exceptions=False)
    assert r.exit_code == 0


def test_a_cohort_too_large_for_the_memory_is_refused_before_the_analysis():
    """1M patients (770 MB of CSV) needed about 17 GB: 400 MB + 25 x 770 MB = 19.2 GB is refused on an 8 GB
    machine and accepted on 24 GB."""
    from pipeline.errors import UserError
    from pipeline.runs.precheck import available_memory, check_memory

    with pytest.raises(UserError, match=r"need about 19\.2 GB of memory and this machine has 8\.0 GB"):
        check_memory(770 * 2**20, available=8 * 2**30)
    check_memory(770 * 2**20, available=24 * 2**30)
    check_memory(80 * 2**20, available=4 * 2**30)  # 100k patients on a small laptop: fine
    mem = available_memory()
    assert mem is None or mem > 0
