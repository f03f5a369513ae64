"""The repository stands on its own: nothing in it points outside it, the project metadata installs
without deprecation warnings, and library warnings never reach the user's terminal."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SKIP_DIRS = {".git", ".venv", ".ci-venv", "reports", "__pycache__", ".pytest_cache", ".ruff_cache",
             ".hypothesis", "build", "dist"}
TEXT_SUFFIXES = {".py", ".md", ".yaml", ".yml", ".toml", ".j2", ".R", ".txt", ".cfg", ".ini", ".json", ""}


def _repo_text_files():
    for p in ROOT.rglob("*"):
        rel = p.relative_to(ROOT)
        if any(part in SKIP_DIRS or part.endswith(".egg-info") for part in rel.parts) or not p.is_file():
            continue
        if p.suffix in TEXT_SUFFIXES and p.stat().st_size < 2_000_000:
            yield rel, p.read_text(encoding="utf-8", errors="replace")


def test_no_file_points_outside_the_repository():
    needle = "../" + "shared"  # spelled in two parts so this file does not match itself
    hits = [str(rel) for rel, text in _repo_text_files()
            if needle in text and rel.name != "CHANGELOG.md"]
    assert hits == []


def test_project_metadata_uses_an_spdx_license_string():
    """setuptools >= 77 deprecates ``license = {text = ...}``; the SPDX string installs without warnings."""
    meta = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert isinstance(meta["project"]["license"], str)
    assert any(r.startswith("setuptools>=77") for r in meta["build-system"]["requires"])


def _validate_with_noise(tmp_path, noise: str) -> subprocess.CompletedProcess:
    """``mmcohort validate`` in a fresh interpreter whose prepare stage first runs ``noise`` (a statement
    raising a library's warning or log message)."""
    script = (
        "import sys, logging, warnings\n"
        "import pipeline.run as r\n"
        "orig = r.prepare\n"
        "def noisy(*a, **k):\n"
        f"    {noise}\n"
        "    return orig(*a, **k)\n"
        "r.prepare = noisy\n"
        "from pipeline.cli import main\n"
        "main(['validate', '--patients', sys.argv[1]])\n"
    )
    from tests.trio import write_trio

    paths = write_trio(tmp_path / "d")
    p = subprocess.run([sys.executable, "-c", script, str(paths["patients"])], capture_output=True, text=True,
                       cwd=ROOT, timeout=120)
    assert p.returncode == 0, p.stderr
    return p


def test_library_warnings_do_not_reach_the_terminal(tmp_path):
    """A FutureWarning raised inside a stage (as pandas raises them) goes to the debug log, not stderr."""
    p = _validate_with_noise(tmp_path, "warnings.warn('Downcasting object dtype arrays is deprecated', FutureWarning)")
    assert "FutureWarning" not in p.stderr and "deprecated" not in p.stderr
    assert "no problems found" in p.stdout or "warning(s)" in p.stdout


def test_font_fallback_messages_do_not_reach_the_terminal(tmp_path):
    """matplotlib's "Failed to find font weight bold for <a CJK font>" (most CJK fonts have no bold face;
    the text is drawn regular) goes to the debug log, not stderr."""
    p = _validate_with_noise(tmp_path, "logging.getLogger('matplotlib.font_manager').warning("
                                       "'findfont: Failed to find font weight bold for WenQuanYi Micro Hei, now using 400.')")
    assert "findfont" not in p.stderr and "font weight" not in p.stderr
