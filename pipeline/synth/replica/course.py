"""Follow-up of the 32 patients: dates (index, progression, death, last contact) and the assessments with
the raw measurements that give each designed IMWG category."""

from __future__ import annotations

import numpy as np
import pandas as pd

from pipeline.synth.replica.design import CYCLE_DAYS, IMAGING_PD_SHARE, LEVELS, ROSTER, days, parse_course
from pipeline.synth.replica.published import CUTOFF, FIRST_INDEX


def draw_dates(b: pd.DataFrame, rng: np.random.Generator) -> None:
    """Index date (alive patients: the cut-off minus their follow-up; the dead: drawn so that death comes
    before the cut-off, the earliest in August 2019), last contact, death and progression."""
    cutoff = pd.Timestamp(CUTOFF)
    first = pd.Timestamp(FIRST_INDEX)
    index = []
    for s in ROSTER:
        if s.alive is not None:
            index.append(cutoff - pd.Timedelta(days=days(s.alive)))
        else:
            latest = cutoff - pd.Timedelta(days=days(s.death[0]))
            index.append(first + pd.Timedelta(days=int(rng.integers(0, (latest - first).days + 1))))
    index = pd.Series(index)
    dead = [i for i, s in enumerate(ROSTER) if s.death is not None]
    earliest = min(dead, key=lambda i: index[i])
    index[earliest] = first + pd.Timedelta(days=int(rng.integers(0, 28)))
    b["index_date"] = index
    b["death_date"] = [index[i] + pd.Timedelta(days=days(s.death[0])) if s.death else pd.NaT
                       for i, s in enumerate(ROSTER)]
    b["death_cause"] = [None if s.death is None else s.death[1] for s in ROSTER]
    b["last_contact_date"] = [b.loc[i, "death_date"] if s.death else cutoff for i, s in enumerate(ROSTER)]
    b["recorded_progression"] = [index[i] + pd.Timedelta(days=days(s.progression)) if s.progression else pd.NaT
                                 for i, s in enumerate(ROSTER)]


def draw_assessments(b: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """Baseline (cycle 0, up to a week before the first dose) and response assessments (end of each
    assessed cycle, up to 3 days late), with raw values that give each designed category."""
    frames = []
    for i, s in enumerate(ROSTER):
        course = parse_course(s)
        days = [int(rng.integers(-7, 0))] + [(s.cycles if cyc is None else cyc) * CYCLE_DAYS
                                             + int(rng.integers(0, 4)) for cyc, _ in course]
        rows = pd.DataFrame(_measurements(rng, b.iloc[i], [cat for _, cat in course]))
        rows.insert(0, "cycle", [0] + [np.nan if cyc is None else cyc for cyc, _ in course])
        rows.insert(1, "response", [None] + [cat for _, cat in course])
        rows["assessment_date"] = b.loc[i, "index_date"] + pd.to_timedelta(days, unit="D")
        rows["slot_index"] = i
        frames.append(rows)
    return pd.concat(frames, ignore_index=True)


def _followed_values(rng: np.random.Generator, kind: str, b0: float, cats: list[str],
                     imaging_pd: bool) -> list[float]:
    """The followed measure at each post-baseline assessment: inside the designed category's band (never
    rising before a progression), a rise past IMWG's progression threshold from the nadir at a lab PD,
    unchanged at a PD seen on imaging."""
    out, level, nadir = [], 1.0, b0
    for cat in cats:
        if cat == "CR":
            value = 0.0
        elif cat == "PD" and imaging_pd:
            value = b0 * level
        elif cat == "PD":
            value = {"serum": max(nadir * rng.uniform(1.4, 1.8), nadir + rng.uniform(6.0, 12.0)),  # g/L
                     "dflc": max(nadir * rng.uniform(1.5, 2.0), nadir + rng.uniform(150.0, 400.0)),  # mg/L
                     "marrow": nadir + rng.uniform(12.0, 20.0)}[kind]  # percentage points
        else:
            lo, hi = LEVELS[kind][cat]
            level = rng.uniform(lo, min(hi, level))
            value = b0 * level
        value = round(value, 1)
        nadir = min(nadir, value)
        out.append(value)
    return out


def _plasmacytoma_values(rng: np.random.Generator, spd0: float, cats: list[str], imaging_pd: bool) -> list[float]:
    """Plasmacytoma SPD (cm2): down >= 50% with a response (the PR/VGPR requirement), down < 18% with SD,
    up >= 70% from the nadir at a PD seen on imaging, unchanged at a lab PD."""
    out, level = [], 1.0
    for cat in cats:
        if cat == "PD":
            value = min(out, default=spd0) * (rng.uniform(1.7, 2.4) if imaging_pd else 1.0)
        else:
            lo, hi = LEVELS["plasmacytoma"][cat]
            level = rng.uniform(lo, min(hi, level))
            value = spd0 * level
        out.append(round(value, 1))
    return out


def _measurements(rng: np.random.Generator, p: pd.Series, cats: list[str]) -> dict[str, list]:
    """Raw values of one patient: baseline first, then one per category of ``cats``.

    Heavy-chain myeloma is followed by serum M-protein (immunofixation negative only in CR, marrow < 5%
    then); light-chain myeloma by the free light chain difference dFLC; non-secretory myeloma by marrow
    plasma cells; EMD in addition by the plasmacytoma's SPD on imaging.
    """
    group = p["myeloma_group"]
    kind = "serum" if group in ("IgG", "IgA") else "marrow" if group == "nonsecretory" else "dflc"
    emd = p["emd"] != "none"
    imaging_pd = emd and rng.random() < IMAGING_PD_SHARE
    kappa = group == "kappa" or str(p["myeloma_type"]).endswith("kappa")
    n = len(cats) + 1
    b0 = {"serum": rng.uniform(20.0, 55.0) if group == "IgG" else rng.uniform(15.0, 40.0),
          "dflc": rng.uniform(350.0, 1800.0), "marrow": float(p["bm_plasma_cells_pct"])}[kind]
    values = [round(b0, 1), *_followed_values(rng, kind, b0, cats, imaging_pd)]
    cr = [False] + [c == "CR" for c in cats]
    m: dict[str, list] = {"serum_m_g_l": [0.0] * n, "serum_ife": ["positive"] * n, "urine_ife": [None] * n,
                          "flc_kappa_mg_l": [np.nan] * n, "flc_lambda_mg_l": [np.nan] * n,
                          "bm_plasma_cells_pct": [float(p["bm_plasma_cells_pct"])] + [np.nan] * (n - 1)}

    def set_flc(k: int, involved: float, uninvolved: float) -> None:
        pair = (involved, uninvolved) if kappa else (uninvolved, involved)
        m["flc_kappa_mg_l"][k], m["flc_lambda_mg_l"][k] = round(pair[0], 1), round(pair[1], 1)

    uninvolved = rng.uniform(5.0, 14.0)
    if kind == "serum":
        m["serum_m_g_l"] = values
        set_flc(0, rng.uniform(30.0, 150.0), uninvolved)  # FLC at baseline only (and in CR)
        for k in np.flatnonzero(cr):
            m["serum_ife"][k] = m["urine_ife"][k] = "negative"
            m["bm_plasma_cells_pct"][k] = round(rng.uniform(1.0, 4.0), 1)
            set_flc(k, rng.uniform(10.0, 18.0), rng.uniform(9.0, 15.0))  # normal ratio
    elif kind == "dflc":
        for k, dflc in enumerate(values):
            set_flc(k, uninvolved + dflc, uninvolved)
    else:  # non-secretory: nothing on immunofixation, normal free light chains
        m["serum_ife"] = m["urine_ife"] = ["negative"] * n
        m["bm_plasma_cells_pct"] = [min(v, 99.0) for v in values]
        m["flc_kappa_mg_l"][0] = round(rng.uniform(8.0, 18.0), 1)
        m["flc_lambda_mg_l"][0] = round(rng.uniform(9.0, 20.0), 1)
    if emd:
        spd0 = round(rng.uniform(6.0, 36.0), 1)
        m["plasmacytoma_spd_cm2"] = [spd0, *_plasmacytoma_values(rng, spd0, cats, imaging_pd)]
        m["new_lesion"] = [np.nan] + [0.0] * (n - 1)
    return m
