"""The run folder: built in a temporary folder beside the target, moved into place only on success.

A failed run leaves nothing half-written and never touches a previous good run. Writers here are the
only place (with ``load``) that touch files; they format deterministically so the same inputs give
byte-identical tables, derived data and results.json.
"""

from __future__ import annotations

import json
import math
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pandas as pd


def _clean(o: object) -> object:
    """JSON-safe: NaN/inf/NA -> null, numpy scalars -> Python, timestamps -> ISO dates."""
    if isinstance(o, dict):
        return {str(k): _clean(v) for k, v in o.items()}
    if isinstance(o, list | tuple):
        return [_clean(v) for v in o]
    if isinstance(o, np.generic):
        o = o.item()
    if isinstance(o, float):
        return o if math.isfinite(o) else None
    if o is pd.NaT or o is pd.NA or o is None:
        return None
    if isinstance(o, pd.Timestamp):
        return o.strftime("%Y-%m-%d")
    if isinstance(o, Path):
        return str(o)
    return o


def write_json(path: Path, data: object) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(_clean(data), indent=2, ensure_ascii=False, sort_keys=False, allow_nan=False)
    path.write_text(text + "\n", encoding="utf-8")


def write_csv(path: Path, df: pd.DataFrame) -> None:
    """UTF-8 with BOM (Excel opens Chinese text correctly), ISO dates, fixed float format, LF endings."""
    path.parent.mkdir(parents=True, exist_ok=True)
    out = df.drop(columns=[c for c in df.columns if str(c).startswith("_")])
    out.to_csv(path, index=False, encoding="utf-8-sig", date_format="%Y-%m-%d", float_format="%.10g",
               lineterminator="\n")


@contextmanager
def staged_run_folder(target: Path) -> Iterator[Path]:
    """Yield a temporary folder; on success replace ``target`` with it, on failure delete it."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.tmp-", dir=target.parent))
    try:
        yield tmp
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    old = None
    if target.exists():
        old = target.parent / f".{target.name}.old-{os.getpid()}"
        os.replace(target, old)
    os.replace(tmp, target)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
