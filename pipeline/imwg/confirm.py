"""Confirmation, best overall response, progression date and relapse from CR
(docs/IMWG_RULES.md, 'Confirmation and best overall response' and 'Not PD for PFS').

The same code serves categories derived from raw values and clinician-recorded responses: it sees
only each assessment's category rank, whether that category rests on laboratory values (and so needs
confirmation), and whether the assessment lies in the response window.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from pipeline.imwg import groups
from pipeline.imwg.categorize import MR, NE, PD, SD
from pipeline.imwg.text import Text, choose, concat, day, join_text
from pipeline.vocab import RESPONSE_ORDER

NAT = np.datetime64("NaT", "ns")
UNCONFIRMED_PD_OPTIONS = ("count", "ignore")
_CATEGORY_WORDS = np.array([*RESPONSE_ORDER, "None"], dtype=object)


def response_window(post: np.ndarray, dates: np.ndarray, new_therapy: np.ndarray, death: np.ndarray) -> np.ndarray:
    """Rows that can count: after baseline and index_date, before new therapy, on or before death."""
    return (post & (np.isnat(new_therapy) | (dates < new_therapy)) & (np.isnat(death) | (dates <= death)))


@dataclass(frozen=True)
class Confirmation:
    """Per row (sorted order): ``confirmed`` rank (-1 = none), ``confirmed_with`` (the date of the
    assessment that confirmed it), ``needs_confirmation`` (as applied), ``counted`` (enters the best
    response), ``note``. Per patient: best response and progression."""

    confirmed: np.ndarray
    confirmed_with: np.ndarray
    needs_confirmation: np.ndarray
    counted: np.ndarray
    note: np.ndarray
    bor: np.ndarray
    bor_row: np.ndarray
    derived_progression_row: np.ndarray
    derived_progression_date: np.ndarray
    progression_date: np.ndarray
    progression_source: np.ndarray
    pd_confirmed: np.ndarray
    n_unconfirmed_pd: np.ndarray
    last_evaluable_date: np.ndarray


def confirm(codes: np.ndarray, dates: np.ndarray, rank: np.ndarray, lab_based: np.ndarray,
            in_window: np.ndarray, n_patients: int, *, confirm_response: bool, unconfirmed_pd: str,
            recorded_progression: np.ndarray, fallback_evaluable_date: np.ndarray | None = None) -> Confirmation:
    """Confirm categories pairwise, then derive best response, progression and censoring dates.

    ``rank``: category rank per row (-1 = none); ``lab_based``: the category rests on serum, urine or
    FLC (including immunofixation) and needs a second consecutive evaluable assessment. Rows must be
    sorted by patient then date. ``recorded_progression``: recorded progression_date per patient.
    ``fallback_evaluable_date``: per patient, the censoring date when no assessment after it is
    evaluable (the baseline date).
    """
    if unconfirmed_pd not in UNCONFIRMED_PD_OPTIONS:
        raise ValueError(f"unconfirmed_pd must be 'count' or 'ignore', but was {unconfirmed_pd!r}")
    p = _pair(codes, dates, rank, lab_based, in_window, confirm_response=confirm_response,
              unconfirmed_pd=unconfirmed_pd)
    d_row, d_date, prog, source = _progression(codes, dates, p, recorded_progression, n_patients)
    prog_r = prog[codes]
    counted = in_window & (np.isnat(prog_r) | (dates <= prog_r))
    bor = np.full(n_patients, NE, dtype=np.int64)
    np.minimum.at(bor, codes[counted & p.scored], p.confirmed[counted & p.scored])
    bor_row = groups.first_where(counted & p.scored & (p.confirmed == bor[codes]), codes, n_patients)
    last_eval = groups.take(dates, groups.last_where(
        counted & p.evaluable & (p.confirmed != PD) & (np.isnat(prog_r) | (dates < prog_r)), codes, n_patients), NAT)
    if fallback_evaluable_date is not None:
        last_eval = np.where(np.isnat(last_eval), fallback_evaluable_date, last_eval)
    pd_confirmed, n_unconfirmed = _pd_confirmation(codes, dates, rank, p, d_row, d_date, n_patients)
    return Confirmation(
        confirmed=p.confirmed, confirmed_with=p.confirmed_with, needs_confirmation=p.needs, counted=counted,
        note=_notes(rank, p, counted, confirm_response, unconfirmed_pd), bor=bor, bor_row=bor_row,
        derived_progression_row=d_row, derived_progression_date=d_date, progression_date=prog,
        progression_source=source, pd_confirmed=pd_confirmed, n_unconfirmed_pd=n_unconfirmed,
        last_evaluable_date=last_eval,
    )


@dataclass(frozen=True)
class _Pairs:
    """Per row (sorted order): each assessment paired with the patient's next evaluable one."""

    scored: np.ndarray  # in the window and categorised
    evaluable: np.ndarray  # scored and not NE
    has_next: np.ndarray  # a later evaluable assessment exists
    next_rank: np.ndarray  # its rank (-1 = none)
    next_date: np.ndarray  # its date (NaT = none)
    next_is_response: np.ndarray  # it is MR or better
    next_is_pd: np.ndarray
    lab: np.ndarray  # evaluable, rests on laboratory values and is not SD: confirmation would apply
    needs: np.ndarray  # ... and confirm_response is on
    needs_response: np.ndarray
    needs_pd: np.ndarray
    confirmed: np.ndarray  # the rank as confirmed (-1 = none)
    confirmed_with: np.ndarray  # the date of the assessment that confirmed it (NaT = none)


def _pair(codes: np.ndarray, dates: np.ndarray, rank: np.ndarray, lab_based: np.ndarray, in_window: np.ndarray,
          *, confirm_response: bool, unconfirmed_pd: str) -> _Pairs:
    """Confirm each lab-based category by the next evaluable assessment: a response by any response (the
    lesser of the two counts), PD by PD; unconfirmed, it counts as SD (PD at the last one: ``unconfirmed_pd``)."""
    scored = in_window & (rank >= 0)
    evaluable = scored & (rank != NE)
    nxt = groups.next_where(evaluable, codes)
    has_next = nxt >= 0
    next_rank = groups.take(rank, nxt, -1)
    next_date = groups.take(dates, nxt, NAT)
    next_is_response = has_next & (next_rank >= 0) & (next_rank <= MR)
    next_is_pd = next_rank == PD

    lab = np.asarray(lab_based, dtype=bool) & evaluable & (rank != SD)
    needs = lab & bool(confirm_response)
    needs_response = needs & (rank <= MR)
    needs_pd = needs & (rank == PD)
    last_pd = PD if unconfirmed_pd == "count" else SD

    conf = np.where(scored, rank, -1)
    conf = np.where(needs_response, np.where(next_is_response, np.maximum(rank, next_rank), SD), conf)
    conf = np.where(needs_pd, np.where(next_is_pd, PD, np.where(has_next, SD, last_pd)), conf)
    paired = (needs_response & next_is_response) | (needs_pd & next_is_pd)
    return _Pairs(scored, evaluable, has_next, next_rank, next_date, next_is_response, next_is_pd, lab, needs,
                  needs_response, needs_pd, conf, np.where(paired, next_date, NAT))


def _progression(codes: np.ndarray, dates: np.ndarray, p: _Pairs, recorded_progression: np.ndarray,
                 n_patients: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Per patient: the first confirmed PD (its row and date), and the progression date with its source:
    that PD's date, or a recorded progression_date earlier than it (which wins)."""
    d_row = groups.first_where(p.evaluable & (p.confirmed == PD), codes, n_patients)
    d_date = groups.take(dates, d_row, NAT)
    rec = np.asarray(recorded_progression, dtype="datetime64[ns]")
    use_rec = ~np.isnat(rec) & (np.isnat(d_date) | (rec < d_date))
    prog = np.where(use_rec, rec, d_date)
    source = np.where(use_rec, "recorded", np.where(np.isnat(d_date), None, "derived")).astype(object)
    return d_row, d_date, prog, source


def _pd_confirmation(codes: np.ndarray, dates: np.ndarray, rank: np.ndarray, p: _Pairs, d_row: np.ndarray,
                     d_date: np.ndarray, n_patients: int) -> tuple[np.ndarray, np.ndarray]:
    """Per patient: whether the derived PD was confirmed (None without one), and how many lab-based PDs up
    to it went unconfirmed."""
    pd_confirmed = np.full(n_patients, None, dtype=object)
    has_d = d_row >= 0
    pd_confirmed[has_d] = ~p.lab[d_row[has_d]] | p.next_is_pd[d_row[has_d]]
    d_r = d_date[codes]
    unconfirmed = p.evaluable & p.lab & (rank == PD) & ~p.next_is_pd & (np.isnat(d_r) | (dates <= d_r))
    return pd_confirmed, groups.count_where(unconfirmed, codes, n_patients)


def _notes(rank: np.ndarray, p: _Pairs, counted: np.ndarray, confirm_response: bool,
           unconfirmed_pd: str) -> np.ndarray:
    """The confirmation note of every row (an ``object`` array; "" where none applies)."""
    needs_response, needs_pd, has_next, lab, scored = p.needs_response, p.needs_pd, p.has_next, p.lab, p.scored

    def nxt(i):
        return concat("the next evaluable assessment (", day(p.next_date[i]), ") is ", _category(p.next_rank[i]))

    def by(i):
        return concat("confirmed by the assessment of ", day(p.next_date[i]), " (", _category(p.next_rank[i]), ")")

    return join_text(len(rank), [
        ((needs_response & p.next_is_response) | (needs_pd & p.next_is_pd), by),
        (needs_response & has_next & ~p.next_is_response,
         lambda i: concat("not confirmed: ", nxt(i), "; counts as SD")),
        (needs_response & ~has_next, "not confirmed: no later evaluable assessment; counts as SD"),
        (needs_pd & has_next & ~p.next_is_pd, lambda i: concat("PD not confirmed: ", nxt(i), "; counts as SD")),
        (needs_pd & ~has_next,
         "unconfirmed PD at the last evaluable assessment: counts as PD (unconfirmed_pd = count)"
         if unconfirmed_pd == "count" else
         "unconfirmed PD at the last evaluable assessment: ignored, counts as SD (unconfirmed_pd = ignore)"),
        (lab & ~bool(confirm_response), "single assessment counts (confirm_response = false)"),
        (scored & ~lab & (rank != SD) & (rank != NE), "no confirmation needed (marrow or imaging)"),
        (scored & (rank == NE), "not evaluable: skipped when pairing"),
        (scored & ~counted, "not counted: after progression"),
        ((rank >= 0) & ~scored, "not counted: after new therapy or death"),
    ]).strings()


def _category(rank: np.ndarray) -> Text:
    """Category names by rank as text ("None" for -1, as ``str(None)``)."""
    rank = np.asarray(rank, dtype=np.int64)
    return Text(_CATEGORY_WORDS, np.where(rank < 0, len(_CATEGORY_WORDS) - 1, rank))


def relapse_from_cr(codes: np.ndarray, dates: np.ndarray, counted: np.ndarray, confirmed: np.ndarray,
                    signal: np.ndarray, n_patients: int) -> np.ndarray:
    """Per patient: the first counted, non-PD assessment after a confirmed CR/sCR whose immunofixation
    is positive or marrow >= 5% (``signal``); NaT when none. Reported, not a progression event."""
    cr = counted & (confirmed >= 0) & (confirmed <= 1)
    after_cr = groups.any_before(cr, codes)
    row = groups.first_where(after_cr & counted & (confirmed != PD) & signal, codes, n_patients)
    return groups.take(dates, row, NAT)


def _at(values: np.ndarray, rows: np.ndarray) -> Text:
    """``values[rows]`` as text, "None" where a row is -1 (as ``str(None)``)."""
    out = np.full(len(rows), "None", dtype=object)
    ok = rows >= 0
    out[ok] = np.asarray(values)[rows[ok]]
    out[out == None] = "None"  # noqa: E711  (element-wise)
    return Text.of(out)


def describe_patients(c: Confirmation, dates: np.ndarray, reason: np.ndarray,
                      recorded_progression: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """bor_reason and progression_reason per patient, from the row reasons and confirmation notes."""
    def with_note(rows: np.ndarray) -> Text:
        note = _at(c.note, rows)
        return concat("assessment of ", day(groups.take(dates, rows, NAT)), " (", _at(reason, rows),
                      Text(np.where(note.labels == "", "", "; " + note.labels), note.codes), ")")

    n = len(c.bor)
    ne, found = c.bor == NE, c.bor_row >= 0
    bor_reason = np.full(n, "NE: no assessment after baseline", dtype=object)
    i = np.flatnonzero(ne & found)
    bor_reason[i] = concat("NE: no evaluable assessment after baseline (first: ", with_note(c.bor_row[i]),
                           ")").strings()
    i = np.flatnonzero(~ne)
    bor_reason[i] = concat(_category(c.bor[i]), " at the ", with_note(c.bor_row[i])).strings()

    rec = np.asarray(recorded_progression, dtype="datetime64[ns]")
    d = c.derived_progression_date
    prog_reason = np.full(n, None, dtype=object)
    i = np.flatnonzero(c.progression_source == "recorded")
    prog_reason[i] = concat("recorded progression_date ", day(rec[i]), choose(
        np.isnat(d[i]), " (no PD derived from the assessments)",
        concat(" is earlier than the derived PD of ", day(d[i]), ": the recorded date wins (disagreement)"))).strings()
    i = np.flatnonzero(c.progression_source == "derived")
    prog_reason[i] = concat("PD at the ", with_note(c.derived_progression_row[i]), choose(
        ~np.isnat(rec[i]) & (rec[i] > d[i]),
        concat("; recorded progression_date ", day(rec[i]), " is later (disagreement)"), "")).strings()
    return bor_reason, prog_reason
