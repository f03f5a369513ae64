"""results.json's typed record (pipeline/analysis/record.py) and its JSON Schema (docs/results.schema.json).

The schema is checked by an independent validator (``jsonschema``), not by pydantic: the results.json
of every bundled config's run and of variants made here (each response source, the adjusted analyses
with strata, competing risks and RMST, DOR/TTNT, a comparison that cannot be tested, two published
cohorts) validates against the committed file, which must equal the one the models generate.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
from pathlib import Path

import jsonschema
import pytest
from pydantic import ValidationError

from pipeline.analysis.record import ResultsRecord, schema, schema_text
from pipeline.analysis.results import analyse, results_json
from pipeline.config import LiteratureStudy
from pipeline.cutoff import CutoffReport
from pipeline.derive.adam import response_from_patients
from pipeline.derive.stage import derive_datasets
from pipeline.runs.folder import write_json
from tests import frames
from tests._cohort import make_result
from tests.golden import CONFIGS, ROOT, run_bundled

SCHEMA_PATH = ROOT / "docs" / "results.schema.json"


@pytest.fixture(scope="module")
def validator() -> jsonschema.Draft202012Validator:
    committed = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(committed)
    return jsonschema.Draft202012Validator(committed, format_checker=jsonschema.FormatChecker())


def _errors(validator, data: dict) -> list[str]:
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(data)]


def _written(tmp_path: Path, d: dict) -> tuple[str, dict]:
    """results.json as the run writes it (write_json), as text and parsed."""
    write_json(tmp_path / "results.json", d)
    text = (tmp_path / "results.json").read_text(encoding="utf-8")
    return text, json.loads(text)


def test_committed_schema_is_the_generated_one():
    assert SCHEMA_PATH.read_text(encoding="utf-8") == schema_text(), (
        "docs/results.schema.json is stale: python -m pipeline.analysis.record > docs/results.schema.json")


@pytest.mark.parametrize("name", CONFIGS)
def test_bundled_runs_validate_and_read_back_byte_identical(name, tmp_path, validator):
    text = (run_bundled(name, tmp_path) / "results.json").read_text(encoding="utf-8")
    assert _errors(validator, json.loads(text)) == []
    record = ResultsRecord.model_validate_json(text)
    assert json.dumps(record.as_json(), indent=2, ensure_ascii=False, allow_nan=False) + "\n" == text


def _variant_patients_adjusted(tmp: Path) -> dict:
    """Patients-table responses; Cox models with strata (stratified log-rank), Table 1 by group,
    subgroups, competing risks, RMST, DOR and TTNT; two published cohorts."""
    res, cfg, prep = make_result(
        tmp, n=40, level="patients", endpoints=["PFS", "OS", "RSD", "TTNT"],
        comparisons=[{"by": "prior_lines", "threshold": 4}],
        models={"endpoints": ["PFS", "OS"], "covariates": [{"name": "age", "per": 10}, {"name": "emd"}],
                "strata": "sex"},
        table1_by="prior_lines", subgroups={"comparison": "prior_lines", "by": ["sex"]},
        competing_risks={"enabled": True, "covariates": ["age"]}, rmst={"enabled": True})
    cfg = cfg.model_copy(update={"literature": [LiteratureStudy(name="A", n=40, responders=22),
                                                LiteratureStudy(name="B", n=31, orr_pct=48.4)]})
    res = analyse(derive_datasets(prep.tables, res.response, cfg), prep.tables, cfg)
    return results_json(res, cfg, prep.cutoff.as_dict())


def _variant_derived(tmp: Path) -> dict:
    """Derived responses (agreement with the recorded ones), competing risks off."""
    res, cfg, prep = make_result(tmp, n=14)
    return results_json(res, cfg, prep.cutoff.as_dict())


def _variant_tiny() -> dict:
    """Four patients, no adverse events or assessments: a comparison that cannot be tested (df null), a
    landmark one, medians not reached."""
    rows = [
        {"patient_id": "A", "cycles": "1", "best_response": "PD", "progression_date": "2020-02-01",
         "death_date": "2020-03-01", "last_contact_date": "2020-03-01", "death_cause": "progression"},
        {"patient_id": "B", "cycles": "2", "best_response": "SD", "progression_date": "2020-06-01"},
        {"patient_id": "C", "cycles": "4", "best_response": "PR", "prior_lines": "4"},
        {"patient_id": "D", "cycles": "6", "best_response": "VGPR", "prior_lines": "3"},
    ]
    pts = frames.patients(rows)
    cfg = frames.config(comparisons=[{"by": "cycles", "threshold": 3, "accrues_after_index": True},
                                     {"by": "regimen"}])
    tables = {"patients": pts}
    res = analyse(derive_datasets(tables, response_from_patients(pts), cfg), tables, cfg)
    rep = CutoffReport("2023-01-01", patients_excluded=["E"], latest_data_date="2022-12-30", notes=["x"])
    return results_json(res, cfg, rep.as_dict())


def _variant_recorded(tmp: Path) -> dict:
    """Recorded responses at each assessment, adverse events, through a whole run (run_study)."""
    from tests.runs.test_compare import cohort_frames, run_at, write_export

    folder = run_at(write_export(tmp / "export", cohort_frames()), dt.date(2022, 12, 31), tmp / "out")
    return json.loads((folder / "results.json").read_text(encoding="utf-8"))


def test_variants_validate_against_the_committed_schema(tmp_path, validator):
    variants = {"patients_adjusted": _variant_patients_adjusted(tmp_path / "a"),
                "derived": _variant_derived(tmp_path / "b"), "tiny": _variant_tiny(),
                "recorded": _variant_recorded(tmp_path / "c")}
    for name, d in variants.items():
        _, data = _written(tmp_path, d)
        assert _errors(validator, data) == [], name
    # the variants reach what the bundled configs do not
    pa, tiny = variants["patients_adjusted"], variants["tiny"]
    assert pa["response_source"] == "patients" and variants["recorded"]["response_source"] == "recorded"
    assert pa["stratified_logrank"] and pa["cox_models"] and pa["table1_by"] and pa["subgroups"]
    assert pa["literature"]["pooled"]["k"] == 2 and pa["rmst"] and pa["gray_tests"] and pa["fine_gray"]
    assert {s["endpoint"] for s in pa["survival"]} == {"PFS", "OS", "RSD", "TTNT"}
    assert None in [c["df"] for c in tiny["comparisons"]] and tiny["adverse_events"] == []
    assert "cox_models" not in tiny and variants["derived"]["agreement"] is not None


def test_the_schema_refuses_what_is_never_written(tmp_path, validator):
    _, good = _written(tmp_path, _variant_tiny())
    assert _errors(validator, good) == []

    def bad(change) -> list[str]:
        d = json.loads(json.dumps(good))
        change(d)
        return _errors(validator, d)

    assert bad(lambda d: d["rates"][0].update(n=1.5))  # a count that is not whole
    assert bad(lambda d: d["rates"][0].update(endpoint="XRR"))
    assert bad(lambda d: d.update(extra=1))  # unknown key
    assert bad(lambda d: d.pop("options"))  # missing key
    assert bad(lambda d: d["survival"][0].update(n=None))  # a count is never null
    assert bad(lambda d: d.update(cutoff="30.06.2023"))
    lm = next(i for i, c in enumerate(good["comparisons"]) if c["landmark_days"] is not None)
    assert bad(lambda d: d["comparisons"][lm].update(n_excluded_before_landmark=None))  # absent or a count
    assert not bad(lambda d: d["comparisons"][lm].pop("n_excluded_before_landmark"))


def test_the_record_refuses_nan_and_converts_nothing():
    d = _variant_tiny()
    rec = ResultsRecord.model_validate(d)
    assert rec.as_json() == d
    assert type(rec.followup_months.n) is int and type(rec.rates[0].pct) is float
    for change in (lambda x: x["survival"][0].update(n=float("nan")),
                   lambda x: x["rates"][0].update(N=4.0),
                   lambda x: x["options"].update(conf_type="logit")):
        bad = json.loads(json.dumps(d))
        change(bad)
        with pytest.raises(ValidationError):
            ResultsRecord.model_validate(bad)
    # the analysis' NaN of a nullable value is written, and recorded, as null
    d2 = json.loads(json.dumps(d))
    d2["rates"][0]["pct"] = float("nan")
    assert ResultsRecord.from_plain(d2).rates[0].pct is None


def test_cutoff_report_section_has_every_field_of_the_cutoff_report():
    fields = [f.name for f in dataclasses.fields(CutoffReport)]
    assert list(CutoffReport("2023-01-01").as_dict()) == fields + [
        "n_patients_excluded", "n_deaths_censored", "n_progressions_censored"]
    assert list(schema()["$defs"]["CutoffReportRecord"]["properties"]) == list(CutoffReport("x").as_dict())


def test_analysis_md_names_every_top_level_key():
    text = (ROOT / "docs" / "ANALYSIS.md").read_text(encoding="utf-8").split("## results.json", 1)[1]
    named = set(re.findall(r"`([a-z0-9_]+)`", text))
    assert set(ResultsRecord.model_fields) - named == set()
    assert "docs/results.schema.json" in text
