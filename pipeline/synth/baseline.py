"""Baseline characteristics of a synthetic cohort, at the reference study's rates.

Every proportion cites ``docs/REFERENCE_STUDY.md`` (32 patients, bendamustine regimens, 2019-2022).
Where the study gives a mean +- 1.55 or similar, that is a standard error; the spread used here is the
plausible patient-level one. All draws are vectorised over patients.
"""

from __future__ import annotations

import numpy as np

from pipeline.vocab import FISH_MARKERS

# Regimens: BRD 14, BPD 13, B + daratumumab + dex 2, B + dex 1, B + etoposide + vindesine + dex 1,
# B + carfilzomib + dex 1.
REGIMENS = np.array(["BRD", "BPD", "BDd", "Bd", "BEVD", "BKd"], dtype=object)
REGIMEN_P = np.array([14, 13, 2, 1, 1, 1]) / 32
#: Prior lines 1-6; the study's median is 4 (range 2-6), 20/32 had >= 3. Lines 1 keep the range open.
PRIOR_LINES_P = np.array([0.05, 0.30, 0.22, 0.21, 0.14, 0.08])
#: IgG 17, IgA 6, kappa 6, lambda 2, non-secretory 1 (of 32).
MYELOMA_CLASSES = np.array(["IgG", "IgA", "kappa", "lambda", "nonsecretory"], dtype=object)
MYELOMA_P = np.array([17, 6, 6, 2, 1]) / 32
KAPPA_SHARE_HEAVY = 0.62
#: EMD 19/32: 7 at diagnosis, 12 at relapse; 16 paraskeletal, 3 soft tissue.
EMD_VALUES = np.array(["none", "at_diagnosis", "at_relapse"], dtype=object)
EMD_P = np.array([13, 7, 12]) / 32
PARASKELETAL_SHARE = 16 / 19
#: FISH done in 23/32 (72%); marker rates among the tested. The IgH translocations exclude each other.
FISH_TESTED_P = 23 / 32
IGH_PARTNERS = ("fish_t14_16", "fish_t4_14", "fish_t14_20", "fish_t11_14")
IGH_PARTNER_P = np.array([0.17, 0.13, 0.04, 0.04])
FISH_OTHER_P = {"fish_gain1q21": 0.52, "fish_del17p": 0.13, "fish_del13q": 0.09, "fish_igh": 0.13}
#: Share of each baseline lab that is missing in a real-world export.
LAB_MISSING = {
    "hemoglobin_g_l": 0.02,
    "wbc_10e9_l": 0.02,
    "platelets_10e9_l": 0.02,
    "calcium_mmol_l": 0.04,
    "creatinine_umol_l": 0.02,
    "beta2m_mg_l": 0.06,
    "albumin_g_l": 0.03,
    "ldh_u_l": 0.06,
    "bm_plasma_cells_pct": 0.05,
    "esr_mm_h": 0.15,
}
LDH_ULN = 250.0


def _lognormal(rng: np.random.Generator, n: int, median: float, q1: float, q3: float) -> np.ndarray:
    """Log-normal with the given median and (approximately) the given interquartile range."""
    sigma = (np.log(q3) - np.log(q1)) / 1.349
    return np.exp(rng.normal(np.log(median), sigma, n))


def _pick(rng: np.random.Generator, values: np.ndarray, p: np.ndarray, n: int) -> np.ndarray:
    return values[rng.choice(len(values), size=n, p=p)]


def draw_baseline(rng: np.random.Generator, n: int) -> dict[str, np.ndarray]:
    """Patient-level baseline columns (canonical names) plus latent ``_``-prefixed helpers.

    Missing values are NaN (numbers) or None (categories); booleans are float 1/0/NaN until assembly.
    The steps draw in this order (the same seed gives the same cohort).
    """
    b: dict[str, np.ndarray] = {}
    _demographics(rng, n, b)
    _myeloma(rng, n, b)
    _stages_and_treatment(rng, n, b)
    _labs(rng, n, b)
    positive = _fish(rng, n, b)
    _risk_stages(rng, n, b, positive)
    return b


def _demographics(rng: np.random.Generator, n: int, b: dict[str, np.ndarray]) -> None:
    """Sex, age, regimen, prior lines and extramedullary disease."""
    b["sex"] = np.where(rng.random(n) < 22 / 32, "M", "F").astype(object)
    b["age"] = np.clip(np.rint(rng.normal(60.0, 9.0, n)), 35, 88)
    b["regimen"] = _pick(rng, REGIMENS, REGIMEN_P, n)
    b["prior_lines"] = 1.0 + rng.choice(6, size=n, p=PRIOR_LINES_P)
    b["emd"] = _pick(rng, EMD_VALUES, EMD_P, n)
    emd_any = b["emd"] != "none"
    b["emd_type"] = np.where(
        emd_any, np.where(rng.random(n) < PARASKELETAL_SHARE, "paraskeletal", "soft_tissue"), None
    ).astype(object)
    # A plasmacytoma is measurable at the start of this regimen for every relapse EMD and most
    # diagnosis EMD; the rest had theirs disappear on earlier lines.
    b["_plasmacytoma"] = (b["emd"] == "at_relapse") | ((b["emd"] == "at_diagnosis") & (rng.random(n) < 0.7))


def _myeloma(rng: np.random.Generator, n: int, b: dict[str, np.ndarray]) -> None:
    """Myeloma type: the class (``_class``) and the light chain (``_chain``)."""
    cls = _pick(rng, MYELOMA_CLASSES, MYELOMA_P, n)
    heavy = (cls == "IgG") | (cls == "IgA")
    chain = np.where(rng.random(n) < KAPPA_SHARE_HEAVY, "kappa", "lambda").astype(object)
    chain = np.where(heavy, chain, np.where(cls == "nonsecretory", None, cls)).astype(object)
    b["myeloma_type"] = np.where(heavy, cls + "-" + chain.astype(str), cls).astype(object)
    b["_class"] = cls
    b["_chain"] = chain


def _stages_and_treatment(rng: np.random.Generator, n: int, b: dict[str, np.ndarray]) -> None:
    """Durie-Salmon and ISS stage, prior drugs and the bendamustine dose."""
    # All Durie-Salmon III: IIIA 29, IIIB 3. ISS II 17, III 15.
    b["ds_stage"] = np.where(rng.random(n) < 29 / 32, "IIIA", "IIIB").astype(object)
    b["iss_stage"] = np.where(rng.random(n) < 17 / 32, "II", "III").astype(object)

    b["prior_bortezomib"] = np.ones(n)
    b["prior_lenalidomide"] = (rng.random(n) < 29 / 32).astype(float)
    b["prior_daratumumab"] = np.where(rng.random(n) < 0.05, np.nan, (rng.random(n) < 0.12).astype(float))
    dose = rng.choice(np.array([60.0, 50.0, 70.0, 40.0]), size=n, p=[0.82, 0.08, 0.07, 0.03])
    b["bendamustine_dose_mg_m2"] = np.where(rng.random(n) < 0.02, np.nan, dose)


def _labs(rng: np.random.Generator, n: int, b: dict[str, np.ndarray]) -> None:
    """Baseline labs: medians and IQRs from the study; clipped to plausible physical ranges; some missing."""
    cls = b["_class"]
    b["hemoglobin_g_l"] = np.clip(np.rint(rng.normal(93.0, 18.0, n)), 45, 160)
    b["wbc_10e9_l"] = np.round(np.clip(_lognormal(rng, n, 4.2, 3.7, 6.8), 0.8, 25.0), 2)
    b["platelets_10e9_l"] = np.clip(np.rint(rng.normal(140.0, 60.0, n)), 8, 450)
    b["calcium_mmol_l"] = np.round(np.clip(_lognormal(rng, n, 2.17, 2.02, 2.45), 1.6, 3.8), 2)
    creat_a = np.clip(_lognormal(rng, n, 77.7, 68.1, 106.4), 38, 176)
    creat_b = np.clip(np.exp(rng.normal(np.log(260.0), 0.35, n)), 178, 900)  # IIIB: creatinine >= 177
    b["creatinine_umol_l"] = np.round(np.where(b["ds_stage"] == "IIIB", creat_b, creat_a), 1)
    b2m = np.where(
        b["iss_stage"] == "III",
        np.exp(rng.normal(np.log(8.0), 0.45, n)),
        np.exp(rng.normal(np.log(4.1), 0.25, n)),
    )
    b["beta2m_mg_l"] = np.round(np.clip(b2m, 1.2, 40.0), 2)
    b["albumin_g_l"] = np.round(np.clip(rng.normal(32.6, 7.0, n), 15.0, 52.0), 1)
    b["ldh_u_l"] = np.round(np.clip(_lognormal(rng, n, 197.7, 164.0, 240.4), 90, 2000), 1)
    bm = 100.0 / (1.0 + np.exp(-rng.normal(-0.9, 2.1, n)))
    # Non-secretory disease is followed by marrow, which needs >= 30% at baseline to be measurable.
    bm = np.where(cls == "nonsecretory", rng.uniform(32.0, 80.0, n), np.clip(bm, 1.0, 95.0))
    b["bm_plasma_cells_pct"] = np.round(bm, 1)
    b["esr_mm_h"] = np.clip(np.rint(rng.normal(112.0, 38.0, n)), 3, 150)
    b["_bm_latent"] = b["bm_plasma_cells_pct"].copy()
    for col, p in LAB_MISSING.items():
        gone = rng.random(n) < p
        if col == "bm_plasma_cells_pct":
            gone &= cls != "nonsecretory"
        b[col] = np.where(gone, np.nan, b[col])


def _fish(rng: np.random.Generator, n: int, b: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """FISH markers of the tested patients; returns each marker's latent result (tested or not)."""
    b["fish_tested"] = (rng.random(n) < FISH_TESTED_P).astype(float)
    tested = b["fish_tested"] == 1
    partner = rng.choice(len(IGH_PARTNERS) + 1, size=n, p=np.append(IGH_PARTNER_P, 1 - IGH_PARTNER_P.sum()))
    positive = {m: partner == i for i, m in enumerate(IGH_PARTNERS)}
    positive |= {m: rng.random(n) < p for m, p in FISH_OTHER_P.items()}
    for m in FISH_MARKERS:
        b[m] = np.where(tested, np.where(positive[m], "positive", "negative"), None).astype(object)
    return positive


def _risk_stages(rng: np.random.Generator, n: int, b: dict[str, np.ndarray], positive: dict[str, np.ndarray]) -> None:
    """Some stages missing, then R-ISS from ISS, LDH and FISH."""
    for col, p in (("ds_stage", 0.04), ("iss_stage", 0.03)):
        b[col] = np.where(rng.random(n) < p, None, b[col]).astype(object)
    # R-ISS needs ISS, LDH and FISH: III = ISS III with high-risk FISH or high LDH; ISS I is absent here.
    hr = positive["fish_del17p"] | positive["fish_t4_14"] | positive["fish_t14_16"]
    known = (b["fish_tested"] == 1) & ~np.isnan(b["ldh_u_l"]) & np.not_equal(b["iss_stage"], None)
    riss3 = (b["iss_stage"] == "III") & (hr | (b["ldh_u_l"] > LDH_ULN))
    b["riss_stage"] = np.where(known, np.where(riss3, "III", "II"), None).astype(object)
