"""The whole draft: read each table as ``run`` does, leave identifiers out, place every header.

Resolution is greedy and explicit: the best-scoring (header, column) pair is taken first; a column two
headers claim goes to the better one (ties: more values that fit, then the header further left) and the other header is shown as a
commented alternative; a header matching two columns equally takes the first free one and shows the other.
Nothing is decided silently: every loser is written to the draft, commented, and the winner marked CHECK.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from pipeline.config.study import SHEET_SUFFIXES
from pipeline.contract import TABLE_SPECS, spec_for
from pipeline.draft.match import Candidate, add_value_evidence, header_candidates, value_candidates
from pipeline.draft.normalize import has_cjk, snake_name
from pipeline.draft.profile import Profile, distinct_counts, profile
from pipeline.draft.sheets import SheetChoice, choose_sheets, workbook_sheets
from pipeline.ingest.deid import header_rule, value_rule
from pipeline.ingest.load import LINE, read_table
from pipeline.ingest.parse import parse_column, parse_date
from pipeline.vocab import EMD

_TERM_COLUMNS = {"term", "regimen"}  # as in pipeline.ingest.deid: short Chinese terms are not names there
FIT = 0.8  # share of values that must fit a type for an extra column to get that type


@dataclass
class Extra:
    """A header the contract has no column for: a commented ``extra_columns`` declaration."""

    header: str
    name: str
    type: str | None  # number, integer, category, yesno, date; None = free text (not declarable)
    evidence: str
    values: list[str] = field(default_factory=list)
    note: str = ""


@dataclass
class TableDraft:
    table: str
    path: Path
    encoding: str | None
    n_rows: int
    headers: list[str]
    active: dict[str, Candidate] = field(default_factory=dict)  # header -> chosen proposal
    alternatives: dict[str, list[Candidate]] = field(default_factory=dict)  # header -> commented ones
    left_out: dict[str, str] = field(default_factory=dict)  # header -> reason (identifier)
    deid_allow: list[str] = field(default_factory=list)  # guard false positives: vocabulary words, not names
    extras: list[Extra] = field(default_factory=list)
    missing_required: list[str] = field(default_factory=list)
    missing_hints: dict[str, list[str]] = field(default_factory=dict)  # required column -> headers whose values fit
    conditional: list[str] = field(default_factory=list)  # CHECK notes: a column the mapped ones make required
    sheets: list[str] = field(default_factory=list)
    sheet_note: str = ""  # why this sheet was read (a proposal by headers: CHECK with the other sheets)
    filled: set[str] = field(default_factory=set)  # canonical columns placed on a header with values
    last_date: dt.date | None = None  # latest last_contact_date (patients), for a default cut-off


@dataclass
class Draft:
    study: str
    cutoff: dt.date
    cutoff_note: str
    tables: dict[str, TableDraft]
    sheet: str | dict[str, str] | None  # one name for all tables (--sheet), or a sheet per table proposed
    language: str
    encoding: str | None = None  # forced CSV encoding (--encoding), written as inputs.encoding
    unused_sheets: list[str] = field(default_factory=list)  # "sheet 'X' not used: why", of the workbooks read

    def counts(self) -> dict[str, int]:
        mapped = sum(len(t.active) for t in self.tables.values())
        check = sum(bool(c.check) for t in self.tables.values() for c in t.active.values())
        check += sum(t.sheet_note.startswith("CHECK") for t in self.tables.values())
        check += self.cutoff_note.startswith("CHECK") + sum(len(t.missing_required) + len(t.conditional)
                                                            for t in self.tables.values())
        unmapped = sum(len(t.extras) for t in self.tables.values())
        left = sum(len(t.left_out) for t in self.tables.values())
        return {"mapped": mapped, "check": check, "unmapped": unmapped, "left_out": left}


def _identifier(header: str, s: pd.Series, canonical: str | None) -> tuple[str | None, bool]:
    """(why the column looks like an identifier, whether only the weak person-name heuristic says so)."""
    what = header_rule(header)
    if what:
        return f"the header looks like {what}", False
    hit = value_rule(s, names=canonical not in _TERM_COLUMNS)
    if hit:
        kind, k, n = hit
        return f"{k} of {n} values look like {kind}", kind == "person names"
    return None, False


def _vocabulary_not_names(cands: list[Candidate]) -> bool:
    """Every value is a known spelling of a fixed vocabulary (response words, not names)."""
    vm = cands[0].values if cands else None
    return vm is not None and vm.n > 0 and vm.recognised == vm.n and bool(vm.families)


def _resolve(cands: list[Candidate], order: dict[str, int], td: TableDraft) -> None:
    taken: set[str] = set()
    for c in sorted(cands, key=lambda c: (-c.score, -c.fit, order[c.header], c.canonical)):
        if c.header in td.active or c.canonical in taken:
            td.alternatives.setdefault(c.header, []).append(c)
            continue
        td.active[c.header] = c
        taken.add(c.canonical)
    for header, alts in td.alternatives.items():
        for alt in alts:
            if header in td.active:
                td.active[header].check.append(f"'{header}' could also be {alt.canonical} (commented below it)")
            winner = next((w for w in td.active.values() if w.canonical == alt.canonical), None)
            if winner is not None and winner.header != header:
                winner.check.append(f"'{header}' could also be {alt.canonical} (commented below it)")


def guess_type(prof: Profile) -> tuple[str | None, str]:
    """The ``extra_columns`` type a column's values suggest, with the evidence."""
    n = prof.n
    if n == 0:
        return None, "the column is empty"
    if prof.dates >= FIT * n:
        return "date", f"{prof.dates} of {n} values parse as dates"
    if prof.yesno >= FIT * n and prof.distinct <= 4 and prof.numbers < n:  # 0/1 alone: integer
        return "yesno", f"{prof.yesno} of {n} values are yes/no words"
    if prof.integers == n:
        return "integer", f"{n} of {n} values are whole numbers"
    if prof.numbers >= FIT * n:
        return "number", f"{prof.numbers} of {n} values are numbers"
    if prof.distinct <= 12 and prof.distinct < n:
        return "category", f"{prof.distinct} distinct values in {n}"
    return None, f"{prof.distinct} distinct values in {n}: free text"


def _extra(header: str, s: pd.Series, prof: Profile, k: int, note: str = "") -> Extra:
    typ, why = guess_type(prof)
    values = list(distinct_counts(s).index.sort_values()) if typ == "category" else []
    name = snake_name(header) or f"extra_{k}"
    return Extra(header, name, typ, why, [str(v) for v in values], note)


def draft_table(table: str, path: Path, sheet: str | None = None, encoding: str | None = None) -> TableDraft:
    raw = read_table(table, path, sheet=sheet, encoding=encoding)
    frame = raw.frame
    headers = [c for c in frame.columns if c != LINE]
    td = TableDraft(table, path, raw.encoding, len(frame), headers, sheets=[n for n, _ in workbook_sheets(path)])
    cands: list[Candidate] = []
    profiles: dict[str, Profile] = {}
    for h in headers:
        found = header_candidates(h, table)
        reason, weak = _identifier(h, frame[h], found[0].canonical if found else None)
        if reason and not weak:
            td.left_out[h] = reason
            continue
        counts = distinct_counts(frame[h])
        prof = profiles[h] = profile(counts)
        if not found:
            found = value_candidates(h, counts, table, prof)
        for c in found:
            add_value_evidence(c, counts, prof, table)
        if reason and not _vocabulary_not_names(found):
            td.left_out[h] = reason
            continue
        if reason:
            td.deid_allow.append(h)
            found[0].check.append(f"the identifier guard finds {reason}, but every value is a known "
                                  f"{found[0].canonical} word: listed in deid_allow")
        cands += found
    _resolve(cands, {h: i for i, h in enumerate(headers)}, td)
    td.filled = {c.canonical for h, c in td.active.items() if profiles[h].n}
    unplaced = [h for h in headers if h not in td.active and h not in td.left_out]
    names: set[str] = set()
    placed = {c.canonical for c in td.active.values()}
    for k, h in enumerate(unplaced, 1):
        alts = td.alternatives.get(h, [])
        note = f"also matched {', '.join(a.canonical for a in alts)}, taken by another header" if alts else ""
        extra = _extra(h, frame[h], profiles[h], k, note)
        fits = _unmapped_columns_of_type(table, extra.type, placed) if not alts else []
        if fits:
            extra.note = f"or it may be one of the contract's columns not mapped yet: {', '.join(fits)}"
        if extra.name in names or spec_for("patients", extra.name):  # distinct, and not a contract name
            extra.name = f"{extra.name[:34]}_x{k}"
        names.add(extra.name)
        td.extras.append(extra)
    td.missing_required = [f.name for f in TABLE_SPECS[table] if f.required and f.name not in placed]
    for m in td.missing_required:
        td.missing_hints[m] = [e.header for e in td.extras if m in _unmapped_columns_of_type(table, e.type, placed)]
    td.conditional = _emd_type_note(frame, td) if table == "patients" else []
    last = next((h for h, c in td.active.items() if c.canonical == "last_contact_date"), None)
    if last is not None:
        dates = parse_date(frame[last])[0]
        td.last_date = dates.max().date() if dates.notna().any() else None
    return td


def _emd_type_note(frame: pd.DataFrame, td: TableDraft) -> list[str]:
    """emd mapped without emd_type: the check ``pipeline.ingest.checks`` makes, said before it fails per patient."""
    placed = {c.canonical: h for h, c in td.active.items()}
    if "emd" not in placed or "emd_type" in placed:
        return []
    c = td.active[placed["emd"]]
    mapped = {str(k).strip().lower(): v for k, v in (c.values.entries if c.values else {}).items()}
    cells = frame[placed["emd"]]
    values = cells.map(lambda v: mapped.get(str(v).strip().lower(), v) if isinstance(v, str) else v)
    emd = parse_column(values.astype(object), "category", EMD)[0]
    n = int(emd.isin(["at_diagnosis", "at_relapse"]).sum())
    return [f"emd is mapped ('{placed['emd']}') but no header was found for emd_type, which is required "
            "(paraskeletal or soft_tissue) when emd is at_diagnosis or at_relapse: "
            f"{n} of {int(emd.notna().sum())} patients here; add '<your header>: emd_type', or validate reports "
            "each of them (conditionally_required)"]


_KIND_OF_TYPE = {"date": ("date",), "yesno": ("bool",), "integer": ("int", "float"), "number": ("float",)}


def _unmapped_columns_of_type(table: str, typ: str | None, placed: set[str]) -> list[str]:
    """Canonical columns not mapped yet whose kind the guessed type fits (dates -> the date columns)."""
    kinds = _KIND_OF_TYPE.get(typ or "", ())
    cols = [f.name for f in TABLE_SPECS[table] if f.kind in kinds and f.name not in placed]
    return cols if len(cols) <= 6 else []  # a long list says nothing


def _default_cutoff(patients: TableDraft) -> tuple[dt.date, str]:
    if patients.last_date is not None:
        header = next(h for h, c in patients.active.items() if c.canonical == "last_contact_date")
        return patients.last_date, f"CHECK: no --cutoff given; this is the latest date in '{header}'"
    return dt.date.today(), "CHECK: no --cutoff given and no last-contact dates found; set the data cut-off"


def draft_config(inputs: dict[str, Path], study: str, cutoff: dt.date | None = None,
                 sheet: str | None = None, encoding: str | None = None) -> Draft:
    """Draft a study config from the tables in ``inputs`` (table name -> file; ``patients`` required).

    ``sheet`` (--sheet) is read for every table, as ``inputs.sheet`` reads it, unless one workbook serves
    several tables: it then names the sheet of the first of them (patients, assessments, adverse events).
    Otherwise, a workbook with several visible sheets gets a sheet per table proposed by its headers
    (``pipeline.draft.sheets``). A table not given is looked for in the patients workbook: a sheet whose headers
    match it is proposed for it (CHECK) and the table drafted from it as if the workbook had been given for it.
    """
    paths = {t: Path(p) for t, p in inputs.items() if p is not None}
    given = len({p.resolve() for p in paths.values()}) < len(paths)  # one workbook given for several tables
    optional = _tables_in_patients_book(paths)
    choices: dict[str, SheetChoice] = {}
    unused: list[str] = []
    if sheet is None or given or optional:
        first = {}  # workbook -> its first table
        for t, p in paths.items():
            if p.suffix.lower() in SHEET_SUFFIXES:
                first.setdefault(p.resolve(), t)
        found = choose_sheets(paths, {t: sheet for t in first.values()} if sheet else {}, encoding, optional)
        choices, unused = found.choices, found.unused
        for t in optional - choices.keys():  # no sheet fits it: not drafted
            del paths[t]
        if sheet is not None and not given and not optional & choices.keys():
            choices = {}  # --sheet names the one sheet read, as before
    tables = {}
    for t, p in paths.items():
        tables[t] = draft_table(t, p, choices[t].sheet if t in choices else sheet, encoding)
        tables[t].sheet_note = choices[t].note if t in choices else ""
    note = "from --cutoff"
    if cutoff is None:
        cutoff, note = _default_cutoff(tables["patients"])
    headers = [h for t in tables.values() for h in t.headers]
    cjk = sum(has_cjk(h) for h in headers)
    language = "zh" if cjk * 2 > len(headers) else "en"
    chosen = {t: c.sheet for t, c in choices.items()} or sheet
    return Draft(study, cutoff, note, tables, chosen, language, encoding, unused)


def _tables_in_patients_book(paths: dict[str, Path]) -> set[str]:
    """The tables not given that may be sheets of the patients workbook (one with several visible sheets):
    added to ``paths`` with its file; ``choose_sheets`` keeps those a sheet fits."""
    book = paths["patients"]
    missing = [t for t in TABLE_SPECS if t not in paths]
    if not missing or sum(v for _, v in workbook_sheets(book)) < 2:
        return set()
    paths.update(dict.fromkeys(missing, book))
    order = {t: paths.pop(t) for t in TABLE_SPECS if t in paths}  # the tables in the contract's order
    paths.update(order)
    return set(missing)
