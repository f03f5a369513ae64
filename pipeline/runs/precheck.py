"""Checks on the output folder made before the analysis, so a run does not fail after minutes of work.

``check_output`` refuses (``UserError``, exit 2) an ``--out`` that lies under a file, a folder that
cannot be written (read-only disk, no permission), a name longer than the file system allows, and a disk
with less free space than the run is estimated to need. Writing can still fail later (another program
fills the disk); the CLI reports such an OSError as a user error too, never a traceback.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from pipeline.errors import UserError

#: The run folder's size, estimated from its inputs: the derived tables copy them and add the analysis
#: datasets (about 3x), plus figures, reports and the workbook (a few MB). Generous on purpose.
FIXED_BYTES = 50 * 2**20
PER_INPUT_BYTE = 5
#: Memory a run needs, estimated from its inputs: measured peaks were 1.6 GB for 77 MB of CSV (100k
#: patients) and about 17 GB machine-wide for 770 MB (1M, with the two forked writers); 25x is the margin.
FIXED_MEMORY = 400 * 2**20
MEMORY_PER_INPUT_BYTE = 25
#: Characters the staging and backup names add to the run folder's name (".<name>.tmp-xxxxxxxx").
_STAGING_EXTRA = 24


def _exists(p: Path) -> bool:
    try:
        return p.exists()
    except OSError:  # a name too long for the file system
        return False


def _existing_ancestor(p: Path) -> Path:
    while not _exists(p) and p != p.parent:
        p = p.parent
    return p


def _name_max(folder: Path) -> int:
    try:
        return os.pathconf(folder, "PC_NAME_MAX")
    except (OSError, ValueError, AttributeError):
        return 255


def available_memory() -> int | None:
    """Bytes of memory the system can give a new process (Linux ``MemAvailable``); None where unknown."""
    try:
        with open("/proc/meminfo", encoding="ascii") as f:
            for line in f:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        return None
    return None


def check_memory(input_bytes: int, available: int | None = None) -> None:
    """Refuse, before minutes of work, a cohort too large for this machine's memory (exit 2, not an
    out-of-memory kill halfway through the run)."""
    available = available_memory() if available is None else available
    need = FIXED_MEMORY + MEMORY_PER_INPUT_BYTE * input_bytes
    if available is not None and need > available:
        raise UserError(f"the inputs ({input_bytes / 2**20:,.0f} MB) need about {need / 2**30:,.1f} GB of memory "
                        f"and this machine has {available / 2**30:,.1f} GB available; run on a machine with more "
                        "memory, or split the cohort (e.g. by index year) into studies of their own")


def check_output(out_root: Path, run_name: str, input_bytes: int) -> None:
    """Refuse an output folder the run could not be written to; see the module docstring."""
    out_root = Path(out_root).absolute()
    target = out_root / run_name
    base = _existing_ancestor(out_root)
    if not base.is_dir():
        raise UserError(f"--out {out_root}: {base} is a file, not a folder; choose another --out")
    if _exists(target) and not target.is_dir():
        raise UserError(f"{target} exists and is a file, not a run folder; move it or choose another --out")
    limit = _name_max(base)
    new_parts = [*target.relative_to(base).parts]
    for part in new_parts:
        extra = _STAGING_EXTRA if part == run_name else 0
        if len(part.encode("utf-8")) + extra > limit:
            raise UserError(f"the folder name {part[:40]!r}... is too long for this disk (at most {limit} bytes"
                            f"{' with the staging suffix' if extra else ''}); choose a shorter --out or study")
    try:
        fd, probe = tempfile.mkstemp(prefix=".mmcohort-probe-", dir=base)
        os.close(fd)
        os.unlink(probe)
    except OSError as e:
        raise UserError(f"cannot write in {base} ({e.strerror or e}); choose a writable --out") from None
    need = FIXED_BYTES + PER_INPUT_BYTE * input_bytes
    free = shutil.disk_usage(base).free
    if free < need:
        raise UserError(f"{base} has {free / 2**20:,.0f} MB free; the run needs about {need / 2**20:,.0f} MB "
                        "(estimated from the inputs); free some space or choose another --out")
