"""Synthetic cohort generator: determinism, the data contract, realistic structure, the shipped examples."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from pipeline import vocab
from pipeline.config import load_config
from pipeline.synth import generate_cohort, write_cohort
from pipeline.synth.hospital import (
    ASSESSMENT_HEADERS,
    ENCODING,
    PATIENT_HEADERS,
    VALUES,
    hospital_export,
    write_hospital_export,
)

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "synthetic_data" / "demo"
EXAMPLE = ROOT / "synthetic_data" / "example_hospital"
FILES = ("patients.csv", "assessments.csv", "adverse_events.csv")


@pytest.fixture(scope="module")
def cohort() -> dict[str, pd.DataFrame]:
    return generate_cohort(600, 7)


@pytest.fixture(scope="module")
def short_followup() -> dict[str, pd.DataFrame]:
    """Accrual right up to the extraction: patients with no follow-up at all."""
    return generate_cohort(150, 3, start="2022-01-01", accrual_end="2022-06-30", extraction="2022-06-30")


def _baseline(a: pd.DataFrame) -> pd.Series:
    """Baseline rows (cycle 0); unscheduled assessments have no cycle."""
    return a.cycle.eq(0).fillna(False).astype(bool)


def _true(x) -> bool:
    return False if pd.isna(x) else bool(x)


def _by_patient(tables: dict[str, pd.DataFrame], table: str, col: str) -> pd.Series:
    p = tables["patients"].set_index("patient_id")
    return tables[table]["patient_id"].map(p[col])


# --- determinism ----------------------------------------------------------------------------------


def test_same_seed_gives_identical_frames_and_bytes(tmp_path: Path) -> None:
    a, b = generate_cohort(80, 11), generate_cohort(80, 11)
    for name in a:
        pd.testing.assert_frame_equal(a[name], b[name])
    pa, pb = write_cohort(a, tmp_path / "a"), write_cohort(b, tmp_path / "b")
    assert [p.name for p in pa] == list(FILES)
    for x, y in zip(pa, pb, strict=True):
        assert x.read_bytes() == y.read_bytes()


def test_different_seeds_give_different_cohorts() -> None:
    a, b = generate_cohort(80, 11), generate_cohort(80, 12)
    for name in a:
        assert not a[name].equals(b[name])


def test_demo_folder_is_what_the_generator_makes_now(tmp_path: Path) -> None:
    written = write_cohort(generate_cohort(120, 20221209), tmp_path)
    for path in written:
        assert (DEMO / path.name).read_bytes() == path.read_bytes(), (
            f"{path.name} drifted: regenerate the demo"
        )
    assert (
        "mmcohort synth --n 120 --seed 20221209 --out synthetic_data/demo" in (DEMO / "README.md").read_text()
    )


def test_written_files_read_back_to_the_same_values(cohort: dict[str, pd.DataFrame], tmp_path: Path) -> None:
    write_cohort(cohort, tmp_path)
    for name in ("patients", "assessments", "adverse_events"):
        text = (tmp_path / f"{name}.csv").read_bytes()
        assert not text.startswith(b"\xef\xbb\xbf") and b"\r\n" not in text
        back = pd.read_csv(tmp_path / f"{name}.csv", dtype=str, keep_default_na=False)
        frame = cohort[name].drop(columns="_line")
        assert list(back.columns) == list(frame.columns)
        assert (back == "").sum().to_dict() == frame.isna().sum().to_dict()
        for col in frame.columns:
            if pd.api.types.is_float_dtype(frame[col]):
                got = pd.to_numeric(back[col].replace("", np.nan))
                np.testing.assert_allclose(got, frame[col], rtol=0, atol=1e-9, equal_nan=True)
            elif pd.api.types.is_datetime64_any_dtype(frame[col]):
                assert pd.to_datetime(back[col].replace("", None)).equals(frame[col]), col
    assert (cohort["patients"]["_line"] == np.arange(2, len(cohort["patients"]) + 2)).all()


# --- canonical columns, dtypes and value sets ----------------------------------------------------


def test_dtypes_are_canonical(cohort: dict[str, pd.DataFrame]) -> None:
    p, a, ae = cohort["patients"], cohort["assessments"], cohort["adverse_events"]
    for df, dates, ints, bools in (
        (
            p,
            ["index_date", "last_contact_date", "death_date", "progression_date", "new_therapy_date"],
            ["age", "prior_lines", "cycles"],
            ["prior_bortezomib", "prior_lenalidomide", "prior_daratumumab", "fish_tested"],
        ),
        (a, ["assessment_date"], ["cycle"], ["new_lesion"]),
        (ae, ["onset_date"], ["grade"], []),
    ):
        for c in dates:
            assert df[c].dtype == "datetime64[ns]", c
            assert (df[c].dropna() == df[c].dropna().dt.normalize()).all()
        for c in ints:
            assert df[c].dtype == "Int64", c
        for c in bools:
            assert df[c].dtype == "boolean", c
        for c in df.columns.difference([*dates, *ints, *bools, "_line"]):
            assert df[c].dtype in (object, np.float64), c
            if df[c].dtype == object:
                assert df[c].map(lambda v: v is None or isinstance(v, str)).all(), c


def test_values_are_the_contracts(cohort: dict[str, pd.DataFrame]) -> None:
    p, a, ae = cohort["patients"], cohort["assessments"], cohort["adverse_events"]

    def within(s: pd.Series, allowed) -> bool:
        return set(s.dropna()) <= set(allowed)

    assert within(p.sex, vocab.SEX) and within(p.emd, vocab.EMD) and within(p.emd_type, vocab.EMD_TYPE)
    assert within(p.death_cause, vocab.DEATH_CAUSE) and within(p.best_response, vocab.RESPONSE_ORDER)
    assert within(p.ds_stage, vocab.DS_STAGE) and within(p.iss_stage, vocab.ISS_STAGE)
    assert within(p.riss_stage, vocab.ISS_STAGE)
    assert within(p.regimen, ("BRD", "BPD", "BDd", "Bd", "BKd", "BEVD"))
    heavy, _, light = p.myeloma_type.str.partition("-").T.values
    assert set(heavy) <= set(vocab.MYELOMA_TYPE) and set(light) - {""} <= set(vocab.LIGHT_CHAINS)
    for m in vocab.FISH_MARKERS:
        assert within(p[m], vocab.POS_NEG)
        assert p.loc[p.fish_tested != True, m].isna().all()  # noqa: E712 (nullable)
    assert p.patient_id.is_unique and p.patient_id.str.fullmatch(r"SYN-\d{3,}").all()
    assert p.age.between(18, 110).all() and p.prior_lines.between(1, 6).all() and p.cycles.between(1, 8).all()
    for c in ("serum_ife", "urine_ife", "bm_clonal_cells"):
        assert within(a[c], vocab.POS_NEG)
    assert within(a.response, vocab.RESPONSE_ORDER)
    assert (a[["serum_m_g_l", "urine_m_mg_24h", "plasmacytoma_spd_cm2"]].fillna(0) >= 0).all().all()
    assert (a[["flc_kappa_mg_l", "flc_lambda_mg_l"]].fillna(1) > 0).all().all()
    assert a.bm_plasma_cells_pct.dropna().between(0, 100).all()
    assert ae.grade.between(1, 5).all()
    assert set(ae.term) >= {
        "White blood cell decreased",
        "Platelet count decreased",
        "Anemia",
        "Fatigue",
        "Anorexia",
        "Diarrhea",
    }
    ranges = {
        "hemoglobin_g_l": (30, 200),
        "wbc_10e9_l": (0.1, 100),
        "platelets_10e9_l": (1, 1000),
        "calcium_mmol_l": (1.0, 5.0),
        "creatinine_umol_l": (20, 2000),
        "beta2m_mg_l": (0.5, 100),
        "albumin_g_l": (10, 60),
        "ldh_u_l": (50, 5000),
        "bm_plasma_cells_pct": (0, 100),
        "esr_mm_h": (0, 200),
        "bendamustine_dose_mg_m2": (20, 150),
    }
    for c, (lo, hi) in ranges.items():
        assert p[c].dropna().between(lo, hi).all(), c


# --- the contract's checks across fields and tables ----------------------------------------------


@pytest.mark.parametrize("which", ["cohort", "short_followup"])
def test_contract_checks_hold(which: str, request: pytest.FixtureRequest) -> None:
    t = request.getfixturevalue(which)
    p, a, ae = t["patients"], t["assessments"], t["adverse_events"]
    idx = p.index_date
    for c in ("last_contact_date", "death_date", "progression_date", "new_therapy_date"):
        assert (p[c].dropna() >= idx[p[c].notna()]).all(), c
    assert not (p.last_contact_date > p.death_date).any()
    assert not (p.progression_date > p.death_date).any()
    assert p.last_contact_date.notna().all()
    assert ((p.emd != "none") == p.emd_type.notna()).all()
    assert (p.death_cause.isna() | p.death_date.notna()).all() and (
        p.death_cause.notna() == p.death_date.notna()
    ).all()
    # assessments and adverse events
    assert set(a.patient_id) <= set(p.patient_id) and set(ae.patient_id) <= set(p.patient_id)
    assert not a.duplicated(["patient_id", "assessment_date"]).any()
    a_idx = _by_patient(t, "assessments", "index_date")
    baseline = _baseline(a)
    assert ((a_idx - a.assessment_date)[baseline].dt.days.between(0, 14)).all()
    assert (a.assessment_date[~baseline] > a_idx[~baseline]).all()
    assert set(a.patient_id[baseline]) == set(p.patient_id)
    highest = a.groupby("patient_id").cycle.max()
    assert (p.set_index("patient_id").cycles.reindex(highest.index) >= highest).all()
    last = _by_patient(t, "assessments", "last_contact_date")
    assert (a.assessment_date <= last).all()
    ae_idx = _by_patient(t, "adverse_events", "index_date")
    onset = ae.onset_date.notna()
    assert (ae.onset_date[onset] >= ae_idx[onset]).all()
    assert (ae.onset_date[onset] <= _by_patient(t, "adverse_events", "last_contact_date")[onset]).all()
    # nothing after the extraction; no assessment after new therapy
    extraction = p.last_contact_date.max()
    assert (a.assessment_date <= extraction).all() and (p.death_date.dropna() <= extraction).all()
    nt = _by_patient(t, "assessments", "new_therapy_date")
    assert not (a.assessment_date >= nt).any()


# --- structure: the cohort looks like the study's -------------------------------------------------


def test_cohort_has_every_kind_of_patient(cohort: dict[str, pd.DataFrame]) -> None:
    p, a = cohort["patients"], cohort["assessments"]
    n = len(p)
    types = p.myeloma_type.str.partition("-")[0].value_counts() / n
    assert 0.4 < types["IgG"] < 0.65 and 0.1 < types["IgA"] < 0.3
    assert types["kappa"] + types["lambda"] > 0.15 and (p.myeloma_type == "nonsecretory").sum() >= 5
    assert 0.5 < (p.emd != "none").mean() < 0.7
    assert 0.6 < p.fish_tested.mean() < 0.8
    assert 3 <= p.prior_lines.median() <= 4 and 2 <= p.cycles.median() <= 5
    assert {1, 8} <= set(p.cycles)
    dead = p.death_date.notna()
    assert 0.25 < dead.mean() < 0.8 and (p.death_cause == "other").any()
    assert (~dead).sum() > 50  # censored
    lost = ~dead & (p.last_contact_date < p.last_contact_date.max() - pd.Timedelta(days=90))
    assert lost.any()
    assert (
        p.new_therapy_date.notna().any()
        and p.new_therapy_date.notna().sum() < p.progression_date.notna().sum()
    )
    assert (p.new_therapy_date.dropna() > p.progression_date[p.new_therapy_date.notna()]).all()
    assert set(p.best_response) >= {"sCR", "CR", "VGPR", "PR", "MR", "SD", "PD"}
    assert a.cycle.dropna().isin([0, 1, 2, 3, 4, 5, 6, 7, 8]).all() and a.cycle.isna().any()
    assert a.plasmacytoma_spd_cm2.gt(0).any() and a.new_lesion.eq(True).any()
    assert (a.response == "NE").any()


def test_light_chain_and_nonsecretory_measures(cohort: dict[str, pd.DataFrame]) -> None:
    a = cohort["assessments"]
    mtype = _by_patient(cohort, "assessments", "myeloma_type")
    base = a[_baseline(a)]
    heavy = mtype[base.index].str.startswith("Ig")
    assert base.serum_m_g_l[heavy].between(10, 70).all()
    light = mtype[base.index].isin(["kappa", "lambda"])
    assert (base.serum_m_g_l[light] <= 5).all()
    involved = np.where(mtype[base.index] == "kappa", base.flc_kappa_mg_l, base.flc_lambda_mg_l)[
        light.to_numpy()
    ]
    assert (involved > 100).all()
    assert (base.urine_m_mg_24h[light] >= 200).any() and (base.urine_m_mg_24h[light] < 200).any()
    nonsec = a[mtype == "nonsecretory"]
    assert nonsec.bm_plasma_cells_pct[nonsec.response.ne("NE")].notna().all()
    assert (nonsec.serum_ife.dropna() == "negative").all() and (nonsec.serum_m_g_l.dropna() == 0).all()
    assert (base.bm_plasma_cells_pct[mtype[base.index] == "nonsecretory"] >= 30).all()
    emd = _by_patient(cohort, "assessments", "emd") != "none"
    assert a.plasmacytoma_spd_cm2[~emd].isna().all() and a.plasmacytoma_spd_cm2[emd].notna().all()


# --- raw values and recorded responses follow IMWG 2016 ------------------------------------------


def _ge(a: float, b: float) -> bool:
    """a >= b for decimal values (23.4 - 18.4 is not exactly 5 in floating point); False with NaN."""
    return a >= b - 1e-9 * max(1.0, abs(b))


def _le(a: float, b: float) -> bool:
    return a <= b + 1e-9 * max(1.0, abs(b))


def _imwg_single(rows: pd.DataFrame, chain: str | None) -> list[str | None]:
    """Reference: IMWG_RULES.md category of each assessment on its own, one row at a time."""
    b = rows.iloc[0]

    def num(x) -> float:
        return float("nan") if pd.isna(x) else float(x)

    s0, u0, m0, p0 = (
        num(b.serum_m_g_l),
        num(b.urine_m_mg_24h),
        num(b.bm_plasma_cells_pct),
        num(b.plasmacytoma_spd_cm2),
    )
    kappa_inv = (
        chain == "kappa" if chain in ("kappa", "lambda") else num(b.flc_kappa_mg_l) >= num(b.flc_lambda_mg_l)
    )

    def dflc(r) -> float:
        k, lam = num(r.flc_kappa_mg_l), num(r.flc_lambda_mg_l)
        return k - lam if kappa_inv else lam - k

    ratio0 = num(b.flc_kappa_mg_l) / num(b.flc_lambda_mg_l)
    inv0 = num(b.flc_kappa_mg_l) if kappa_inv else num(b.flc_lambda_mg_l)
    serum_f, urine_f = s0 >= 10, u0 >= 200
    flc_f = not serum_f and not urine_f and inv0 >= 100 and (ratio0 > 1.65 or ratio0 < 0.26)
    marrow_f = not (serum_f or urine_f or flc_f) and m0 >= 30
    pct_f = p0 > 0
    d0 = dflc(b)
    nadir = {"s": s0, "u": u0, "d": d0, "m": m0, "p": p0}
    out: list[str | None] = [None]
    for _, r in rows.iloc[1:].iterrows():
        s, u, d, m, spd = (
            num(r.serum_m_g_l),
            num(r.urine_m_mg_24h),
            dflc(r),
            num(r.bm_plasma_cells_pct),
            num(r.plasmacytoma_spd_cm2),
        )
        ns, nu, nd, nm, npl = nadir["s"], nadir["u"], nadir["d"], nadir["m"], nadir["p"]
        pd_ = (
            (serum_f and ((_ge(s - ns, 0.25 * ns) and _ge(s - ns, 5)) or (ns >= 50 and _ge(s - ns, 10))))
            or (urine_f and _ge(u - nu, 0.25 * nu) and _ge(u - nu, 200))
            or (flc_f and _ge(d - nd, 0.25 * nd) and not _le(d - nd, 100))
            or (marrow_f and _ge(m - nm, 10))
            or (pct_f and _ge(spd, 1.5 * npl) and spd > npl)
            or _true(r.new_lesion)
        )
        ratio = num(r.flc_kappa_mg_l) / num(r.flc_lambda_mg_l)
        normal = _ge(ratio, 0.26) and _le(ratio, 1.65)
        if pd_:
            cat = "PD"
        elif (
            (serum_f and math.isnan(s))
            or (urine_f and math.isnan(u))
            or (flc_f and math.isnan(d))
            or (marrow_f and math.isnan(m))
        ):
            cat = "NE"
        else:
            cr = (
                r.serum_ife == "negative"
                and r.urine_ife == "negative"
                and m < 5
                and (not pct_f or spd == 0)
                and (not flc_f or normal)
            )
            vgpr = (
                serum_f
                and (
                    (s == 0 and r.serum_ife == "positive") or (_le(s, 0.1 * s0) and (not urine_f or u < 100))
                )
            ) or (not serum_f and ((urine_f and u < 100) or (flc_f and _le(d, 0.1 * d0))))
            urine_pr = _le(u, 0.1 * u0) or u < 200
            pr = (serum_f and _le(s, 0.5 * s0) and (not urine_f or urine_pr)) or (
                not serum_f
                and (
                    (urine_f and urine_pr) or (flc_f and _le(d, 0.5 * d0)) or (marrow_f and _le(m, 0.5 * m0))
                )
            )
            mr = (serum_f and _le(s, 0.75 * s0) and (not urine_f or _le(u, 0.5 * u0))) or (
                not serum_f and urine_f and _le(u, 0.5 * u0)
            )
            if cr:
                cat = "sCR" if normal and r.bm_clonal_cells == "negative" else "CR"
            elif vgpr:
                cat = "VGPR"
            elif pr:
                cat = "PR"
            elif mr:
                cat = "MR"
            else:
                cat = "SD"
            if pct_f and spd > 0:
                cap = "VGPR" if _le(spd, 0.5 * p0) else "MR" if _le(spd, 0.75 * p0) else "SD"
                cat = max(cat, cap, key=vocab.RESPONSE_RANK.__getitem__)
        out.append(cat)
        for key, x in (("s", s), ("u", u), ("d", d), ("m", m), ("p", spd)):
            if not math.isnan(x):
                nadir[key] = x if math.isnan(nadir[key]) else min(nadir[key], x)
    return out


@pytest.fixture(scope="module")
def reference_categories(cohort: dict[str, pd.DataFrame]) -> pd.Series:
    a = cohort["assessments"]
    p = cohort["patients"].set_index("patient_id")
    chain = p.myeloma_type.str.partition("-")[2].where(lambda s: s != "", p.myeloma_type)
    cats = [c for pid, rows in a.groupby("patient_id", sort=False) for c in _imwg_single(rows, chain[pid])]
    return pd.Series(cats, index=a.index, dtype=object)


def test_recorded_response_matches_raw_values_mostly(cohort, reference_categories) -> None:
    a = cohort["assessments"]
    post = ~_baseline(a)
    agree = (a.response[post] == reference_categories[post]).mean()
    assert 0.94 <= agree <= 0.985, agree
    # disagreements are one category apart and never about progression
    differ = post & (a.response != reference_categories)
    rank = vocab.RESPONSE_RANK
    assert (a.response[differ].map(rank) - reference_categories[differ].map(rank)).abs().eq(1).all()
    assert not a.response[differ].eq("PD").any() and not reference_categories[differ].eq("PD").any()
    assert a.response[~post].isna().all()


def test_progression_is_visible_in_raw_values_and_confirmed(cohort, reference_categories) -> None:
    p, a = cohort["patients"], cohort["assessments"]
    is_pd = reference_categories.eq("PD")
    first_pd = a[is_pd].groupby("patient_id").assessment_date.min()
    recorded = p.set_index("patient_id").progression_date
    assert recorded.dropna().sort_index().equals(first_pd.sort_index().rename("progression_date"))
    assert len(first_pd) > 0.4 * len(p)
    # the next assessment after the first PD, where there is one, is PD again
    confirmed = 0
    for pid, date in first_pd.items():
        later = a[(a.patient_id == pid) & (a.assessment_date > date)]
        if len(later):
            confirmed += 1
            assert reference_categories[later.index[0]] == "PD", pid
    assert confirmed > 0.6 * len(first_pd)
    # at progression the serum M of IgG/IgA patients rose >= 25% and >= 5 g/L above its nadir (or
    # >= 10 g/L from a nadir >= 50 g/L), unless the progression was on imaging
    mtype = _by_patient(cohort, "assessments", "myeloma_type")
    heavy_pd = a[is_pd & mtype.str.startswith("Ig") & a.assessment_date.eq(a.patient_id.map(first_pd))]
    by_lab = 0
    for i, r in heavy_pd.iterrows():
        earlier = a[(a.patient_id == r.patient_id) & (a.assessment_date < r.assessment_date)]
        nadir = earlier.serum_m_g_l.min()
        rise = r.serum_m_g_l - nadir
        rose = rise >= max(5, 0.25 * nadir) or (nadir >= 50 and rise >= 10)
        grew = r.plasmacytoma_spd_cm2 >= 1.5 * earlier.plasmacytoma_spd_cm2.min()
        assert rose or grew or _true(r.new_lesion), i
        by_lab += rose
    assert by_lab > 0.5 * len(heavy_pd)


def test_best_response_is_the_best_recorded_up_to_progression(cohort) -> None:
    p, a = cohort["patients"], cohort["assessments"]
    pd_date = _by_patient(cohort, "assessments", "progression_date")
    window = ~_baseline(a) & (pd_date.isna() | (a.assessment_date <= pd_date))
    best = a[window].assign(r=a.response.map(vocab.RESPONSE_RANK)).groupby("patient_id").r.min()
    expected = (
        best.reindex(p.patient_id)
        .fillna(vocab.RESPONSE_RANK["NE"])
        .map(dict(enumerate(vocab.RESPONSE_ORDER)))
    )
    assert (p.best_response.to_numpy() == expected.to_numpy()).all()


def test_immunofixation_negative_only_in_complete_response(cohort, reference_categories) -> None:
    a = cohort["assessments"]
    secretory = _by_patient(cohort, "assessments", "myeloma_type") != "nonsecretory"
    neg = a.serum_ife.eq("negative") & ~_baseline(a) & secretory
    assert neg.any()
    # a negative IFE that is not CR is VGPR for want of a marrow, never worse
    assert reference_categories[neg].isin(["sCR", "CR", "VGPR"]).all()
    assert (a.serum_m_g_l[neg] == 0).all()


def test_adverse_events_at_the_studys_rates(cohort) -> None:
    p, ae = cohort["patients"], cohort["adverse_events"]
    share = ae.groupby("term").patient_id.nunique() / len(p)
    assert 0.4 < share["White blood cell decreased"] < 0.6 and 0.35 < share["Fatigue"] < 0.53
    worst = ae.groupby(["patient_id", "term"]).grade.max()
    assert worst.le(3).mean() > 0.95 and worst.eq(5).sum() == 0
    assert ae.onset_date.isna().any()


def test_bad_arguments_are_refused() -> None:
    with pytest.raises(ValueError, match="n must be"):
        generate_cohort(0, 1)
    with pytest.raises(ValueError, match="start <= accrual_end <= extraction"):
        generate_cohort(5, 1, accrual_end="2024-01-01")
    with pytest.raises(ValueError, match="extraction must be a date"):
        generate_cohort(5, 1, extraction="soon")
    assert len(generate_cohort(1, 1)["patients"]) == 1


# --- the Chinese hospital example -----------------------------------------------------------------


def test_example_hospital_files_are_what_the_code_makes_now(tmp_path: Path) -> None:
    for path in write_hospital_export(hospital_export(), tmp_path):
        assert (EXAMPLE / path.name).read_bytes() == path.read_bytes(), f"{path.name} drifted"


def test_example_hospital_export_looks_like_a_chinese_export() -> None:
    raw = {name: (EXAMPLE / f"{name}.csv").read_bytes() for name in ("patients", "assessments")}
    with pytest.raises(UnicodeDecodeError):
        raw["patients"].decode("utf-8")
    tables = {
        k: pd.read_csv(EXAMPLE / f"{k}.csv", encoding="gbk", dtype=str, keep_default_na=False) for k in raw
    }
    p, a = tables["patients"], tables["assessments"]
    assert list(p.columns) == list(PATIENT_HEADERS.values()) and list(a.columns) == list(
        ASSESSMENT_HEADERS.values()
    )
    assert len(p) == 12 and p["研究编号"].str.fullmatch(r"BR-\d{3}").all()
    for banned in ("姓名", "住院号", "病历号", "身份证", "电话", "手机"):
        assert not any(banned in c for t in tables.values() for c in t.columns)
    dates = pd.concat([p["治疗开始日期"], a["评估日期"]])
    for pattern in (
        r"\d{4}/\d{1,2}/\d{1,2}",
        r"\d{4}\.\d{2}\.\d{2}",
        r"\d{4}年\d{1,2}月\d{1,2}日",
        r"\d{4}-\d{2}-\d{2}",
    ):
        assert dates.str.fullmatch(pattern).any(), pattern
    assert (p == "未查").any().any() and (a == "未查").any().any()
    assert set(p["性别"]) <= {"男", "女"} and set(a["血清IFE"]) <= {"阳性", "阴性", "未查", ""}


def test_example_hospital_config_maps_every_header_and_value() -> None:
    cfg = load_config(ROOT / "config" / "example_hospital.yaml")
    assert cfg.input_path("patients").resolve() == (EXAMPLE / "patients.csv").resolve()
    for name, headers in (("patients", PATIENT_HEADERS), ("assessments", ASSESSMENT_HEADERS)):
        assert cfg.columns[name] == {h: c for c, h in headers.items()}
        table = pd.read_csv(cfg.input_path(name), encoding=ENCODING, dtype=str, keep_default_na=False)
        for header, canonical in cfg.columns[name].items():
            if canonical in VALUES:
                seen = set(table[header]) - {"", "未查"}
                assert seen <= set(cfg.values[canonical]), (header, seen - set(cfg.values[canonical]))
    for canonical, mapping in VALUES.items():
        for value, hospital in mapping.items():
            assert cfg.values[canonical][hospital] == value, (canonical, hospital)


def test_example_hospital_export_maps_back_onto_the_generated_cohort() -> None:
    """Reading the export through the config's maps gives the generator's canonical values back."""
    cfg = load_config(ROOT / "config" / "example_hospital.yaml")
    source = generate_cohort(12, 20221209)["patients"]
    table = pd.read_csv(cfg.input_path("patients"), encoding=ENCODING, dtype=str, keep_default_na=False)
    table = table.rename(columns=cfg.columns["patients"])
    for col in (
        "sex",
        "emd",
        "emd_type",
        "death_cause",
        "best_response",
        "myeloma_type",
        "ds_stage",
        "fish_tested",
    ):
        back = table[col].map(lambda v, c=col: cfg.values[c].get(v))
        assert back.tolist() == source[col].astype(object).where(source[col].notna(), None).tolist(), col
    ymd = table["index_date"].str.replace(r"[年月./]", "-", regex=True).str.rstrip("日")
    assert pd.to_datetime(ymd, format="%Y-%m-%d").tolist() == source.index_date.tolist()
    assert table["age"].astype(int).tolist() == source.age.tolist()


def test_the_imwg_engine_reproduces_the_recorded_responses_closely(cohort):
    """The agreement the report shows for a synthetic cohort: IMWG categories derived from the raw values
    by the engine vs the recorded responses (single assessments, no confirmation, as recorded)."""
    from pipeline.analysis.agreement import agreement
    from pipeline.imwg import derive_response

    res = derive_response(cohort["patients"], cohort["assessments"], confirm_response=False)
    adrs = res.assessments.merge(cohort["assessments"][["patient_id", "assessment_date", "response"]],
                                 on=["patient_id", "assessment_date"])
    ag = agreement(adrs)
    # the generator disagrees on purpose in ~4% of assessments (clinician judgement), never about PD
    assert 94.0 <= ag["pct_agree"] <= 98.5, ag["pct_agree"]
    assert ag["kappa"] > 0.9
    d = ag["disagreements"]
    assert not ((d["recorded"] == "PD") | (d["derived"] == "PD")).any()
