"""User-declared extra columns (config ``extra_columns``): parsed and validated like contract columns,
kept in adsl, usable in comparisons and Table 1; and a config that names a column the data do not have
is refused (exit 2) with the key and the available columns."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from click.testing import CliRunner

from pipeline.cli import main
from pipeline.errors import ConfigError, DataError
from pipeline.run import prepare, run_study
from tests.trio import PATIENTS_CSV, make_config, write_trio

EXTRA_PATIENTS = (PATIENTS_CSV.replace("best_response\n", "best_response,移植 ,Centre,ldh_ratio,Diagnosed\n")
                  .replace("2022-08-01,PR\n", "2022-08-01,PR,是,A,1.5,2019-05-02\n")
                  .replace("2022-05-01,PD\n", "2022-05-01,PD,否,B,0.8,2020-01-31\n")
                  .replace(",,VGPR\n", ",,VGPR,是,a,,2018-11-20\n"))
EXTRAS = [
    {"name": "asct", "header": "移植", "type": "yesno", "label": "Prior ASCT"},
    {"name": "centre", "header": "centre", "type": "category", "values": ["A", "B"]},
    {"name": "ldh_ratio", "type": "number", "min": 0, "max": 20, "label": "LDH / ULN"},
    {"name": "diagnosis_date", "header": "Diagnosed", "type": "date"},
]


def _paths(tmp_path, patients: str = EXTRA_PATIENTS):
    return write_trio(tmp_path / "data", patients=patients)


def test_extra_columns_are_parsed_and_kept_in_adsl_and_table1(tmp_path):
    paths = _paths(tmp_path)
    cfg = make_config(paths, extra_columns=EXTRAS, response={"source": "patients"},
                      analysis={"comparisons": [{"by": "asct"}, {"by": "centre"}]})
    prep = prepare(cfg)
    p = prep.tables["patients"].set_index("patient_id")
    assert p["asct"].tolist() == ["yes", "no", "yes"]              # 是/否 parsed as yes/no
    assert p["centre"].tolist() == ["A", "B", "A"]                 # category matched case-insensitively
    assert p["ldh_ratio"].tolist()[:2] == [1.5, 0.8] and pd.isna(p.loc["P03", "ldh_ratio"])
    assert p["diagnosis_date"].tolist()[0] == pd.Timestamp("2019-05-02")
    folder = run_study(cfg, tmp_path / "out")
    adsl = pd.read_csv(folder / "derived" / "adsl.csv")
    assert {"asct", "centre", "ldh_ratio", "diagnosis_date"} <= set(adsl.columns)
    res = json.loads((folder / "results.json").read_text(encoding="utf-8"))
    by = {(s["group_by"], s["group"]): s["n"] for s in res["survival"] if s["endpoint"] == "OS"}
    assert by[("asct", "yes")] == 2 and by[("asct", "no")] == 1
    assert by[("centre", "A")] == 2 and by[("centre", "B")] == 1
    t1 = {(r["variable"], r["level"]): r for r in res["table1"]}
    assert t1[("asct", "yes")]["n"] == 2 and t1[("asct", "yes")]["label"] == "Prior ASCT"
    assert t1[("ldh_ratio", None)]["n"] == 2 and t1[("ldh_ratio", None)]["label"] == "LDH / ULN"


def test_extra_column_values_are_validated_with_their_location(tmp_path):
    bad = EXTRA_PATIENTS.replace(",是,A,1.5,", ",maybe,C,25,")
    cfg = make_config(_paths(tmp_path, bad), extra_columns=EXTRAS, response={"source": "patients"})
    with pytest.raises(DataError) as e:
        prepare(cfg)
    got = {(i.row, i.column, i.value): i.rule for i in e.value.issues if i.severity == "error"}
    assert "yes/no" in got[(2, "asct", "maybe")]
    assert "must be one of: A, B" in got[(2, "centre", "C")]
    assert got[(2, "ldh_ratio", "25")] == "must be at least 0 and at most 20"


def test_a_declared_extra_column_missing_from_the_file_is_a_warning_not_a_silent_gap(tmp_path):
    cfg = make_config(_paths(tmp_path), response={"source": "patients"},
                      extra_columns=[{"name": "transplant", "type": "yesno"}])
    prep = prepare(cfg)
    assert any(i.column == "transplant" and "not in the file" in i.rule for i in prep.validated.warnings)
    assert prep.tables["patients"]["transplant"].isna().all()


@pytest.mark.parametrize("extra, message", [
    ({"name": "age", "type": "number"}, "already a column of the data contract"),
    ({"name": "centre", "type": "category"}, "needs its allowed 'values'"),
    ({"name": "flag", "type": "yesno", "values": ["a"]}, "applies to type category only"),
    ({"name": "n", "type": "date", "min": 1}, "apply to number and integer only"),
    ({"name": "Bad Name", "type": "date"}, "extra_columns.0.name"),
    ({"name": "x", "type": "text"}, "extra_columns.0.type"),
])
def test_extra_column_declarations_are_checked(tmp_path, extra, message):
    with pytest.raises(ConfigError, match=message):
        make_config(_paths(tmp_path), extra_columns=[extra])


def test_values_may_map_an_extra_column_but_not_an_unknown_one(tmp_path):
    make_config(_paths(tmp_path), extra_columns=EXTRAS, values={"centre": {"a": "A"}})
    with pytest.raises(ConfigError, match="not canonical or declared extra"):
        make_config(_paths(tmp_path), values={"centre": {"a": "A"}})


def test_a_comparison_on_a_missing_column_exits_2_naming_the_key_and_the_columns(tmp_path):
    paths = _paths(tmp_path)
    (tmp_path / "study.yaml").write_text(
        "study: s\ncutoff: 2023-06-30\ninputs:\n  patients: data/patients.csv\n"
        "response:\n  source: patients\nreport:\n  figures: false\n"
        "analysis:\n  comparisons:\n    - {by: regmen}\n    - {by: sex}\n", encoding="utf-8")
    assert paths
    r = CliRunner().invoke(main, ["run", "--config", str(tmp_path / "study.yaml"), "--out", str(tmp_path / "o")],
                           catch_exceptions=False)
    assert r.exit_code == 2
    assert "analysis.comparisons[0].by: 'regmen'" in r.stderr
    assert "comparisons[1]" not in r.stderr
    assert "regimen" in r.stderr.split("available columns")[1]
    assert not (tmp_path / "o").exists() or not any((tmp_path / "o").iterdir())


def test_a_fine_gray_covariate_must_be_a_column_of_the_data_and_may_be_an_extra_one(tmp_path):
    """Checked against the data (like comparisons), so a declared extra column is accepted and a typo is not."""
    paths = _paths(tmp_path)
    bad = make_config(paths, response={"source": "patients"},
                      analysis={"competing_risks": {"enabled": True, "covariates": ["agee"]}})
    with pytest.raises(ConfigError, match=r"analysis.competing_risks.covariates\[0\]: 'agee'"):
        run_study(bad, tmp_path / "out")
    ok = make_config(paths, response={"source": "patients"}, extra_columns=EXTRAS,
                     analysis={"competing_risks": {"enabled": True, "covariates": ["ldh_ratio"]}})
    assert ok.analysis.competing_risks.covariates == ["ldh_ratio"]


def test_every_column_the_config_names_is_checked_at_once(tmp_path):
    """Comparisons, Fine-Gray and model covariates, strata and subgroups: one refusal listing them all."""
    paths = _paths(tmp_path)
    cfg = make_config(paths, response={"source": "patients"}, analysis={
        "comparisons": [{"by": "sex"}],
        "competing_risks": {"enabled": True, "covariates": ["agee"]},
        "models": {"covariates": [{"name": "age"}, {"name": "isss"}], "strata": "centre"},
        "subgroups": {"by": ["emd_anyy"]}})
    with pytest.raises(ConfigError) as e:
        run_study(cfg, tmp_path / "out")
    msg = str(e.value)
    for key in ("competing_risks.covariates[0]: 'agee'", "models.covariates[1].name: 'isss'",
                "models.strata: 'centre'", "subgroups.by[0]: 'emd_anyy'"):
        assert key in msg
    assert "models.covariates[0]" not in msg and "comparisons[0]" not in msg
