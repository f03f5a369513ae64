"""pipeline.errors.Code: every validation issue carries a stable code; de-duplication goes by code and place."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from pipeline.errors import Code, DataError, Issue, render_codes
from pipeline.ingest.validate import _dedupe, _drop_echoes, validate_inputs
from tests.trio import PATIENTS_CSV, load_raw, make_config, write_trio

ROOT = Path(__file__).resolve().parents[2]
PIPELINE = ROOT / "pipeline"


# ---- the list of codes ---------------------------------------------------------------------------------


def test_codes_are_snake_case_and_each_defined_once_with_its_own_meaning():
    values = [c.value for c in Code]
    assert len(values) == len(set(values))
    for c in Code:
        assert re.fullmatch(r"[a-z][a-z0-9]*(_[a-z0-9]+)*", c.value), c
        assert c.name == c.value.upper()
        assert c.meaning.strip() and "\n" not in c.meaning
    meanings = [c.meaning for c in Code]
    assert len(meanings) == len(set(meanings))


def _issue_calls() -> list[tuple[Path, ast.Call]]:
    out = []
    for path in sorted(PIPELINE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "Issue":
                out.append((path, node))
    return out


def test_every_place_that_makes_an_issue_names_a_code():
    calls = _issue_calls()
    assert len(calls) > 40  # the finder still finds them
    for path, call in calls:
        code = next((k.value for k in call.keywords if k.arg == "code"), None)
        where = f"{path.relative_to(ROOT)}:{call.lineno}"
        assert code is not None, f"{where}: Issue(...) without code="
        assert not isinstance(code, ast.Constant), f"{where}: a code is a Code member, not a literal"


def test_every_code_is_used_and_no_code_is_spelled_out_elsewhere():
    source = {p: p.read_text(encoding="utf-8") for p in PIPELINE.rglob("*.py") if p.name != "errors.py"}
    text = "\n".join(source.values())
    unused = [c.name for c in Code if f"Code.{c.name}" not in text]
    assert not unused, f"codes no rule uses: {unused}"
    for p, s in source.items():  # a code's string appears only in its definition
        literals = {n.value for n in ast.walk(ast.parse(s)) if isinstance(n, ast.Constant)}
        assert not literals & {c.value for c in Code if "_" in c.value}, p


def test_a_code_must_be_a_member_of_code():
    with pytest.raises(TypeError, match="must be a pipeline.errors.Code"):
        Issue("p.csv", 2, "age", "17", "rule", code="bad_number")
    assert Issue("p.csv", 2, "age", "17", "rule", code=Code("bad_number")).code is Code.BAD_NUMBER


def test_as_dict_leaves_the_code_out_and_as_coded_dict_adds_it_for_validation_json():
    i = Issue("p.csv", 2, "age", "sixty", "must be a whole number", code=Code.BAD_NUMBER)
    assert list(i.as_dict()) == ["file", "row", "column", "value", "rule", "severity"]
    assert i.as_coded_dict() == {**i.as_dict(), "code": "bad_number"}
    assert Issue("p.csv", 2, "age", None, "r").as_coded_dict()["code"] is None


def test_docs_list_every_code():
    committed = (ROOT / "docs" / "validation_codes.md").read_text(encoding="utf-8")
    assert committed == render_codes(), \
        "python -c \"from pipeline.errors import render_codes; print(render_codes(), end='')\" > docs/validation_codes.md"
    for c in Code:
        assert f"| `{c.value}` | {c.meaning} |" in committed


# ---- codes of real bad inputs ----------------------------------------------------------------------------

P01 = "P01,M,65,2022-01-10,BRD,2,4,none,,2022-12-01,,,2022-08-01,PR"  # line 2 of PATIENTS_CSV


@pytest.mark.parametrize(("bad", "column", "code"), [
    (P01.replace(",65,", ",sixty,"), "age", Code.BAD_NUMBER),
    (P01.replace("2022-01-10", "10th Jan"), "index_date", Code.BAD_DATE),
    (P01.replace("2022-12-01", "1899-12-31"), "last_contact_date", Code.DATE_OUT_OF_RANGE),
    (P01.replace(",M,", ",X,"), "sex", Code.NOT_IN_VALUES),
    (P01.replace(",65,", ",17,"), "age", Code.OUT_OF_RANGE),
    (P01.replace(",M,", ",,"), "sex", Code.MISSING_VALUE),
    (P01.replace("2022-12-01", "2021-12-01"), "last_contact_date", Code.BEFORE_INDEX_DATE),
    (P01.replace(",none,,", ",none,paraskeletal,"), "emd_type", Code.CONDITIONALLY_BLANK),
    (P01.replace(",none,,", ",at_relapse,,"), "emd_type", Code.CONDITIONALLY_REQUIRED),
])
def test_a_bad_patient_cell_gets_its_code(tmp_path, bad, column, code):
    paths = write_trio(tmp_path, PATIENTS_CSV.replace(P01, bad), None, None)
    with pytest.raises(DataError) as ei:
        validate_inputs(load_raw(paths), make_config(paths))
    assert [(i.row, i.column, i.code) for i in ei.value.issues] == [(2, column, code)]


def test_last_contact_before_index_and_after_death_keeps_both_messages(tmp_path):
    """Two rules on one cell have two codes: both are reported."""
    bad = P01.replace("2022-12-01,,,", "2021-12-01,2021-06-01,other,")
    paths = write_trio(tmp_path, PATIENTS_CSV.replace(P01, bad), None, None)
    with pytest.raises(DataError) as ei:
        validate_inputs(load_raw(paths), make_config(paths))
    codes = [i.code for i in ei.value.issues if i.column == "last_contact_date"]
    assert sorted(codes) == sorted([Code.BEFORE_INDEX_DATE, Code.AFTER_DEATH_DATE])


# ---- de-duplication by code and place --------------------------------------------------------------------


def _at(rule: str, code: Code, severity: str = "error", row: int = 2) -> Issue:
    return Issue("patients.csv", row, "age", "x", rule, severity, code=code)


def test_messages_sharing_a_prefix_both_survive_when_their_codes_differ():
    a = _at("must be a date (YYYY-MM-DD)", Code.BAD_DATE)
    b = _at("must be a date from 1900-01-01 to 2100-12-31", Code.DATE_OUT_OF_RANGE)
    assert _dedupe([a, b]) == [a, b]


def test_one_code_at_one_place_is_reported_once_whatever_its_words():
    a = _at("must be at least 18 years", Code.OUT_OF_RANGE)
    b = _at("must be at least 18 years (again, in other words)", Code.OUT_OF_RANGE)
    c = _at("must be at least 18 years", Code.OUT_OF_RANGE, row=3)  # another line: kept
    assert _dedupe([a, b, c]) == [a, c]


def test_only_an_unparsed_cell_hides_its_missing_echo():
    missing = _at("required value is missing", Code.MISSING_VALUE)
    assert _drop_echoes([_at("must be a whole number", Code.BAD_NUMBER), missing])[1:] == []
    # words that begin like a parse message do not make a cell unparsed: the code does
    ranged = _at("must be at least 18 years", Code.OUT_OF_RANGE)
    assert _drop_echoes([ranged, missing]) == [ranged, missing]
