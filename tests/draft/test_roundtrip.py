"""mmcohort init on the bundled exports: the Chinese example drafts the hand-written config; the clean
examples draft configs that validate as written."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline.cli import main
from pipeline.config import load_config
from pipeline.run import prepare

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "synthetic_data"


def _init(tmp: Path, folder: str, tables: tuple[str, ...], study: str, cutoff: str) -> tuple[Path, object]:
    out = tmp / f"{study}.yaml"
    args = ["init", str(DATA / folder / "patients.csv"), "--study", study, "--out", str(out), "--cutoff", cutoff]
    for t in tables:
        args += [f"--{t.replace('_', '-')}", str(DATA / folder / f"{t}.csv")]
    r = CliRunner().invoke(main, args, catch_exceptions=False)
    assert r.exit_code == 0, r.stderr
    return out, r


def test_chinese_example_drafts_the_hand_written_mappings(tmp_path):
    out, r = _init(tmp_path, "example_hospital", ("assessments",), "example_hospital", "2023-06-30")
    drafted, hand = load_config(out), load_config(ROOT / "config" / "example_hospital.yaml")
    assert drafted.columns == hand.columns
    assert drafted.values == hand.values
    assert drafted.input_path("patients").resolve() == hand.input_path("patients").resolve()
    assert drafted.input_path("assessments").resolve() == hand.input_path("assessments").resolve()
    assert drafted.report.language == hand.report.language == "zh"
    assert "56 column(s) mapped (0 to check), 0 unmapped, 0 identifier column(s) left out" in r.stderr
    assert "CHECK" not in out.read_text(encoding="utf-8").split("\n", 3)[3]  # only the header mentions it


def test_the_draft_is_reproducible(tmp_path):
    a, _ = _init(tmp_path / "a", "example_hospital", ("assessments",), "example_hospital", "2023-06-30")
    b, _ = _init(tmp_path / "b", "example_hospital", ("assessments",), "example_hospital", "2023-06-30")
    assert a.read_bytes() == b.read_bytes()


@pytest.mark.parametrize("folder", ["demo", "bendamustine_rrmm"])
def test_clean_examples_draft_configs_that_validate_unchanged(tmp_path, folder):
    tables = ("assessments", "adverse_events")
    out, r = _init(tmp_path, folder, tables, folder, "2023-06-30")
    cfg = load_config(out)
    prep = prepare(cfg)  # raises on any error
    assert not prep.validated.errors
    assert cfg.values == {}  # every value is already canonical
    for table, mapping in cfg.columns.items():
        assert all(k == v for k, v in mapping.items()), table
    assert "(0 to check), 0 unmapped" in r.stderr


def test_drafted_and_hand_written_configs_give_the_same_results(tmp_path):
    out, _ = _init(tmp_path, "example_hospital", ("assessments",), "example_hospital", "2023-06-30")
    results = []
    for i, cfg in enumerate((out, ROOT / "config" / "example_hospital.yaml")):
        root = tmp_path / f"reports{i}"
        r = CliRunner().invoke(main, ["run", "--no-figures", "-q", "--config", str(cfg), "--cutoff", "2023-06-30",
                                      "--out", str(root)], catch_exceptions=False)
        assert r.exit_code == 0, r.stderr
        results.append((root / "example_hospital_cutoff-2023-06-30" / "results.json").read_bytes())
    assert results[0] == results[1]  # byte for byte
    res = json.loads(results[0])
    assert res["n_patients"] == 12 and res["response_source"] == "derived" and res["survival"]
