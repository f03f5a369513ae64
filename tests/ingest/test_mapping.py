"""pipeline.ingest.mapping: hospital headers and values -> canonical names."""

from __future__ import annotations

import pandas as pd
import pytest

from pipeline.errors import ConfigError
from pipeline.ingest.load import LINE
from pipeline.ingest.mapping import check_mapping_targets, map_values, rename_columns


def _frame(**cols) -> pd.DataFrame:
    n = len(next(iter(cols.values())))
    return pd.DataFrame({**cols, LINE: list(range(2, 2 + n))}, dtype=object).astype({LINE: int})


def test_chinese_headers_are_mapped():
    f = _frame(**{"编号": ["S1"], "性别": ["男"], "年龄": ["60"], "用药开始日期": ["2022-01-01"]})
    out, issues, applied = rename_columns(
        f, "patients", {"编号": "patient_id", "性别": "sex", "年龄": "age", "用药开始日期": "index_date"},
        "p.csv")
    assert list(out.columns) == ["patient_id", "sex", "age", "index_date", LINE]
    assert out.iloc[0].tolist() == ["S1", "男", "60", "2022-01-01", 2]
    assert issues == []
    assert applied == {"编号": "patient_id", "性别": "sex", "年龄": "age", "用药开始日期": "index_date"}


def test_canonical_headers_match_case_insensitively_and_config_keys_are_trimmed():
    f = _frame(Patient_ID=["S1"], SEX=["M"], FISH_del17p=["positive"], fish_1p=["negative"], Age=["60"])
    out, issues, applied = rename_columns(f, "patients", {" Age ": "age"}, "p.csv")
    assert list(out.columns) == ["patient_id", "sex", "fish_del17p", "fish_1p", "age", LINE]
    assert issues == []


def test_extra_fish_columns_only_in_patients():
    f = _frame(patient_id=["S1"], fish_1p=["negative"])
    out, issues, _ = rename_columns(f, "assessments", {}, "a.csv")
    assert list(out.columns) == ["patient_id", LINE]
    assert [(i.file, i.column, i.severity) for i in issues] == [("a.csv", "fish_1p", "warning")]


def test_unmapped_non_contract_column_is_a_warning_and_dropped():
    f = _frame(patient_id=["S1"], 备注=["x"], sex=["M"])
    out, issues, applied = rename_columns(f, "patients", {}, "p.csv")
    assert list(out.columns) == ["patient_id", "sex", LINE]
    assert len(issues) == 1
    i = issues[0]
    assert (i.file, i.row, i.column, i.value, i.severity) == ("p.csv", None, "备注", None, "warning")
    assert i.rule == "column is not in the data contract and is not mapped in the config; ignored"
    assert "备注" not in applied


def test_two_headers_to_the_same_canonical_name():
    f = _frame(住院号=["A1"], 编号=["S1"])
    with pytest.raises(ConfigError) as ei:
        rename_columns(f, "patients", {"住院号": "patient_id", "编号": "patient_id"}, "p.csv")
    assert str(ei.value) == "p.csv: columns ['住院号', '编号'] all map to 'patient_id'; map only one"


def test_mapped_header_colliding_with_a_canonical_header():
    f = _frame(patient_id=["S1"], 编号=["S1"])
    with pytest.raises(ConfigError, match="all map to 'patient_id'"):
        rename_columns(f, "patients", {"编号": "patient_id"}, "p.csv")


def test_check_mapping_targets():
    check_mapping_targets({"patients": {"年龄": "age", "FISH 1p": "fish_del1p"}, "adverse_events": {"分级": "grade"}})
    with pytest.raises(ConfigError) as ei:
        check_mapping_targets({"patients": {"年龄": "agee", "分级": "grade"}})
    msg = str(ei.value)
    assert "columns.patients.年龄: 'agee' is not a column of the patients table" in msg
    assert "columns.patients.分级: 'grade' is not a column of the patients table" in msg


def test_values_are_mapped_case_insensitively_after_trimming():
    f = _frame(sex=["男", " 女 ", "M", "f"], emd=["无", "初诊时", "复发时", "NONE"])
    out = map_values(f, {"sex": {"男": "M", "女": "F"},
                         "emd": {"无": "none", "初诊时": "at_diagnosis", "复发时": "at_relapse"}})
    assert out["sex"].tolist() == ["M", "F", "M", "f"]  # unmapped cells are left for parse
    assert out["emd"].tolist() == ["none", "at_diagnosis", "at_relapse", "NONE"]
    assert out[LINE].tolist() == [2, 3, 4, 5]
    assert f["sex"].tolist() == ["男", " 女 ", "M", "f"]  # input untouched


def test_value_keys_match_case_insensitively():
    f = _frame(best_response=["pr", "Partial Response", "PARTIAL RESPONSE "])
    out = map_values(f, {"best_response": {"partial response": "PR"}})
    assert out["best_response"].tolist() == ["pr", "PR", "PR"]


def test_star_mapping_applies_to_every_column_and_own_mapping_wins():
    f = _frame(fish_del17p=["阳性", "阴性"], serum_ife=["阳性", None], new_lesion=["阳性", "无"])
    out = map_values(f, {"*": {"阳性": "positive", "阴性": "negative"}, "new_lesion": {"阳性": "yes"}})
    assert out["fish_del17p"].tolist() == ["positive", "negative"]
    assert out["serum_ife"].tolist() == ["positive", None]
    assert out["new_lesion"].tolist() == ["yes", "无"]


def test_numeric_codes_are_mapped():
    f = pd.DataFrame({"sex": [1.0, 2.0, float("nan")], LINE: [1, 2, 3]})  # SPSS codes without labels
    out = map_values(f, {"sex": {1: "M", 2: "F"}})
    assert out["sex"].tolist()[:2] == ["M", "F"]
    assert pd.isna(out["sex"].iloc[2])


def test_yaml_boolean_keys_still_match_their_words(tmp_path):
    from pipeline.config import load_config

    cfg = tmp_path / "s.yaml"
    cfg.write_text("study: s\ncutoff: 2023-01-01\ninputs:\n  patients: p.csv\n"
                   "values:\n  serum_ife:\n    yes: positive\n    no: negative\n", encoding="utf-8")
    values = load_config(cfg).values  # PyYAML turns the keys into True/False
    f = _frame(serum_ife=["yes", "No", "TRUE", "x"])
    assert map_values(f, values)["serum_ife"].tolist() == ["positive", "negative", "positive", "x"]


def test_numeric_codes_from_a_config(tmp_path):
    from pipeline.config import load_config

    cfg = tmp_path / "s.yaml"
    cfg.write_text("study: s\ncutoff: 2023-01-01\ninputs:\n  patients: p.csv\n"
                   "values:\n  sex:\n    1: M\n    2.0: F\n", encoding="utf-8")
    values = load_config(cfg).values
    f = pd.DataFrame({"sex": [1.0, "2", 2, "3"], LINE: [2, 3, 4, 5]})
    assert map_values(f, values)["sex"].tolist() == ["M", "F", "F", "3"]
