"""pipeline.runs.faults: runs killed at any moment, or started twice at once, leave a good run folder.

Issue #11 "Faults": SIGTERM or kill -9 while figures were drawn left orphaned workers and staging folders
that later runs never removed; a kill between the two renames of the swap left no run folder (the old run
only in a hidden ``.old-<pid>``); two runs finishing at once gave an ENOTEMPTY traceback.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline.cli import main
from pipeline.run import run_study
from pipeline.runs.faults import recover_interrupted, run_lock
from tests.trio import make_config, write_trio

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="process checks read /proc")

REPO = Path(__file__).resolve().parents[2]
RUN = "demo_cutoff-2023-06-30"

# a run in a child process; its figure workers write their pid and then draw "slowly" until killed
CHILD = """
import os, signal, sys, time
from pathlib import Path
sys.path.insert(0, {repo!r})
import pipeline.figures.catalogue as catalogue
from pipeline.run import run_study
from tests.trio import make_config, write_trio

root, mode = Path(sys.argv[1]), sys.argv[2]
os.cpu_count = lambda: 2  # two forked workers whatever the machine

def slow(make, dpi):
    (root / "pids" / str(os.getpid())).write_text("")
    time.sleep(300)

if mode == "figures":
    catalogue.render_figure = slow
elif mode == "swap":  # killed right after moving the previous run aside, before the new one is renamed in
    real = os.replace
    def replace(a, b):
        real(a, b)
        if ".old-" in str(b):
            os.kill(os.getpid(), signal.SIGKILL)
    os.replace = replace
paths = write_trio(root / "data")
cfg = make_config(paths, response={{"source": "patients"}}, report={{"figures": mode == "figures"}})
run_study(cfg, root / "runs", replace=True)  # figures on: another config than the earlier run
"""


def _child(root: Path, mode: str) -> subprocess.Popen:
    script = root / "child.py"
    script.write_text(textwrap.dedent(CHILD.format(repo=str(REPO))), encoding="utf-8")
    (root / "pids").mkdir(exist_ok=True)
    return subprocess.Popen([sys.executable, str(script), str(root), mode], stderr=subprocess.PIPE, text=True)


def _gone(pid: int) -> bool:
    """True once ``pid`` has exited (a zombie nobody reaped counts as gone: it holds no memory)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return True
    return stat.rsplit(")", 1)[1].split()[0] in ("Z", "X")


def _wait(cond, timeout: float, what: str) -> None:
    end = time.monotonic() + timeout
    while not cond():
        if time.monotonic() > end:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.2)


def _good_run(root: Path) -> bytes:
    """A finished earlier run of the same cut-off (what a stopped rerun must leave untouched)."""
    paths = write_trio(root / "data")
    folder = run_study(make_config(paths, response={"source": "patients"}), root / "runs")
    return (folder / "results.json").read_bytes()


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGKILL])
def test_a_run_killed_while_drawing_leaves_no_worker_and_no_staging_folder(tmp_path, sig):
    before = _good_run(tmp_path)
    child = _child(tmp_path, "figures")
    try:
        _wait(lambda: len(list((tmp_path / "pids").iterdir())) == 2 or child.poll() is not None, 240,
              "two figure workers")
        assert child.poll() is None, child.communicate()[1]
        workers = [int(p.name) for p in (tmp_path / "pids").iterdir()]
        child.send_signal(sig)
        _, err = child.communicate(timeout=60)
    finally:
        child.kill()
    _wait(lambda: all(_gone(w) for w in workers), 15, f"the workers {workers} to exit")
    runs = tmp_path / "runs"
    assert (runs / RUN / "results.json").read_bytes() == before  # the earlier run is untouched
    if sig == signal.SIGTERM:  # the run stops cleanly: exit 143, no traceback, its staging folder removed
        assert child.returncode == 143, err
        assert "Traceback" not in err and "stopped by SIGTERM" in err
        assert sorted(p.name for p in runs.iterdir()) == [RUN]
    else:  # kill -9 leaves the staging folder; the next run removes it
        assert child.returncode == -signal.SIGKILL
        left = sorted(p.name for p in runs.iterdir() if p.name != RUN)
        assert any(n.startswith(f".{RUN}.tmp-{child.pid}-") for n in left), left
        run_study(make_config({k: tmp_path / "data" / f"{k}.csv" for k in
                               ("patients", "assessments", "adverse_events")},
                              response={"source": "patients"}), runs)
        assert sorted(p.name for p in runs.iterdir()) == [RUN]


def test_a_kill_between_the_two_renames_is_recovered(tmp_path):
    before = _good_run(tmp_path)
    child = _child(tmp_path, "swap")
    _, err = child.communicate(timeout=300)
    assert child.returncode == -signal.SIGKILL, err
    runs = tmp_path / "runs"
    # the state issue #11 found: no run folder, the previous run only in a hidden folder
    assert not (runs / RUN).exists()
    assert (runs / f".{RUN}.old-{child.pid}" / "results.json").read_bytes() == before
    res = CliRunner().invoke(main, ["runs", "--out", str(runs)])
    assert res.exit_code == 0, res.output
    assert f"restored {runs / RUN} from .{RUN}.old-{child.pid}" in res.output
    assert "demo" in res.output and RUN in res.output  # listed again
    assert (runs / RUN / "results.json").read_bytes() == before
    assert sorted(p.name for p in runs.iterdir()) == [RUN]  # the dead run's staging folder is gone too


def test_recover_interrupted_leaves_a_live_runs_folders_alone(tmp_path):
    target = tmp_path / RUN
    (tmp_path / f".{RUN}.old-1").mkdir(parents=True)
    (tmp_path / f".{RUN}.tmp-1-x").mkdir()
    (tmp_path / ".other.tmp-2-y").mkdir()
    with run_lock(target):  # this process's lock is re-entrant: its leftovers are repaired
        notes = recover_interrupted(tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == [RUN]
    assert len(notes) == 3 and notes[0].startswith(f"restored {target}")


def test_a_second_run_on_the_same_folder_exits_2_with_a_clear_message(tmp_path):
    paths = write_trio(tmp_path / "data")
    runs = tmp_path / "runs"
    args = [sys.executable, "-m", "pipeline.cli", "run", "--patients", str(paths["patients"]),
            "--assessments", str(paths["assessments"]), "--adverse-events", str(paths["adverse_events"]),
            "--cutoff", "2023-06-30", "--study", "demo", "--out", str(runs), "--no-figures", "-q"]
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    # another process holds the folder: the run stops with exit 2 and says so
    holder = subprocess.Popen([sys.executable, "-c", "import sys, time; sys.path.insert(0, sys.argv[1]);"
                               "from pipeline.runs.faults import run_lock; from pathlib import Path;"
                               "l = run_lock(Path(sys.argv[2])); l.__enter__(); print('held', flush=True);"
                               "time.sleep(300)", str(REPO), str(runs / RUN)],
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        res = subprocess.run(args, capture_output=True, text=True, env=env, timeout=300)
    finally:
        holder.kill()
        holder.wait()
    assert res.returncode == 2, res.stderr
    assert f"is being written by another mmcohort run (process {holder.pid})" in res.stderr
    assert "Traceback" not in res.stderr and not (runs / RUN).exists()
    # two runs started together: each exits 0 or 2 (never a traceback), and the folder is whole
    procs = [subprocess.Popen(args, stderr=subprocess.PIPE, text=True, env=env) for _ in range(2)]
    out = [(p.wait(timeout=300), p.stderr.read()) for p in procs]
    for code, err in out:
        assert code in (0, 2) and "Traceback" not in err, err
    assert 0 in [c for c, _ in out]
    assert (runs / RUN / "results.json").is_file()
    assert sorted(p.name for p in runs.iterdir()) == [RUN]


def test_run_lock_is_reentrant_and_exclusive(tmp_path):
    target = tmp_path / RUN
    with run_lock(target), run_lock(target):
        assert (tmp_path / f".{RUN}.lock").read_text().strip() == str(os.getpid())
        code = ("import sys; sys.path.insert(0, sys.argv[1]); from pathlib import Path;"
                "from pipeline.runs.faults import run_lock\n"
                "try:\n    run_lock(Path(sys.argv[2])).__enter__()\nexcept Exception as e:\n    print(e)")
        res = subprocess.run([sys.executable, "-c", code, str(REPO), str(target)], capture_output=True,
                             text=True, timeout=120)
        assert f"(process {os.getpid()})" in res.stdout
    assert not (tmp_path / f".{RUN}.lock").exists()  # released and removed


def test_sigterm_caught_and_wrapped_by_a_library_still_stops_the_run_with_143():
    """The signal lands in whatever code runs: pydantic, serializing the manifest, wrapped the Terminated
    raised in its callback into its own error, and the run ended with exit 1 and a traceback. Whatever
    error leaves the block after a SIGTERM, the block raises Terminated (exit 143), chained to it."""
    from pipeline.runs.faults import SIGTERM_EXIT, Terminated, sigterm_raises

    class LibraryError(Exception):
        pass

    with pytest.raises(Terminated) as stop, sigterm_raises():
        try:
            os.kill(os.getpid(), signal.SIGTERM)  # the handler raises at the next bytecode
            time.sleep(5)  # not reached
        except Terminated as inner:
            raise LibraryError("Error calling function `ser_path`: Terminated: 143") from inner
    assert stop.value.code == SIGTERM_EXIT and isinstance(stop.value.__cause__, LibraryError)
    assert signal.getsignal(signal.SIGTERM) == signal.SIG_DFL  # pytest's own (default) handler is back


def test_an_error_without_sigterm_passes_through_sigterm_raises():
    from pipeline.runs.faults import sigterm_raises

    with pytest.raises(KeyError), sigterm_raises():
        raise KeyError("not a signal")
