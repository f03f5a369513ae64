"""Benchmark: every stage a real ``mmcohort run`` performs, on synthetic cohorts of several sizes.

Usage: python benchmarks/bench_pipeline.py [N ...] [--figures] [--timeout S]
       (default sizes 1000 10000 100000; e.g. ``... 1000000 --timeout 600``)

Each size runs in its own process (so peak memory is that run's): a cohort from ``mmcohort synth`` is
written as CSV, then ``run_study`` runs exactly as the CLI does. Stage times come from the pipeline's own
stage log (load, validate, cutoff, response, analyse, write) and, inside ``write``, from timers wrapped
around each writer of the main process (table CSV, json, docx, html + md; figures: from starting the
figure workers to the last figure drawn, while the parent writes the tables; the derived CSVs and
tables.xlsx are written by two worker processes meanwhile, so their time shows in ``write`` only). Peak RSS is read after
each stage (``ru_maxrss`` of the process, and of its figure workers). Not a test: run it by hand; the
README's benchmark table is its output.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import logging
import resource
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

STAGES = ("load", "validate", "cutoff", "derive", "analyse", "write")
WRITERS = ("tables_csv", "json", "docx", "html_md", "figures")


def _peak_mb() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(own, kids) / 1024.0


def _timed(mod, name: str, key: str, acc: dict) -> None:
    fn = getattr(mod, name)

    def wrapper(*a, **k):
        t = time.perf_counter()
        try:
            return fn(*a, **k)
        finally:
            acc[key] = acc.get(key, 0.0) + time.perf_counter() - t

    setattr(mod, name, wrapper)


def _time_figures(run, acc: dict) -> None:
    """Seconds from starting the figure workers to the last figure drawn (the parent writes meanwhile)."""
    orig = run.figures_drawn

    @contextmanager
    def figures_drawn(specs, dpi=None):
        t = time.perf_counter()
        with orig(specs, dpi) as pending:
            results = pending.results

            def timed_results():
                out = results()
                acc.setdefault("figures", time.perf_counter() - t)
                return out

            pending.results = timed_results
            yield pending

    run.figures_drawn = figures_drawn


def one(n: int, figures: bool) -> dict:
    """Run one size in this process and return the per-stage seconds and peak MB."""
    import pipeline.report.render as render
    import pipeline.run as run
    from pipeline.config import config_from_dict
    from pipeline.synth import generate_cohort, write_cohort

    acc: dict[str, float] = {}
    stages: dict[str, dict] = {}

    class Grab(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            msg = record.getMessage()
            name = msg.split()[0] if msg else ""
            if name in STAGES and msg.rstrip().endswith("s)"):
                stages[name] = {"s": float(msg.rsplit("(", 1)[1].rstrip(" s)")), "peak_mb": _peak_mb()}

    log = logging.getLogger("mmcohort")
    log.setLevel(logging.INFO)
    log.addHandler(Grab())
    orig_write_csv = run.write_csv

    def write_csv(path, df, *a, **k):
        key = "tables_csv"
        t = time.perf_counter()
        try:
            return orig_write_csv(path, df, *a, **k)
        finally:
            acc[key] = acc.get(key, 0.0) + time.perf_counter() - t

    run.write_csv = write_csv
    _timed(run, "write_json", "json", acc)
    _timed(render, "build_docx", "docx", acc)
    _timed(render, "render_html", "html_md", acc)
    _timed(render, "render_markdown", "html_md", acc)
    _time_figures(run, acc)
    with tempfile.TemporaryDirectory() as tmp:
        write_cohort(generate_cohort(n, seed=7), Path(tmp) / "data")
        cfg = config_from_dict({
            "study": "bench", "cutoff": dt.date(2023, 6, 30),
            "inputs": {"patients": "data/patients.csv", "assessments": "data/assessments.csv",
                       "adverse_events": "data/adverse_events.csv"},
            "report": {"figures": figures}}, base_dir=Path(tmp))
        t0 = time.perf_counter()
        folder = run.run_study(cfg, Path(tmp) / "out")
        wall = time.perf_counter() - t0
        size_mb = sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) / 1e6
    return {"n": n, "figures": figures, "wall_s": round(wall, 2), "peak_mb": round(_peak_mb()),
            "stages": stages, "writers": {k: round(v, 2) for k, v in acc.items()}, "output_mb": round(size_mb, 1)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("sizes", nargs="*", type=int, default=[1000, 10000, 100000])
    ap.add_argument("--figures", action="store_true", help="draw the figures too (as a default run does)")
    ap.add_argument("--timeout", type=float, default=600.0, help="seconds allowed per size")
    ap.add_argument("--one", type=int, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.one:
        print(json.dumps(one(args.one, args.figures)))
        return
    head = ["patients", *STAGES, "wall", "peak RSS", *WRITERS]
    print("| " + " | ".join(head) + " |\n|" + "---|" * len(head))
    for n in args.sizes:
        cmd = [sys.executable, __file__, "--one", str(n)] + (["--figures"] if args.figures else [])
        try:
            p = subprocess.run(cmd, capture_output=True, text=True, timeout=args.timeout)
        except subprocess.TimeoutExpired:
            print(f"| {n:,} | " + " | ".join(["—"] * (len(head) - 1)) + f" | (stopped after {args.timeout:.0f} s)")
            continue
        if p.returncode != 0:
            print(f"| {n:,} | failed: {p.stderr.strip().splitlines()[-1] if p.stderr.strip() else p.returncode}")
            continue
        r = json.loads(p.stdout.strip().splitlines()[-1])
        st = r["stages"]
        cells = [f"{n:,}" + (" (figures)" if r["figures"] else "")]
        cells += [f"{st[s]['s']:.2f}" if s in st else "—" for s in STAGES]
        cells += [f"{r['wall_s']:.1f} s", f"{r['peak_mb']:,} MB"]
        cells += [f"{r['writers'].get(w, 0):.2f}" for w in WRITERS]
        print("| " + " | ".join(cells) + " |", flush=True)


if __name__ == "__main__":
    main()
