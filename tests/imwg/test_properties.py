"""Properties of the IMWG engine over random trajectories (hypothesis).

- A trajectory in which every measure only falls never gives PD.
- Scaling all measurements by a constant does not change any category. IMWG thresholds are partly
  absolute (PD needs +0.5 g/dL, +200 mg/24 h, > +100 mg/L; PR/VGPR by urine < 200 / < 100 mg/24 h), so
  the property is tested where it must hold: patients followed by urine alone or by dFLC alone whose
  every value is far above the absolute thresholds (urine >= 800 mg/24 h, dFLC >= 401 mg/L), scaled
  by a factor >= 1. There, a 25% rise from the nadir is always more than the absolute rise required and
  urine never falls below 200 mg/24 h, so every criterion reduces to a relative change.
- A confirmed category is never better than either assessment of its confirming pair, and a response
  is never confirmed as better than itself.
- The best overall response is never dated after the first PD.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.imwg import derive_response
from pipeline.vocab import RESPONSE_RANK

INDEX = pd.Timestamp("2022-01-10")
FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
RANK = {**RESPONSE_RANK, None: -1}


def visit_dates(n: int) -> list[pd.Timestamp]:
    return [INDEX - pd.Timedelta(days=3)] + [INDEX + pd.Timedelta(days=28 * i) for i in range(1, n)]


def cohort_frames(trajectories: list[dict]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """One patient per trajectory: {"type": ..., "visits": [dict of canonical columns], "ntd": visit, ...}."""
    patients, rows = [], []
    for p, t in enumerate(trajectories):
        pid = f"P{p}"
        dates = visit_dates(len(t["visits"]))
        ntd = t.get("ntd")
        patients.append({"patient_id": pid, "index_date": INDEX, "myeloma_type": t["type"],
                         "new_therapy_date": INDEX + pd.Timedelta(days=28 * ntd - 1) if ntd else pd.NaT,
                         "progression_date": INDEX + pd.Timedelta(days=t["rec"]) if t.get("rec") else pd.NaT})
        for i, v in enumerate(t["visits"]):
            rows.append({"patient_id": pid, "assessment_date": dates[i], "cycle": i, **v})
    a = pd.DataFrame(rows)
    a["cycle"] = a["cycle"].astype("Int64")
    if "new_lesion" in a:
        a["new_lesion"] = a["new_lesion"].astype("boolean")
    p = pd.DataFrame(patients)
    for col in ("new_therapy_date", "progression_date"):
        p[col] = pd.to_datetime(p[col])
    return p, a


maybe = st.one_of(st.none(), st.none(), st.floats(0, 1))  # a fraction, sometimes missing


@st.composite
def any_visit(draw) -> dict:
    def value(hi):
        f = draw(st.one_of(st.none(), st.sampled_from([0.0, 0.1, 0.5, 1.0]), st.floats(0, 1)))
        return np.nan if f is None else f * hi

    return {
        "serum_m_g_l": value(80), "urine_m_mg_24h": value(3000),
        "flc_kappa_mg_l": value(1500), "flc_lambda_mg_l": value(300),
        "serum_ife": draw(st.sampled_from([None, "positive", "negative"])),
        "urine_ife": draw(st.sampled_from([None, "positive", "negative"])),
        "bm_plasma_cells_pct": value(90), "bm_clonal_cells": draw(st.sampled_from([None, "positive", "negative"])),
        "plasmacytoma_spd_cm2": value(30), "new_lesion": draw(st.sampled_from([False] * 9 + [True])),
    }


@st.composite
def any_trajectory(draw) -> dict:
    n = draw(st.integers(1, 8))
    return {"type": draw(st.sampled_from(["IgG-kappa", "IgA-lambda", "kappa", "lambda", "nonsecretory", None])),
            "visits": [draw(any_visit()) for _ in range(n)],
            "ntd": draw(st.one_of(st.none(), st.integers(1, 8))),
            "rec": draw(st.one_of(st.none(), st.integers(10, 250)))}


@st.composite
def falling_trajectory(draw) -> dict:
    """Every measure non-increasing over time (missing values allowed); no new lesion."""
    n = draw(st.integers(2, 8))
    start = {"serum_m_g_l": draw(st.floats(0, 80)), "urine_m_mg_24h": draw(st.floats(0, 3000)),
             "flc_kappa_mg_l": draw(st.floats(1, 1500)), "bm_plasma_cells_pct": draw(st.floats(0, 90)),
             "plasmacytoma_spd_cm2": draw(st.sampled_from([0.0, 5.0, 20.0]))}
    lam = draw(st.floats(1, 50))  # the uninvolved chain stays put, so dFLC only falls
    current, visits = dict(start), []
    for i in range(n):
        if i:
            for k in current:
                current[k] *= draw(st.sampled_from([1.0, 0.9, 0.5, 0.2, 0.0]))
        v = {k: (np.nan if i and draw(st.booleans()) and draw(st.booleans()) else x) for k, x in current.items()}
        # Immunofixation is negative only when the M-protein is gone: a negative IFE with a missing
        # M-protein means 0 (a measured value), which a falling trajectory must respect too.
        v.update(flc_lambda_mg_l=lam, new_lesion=False,
                 serum_ife="negative" if v["serum_m_g_l"] == 0 else draw(st.sampled_from([None, "positive"])),
                 urine_ife="negative" if v["urine_m_mg_24h"] == 0 else draw(st.sampled_from([None, "positive"])))
        visits.append(v)
    return {"type": draw(st.sampled_from(["IgG-kappa", "kappa", "nonsecretory"])), "visits": visits}


@FAST
@given(st.lists(falling_trajectory(), min_size=1, max_size=3))
def test_a_trajectory_that_only_falls_never_gives_pd(trajectories):
    p, a = cohort_frames(trajectories)
    res = derive_response(p, a)
    assert "PD" not in set(res.assessments["category"].dropna())
    assert res.patients["progression_date"].isna().all()


@st.composite
def scale_free_trajectory(draw) -> dict:
    n = draw(st.integers(2, 8))
    factors = [1.0] + [draw(st.floats(0.04, 1.5)) for _ in range(n - 1)]
    if draw(st.booleans()):  # followed by urine alone
        u0 = draw(st.floats(20_000, 50_000))
        visits = [{"urine_m_mg_24h": u0 * f, "serum_ife": "positive"} for f in factors]
        return {"type": "IgG-kappa", "visits": visits}
    k0 = draw(st.floats(12_000, 40_000))  # followed by dFLC alone (kappa light chain, lambda 10 mg/L)
    visits = [{"flc_kappa_mg_l": k0 * f, "flc_lambda_mg_l": 10.0, "serum_ife": "positive"} for f in factors]
    return {"type": "kappa", "visits": visits}


@FAST
@given(st.lists(scale_free_trajectory(), min_size=1, max_size=3), st.floats(1.0, 5.0))
def test_scaling_all_measurements_does_not_change_categories(trajectories, scale):
    p, a = cohort_frames(trajectories)
    scaled = a.copy()
    for col in ("urine_m_mg_24h", "flc_kappa_mg_l", "flc_lambda_mg_l"):
        if col in scaled:
            scaled[col] = scaled[col] * scale
    one, other = derive_response(p, a), derive_response(p, scaled)
    assert set(one.patients["followed_by"]) <= {"urine", "dflc"}
    assert one.assessments["category"].tolist() == other.assessments["category"].tolist()
    assert one.assessments["confirmed_category"].tolist() == other.assessments["confirmed_category"].tolist()
    assert one.patients["bor"].tolist() == other.patients["bor"].tolist()


@FAST
@given(st.lists(any_trajectory(), min_size=1, max_size=4), st.sampled_from(["count", "ignore"]))
def test_confirmed_category_is_never_better_than_its_pair(trajectories, unconfirmed_pd):
    p, a = cohort_frames(trajectories)
    out = derive_response(p, a, unconfirmed_pd=unconfirmed_pd).assessments
    rank = out["category"].map(RANK)
    conf = out["confirmed_category"].map(RANK)
    partner = out.merge(out[["patient_id", "assessment_date", "category"]].rename(
        columns={"assessment_date": "confirmed_with", "category": "partner"}),
        on=["patient_id", "confirmed_with"], how="left")["partner"].map(RANK).to_numpy()
    paired = out["confirmed_with"].notna().to_numpy()
    assert (conf[paired] >= rank[paired]).all()
    assert (conf.to_numpy()[paired] >= partner[paired]).all()
    responses = rank.between(0, RESPONSE_RANK["MR"]) & conf.ge(0)
    assert (conf[responses] >= rank[responses]).all()


@FAST
@given(st.lists(any_trajectory(), min_size=1, max_size=4), st.booleans())
def test_bor_is_never_dated_after_the_first_pd(trajectories, confirm_response):
    p, a = cohort_frames(trajectories)
    res = derive_response(p, a, confirm_response=confirm_response)
    pts = res.patients
    for col in ("derived_progression_date", "progression_date"):
        both = pts["bor_date"].notna() & pts[col].notna()
        assert (pts.loc[both, "bor_date"] <= pts.loc[both, col]).all()
    counted = res.assessments[res.assessments["counted"]]
    if not confirm_response:
        assert (counted["confirmed_category"] == counted["category"]).all()
