"""Read run folders back: one run (``load_run``), the runs of an output folder, the latest earlier cut-off.

Only reads; the run folder is written by ``pipeline/runs/folder.py``.
"""
from __future__ import annotations

import datetime as dt
import json
import logging
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from pydantic import ValidationError

from pipeline.analysis.record import ResultsRecord, lenient
from pipeline.errors import UserError
from pipeline.runs.folder import read_csv_text

log = logging.getLogger("mmcohort")


@dataclass
class Run:
    folder: Path
    study: str
    cutoff: dt.date
    #: results.json read leniently (``read_results``): a key the run's version did not write is None
    results: ResultsRecord
    manifest: dict
    #: derived/<name>.csv as text ("" = empty cell), by name: patients, assessments, adverse_events, adsl...
    derived: dict[str, pd.DataFrame] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return self.folder.name


# --------------------------------------------------------------------------------------------- reading


def _read_json(path: Path) -> dict:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        raise UserError(f"{path} cannot be read as JSON ({e})") from None
    if not isinstance(data, dict):
        raise UserError(f"{path} is not an mmcohort file (expected a JSON object)")
    return data


def read_results(data: dict, path: Path | str = "results.json") -> ResultsRecord:
    """results.json of any mmcohort version, to read back (compare, runs): the record's lenient form.

    Every key is optional (None when the run's version did not write it), unknown keys are ignored and
    numbers are taken as they are (old runs wrote some counts as 1.0); the attributes are the record's
    (``pipeline.analysis.record``). A section that is damaged (not of its type even so) is left out.
    """
    model = lenient(ResultsRecord)
    try:
        return model.model_validate(data)
    except ValidationError as e:
        bad = sorted({str(err["loc"][0]) for err in e.errors() if err["loc"]})
        log.warning("%s: %s not readable; left out", path, ", ".join(bad))
        return model.model_validate({k: v for k, v in data.items() if k not in bad})


def _run_header(folder: Path) -> tuple[ResultsRecord, dict]:
    """(results, manifest) of a run folder, or a UserError saying why it is not one."""
    folder = Path(folder)
    if not folder.is_dir():
        raise UserError(f"{folder} is not a folder (expected a run folder such as reports/<study>_cutoff-<date>)")
    missing = [n for n in ("results.json", "manifest.json") if not (folder / n).is_file()]
    if missing:
        raise UserError(f"{folder} is not an mmcohort run folder: {' and '.join(missing)} missing")
    results, manifest = _read_json(folder / "results.json"), _read_json(folder / "manifest.json")
    for key in ("study", "cutoff"):
        if key not in manifest:
            raise UserError(f"{folder / 'manifest.json'} has no '{key}': not an mmcohort run folder")
    return read_results(results, folder / "results.json"), manifest


def load_run(folder: Path | str) -> Run:
    """Read a run folder back: results.json, manifest.json and every derived/*.csv (as text)."""
    folder = Path(folder)
    results, manifest = _run_header(folder)
    _check_derived_text(folder)
    try:
        cutoff = dt.date.fromisoformat(str(manifest["cutoff"]))
    except ValueError:
        raise UserError(f"{folder / 'manifest.json'}: cutoff {manifest['cutoff']!r} is not a date") from None
    derived = {}
    if (folder / "derived").is_dir():
        for path in sorted((folder / "derived").glob("*.csv")):
            derived[path.stem] = read_csv_text(path, keep_default_na=False)  # formula guard removed
    return Run(folder, str(manifest["study"]), cutoff, results, manifest, derived)


def _check_derived_text(folder: Path) -> None:
    """A run's derived/*.csv re-saved in another encoding (Excel's GBK) is a UserError naming the file."""
    derived = folder / "derived"
    for path in sorted(derived.glob("*.csv")) if derived.is_dir() else []:
        try:
            path.read_bytes().decode("utf-8")
        except UnicodeDecodeError:
            raise UserError(f"{path} is not UTF-8 any more (re-saved by Excel?); mmcohort wrote it as UTF-8: "
                            "rerun that cut-off, or save the file as 'CSV UTF-8'") from None
        except OSError as e:
            raise UserError(f"{path} cannot be read ({e.strerror or e})") from None


def runs_in(out_root: Path) -> list[tuple[Path, ResultsRecord, dict]]:
    out_root = Path(out_root)
    found = []
    if not out_root.is_dir():
        return found
    for folder in sorted(out_root.iterdir()):
        if folder.name.startswith(".") or not folder.is_dir():
            continue  # staging folders of runs in progress are hidden
        try:
            results, manifest = _run_header(folder)
            dt.date.fromisoformat(str(manifest["cutoff"]))
        except (UserError, ValueError):
            continue
        found.append((folder, results, manifest))
    return found


def find_previous_run(out_root: Path | str, study: str, cutoff: dt.date) -> Path | None:
    """The run of ``study`` in ``out_root`` with the latest cut-off before ``cutoff`` (None if none)."""
    best: tuple[dt.date, str, Path] | None = None
    for folder, _, manifest in runs_in(Path(out_root)):
        c = dt.date.fromisoformat(str(manifest["cutoff"]))
        if manifest["study"] == study and c < cutoff and (best is None or (c, folder.name) > best[:2]):
            best = (c, folder.name, folder)
    return None if best is None else best[2]


