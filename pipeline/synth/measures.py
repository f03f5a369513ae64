"""Raw response measurements along each patient's course, and the IMWG category they make.

What a patient is followed by is fixed at baseline (docs/IMWG_RULES.md, "Measurable disease"):

- IgG/IgA: serum M 10-70 g/L (serum), 30% also urine M >= 200 mg/24 h (serum and urine);
- kappa/lambda light chain: serum M 0.5-5 g/L; half urine M >= 200 (urine), half urine M below that and
  an involved FLC well above 100 mg/L (dFLC);
- non-secretory: marrow plasma cells >= 30% (marrow);
- a plasmacytoma at baseline (EMD) is followed in addition.

Between baseline and progression every followed measure falls monotonically towards the patient's nadir
with at most +-4% noise, so no rise can reach a progression threshold by chance; at the progression
visit the followed measure (or the plasmacytoma, for imaging progression) jumps past the threshold from
its nadir, and keeps rising at the confirming assessment. Immunofixation turns negative only in
complete response. Values are rounded as written, and the category is computed on the rounded values.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import pandas as pd

from pipeline.synth.course import CR, VGPR, Course, Visits

#: Category codes: positions in vocab.RESPONSE_ORDER (sCR, CR, VGPR, PR, MR, SD, PD, NE).
C_SCR, C_CR, C_VGPR, C_PR, C_MR, C_SD, C_PD, C_NE = range(8)
NOISE = 0.04
NE_RATE = 0.015


def nadir_before(x: np.ndarray, first: np.ndarray) -> np.ndarray:
    """Lowest earlier value of the same patient (NaN ignored), NaN where there is none.

    ``x`` is in patient then date order; ``first`` is the index of each entry's patient's first entry.
    """
    running = pd.Series(np.where(np.isnan(x), np.inf, x)).groupby(first).cummin().to_numpy()
    before = np.concatenate([[np.inf], running[:-1]])
    before[first == np.arange(len(x))] = np.inf
    return np.where(np.isinf(before), np.nan, before)


def _count_before(flag: np.ndarray, first: np.ndarray) -> np.ndarray:
    """How many earlier entries of the same patient have ``flag``."""
    total = np.cumsum(flag)
    return total - flag - (total[first] - flag[first])


def _ge(a: np.ndarray, b: np.ndarray | float) -> np.ndarray:
    """a >= b up to floating-point rounding of decimal values (23.4 - 18.4 is not exactly 5)."""
    return a >= b - 1e-9 * np.maximum(1.0, np.abs(b))


def _le(a: np.ndarray, b: np.ndarray | float) -> np.ndarray:
    return a <= b + 1e-9 * np.maximum(1.0, np.abs(b))


def _lognormal(
    rng: np.random.Generator, n: int, median: float, sigma: float, lo: float, hi: float
) -> np.ndarray:
    return np.clip(np.exp(rng.normal(np.log(median), sigma, n)), lo, hi)


class _Followed(NamedTuple):
    """Per patient: the myeloma class and what the patient is followed by."""

    heavy: np.ndarray  # IgG or IgA
    light: np.ndarray  # kappa or lambda light chain
    nonsec: np.ndarray  # non-secretory
    emd: np.ndarray  # extramedullary disease
    S: np.ndarray  # serum M
    U: np.ndarray  # urine M
    F: np.ndarray  # dFLC
    Mw: np.ndarray  # marrow
    P: np.ndarray  # a plasmacytoma, in addition


class _Start(NamedTuple):
    """Per patient: the baseline levels."""

    s0: np.ndarray  # serum M, g/L
    u0: np.ndarray  # urine M, mg/24 h
    uninvolved: np.ndarray  # uninvolved free light chain, mg/L
    d0: np.ndarray  # dFLC, mg/L
    spd0: np.ndarray  # plasmacytoma SPD, cm2


def draw_measures(
    rng: np.random.Generator, base: dict[str, np.ndarray], course: Course, v: Visits
) -> dict[str, np.ndarray]:
    """Every assessment column for each visit, NaN / None where not measured.

    The steps draw in this order (the same seed gives the same cohort).
    """
    who = _followed_by(rng, base)
    start = _baseline_levels(rng, base["_class"], who)
    m, p = len(v.patient), v.patient

    def noise(width: float = NOISE) -> np.ndarray:
        """Measurement noise; none at baseline, which decides what is measurable."""
        return np.where(v.baseline, 1.0, rng.uniform(1.0 - width, 1.0 + width, m))

    f, g = _fractions(rng, course, v, who)
    after = v.progression | v.confirm
    cr_state = (course.depth == CR)[p] & (f < 0.01) & ~v.baseline & ~after
    # Now and then an assessment where none of the followed labs was done: not evaluable.
    lab_ok = ~(~v.baseline & ~after & ~(who.P | who.emd)[p] & (rng.random(m) < NE_RATE))
    x = _levels(rng, noise, base, course, v, who, start, f, g, cr_state)
    _progress(rng, course, v, who, start, x, lab_ok, after)
    return _columns(rng, base["_chain"], v, who, start, x, lab_ok, cr_state, after)


def _followed_by(rng: np.random.Generator, base: dict[str, np.ndarray]) -> _Followed:
    """What each patient is followed by: S serum, U urine, F dFLC, Mw marrow, P plasmacytoma (in addition)."""
    cls = base["_class"]
    n = len(cls)
    heavy = (cls == "IgG") | (cls == "IgA")
    light = (cls == "kappa") | (cls == "lambda")
    nonsec = cls == "nonsecretory"
    U = (heavy & (rng.random(n) < 0.3)) | (light & (rng.random(n) < 0.5))
    return _Followed(heavy, light, nonsec, base["emd"] != "none", S=heavy, U=U, F=light & ~U, Mw=nonsec,
                     P=base["_plasmacytoma"])


def _baseline_levels(rng: np.random.Generator, cls: np.ndarray, who: _Followed) -> _Start:
    n = len(cls)
    heavy, light, S, U, F = who.heavy, who.light, who.S, who.U, who.F
    s0 = np.where(heavy, _lognormal(rng, n, 32.0, 0.45, 10.0, 70.0), 0.0)
    s0 = np.where(cls == "IgA", _lognormal(rng, n, 24.0, 0.45, 10.0, 70.0), s0)
    s0 = np.where(light, rng.uniform(0.5, 5.0, n), s0)
    small_urine = np.where(rng.random(n) < 0.5, 0.0, rng.uniform(20.0, 190.0, n))
    u0 = np.where(S & U, _lognormal(rng, n, 450.0, 0.4, 210.0, 1000.0), small_urine)
    u0 = np.where(light & U, _lognormal(rng, n, 900.0, 0.6, 250.0, 4000.0), u0)
    u0 = np.where(F, rng.uniform(20.0, 190.0, n), u0)
    u0 = np.where(who.nonsec, 0.0, u0)
    uninvolved = rng.uniform(3.0, 15.0, n)
    d0 = np.where(
        light, _lognormal(rng, n, 700.0, 0.8, 150.0, 6000.0), _lognormal(rng, n, 80.0, 0.8, 10.0, 1500.0)
    )
    spd0 = np.where(who.P, _lognormal(rng, n, 12.0, 0.6, 2.0, 60.0), 0.0)
    return _Start(s0, u0, uninvolved, d0, spd0)


def _fractions(rng: np.random.Generator, course: Course, v: Visits, who: _Followed) -> tuple[np.ndarray, np.ndarray]:
    """Remaining fraction of baseline disease at each visit, in the labs (f) and in a plasmacytoma (g):
    an exponential fall to the patient's nadir."""
    n, p = len(course.depth), v.patient
    t = np.maximum(v.day, 0).astype(float)
    fmin, tau = course.nadir_fraction[p], course.tau[p]
    f = np.where(v.baseline, 1.0, fmin + (1.0 - fmin) * np.exp(-t / tau))
    # Plasmacytomas shrink more slowly than the M-protein and not always as far (the cap of IMWG's
    # PR and MR). Where the labs have no MR category (dFLC, marrow) they shrink in step with them, so
    # that the cap never has to invent an MR that the labs cannot give.
    lagging = who.S | who.U
    spd_min = np.clip(course.nadir_fraction + rng.normal(0.0, 0.12, n), 0.02, 1.0)
    spd_min = np.where(course.depth == CR, 0.0, np.where(lagging, spd_min, course.nadir_fraction))[p]
    g = np.where(
        v.baseline, 1.0, spd_min + (1.0 - spd_min) * np.exp(-t / np.where(lagging[p], 1.5 * tau, tau))
    )
    return f, g


def _levels(rng: np.random.Generator, noise, base: dict[str, np.ndarray], course: Course, v: Visits,
            who: _Followed, start: _Start, f: np.ndarray, g: np.ndarray, cr_state: np.ndarray) -> dict[str, np.ndarray]:
    """Each measure at each visit before any progression, and whether it was done."""
    n, m, p = len(course.depth), len(v.patient), v.patient
    x: dict[str, np.ndarray] = {}
    # Serum M (g/L, 0.1): 0 only in CR, or (a third of VGPR) when too small to see on electrophoresis.
    serum = np.round(start.s0[p] * f * noise(), 1)
    hidden = ((course.depth == VGPR) & (rng.random(n) < 0.35) & who.S)[p] & (serum < 1.0)
    serum = np.where(start.s0[p] > 0, np.maximum(serum, 0.1), 0.0)
    x["serum"] = np.where(cr_state | hidden, 0.0, serum)
    # Urine M (mg/24 h) falls as the cube of serum: with urine <= 1000 at baseline, serum PR (<= 50%)
    # comes with urine < 200 and serum MR (50-75%) with urine down 50-89%, as IMWG pairs them.
    x["urine"] = np.where(cr_state, 0.0, np.round(start.u0[p] * f**3 * noise()) + 0.0)
    x["urine_done"] = who.U[p] | (rng.random(m) < np.where(who.nonsec, 0.3, 0.5)[p])
    # Free light chains (mg/L): involved = uninvolved + dFLC; in CR a normal ratio, except for 15% of
    # the serum/urine-followed (CR rather than sCR).
    unv = start.uninvolved[p] * noise(0.1)
    inv = unv + start.d0[p] * f * noise()
    cr_unv = rng.uniform(8.0, 18.0, m)
    abnormal = (rng.random(m) < 0.15) & ~who.F[p]
    cr_ratio = np.where(abnormal, rng.uniform(1.8, 2.6, m), rng.uniform(1.05, 1.6, m))
    x["inv"] = np.where(cr_state, cr_unv * cr_ratio, inv)
    x["unv"] = np.where(cr_state, cr_unv, unv)
    x["flc_done"] = v.baseline | who.F[p] | cr_state | (rng.random(m) < 0.4)
    # Marrow plasma cells (%): baseline is the patients table's value.
    marrow = np.maximum(np.round(base["_bm_latent"][p] * f * noise(0.03), 1), 0.5)
    x["marrow"] = np.where(cr_state, np.round(rng.uniform(0.5, 4.5, m), 1), marrow)
    # Marrow is done at some visits, and in CR at every visit once one was done since baseline: so a
    # CR visit without marrow has none to carry forward, and "marrow not done -> at most VGPR" gives
    # the same category whether or not an engine carries the last marrow forward.
    marrow_done = who.Mw[p] | (cr_state & (rng.random(m) < 0.75)) | (rng.random(m) < 0.25)
    marrow_done |= cr_state & (_count_before(marrow_done & ~v.baseline, v.first) > 0)
    x["marrow_done"] = np.where(v.baseline, ~np.isnan(base["bm_plasma_cells_pct"])[p], marrow_done)
    spd = np.where(who.P[p], np.maximum(np.round(start.spd0[p] * g * noise(), 1), 0.5), 0.0)
    x["spd"] = np.where(cr_state, 0.0, spd)
    x["new_lesion"] = np.where(who.emd[p] & ~v.baseline, 0.0, np.nan)
    return x


def _progress(rng: np.random.Generator, course: Course, v: Visits, who: _Followed, start: _Start,
              x: dict[str, np.ndarray], lab_ok: np.ndarray, after: np.ndarray) -> None:
    """Progression: the followed measure (or the plasmacytoma) jumps past its threshold from the nadir,
    and is higher still at the confirming visit (``x`` is changed in place)."""
    n, m, p = len(course.depth), len(v.patient), v.patient
    lab_pd = ~course.imaging_pd
    S, U, F, Mw, P = who.S, who.U, who.F, who.Mw, who.P

    def past(rel: tuple[float, float], add: tuple[float, float]):
        """A rise to above both nadir x ``rel`` and nadir + ``add`` (the relative and absolute rules)."""
        return lambda nadir, k: np.maximum(nadir * rng.uniform(*rel, k), nadir + rng.uniform(*add, k))

    def serum_rise(nadir: np.ndarray, k: int) -> np.ndarray:
        # From a nadir >= 5 g/dL, +1 g/dL is progression on its own; it keeps values plausible too.
        return np.where(
            nadir >= 50, nadir + rng.uniform(11.0, 25.0, k), past((1.3, 1.6), (6.0, 15.0))(nadir, k)
        )

    def jump(y: np.ndarray, whose: np.ndarray, rise, done: np.ndarray = lab_ok, confirm=(1.05, 1.4)) -> None:
        at = np.flatnonzero(v.progression & whose[p])
        y[at] = rise(np.nan_to_num(nadir_before(np.where(done, y, np.nan), v.first)[at]), len(at))
        conf = at[v.confirm[np.minimum(at + 1, m - 1)] & (at + 1 < m)] + 1
        y[conf] = y[conf - 1] * rng.uniform(*confirm, len(conf))

    jump(x["serum"], lab_pd & S, serum_rise, confirm=(1.02, 1.15))
    jump(x["urine"], lab_pd & U, past((1.4, 2.5), (250.0, 900.0)))
    dflc = x["inv"] - x["unv"]
    jump(dflc, lab_pd & F, past((1.4, 2.5), (150.0, 800.0)))
    x["inv"] = np.where(after & (lab_pd & F)[p], x["unv"] + dflc, x["inv"])
    jump(x["marrow"], lab_pd & Mw, past((1.0, 1.0), (12.0, 25.0)), lab_ok & x["marrow_done"])
    x["marrow"] = np.minimum(x["marrow"], 99.0)
    spd_nadir = nadir_before(x["spd"], v.first)
    jump(x["spd"], course.imaging_pd & P, past((1.6, 2.5), (3.0, 10.0)))
    # A new lesion: one in three imaging progressions, and always where nothing was left to grow.
    new = after & (course.imaging_pd & (~P | (rng.random(n) < 0.3)))[p]
    new |= after & course.imaging_pd[p] & (spd_nadir == 0)
    x["new_lesion"] = np.where(new, 1.0, x["new_lesion"])
    x["spd"] = np.where(new & ~P[p], rng.uniform(4.0, 20.0, m), x["spd"])
    # Light-chain serum drifts up a little at progression, never past a threshold (not followed).
    x["serum"] = np.where(after & who.light[p], np.minimum(x["serum"] + 1.0, start.s0[p]), x["serum"])
    for key, decimals in (("serum", 1), ("urine", 0), ("spd", 1), ("marrow", 1)):
        x[key] = np.round(x[key], decimals)


def _columns(rng: np.random.Generator, chain: np.ndarray, v: Visits, who: _Followed, start: _Start,
             x: dict[str, np.ndarray], lab_ok: np.ndarray, cr_state: np.ndarray,
             after: np.ndarray) -> dict[str, np.ndarray]:
    """The assessment columns: immunofixation, clonal cells and both light chains added, NaN / None
    where not measured."""
    m, p = len(v.patient), v.patient
    S, Mw = who.S, who.Mw
    ife_done = v.baseline | cr_state | (x["serum"] == 0) | Mw[p] | after | (rng.random(m) < 0.35)
    serum_ife = np.where(cr_state | Mw[p], "negative", "positive")
    urine_ife = np.where(cr_state | Mw[p] | ((start.u0 == 0) & S)[p], "negative", "positive")
    # Clonal cells likewise: tested with every CR marrow once tested since baseline.
    marrow_done = x["marrow_done"]
    clonal_done = marrow_done & (rng.random(m) < np.where(cr_state, 0.7, 0.4))
    clonal_done |= marrow_done & cr_state & (_count_before(clonal_done & ~v.baseline, v.first) > 0)
    clonal = np.where(cr_state & (rng.random(m) < 0.6), "negative", "positive")
    kappa_inv = (chain == "kappa")[p]
    kappa = np.round(np.where(kappa_inv, x["inv"], x["unv"]), 1)
    lam = np.round(np.where(kappa_inv, x["unv"], x["inv"]), 1)
    # Non-secretory: normal free light chains.
    normal_kappa = np.round(rng.uniform(8.0, 19.0, m), 1)
    lam = np.where(Mw[p], np.round(normal_kappa / rng.uniform(0.5, 1.5, m), 1), lam)
    kappa = np.where(Mw[p], normal_kappa, kappa)
    flc_done = lab_ok & x["flc_done"]
    return {
        "serum_m_g_l": np.where(lab_ok, x["serum"], np.nan),
        "urine_m_mg_24h": np.where(lab_ok & x["urine_done"], x["urine"], np.nan),
        "serum_ife": np.where(lab_ok & ife_done, serum_ife, None).astype(object),
        "urine_ife": np.where(lab_ok & ife_done, urine_ife, None).astype(object),
        "flc_kappa_mg_l": np.where(flc_done, kappa, np.nan),
        "flc_lambda_mg_l": np.where(flc_done, lam, np.nan),
        "bm_plasma_cells_pct": np.where(lab_ok & marrow_done, x["marrow"], np.nan),
        "bm_clonal_cells": np.where(lab_ok & clonal_done, clonal, None).astype(object),
        "plasmacytoma_spd_cm2": np.where(who.emd[p], x["spd"], np.nan),
        "new_lesion": x["new_lesion"],
    }


def single_category(values: dict[str, np.ndarray], chain: np.ndarray, v: Visits) -> np.ndarray:
    """IMWG 2016 category of each assessment on its own (no confirmation), as codes ``C_*``.

    A compact transcription of IMWG_RULES.md for the measures this generator writes; it gives the
    clinician-recorded response its truth. ``chain`` is the patient's light chain per visit. -1 at
    baseline.
    """
    serum, urine = values["serum_m_g_l"], values["urine_m_mg_24h"]
    kappa, lam = values["flc_kappa_mg_l"], values["flc_lambda_mg_l"]
    marrow, spd = values["bm_plasma_cells_pct"], values["plasmacytoma_spd_cm2"]
    serum_ife, urine_ife = values["serum_ife"], values["urine_ife"]
    ratio = kappa / lam
    # Involved chain: the typed one for light-chain myeloma, else where the baseline ratio points.
    kappa_inv = np.where(np.isin(chain, ("kappa", "lambda")), chain == "kappa", ratio[v.first] >= 1)
    dflc = np.where(kappa_inv, kappa - lam, lam - kappa)
    s0, u0, d0, m0, p0 = (x[v.first] for x in (serum, urine, dflc, marrow, spd))
    inv0, ratio0 = np.where(kappa_inv, kappa, lam)[v.first], ratio[v.first]
    S, U = s0 >= 10, u0 >= 200
    F = ~S & ~U & (inv0 >= 100) & ((ratio0 > 1.65) | (ratio0 < 0.26))
    Mw = ~S & ~U & ~F & (m0 >= 30)
    P = p0 > 0
    pd = _progressed(values, dflc, v, S=S, U=U, F=F, Mw=Mw, P=P)
    has = {k: ~np.isnan(x) for k, x in (("s", serum), ("u", urine), ("d", dflc), ("m", marrow))}
    evaluable = np.where(S | U, (~S | has["s"]) & (~U | has["u"]), np.where(F, has["d"], Mw & has["m"]))
    normal_ratio = _ge(ratio, 0.26) & _le(ratio, 1.65)
    urine_ife_ok = (urine_ife == "negative") | (np.equal(urine_ife, None) & ~U)
    cr = (serum_ife == "negative") & urine_ife_ok & (marrow < 5) & (~P | (spd == 0)) & (~F | normal_ratio)
    scr = cr & normal_ratio & (values["bm_clonal_cells"] == "negative")
    urine_pr = _le(urine, 0.1 * u0) | (urine < 200)
    vgpr = np.where(
        S,
        ((serum == 0) & (serum_ife == "positive")) | (_le(serum, 0.1 * s0) & (~U | (urine < 100))),
        np.where(U, urine < 100, F & _le(dflc, 0.1 * d0)),
    )
    pr = np.where(
        S,
        _le(serum, 0.5 * s0) & (~U | urine_pr),
        np.where(U, urine_pr, np.where(F, _le(dflc, 0.5 * d0), Mw & _le(marrow, 0.5 * m0))),
    )
    mr = np.where(S, _le(serum, 0.75 * s0) & (~U | _le(urine, 0.5 * u0)), U & _le(urine, 0.5 * u0))
    cat = np.full(len(serum), C_SD)
    for hit, code in ((mr, C_MR), (pr, C_PR), (vgpr, C_VGPR), (cr, C_CR), (scr, C_SCR)):
        cat = np.where(hit, code, cat)
    # A plasmacytoma present at baseline caps the category: gone for CR, -50% for PR, -25% for MR.
    cap = np.where(
        spd == 0, C_SCR, np.where(_le(spd, 0.5 * p0), C_VGPR, np.where(_le(spd, 0.75 * p0), C_MR, C_SD))
    )
    cat = np.where(P, np.maximum(cat, cap), cat)
    cat = np.where(evaluable, cat, C_NE)
    cat = np.where(pd, C_PD, cat)
    return np.where(v.baseline, -1, cat)


def _progressed(values: dict[str, np.ndarray], dflc: np.ndarray, v: Visits, *, S: np.ndarray, U: np.ndarray,
                F: np.ndarray, Mw: np.ndarray, P: np.ndarray) -> np.ndarray:
    """IMWG progression of each assessment: a rise from the nadir in a measure followed (``S`` serum, ``U``
    urine, ``F`` dFLC, ``Mw`` marrow, ``P`` a plasmacytoma, per visit), or a new lesion."""

    def rise(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        nadir = nadir_before(x, v.first)
        return x - nadir, nadir

    spd = values["plasmacytoma_spd_cm2"]
    rs, ns = rise(values["serum_m_g_l"])
    ru, nu = rise(values["urine_m_mg_24h"])
    rd, nd = rise(dflc)
    rm, _ = rise(values["bm_plasma_cells_pct"])
    rp, npl = rise(spd)
    return (
        (S & ((_ge(rs, 0.25 * ns) & _ge(rs, 5)) | ((ns >= 50) & _ge(rs, 10))))
        | (U & _ge(ru, 0.25 * nu) & _ge(ru, 200))
        | (F & _ge(rd, 0.25 * nd) & ~_le(rd, 100))
        | (Mw & _ge(rm, 10))
        | (P & _ge(spd, 1.5 * npl) & (rp > 0))
        | (values["new_lesion"] == 1)
    )
