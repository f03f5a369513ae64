"""The run folder: built in a temporary folder beside the target, moved into place only on success.

A failed run leaves nothing half-written and never touches a previous good run. This module is the only
one that writes a run's files: the stages before it return contents (the figures SVG and PNG bytes, the
report HTML, Markdown and Word bytes), and the writers here format tables deterministically so the same
inputs give byte-identical tables, derived data and results.json. The worker processes of a run live
here too (``worker_jobs``): they draw the figures (``figures_drawn``) and write registry-sized tables
(``background_writes``) while this process writes the rest.
"""

from __future__ import annotations

import datetime as dt
import gc
import json
import logging
import math
import multiprocessing as mp
import os
import shutil
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from pipeline.runs.faults import (
    die_with_parent,
    moved_aside,
    recover_interrupted,
    run_lock,
    sigterm_raises,
    staging_prefix,
    stop_pool,
)
from pipeline.text.escape import csv_restore, csv_safe, has_carriage_return

if TYPE_CHECKING:  # imported when used: reading a run back (runs.read) needs none of them
    from pipeline.analysis.results import AnalysisResult
    from pipeline.config import StudyConfig
    from pipeline.report.render import FigurePlan


def _clean(o: object) -> object:
    """JSON-safe: NaN/inf/NA -> null, numpy scalars -> Python, timestamps -> ISO dates."""
    if isinstance(o, dict):
        return {str(k): _clean(v) for k, v in o.items()}
    if isinstance(o, list | tuple):
        return [_clean(v) for v in o]
    if isinstance(o, np.generic):
        o = o.item()
    if isinstance(o, float):
        return o if math.isfinite(o) else None
    if o is pd.NaT or o is pd.NA or o is None:
        return None
    if isinstance(o, pd.Timestamp):
        return o.strftime("%Y-%m-%d")
    if isinstance(o, Path):
        return str(o)
    return o


def write_json(path: Path, data: object) -> None:
    text = json.dumps(_clean(data), indent=2, ensure_ascii=False, sort_keys=False, allow_nan=False)
    write_text(path, text + "\n")


def write_text(path: Path, text: str) -> None:
    """UTF-8, line ends as given (no platform translation)."""
    write_bytes(path, text.encode("utf-8"))


def write_bytes(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def write_files(folder: Path, files: Mapping[str, str | bytes]) -> dict[str, Path]:
    """Each ``{relative path: text or bytes}`` under ``folder``; returns the paths by relative path."""
    out = {}
    for rel, content in files.items():
        out[rel] = Path(folder) / rel
        if isinstance(content, str):
            write_text(out[rel], content)
        else:
            write_bytes(out[rel], content)
    return out


def write_csv(path: Path, df: pd.DataFrame) -> None:
    """UTF-8 with BOM (Excel opens Chinese text correctly), ISO dates, fixed float format, LF endings.

    Text cells a spreadsheet would run as formulas get a leading ``'`` (``pipeline.text.escape.csv_safe``;
    numbers untouched); read the file back with ``read_csv_text``, which removes it.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    out = csv_safe(df.drop(columns=[c for c in df.columns if str(c).startswith("_")]))
    # the csv module quotes a field holding a character of the line terminator only, and readers take a
    # lone CR for a line end (a forged row): a file with a CR in a cell is written with CRLF line ends
    out.to_csv(path, index=False, encoding="utf-8-sig", date_format="%Y-%m-%d", float_format="%.10g",
               lineterminator="\r\n" if has_carriage_return(out) else "\n")


#: Below this many cells in all, the files are written in this process (forking costs more than it saves).
PARALLEL_CELLS = 2_000_000
#: A spreadsheet cell costs about this many CSV cells to write (openpyxl builds an object per cell).
XLSX_CELL_COST = 5
#: Figure workers at most (and never more than the machine's CPUs): each holds one figure's 300-dpi
#: raster (~30 MB) besides what it shares with the run.
FIGURE_WORKERS = 4
_WORKER_JOBS: list[tuple] = []  # in a worker: its pool's jobs, handed over at fork (frames do not pickle cheaply)


def _start_worker(parent_pid: int, jobs: list[tuple]) -> None:
    global _WORKER_JOBS
    die_with_parent(parent_pid)
    _WORKER_JOBS = jobs


def _run_job(i: int) -> object:
    fn, args = _WORKER_JOBS[i]
    return fn(*args)


class Pending:
    """Jobs running in worker processes; ``results()`` waits for every one and returns their values in order."""

    def __init__(self, futures: list | None = None, values: list | None = None) -> None:
        self._futures = futures or []
        self._values = values

    def results(self) -> list:
        if self._values is None:
            self._values = [f.result() for f in self._futures]  # a worker's error is raised here
        return self._values

    def wait(self) -> None:
        self.results()


@contextmanager
def worker_jobs(jobs: list[tuple], workers: int, order: list[int] | None = None) -> Iterator[Pending]:
    """Run ``jobs`` (``(function, args)`` pairs) in up to ``workers`` forked processes while the block runs.

    ``order`` is the order to start them in (default: as given); results come back in the jobs' order.
    The workers get the jobs when they are forked (nothing is pickled but the results), die with this
    process however it ends (``faults.die_with_parent``) and are killed at once if the block fails;
    leaving the block waits for every job (a worker's error is raised then). With fewer than two workers,
    or on a system without fork, the jobs run here, before the block starts. Objects made before the
    fork are frozen out of the workers' garbage collection, which would otherwise walk (and copy) the
    whole run's heap in each of them.
    """
    n = min(workers, len(jobs))
    if n < 2 or "fork" not in mp.get_all_start_methods():
        yield Pending(values=[fn(*args) for fn, args in jobs])
        return
    gc.freeze()  # the workers are forked at the first submit below
    ex = ProcessPoolExecutor(max_workers=n, mp_context=mp.get_context("fork"), initializer=_start_worker,
                             initargs=(os.getpid(), jobs))
    try:
        futures = {i: ex.submit(_run_job, i) for i in (range(len(jobs)) if order is None else order)}
        gc.unfreeze()
        pending = Pending([futures[i] for i in range(len(jobs))])
        yield pending
        pending.wait()
    except BaseException:
        gc.unfreeze()
        stop_pool(ex)
        raise
    finally:
        ex.shutdown(wait=True)


def csv_job(path: Path, df: pd.DataFrame) -> tuple:
    """A background job writing ``df`` as ``write_csv`` does."""
    return (write_csv, (path, df))


def xlsx_job(path: Path, tables: dict[str, pd.DataFrame], stamp: dt.datetime) -> tuple:
    """A background job writing ``tables`` as ``write_xlsx`` does."""
    return (write_xlsx, (path, tables, stamp))


def _cost(job: tuple) -> int:
    fn, (_, data, *_) = job
    if fn is write_xlsx:
        return XLSX_CELL_COST * sum(df.size for df in data.values())
    return data.size


@contextmanager
def background_writes(jobs: list[tuple], workers: int = 2) -> Iterator[Pending]:
    """Run writer jobs (``csv_job``, ``xlsx_job``) in forked worker processes while the block runs.

    Registry-sized runs spend most of their writing time in pandas' CSV writer and openpyxl, one core at a
    time; the derived tables and the workbook are independent files, so two workers write them beside the
    report. Each file is the same bytes its writer writes in this process. Leaving the block waits for
    every file (a worker's error is raised then); a failing block kills the workers. Small runs, or
    systems without fork, write in this process before the block starts.
    """
    if sum(_cost(j) for j in jobs) < PARALLEL_CELLS:
        workers = 1
    workers = min(workers, os.cpu_count() or 1)
    for _, (path, *_) in jobs:
        path.parent.mkdir(parents=True, exist_ok=True)
    # largest first: the two workers finish together
    order = sorted(range(len(jobs)), key=lambda i: -_cost(jobs[i]))
    with worker_jobs(jobs, workers, order) as pending:
        yield pending


@contextmanager
def figures_drawn(specs: list, dpi: int | None = None) -> Iterator[Pending]:
    """Draw the figures of ``specs`` (``pipeline.figures.catalogue.FigureSpec``) in worker processes while
    the block runs; ``results()`` gives each one's ``FigureFiles`` (SVG and PNG bytes), in order.

    Drawing is pure CPU (rasterising at 300 dpi dominates) and each figure's bytes depend only on its
    spec, so the files are identical however the work is split.
    """
    from pipeline.figures.catalogue import figure_jobs
    from pipeline.figures.save import PNG_DPI

    jobs = figure_jobs(specs, PNG_DPI if dpi is None else dpi)
    with worker_jobs(jobs, min(FIGURE_WORKERS, os.cpu_count() or 1)) as pending:
        yield pending


def write_report(folder: Path, res: AnalysisResult, config: StudyConfig, plan: FigurePlan, drawn: Sequence, *,
                 cutoff_report: dict | None = None, issues: Sequence = (), manifest: dict | None = None,
                 changes: dict | None = None) -> dict[str, Path]:
    """``figures/<name>.svg|png`` of the drawn figures, ``report.html``, ``report.md``, ``tables/tables.docx``.

    ``plan`` is ``pipeline.report.render.plan_report_figures``'s; ``drawn`` its figures' ``FigureFiles``
    (``figures_drawn(plan.specs).results()``). Returns the written paths by relative path.
    """
    from pipeline.report.render import figure_path, render_report

    files: dict[str, str | bytes] = {}
    for spec, f in zip(plan.specs, drawn, strict=True):
        files[figure_path(spec.name, "svg")] = f.svg
        files[figure_path(spec.name, "png")] = f.png
    files.update(render_report(res, config, plan, drawn, cutoff_report=cutoff_report, issues=issues,
                               manifest=manifest, changes=changes))
    return write_files(folder, files)


def write_outputs(folder: Path, res: AnalysisResult, config: StudyConfig, *, cutoff_report: dict | None = None,
                  issues: Sequence = (), manifest: dict | None = None, changes: dict | None = None,
                  dpi: int | None = None, figures: bool | None = None) -> dict[str, Path]:
    """Draw the figures and write them and the report into ``folder`` (see ``write_report``).

    ``figures=False`` (default: ``config.report.figures``) draws none; ``dpi`` is the PNGs' (default 300).
    """
    from pipeline.report.render import plan_report_figures

    plan = plan_report_figures(res, config, cutoff_report, figures)
    with figures_drawn(plan.specs, dpi) as drawing:
        return write_report(folder, res, config, plan, drawing.results(), cutoff_report=cutoff_report,
                            issues=issues, manifest=manifest, changes=changes)


def read_csv_text(path: Path, **kwargs) -> pd.DataFrame:
    """A CSV file written by :func:`write_csv`, every cell as text, with the formula guard removed."""
    return csv_restore(pd.read_csv(path, dtype=str, encoding="utf-8-sig", **kwargs))


def write_xlsx(path: Path, tables: dict[str, pd.DataFrame], stamp: dt.datetime) -> None:
    """All tables in one workbook, one sheet each, byte-identical for the same content (``stamp``: the
    cut-off, the workbook's creation time); streamed row by row (``pipeline.runs.workbook``)."""
    from pipeline.runs.workbook import workbook_bytes

    write_bytes(path, workbook_bytes(tables, stamp))


@contextmanager
def staged_run_folder(target: Path) -> Iterator[Path]:
    """Yield a temporary folder; on success replace ``target`` with it, on failure delete it.

    The whole block holds ``target``'s run lock (a second run on it stops with exit code 2) and turns
    SIGTERM into an exception, so a stopped run removes its staging folder too. What a run killed
    outright (``kill -9``, power loss) leaves -- a staging folder, or the previous run moved aside between
    the two renames of the swap -- is repaired first (``pipeline.runs.faults.recover_interrupted``).
    """
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    with run_lock(target), sigterm_raises():
        for note in recover_interrupted(target.parent):
            logging.getLogger("mmcohort").warning("%s", note)
        tmp = Path(tempfile.mkdtemp(prefix=staging_prefix(target), dir=target.parent))
        tmp.chmod(0o755)  # mkdtemp makes it owner-only; a run folder is shared like any other output
        try:
            yield tmp
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
        old = None
        if target.exists():
            old = moved_aside(target)
            os.replace(target, old)
        os.replace(tmp, target)  # a kill just before this line leaves only `old`: the next run restores it
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
