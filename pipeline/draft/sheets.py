"""Which sheet of a workbook holds which table, proposed from the headers (one workbook, a sheet per table).

Each visible sheet's headers are matched with every table's canonical columns as the draft matches them
(``header_candidates``); a sheet scores, for a table, the best match score of each canonical column its headers
name, summed. Tables are given sheets greedily, best (table, sheet) pair first, each sheet to one table while
there are sheets left (ties: the table listed first, then the sheet further left). Every choice is marked CHECK
with the other sheets and their counts: it is a proposal, never a silent choice.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pipeline.config.study import SHEET_SUFFIXES
from pipeline.draft.match import header_candidates
from pipeline.errors import DataError
from pipeline.ingest.limits import check_xlsx_zip
from pipeline.ingest.load import LINE, read_table


@dataclass
class SheetChoice:
    sheet: str
    note: str  # evidence, and CHECK with the alternatives (empty when --sheet named it)


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


def _note(table: str, chosen: str, scores: dict[str, tuple[float, int]]) -> str:
    others = [f"'{s}' ({n})" for s, (_, n) in scores.items() if s != chosen]
    n = scores[chosen][1]
    why = (f"CHECK: chosen by its headers ({n} name {table} columns)" if n else
           f"CHECK: no sheet's headers name {table} columns: the first one left")
    return why + (f"; other sheets: {', '.join(others)}" if others else "")


def choose_sheets(tables: dict[str, Path], fixed: dict[str, str], encoding: str | None) -> dict[str, SheetChoice]:
    """Sheet per table for the tables of ``tables`` (table -> file) whose workbook has several visible sheets;
    ``fixed`` (--sheet) are kept as given and, in a shared workbook, not offered to the other tables."""
    out = {t: SheetChoice(s, "") for t, s in fixed.items() if t in tables}
    books: dict[Path, list[str]] = {}
    for t, p in tables.items():
        books.setdefault(p.resolve(), []).append(t)
    for path, group in books.items():
        visible = [s for s, v in workbook_sheets(path) if v]
        open_tables = [t for t in group if t not in out]
        if not open_tables or len(visible) < 2:  # nothing to choose
            continue
        free = [s for s in visible if s not in {out[t].sheet for t in group if t in out}] or visible
        heads = {s: _headers(tables[open_tables[0]], s, encoding) for s in free}
        scores = {t: {s: _score(heads[s], t) for s in free} for t in open_tables}
        pairs = sorted(((t, s) for t in open_tables for s in free),
                       key=lambda ts: (-scores[ts[0]][ts[1]][0], open_tables.index(ts[0]), free.index(ts[1])))
        used: set[str] = set()
        for t, s in pairs:
            if t not in out and s not in used and scores[t][s][0] > 0:
                out[t] = SheetChoice(s, _note(t, s, scores[t]))
                used.add(s)
        for t in open_tables:  # more tables than matching sheets: the best (or first) sheet, shared
            if t not in out:
                s = max(free, key=lambda s, t=t: (scores[t][s][0], -free.index(s)))
                out[t] = SheetChoice(s, _note(t, s, scores[t]))
    return out
