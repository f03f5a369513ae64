"""mmcohort init end to end: exports in English, Chinese, mixed; extras; ambiguity; identifiers; formats."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pandas as pd
import pytest
import yaml
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.cli import main
from pipeline.config import config_from_dict, load_config
from pipeline.draft import draft_config, render_draft
from pipeline.errors import DataError
from pipeline.run import prepare

N = 6
EN = {
    "Patient ID": [f"S{i:02d}" for i in range(1, N + 1)],
    "Gender": ["Male", "Female", "male", "Female", "Male", "Female"],
    "Age (years)": ["61", "70", "55", "66", "59", "73"],
    "Treatment start date": ["2021-01-04", "2021-02-01", "2021-03-15", "2021-04-12", "2021-05-10", "2021-06-07"],
    "Regimen": ["BRD", "BPD", "BRD", "BRD", "BPD", "BRD"],
    "Prior lines": ["2", "3", "1", "4", "2", "5"],
    "Number of cycles": ["4", "2", "6", "3", "1", "5"],
    "EMD": ["none", "at relapse", "none", "none", "at diagnosis", "none"],
    "Extramedullary type": [None, "paraskeletal", None, None, "soft tissue", None],
    "Last follow-up date": ["2022-06-01", "2021-09-01", "2022-05-20", "2022-06-10", "2021-08-01", "2022-06-15"],
    "Best response": ["Partial response", "Progressive disease", "Complete response", "Stable disease",
                      "Not evaluable", "Very good partial response"],
}
ZH = {
    "研究编号": EN["Patient ID"],
    "性别": ["男", "女", "男", "女", "男", "女"],
    "年龄（岁）": EN["Age (years)"],
    "首次用药日期": ["2021年1月4日", "2021/2/1", "2021.03.15", "2021-04-12", "2021/5/10", "2021/6/7"],
    "方案": EN["Regimen"],
    "既往治疗线数": EN["Prior lines"],
    "本方案化疗次数": EN["Number of cycles"],
    "髓外病变": ["无", "复发时", "无", "无", "初诊时", "无"],
    "髓外病变类型": [None, "骨旁", None, None, "软组织", None],
    "末次随访日期": EN["Last follow-up date"],
    "最佳疗效": ["部分缓解", "疾病进展", "完全缓解", "疾病稳定", "无法评估", "非常好的部分缓解"],
}
EN_COLUMNS = dict(zip(EN, ["patient_id", "sex", "age", "index_date", "regimen", "prior_lines", "cycles", "emd",
                           "emd_type", "last_contact_date", "best_response"], strict=True))
ZH_COLUMNS = dict(zip(ZH, EN_COLUMNS.values(), strict=True))


def _write(tmp: Path, cols: dict, name: str = "export.csv", encoding: str = "utf-8") -> Path:
    path = tmp / name
    path.write_bytes(pd.DataFrame(cols).to_csv(index=False).encode(encoding))
    return path


def _init(tmp: Path, export: Path, *extra: str, out: str = "study.yaml"):
    args = ["init", str(export), "--study", "s1", "--out", str(tmp / out), "--cutoff", "2022-06-30", *extra]
    r = CliRunner().invoke(main, args, catch_exceptions=False)
    text = (tmp / out).read_text(encoding="utf-8") if (tmp / out).exists() else ""
    return r, text


def _valid(tmp: Path, out: str = "study.yaml"):
    cfg = load_config(tmp / out)
    prep = prepare(cfg)  # raises DataError/ConfigError when the draft does not validate
    return cfg, prep


def test_english_headers_and_values(tmp_path):
    r, text = _init(tmp_path, _write(tmp_path, EN))
    assert r.exit_code == 0, r.stderr
    cfg, prep = _valid(tmp_path)
    assert cfg.columns["patients"] == EN_COLUMNS
    assert cfg.values["sex"] == {"male": "M", "female": "F"}
    assert cfg.values["best_response"]["complete response"] == "CR"
    assert "emd" not in cfg.values  # 'at relapse' is the contract's own value
    assert list(prep.tables["patients"]["best_response"]) == ["PR", "PD", "CR", "SD", "NE", "VGPR"]
    assert "# matched header synonym 'Number of cycles'" in text or "matched header synonym 'number of cycles'" in text
    assert "11 column(s) mapped (0 to check), 0 unmapped" in r.stderr
    assert cfg.report.language == "en"


def test_chinese_headers_gbk_csv(tmp_path):
    export = _write(tmp_path, ZH, encoding="gbk")
    r, text = _init(tmp_path, export)
    assert r.exit_code == 0, r.stderr
    cfg, prep = _valid(tmp_path)
    assert cfg.columns["patients"] == ZH_COLUMNS
    assert cfg.values["emd"] == {"无": "none", "初诊时": "at_diagnosis", "复发时": "at_relapse"}
    assert prep.tables["patients"]["index_date"].dt.strftime("%Y-%m-%d").tolist()[:2] == ["2021-01-04", "2021-02-01"]
    assert "matched header synonym '本方案化疗次数'" in text and "6 of 6 values parse as dates" in text
    assert "gb18030 text" in text and cfg.report.language == "zh"
    # six distinct 4-character response words look like person names to the identifier guard; they are
    # all known response words, so the draft allows the column and says so
    assert cfg.deid_allow == ["最佳疗效"] and "CHECK: the identifier guard finds 5 of 6 values" in text


def test_mixed_headers_and_extra_columns(tmp_path):
    cols = {**{k: v for k, v in list(EN.items())[:5]}, **{k: v for k, v in list(ZH.items())[5:]},
            "移植": ["是", "否", "否", "是", "否", "否"], "ECOG": ["0", "1", "2", "1", "0", "1"],
            "Transplant date": ["2019-01-01", None, None, "2018-05-05", None, None],
            "备注": ["first note", "second", "another one", "x", "y", "z"]}
    r, text = _init(tmp_path, _write(tmp_path, cols))
    assert r.exit_code == 0, r.stderr
    cfg, _ = _valid(tmp_path)
    assert cfg.columns["patients"] == {**dict(list(EN_COLUMNS.items())[:5]), **dict(list(ZH_COLUMNS.items())[5:])}
    block = text[text.index("# extra_columns:"):]
    declared = yaml.safe_load("\n".join(line[2:] for line in block.splitlines() if line.startswith("#   ")
                                        or line == "# extra_columns:"))
    assert declared["extra_columns"] == [
        {"name": "extra_1", "header": "移植", "type": "yesno"},
        {"name": "ecog", "header": "ECOG", "type": "integer"},
        {"name": "transplant_date", "header": "Transplant date", "type": "date"},
    ]
    assert "#   # not declarable: 备注 -- 6 distinct values in 6: free text" in text and "4 unmapped" in r.stderr


def test_of_two_index_date_candidates_the_one_with_more_dates_is_active(tmp_path):
    cols = {**ZH, "治疗开始日期": ["2021-01-05", "2021-02-02", "2021-03-16", "2021-04-13", "2021-05-11", "2021-06-08"]}
    cols["首次用药日期"] = [None, *ZH["首次用药日期"][1:]]
    r, text = _init(tmp_path, _write(tmp_path, cols))
    assert r.exit_code == 0, r.stderr
    cfg = load_config(tmp_path / "study.yaml")
    assert cfg.columns["patients"]["治疗开始日期"] == "index_date" and "首次用药日期" not in cfg.columns["patients"]
    assert any(line.startswith("    # 首次用药日期: index_date") for line in text.splitlines())


def test_two_index_date_candidates_both_shown_one_active(tmp_path):
    cols = {**ZH, "治疗开始日期": ["2021-01-05", "2021-02-02", "2021-03-16", "2021-04-13", "2021-05-11", "2021-06-08"]}
    r, text = _init(tmp_path, _write(tmp_path, cols))
    assert r.exit_code == 0, r.stderr
    cfg, _ = _valid(tmp_path)
    assert cfg.columns["patients"]["首次用药日期"] == "index_date" and "治疗开始日期" not in cfg.columns["patients"]
    active = next(line for line in text.splitlines() if line.startswith("    首次用药日期: index_date"))
    assert "CHECK: '治疗开始日期' could also be index_date" in active
    assert any(line.startswith("    # 治疗开始日期: index_date") and "alternative" in line for line in text.splitlines())
    assert "(2 to check)" in r.stderr  # the index date, and best_response's deid_allow (below)


def test_identifier_columns_left_out_and_their_values_never_written(tmp_path):
    names = ["张伟", "王芳", "李娜", "刘洋", "陈静", "杨磊"]
    phones = [f"1381234{i:04d}" for i in range(N)]
    ids = ["110101199003074514", "11010119900307803X", "110101198001010010", "110101197512120030",
           "11010119650505005X", "110101195811110079"]  # valid check digits (GB 11643)
    cols = {**ZH, "姓名": names, "备用": phones, "附加": ids}
    r, text = _init(tmp_path, _write(tmp_path, cols))
    assert r.exit_code == 0, r.stderr
    cfg = load_config(tmp_path / "study.yaml")
    assert set(cfg.columns["patients"]) == set(ZH) and cfg.deid_allow == ["最佳疗效"]
    with pytest.raises(DataError) as err:  # validate still refuses the file until the columns are removed
        prepare(cfg)
    assert {i.column for i in err.value.issues} == {"姓名", "备用", "附加"}
    for v in [*names, *phones, *ids]:
        assert v not in text and v not in r.stderr
    assert "# left out: 姓名 -- the header looks like a person's name" in text
    assert "# left out: 备用 -- 6 of 6 values look like 11-digit mobile phone numbers" in text
    assert "# left out: 附加 -- 6 of 6 values look like 18-digit resident ID numbers" in text
    assert "3 identifier column(s) left out" in r.stderr


def test_xlsx_with_a_chosen_sheet(tmp_path):
    path = tmp_path / "export.xlsx"
    with pd.ExcelWriter(path) as xw:
        pd.DataFrame({"说明": ["not data"]}).to_excel(xw, sheet_name="readme", index=False)
        frame = pd.DataFrame(ZH)  # Excel cells: real dates and numbers, as a hospital system writes them
        frame["首次用药日期"] = pd.to_datetime(EN["Treatment start date"])
        frame["年龄（岁）"] = frame["年龄（岁）"].astype(int)
        frame.to_excel(xw, sheet_name="患者", index=False)
    r, text = _init(tmp_path, path, "--sheet", "患者")
    assert r.exit_code == 0, r.stderr
    cfg, _ = _valid(tmp_path)
    assert cfg.inputs.sheet == "患者" and cfg.columns["patients"] == ZH_COLUMNS
    assert "the workbook has sheets readme, 患者; read '患者'" in text
    assert "6 of 6 values parse as dates" in text and "6 of 6 values are whole numbers" in text


ZH_ASSESSMENTS = {"研究编号": ["S01", "S01", "S02"], "评估日期": ["2021-02-01", "2021-03-01", "2021-03-01"],
                  "周期": [1, 2, 1], "疗效评价": ["部分缓解", "部分缓解", "疾病稳定"]}
ZH_EVENTS = {"研究编号": ["S01"], "不良事件": ["贫血"], "CTCAE分级": ["3级"], "发生日期": ["2021-02-10"]}


def _one_workbook(tmp_path: Path) -> Path:
    """One export, a sheet per table, not in table order and after a notes sheet (as hospitals send them)."""
    path = tmp_path / "export.xlsx"
    with pd.ExcelWriter(path) as xw:
        for sheet, cols in (("说明", {"说明": ["not data"]}), ("不良事件", ZH_EVENTS), ("患者信息", ZH),
                            ("疗效评估", ZH_ASSESSMENTS)):
            pd.DataFrame(cols).to_excel(xw, sheet_name=sheet, index=False)
    return path


def test_one_workbook_for_three_tables_gets_a_sheet_per_table_each_marked(tmp_path):
    book = _one_workbook(tmp_path)
    r, text = _init(tmp_path, book, "--assessments", str(book), "--adverse-events", str(book))
    assert r.exit_code == 0, r.stderr
    cfg, prep = _valid(tmp_path)
    assert cfg.inputs.sheet == {"patients": "患者信息", "assessments": "疗效评估", "adverse_events": "不良事件"}
    assert cfg.columns["patients"] == ZH_COLUMNS and len(prep.tables["assessments"]) == 3
    lines = text.splitlines()
    assert re.sub(r"\s+#", " #", lines[lines.index("  sheet:") + 2]) == (
        "    assessments: 疗效评估 # CHECK: chosen by its headers (4 name assessments columns); other sheets: "
        "'说明' (0), '不良事件' (1), '患者信息' (3)")
    assert sum("    patients: 患者信息" in x and "CHECK: chosen by its headers" in x for x in lines) == 1
    assert ("mmcohort init: CHECK: the adverse_events table read from sheet '不良事件' of export.xlsx: chosen by "
            "its headers (4 name adverse_events columns); other sheets: '说明' (0), '患者信息' (1), '疗效评估' (1)"
            in r.stderr)
    draft = draft_config({"patients": book, "assessments": book, "adverse_events": book}, "s1",
                         cutoff=dt.date(2022, 6, 30))
    columns_to_check = sum(bool(c.check) for t in draft.tables.values() for c in t.active.values())
    assert draft.counts()["check"] == columns_to_check + 3  # the three sheet choices are counted


def test_without_sheet_a_workbook_with_several_sheets_gets_the_best_matching_one(tmp_path):
    r, text = _init(tmp_path, _one_workbook(tmp_path))
    assert r.exit_code == 0, r.stderr
    cfg, _ = _valid(tmp_path)
    assert cfg.inputs.sheet["patients"] == "患者信息" and cfg.columns["patients"] == ZH_COLUMNS
    assert "'说明' (0), '不良事件' (1), '疗效评估' (1)" in text


def test_sheet_with_one_workbook_for_several_tables_names_the_patients_sheet(tmp_path):
    book = _one_workbook(tmp_path)
    r, text = _init(tmp_path, book, "--assessments", str(book), "--sheet", "患者信息")
    assert r.exit_code == 0, r.stderr
    cfg, _ = _valid(tmp_path)
    # adverse events, not given, are proposed from the workbook (tests/draft/test_init_sheets.py)
    assert cfg.inputs.sheet == {"patients": "患者信息", "assessments": "疗效评估", "adverse_events": "不良事件"}
    assert re.search(r"    patients: 患者信息 +# from --sheet$", text, re.M)
    assert "other sheets: '说明' (0), '不良事件' (1)\n" in text  # the patients sheet is not offered again


def test_refuses_to_overwrite_without_force(tmp_path):
    export = _write(tmp_path, EN)
    (tmp_path / "study.yaml").write_text("keep me", encoding="utf-8")
    r, _ = _init(tmp_path, export)
    assert r.exit_code == 2 and "already exists" in r.stderr and "--force" in r.stderr
    assert (tmp_path / "study.yaml").read_text(encoding="utf-8") == "keep me"
    r, text = _init(tmp_path, export, "--force")
    assert r.exit_code == 0 and text.startswith("# Study config drafted")


@pytest.mark.parametrize(("name", "content", "message"), [
    ("export.xls", b"\xd0\xcf\x11\xe0", "old .xls workbooks are not supported"),
    ("export.csv", b"\xff\xfe\x00a\x00\x00\xd8", "cannot be read"),
    ("export.xlsx", b"not a workbook", "cannot read the Excel file"),
])
def test_unreadable_input_exits_2_with_a_message(tmp_path, name, content, message):
    path = tmp_path / name
    path.write_bytes(content)
    r, _ = _init(tmp_path, path)
    assert r.exit_code == 2 and message in r.stderr and "Traceback" not in r.stderr
    assert not (tmp_path / "study.yaml").exists()


def test_missing_file_and_bad_study_name_exit_2(tmp_path):
    r, _ = _init(tmp_path, tmp_path / "nope.csv")
    assert r.exit_code == 2 and "patients file not found" in r.stderr
    r = CliRunner().invoke(main, ["init", str(_write(tmp_path, EN)), "--study", "my study", "--out",
                                  str(tmp_path / "s.yaml")])
    assert r.exit_code == 2 and "--study" in r.stderr


def test_required_column_not_found_is_reported(tmp_path):
    cols = {k: v for k, v in EN.items() if k != "Regimen"}
    r, text = _init(tmp_path, _write(tmp_path, cols))
    assert r.exit_code == 0
    assert "# CHECK: no header found for the required column regimen" in text
    assert "no header found for the required patients column regimen" in r.stderr


@pytest.mark.parametrize("export", [EN, ZH])
def test_emd_without_emd_type_says_emd_type_is_then_required(tmp_path, export):
    emd, emd_type = list(export)[7:9]
    cols = {k: v for k, v in export.items() if k != emd_type}
    r, text = _init(tmp_path, _write(tmp_path, cols))
    assert r.exit_code == 0
    note = (f"emd is mapped ('{emd}') but no header was found for emd_type, which is required (paraskeletal or "
            "soft_tissue) when emd is at_diagnosis or at_relapse: 2 of 6 patients here; add '<your header>: "
            "emd_type', or validate reports each of them (conditionally_required)")
    assert f"    # CHECK: {note}" in text.splitlines()
    assert f"mmcohort init: CHECK: {note}" in r.stderr
    with pytest.raises(DataError) as ei:  # the count is the validation's: one error per patient with EMD
        _valid(tmp_path)
    assert [i.column for i in ei.value.issues if i.code == "conditionally_required"] == ["emd_type"] * 2
    r, text = _init(tmp_path, _write(tmp_path, export), "--force")
    assert "emd_type, which is required" not in text


def test_headers_with_line_breaks_and_odd_characters_stay_valid_yaml(tmp_path):
    cols = {"研究编号": ZH["研究编号"], "年龄\n（岁）": ZH["年龄（岁）"], "性别: 男/女": ZH["性别"],
            "# note": ["a"] * N, "随访\n备注": [f"line {i}\nsecond" for i in range(N)],
            "ctl\x7fchar": ["x\x7f", "y", "x\x7f", "y", "x\x7f", "y"]}
    r, text = _init(tmp_path, _write(tmp_path, cols))
    assert r.exit_code == 0, r.stderr
    cfg = load_config(tmp_path / "study.yaml")
    assert cfg.columns["patients"] == {"研究编号": "patient_id", "年龄\n（岁）": "age", "性别: 男/女": "sex"}
    assert cfg.values["sex"] == {"男": "M", "女": "F"}


def test_forced_encoding_is_used_and_written(tmp_path):
    export = _write(tmp_path, ZH, encoding="gbk")
    r, text = _init(tmp_path, export, "--encoding", "gbk")
    assert r.exit_code == 0, r.stderr
    cfg, _ = _valid(tmp_path)
    assert cfg.inputs.encoding == "gbk" and "gbk text" in text
    r, _ = _init(tmp_path, export, "--encoding", "klingon", out="other.yaml")
    assert r.exit_code == 2 and "--encoding 'klingon'" in r.stderr


def test_unknown_headers_are_related_to_unmapped_columns_by_their_values(tmp_path):
    cols = {k: v for k, v in EN.items() if k != "Treatment start date"}
    cols["D0"] = EN["Treatment start date"]
    r, text = _init(tmp_path, _write(tmp_path, cols))
    assert r.exit_code == 0, r.stderr
    assert ("# CHECK: no header found for the required column index_date; add '<your header>: index_date' "
            "(by their values: D0)") in text
    assert "may be one of the contract's columns not mapped yet: index_date, death_date, progression_date" in text


_HEADERS = st.sampled_from(["性别", "Gender", "年龄（岁）", "首次用药日期", "治疗开始日期", "疗程", "ISS分期", "分期",
                            "最佳疗效", "姓名", "Hb (g/dL)", "del(17p)", "t(6;14)", "移植", "ECOG", "备注"])
_CELLS = st.sampled_from(["男", "女", "是", "否", "阳性", "阴性", "Ⅱ", "完全缓解", "2021/3/4", "2021年3月4日", "12",
                          "3.5", "", "未查", "abc", "IgG-κ", "无", "复发时"])


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(headers=st.lists(st.one_of(_HEADERS, st.text(min_size=1, max_size=6)), min_size=1, max_size=8,
                        unique_by=lambda h: h.strip().lstrip("\ufeff").strip()),
       data=st.data())
def test_any_export_drafts_a_config_that_loads(tmp_path, headers, data):
    headers = [h for h in headers if h.strip().lstrip("\ufeff").strip() and "\x00" not in h]
    if not headers:
        return
    rows = data.draw(st.lists(st.lists(_CELLS, min_size=len(headers), max_size=len(headers)), min_size=1, max_size=6))
    path = tmp_path / "export.csv"
    pd.DataFrame(rows, columns=headers).to_csv(path, index=False)
    try:
        draft = draft_config({"patients": path}, "s", cutoff=dt.date(2023, 1, 1))
    except DataError:  # the loader refuses the file (e.g. headers that read back as repeats): exit 2
        return
    out = tmp_path / "s.yaml"
    text = render_draft(draft, out)
    cfg = config_from_dict(yaml.safe_load(text), base_dir=tmp_path, source="draft")
    assert set(cfg.columns.get("patients", {})) <= set(draft.tables["patients"].headers)


def test_chinese_adverse_events_with_written_grades(tmp_path):
    patients = _write(tmp_path, ZH)
    ae = _write(tmp_path, {"研究编号": ["S01", "S02", "S02", "S05"], "不良事件": ["Anemia", "Fatigue", "Nausea", "Anemia"],
                           "CTCAE分级": ["3级", "Ⅱ级", "1级", "Ⅳ级"],
                           "发生日期": ["2021/2/1", "2021年3月1日", "2021.03.20", "2021-06-01"]}, "ae.csv")
    r, text = _init(tmp_path, patients, "--adverse-events", str(ae))
    assert r.exit_code == 0, r.stderr
    cfg, prep = _valid(tmp_path)
    assert cfg.columns["adverse_events"] == {"研究编号": "patient_id", "不良事件": "term", "CTCAE分级": "grade",
                                             "发生日期": "onset_date"}
    assert prep.tables["adverse_events"]["grade"].tolist() == [3, 2, 1, 4]
    assert "Chinese CTCAE grades; Roman-numeral CTCAE grades; found in 'CTCAE分级'" in text


def test_vocabulary_column_placed_by_values_despite_the_name_heuristic(tmp_path):
    cols = {k: v for k, v in ZH.items() if k != "最佳疗效"}
    cols["疗效"] = ZH["最佳疗效"]  # not a patients-table synonym; six distinct 4-character words
    cols["联系人"] = ["张伟", "王芳", "李娜", "刘洋", "陈静", "杨磊"]  # names: left out, never shown
    r, text = _init(tmp_path, _write(tmp_path, cols))
    assert r.exit_code == 0, r.stderr
    cfg = load_config(tmp_path / "study.yaml")
    assert cfg.columns["patients"]["疗效"] == "best_response" and cfg.deid_allow == ["疗效"]
    assert "# left out: 联系人 -- 6 of 6 values look like person names" in text
    assert not any(n in text for n in cols["联系人"])


def test_extra_column_names_are_valid_and_distinct(tmp_path):
    cols = {**ZH, "Age!": ["1"] * N, "Transplant date": ["2019-01-01"] * N, "transplant-date": ["2019-01-01"] * N}
    r, text = _init(tmp_path, _write(tmp_path, cols))
    assert r.exit_code == 0, r.stderr
    block = text[text.index("# extra_columns:"):]
    declared = yaml.safe_load("\n".join(line[2:] for line in block.splitlines() if line.startswith("#   ")
                                        or line == "# extra_columns:"))["extra_columns"]
    names = [d["name"] for d in declared]
    assert len(set(names)) == len(names) and "age" not in names
    assert all(re.fullmatch(r"[a-z][a-z0-9_]{0,39}", n) for n in names)


def _uncomment_extras(text: str) -> str:
    lines = text.splitlines()
    start = lines.index("# extra_columns:")
    return "\n".join(line[2:] if i >= start and (line == "# extra_columns:" or line.startswith("#   ")) else line
                     for i, line in enumerate(lines)) + "\n"


def test_uncommented_extra_columns_are_a_valid_declaration(tmp_path):
    """The commented block is the lead's extra_columns format: uncommented, the config validates and the
    columns are parsed by the guessed types (runs once the config knows extra_columns)."""
    from pipeline.config import StudyConfig

    if "extra_columns" not in StudyConfig.model_fields:
        pytest.skip("this version of the config has no extra_columns")
    cols = {**ZH, "移植": ["是", "否", "否", "是", "否", "否"], "ECOG": ["0", "1", "2", "1", "0", "1"],
            "中心": ["A", "B", "A", "A", "B", "A"], "Transplant date": ["2019-01-01", None, None, "2018-05-05", None, None]}
    r, text = _init(tmp_path, _write(tmp_path, cols))
    assert r.exit_code == 0, r.stderr
    (tmp_path / "study.yaml").write_text(_uncomment_extras(text), encoding="utf-8")
    cfg, prep = _valid(tmp_path)
    assert [(e.name, e.type) for e in cfg.extra_columns] == [
        ("extra_1", "yesno"), ("ecog", "integer"), ("extra_3", "category"), ("transplant_date", "date")]
    p = prep.tables["patients"]
    assert p["ecog"].tolist() == [0, 1, 2, 1, 0, 1] and p["extra_3"].tolist() == ["A", "B", "A", "A", "B", "A"]
    assert p["transplant_date"].notna().sum() == 2
