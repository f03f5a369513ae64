"""What the export cannot decide: the study's own choices, written to the draft.

``CHECK`` marks a guess that may be wrong; ``DECIDE`` marks a choice no export can make for the person. The
response source is one when the export holds more than one kind of response: ``response.source: auto``
derives IMWG response from whatever lab columns exist (an M protein alone will do) and then ignores the
hospital's recorded responses, which changes the response rates. Time zero and the analysis defaults
are named so that they are chosen, not inherited unread.
"""

from __future__ import annotations

from dataclasses import dataclass

from pipeline.config import Analysis
from pipeline.derive.adam import RAW_MEASURES
from pipeline.draft.propose import Draft, TableDraft

#: The analysis settings whose defaults shape every endpoint (docs/config.md lists the rest).
_DEFAULTS = ("pfs_events", "pfs_censor", "evaluable_min_cycles")


@dataclass(frozen=True)
class Decisions:
    source_note: str  # comment for ``response.source: auto``; "" when the export leaves no choice
    time_zero: str  # comment line naming index_date's header ("" when none is mapped)
    defaults: str  # the analysis defaults, as one comment line


def _headers(t: TableDraft | None, columns: tuple[str, ...]) -> list[str]:
    if t is None:
        return []
    return [h for h in t.headers
            if h in t.active and t.active[h].canonical in columns and t.active[h].canonical in t.filled]


def _source_note(d: Draft) -> str:
    a, p = d.tables.get("assessments"), d.tables["patients"]
    labs, recorded = _headers(a, RAW_MEASURES), _headers(a, ("response",))
    best = _headers(p, ("best_response",))
    found = [("derived", f"IMWG response derived from {', '.join(repr(h) for h in labs)}") if labs else None,
             ("recorded", f"recorded responses in '{recorded[0]}'") if recorded else None,
             ("patients", f"best response in '{best[0]}' (patients table)") if best else None]
    found = [f for f in found if f]
    if len(found) < 2:
        return ""
    (used, why), others = found[0], [w for _, w in found[1:]]
    note = f"DECIDE: auto uses {used} ({why}); the export also holds {'; '.join(others)}"
    if used == "derived":
        mapped = {c.canonical for c in a.active.values() if c.canonical in a.filled}
        lacking = [m for m in RAW_MEASURES if m not in mapped]
        if lacking:
            note += f"; not in the export: {', '.join(lacking)} (responses that need them cannot be derived)"
    return note + ". Set derived, recorded or patients (docs/config.md)"


def decisions(d: Draft) -> Decisions:
    p = d.tables["patients"]
    zero = next((h for h, c in p.active.items() if c.canonical == "index_date"), None)
    time_zero = (f"time zero: index_date is '{zero}'; survival times, the baseline window and the response "
                 "window count from it") if zero is not None else ""
    analysis = Analysis()
    defaults = "analysis defaults (set under analysis: to change): " + ", ".join(
        f"{k}: {getattr(analysis, k)}" for k in _DEFAULTS)
    return Decisions(_source_note(d), time_zero, defaults)
