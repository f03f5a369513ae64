"""pipeline.ingest.deid: identifier-looking columns are refused; values are never echoed."""

from __future__ import annotations

import pandas as pd
import pytest

from pipeline.ingest.deid import check_identifiers, header_rule, value_rule
from pipeline.ingest.load import LINE

SAFE_IDS = ["S001", "S002", "S003", "S004", "S005"]


def _frame(**cols) -> pd.DataFrame:
    n = len(next(iter(cols.values())))
    return pd.DataFrame({**cols, LINE: list(range(2, 2 + n))}, dtype=object)


@pytest.mark.parametrize(
    ("header", "what"),
    [("姓名", "a person's name"), ("患者姓名", "a person's name"), ("Name", "a person's name"),
     ("patient name", "a person's name"), ("住院号", "a hospital record number"),
     ("病历号", "a hospital record number"), ("MRN", "a hospital record number"),
     ("Medical Record No", "a hospital record number"), ("身份证号", "a national ID number"),
     ("手机", "a phone number"), ("联系电话", "a phone number"), ("phone", "a phone number"),
     ("Mobile", "a phone number"), ("email", "an e-mail address"), ("E-mail", "an e-mail address"),
     ("邮箱", "an e-mail address"), ("地址", "an address"), ("家庭住址", "an address"),
     ("出生日期", "a date of birth"), ("DOB", "a date of birth"), ("生日", "a date of birth"),
     ("患者生日", "a date of birth")],
)
def test_identifier_headers(header, what):
    assert header_rule(header) == what
    issues = check_identifiers(_frame(**{header: SAFE_IDS}), "p.csv", [], {})
    assert len(issues) == 1
    i = issues[0]
    assert (i.file, i.row, i.column, i.value, i.severity) == ("p.csv", None, header, None, "error")
    assert i.rule == (f"the header looks like {what}; de-identified data only: remove the column "
                      "(or, if it is not an identifier, add it to deid_allow in the config)")


@pytest.mark.parametrize(
    "header",
    ["patient_id", "bm_clonal_cells", "bm_plasma_cells_pct", "emd", "emd_type", "cycles", "cycle",
     "term", "onset_date", "index_date", "regimen", "fish_t11_14", "serum_ife", "death_cause", "性别",
     "年龄", "用药开始日期", "病人ID", "研究编号", "发生日期", "不良事件发生日期"],
)
def test_contract_and_ordinary_headers_are_not_flagged(header):
    assert header_rule(header) is None


# valid check characters (ISO 7064 MOD 11-2); an 18-digit number with a wrong one is not an ID number
ID18 = ["110101199003071233", "310101198512120016", "44010619700101009X"]
MOBILES = ["13812345678", "+86 13912345678", "15000000000"]
EMAILS = ["a.b@example.com", "zhang@hospital.cn", "x@y.org"]
NAMES = ["张三", "李四", "王小明", "赵六", "钱七"]
ADDRESSES = ["北京市海淀区中关村大街1号", "上海市徐汇区漕溪北路2号", "广州市天河区体育西路3号"]


@pytest.mark.parametrize(
    ("values", "what"),
    [(ID18, "18-digit resident ID numbers"), (MOBILES, "11-digit mobile phone numbers"),
     (EMAILS, "e-mail addresses"), (NAMES, "person names"), (ADDRESSES, "street addresses"),
     (["Zhang Wei", "Li Na", "Wang Fang", "Liu Yang", "Chen Jie"], "person names")],
    ids=["id18", "mobile", "email", "cn-names", "address", "latin-names"],
)
def test_identifier_values_are_refused_without_echo(values, what):
    f = _frame(code=values)
    issues = check_identifiers(f, "p.csv", [], {})
    assert len(issues) == 1
    i = issues[0]
    # the row is the first matching line (the rule lists them all); it was None when only whole columns were judged
    assert (i.file, i.row, i.column, i.value, i.severity) == ("p.csv", 2, "code", "<withheld>", "error")
    assert i.rule.startswith(f"{len(values)} of {len(values)} values look like {what}; de-identified data only")
    text = repr(i)
    assert not any(v in text for v in values)


def test_numeric_mobiles_from_excel_are_caught():
    assert value_rule(pd.Series([13812345678, 13912345678.0, None], dtype=object))[0] == (
        "11-digit mobile phone numbers")


def test_mostly_identifiers_with_missing_cells():
    assert value_rule(pd.Series([ID18[0], ID18[1], None, "", "NA"], dtype=object)) is not None


def test_few_names_or_repeated_values_are_not_names():
    assert value_rule(pd.Series(NAMES[:4], dtype=object)) is None  # too few to tell from a category list
    assert value_rule(pd.Series(["男", "女", "男", "女", "男", "女"], dtype=object)) is None


@pytest.mark.parametrize(
    "values",
    [["无", "初诊时", "复发时", "无", "无", "初诊时"], ["阳性", "阴性", "阳性", "阴性", "阳性"],
     ["骨旁", "软组织", "骨旁", "软组织", "骨旁"], ["positive", "negative", "positive", "negative", "positive"],
     ["12.5", "30", "0", "44", "8.1"], ["2022-01-05", "2022-02-07", "2022-03-07", "2022-04-01", "2022-05-03"],
     ["S001", "S002", "S003", "S004", "S005"], ["BRD", "BPD", "BRD", "DBd", "Bd"],
     ["IgG-kappa", "IgA-lambda", "kappa", "IgG", "IgD"],
     ["Anemia", "Platelet count decreased", "Fatigue", "Diarrhea", "Anorexia"]],
    ids=["emd-zh", "pos-neg-zh", "emd-type-zh", "pos-neg", "numbers", "dates", "study-ids", "regimens",
         "myeloma-type", "ae-terms"],
)
def test_false_positive_guard_values(values):
    assert value_rule(pd.Series(values, dtype=object)) is None


def test_false_positive_guard_on_a_contract_table():
    f = _frame(patient_id=SAFE_IDS, bm_clonal_cells=["positive", "negative", "positive", "negative", "positive"],
               bm_plasma_cells_pct=["12", "30", "5", "0", "61"], emd=["无", "初诊时", "无", "复发时", "无"],
               emd_type=[None, "骨旁", None, "软组织", None])
    assert check_identifiers(f, "p.csv", [], {}) == []


def test_deid_allow_by_header_or_canonical_name():
    f = _frame(联系电话=SAFE_IDS, code=MOBILES + ["13700000000", "13600000000"])
    assert {i.column for i in check_identifiers(f, "p.csv", [], {})} == {"联系电话", "code"}
    assert [i.column for i in check_identifiers(f, "p.csv", ["联系电话"], {})] == ["code"]
    assert check_identifiers(f, "p.csv", ["联系电话", "  CODE "], {}) == []
    # by the canonical name the header is mapped to
    assert [i.column for i in check_identifiers(f, "p.csv", ["regimen"], {"联系电话": "regimen"})] == ["code"]


def test_header_rule_wins_over_value_rule_one_issue_per_column():
    issues = check_identifiers(_frame(手机=MOBILES), "p.csv", [], {})
    assert len(issues) == 1 and issues[0].value is None and "phone" in issues[0].rule


def test_chinese_adverse_event_terms_are_not_taken_for_names():
    """A small AE table whose terms are all distinct 2-4-character Chinese words is not refused once the
    column is mapped to `term`; the same values under an unmapped header still are (they look like names)."""
    terms = pd.DataFrame({"不良事件": ["乏力", "纳差", "腹泻", "贫血", "血小板减少"], LINE: range(2, 7)})
    assert check_identifiers(terms, "ae.csv", [], {"不良事件": "term"}) == []
    flagged = check_identifiers(terms, "ae.csv", [], {})
    assert [i.column for i in flagged] == ["不良事件"] and "person names" in flagged[0].rule
    phones = pd.DataFrame({"不良事件": ["13812345678"] * 5, LINE: range(2, 7)})
    assert check_identifiers(phones, "ae.csv", [], {"不良事件": "term"})  # hard patterns still apply
