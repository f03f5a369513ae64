"""pipeline.contract: the contract as data must say what docs/CONTRACT.md says (columns, types, ranges)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from pipeline import vocab
from pipeline.contract import TABLE_SPECS, field_map, spec_for

CONTRACT = Path(__file__).resolve().parents[1] / "docs" / "CONTRACT.md"
TABLES = ("patients", "assessments", "adverse_events")
#: type words of docs/CONTRACT.md -> FieldSpec kinds (a list "a / b" is a category with those values)
TYPE_KINDS = {"text": {"id", "text"}, "date": {"date"}, "integer": {"int"}, "number": {"float"},
              "yes/no": {"bool"}, "myeloma type": {"myeloma_type"}}


def _contract_rows() -> dict[str, dict[str, dict[str, str]]]:
    """table -> {column: {type, required, range}} from the column tables of docs/CONTRACT.md."""
    out: dict[str, dict[str, dict[str, str]]] = {}
    table = None
    for line in CONTRACT.read_text(encoding="utf-8").splitlines():
        m = re.match(r"^## (patients|assessments|adverse_events) ", line)
        if m:
            table = m.group(1)
            out[table] = {}
            continue
        if line.startswith("## "):
            table = None
        if table and line.startswith("| ") and not line.startswith(("| column", "|---")):
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            for name in cells[0].split(","):
                name = name.strip().strip("`")
                if not name.startswith("fish_*"):
                    out[table][name] = {"type": cells[1], "required": cells[2], "range": cells[3]}
    return out


def test_the_contract_page_has_the_three_tables():
    rows = _contract_rows()
    assert set(rows) == set(TABLES)
    assert all(rows[t] for t in TABLES)


@pytest.mark.parametrize("table", TABLES)
def test_columns_and_required_flags_match_the_contract(table):
    contract = _contract_rows()[table]
    specs = field_map(table)
    assert set(specs) == set(contract)
    for name, row in contract.items():
        assert specs[name].required == (row["required"] == "yes"), name


@pytest.mark.parametrize("table", TABLES)
def test_types_and_allowed_values_match_the_contract(table):
    for name, row in _contract_rows()[table].items():
        f = field_map(table)[name]
        if " / " in row["type"]:
            assert f.kind == "category" and f.allowed == tuple(row["type"].split(" / ")), name
        else:
            assert f.kind in TYPE_KINDS[row["type"]], name
            if f.kind == "myeloma_type":
                assert f.allowed == vocab.MYELOMA_TYPE


@pytest.mark.parametrize("table", TABLES)
def test_error_ranges_match_the_contract(table):
    for name, row in _contract_rows()[table].items():
        f = field_map(table)[name]
        if not row["range"]:
            assert f.min is None and f.max is None, name
            continue
        m = re.fullmatch(r"([\d.]+)( \(exclusive\))? to ([\d.]+)", row["range"])
        assert m, (name, row["range"])
        assert (f.min, f.max, f.min_exclusive) == (float(m.group(1)), float(m.group(3)), bool(m.group(2))), name


def test_kinds_and_vocabularies():
    p = field_map("patients")
    assert p["sex"].allowed == ("M", "F")
    assert p["emd"].allowed == ("none", "at_diagnosis", "at_relapse")
    assert p["emd_type"].allowed == ("paraskeletal", "soft_tissue")
    assert p["death_cause"].allowed == ("progression", "other", "unknown")
    assert p["best_response"].allowed == ("sCR", "CR", "VGPR", "PR", "MR", "SD", "PD", "NE")
    assert p["ds_stage"].allowed == ("IA", "IB", "IIA", "IIB", "IIIA", "IIIB")
    assert p["iss_stage"].allowed == p["riss_stage"].allowed == ("I", "II", "III")
    assert p["myeloma_type"].kind == "myeloma_type"
    for d in ("index_date", "last_contact_date", "death_date", "progression_date", "new_therapy_date"):
        assert p[d].kind == "date"
    for b in ("prior_bortezomib", "prior_lenalidomide", "prior_daratumumab", "fish_tested"):
        assert p[b].kind == "bool"
    for m in vocab.FISH_MARKERS:
        assert p[m].allowed == ("positive", "negative")
    a = field_map("assessments")
    assert a["response"].allowed == vocab.RESPONSE_ORDER
    assert a["new_lesion"].kind == "bool" and a["cycle"].kind == "int"
    assert field_map("adverse_events")["grade"].kind == "int"


@pytest.mark.parametrize(
    ("table", "column", "lo", "hi", "exclusive"),
    [("patients", "age", 18, 110, False), ("patients", "prior_lines", 1, 30, False),
     ("patients", "cycles", 1, 200, False), ("patients", "bm_plasma_cells_pct", 0, 100, False),
     ("assessments", "cycle", 0, 200, False), ("assessments", "serum_m_g_l", 0, 200, False),
     ("assessments", "flc_kappa_mg_l", 0, 100000, True), ("assessments", "flc_lambda_mg_l", 0, 100000, True),
     ("assessments", "bm_plasma_cells_pct", 0, 100, False), ("assessments", "plasmacytoma_spd_cm2", 0, 2000, False),
     ("adverse_events", "grade", 1, 5, False)],
)
def test_hard_ranges(table, column, lo, hi, exclusive):
    f = field_map(table)[column]
    assert (f.min, f.max, f.min_exclusive) == (lo, hi, exclusive)


def test_every_lab_has_a_plausible_range_inside_its_hard_range():
    for table, specs in TABLE_SPECS.items():
        for f in specs:
            if f.warn_min is not None:
                assert f.min is not None and f.min <= f.warn_min, (table, f.name)
            if f.warn_max is not None:
                assert f.max is not None and f.warn_max <= f.max, (table, f.name)
    for lab in ("hemoglobin_g_l", "wbc_10e9_l", "platelets_10e9_l", "calcium_mmol_l", "creatinine_umol_l",
                "beta2m_mg_l", "albumin_g_l", "ldh_u_l", "bm_plasma_cells_pct", "esr_mm_h"):
        f = field_map("patients")[lab]
        assert f.kind == "float" and f.min is not None and f.max is not None and f.unit


def test_spec_for_extra_fish_markers():
    assert spec_for("patients", "fish_del1p").allowed == ("positive", "negative")
    assert spec_for("patients", "fish_del17p") is field_map("patients")["fish_del17p"]
    assert spec_for("patients", "fish_tested").kind == "bool"
    assert spec_for("assessments", "fish_del1p") is None
    assert spec_for("patients", "term") is None
    assert spec_for("adverse_events", "term").required


def test_names_are_unique_per_table():
    for specs in TABLE_SPECS.values():
        names = [f.name for f in specs]
        assert len(names) == len(set(names))
