"""Benchmark: every writer at 1k and 10k rows; the time ratio shows whether it stays linear (about 10).

Usage: python benchmarks/bench_writers.py [ROWS_SMALL ROWS_LARGE]   (default 1000 10000)

Writers: derived/tables CSV (``write_csv``), tables.xlsx (``write_xlsx``, streamed), tables.docx
(``build_docx``), report.html and report.md (``render_html``, ``render_markdown`` of a report holding the
table). Each time is the best of three. A writer whose ratio is far above 10 walks its output again for
each row (quadratic), as the Word writer did (``table.rows[i]`` inside a loop). Not a test: timings on a
shared machine are too noisy to assert; run it by hand after changing a writer.
"""

from __future__ import annotations

import datetime as dt
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from pipeline.report.build import ReportDocument, Section, render_html, render_markdown
from pipeline.report.docx import build_docx
from pipeline.report.tables import DisplayTable
from pipeline.runs.folder import write_csv, write_xlsx


def frame(n: int) -> pd.DataFrame:
    rng = np.random.default_rng(1)
    return pd.DataFrame({
        "patient_id": [f"P{i:06d}" for i in range(n)],
        "assessment_date": pd.Timestamp("2022-01-01") + pd.to_timedelta(rng.integers(0, 900, n), unit="D"),
        "cycle": rng.integers(0, 9, n),
        "category": rng.choice(["CR", "VGPR", "PR", "SD", "PD"], n),
        "reason": [f"serum M {x:+.0f}% from baseline, confirmed" for x in rng.normal(-40, 30, n)],
        "pct_change": rng.normal(-40, 30, n),
    })


def display(df: pd.DataFrame) -> DisplayTable:
    rows = df.astype(str).to_numpy().tolist()
    return DisplayTable("listing", "Listing", list(df.columns), rows, text=True)


def report(df: pd.DataFrame) -> ReportDocument:
    """A report whose one section holds ``df`` as a table."""
    tab = display(df)
    block = {"kind": "table", "table": tab, "title": tab.numbered_title("en")}
    return ReportDocument("en", "Writers", "benchmark", [], [Section("tables", "Tables", [block])], [tab])


def timed(fn, repeat: int = 3) -> float:
    best = float("inf")
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t)
    return best


def main(small: int, large: int) -> None:
    stamp = dt.datetime(2023, 6, 30)
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        writers = {
            "write_csv": lambda df: write_csv(out / "t.csv", df),
            "write_xlsx": lambda df: write_xlsx(out / "t.xlsx", {"t": df}, stamp),
            "build_docx": lambda df: build_docx([display(df)]),
            "render_html": lambda df: render_html(report(df)),
            "render_markdown": lambda df: render_markdown(report(df)),
        }
        print(f"| writer | {small:,} rows | {large:,} rows | ratio |\n|---|---|---|---|")
        for name, fn in writers.items():
            a, b = frame(small), frame(large)
            ta, tb = timed(lambda fn=fn, a=a: fn(a)), timed(lambda fn=fn, b=b: fn(b))
            print(f"| {name} | {ta:.3f} s | {tb:.3f} s | {tb / ta:.1f} |", flush=True)


if __name__ == "__main__":
    args = [int(x) for x in sys.argv[1:3]] or [1000, 10000]
    main(*args)
