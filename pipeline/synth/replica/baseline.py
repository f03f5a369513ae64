"""The baseline characteristics of the 32 patients, drawn within the published counts."""

from __future__ import annotations

import numpy as np
import pandas as pd

from pipeline.synth.replica.design import (
    IIIB_CREATININE,
    ISS1_ALBUMIN,
    ISS1_B2M,
    ISS3_B2M,
    KAPPA_SHARE,
    LAB_RANGES,
    MEAN_SEM_RANGES,
    MEAN_SEM_SKEW,
    PRIOR_LINES_3PLUS,
    ROSTER,
    final_category,
)
from pipeline.synth.replica.published import PUBLISHED
from pipeline.synth.replica.samples import mean_sd_integers, pick, quartile_sample


def draw_baseline(rng: np.random.Generator) -> pd.DataFrame:
    """One row per slot: the baseline characteristics, drawn within the published counts."""
    n = len(ROSTER)
    idx = list(range(n))
    final = [final_category(s) for s in ROSTER]
    b = pd.DataFrame({"slot": [s.name for s in ROSTER], "cycles": [s.cycles for s in ROSTER],
                      "final": final})

    # Prior lines: the < 3 group has 2; the >= 3 group gets 3-6 as PRIOR_LINES_3PLUS, shuffled.
    lines = np.full(n, 2)
    plus = [i for i, s in enumerate(ROSTER) if s.lines == ">=3"]
    lines[plus] = rng.permutation(np.repeat(list(PRIOR_LINES_3PLUS), list(PRIOR_LINES_3PLUS.values())))
    b["prior_lines"] = lines

    # EMD: the published EMD final responses (VGPR 1, PR 4, SD 5, PD 9) drawn from each final category.
    emd = np.zeros(n, dtype=bool)
    for cat, k in PUBLISHED["emd_final"].items():
        emd[pick(rng, [i for i in idx if final[i] == cat], k)] = True
    emd_idx = np.flatnonzero(emd).tolist()
    when = np.full(n, "none", dtype=object)
    when[emd_idx] = rng.permutation(["at_diagnosis"] * PUBLISHED["emd"]["at_diagnosis"]
                                    + ["at_relapse"] * PUBLISHED["emd"]["at_relapse"])
    kind = np.full(n, None, dtype=object)
    kind[emd_idx] = rng.permutation(["paraskeletal"] * PUBLISHED["emd_type"]["paraskeletal"]
                                    + ["soft_tissue"] * PUBLISHED["emd_type"]["soft_tissue"])
    b["emd"], b["emd_type"] = when, kind

    # Myeloma type: the CR and VGPR patients are IgG (serum-followed); the rest is shuffled.
    deep = [i for i in idx if final[i] in ("CR", "VGPR")]
    counts = dict(PUBLISHED["myeloma_group"], IgG=PUBLISHED["myeloma_group"]["IgG"] - len(deep))
    group = np.empty(n, dtype=object)
    group[deep] = "IgG"
    group[[i for i in idx if i not in deep]] = rng.permutation([g for g, k in counts.items() for _ in range(k)])
    chain = np.where(rng.random(n) < KAPPA_SHARE, "kappa", "lambda")
    b["myeloma_group"] = group
    b["myeloma_type"] = [f"{g}-{c}" if g in ("IgG", "IgA") else g for g, c in zip(group, chain, strict=True)]

    for col in ("sex", "regimen"):
        b[col] = rng.permutation([v for v, k in PUBLISHED[col].items() for _ in range(k)])
    b["prior_bortezomib"] = 1.0
    b["prior_lenalidomide"] = rng.permutation([1.0] * PUBLISHED["prior_lenalidomide"]
                                              + [0.0] * (n - PUBLISHED["prior_lenalidomide"]))
    b["bendamustine_dose_mg_m2"] = 60.0
    for col in ("ds_stage", "iss_stage"):
        b[col] = rng.permutation([v for v, k in PUBLISHED[col].items() for _ in range(k)])
    _fish(rng, b, emd)
    _labs(rng, b)
    return b


def _fish(rng: np.random.Generator, b: pd.DataFrame, emd: np.ndarray) -> None:
    """FISH in 23: 18 abnormal (15 of them with EMD), 5 negative; 8 high risk (the mutually exclusive IgH
    translocations t(4;14), t(14;16), t(14;20), with del(17p)/TP53 among them)."""
    n = len(b)
    p = PUBLISHED
    n_abn = p["fish_tested"] - p["fish_negative"]
    emd_idx, other = np.flatnonzero(emd).tolist(), np.flatnonzero(~emd).tolist()
    abn_emd = pick(rng, emd_idx, p["fish_abnormal_with_emd"])
    abn_other = pick(rng, other, n_abn - len(abn_emd))
    left = [i for i in range(n) if i not in abn_emd + abn_other]
    negative = pick(rng, left, p["fish_negative"])
    abnormal = rng.permutation(abn_emd + abn_other).tolist()
    tested = np.zeros(n, dtype=bool)
    tested[abnormal + negative] = True
    pos = {m: np.zeros(n, dtype=bool) for m in p["fish"]}
    high = abnormal[: p["fish_high_risk"]]
    standard = abnormal[p["fish_high_risk"]:]
    partners = [m for m in ("fish_t4_14", "fish_t14_16", "fish_t14_20") for _ in range(p["fish"][m])]
    assert len(partners) == len(high), "the IgH partners are the high-risk patients"
    for i, m in zip(high, rng.permutation(partners), strict=True):
        pos[m][i] = True
    pos["fish_del17p"][pick(rng, high, p["fish"]["fish_del17p"])] = True
    pos["fish_t11_14"][standard[0]] = True
    pos["fish_t4_11"][standard[1]] = True
    # 1q21 gain: every other standard-risk patient, the remainder among the high-risk ones
    rest = standard[2:]
    pos["fish_gain1q21"][rest] = True
    pos["fish_gain1q21"][pick(rng, high, p["fish"]["fish_gain1q21"] - len(rest))] = True
    for m in ("fish_del13q", "fish_igh"):
        pos[m][pick(rng, abnormal, p["fish"][m])] = True
    b["fish_tested"] = tested.astype(float)
    for m, hit in pos.items():
        b[m] = np.where(tested, np.where(hit, "positive", "negative"), None).astype(object)


def _labs(rng: np.random.Generator, b: pd.DataFrame) -> None:
    """Baseline labs at the published mean and SEM or quartiles, consistent with the stages."""
    n = len(b)
    for col, (mean, sem) in PUBLISHED["mean_sem"].items():
        lo, hi = MEAN_SEM_RANGES[col]
        x = mean_sd_integers(rng, mean, sem, lo, hi, pin_range=col == "age", skew=MEAN_SEM_SKEW.get(col, 0.0))
        b[col] = rng.permutation(x).astype(float)
    # DS IIIB <-> creatinine >= 177 and ISS III <-> beta2m >= 5.5: the top values go to those stages.
    linked = {"creatinine_umol_l": (IIIB_CREATININE, b["ds_stage"] == "IIIB"),
              "beta2m_mg_l": (ISS3_B2M, b["iss_stage"] == "III")}
    for col, (med, q1, q3) in PUBLISHED["median_iqr"].items():
        lo, hi, dec = LAB_RANGES[col]
        if col in linked:
            threshold, high = linked[col]
            x = np.sort(quartile_sample(rng, q1, med, q3, lo, hi, dec, (threshold, int(high.sum()))))
            b.loc[high, col] = rng.permutation(x[-int(high.sum()):])
            b.loc[~high, col] = rng.permutation(x[: n - int(high.sum())])
        else:
            b[col] = rng.permutation(quartile_sample(rng, q1, med, q3, lo, hi, dec))
    # ISS II with beta2m < 3.5 needs an albumin < 35 (else it would be ISS I): swap albumins.
    alb = b["albumin_g_l"].to_numpy().copy()
    need = np.flatnonzero(b["beta2m_mg_l"].to_numpy() < ISS1_B2M)
    for i in need[alb[need] >= ISS1_ALBUMIN]:
        j = next(j for j in rng.permutation(n) if j not in need and alb[j] < ISS1_ALBUMIN)
        alb[i], alb[j] = alb[j], alb[i]
    b["albumin_g_l"] = alb
    # The non-secretory patient is followed by marrow, which is measurable from 30%: swap if needed.
    bm = b["bm_plasma_cells_pct"].to_numpy().copy()
    ns = np.flatnonzero(b["myeloma_group"].to_numpy() == "nonsecretory")
    for i in ns[bm[ns] < 30]:
        j = next(j for j in rng.permutation(n) if bm[j] >= 40 and j not in ns)
        bm[i], bm[j] = bm[j], bm[i]
    b["bm_plasma_cells_pct"] = bm
