"""``mmcohort init``: draft, check that the draft is a valid config, write it, report on stderr."""

from __future__ import annotations

import codecs
import datetime as dt
import re
from pathlib import Path

import click
import yaml

from pipeline.config import config_from_dict
from pipeline.draft.decisions import decisions
from pipeline.draft.propose import draft_config
from pipeline.draft.writer import render_draft, summary
from pipeline.errors import ConfigError, UserError


def init_command(patients: str, assessments: str | None, adverse_events: str | None, study: str, out: str,
                 sheet: str | None, cutoff: dt.date | None, force: bool, encoding: str | None = None) -> Path:
    """Write the drafted config to ``out``; returns its path. ``UserError`` (exit 2) on bad input."""
    if not re.fullmatch(r"[A-Za-z0-9_.-]{1,80}", study):
        raise UserError(f"--study {study!r}: use letters, digits, '_', '.' or '-' (it names the run folder)")
    if encoding is not None:
        try:
            codecs.lookup(encoding)
        except LookupError:
            raise UserError(f"--encoding {encoding!r}: unknown (use utf-8, utf-8-sig, gb18030 or gbk)") from None
    out_path = Path(out)
    if out_path.exists() and not force:
        raise UserError(f"{out_path} already exists; choose another --out or add --force to overwrite it")
    inputs = {"patients": Path(patients), "assessments": assessments and Path(assessments),
              "adverse_events": adverse_events and Path(adverse_events)}
    draft = draft_config(inputs, study, cutoff=cutoff, sheet=sheet, encoding=encoding)
    text = render_draft(draft, out_path)
    try:  # the draft must be a config `validate` accepts as written (an error here is our bug)
        config_from_dict(yaml.safe_load(text), base_dir=out_path.resolve().parent, source=str(out_path))
    except ConfigError as e:
        raise RuntimeError(f"mmcohort init drafted an invalid config: {e}") from None
    out_path.parent.mkdir(parents=True, exist_ok=True)
    out_path.write_text(text, encoding="utf-8")
    click.echo(f"mmcohort init: {summary(draft)} -> {out_path}", err=True)
    if decisions(draft).source_note:
        click.echo("mmcohort init: DECIDE: response.source (the export holds more than one kind of response; "
                   "see the draft)", err=True)
    for t in draft.tables.values():
        if t.sheet_note.startswith("CHECK"):
            click.echo(f"mmcohort init: CHECK: the {t.table} table read from sheet {draft.sheet[t.table]!r} of "
                       f"{t.path.name}: {t.sheet_note.removeprefix('CHECK: ')}", err=True)
        for m in t.missing_required:
            click.echo(f"mmcohort init: CHECK: no header found for the required {t.table} column {m}", err=True)
        for note in t.conditional:
            click.echo(f"mmcohort init: CHECK: {note}", err=True)
    return out_path
