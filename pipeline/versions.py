"""The versions a run was made with (manifest.json and the report's reproducibility section)."""

from __future__ import annotations

import platform
from importlib import metadata

from pipeline import __version__


def versions() -> dict[str, str]:
    out = {"mmcohort": __version__, "python": platform.python_version()}
    for pkg in ("pandas", "numpy", "scipy", "matplotlib", "pandera", "pydantic", "openpyxl"):
        try:
            out[pkg] = metadata.version(pkg)
        except metadata.PackageNotFoundError:
            out[pkg] = "not installed"
    return out
