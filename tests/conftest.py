"""Shared fixtures (helpers live in plain modules beside this one, e.g. ``tests/trio.py``)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.trio import write_trio


@pytest.fixture
def trio(tmp_path: Path) -> dict[str, Path]:
    """The minimal valid CSV trio written to ``tmp_path/data``: table -> path."""
    return write_trio(tmp_path / "data")
