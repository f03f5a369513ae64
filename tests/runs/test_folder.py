"""pipeline.runs.folder: atomic run folders and deterministic writers."""

from __future__ import annotations

import ast
import datetime as dt
import json
import multiprocessing as mp
import os
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from pipeline.runs.folder import staged_run_folder, write_csv, write_json, write_xlsx


def _tree(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_success_moves_the_folder_into_place(tmp_path):
    target = tmp_path / "out" / "demo_cutoff-2023-06-30"
    with staged_run_folder(target) as tmp:
        assert tmp.parent == target.parent and tmp != target
        assert not target.exists()  # nothing visible while the run is being written
        (tmp / "a.txt").write_text("a")
    assert _tree(target) == {"a.txt": b"a"}
    assert [p.name for p in target.parent.iterdir()] == [target.name]  # no temp folder left


def test_failure_leaves_nothing(tmp_path):
    target = tmp_path / "out" / "run"
    with pytest.raises(RuntimeError, match="boom"), staged_run_folder(target) as tmp:
        (tmp / "half.txt").write_text("half")
        raise RuntimeError("boom")
    assert not target.exists()
    assert list(target.parent.iterdir()) == []


def test_failure_never_touches_a_previous_good_run(tmp_path):
    target = tmp_path / "run"
    with staged_run_folder(target) as tmp:
        (tmp / "results.json").write_text("good")
    with pytest.raises(KeyboardInterrupt), staged_run_folder(target) as tmp:
        (tmp / "results.json").write_text("half")
        raise KeyboardInterrupt
    assert _tree(target) == {"results.json": b"good"}
    assert [p.name for p in tmp_path.iterdir()] == ["run"]


def test_success_replaces_a_previous_run_entirely(tmp_path):
    target = tmp_path / "run"
    with staged_run_folder(target) as tmp:
        (tmp / "old.txt").write_text("old")
    with staged_run_folder(target) as tmp:
        (tmp / "new.txt").write_text("new")
    assert _tree(target) == {"new.txt": b"new"}
    assert [p.name for p in tmp_path.iterdir()] == ["run"]  # the moved-aside old run is gone


def test_write_json_is_json_safe_and_keeps_chinese(tmp_path):
    p = tmp_path / "sub" / "x.json"
    write_json(p, {"nan": float("nan"), "inf": np.inf, "np": np.int64(3), "f": np.float64(0.5), "na": pd.NA,
                   "nat": pd.NaT, "ts": pd.Timestamp("2022-12-09"), "path": Path("a/b"), "zh": "男",
                   "t": (1, 2), 5: "int key"})
    text = p.read_text(encoding="utf-8")
    assert json.loads(text) == {"nan": None, "inf": None, "np": 3, "f": 0.5, "na": None, "nat": None,
                                "ts": "2022-12-09", "path": "a/b", "zh": "男", "t": [1, 2], "5": "int key"}
    assert "男" in text and text.endswith("}\n")


def test_write_csv_format(tmp_path):
    df = pd.DataFrame({
        "patient_id": ["P01", "P02"],
        "date": pd.to_datetime(["2022-12-09", None]),
        "x": [1 / 3, np.nan],
        "n": pd.array([3, None], dtype="Int64"),
        "b": pd.array([True, None], dtype="boolean"),
        "zh": ["男", None],
        "_line": [2, 3],
    })
    p = tmp_path / "d" / "t.csv"
    write_csv(p, df)
    assert p.read_bytes() == (
        "\ufeffpatient_id,date,x,n,b,zh\nP01,2022-12-09,0.3333333333,3,True,男\nP02,,,,,\n").encode("utf-8")


def test_write_xlsx_is_byte_identical(tmp_path):
    tables = {"a": pd.DataFrame({"x": [1.5, 2.0], "y": ["男", "女"]}), "b": pd.DataFrame({"z": [1]})}
    stamp = dt.datetime(2023, 6, 30)
    write_xlsx(tmp_path / "1.xlsx", tables, stamp)
    time.sleep(1.1)  # the zip entries and core.xml would otherwise carry the current second
    write_xlsx(tmp_path / "2.xlsx", tables, stamp)
    assert (tmp_path / "1.xlsx").read_bytes() == (tmp_path / "2.xlsx").read_bytes()
    back = pd.read_excel(tmp_path / "1.xlsx", sheet_name=None)
    assert back["a"]["y"].tolist() == ["男", "女"] and back["b"]["z"].tolist() == [1]


def test_background_writes_in_workers_write_the_same_bytes_and_raise_a_workers_error(tmp_path, monkeypatch):
    """Registry-sized runs write the derived CSVs in two forked workers; the files are write_csv's bytes."""
    import pandas as pd

    from pipeline.runs import folder as runfolder

    frames = [pd.DataFrame({"a": range(n), "b": [f"=x{i}" for i in range(n)], "c": [0.1 * i for i in range(n)]})
              for n in (50, 7, 300)]
    for i, df in enumerate(frames):
        runfolder.write_csv(tmp_path / "ref" / f"t{i}.csv", df)
    stamp = dt.datetime(2022, 12, 9)
    runfolder.write_xlsx(tmp_path / "ref" / "t.xlsx", {f"t{i}": df for i, df in enumerate(frames)}, stamp)
    monkeypatch.setattr(runfolder, "PARALLEL_CELLS", 1)
    jobs = [runfolder.csv_job(tmp_path / "par" / f"t{i}.csv", df) for i, df in enumerate(frames)]
    jobs.append(runfolder.xlsx_job(tmp_path / "par" / "t.xlsx", {f"t{i}": df for i, df in enumerate(frames)}, stamp))
    with runfolder.background_writes(jobs) as pending:
        pending.wait()
        assert all(args[0].is_file() for _, args in jobs)
    for name in ("t0.csv", "t1.csv", "t2.csv", "t.xlsx"):
        assert (tmp_path / "par" / name).read_bytes() == (tmp_path / "ref" / name).read_bytes()
    # a writer that fails in a worker: its error reaches the caller when the block ends
    bad = [(_failing_write, (tmp_path / "x.csv", frames[0])), runfolder.csv_job(tmp_path / "ok" / "y.csv", frames[1])]
    with pytest.raises(OSError, match="disk full"), runfolder.background_writes(bad):
        pass


def _failing_write(path, df):
    raise OSError("disk full")


def _square(x: int) -> tuple[int, int]:
    return x * x, os.getpid()


def test_worker_jobs_return_results_in_job_order_from_forked_workers(monkeypatch):
    from pipeline.runs import folder as runfolder

    jobs = [(_square, (i,)) for i in range(7)]
    with runfolder.worker_jobs(jobs, workers=2, order=[6, 5, 4, 3, 2, 1, 0]) as pending:
        out = pending.results()
    assert [v for v, _ in out] == [i * i for i in range(7)]
    if "fork" in mp.get_all_start_methods():
        assert os.getpid() not in {pid for _, pid in out}  # run by workers, not here
    with runfolder.worker_jobs(jobs, workers=1) as pending:  # one worker: run here, before the block
        assert [v for v, _ in pending.results()] == [i * i for i in range(7)]
        assert {pid for _, pid in pending.results()} == {os.getpid()}


def test_write_files_writes_text_as_utf8_and_bytes_as_given(tmp_path):
    from pipeline.runs.folder import write_files

    out = write_files(tmp_path, {"a/b.md": "男\nx\r\n", "c/d.bin": b"\x00\x01"})
    assert out == {"a/b.md": tmp_path / "a" / "b.md", "c/d.bin": tmp_path / "c" / "d.bin"}
    assert out["a/b.md"].read_bytes() == "男\nx\r\n".encode()
    assert out["c/d.bin"].read_bytes() == b"\x00\x01"


# --------------------------------------------------------------------------- one writer

PIPELINE = Path(__file__).resolve().parents[2] / "pipeline"
#: Stages before the run folder (they may not import ``pipeline.runs``) and the modules of a run that
#: produce its files' contents but never write a file themselves.
EARLIER = ("ingest", "derive", "imwg", "stats", "analysis", "figures", "report", "text", "cutoff.py",
           "vocab.py", "errors.py", "config", "contract.py")
NO_FILES = ("figures", "report", "run.py")
#: Path and frame methods that write a file, and matplotlib's savefig (allowed into a BytesIO ``buf``).
WRITES = {"write_text", "write_bytes", "mkdir", "touch", "to_csv", "to_excel", "to_parquet", "savefig"}


def _modules(names: tuple[str, ...]) -> list[Path]:
    return sorted(p for n in names for p in ([PIPELINE / n] if n.endswith(".py") else (PIPELINE / n).rglob("*.py")))


def test_no_earlier_stage_imports_the_run_folder():
    bad = []
    for path in _modules(EARLIER):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import)
                     else [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            bad += [f"{path.relative_to(PIPELINE)}: {n}" for n in names if n.startswith("pipeline.runs")]
    assert not bad


def test_only_the_run_folder_writes_a_runs_files():
    """Figures return bytes, the report returns text and bytes; ``pipeline.runs.folder`` writes them."""
    bad = []
    for path in _modules(NO_FILES):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call):
                f = node.func
                to_buffer = node.args and isinstance(node.args[0], ast.Name) and node.args[0].id == "buf"
                if isinstance(f, ast.Attribute) and f.attr in WRITES and not (f.attr == "savefig" and to_buffer) \
                        or isinstance(f, ast.Name) and f.id == "open":
                    bad.append(f"{path.relative_to(PIPELINE)}:{node.lineno}")
    assert not bad
