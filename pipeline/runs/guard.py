"""Before a run writes: the output folder can take it, and an existing run of this cut-off is not silently
replaced by one made from other inputs or another config."""

from __future__ import annotations

import json
from pathlib import Path

from pipeline.config import TABLES, StudyConfig
from pipeline.errors import UserError
from pipeline.ingest.load import RawTable


def guard_existing_run(target: Path, config: StudyConfig, raw: dict[str, RawTable], replace: bool) -> str | None:
    """Refuse to overwrite a run of this cut-off made from other inputs or another config.

    A rerun on the same inputs and config reproduces the folder byte for byte, so it may replace it; a
    newer export run at an old cut-off would silently overwrite a submitted result, so it needs
    ``--replace`` (or another ``--out``, then ``mmcohort compare``). With ``replace``, returns what differs
    ("the patients file", ...) for the run to say, or None when nothing does (or the old manifest is unreadable).
    """
    old = target / "manifest.json"
    if not old.exists():
        return None
    try:
        m = _read_manifest(old)
    except UserError:
        if replace:
            return None
        raise
    before = {i["table"]: i["sha256"] for i in m.get("inputs", [])}
    now = {name: rt.sha256 for name, rt in raw.items()}
    changed = sorted(k for k in set(before) | set(now) if before.get(k) != now.get(k))
    config_changed = m.get("config") != json.loads(json.dumps(config.resolved(), default=str))
    if not (changed or config_changed):
        return None
    what = ", ".join(f"the {k} file" for k in changed) + (" and the config" if changed and config_changed
                                                        else "the config" if config_changed else "")
    if replace:
        return what
    raise UserError(
        f"{target} already holds this cut-off's run, made from different inputs ({what} changed). "
        "Rerun with --replace to overwrite it, or write to another --out and compare the two runs with "
        "'mmcohort compare'.")


def _read_manifest(path: Path) -> dict:
    """An earlier run's manifest.json, or a UserError: an unreadable one cannot vouch for that run's inputs."""
    try:
        m = json.loads(path.read_text(encoding="utf-8"))
        ok = isinstance(m, dict) and isinstance(m.get("inputs", []), list) and all(
            isinstance(i, dict) and "table" in i and "sha256" in i for i in m.get("inputs", []))
    except (OSError, ValueError):
        ok = False
    if not ok:
        raise UserError(f"{path} cannot be read (damaged, or not written by mmcohort), so this tool cannot tell "
                        "whether that run used the same inputs; rerun with --replace to overwrite the folder, or "
                        "write to another --out")
    return m


def check_output_folder(config: StudyConfig, out_root: Path) -> None:
    """Before the analysis: the run folder can be written and the disk has room (pipeline/runs/precheck.py)."""
    from pipeline.runs.precheck import check_memory, check_output

    sizes = [p.stat().st_size for t in TABLES if (p := config.input_path(t)) is not None and p.is_file()]
    check_output(out_root, config.run_name, sum(sizes))
    check_memory(sum(sizes))
