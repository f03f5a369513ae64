"""R reference values the tests compare against, kept in the repository (see README.md here)."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

REF_DIR = Path(__file__).resolve().parent


def load_json(name: str = "r_reference.json") -> dict:
    """One of the reference JSON files in this folder."""
    return json.loads((REF_DIR / name).read_text(encoding="utf-8"))


def load_csv(name: str) -> pd.DataFrame:
    """One of the public data sets the references were computed on."""
    return pd.read_csv(REF_DIR / name)
