"""The ``mmcohort`` command line.

Exit codes: 0 success, 2 invalid data or config (a message, no traceback), 1 only for a real bug.
"""

from __future__ import annotations

import datetime as dt
import errno
import functools
import logging
import sys
from pathlib import Path

import click

from pipeline import __version__
from pipeline.config import StudyConfig, config_from_dict, load_config
from pipeline.errors import DataError, UserError
from pipeline.ingest.identifiers import redact

log = logging.getLogger("mmcohort")


def _setup_logging(quiet: bool) -> None:
    log.handlers.clear()
    log.propagate = False
    if quiet:
        log.setLevel(logging.ERROR)
    else:
        log.setLevel(logging.INFO)
    h = logging.StreamHandler(sys.stderr)
    h.setFormatter(logging.Formatter("[mmcohort] %(message)s"))
    h.addFilter(_redact_record)
    log.addHandler(h)


#: Library loggers whose warnings tell the user nothing they can act on: matplotlib's font manager says
#: "Failed to find font weight bold for SimHei, now using 400" for CJK fonts without a bold face (most of
#: them); the text is drawn in the regular weight.
QUIET_LOGGERS = ("py.warnings", "matplotlib.font_manager")


def _quiet_library_warnings() -> None:
    """Warnings raised inside the libraries (pandas' FutureWarning, matplotlib's font fallbacks, ...) are
    for us, not for the user: they go to the ``mmcohort.libraries`` logger at DEBUG level (silent unless a
    caller asks for it)."""
    logging.captureWarnings(True)
    for name in QUIET_LOGGERS:
        lg = logging.getLogger(name)
        lg.handlers.clear()
        lg.propagate = False
        lg.addHandler(_ToDebug(logging.getLogger("mmcohort.libraries")))


class _ToDebug(logging.Handler):
    def __init__(self, target: logging.Logger) -> None:
        super().__init__(logging.DEBUG)
        self.target = target

    def emit(self, record: logging.LogRecord) -> None:
        self.target.debug("library warning: %s", record.getMessage().strip())


def _user_errors(fn):
    """Turn UserError into a clean message and exit code 2."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except DataError as e:
            from pipeline.text.issues import format_issues

            n = sum(i.severity == "error" for i in e.issues)
            click.echo(f"mmcohort: the input data have {n} error(s); nothing was written.\n", err=True)
            click.echo(format_issues(e.issues), err=True, nl=False)
            sys.exit(2)
        except UserError as e:
            click.echo(f"mmcohort: {redact(str(e))}", err=True)
            sys.exit(2)
        except OSError as e:
            if e.errno not in _DISK_ERRNOS:
                raise
            where = f" {e.filename}" if e.filename else ""
            click.echo(f"mmcohort: cannot write or read{where}: {e.strerror or e}", err=True)
            sys.exit(2)

    return wrapper


#: OSErrors that are the user's disk or folder, not our bug: full, read-only, no permission, name too long.
_DISK_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EACCES, errno.EPERM, errno.ENAMETOOLONG,
                          errno.ENOTDIR, errno.EISDIR})


def _redact_record(record: logging.LogRecord) -> bool:
    """Progress and warnings never print an identifier-looking value either (pipeline/ingest/identifiers.py)."""
    record.msg, record.args = redact(record.getMessage()), ()
    return True


def _parse_cutoff(ctx, param, value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"must be a date as YYYY-MM-DD, got {value!r}") from None


def _config(config_path: str | None, cutoff: dt.date | None, patients: str | None, assessments: str | None,
            adverse_events: str | None, study: str) -> StudyConfig:
    if config_path:
        if patients or assessments or adverse_events:
            raise UserError("give either --config or --patients/--assessments/--adverse-events, not both")
        return load_config(config_path, cutoff=cutoff)
    if not patients:
        raise UserError("give --config study.yaml, or --patients FILE (canonical columns) with --cutoff")
    if cutoff is None:
        raise UserError("--cutoff YYYY-MM-DD is required without a config")
    inputs = {"patients": str(Path(patients).resolve())}
    if assessments:
        inputs["assessments"] = str(Path(assessments).resolve())
    if adverse_events:
        inputs["adverse_events"] = str(Path(adverse_events).resolve())
    return config_from_dict({"study": study, "cutoff": cutoff, "inputs": inputs}, source="command line")


_input_options = [
    click.option("--config", "config_path", type=click.Path(dir_okay=False), help="Study config (YAML)."),
    click.option("--cutoff", callback=_parse_cutoff, metavar="YYYY-MM-DD",
                 help="Data cut-off date (overrides the config)."),
    click.option("--patients", type=click.Path(dir_okay=False), help="Patients file (without --config)."),
    click.option("--assessments", type=click.Path(dir_okay=False), help="Assessments file (without --config)."),
    click.option("--adverse-events", type=click.Path(dir_okay=False), help="Adverse events file (without --config)."),
    click.option("--study", default="study", show_default=True, help="Study name (without --config)."),
    click.option("-q", "--quiet", is_flag=True, help="No progress on stderr."),
]


def input_options(fn):
    for opt in reversed(_input_options):
        fn = opt(fn)
    return fn


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="mmcohort")
def main() -> None:
    """Analyse a de-identified multiple myeloma cohort: validate, derive IMWG response, survival, report."""
    _quiet_library_warnings()


@main.command()
@input_options
@click.option("--out", "out_root", type=click.Path(file_okay=False), default="reports", show_default=True,
              help="Root folder; the run goes to OUT/<study>_cutoff-<date>/.")
@click.option("--replace", is_flag=True,
              help="Overwrite this cut-off's earlier run even if it was made from other inputs or config.")
@click.option("--no-figures", is_flag=True, help="Skip the figures (a faster draft; same tables and numbers).")
@_user_errors
def run(config_path, cutoff, patients, assessments, adverse_events, study, quiet, out_root, replace,
        no_figures) -> None:
    """Run the whole analysis and write the run folder."""
    _setup_logging(quiet)
    from pipeline.run import run_study

    cfg = _config(config_path, cutoff, patients, assessments, adverse_events, study)
    if no_figures:
        cfg = cfg.model_copy(update={"report": cfg.report.model_copy(update={"figures": False})})
    folder = run_study(cfg, Path(out_root), replace=replace)
    if not quiet:
        click.echo(str(folder))


@main.command()
@input_options
@_user_errors
def validate(config_path, cutoff, patients, assessments, adverse_events, study, quiet) -> None:
    """Check the input files and list every problem at once (writes nothing)."""
    _setup_logging(quiet)
    from pipeline.run import prepare
    from pipeline.text.issues import format_issues

    if cutoff is None and not config_path:
        cutoff = dt.date.today()  # validating needs no cut-off; a config's own one is kept
    cfg = _config(config_path, cutoff, patients, assessments, adverse_events, study)
    prep = prepare(cfg)
    issues = prep.validated.issues
    click.echo(f"no errors; {len(issues)} warning(s)" if issues else "no problems found")
    if issues:
        click.echo(format_issues(issues), nl=False)


@main.command()
@click.option("--n", "n", type=click.IntRange(1, 10_000_000), default=120, show_default=True)
@click.option("--seed", type=int, default=20221209, show_default=True)
@click.option("--out", "out_dir", type=click.Path(file_okay=False), required=True)
@_user_errors
def synth(n: int, seed: int, out_dir: str) -> None:
    """Write a synthetic cohort (patients, assessments, adverse_events) in the contract's format."""
    from pipeline.synth import generate_cohort, write_cohort

    paths = write_cohort(generate_cohort(n, seed), Path(out_dir))
    for p in paths:
        click.echo(str(p))


@main.command("paper-table")
@click.option("--run", "run_folder", type=click.Path(file_okay=False), required=True,
              help="Run folder of the bendamustine_rrmm replica, e.g. reports/bendamustine_rrmm_cutoff-2022-12-09.")
@click.option("--json", "json_path", type=click.Path(dir_okay=False), help="Also write the rows as JSON.")
@_user_errors
def paper_table(run_folder: str, json_path: str | None) -> None:
    """The reference study's published numbers next to the replica run's (Markdown table)."""
    from pipeline.runs.folder import write_json
    from pipeline.synth.replica.paper_table import format_table, paper_table, table_json

    rows = paper_table(Path(run_folder))
    if json_path:
        write_json(Path(json_path), table_json(rows))
    click.echo(format_table(rows), nl=False)


@main.command()
@click.option("--out", "out_file", type=click.Path(dir_okay=False), default=None,
              help="Write to this file instead of standard output.")
def dictionary(out_file: str | None) -> None:
    """Print the data dictionary generated from the schemas (docs/data_dictionary.md)."""
    from pipeline.ingest.dictionary import render_dictionary

    text = render_dictionary()
    if out_file:
        Path(out_file).write_text(text, encoding="utf-8")
    else:
        click.echo(text, nl=False)


@main.command()
@click.argument("run_a", metavar="RUN_A")
@click.argument("run_b", metavar="RUN_B")
@click.option("--json", "json_path", type=click.Path(dir_okay=False), help="Also write the comparison as JSON.")
@click.option("--lang", type=click.Choice(["en", "zh"]), default="en", show_default=True)
@click.option("--force", is_flag=True, help="Compare runs of different studies.")
@click.option("--limit", type=click.IntRange(0), default=200, show_default=True,
              help="Longest list shown (patients, events, records); 0 = all. --json always has all.")
@_user_errors
def compare(run_a: str, run_b: str, json_path: str | None, lang: str, force: bool, limit: int) -> None:
    """What changed from run folder RUN_A (earlier cut-off) to RUN_B: patients, events, numbers, records."""
    from pipeline.runs.diff import compare_runs
    from pipeline.runs.diff_text import format_comparison
    from pipeline.runs.folder import write_json
    from pipeline.runs.read import load_run

    d = compare_runs(load_run(run_a), load_run(run_b), force=force)
    if json_path:
        write_json(Path(json_path), d)
    click.echo(format_comparison(d, lang, limit), nl=False)


@main.command()
@click.option("--out", "out_root", type=click.Path(file_okay=False), default="reports", show_default=True,
              help="Root folder the runs were written to.")
@click.option("--study", default=None, help="Only the runs of this study.")
@click.option("--json", "json_path", type=click.Path(dir_okay=False), help="Also write the list as JSON.")
@_user_errors
def runs(out_root: str, study: str | None, json_path: str | None) -> None:
    """List the runs: cut-off, input checksums and headline numbers (n, ORR, median PFS/OS)."""
    from pipeline.runs.faults import recover_interrupted
    from pipeline.runs.folder import write_json
    from pipeline.runs.listing import format_runs, list_runs

    for note in recover_interrupted(Path(out_root)):  # a run stopped mid-swap: its previous run is restored
        click.echo(f"mmcohort: {note}", err=True)
    rows = list_runs(Path(out_root), study)
    if json_path:
        write_json(Path(json_path), rows)
    click.echo(format_runs(rows), nl=False)


@main.command()
@click.argument("patients", type=click.Path(dir_okay=False))
@click.option("--assessments", type=click.Path(dir_okay=False), help="Assessments file of the same export.")
@click.option("--adverse-events", type=click.Path(dir_okay=False), help="Adverse events file of the same export.")
@click.option("--study", required=True, help="Study name (letters, digits, _ . -).")
@click.option("--out", "out_file", type=click.Path(dir_okay=False), required=True, help="The config to write.")
@click.option("--sheet", default=None, help="Sheet name for .xlsx inputs (default: a sheet per table proposed from "
              "the headers when a workbook has several).")
@click.option("--cutoff", callback=_parse_cutoff, metavar="YYYY-MM-DD",
              help="Data cut-off (default: the latest last-contact date, marked CHECK).")
@click.option("--encoding", default=None, help="Force a CSV encoding instead of detecting it (e.g. gbk).")
@click.option("--force", is_flag=True, help="Overwrite --out if it exists.")
@_user_errors
def init(patients, assessments, adverse_events, study, out_file, sheet, cutoff, encoding, force) -> None:
    """Draft a study config from a hospital export PATIENTS (headers and values mapped, evidence in comments)."""
    from pipeline.draft.command import init_command

    click.echo(str(init_command(patients, assessments, adverse_events, study, out_file, sheet, cutoff, force,
                                encoding)))


if __name__ == "__main__":  # pragma: no cover
    main()


@main.command()
@click.option("--config", "config_path", required=True, type=click.Path(dir_okay=False),
              help="Meta-analysis config (YAML): the studies table and the outcomes to pool.")
@click.option("--out", "out_root", type=click.Path(file_okay=False), default="reports", show_default=True,
              help="Root folder; the output goes to OUT/<name>/.")
@click.option("--no-figures", is_flag=True, help="Skip the forest and funnel plots.")
@click.option("-q", "--quiet", is_flag=True, help="No progress on stderr.")
@_user_errors
def meta(config_path: str, out_root: str, no_figures: bool, quiet: bool) -> None:
    """Meta-analysis of published studies (RevMan 5 / metafor methods): meta.json, forest plots, report."""
    _setup_logging(quiet)
    from pipeline.meta.config import load_meta_config
    from pipeline.meta.run import run_meta

    folder = run_meta(load_meta_config(config_path), Path(out_root), figures=not no_figures)
    if not quiet:
        click.echo(str(folder))
