"""mmcohort init, the parts: header synonyms, value families, value-based placement, type guesses."""

from __future__ import annotations

import pandas as pd
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.contract import TABLE_SPECS, spec_for
from pipeline.draft.families import FAMILIES, group_of
from pipeline.draft.match import add_value_evidence, header_candidates, value_candidates
from pipeline.draft.normalize import fold, fold_without_unit, snake_name
from pipeline.draft.profile import match_values, profile
from pipeline.draft.propose import guess_type
from pipeline.draft.synonyms import SYNONYMS, synonym_index
from pipeline.draft.writer import scalar


def test_folding_full_width_case_spaces_and_units():
    assert fold("Index Date") == fold("index_date") == fold("INDEX-DATE") == "indexdate"
    assert fold("ｔ（４；１４）") == "t(4;14)"
    assert fold_without_unit("年龄（岁）") == "年龄"
    assert fold_without_unit("Hb [g/L]") == "hb"
    assert fold_without_unit("年龄") is None
    assert snake_name("Prior ASCT (yes/no)") == "prior_asct" and snake_name("移植") is None


@pytest.mark.parametrize("table", list(SYNONYMS))
def test_every_synonym_names_one_canonical_column_of_its_table(table):
    index = synonym_index(table)  # raises on a synonym naming two columns
    assert {col for col, _ in index.values()} == {f.name for f in TABLE_SPECS[table]}
    assert set(SYNONYMS[table]) <= {f.name for f in TABLE_SPECS[table]}


@pytest.mark.parametrize(("header", "canonical", "score"), [
    ("性别", "sex", 3), ("Gender", "sex", 3), ("SEX", "sex", 3),
    ("年龄（岁）", "age", 3), ("年龄（周岁）", "age", 2.5), ("Age (years)", "age", 2.5), ("age", "age", 3),
    ("首次用药日期", "index_date", 3), ("治疗开始日期", "index_date", 3), ("Treatment start date", "index_date", 3),
    ("疗程", "cycles", 3), ("周期数", "cycles", 3), ("本方案化疗次数", "cycles", 3),
    ("既往治疗线数", "prior_lines", 3), ("Prior lines of therapy", "prior_lines", 3),
    ("髓外病变", "emd", 3), ("末次随访日期", "last_contact_date", 3), ("Last follow-up date", "last_contact_date", 3),
    ("最佳疗效", "best_response", 3), ("BOR", "best_response", 3), ("R-ISS分期", "riss_stage", 3),
    ("ISS", "iss_stage", 3), ("ＩＳＳ分期", "iss_stage", 3), ("t（4；14）", "fish_t4_14", 3),
    ("del(17p)", "fish_del17p", 3), ("Hb (g/dL)", "hemoglobin_g_l", 2.5), ("β2-MG（mg/L）", "beta2m_mg_l", 2.5),
    ("肌酐(μmol/L)", "creatinine_umol_l", 2.5), ("fish_t4_11", "fish_t4_11", 3),
    ("本院化疗周期数", "cycles", 1),
])
def test_patients_headers(header, canonical, score):
    [c] = header_candidates(header, "patients")
    assert (c.canonical, c.score) == (canonical, score)
    assert bool(c.check) == (score < 2)  # a partial match is always CHECK


@pytest.mark.parametrize(("table", "header", "canonical"), [
    ("assessments", "评估日期", "assessment_date"), ("assessments", "周期", "cycle"),
    ("assessments", "疗效评价", "response"), ("assessments", "血清游离κ轻链(mg/L)", "flc_kappa_mg_l"),
    ("assessments", "Free kappa (mg/L)", "flc_kappa_mg_l"), ("assessments", "24小时尿M蛋白(mg/24h)", "urine_m_mg_24h"),
    ("adverse_events", "不良事件", "term"), ("adverse_events", "CTCAE分级", "grade"),
    ("adverse_events", "发生日期", "onset_date"), ("adverse_events", "研究编号", "patient_id"),
    ("assessments", "血清游离轻链κ(mg/L)", "flc_kappa_mg_l"), ("assessments", "血清游离轻链λ(mg/L)", "flc_lambda_mg_l"),
    ("assessments", "游离轻链κ", "flc_kappa_mg_l"), ("assessments", "sFLC-λ (mg/L)", "flc_lambda_mg_l"),
])
def test_other_tables_headers(table, header, canonical):
    assert [c.canonical for c in header_candidates(header, table)] == [canonical]


@pytest.mark.parametrize("header", ["血清游离轻链κ/λ", "血清游离轻链κ/λ比值", "游离轻链比值(κ/λ)", "sFLC κ/λ ratio",
                                    "FLC ratio"])
def test_a_light_chain_ratio_is_no_light_chain_column(header):
    """The κ/λ ratio is not in the contract: it must not be proposed as the κ (or λ) concentration."""
    assert header_candidates(header, "assessments") == []


@pytest.mark.parametrize(("header", "canonical", "score"), [
    ("Sex 性别", "sex", 3), ("性别 Sex", "sex", 3), ("Age 年龄", "age", 3), ("Sex/性别", "sex", 3), ("Sex性别", "sex", 3),
    ("年龄（岁）/Age", "age", 3), ("Age (years) 年龄", "age", 2.5), ("Patient ID 研究编号", "patient_id", 3),
    ("Best response 最佳疗效", "best_response", 3), ("EMD 髓外病变", "emd", 3),
])
def test_a_bilingual_header_whose_halves_name_one_column_is_an_exact_match(header, canonical, score):
    [c] = header_candidates(header, "patients")
    assert (c.canonical, c.score, c.check) == (canonical, score, [])
    assert c.evidence[0].startswith("both '")


def test_a_bilingual_header_whose_halves_disagree_stays_a_partial_match():
    [c] = header_candidates("Sex 年龄", "patients")
    assert (c.canonical, c.score) == ("age", 1) and c.check == ["only part of the header matches '年龄'"]


def test_the_unit_of_one_half_of_a_bilingual_header_is_compared_with_the_contract():
    [c] = header_candidates("Hb (g/dL) 血红蛋白", "patients")
    counts = pd.Series(["10.5", "12"]).value_counts()
    add_value_evidence(c, counts, profile(counts), "patients")
    assert c.canonical == "hemoglobin_g_l"
    assert c.check == ["the header's unit 'g/dL' is not the contract's 'g/L': convert the values"]


def test_unknown_header_has_no_candidate():
    assert header_candidates("移植", "patients") == [] and header_candidates("ECOG", "patients") == []


def _vm(values, column, table="patients"):
    spec = spec_for(table, column)
    return match_values(pd.Series(values, dtype=object), spec, group_of(spec))


@pytest.mark.parametrize(("column", "values", "entries"), [
    ("sex", ["男", "女", "男"], {"男": "M", "女": "F"}),
    ("sex", ["Male", "female"], {"male": "M", "female": "F"}),
    ("prior_bortezomib", ["是", "否"], {"是": True, "否": False}),
    ("prior_bortezomib", ["有", "无", None], {"有": True, "无": False}),
    ("fish_del17p", ["阳性", "阴性", "未查"], {"阳性": "positive", "阴性": "negative"}),
    ("iss_stage", ["Ⅰ", "Ⅲ"], {"Ⅰ": "I", "Ⅱ": "II", "Ⅲ": "III"}),
    ("iss_stage", ["1", "3"], {"1": "I", "2": "II", "3": "III"}),
    ("riss_stage", ["Ⅱ期"], {"Ⅱ期": "II"}),
    ("ds_stage", ["ⅢA"], {"ⅠA": "IA", "ⅠB": "IB", "ⅡA": "IIA", "ⅡB": "IIB", "ⅢA": "IIIA", "ⅢB": "IIIB"}),
    ("emd", ["无", "复发时"], {"无": "none", "初诊时": "at_diagnosis", "复发时": "at_relapse"}),
    ("death_cause", ["进展"], {"进展": "progression"}),
    ("myeloma_type", ["IgD型", "IgG-κ"], {**dict(FAMILIES["myeloma_type"][0].mapping), "IgD型": "IgD"}),
])
def test_value_families_and_singles(column, values, entries):
    vm = _vm(values, column)
    assert vm.entries == entries
    assert vm.recognised == vm.n and not vm.unknown


def test_whole_response_family_proposed_from_two_words():
    vm = _vm(["完全缓解", "部分缓解", "部分缓解"], "best_response")
    assert vm.entries == dict(FAMILIES["response"][0].mapping) and len(vm.entries) == 8
    assert vm.entries["严格意义的完全缓解"] == "sCR" and vm.entries["无法评估"] == "NE"
    en = _vm(["Complete Response", "partial response"], "response", "assessments")
    assert en.entries["complete response"] == "CR" and en.families == ["English IMWG response words"]


@pytest.mark.parametrize(("column", "values"), [
    ("sex", ["M", "F"]), ("prior_bortezomib", ["yes", "no", "TRUE"]), ("iss_stage", ["I", "III"]),
    ("best_response", ["CR", "pr", "sCR"]), ("emd", ["none", "at relapse"]), ("myeloma_type", ["IgG-kappa", "IgD-κ"]),
])
def test_canonical_spellings_need_no_mapping(column, values):
    vm = _vm(values, column)
    assert vm.entries == {} and vm.native_only and vm.recognised == len(values)


def test_unknown_value_is_listed_for_a_check():
    vm = _vm(["完全缓解", "好转", "好转"], "best_response")
    assert vm.unknown == ["好转"] and vm.recognised == 1 and vm.n == 3


def test_value_evidence_counts_dates_and_flags_a_misfit():
    s = pd.Series(["2022/12/9", "2022.12.09", "2022年12月9日", "2022-12-09", "next week"], dtype=object)
    [c] = header_candidates("治疗开始日期", "patients")
    add_value_evidence(c, s, profile(s), "patients")
    assert "4 of 5 values parse as dates" in c.evidence and not c.check
    s2 = pd.Series(["yes", "no", "no", "yes", "2022-01-01"], dtype=object)
    [c2] = header_candidates("治疗开始日期", "patients")
    add_value_evidence(c2, s2, profile(s2), "patients")
    assert c2.check == ["only 1 of 5 values parse as dates"] and c2.score == 2


def test_unit_that_differs_from_the_contract_is_flagged():
    s = pd.Series(["9.3", "10.5"], dtype=object)
    [c] = header_candidates("Hb (g/dL)", "patients")
    add_value_evidence(c, s, profile(s), "patients")
    assert any("g/dL" in x and "convert" in x for x in c.check)
    [ok] = header_candidates("白细胞(×10^9/L)", "patients")
    add_value_evidence(ok, s, profile(s), "patients")
    assert not ok.check


def test_values_alone_place_sex_and_response_but_stages_stay_ambiguous():
    sex = pd.Series(["男", "女", "女"], dtype=object)
    assert [c.canonical for c in value_candidates("X1", sex, "patients", profile(sex))] == ["sex"]
    resp = pd.Series(["部分缓解", "疾病进展"], dtype=object)
    assert [c.canonical for c in value_candidates("X2", resp, "assessments", profile(resp))] == ["response"]
    stage = pd.Series(["Ⅱ", "Ⅲ"], dtype=object)
    cands = value_candidates("分期", stage, "patients", profile(stage))
    assert [c.canonical for c in cands] == ["iss_stage", "riss_stage"] and all(c.check for c in cands)
    nums = pd.Series(["1", "2"], dtype=object)
    assert value_candidates("X3", nums, "patients", profile(nums)) == []


@pytest.mark.parametrize(("values", "typ"), [
    (["2020/1/2", "2021-03-04", None], "date"),
    (["是", "否", "是"], "yesno"),
    (["0", "1", "2", "3"], "integer"),
    (["1.5", "2", "3.25"], "number"),
    (["A", "B", "A", "C"], "category"),
    (["free text one", "two", "three"], None),
])
def test_guessed_types_for_extra_columns(values, typ):
    assert guess_type(profile(pd.Series(values, dtype=object)))[0] == typ


@pytest.mark.parametrize(("header", "canonical"), [
    ("t(6;14)", "fish_t6_14"), ("ｔ（６；１４）", "fish_t6_14"), ("del(1p)", "fish_del1p"),
    ("amp(1q21)", "fish_gain1q21"), ("del(17p)", "fish_del17p"), ("t(4;14)", "fish_t4_14"),
])
def test_other_fish_markers_become_fish_columns(header, canonical):
    [c] = header_candidates(header, "patients")
    assert c.canonical == canonical and spec_for("patients", canonical).allowed == ("positive", "negative")
    assert header_candidates(header, "assessments") == []  # FISH markers belong to the patients table


@settings(max_examples=300, deadline=None)
@given(st.text(min_size=1, max_size=12))
def test_yaml_scalars_read_back_as_written(text):
    assert scalar(3) == "3" and scalar(True) == "true"
    s = scalar(text)
    assert yaml.safe_load(f"k: {s}") == {"k": text}
    assert yaml.safe_load(f"{{{s}: 1}}") == {text: 1}
    assert yaml.safe_load(f"[{s}]") == [text]


@pytest.mark.parametrize(("table", "column", "values"), [
    ("adverse_events", "grade", ["3级", "Ⅲ级", "III级", "grade 4", "G2", "1"]),
    ("patients", "sex", ["ＭＡＬＥ", "Female", "男"]),
    ("patients", "iss_stage", ["Ⅲ", "III期", "Ⅱ期", "I"]),
    ("patients", "best_response", ["完全缓解", "ＰＲ", "Stable Disease", "进展"]),
    ("patients", "prior_bortezomib", ["是", "无", "yes", "有"]),
])
def test_every_recognised_value_parses_after_the_proposed_mapping(table, column, values):
    """The proposal is applied the way `run` applies it (pipeline.ingest.mapping.map_values, then the parser)."""
    from pipeline.ingest.mapping import map_values
    from pipeline.ingest.parse import parse_column

    vm = _vm(values, column, table)
    assert vm.recognised == vm.n == len(values) and not vm.unknown
    frame = pd.DataFrame({column: pd.Series(values, dtype=object)})
    mapped = map_values(frame, {column: vm.entries})[column]
    spec = spec_for(table, column)
    parsed, bad = parse_column(mapped, spec.kind, spec.allowed)
    assert not bad.any() and parsed.notna().all(), list(mapped)


@pytest.mark.parametrize(("header", "ok"), [
    ("白细胞(×10^9/L)", True), ("WBC (*10⁹/L)", True), ("PLT（10^9/L）", True), ("肌酐(µmol/L)", True),
    ("年龄(周岁)", True), ("LDH (IU/L)", True), ("Cr (mg/dL)", False), ("血钙(mg/dL)", False),
])
def test_units_compared_with_the_contract(header, ok):
    s = pd.Series(["5.1", "6.2"], dtype=object)
    [c] = header_candidates(header, "patients")
    add_value_evidence(c, s, profile(s), "patients")
    assert (not any("convert" in x for x in c.check)) == ok
