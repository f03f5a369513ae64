"""mmcohort init: the choices an export cannot make are written as DECIDE lines (which response the analysis
counts when the export holds several, time zero, the analysis defaults)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from click.testing import CliRunner

from pipeline.cli import main
from pipeline.config import load_config
from pipeline.run import prepare
from tests.draft.test_init import ZH

VISITS = {
    "研究编号": ["S01", "S01", "S02", "S02"],
    "评估日期": ["2021-01-02", "2021-02-01", "2021-01-30", "2021-03-01"],
    "疗效评价": [None, "部分缓解", None, "疾病进展"],
    "M蛋白(g/L)": ["30", "12", "25", "40"],
}


def _init(tmp: Path, patients: dict, assessments: dict | None = None):
    args = ["init", str(_csv(tmp / "p.csv", patients)), "--study", "s", "--out", str(tmp / "s.yaml"),
            "--cutoff", "2022-06-30"]
    if assessments is not None:
        args += ["--assessments", str(_csv(tmp / "a.csv", assessments))]
    r = CliRunner().invoke(main, args, catch_exceptions=False)
    assert r.exit_code == 0, r.stderr
    return r, (tmp / "s.yaml").read_text(encoding="utf-8")


def _csv(path: Path, cols: dict) -> Path:
    pd.DataFrame(cols).to_csv(path, index=False)
    return path


def test_several_response_sources_are_a_decision(tmp_path):
    """Recorded 疗效评价 and an M protein: `auto` derives from the M protein alone and ignores the hospital's
    own assessments; the draft says so, names the IMWG inputs the export lacks, and leaves the choice open."""
    r, text = _init(tmp_path, ZH, VISITS)
    line = next(x for x in text.splitlines() if x.startswith("  source: auto"))
    assert "DECIDE:" in line and "derived" in line and "'M蛋白(g/L)'" in line
    assert "recorded responses in '疗效评价'" in line and "best response in '最佳疗效'" in line
    assert "flc_kappa_mg_l" in line and "serum_ife" in line  # IMWG inputs the export does not hold
    assert "mmcohort init: DECIDE: response.source" in r.stderr
    cfg = load_config(tmp_path / "s.yaml")
    assert cfg.response.source == "auto"
    prepare(cfg)  # the draft still validates as written


def test_one_response_source_is_no_decision(tmp_path):
    _, text = _init(tmp_path, ZH)
    assert "DECIDE: response" not in text and "\nresponse:" not in text


def test_time_zero_and_analysis_defaults_are_named(tmp_path):
    _, text = _init(tmp_path, ZH)
    assert "# time zero: index_date is '首次用药日期'" in text
    assert "pfs_events: progression_or_death" in text and "evaluable_min_cycles: 2" in text
