"""Acceptance: the pipeline on the committed bendamustine_rrmm replica reproduces the published study.

One real run (``mmcohort run --config config/bendamustine_rrmm.yaml --no-figures`` into a temporary folder)
serves every test; each published count must come out exactly, and each median within the tolerance the replica's
README states (``MEDIAN_TOLERANCE_MONTHS``). The published numbers are ``pipeline.synth.replica.PUBLISHED``
(transcribed from docs/REFERENCE_STUDY.md); the assertions read results.json directly, and separately
check that the paper table (``mmcohort paper-table``) agrees.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from pipeline.cli import main
from pipeline.config import load_config
from pipeline.run import run_study
from pipeline.synth.replica import MEDIAN_TOLERANCE_MONTHS, PUBLISHED, ROSTER, build_replica, write_replica
from pipeline.synth.replica.paper_table import NOT_TARGETED, REPRODUCED, format_table, paper_table

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "synthetic_data" / "bendamustine_rrmm"
CONFIG = ROOT / "config" / "bendamustine_rrmm.yaml"
EVALUABLE = "response-evaluable (>= 2 cycles)"


@pytest.fixture(scope="module")
def run_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The run of the committed files with the committed config (figures skipped: same numbers, faster)."""
    cfg = load_config(CONFIG)
    cfg = cfg.model_copy(update={"report": cfg.report.model_copy(update={"figures": False})})
    return run_study(cfg, tmp_path_factory.mktemp("replica"))


@pytest.fixture(scope="module")
def results(run_folder: Path) -> dict:
    return json.loads((run_folder / "results.json").read_text(encoding="utf-8"))


def _table1(results: dict, variable: str, level: str | None = None) -> dict:
    return next(r for r in results["table1"] if r["variable"] == variable and (level is None or r["level"] == level))


def _counts(rows: list[dict], **where) -> tuple[dict[str, int], int]:
    sel = [r for r in rows if all(r[k] == v for k, v in where.items())]
    return {r["category"]: r["n"] for r in sel if r["n"]}, sel[0]["N"]


# --- the files ----------------------------------------------------------------------------------------


def test_committed_files_are_what_the_generator_writes(tmp_path: Path) -> None:
    written = write_replica(build_replica(), tmp_path)
    assert [p.name for p in written] == ["patients.csv", "assessments.csv", "adverse_events.csv"]
    for path in written:
        assert path.read_bytes() == (DATA / path.name).read_bytes(), (
            f"{path.name} differs from the generator's output: rerun "
            "`python -m pipeline.synth.replica --out synthetic_data/bendamustine_rrmm`")


def test_readme_names_the_command_and_the_tolerance() -> None:
    text = (DATA / "README.md").read_text(encoding="utf-8")
    assert "python -m pipeline.synth.replica --out synthetic_data/bendamustine_rrmm" in text
    assert f"±{MEDIAN_TOLERANCE_MONTHS:g} month" in text


def test_the_design_has_the_published_group_sizes() -> None:
    assert len(ROSTER) == PUBLISHED["n"]
    assert sum(s.cycles >= 3 for s in ROSTER) == PUBLISHED["groups"]["cycles"][">= 3"]
    assert sum(s.lines == ">=3" for s in ROSTER) == PUBLISHED["groups"]["prior_lines"][">= 3"]


# --- the run ------------------------------------------------------------------------------------------


def test_run_uses_the_papers_choices_and_finds_no_problem(run_folder: Path, results: dict) -> None:
    assert results["study"] == "bendamustine_rrmm" and results["cutoff"] == "2022-12-09"
    assert results["response_source"] == "derived"
    opts = results["options"]
    assert (opts["response_summary"], opts["confirm_response"], opts["pfs_events"], opts["evaluable_min_cycles"]) \
        == ("last", False, "progression", 2)
    validation = json.loads((run_folder / "validation.json").read_text(encoding="utf-8"))
    assert (validation["n_errors"], validation["n_warnings"]) == (0, 0)
    assert results["cutoff_report"]["assessments_dropped"] == 0


def test_raw_values_derive_to_the_recorded_response_at_every_assessment(results: dict) -> None:
    ag = results["agreement"]
    assert ag["n"] == 83 and ag["agree"] == ag["n"] and ag["n_disagreements"] == 0 and ag["kappa"] == 1.0


def test_baseline_counts(results: dict) -> None:
    P = PUBLISHED
    assert results["n_patients"] == P["n"]
    for var in ("sex", "myeloma_group", "ds_stage", "iss_stage", "regimen", "emd", "emd_type"):
        for level, n in P[var].items():
            assert _table1(results, var, level)["n"] == n, (var, level)
    assert _table1(results, "prior_bortezomib", "yes")["n"] == P["prior_bortezomib"]
    assert _table1(results, "prior_lenalidomide", "yes")["n"] == P["prior_lenalidomide"]
    assert _table1(results, "fish_tested")["n"] == P["fish_tested"]
    assert (_table1(results, "fish_negative")["n"], _table1(results, "fish_negative")["N"]) \
        == (P["fish_negative"], P["fish_tested"])
    for marker, n in P["fish"].items():
        assert (_table1(results, marker)["n"], _table1(results, marker)["N"]) == (n, P["fish_tested"]), marker
    assert _table1(results, "high_risk_fish")["n"] == P["fish_high_risk"]
    for var in ("prior_lines", "cycles"):
        t = _table1(results, var)
        assert (t["median"], t["min"], t["max"]) == tuple(P[var][k] for k in ("median", "min", "max")), var


def test_baseline_labs(results: dict) -> None:
    for col, (med, q1, q3) in PUBLISHED["median_iqr"].items():
        t = _table1(results, col)
        assert t["statistic"] == "median_iqr", col  # Shapiro-Wilk rejects normality, as in the paper
        assert (round(t["median"], 2), round(t["q1"], 2), round(t["q3"], 2)) == (med, q1, q3), col
    for col, (mean, sem) in PUBLISHED["mean_sem"].items():
        t = _table1(results, col)
        assert t["statistic"] == "mean_sd", col
        # the paper's "+-" is the standard error of the mean (README): SD / sqrt(n)
        assert (round(t["mean"], 2), round(t["sd"] / math.sqrt(t["n"]), 2)) == (mean, sem), col
    age = _table1(results, "age")
    assert (age["min"], age["max"]) == PUBLISHED["age_range"]


def test_baseline_cross_tabulations(run_folder: Path) -> None:
    adsl = pd.read_csv(run_folder / "derived" / "adsl.csv", encoding="utf-8-sig", dtype=str)
    markers = [c for c in adsl if c.startswith("fish_") and c != "fish_tested"]
    abnormal = adsl[markers].eq("positive").any(axis=1)
    assert int((abnormal & adsl["emd_any"].eq("yes")).sum()) == PUBLISHED["fish_abnormal_with_emd"]
    assert int((adsl["cycles"] == "1").sum()) == PUBLISHED["cycles"]["one_cycle"]
    deaths = adsl.loc[adsl["death_date"].notna(), "death_cause"].value_counts().to_dict()
    assert deaths == {"progression": PUBLISHED["deaths"]["progression"], "other": PUBLISHED["deaths"]["other"]}


def test_response_by_cycle(results: dict) -> None:
    for cycle, published in PUBLISHED["by_cycle"].items():
        counts, big_n = _counts(results["response_by_cycle"], cycle=cycle)
        assert (counts, big_n) == (published, sum(published.values())), cycle


def test_final_response_and_rates(results: dict) -> None:
    P = PUBLISHED
    assert _counts(results["best_response"], population=EVALUABLE) == (P["final"], sum(P["final"].values()))
    assert _counts(results["best_response"], population="EMD") == (P["emd_final"], sum(P["emd_final"].values()))
    rates = {(r["population"], r["endpoint"]): (r["n"], r["N"]) for r in results["rates"]}
    assert rates[EVALUABLE, "ORR"] == P["orr_evaluable"]
    assert rates[">= 4 cycles", "ORR"] == P["orr_4_cycles"]
    assert rates["EMD", "ORR"] == P["emd_orr"]
    assert rates["EMD", "DCR"] == P["emd_dcr"]


def test_group_sizes_and_deaths(results: dict) -> None:
    surv = {(r["endpoint"], r["group_by"], r["group"]): r for r in results["survival"]}
    for by, groups in PUBLISHED["groups"].items():
        for group, n in groups.items():
            assert surv["OS", by, group]["n"] == n, (by, group)
    assert surv["OS", None, None]["events"] == PUBLISHED["deaths"]["all"]


def test_medians_within_the_stated_tolerance(results: dict) -> None:
    surv = {(r["endpoint"], r["group_by"], r["group"]): r["median"] for r in results["survival"]}
    for key, published in PUBLISHED["medians"].items():
        got = surv[key]
        if published is None:
            assert got is None, key  # not reached
        else:
            assert got is not None and abs(got - published) <= MEDIAN_TOLERANCE_MONTHS, (key, got)


def test_logrank_p_values(results: dict) -> None:
    p = {(r["endpoint"], r["group_by"]): r["p"] for r in results["comparisons"] if r["landmark_days"] is None}
    assert p["PFS", "cycles"] < 0.001
    assert round(p["OS", "cycles"], 2) == PUBLISHED["logrank_p"]["OS", "cycles"]
    assert p["PFS", "prior_lines"] > 0.05 and p["OS", "prior_lines"] > 0.05


def test_adverse_events(results: dict) -> None:
    ae = {r["term"]: r for r in results["adverse_events"]}
    assert set(ae) == set(PUBLISHED["adverse_events"])
    for term, published in PUBLISHED["adverse_events"].items():
        assert ae[term]["any_n"] == published["any"], term
        for grade in (1, 2, 3):
            if grade in published:
                assert ae[term][f"g{grade}"] == published[grade], (term, grade)
    assert sum(r["g4"] + r["g5"] for r in results["adverse_events"]) == PUBLISHED["ae_grade4"]


# --- the paper table ----------------------------------------------------------------------------------


def test_paper_table_reproduces_every_row(run_folder: Path) -> None:
    rows = paper_table(run_folder)
    assert [r for r in rows if r.status not in (*REPRODUCED, NOT_TARGETED)] == []
    # the only number not targeted: the paper's follow-up (not reverse Kaplan-Meier, and below its own
    # longest survival time)
    assert [r.item for r in rows if r.status == NOT_TARGETED] == ["Follow-up: median (range)"]
    assert len(rows) >= 90


def test_project_readme_shows_the_current_paper_table(run_folder: Path) -> None:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block = text.split("<!-- paper-table:start", 1)[1].split("-->\n", 1)[1].split("<!-- paper-table:end -->")[0]
    assert block == format_table(paper_table(run_folder)), (
        "README.md's published-vs-reproduced table is stale: paste the output of "
        "`mmcohort paper-table --run reports/bendamustine_rrmm_cutoff-2022-12-09` between the markers")
    assert "mmcohort run --config config/bendamustine_rrmm.yaml" in text.split("## Set up", 1)[1].split("```")[1]


def test_paper_table_command(run_folder: Path, tmp_path: Path) -> None:
    out = tmp_path / "rows.json"
    res = CliRunner().invoke(main, ["paper-table", "--run", str(run_folder), "--json", str(out)])
    assert res.exit_code == 0, res.output
    assert res.output.startswith("| | published | reproduced | |")
    assert "| After cycle 2 | n = 29: CR 1, PR 11, SD 10, PD 7 | n = 29: CR 1, PR 11, SD 10, PD 7 | exact |" \
        in res.output
    assert " 0 differ," in res.output
    assert len(json.loads(out.read_text(encoding="utf-8"))) == res.output.count("\n| ") - 4  # minus the 4 section rows


def test_paper_table_refuses_a_run_of_another_study(tmp_path: Path) -> None:
    (tmp_path / "results.json").write_text(json.dumps({"study": "demo"}), encoding="utf-8")
    res = CliRunner().invoke(main, ["paper-table", "--run", str(tmp_path)])
    assert res.exit_code == 2 and "demo" in res.output
    res = CliRunner().invoke(main, ["paper-table", "--run", str(tmp_path / "nothing")])
    assert res.exit_code == 2 and "not a run folder" in res.output


def test_replica_sets_its_orr_beside_the_five_published_cohorts(results: dict, run_folder: Path) -> None:
    """config/bendamustine_rrmm.yaml's ``literature:``: the five cohorts of the paper's discussion (only
    percentages published -> rounded counts) and this cohort's own ORR, 11/29."""
    lit = results["literature"]
    got = [(s["name"], s["n"], s["responders"], s["median_pfs_months"]) for s in lit["studies"]]
    assert got == [("BRd", 50, 45, 18.6), ("BRd, lower dose", 38, 18, 10.0), ("BVd", 73, 42, 10.8),
                   ("BPd", 38, 23, 9.6), ("BKd", 63, 32, 11.6)]  # 44.5 -> 45, 18.24, 42.34, 23.18, 32.13
    assert all(s["responders_from_pct"] for s in lit["studies"])
    c = lit["cohort"]
    assert (c["responders"], c["n"]) == (11, 29) and c["population"].startswith("response-evaluable")
    assert lit["pooled"]["k"] == 5
    md = (run_folder / "report.md").read_text(encoding="utf-8")
    assert "This cohort beside published cohorts" in md and "11/29 (37.9%" in md
