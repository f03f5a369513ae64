"""The committed data dictionary is exactly what the schemas generate (it cannot drift)."""

from __future__ import annotations

from pathlib import Path

from pipeline.contract import TABLE_SPECS
from pipeline.ingest.dictionary import render_dictionary


def test_committed_dictionary_matches_the_schemas():
    committed = (Path(__file__).resolve().parents[2] / "docs" / "data_dictionary.md").read_text(encoding="utf-8")
    assert committed == render_dictionary(), "run `mmcohort dictionary --out docs/data_dictionary.md`"


def test_every_canonical_column_is_listed_with_its_checks():
    text = render_dictionary()
    for specs in TABLE_SPECS.values():
        for f in specs:
            assert f"| `{f.name}` |" in text
    assert "| `age` | integer | yes | years | error outside >= 18 and <= 110; warning outside 25-95 |" in text
