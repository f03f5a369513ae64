"""``mmcohort runs``: the runs of an output folder, one line each."""
from __future__ import annotations

from pathlib import Path

from pipeline.analysis.record import ResultsRecord
from pipeline.errors import UserError
from pipeline.runs.diff import conf_level_of, level_text, pick
from pipeline.runs.diff_text import median_cell
from pipeline.runs.read import runs_in
from pipeline.text import fmt


def list_runs(out_root: Path | str, study: str | None = None) -> list[dict]:
    """Every run in ``out_root`` (of ``study``), by study and cut-off, with checksums and headline numbers."""
    out_root = Path(out_root)
    if not out_root.is_dir():
        raise UserError(f"{out_root} is not a folder (give the root the runs were written to with --out)")
    rows = []
    for folder, results, manifest in runs_in(out_root):
        if study is not None and manifest["study"] != study:
            continue
        orr_rows = [r for r in results.rates or [] if r.endpoint == "ORR"]
        orr = next((r for r in orr_rows if r.population == "all treated"), orr_rows[0] if orr_rows else None)

        def median(ep: str, results: ResultsRecord = results) -> dict | None:
            r = next((r for r in results.survival or [] if r.endpoint == ep and r.group_by is None), None)
            return pick(r, ("n", "events", "median", "median_ci_low", "median_ci_high"))

        rows.append({
            "folder": folder.name, "study": manifest["study"], "cutoff": manifest["cutoff"],
            "created_utc": manifest.get("created_utc"),
            "n_patients": results.n_patients, "response_source": results.response_source,
            "inputs": [{"table": i.get("table"), "sha256": i.get("sha256"), "rows": i.get("rows")}
                       for i in _list(manifest.get("inputs")) if isinstance(i, dict)],
            "orr": pick(orr, ("population", "n", "N", "pct", "ci_low", "ci_high")),
            "median_pfs": median("PFS"), "median_os": median("OS"),
            "conf_level": conf_level_of(results, manifest),
        })
    rows.sort(key=lambda r: (r["study"], r["cutoff"], r["folder"]))
    return rows


def _list(v: object) -> list:
    return v if isinstance(v, list) else []


def format_runs(rows: list[dict]) -> str:
    """A plain-text table of ``list_runs``: one line per run."""
    if not rows:
        return "no runs found\n"
    head = ("study", "cutoff", "n", "ORR (all treated)", "median PFS (CI)", "median OS (CI)", "CI level",
            "inputs (sha256)", "folder")
    lines = []
    for r in rows:
        lines.append((
            r["study"], r["cutoff"], "" if r["n_patients"] is None else str(r["n_patients"]),
            "-" if r["orr"] is None else f"{r['orr']['n']}/{r['orr']['N']} ({fmt.plain_num(r['orr']['pct'], '-')}%)",
            median_cell(r["median_pfs"]), median_cell(r["median_os"]), level_text([r["conf_level"]]) + "%",
            " ".join(f"{i['table']}:{str(i['sha256'])[:12]}" for i in r["inputs"]), r["folder"]))
    widths = [max(len(x[k]) for x in [head, *lines]) for k in range(len(head) - 1)]
    return "\n".join("  ".join(c.ljust(w) for c, w in zip(x[:-1], widths, strict=True)) + "  " + x[-1]
                     for x in [head, *lines]) + "\n"

