"""Golden hashes of the bundled configs' run folders (``tests/test_golden.py``).

Every file a run of ``config/<name>.yaml`` writes with figures off (tables, derived datasets, results.json,
validation, report.md and report.html, the Word and Excel tables) is recorded by its SHA-256 in
``tests/golden/<name>.json``; ``manifest.json`` is left out because it holds the run's clock time.

A refactor must leave every hash unchanged. A change that is meant to alter an output updates the hashes
on purpose, and its commit says which files changed and why::

    python -m tests.golden --update
"""

from __future__ import annotations

import hashlib
import json
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HERE = Path(__file__).resolve().parent / "golden"
#: The bundled study configs (the meta-analysis configs have their own command and tests).
CONFIGS = ("default", "bendamustine_rrmm", "example_hospital")
SKIP = frozenset({"manifest.json"})


def run_bundled(name: str, out_root: Path) -> Path:
    """Run ``config/<name>.yaml`` with figures off into ``out_root``; returns the run folder."""
    from pipeline.config import load_config
    from pipeline.run import run_study

    cfg = load_config(ROOT / "config" / f"{name}.yaml")
    cfg = cfg.model_copy(update={"report": cfg.report.model_copy(update={"figures": False})})
    return run_study(cfg, out_root)


#: Files that print the config's input paths, which are absolute: the checkout's folder is replaced by
#: ``<repo>`` before hashing, so the record holds wherever the repository is cloned.
PATH_FILES = frozenset({"report.md", "report.html"})


def _content(p: Path) -> bytes:
    data = p.read_bytes()
    return data.replace(str(ROOT).encode(), b"<repo>") if p.name in PATH_FILES else data


def folder_hashes(folder: Path) -> dict[str, str]:
    """relative path -> sha256 of every file in a run folder except the manifest."""
    return {p.relative_to(folder).as_posix(): hashlib.sha256(_content(p)).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file() and p.name not in SKIP}


def golden_path(name: str) -> Path:
    return HERE / f"{name}.json"


def load_golden(name: str) -> dict[str, str]:
    return json.loads(golden_path(name).read_text(encoding="utf-8"))


def update() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        for name in CONFIGS:
            hashes = folder_hashes(run_bundled(name, Path(tmp) / name))
            golden_path(name).write_text(json.dumps(hashes, indent=1, sort_keys=True) + "\n", encoding="utf-8")
            print(f"{golden_path(name).relative_to(ROOT)}: {len(hashes)} files")


if __name__ == "__main__":
    if sys.argv[1:] != ["--update"]:
        sys.exit("usage: python -m tests.golden --update")
    update()
