"""One run: the stages in order (load, validate, cut-off, derive, analyse, then figures, report and the run
folder written), each timed on the log, and the manifest of what went in.

Each stage logs its name, counts and time on the ``mmcohort`` logger (the CLI sends it to stderr).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from pipeline.config import TABLES, StudyConfig
from pipeline.cutoff import CutoffReport, apply_cutoff
from pipeline.errors import ConfigError
from pipeline.ingest.load import RawTable, read_table
from pipeline.ingest.validate import Validated, validate_inputs
from pipeline.runs.folder import (
    Pending,
    background_writes,
    csv_job,
    figures_drawn,
    staged_run_folder,
    write_csv,
    write_json,
    write_report,
    write_text,
    xlsx_job,
)
from pipeline.runs.guard import check_output_folder, guard_existing_run
from pipeline.text.issues import validation_markdown, validation_payload
from pipeline.versions import versions

log = logging.getLogger("mmcohort")


@contextmanager
def stage(name: str) -> Iterator[dict]:
    """Log a stage's duration and whatever counts the block puts in the yielded dict."""
    t0 = time.perf_counter()
    counts: dict = {}
    yield counts
    shown = ", ".join(f"{k} {v}" for k, v in counts.items())
    log.info("%-10s %s (%.2f s)", name, shown, time.perf_counter() - t0)


@dataclass
class Prepared:
    raw: dict[str, RawTable]
    validated: Validated
    tables: dict[str, pd.DataFrame]  # as of the cut-off
    cutoff: CutoffReport


def load_inputs(config: StudyConfig) -> dict[str, RawTable]:
    raw = {}
    for name in TABLES:
        path = config.input_path(name)
        if path is not None:
            raw[name] = read_table(name, path, sheet=config.inputs.sheet_for(name), encoding=config.inputs.encoding,
                                   sheet_key=config.inputs.sheet_key(name))
    return raw


def prepare(config: StudyConfig) -> Prepared:
    with stage("load") as c:
        raw = load_inputs(config)
        c.update({k: f"{len(v.frame)} rows" for k, v in raw.items()})
    with stage("validate") as c:
        validated = validate_inputs(raw, config)
        c["warnings"] = len(validated.warnings)
    with stage("cutoff") as c:
        tables, rep = apply_cutoff(validated.tables, config.cutoff)
        c["cutoff"] = config.cutoff.isoformat()
        c["patients excluded"] = len(rep.patients_excluded)
        c["assessments dropped"] = rep.assessments_dropped
        c["AEs dropped"] = rep.adverse_events_dropped
        c["deaths censored"] = len(rep.deaths_censored)
        c["progressions censored"] = len(rep.progressions_censored)
        for note in rep.notes:
            log.warning("cutoff: %s", note)
    return Prepared(raw, validated, tables, rep)


def _require_patients(prep: Prepared, config: StudyConfig) -> None:
    """Stop (exit 2) when no patient was treated by the cut-off: there is nothing to analyse."""
    if len(prep.tables["patients"]):
        return
    first = prep.validated.tables["patients"]["index_date"].min()
    raise ConfigError(f"cutoff: {config.cutoff.isoformat()} is before every patient's index_date (earliest "
                      f"{first:%Y-%m-%d}): no patient was treated by the cut-off; nothing was written")


def run_study(config: StudyConfig, out_root: Path, *, replace: bool = False) -> Path:
    """Run the whole study and return the run folder."""
    from pipeline.analysis.results import analyse
    from pipeline.derive.stage import derive

    started = time.perf_counter()
    check_output_folder(config, Path(out_root))
    prep = prepare(config)
    _require_patients(prep, config)
    replaced = guard_existing_run(Path(out_root) / config.run_name, config, prep.raw, replace)
    if replaced:
        log.warning("--replace: the run %s, made from different inputs (%s changed), will be overwritten; "
                    "its results are not kept", config.run_name, replaced)
    with stage("derive") as c:
        derived = derive(prep.tables, config)
        c["response source"] = derived.response.source
        c["patients"] = len(derived.adsl)
        c["adtte rows"] = len(derived.adtte)
    with stage("analyse") as c:
        res = analyse(derived, prep.tables, config)
        c["patients"] = len(res.adsl)
        c["PFS events"] = int((res.adtte.query("PARAMCD == 'PFS'")["CNSR"] == 0).sum())
        c["deaths"] = int((res.adtte.query("PARAMCD == 'OS'")["CNSR"] == 0).sum())
    target = Path(out_root) / config.run_name
    with staged_run_folder(target) as tmp, stage("write") as c:
        guard_existing_run(target, config, prep.raw, replace)  # again, now that this run holds the folder's lock
        # the validated tables as of the cut-off, then the analysis datasets (large: written by workers
        # while the rest is written)
        from pipeline.analysis.results import output_tables
        from pipeline.report.render import plan_report_figures

        tables = output_tables(res)
        stamp = dt.datetime.combine(config.cutoff, dt.time())
        jobs = [csv_job(tmp / "derived" / f"{name}.csv", df) for name, df in
                [*prep.tables.items(), ("adsl", res.adsl), ("adrs", res.adrs), ("adtte", res.adtte)]]
        jobs.append(xlsx_job(tmp / "tables" / "tables.xlsx", tables, stamp))
        plan = plan_report_figures(res, config, prep.cutoff.as_dict())
        # the figures are drawn by workers while the tables and results.json are written
        with background_writes(jobs) as pending, figures_drawn(plan.specs) as drawing:
            changes = _write_results(tmp, target, res, tables, config, prep, out_root, started, pending)
            # figures/ (SVG + PNG), report.html, report.md, tables/tables.docx
            write_report(tmp, res, config, plan, drawing.results(), cutoff_report=prep.cutoff.as_dict(),
                         issues=prep.validated.issues, changes=changes,
                         manifest=json.loads((tmp / "manifest.json").read_text(encoding="utf-8")))
        c["folder"] = str(target)
    return target


def _write_results(tmp: Path, target: Path, res, tables: dict[str, pd.DataFrame], config: StudyConfig,
                   prep: Prepared, out_root: Path, started: float, pending: Pending) -> dict | None:
    """tables/*.csv, results.json, validation, manifest and changes_since_previous; returns the changes."""
    from pipeline.analysis.results import results_json
    from pipeline.runs.diff import changes_since_previous
    from pipeline.runs.diff_text import format_comparison
    from pipeline.runs.read import find_previous_run

    for name, df in tables.items():
        write_csv(tmp / "tables" / f"{name}.csv", df)
    write_json(tmp / "results.json", results_json(res, config, prep.cutoff.as_dict()))
    issues = prep.validated.issues
    write_json(tmp / "validation.json", validation_payload(issues))
    write_text(tmp / "validation.md", validation_markdown(issues))
    write_json(tmp / "manifest.json", manifest(config, prep, time.perf_counter() - started))
    # what changed since the latest earlier cut-off of this study in out_root (report: same dict); it
    # reads this run's derived CSVs back, so they must be on disk first
    if find_previous_run(out_root, config.study, config.cutoff) is None:
        return None
    pending.wait()
    changes = changes_since_previous(out_root, tmp, config.study, config.cutoff, name=target.name)
    if changes is not None:
        write_json(tmp / "changes_since_previous.json", changes)
        write_text(tmp / "changes_since_previous.md", format_comparison(changes, config.report.language))
    return changes


def manifest(config: StudyConfig, prep: Prepared, elapsed: float) -> dict:
    return {
        "study": config.study,
        "cutoff": config.cutoff.isoformat(),
        "created_utc": dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "elapsed_seconds": round(elapsed, 3),
        "inputs": [
            {"table": name, "path": str(rt.path), "sha256": rt.sha256, "encoding": rt.encoding,
             "rows": len(rt.frame)}
            for name, rt in prep.raw.items()
        ],
        "rows_after_cutoff": {name: len(df) for name, df in prep.tables.items()},
        "cutoff_report": prep.cutoff.as_dict(),
        "config": config.resolved(),
        "versions": versions(),
    }
