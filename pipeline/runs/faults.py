"""Faults: a run stopped at any moment, or two runs at once, never lose or corrupt a run folder.

- One run at a time per run folder: :func:`run_lock` holds an exclusive ``flock`` on ``.<name>.lock``
  beside the folder for the whole run; a second run on the same folder stops at once with exit code 2
  and says which process holds it.
- Staging folders are named ``.<name>.tmp-<pid>-<random>`` and the swap moves the previous run aside as
  ``.<name>.old-<pid>``. Holding the lock, :func:`recover_interrupted` restores a lone ``.old-*`` (a run
  killed between the two renames of the swap) and removes every leftover staging or moved-aside folder:
  no live run can own them, since a live run holds that folder's lock. The next run of any study in the
  same output root, and ``mmcohort runs``, call it.
- SIGTERM during the write stage raises :class:`Terminated` (exit code 143), so the staging folder is
  removed and the figure workers are stopped like on any other failure (:func:`sigterm_raises`).
- Figure workers die with their parent, however it dies (``kill -9`` included): on Linux the kernel
  sends them SIGKILL (``prctl(PR_SET_PDEATHSIG)``), elsewhere a watchdog thread sees the parent change
  (:func:`die_with_parent`, the pool's initializer); :func:`stop_pool` kills them when the run fails.
"""

from __future__ import annotations

import ctypes
import logging
import os
import re
import shutil
import signal
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from pipeline.errors import UserError

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: no advisory locks; runs are not serialised there
    fcntl = None

log = logging.getLogger("mmcohort")

#: Exit code of a run stopped by SIGTERM (128 + 15, as a shell reports it).
SIGTERM_EXIT = 128 + signal.SIGTERM
_LEFTOVER = re.compile(r"^\.(?P<name>.+)\.(?P<kind>tmp|old)-(?P<rest>.+)$")
_HELD: dict[Path, int] = {}  # lock path -> nesting depth, in this process


def lock_path(target: Path) -> Path:
    return target.parent / f".{target.name}.lock"


def staging_prefix(target: Path) -> str:
    """Prefix of this process's staging folder for ``target`` (``mkdtemp`` adds a random part)."""
    return f".{target.name}.tmp-{os.getpid()}-"


def moved_aside(target: Path) -> Path:
    """Where the swap moves the previous run while the new one is renamed into place."""
    return target.parent / f".{target.name}.old-{os.getpid()}"


def _open_locked(path: Path) -> int | None:
    """An fd holding an exclusive lock on ``path`` (created if needed), or None if another process has it."""
    while True:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            return None
        # the holder before us may have removed the file after we opened it: lock the file that is there
        try:
            same = os.path.samestat(os.fstat(fd), os.stat(path))
        except FileNotFoundError:
            same = False
        if same:
            return fd
        os.close(fd)


def _holder(path: Path) -> str:
    try:
        pid = path.read_text(encoding="ascii").strip()
    except (OSError, ValueError):
        pid = ""
    return f"process {pid}" if pid.isdigit() else "another process"


@contextmanager
def _locked(target: Path, wait_message: bool = True) -> Iterator[bool]:
    """Hold ``target``'s run lock (re-entrant in one process); yields False if another process holds it."""
    path = lock_path(Path(target)).absolute()
    if fcntl is None or path in _HELD:
        _HELD[path] = _HELD.get(path, 0) + 1
        try:
            yield True
        finally:
            _HELD[path] -= 1
            if not _HELD[path]:
                del _HELD[path]
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = _open_locked(path)
    except OSError as e:
        raise UserError(f"cannot write in {path.parent} ({e.strerror or e}); choose another --out") from None
    if fd is None:
        yield False
        return
    os.ftruncate(fd, 0)
    os.write(fd, f"{os.getpid()}\n".encode("ascii"))
    _HELD[path] = 1
    try:
        yield True
    finally:
        del _HELD[path]
        with suppress(OSError):
            path.unlink()  # still holding the lock: a process that opened it meanwhile retries (samestat)
        os.close(fd)


@contextmanager
def run_lock(target: Path) -> Iterator[None]:
    """Hold the lock of run folder ``target``; a second run on it stops with exit code 2 (UserError)."""
    target = Path(target)
    with _locked(target) as ok:
        if not ok:
            raise UserError(
                f"{target} is being written by another mmcohort run ({_holder(lock_path(target))}); "
                "wait for it to finish, or write this run to another --out")
        yield


def _recover_one(parent: Path, name: str, entries: list[Path]) -> list[str]:
    """Restore a lone moved-aside run and remove leftovers for run folder ``name`` (its lock held)."""
    notes = []
    target = parent / name
    olds = sorted((p for p in entries if _LEFTOVER.match(p.name)["kind"] == "old"),
                  key=lambda p: (p.stat().st_mtime, p.name), reverse=True)
    if olds and not target.exists():
        os.replace(olds[0], target)
        notes.append(f"restored {target} from {olds[0].name}: a run was stopped while it replaced that "
                     "folder, and the previous run is back in place")
        entries = [p for p in entries if p != olds[0]]
    for p in entries:
        shutil.rmtree(p, ignore_errors=True)
        if not p.exists():
            notes.append(f"removed {p.name} from {parent}: left by a run that was stopped")
    return notes


def recover_interrupted(parent: Path) -> list[str]:
    """Repair what stopped runs left in output root ``parent``; return one note per repair.

    For each run folder with leftovers (``.<name>.tmp-*``, ``.<name>.old-*``) whose lock is free (or held
    by this process): a ``.old-*`` without its run folder is renamed back into place, the rest is deleted.
    Folders of a run still in progress (lock held elsewhere) are left alone.
    """
    parent = Path(parent)
    if not parent.is_dir():
        return []
    by_name: dict[str, list[Path]] = {}
    for p in sorted(parent.iterdir()):
        m = _LEFTOVER.match(p.name)
        if m and p.is_dir() and not p.is_symlink():
            by_name.setdefault(m["name"], []).append(p)
    notes = []
    for name, entries in by_name.items():
        with _locked(parent / name) as ok:
            if ok:
                notes += _recover_one(parent, name, entries)
    return notes


class Terminated(SystemExit):
    """Raised in the main thread on SIGTERM while a run folder is written (exit code 143)."""


@contextmanager
def sigterm_raises() -> Iterator[None]:
    """While the block runs, SIGTERM raises :class:`Terminated` so that cleanup code runs (main thread only)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    stopped = []

    def handler(signum, frame):
        signal.signal(signal.SIGTERM, signal.SIG_DFL)  # a second SIGTERM ends the process at once
        stopped.append(signum)
        log.warning("stopped by SIGTERM: the unfinished run folder is removed; an earlier run stays as it was")
        raise Terminated(SIGTERM_EXIT)

    previous = signal.signal(signal.SIGTERM, handler)
    try:
        yield
    except BaseException as e:
        # the signal lands in whatever code runs; a library may catch the Terminated raised there and raise
        # its own error (pydantic wraps what its serializer callbacks raise): the run was still stopped
        if stopped and not isinstance(e, Terminated):
            raise Terminated(SIGTERM_EXIT) from e
        raise
    finally:
        signal.signal(signal.SIGTERM, previous)


def die_with_parent(parent_pid: int) -> None:
    """Initializer of a forked worker: end it when ``parent_pid`` ends, however that happens."""
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # not the parent's handler (it would only raise here)
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(None, use_errno=True)  # the C library is loaded into every Python
            libc.prctl(1, int(signal.SIGKILL), 0, 0, 0)  # PR_SET_PDEATHSIG = 1
        except (OSError, AttributeError):
            pass
    if os.getppid() != parent_pid:  # the parent died before the line above
        os._exit(1)

    def watch() -> None:
        while True:
            time.sleep(0.5)
            if os.getppid() != parent_pid:
                os._exit(1)

    threading.Thread(target=watch, name="mmcohort-parent-watch", daemon=True).start()


def stop_pool(executor) -> None:
    """Kill a ``ProcessPoolExecutor``'s workers now (a failed or stopped run), without waiting for work."""
    procs = list((getattr(executor, "_processes", None) or {}).values())
    for p in procs:
        if p.is_alive():
            p.kill()
    executor.shutdown(wait=False, cancel_futures=True)
    for p in procs:
        p.join(timeout=5)
