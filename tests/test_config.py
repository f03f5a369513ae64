"""pipeline.config: the study YAML is validated once, with the offending key named."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from pipeline.config import config_from_dict, load_config
from pipeline.errors import ConfigError

MINIMAL = "study: demo\ncutoff: 2023-06-30\ninputs:\n  patients: data/patients.csv\n"


def _write(tmp_path: Path, text: str) -> Path:
    p = tmp_path / "study.yaml"
    p.write_text(text, encoding="utf-8")
    return p


def _error(tmp_path: Path, text: str) -> str:
    with pytest.raises(ConfigError) as ei:
        load_config(_write(tmp_path, text))
    return str(ei.value)


def test_minimal_config_takes_defaults(tmp_path):
    cfg = load_config(_write(tmp_path, MINIMAL))
    assert cfg.study == "demo"
    assert cfg.cutoff == dt.date(2023, 6, 30)
    assert cfg.analysis.evaluable_min_cycles == 2
    assert cfg.analysis.conf_type == "log-log"
    assert cfg.validation.baseline_window_days == 30
    assert cfg.run_name == "demo_cutoff-2023-06-30"
    assert cfg.input_path("assessments") is None


def test_inputs_are_relative_to_the_config_file(tmp_path, monkeypatch):
    sub = tmp_path / "studies"
    sub.mkdir()
    _write(sub, MINIMAL)
    monkeypatch.chdir(tmp_path)  # not the config's folder
    cfg = load_config(Path("studies") / "study.yaml")
    assert cfg.input_path("patients") == sub.resolve() / "data" / "patients.csv"
    assert cfg.resolved()["inputs"]["patients"] == str(sub.resolve() / "data" / "patients.csv")


def test_absolute_input_is_kept(tmp_path):
    target = tmp_path / "elsewhere" / "p.csv"
    cfg = load_config(_write(tmp_path, f"study: demo\ncutoff: 2023-06-30\ninputs:\n  patients: {target}\n"))
    assert cfg.input_path("patients") == target


def test_cutoff_override_wins_over_the_file(tmp_path):
    cfg = load_config(_write(tmp_path, MINIMAL), cutoff=dt.date(2022, 12, 31))
    assert cfg.cutoff == dt.date(2022, 12, 31)
    assert cfg.run_name == "demo_cutoff-2022-12-31"


def test_unknown_key_is_named(tmp_path):
    msg = _error(tmp_path, MINIMAL + "analysis:\n  evaluable_min_cycle: 2\n")
    assert "analysis.evaluable_min_cycle: unknown key (got 2)" in msg
    assert str(tmp_path / "study.yaml") in msg


def test_unknown_top_level_key(tmp_path):
    assert "  - outputs: unknown key" in _error(tmp_path, MINIMAL + "outputs: x\n")


def test_wrong_type_is_named(tmp_path):
    msg = _error(tmp_path, MINIMAL + "validation:\n  baseline_window_days: thirty\n")
    assert "validation.baseline_window_days:" in msg
    assert "'thirty'" in msg


@pytest.mark.parametrize(
    ("yaml_tail", "key", "got"),
    [
        ("analysis:\n  evaluable_min_cycles: 0\n", "analysis.evaluable_min_cycles", "(got 0)"),
        ("analysis:\n  conf_type: foo\n", "analysis.conf_type", "(got 'foo')"),
        ("analysis:\n  conf_level: 1.5\n", "analysis.conf_level", "(got 1.5)"),
        ("analysis:\n  survival_times_months: [6, -1]\n", "analysis.survival_times_months", ""),
        ("response:\n  source: guess\n", "response.source", "(got 'guess')"),
        ("validation:\n  baseline_window_days: -1\n", "validation.baseline_window_days", "(got -1)"),
        ("report:\n  language: fr\n", "report.language", "(got 'fr')"),
    ],
    ids=["min-cycles-0", "conf-type-foo", "conf-level-1.5", "negative-time", "source", "window", "language"],
)
def test_impossible_values_are_refused(tmp_path, yaml_tail, key, got):
    msg = _error(tmp_path, MINIMAL + yaml_tail)
    line = next(x for x in msg.splitlines() if x.startswith(f"  - {key}:"))
    assert got in line


def test_all_problems_reported_together(tmp_path):
    msg = _error(tmp_path, MINIMAL + "analysis:\n  evaluable_min_cycles: 0\n  conf_type: foo\n")
    assert "analysis.evaluable_min_cycles" in msg and "analysis.conf_type" in msg


def test_bad_study_name_and_cutoff(tmp_path):
    msg = _error(tmp_path, "study: my study!\ncutoff: someday\ninputs:\n  patients: p.csv\n")
    assert "  - study:" in msg
    assert "  - cutoff:" in msg


def test_missing_required_keys(tmp_path):
    msg = _error(tmp_path, "study: demo\n")
    assert "  - cutoff: Field required" in msg
    assert "  - inputs: Field required" in msg


def test_mapping_to_a_non_canonical_column(tmp_path):
    msg = _error(tmp_path, MINIMAL + "columns:\n  patients:\n    年龄: agee\n")
    assert "columns" in msg
    assert "patients.年龄 -> 'agee'" in msg


def test_mapping_to_a_column_of_another_table(tmp_path):
    # term is an adverse_events column, not a patients one
    msg = _error(tmp_path, MINIMAL + "columns:\n  patients:\n    不良反应: term\n")
    assert "patients.不良反应 -> 'term'" in msg


def test_mapping_to_extra_fish_marker_is_allowed(tmp_path):
    cfg = load_config(_write(tmp_path, MINIMAL + "columns:\n  patients:\n    FISH_1p: fish_del1p\n"))
    assert cfg.columns["patients"] == {"FISH_1p": "fish_del1p"}


def test_unknown_table_in_columns(tmp_path):
    assert "columns.labs" in _error(tmp_path, MINIMAL + "columns:\n  labs:\n    a: b\n")


def test_values_for_unknown_column(tmp_path):
    msg = _error(tmp_path, MINIMAL + "values:\n  sexx:\n    男: M\n")
    assert "values" in msg and "'sexx'" in msg


def test_values_must_be_a_mapping(tmp_path):
    assert "values.sex" in _error(tmp_path, MINIMAL + "values:\n  sex: M\n")


def test_values_star_and_chinese_mapping(tmp_path):
    cfg = load_config(_write(tmp_path, MINIMAL + "values:\n  '*':\n    阳性: positive\n  sex:\n    男: M\n"))
    assert cfg.values == {"*": {"阳性": "positive"}, "sex": {"男": "M"}}


def test_missing_file_invalid_yaml_and_non_mapping(tmp_path):
    with pytest.raises(ConfigError, match="config file not found"):
        load_config(tmp_path / "nope.yaml")
    assert "not valid YAML" in _error(tmp_path, "study: [unclosed\n")
    assert "top level must be a mapping" in _error(tmp_path, "- a\n- b\n")


def test_non_utf8_config(tmp_path):
    p = tmp_path / "study.yaml"
    p.write_bytes((MINIMAL + "# 中文注释\n").encode("gbk"))
    with pytest.raises(ConfigError, match="is not UTF-8"):
        load_config(p)


def test_config_is_frozen():
    cfg = config_from_dict({"study": "s", "cutoff": "2023-01-01", "inputs": {"patients": "p.csv"}})
    with pytest.raises(Exception):  # noqa: B017 - pydantic's frozen-instance error
        cfg.study = "other"


def test_repo_default_config_is_valid():
    cfg = load_config(Path(__file__).resolve().parents[1] / "config" / "default.yaml")
    assert cfg.study == "demo"


def test_unknown_csv_encoding(tmp_path):
    msg = _error(tmp_path, MINIMAL + "  encoding: klingon\n")
    assert "inputs.encoding" in msg and "unknown encoding 'klingon'" in msg
    assert load_config(_write(tmp_path, MINIMAL + "  encoding: gbk\n")).inputs.encoding == "gbk"


# ------------------------------------------------------------- hostile or careless YAML (issue 11)


def test_duplicated_key_is_refused_not_last_wins(tmp_path):
    msg = _error(tmp_path, MINIMAL + "cutoff: 2022-12-31\n")
    assert "line 5: the key 'cutoff' is given twice (first on line 2)" in msg
    nested = _error(tmp_path, MINIMAL + "analysis:\n  conf_level: 0.9\n  conf_level: 0.95\n")
    assert "line 7: the key 'conf_level' is given twice (first on line 6)" in nested


def test_merge_keys_may_override(tmp_path):
    text = MINIMAL + "x: &base {conf_level: 0.9}\n"
    cfg_text = MINIMAL + "analysis:\n  <<: {conf_level: 0.9, landmark_days: 30}\n  conf_level: 0.8\n"
    assert "unknown key" in _error(tmp_path, text)  # parsed fine; the stray key is then refused
    assert load_config(_write(tmp_path, cfg_text)).analysis.conf_level == 0.8


def test_yaml_alias_bomb_is_refused_quickly(tmp_path):
    """Was: a hang at 1.2 GB. Nine levels of nine aliases would expand to 9**9 values."""
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 10)]
    import time

    t0 = time.perf_counter()
    msg = _error(tmp_path, MINIMAL + "\n".join(lines) + "\n")
    assert time.perf_counter() - t0 < 2
    assert "YAML aliases" in msg and "line" in msg


def test_few_aliases_expanding_hugely_are_refused(tmp_path):
    lines = ["a0: &a0 [x, x]"] + [f"a{i}: &a{i} [*a{i - 1}, *a{i - 1}]" for i in range(1, 24)]
    assert "expands to more than" in _error(tmp_path, MINIMAL + "\n".join(lines) + "\n")


def test_recursive_alias_and_deep_nesting(tmp_path):
    assert "refers to itself" in _error(tmp_path, MINIMAL + "a: &a [*a]\n")
    assert "nested too deeply" in _error(tmp_path, MINIMAL + "a: " + "[" * 5000 + "]" * 5000 + "\n")


@pytest.mark.parametrize("date", ["2023-02-30", "2023-13-01"])
def test_impossible_date_is_a_located_config_error(tmp_path, date):
    """Was: a ValueError traceback (exit 1)."""
    msg = _error(tmp_path, MINIMAL.replace("2023-06-30", date))
    assert f"line 2: '{date}' is not a real date" in msg


@pytest.mark.parametrize(("tail", "key"), [
    ("analysis:\n  survival_times_months: [6, .inf]\n", "analysis.survival_times_months.1"),
    ("analysis:\n  conf_level: .nan\n", "analysis.conf_level"),
    ("analysis:\n  comparisons:\n    - {by: age, threshold: -.inf}\n", "analysis.comparisons.0.threshold"),
])
def test_inf_and_nan_in_numeric_options_are_refused(tmp_path, tail, key):
    msg = _error(tmp_path, MINIMAL + tail)
    assert f"  - {key}: " in msg and "finite" in msg


def test_config_path_that_is_a_folder_or_huge(tmp_path):
    (tmp_path / "dir.yaml").mkdir()
    with pytest.raises(ConfigError, match="cannot be read"):
        load_config(tmp_path / "dir.yaml")
    big = _write(tmp_path, MINIMAL + "#" * (2**20 + 1) + "\n")
    with pytest.raises(ConfigError, match="larger than 1024 kB"):
        load_config(big)


SHEETS = "study: demo\ncutoff: 2023-06-30\ninputs:\n  patients: export.xlsx\n  assessments: {assessments}\n"


def test_sheet_is_one_name_for_all_tables_or_a_name_per_table(tmp_path):
    one = load_config(_write(tmp_path, SHEETS.format(assessments="export.xlsx") + "  sheet: data\n"))
    assert (one.inputs.sheet_for("patients"), one.inputs.sheet_for("assessments")) == ("data", "data")
    assert one.inputs.sheet_key("patients") == "inputs.sheet"
    per = load_config(_write(tmp_path, SHEETS.format(assessments="export.xlsx")
                             + "  sheet: {patients: 患者信息, assessments: 疗效评估}\n"))
    assert per.inputs.sheet_for("patients") == "患者信息" and per.inputs.sheet_for("assessments") == "疗效评估"
    assert per.inputs.sheet_for("adverse_events") is None
    assert per.inputs.sheet_key("assessments") == "inputs.sheet.assessments"


@pytest.mark.parametrize(("sheet", "assessments", "message"), [
    ("{patients: a, patient: b}", "export.xlsx", "inputs.sheet: Value error, unknown table 'patient' in the sheet "
                                                 "mapping (tables: patients, assessments, adverse_events)"),
    ("{patients: a, assessments: b}", "assessments.csv", "sheet.assessments: assessments.csv is not an Excel "
                                                         "workbook (.xlsx/.xlsm), it has no sheets; remove this entry"),
    ("{adverse_events: c}", "export.xlsx", "sheet.adverse_events: no adverse_events file is given under inputs"),
    ("{patients: 2023}", "export.xlsx", "the sheet name for patients must be text (got 2023; quote it)"),
    ("2023", "export.xlsx", "give a sheet name (quoted if it reads as a number)"),
    ("{patients: ''}", "export.xlsx", "empty sheet name for patients"),
])
def test_a_wrong_sheet_mapping_is_named(tmp_path, sheet, assessments, message):
    assert message in _error(tmp_path, SHEETS.format(assessments=assessments) + f"  sheet: {sheet}\n")


def test_one_sheet_name_with_a_csv_is_still_accepted(tmp_path):
    cfg = load_config(_write(tmp_path, SHEETS.format(assessments="assessments.csv") + "  sheet: data\n"))
    assert cfg.inputs.sheet == "data"
