"""Time ``generate_cohort`` (and, separately, ``write_cohort``) for a large cohort.

Not a test: run it by hand, e.g. ``.venv/bin/python benchmarks/bench_synth.py --n 100000``.
The generator is vectorised over patients, so 100 000 patients should take a few seconds.
"""

from __future__ import annotations

import argparse
import tempfile
import time

from pipeline.synth import generate_cohort, write_cohort


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=20221209)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--write", action="store_true", help="also time write_cohort")
    args = parser.parse_args()

    times = []
    for _ in range(args.repeat):
        t0 = time.perf_counter()
        tables = generate_cohort(args.n, args.seed)
        times.append(time.perf_counter() - t0)
    rows = {name: len(df) for name, df in tables.items()}
    print(f"generate_cohort(n={args.n}): best {min(times):.2f} s of {args.repeat}; rows {rows}")
    if args.write:
        with tempfile.TemporaryDirectory() as out:
            t0 = time.perf_counter()
            write_cohort(tables, out)
            print(f"write_cohort: {time.perf_counter() - t0:.2f} s")


if __name__ == "__main__":
    main()
