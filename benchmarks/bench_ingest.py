"""Benchmark: the load, validate and cut-off stages (``pipeline.run.prepare``) on one study config.

Usage: python benchmarks/bench_ingest.py CONFIG [--profile FILE] [--fingerprint FILE]

Make a cohort first, e.g. ``mmcohort synth --n 100000 --seed 7 --out /tmp/perf100k/data`` and a config
beside it naming data/patients.csv, data/assessments.csv and data/adverse_events.csv (as
benchmarks/bench_pipeline.py does). Prints the seconds of each stage and the peak RSS after each.

``--profile FILE`` writes a cProfile of load + validate + cut-off (read it with ``python -m pstats``).
``--fingerprint FILE`` writes a SHA-256 of every typed table (after validation and after the cut-off),
of the raw frames, of the issues (as validation.json has them) and of the cut-off report, so two versions
of the code can be compared on the same inputs: the outputs must not change when only the speed does.
A config whose inputs are refused is fine too: its issues are fingerprinted.
Not a test: run it by hand.
"""

from __future__ import annotations

import argparse
import cProfile
import hashlib
import json
import resource
import time
from pathlib import Path


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def _frame_sha(df) -> str:
    """Every cell's value and dtype, the column order and the index, hashed."""
    h = hashlib.sha256()
    h.update(repr(list(df.columns)).encode())
    h.update(repr([str(t) for t in df.dtypes]).encode())
    h.update(repr(list(df.index)).encode())
    for c in df.columns:
        h.update(repr(df[c].tolist()).encode())
    return h.hexdigest()


def _issues_sha(issues) -> dict:
    """The issues in their order, each with every field and its code; validation.json and validation.md."""
    from pipeline.text.issues import validation_markdown, validation_payload

    def sha(text: str) -> str:
        return hashlib.sha256(text.encode()).hexdigest()

    return {"coded": sha(json.dumps([i.as_coded_dict() for i in issues], ensure_ascii=False)),
            "validation.json": sha(json.dumps(validation_payload(issues), ensure_ascii=False)),
            "validation.md": sha(validation_markdown(issues)), "n": len(issues)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("config", type=Path)
    ap.add_argument("--profile", type=Path, help="write a cProfile of the three stages here")
    ap.add_argument("--fingerprint", type=Path, help="write SHA-256s of every table and issue here (JSON)")
    args = ap.parse_args()

    from pipeline.config import load_config
    from pipeline.cutoff import apply_cutoff
    from pipeline.errors import DataError
    from pipeline.ingest.validate import validate_inputs
    from pipeline.run import load_inputs

    config = load_config(args.config)
    prof = cProfile.Profile() if args.profile else None
    out: dict = {"stages": {}}

    def timed(name, fn, *a):
        t = time.perf_counter()
        if prof:
            prof.enable()
        try:
            return fn(*a)
        finally:
            if prof:
                prof.disable()
            out["stages"][name] = {"s": round(time.perf_counter() - t, 2), "peak_mb": round(_peak_mb())}

    raw = validated = tables = rep = refused = None
    try:
        raw = timed("load", load_inputs, config)
        validated = timed("validate", validate_inputs, raw, config)
        tables, rep = timed("cutoff", apply_cutoff, validated.tables, config.cutoff)
        out["warnings"] = len(validated.warnings)
    except DataError as e:
        refused = e.issues
        out["refused"] = len(e.issues)
    out["peak_mb"] = round(_peak_mb())
    if args.fingerprint:  # after the timing: hashing every cell makes objects that would count in the peak
        fp: dict = {}
        if raw is not None:
            fp["raw"] = {k: [_frame_sha(v.frame), v.sha256, v.encoding, [i.as_coded_dict() for i in v.notes]]
                         for k, v in raw.items()}
        if validated is not None:
            fp["issues"] = _issues_sha(validated.issues)
            fp["typed"] = {k: _frame_sha(v) for k, v in validated.tables.items()}
        if tables is not None:
            fp["cutoff"] = {k: _frame_sha(v) for k, v in tables.items()}
            fp["cutoff_report"] = hashlib.sha256(json.dumps(rep.as_dict(), sort_keys=True).encode()).hexdigest()
        if refused is not None:
            fp["refused"] = _issues_sha(refused)
        args.fingerprint.write_text(json.dumps(fp, indent=1, sort_keys=True) + "\n")
    print(json.dumps(out))
    if prof:
        prof.dump_stats(str(args.profile))


if __name__ == "__main__":
    main()
