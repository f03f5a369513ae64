"""Which sheet of a workbook holds which table, proposed from the headers (one workbook, a sheet per table).

Each visible sheet's headers are matched with every table's canonical columns as the draft matches them
(``header_candidates``); a sheet scores, for a table, the best match score of each canonical column its headers
name, summed. Tables are given sheets greedily, best (table, sheet) pair first, each sheet to one table while
there are sheets left (ties: the table listed first, then the sheet further left). Every choice is marked CHECK
with the other sheets and their counts: it is a proposal, never a silent choice.

A table the user did not give (``optional``: ``pipeline.draft.propose`` looks for the assessments and
adverse-events tables in the patients workbook) gets a sheet only when the sheet's headers match it well
enough (``PROPOSE_AT``) and better than any other table. Sheets no table reads are listed with why.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pipeline.config.study import SHEET_SUFFIXES
from pipeline.contract import TABLE_SPECS
from pipeline.draft.match import header_candidates
from pipeline.errors import DataError
from pipeline.ingest.limits import check_xlsx_zip
from pipeline.ingest.load import LINE, read_table

PROPOSE_AT = 6.0
"""The least score for which a sheet is proposed for a table the user did not give (``optional``): two headers
that are whole synonyms of the table's columns (a whole match scores 3, ``pipeline.draft.match``). One is not
enough: every table has ``patient_id``, so a patients sheet names one column of each other table, and a
laboratory's reference-range sheet one patients column (``Sex``); the assessments table needs only two
(``patient_id``, ``assessment_date``). The table must also be the sheet's best: a patients sheet names two or
three assessments columns (their dates), many more of the patients table."""


@dataclass
class SheetChoice:
    sheet: str
    note: str  # evidence, and CHECK with the alternatives (empty when --sheet named it)


@dataclass
class Sheets:
    choices: dict[str, SheetChoice]  # table -> its sheet
    unused: list[str]  # "sheet 'X' not used: why", for each sheet of a workbook read that no table reads


def workbook_sheets(path: Path) -> list[tuple[str, bool]]:
    """(sheet name, visible) of a workbook in its order; [] for a file that is not one."""
    if path.suffix.lower() not in SHEET_SUFFIXES:
        return []
    check_xlsx_zip(path)  # the size limits first, as for reading a sheet
    import openpyxl

    wb = openpyxl.load_workbook(path, read_only=True)
    try:
        return [(ws.title, ws.sheet_state == "visible") for ws in wb.worksheets]
    finally:
        wb.close()


def _score(headers: list[str], table: str) -> tuple[float, int]:
    """(summed best score per canonical column named, how many columns) of ``table`` among ``headers``."""
    best: dict[str, float] = {}
    for h in headers:
        for c in header_candidates(str(h), table):
            best[c.canonical] = max(best.get(c.canonical, 0.0), c.score)
    return sum(best.values()), len(best)


def _headers(path: Path, sheet: str, encoding: str | None) -> list[str]:
    try:
        frame = read_table("sheet", path, sheet=sheet, encoding=encoding).frame
    except DataError:  # an empty or unreadable sheet holds no table
        return []
    return [str(c) for c in frame.columns if c != LINE]


def _note(table: str, chosen: str, scores: dict[str, tuple[float, int]], optional: bool = False) -> str:
    others = [f"'{s}' ({n})" for s, (_, n) in scores.items() if s != chosen]
    n = scores[chosen][1]
    if optional:
        why = (f"CHECK: no --{table.replace('_', '-')} given: this sheet of the patients workbook, by its headers "
               f"({n} name {table} columns)")
    else:
        why = (f"CHECK: chosen by its headers ({n} name {table} columns)" if n else
               f"CHECK: no sheet's headers name {table} columns: the first one left")
    return why + (f"; other sheets: {', '.join(others)}" if others else "")


def _fits(table: str, scores: dict[str, tuple[float, int]]) -> bool:
    """The sheet (its score per table) may be proposed for a table the user did not give (``PROPOSE_AT``)."""
    score = scores[table][0]
    return score >= PROPOSE_AT and all(score > v for t, (v, _) in scores.items() if t != table)


def _unused(sheet: str, scores: dict[str, tuple[float, int]], out: dict[str, SheetChoice],
            tables: dict[str, Path], path: Path) -> str:
    """Why a sheet no table reads is not read, from its score per table."""
    best = max(scores, key=lambda t: scores[t][0])
    score, n = scores[best]
    if score < PROPOSE_AT:
        return f"sheet '{sheet}' not used: its headers match no table"
    ties = [t for t, (v, _) in scores.items() if v == score]
    if len(ties) > 1:
        return f"sheet '{sheet}' not used: its headers match the {' and '.join(ties)} tables equally"
    if best in out and tables[best].resolve() == path:
        where = f"sheet '{out[best].sheet}'"
    else:
        where = tables[best].name if best in tables else "no file (not read)"
    return f"sheet '{sheet}' not used: its headers match the {best} table ({n} columns), read from {where}"


def _choose_in_book(path: Path, group: list[str], out: dict[str, SheetChoice], tables: dict[str, Path],
                    optional: set[str], encoding: str | None) -> list[str]:
    """Sheets for the open tables of one workbook, into ``out``; returns its unused sheets' notes."""
    sheets = workbook_sheets(path)
    visible = [s for s, v in sheets if v]
    open_tables = [t for t in group if t not in out]
    if not open_tables or len(visible) < 2:  # nothing to choose
        return []
    free = [s for s in visible if s not in {out[t].sheet for t in group if t in out}] or visible
    heads = {s: _headers(path, s, encoding) for s in free}
    every = {s: {t: _score(heads[s], t) for t in TABLE_SPECS} for s in free}
    scores = {t: {s: every[s][t] for s in free} for t in open_tables}
    pairs = sorted(((t, s) for t in open_tables for s in free),
                   key=lambda ts: (-scores[ts[0]][ts[1]][0], open_tables.index(ts[0]), free.index(ts[1])))
    used: set[str] = set()
    for t, s in pairs:
        if t not in out and s not in used and scores[t][s][0] > 0 and (t not in optional or _fits(t, every[s])):
            out[t] = SheetChoice(s, _note(t, s, scores[t], t in optional))
            used.add(s)
    for t in open_tables:  # more tables than matching sheets: the best (or first) sheet, shared
        if t not in out and t not in optional:
            s = max(free, key=lambda s, t=t: (scores[t][s][0], -free.index(s)))
            out[t] = SheetChoice(s, _note(t, s, scores[t]))
    read = {out[t].sheet for t in group if t in out}
    return [f"sheet '{s}' not used: hidden" if s not in every else _unused(s, every[s], out, tables, path)
            for s, _ in sheets if s not in read]


def choose_sheets(tables: dict[str, Path], fixed: dict[str, str], encoding: str | None,
                  optional: set[str] | frozenset[str] = frozenset()) -> Sheets:
    """Sheet per table for the tables of ``tables`` (table -> file) whose workbook has several visible sheets;
    ``fixed`` (--sheet) are kept as given and, in a shared workbook, not offered to the other tables.

    ``optional`` tables (not given by the user, looked for in the patients workbook) get a sheet only when one
    fits them (``_fits``) and is left; the others are absent from the choices. Each workbook read lists its
    sheets no table reads, with why (hidden, matching no table, or matching a table read elsewhere)."""
    out = {t: SheetChoice(s, "") for t, s in fixed.items() if t in tables}
    books: dict[Path, list[str]] = {}
    for t, p in tables.items():
        books.setdefault(p.resolve(), []).append(t)
    unused: list[str] = []
    for path, group in books.items():
        unused += _choose_in_book(path, group, out, tables, set(optional), encoding)
    return Sheets(out, unused)
