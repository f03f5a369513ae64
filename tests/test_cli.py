"""pipeline.cli: exit 0 on success, 2 with a clean message on bad data or config; nothing half-written."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline import __version__
from pipeline.cli import main
from tests.trio import PATIENTS_CSV, write_trio

WARN_PATIENTS = PATIENTS_CSV.replace("best_response\n", "best_response,hemoglobin_g_l\n").replace(",PR\n", ",PR,30\n")
CONFIG = """\
study: demo
cutoff: 2023-06-30
inputs:
  patients: data/patients.csv
  assessments: data/assessments.csv
  adverse_events: data/adverse_events.csv
response:
  source: patients
"""


def _invoke(*args: str):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def test_version():
    r = _invoke("--version")
    assert r.exit_code == 0
    assert r.stdout == f"mmcohort, version {__version__}\n"


def test_run_from_the_command_line(tmp_path, trio):
    out = tmp_path / "reports"
    r = _invoke("run", "--no-figures", "--patients", trio["patients"], "--adverse-events", trio["adverse_events"],
                "--cutoff", "2023-06-30", "--out", out)
    assert r.exit_code == 0, r.stderr
    folder = out / "study_cutoff-2023-06-30"
    assert r.stdout == f"{folder}\n"
    assert (folder / "manifest.json").is_file()
    assert (folder / "derived" / "patients.csv").is_file()
    assert "[mmcohort] load" in r.stderr and "[mmcohort] write" in r.stderr


def test_quiet_silences_progress(tmp_path, trio):
    r = _invoke("run", "--no-figures", "-q", "--patients", trio["patients"], "--cutoff", "2023-06-30", "--study", "quiet",
                "--out", tmp_path / "reports")
    assert r.exit_code == 0
    assert r.stdout == "" and r.stderr == ""
    assert (tmp_path / "reports" / "quiet_cutoff-2023-06-30" / "manifest.json").is_file()


def test_run_with_a_config_and_cutoff_override(tmp_path, trio):
    cfg = tmp_path / "study.yaml"
    cfg.write_text(CONFIG, encoding="utf-8")
    r = _invoke("run", "--config", cfg, "--cutoff", "2022-12-31", "-q", "--out", tmp_path / "reports",
                "--no-figures")
    assert r.exit_code == 0, r.stderr
    folder = tmp_path / "reports" / "demo_cutoff-2022-12-31"
    assert (folder / "manifest.json").is_file()
    # --no-figures: the report and tables are written, the figures are not
    assert (folder / "report.html").is_file() and (folder / "tables" / "response_rates.csv").is_file()
    assert not list(folder.glob("figures/*.png"))


def test_bad_data_exit_2_with_the_table_and_nothing_written(tmp_path):
    paths = write_trio(tmp_path / "data", patients=PATIENTS_CSV.replace(",65,", ",sixty,"))
    out = tmp_path / "reports"
    r = _invoke("run", "--no-figures", "--patients", paths["patients"], "--assessments", paths["assessments"],
                "--cutoff", "2023-06-30", "--out", out)
    assert r.exit_code == 2
    assert r.stdout == ""
    lines = r.stderr.splitlines()
    assert "mmcohort: the input data have 1 error(s); nothing was written." in lines
    table = lines[lines.index("mmcohort: the input data have 1 error(s); nothing was written.") + 2:]
    assert table[0].split() == ["severity", "file", "line", "column", "value", "rule"]
    assert table[1].split() == ["error", "patients.csv", "2", "age", "sixty", "must", "be", "a", "whole", "number"]
    assert len(table) == 2
    assert "Traceback" not in r.output
    assert not out.exists()


def test_missing_input_file_exit_2(tmp_path):
    r = _invoke("validate", "--patients", tmp_path / "nope.csv")
    assert r.exit_code == 2
    assert "patients file not found" in r.stderr and "Traceback" not in r.output


def test_bad_config_exit_2(tmp_path, trio):
    cfg = tmp_path / "study.yaml"
    cfg.write_text(CONFIG + "analysis:\n  conf_type: foo\n", encoding="utf-8")
    r = _invoke("run", "--config", cfg, "--out", tmp_path / "reports")
    assert r.exit_code == 2
    assert r.stderr.startswith(f"mmcohort: invalid config {cfg}:\n")
    assert "analysis.conf_type" in r.stderr and "Traceback" not in r.output
    assert not (tmp_path / "reports").exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [(["run"], "give --config study.yaml, or --patients FILE"),
     (["run", "--patients", "p.csv"], "--cutoff YYYY-MM-DD is required without a config"),
     (["run", "--config", "s.yaml", "--patients", "p.csv"], "give either --config or --patients"),
     (["run", "--config", "nope.yaml"], "config file not found: nope.yaml")],
    ids=["nothing", "no-cutoff", "both", "no-config-file"],
)
def test_usage_errors_exit_2(tmp_path, monkeypatch, args, message):
    monkeypatch.chdir(tmp_path)
    r = _invoke(*args)
    assert r.exit_code == 2
    assert r.stderr.startswith(f"mmcohort: {message}")
    assert r.stdout == ""


def test_bad_cutoff_format(trio):
    r = _invoke("run", "--no-figures", "--patients", trio["patients"], "--cutoff", "30/06/2023")
    assert r.exit_code == 2
    assert "must be a date as YYYY-MM-DD, got '30/06/2023'" in r.stderr


def test_validate_exit_0_with_warnings(tmp_path):
    paths = write_trio(tmp_path / "data", patients=WARN_PATIENTS)
    r = _invoke("validate", "--patients", paths["patients"], "--assessments", paths["assessments"])
    assert r.exit_code == 0, r.stderr
    lines = r.stdout.splitlines()
    assert lines[0] == "no errors; 1 warning(s)"
    assert lines[2].split()[:5] == ["warning", "patients.csv", "2", "hemoglobin_g_l", "30"]
    assert not (tmp_path / "reports").exists()


def test_validate_clean_data(trio):
    r = _invoke("validate", "-q", "--patients", trio["patients"])
    assert (r.exit_code, r.stdout, r.stderr) == (0, "no problems found\n", "")


def test_validate_keeps_the_config_cutoff(tmp_path, trio):
    cfg = tmp_path / "study.yaml"
    cfg.write_text(CONFIG, encoding="utf-8")
    r = _invoke("validate", "--config", cfg)
    assert r.exit_code == 0
    assert "cutoff 2023-06-30" in r.stderr


def test_end_to_end_subprocess(tmp_path, trio):
    cfg = tmp_path / "study.yaml"
    cfg.write_text(CONFIG, encoding="utf-8")
    exe = Path(sys.executable).parent / "mmcohort"
    cmd = [str(exe)] if exe.exists() else [sys.executable, "-m", "pipeline.cli"]
    p = subprocess.run([*cmd, "run", "--config", str(cfg), "--out", str(tmp_path / "reports")],
                       capture_output=True, text=True, cwd=tmp_path, timeout=120)
    assert p.returncode == 0, p.stderr
    assert p.stdout.strip() == str(tmp_path / "reports" / "demo_cutoff-2023-06-30")
    assert (tmp_path / "reports" / "demo_cutoff-2023-06-30" / "validation.json").is_file()


def test_a_sheet_the_workbook_lacks_exits_2_listing_its_sheets(tmp_path):
    import pandas as pd

    book = tmp_path / "export.xlsx"
    with pd.ExcelWriter(book) as xw:
        pd.DataFrame({"a": [1]}).to_excel(xw, sheet_name="患者信息", index=False)
        pd.DataFrame({"b": [1]}).to_excel(xw, sheet_name="疗效评估", index=False)
    cfg = tmp_path / "study.yaml"
    cfg.write_text("study: demo\ncutoff: 2023-06-30\ninputs:\n  patients: export.xlsx\n  assessments: export.xlsx\n"
                   "  sheet: {patients: 患者信息, assessments: 疗效}\n", encoding="utf-8")
    r = _invoke("validate", "--config", cfg)
    assert r.exit_code == 2 and "Traceback" not in r.output
    assert "export.xlsx" in r.stderr
    assert "inputs.sheet.assessments names the sheet '疗效', which the workbook does not have (its sheets: " \
           "'患者信息', '疗效评估')" in r.stderr
