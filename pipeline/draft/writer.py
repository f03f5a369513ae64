"""The draft as YAML, every proposal followed by its evidence in a comment.

Only what ``pipeline.config`` reads is active; alternatives, identifiers left out and headers the
contract has no column for are comments, so the file validates as written and the person sees every
choice. Uncertain proposals carry ``CHECK:``.
"""

from __future__ import annotations

import json
import os
import re
import unicodedata
from pathlib import Path

import yaml

from pipeline.draft.decisions import Decisions, decisions
from pipeline.draft.match import Candidate
from pipeline.draft.propose import Draft, Extra, TableDraft

_PLAIN = re.compile(r"^[^\s\-?:,\[\]{}#&*!|>'\"%@`](?:[^,\[\]{}#:]|:(?=\S)|(?<=\S)#)*$")


def scalar(v: object) -> str:
    """A YAML scalar that reads back as ``v`` (quoted only when it must be)."""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    s = str(v)
    if _PLAIN.match(s) and s == s.strip():
        try:  # it must read back the same in a block and in a flow collection
            if yaml.safe_load(s) == s and yaml.safe_load(f"[{s}]") == [s] and yaml.safe_load(f"{{{s}: 1}}") == {s: 1}:
                return s
        except yaml.YAMLError:
            pass
    quoted = json.dumps(s, ensure_ascii=False)  # a JSON string is a YAML double-quoted scalar
    return "".join(c if c.isprintable() or c in "\t" else _escape(c) for c in quoted)


def _escape(c: str) -> str:
    return f"\\u{ord(c):04x}" if ord(c) <= 0xFFFF else f"\\U{ord(c):08x}"


def _clean(text: str) -> str:
    """Comment text on one line, without the control characters a YAML reader refuses."""
    return "".join(c if c.isprintable() else "?" for c in re.sub(r"\s+", " ", str(text)).strip())


def _width(text: str) -> int:
    """Display width: Chinese characters take two columns."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _line(text: str, comment: str, width: int = 44) -> str:
    """``text`` and a comment aligned after it; the comment is kept on one line (a header may hold a newline)."""
    comment = _clean(comment)
    return f"{text}{' ' * max(0, width - _width(text))}  # {comment}" if comment else text


def _why(c: Candidate) -> str:
    out = "; ".join(c.evidence)
    if c.check:
        out += " -- CHECK: " + "; ".join(c.check)
    return out


def _rel(path: Path, out: Path) -> str:
    return Path(os.path.relpath(path.resolve(), out.resolve().parent)).as_posix()


def _header_block(d: Draft, out: Path) -> list[str]:
    lines = ["# Study config drafted by `mmcohort init` from the export's headers and values.",
             "# Each proposal is followed by its evidence; read every line marked CHECK, then run",
             f"#   mmcohort validate --config {out.name}"]
    for t in d.tables.values():
        enc = f", {t.encoding} text" if t.encoding else ""
        lines.append(_clean(f"# {t.table}: {t.path.name} ({t.n_rows} rows, {len(t.headers)} columns{enc})"))
        sheet = d.sheet.get(t.table) if isinstance(d.sheet, dict) else d.sheet
        if len(t.sheets) > 1:
            check = "" if sheet else "CHECK: "
            lines.append("#   " + _clean(f"{check}the workbook has sheets {', '.join(t.sheets)}; read "
                                       f"{sheet or t.sheets[0]!r} (choose with --sheet / inputs.sheet)"))
    lines += [_clean(f"# {note}") for note in d.unused_sheets]
    lines += [f"study: {scalar(d.study)}", _line(f"cutoff: {d.cutoff.isoformat()}", d.cutoff_note, 20), "inputs:"]
    for t in d.tables.values():
        lines.append(f"  {t.table}: {scalar(_rel(t.path, out))}")
    if isinstance(d.sheet, dict):  # a sheet per table: each with why it was chosen
        lines.append("  sheet:")
        lines += [_line(f"    {t.table}: {scalar(d.sheet[t.table])}", t.sheet_note or "from --sheet")
                  for t in d.tables.values() if t.table in d.sheet]
    elif d.sheet:
        lines.append(f"  sheet: {scalar(d.sheet)}")
    if d.encoding:
        lines.append(f"  encoding: {scalar(d.encoding)}")
    return lines


def _columns_block(t: TableDraft) -> list[str]:
    lines = [f"  {t.table}:" if t.active else f"  {t.table}: {{}}  # no header placed"]
    for h in t.headers:
        if h in t.left_out:
            lines.append(f"    # left out: {scalar(h)} -- {t.left_out[h]}; identifiers do not belong in a "
                         "de-identified export (values not shown)")
            continue
        c = t.active.get(h)
        if c is not None:
            lines.append(_line(f"    {scalar(h)}: {c.canonical}", _why(c)))
        for alt in t.alternatives.get(h, []):
            lines.append(_line(f"    # {scalar(h)}: {alt.canonical}", "alternative: " + "; ".join(alt.evidence)))
    for m in t.missing_required:
        hint = t.missing_hints.get(m)
        fits = f" (by their values: {', '.join(scalar(h) for h in hint)})" if hint else ""
        lines.append("    # CHECK: " + _clean(f"no header found for the required column {m}; add '<your header>: {m}'{fits}"))
    lines += ["    # CHECK: " + _clean(note) for note in t.conditional]
    return lines


def _flow(entries: dict) -> str:
    return "{" + ", ".join(f"{scalar(k)}: {scalar(v)}" for k, v in entries.items()) + "}"


def _values_block(d: Draft) -> list[str]:
    active: dict[str, tuple[dict, list[str]]] = {}
    commented: dict[str, tuple[dict, list[str]]] = {}
    for t in d.tables.values():
        pairs = [(t.active[h], False) for h in t.headers if h in t.active]  # in the export's column order
        pairs += [(a, True) for h in t.headers for a in t.alternatives.get(h, [])]
        for c, alt in pairs:
            vm = c.values
            if vm is None or not vm.entries:
                continue
            target = commented if alt else active
            entries, notes = target.setdefault(c.canonical, ({}, []))
            entries.update(vm.entries)
            seen = ", ".join(v[:30] for v in vm.seen[:12])
            notes.append(f"{'; '.join(vm.families) or 'known spellings'}; found in '{c.header}': {seen}")
    lines = []
    for col, (entries, notes) in active.items():
        if len(entries) <= 4:
            lines.append(_line(f"  {col}: {_flow(entries)}", " | ".join(notes), 60))
        else:
            lines.append(_line(f"  {col}:", " | ".join(notes), 60))
            lines += [f"    {scalar(k)}: {scalar(v)}" for k, v in entries.items()]
    for col, (entries, notes) in commented.items():
        if col not in active:
            lines.append(_line(f"  # {col}: {_flow(entries)}", "for the alternative above: " + " | ".join(notes)))
    return lines


def _extra_lines(e: Extra) -> list[str]:
    if e.type is None:
        return ["#   # not declarable: " + _clean(f"{scalar(e.header)} -- {e.evidence}")]
    name_note = "CHECK: choose a snake_case name" if e.name.startswith("extra_") else ""
    out = [_line(f"#   - name: {e.name}", name_note, 30), f"#     header: {scalar(e.header)}",
           _line(f"#     type: {e.type}", "guessed: " + e.evidence + (f"; {e.note}" if e.note else ""), 30)]
    if e.values:
        out.append(f"#     values: [{', '.join(scalar(v) for v in e.values)}]")
    return out


def _extras_block(d: Draft) -> list[str]:
    lines = []
    for t in d.tables.values():
        if not t.extras:
            continue
        if t.table != "patients":
            lines.append(_clean(f"# {t.table}: not in the contract, ignored when run: "
                                + ", ".join(f"{scalar(e.header)} ({e.type or 'free text'})" for e in t.extras)))
            continue
        lines += [f"# Headers of the patients table the contract has no column for ({len(t.extras)}). To analyse",
                  "# one, uncomment its declaration (type: number, integer, category, yesno or date).",
                  "# extra_columns:"]
        for e in t.extras:
            lines += _extra_lines(e)
    return lines


def _decisions_block(dec: Decisions) -> list[str]:
    lines = ["# What the export cannot decide (DECIDE: choose before the analysis; the rest: change if needed)."]
    if dec.time_zero:
        lines.append(_clean(f"# {dec.time_zero}"))
    if dec.source_note:
        lines += ["response:", _line("  source: auto", dec.source_note, 20)]
    return [*lines, _clean(f"# {dec.defaults}")]


def render_draft(d: Draft, out: Path) -> str:
    """The drafted config as YAML text (paths relative to ``out``'s folder)."""
    lines = _header_block(d, out)
    lines += ["", "# Hospital header -> canonical column, per table.", "columns:"]
    for t in d.tables.values():
        lines += _columns_block(t)
    values = _values_block(d)
    if values:
        head = "values:" if any(not v.lstrip().startswith("#") for v in values) else "values: {}"
        lines += ["", "# Canonical column -> {hospital value: canonical value}.", head, *values]
    extras = _extras_block(d)
    if extras:
        lines += ["", *extras]
    allow = [h for t in d.tables.values() for h in t.deid_allow]
    if allow:
        lines += ["", _line(f"deid_allow: [{', '.join(scalar(h) for h in dict.fromkeys(allow))}]",
                            "CHECK: the identifier guard's person-name test fires on these columns, but their "
                            "values are all known category words (see columns)", 20)]
    lines += ["", *_decisions_block(decisions(d))]
    lang_why = "most headers are Chinese" if d.language == "zh" else "the headers are not Chinese"
    lines += ["", "report:", _line(f"  language: {d.language}", lang_why, 20)]
    return "\n".join(lines) + "\n"


def summary(d: Draft) -> str:
    n = d.counts()
    return (f"{n['mapped']} column(s) mapped ({n['check']} to check), {n['unmapped']} unmapped, "
            f"{n['left_out']} identifier column(s) left out")
