"""Golden test: the bundled configs' run folders are byte-identical to the recorded hashes.

A refactor (issue 12's restructure, a writer rewrite) must not change any output a user sees. Each
bundled config is run with figures off and every file (manifest aside) is compared by SHA-256 with
``tests/golden/<config>.json``. An intended output change regenerates them with
``python -m tests.golden --update`` and says why in its commit.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.golden import CONFIGS, folder_hashes, load_golden, run_bundled


@pytest.mark.parametrize("name", CONFIGS)
def test_bundled_config_output_is_unchanged(name: str, tmp_path: Path) -> None:
    got = folder_hashes(run_bundled(name, tmp_path))
    want = load_golden(name)
    assert sorted(got) == sorted(want), "the run folder holds other files than the golden record"
    changed = sorted(k for k in want if got[k] != want[k])
    assert not changed, f"these outputs changed: {changed} (intended? `python -m tests.golden --update`)"
