"""Disease course of a synthetic cohort: response depth, progression, death, cycles and visit schedule.

Time is in integer days from index_date. Each patient has the same grid of assessment slots, held as
``(n, K)`` arrays so that everything stays vectorised over patients:

- column 0: baseline, 0-14 days before index_date (cycle 0);
- columns 1-8: end of cycle 1-8 (28-day cycles). Cycles 1, 2, 4, 6 and 8 are assessed as in the seed
  study; cycles 3, 5 and 7 only when progression is suspected there, or now and then unscheduled;
- columns 9 ..: every ~90 days after treatment ends without progression (no cycle number);
- last column: the assessment that confirms a progression, 2-5 weeks after it (no cycle number).

Progression happens at a latent day and is seen at the first assessment on or after it; treatment
stops there (or at death, loss to follow-up, the data extraction, toxicity, or after 8 cycles).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from pipeline.vocab import DAYS_PER_MONTH

CYCLE_DAYS = 28
MAX_CYCLES = 8
ASSESSED_CYCLES = (1, 2, 4, 6, 8)
FOLLOW_UP_DAYS = 90

#: Latent depth of response: index into DEPTHS. Refractory disease progresses within two cycles.
DEPTHS = ("CR", "VGPR", "PR", "MR", "SD", "refractory")
CR, VGPR, PR, MR, SD, REFRACTORY = range(6)
#: Depth among the non-refractory. The study's final responses of 29 evaluable: CR 1, VGPR 1, PR 9,
#: SD 6, PD 12.
DEPTH_P = np.array([0.06, 0.09, 0.47, 0.08, 0.30])
#: Remaining fraction of the baseline M-protein at the nadir, per depth.
NADIR_FRACTION = np.array([[0.0, 0.0], [0.01, 0.08], [0.12, 0.46], [0.53, 0.72], [0.80, 0.97], [0.86, 1.0]])
#: Median months to progression per depth (Weibull, shape 1.4), from 5 weeks on; EMD shortens it.
PFS_MONTHS = np.array([38.0, 30.0, 22.0, 14.0, 10.0])
WEIBULL_SHAPE = 1.4
#: Median survival after progression (months), shorter with EMD.
POST_PD_MONTHS = 16.0
#: Cycles planned when the patient neither progresses nor stops early (real-world courses are finite).
PLANNED_CYCLES = np.array([4, 6, 8])
PLANNED_CYCLES_P = np.array([0.25, 0.35, 0.40])


@dataclass(frozen=True)
class Course:
    depth: np.ndarray  # (n,) int, index into DEPTHS
    nadir_fraction: np.ndarray  # (n,) float
    tau: np.ndarray  # (n,) days, speed of response
    day: np.ndarray  # (n, K) int, days from index_date
    active: np.ndarray  # (n, K) bool, the assessment took place
    cycle: np.ndarray  # (n, K) int, cycle number or -1
    pd_col: np.ndarray  # (n,) int, slot where progression is first seen, -1 if none
    imaging_pd: np.ndarray  # (n,) bool, that progression is seen on imaging (EMD), not in the labs
    cycles: np.ndarray  # (n,) int, cycles started
    death_day: np.ndarray  # (n,) float, NaN if alive or not known dead
    death_cause: np.ndarray  # (n,) object
    last_contact_day: np.ndarray  # (n,) int
    new_therapy_day: np.ndarray  # (n,) float, NaN if none

    @property
    def confirm_col(self) -> int:
        return self.day.shape[1] - 1


@dataclass(frozen=True)
class Visits:
    """The assessments that took place, one entry each, in patient then date order."""

    patient: np.ndarray  # row of the patient
    day: np.ndarray  # days from index_date
    cycle: np.ndarray  # cycle number, -1 = none
    baseline: np.ndarray  # the patient's baseline (cycle 0), always the patient's first visit
    progression: np.ndarray  # the first visit that shows progression
    confirm: np.ndarray  # the visit that confirms it (right after it, where there is one)
    first: np.ndarray  # index of the patient's baseline visit

    @property
    def starts(self) -> np.ndarray:
        """Index of each patient's first visit (every patient has a baseline)."""
        return np.flatnonzero(self.baseline)


def visits(course: Course) -> Visits:
    """The slots of ``course`` that were assessed, flattened."""
    patient, col = np.nonzero(course.active)  # row-major: patient, then slot = date order
    baseline = col == 0
    starts = np.flatnonzero(baseline)
    return Visits(
        patient=patient,
        day=course.day[patient, col],
        cycle=course.cycle[patient, col],
        baseline=baseline,
        progression=col == course.pd_col[patient],
        confirm=(col == course.confirm_col) & (course.pd_col[patient] >= 0),
        first=starts[patient],
    )


def _first(mask: np.ndarray) -> np.ndarray:
    """Column of the first True per row, -1 where none."""
    return np.where(mask.any(axis=1), mask.argmax(axis=1), -1)


def _weibull(rng: np.random.Generator, median: np.ndarray | float, n: int) -> np.ndarray:
    return np.asarray(median) / np.log(2) ** (1 / WEIBULL_SHAPE) * rng.weibull(WEIBULL_SHAPE, n)


class _Fate(NamedTuple):
    """Latent progression and death, and what follow-up learns of them."""

    t_pd: np.ndarray  # (n,) float, latent day of progression
    death: np.ndarray  # (n,) float, day of death (inf: none)
    cause: np.ndarray  # (n,) object
    lost_day: np.ndarray  # (n,) float, day lost to follow-up (inf: never)
    death_known: np.ndarray  # (n,) bool
    stop: np.ndarray  # (n,) float, the last day anyone could see the patient


class _Treatment(NamedTuple):
    k: np.ndarray  # (MAX_CYCLES,) cycle numbers
    cyc_day: np.ndarray  # (n, MAX_CYCLES) day of each cycle's end
    cycles: np.ndarray  # (n,) cycles started
    k_pd: np.ndarray  # (n,) cycle at whose end progression is seen, 0 = none
    active: np.ndarray  # (n, MAX_CYCLES) the end-of-cycle assessment took place


def draw_course(rng: np.random.Generator, base: dict[str, np.ndarray], extraction_day: np.ndarray) -> Course:
    """Outcomes and assessment schedule; ``extraction_day`` is the data extraction in days from index.

    The steps draw in this order (the same seed gives the same cohort).
    """
    n = len(extraction_day)
    E = extraction_day.astype(np.int64)
    emd = base["emd"] != "none"
    p_refractory = np.where(emd, 0.34, 0.20) + np.where(base["prior_lines"] >= 5, 0.05, 0.0)
    refractory = rng.random(n) < p_refractory
    depth = np.where(refractory, REFRACTORY, rng.choice(5, size=n, p=DEPTH_P))
    lo, hi = NADIR_FRACTION[depth].T
    nadir_fraction = lo + (hi - lo) * rng.random(n)
    tau = rng.uniform(14.0, 40.0, n)

    fate = _fate(rng, E, emd, depth, refractory)
    treatment = _treatment(rng, fate)
    fu_day, act_fu, m_pd = _follow_up(rng, E, fate, treatment)
    day, active, pd_col, act_confirm = _schedule(rng, fate, treatment, fu_day, act_fu, m_pd)
    has_pd = pd_col >= 0
    pd_day = day[np.arange(n), np.maximum(pd_col, 0)]
    confirm_day = day[:, -1]  # where there is a progression

    nt = np.where(act_confirm, confirm_day, pd_day) + rng.integers(3, 31, n)
    new_therapy = np.where(has_pd & (rng.random(n) < 0.7) & (nt <= fate.stop), nt, np.nan)

    last_seen = np.fmax(np.where(active, day, 0).max(axis=1), new_therapy)
    alive_contact = np.maximum(E - rng.integers(0, 61, n), last_seen)
    last_contact = np.where(fate.death_known, fate.death,
                            np.where(fate.lost_day < E, fate.lost_day, alive_contact))
    imaging_pd = emd & (rng.random(n) < 0.4)
    cycle = np.concatenate([[0], treatment.k, np.full(day.shape[1] - MAX_CYCLES - 1, -1)])
    return Course(
        depth=depth,
        nadir_fraction=nadir_fraction,
        tau=tau,
        day=day,
        active=active,
        cycle=np.broadcast_to(cycle, day.shape),
        pd_col=pd_col,
        imaging_pd=imaging_pd & has_pd,
        cycles=treatment.cycles,
        death_day=np.where(fate.death_known, fate.death, np.nan),
        death_cause=np.where(fate.death_known, fate.cause, None).astype(object),
        last_contact_day=np.maximum(last_contact, 0).astype(np.int64),
        new_therapy_day=new_therapy,
    )


def _fate(rng: np.random.Generator, E: np.ndarray, emd: np.ndarray, depth: np.ndarray,
          refractory: np.ndarray) -> _Fate:
    """Progression, death and its cause, loss to follow-up."""
    n = len(E)
    pfs_median = PFS_MONTHS[np.minimum(depth, SD)] * DAYS_PER_MONTH * np.where(emd, 0.75, 1.0)
    t_pd = np.where(refractory, rng.uniform(10.0, 65.0, n), 35.0 + _weibull(rng, pfs_median, n))
    post_pd = _weibull(rng, POST_PD_MONTHS * DAYS_PER_MONTH * np.where(emd, 0.75, 1.0), n)
    d_pd = t_pd + 7.0 + post_pd
    d_other = rng.exponential(365.25 / 0.05, n)  # heart failure, second cancer, infection...
    early = rng.random(n) < 0.04  # died within two months, as 2 of the study's 32 did
    d_early = np.where(early, rng.uniform(8.0, 60.0, n), np.inf)
    death = np.floor(np.minimum(np.minimum(d_pd, d_other), d_early))
    early_pd = early & (d_early <= np.minimum(d_pd, d_other)) & (rng.random(n) < 0.5)
    t_pd = np.where(early_pd, np.minimum(t_pd, death - 5.0), t_pd)
    by_pd = (death == np.floor(d_pd)) | early_pd
    cause = np.where(
        by_pd,
        np.where(rng.random(n) < 0.9, "progression", "unknown"),
        np.where(rng.random(n) < 0.75, "other", "unknown"),
    ).astype(object)
    lost = rng.random(n) < 0.05
    lost_day = np.where(lost, np.floor(rng.uniform(0.2, 1.0, n) * E), np.inf)
    death_known = death <= np.minimum(E, lost_day)
    stop = np.minimum(np.minimum(death - 1, lost_day), E)
    return _Fate(t_pd, death, cause, lost_day, death_known, stop)


def _treatment(rng: np.random.Generator, fate: _Fate) -> _Treatment:
    """Treatment cycles and their end-of-cycle assessments."""
    n = len(fate.stop)
    k = np.arange(1, MAX_CYCLES + 1)
    cyc_day = CYCLE_DAYS * k + rng.integers(-2, 5, (n, MAX_CYCLES))
    seen = cyc_day <= fate.stop[:, None]
    planned = rng.choice(PLANNED_CYCLES, size=n, p=PLANNED_CYCLES_P)
    toxic_stop = np.minimum(np.where(rng.random(n) < 0.08, rng.integers(1, 7, n), MAX_CYCLES), planned)
    pd_on_treatment = seen & (cyc_day >= fate.t_pd[:, None]) & (k <= toxic_stop[:, None])
    k_pd = _first(pd_on_treatment) + 1  # 0 = none
    started = 1 + seen[:, : MAX_CYCLES - 1].sum(axis=1)
    cycles = np.minimum(np.minimum(started, toxic_stop), np.where(k_pd > 0, k_pd, MAX_CYCLES))
    scheduled = np.isin(k, ASSESSED_CYCLES) | (rng.random((n, MAX_CYCLES)) < 0.08)
    active = (k <= cycles[:, None]) & seen & (scheduled | (k == k_pd[:, None]))
    return _Treatment(k, cyc_day, cycles, k_pd, active)


def _follow_up(rng: np.random.Generator, E: np.ndarray, fate: _Fate,
               treatment: _Treatment) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Follow-up assessments after treatment ended without progression: (day, took place, the one that
    shows progression (1-based, 0 = none))."""
    n = len(E)
    m_count = int(np.ceil(max(int(E.max()), 0) / FOLLOW_UP_DAYS)) + 1
    m = np.arange(1, m_count + 1)
    end_day = treatment.cyc_day[np.arange(n), treatment.cycles - 1]
    fu_day = end_day[:, None] + FOLLOW_UP_DAYS * m + rng.integers(-7, 8, (n, m_count))
    fu_seen = (fu_day <= fate.stop[:, None]) & (treatment.k_pd == 0)[:, None]
    m_pd = _first(fu_seen & (fu_day >= fate.t_pd[:, None])) + 1
    act_fu = fu_seen & ((m_pd == 0)[:, None] | (m <= m_pd[:, None]))
    return fu_day, act_fu, m_pd


def _schedule(rng: np.random.Generator, fate: _Fate, treatment: _Treatment, fu_day: np.ndarray,
              act_fu: np.ndarray, m_pd: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The slot grid: (day, took place, the slot showing progression (-1: none), the confirmation took place).

    Baseline, the cycles, the follow-ups, then the confirmation of a progression (its day: the
    day after ``stop`` where there is none)."""
    n = len(fate.stop)
    k_pd = treatment.k_pd
    pd_col = np.where(k_pd > 0, k_pd, np.where(m_pd > 0, MAX_CYCLES + m_pd, -1))
    has_pd = pd_col >= 0
    baseline_day = -rng.integers(0, 15, n)
    day = np.column_stack([baseline_day, treatment.cyc_day, fu_day, np.zeros(n, dtype=np.int64)])
    pd_day = day[np.arange(n), np.maximum(pd_col, 0)]
    confirm_day = pd_day + rng.integers(14, 36, n)
    day[:, -1] = np.where(has_pd, confirm_day, fate.stop + 1)
    act_confirm = has_pd & (confirm_day <= fate.stop) & (rng.random(n) < 0.85)
    active = np.column_stack([np.ones(n, dtype=bool), treatment.active, act_fu, act_confirm])
    return day, active, pd_col, act_confirm
