"""Benchmark: the whole pipeline minus rendering on a registry-sized synthetic cohort.

Usage: python benchmarks/bench_analysis.py [N]   (default 100000 patients)

Times each stage (validation of the files as written, cut-off, IMWG derivation, analysis) and prints
seconds. Not a test: run it by hand; numbers go in the CHANGELOG / issue notes.
"""

from __future__ import annotations

import datetime as dt
import sys
import tempfile
import time
from pathlib import Path

from pipeline.analysis.results import analyse, results_json
from pipeline.config import config_from_dict
from pipeline.derive.source import build_response
from pipeline.derive.stage import derive_datasets
from pipeline.run import prepare
from pipeline.synth import generate_cohort, write_cohort


def main(n: int) -> None:
    t0 = time.perf_counter()
    tables = generate_cohort(n, seed=7)
    with tempfile.TemporaryDirectory() as tmp:
        write_cohort(tables, Path(tmp))
        t1 = time.perf_counter()
        cfg = config_from_dict({"study": "bench", "cutoff": dt.date(2023, 6, 30),
                                "inputs": {"patients": "patients.csv", "assessments": "assessments.csv",
                                           "adverse_events": "adverse_events.csv"}}, base_dir=Path(tmp))
        prep = prepare(cfg)
        t2 = time.perf_counter()
        response = build_response(prep.tables, cfg)
        t3 = time.perf_counter()
        res = analyse(derive_datasets(prep.tables, response, cfg), prep.tables, cfg)
        results_json(res, cfg, prep.cutoff.as_dict())
        t4 = time.perf_counter()
    n_a = len(prep.tables["assessments"])
    print(f"patients {n}, assessments {n_a}")
    print(f"generate + write CSV  {t1 - t0:7.2f} s")
    print(f"load + validate + cut {t2 - t1:7.2f} s")
    print(f"IMWG derivation       {t3 - t2:7.2f} s")
    print(f"analysis              {t4 - t3:7.2f} s")
    print(f"total (without synth) {t4 - t1:7.2f} s")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)
