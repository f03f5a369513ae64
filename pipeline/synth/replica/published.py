"""The reference study as published (docs/REFERENCE_STUDY.md): the numbers the replica must reproduce
(``PUBLISHED``, the targets) and how close its medians promise to come."""

from __future__ import annotations

import datetime as dt

STUDY = "bendamustine_rrmm"
CUTOFF = dt.date(2022, 12, 9)
FIRST_INDEX = dt.date(2019, 8, 1)  # the paper's first patient started in August 2019

#: Every number the paper publishes (docs/REFERENCE_STUDY.md). Medians in months; None = not reached.
PUBLISHED: dict = {
    "n": 32,
    "sex": {"M": 22, "F": 10},
    # mean +- SEM (see the docstring of pipeline.synth.replica), with the range where given
    "mean_sem": {"age": (60.00, 1.55), "hemoglobin_g_l": (92.94, 4.76), "platelets_10e9_l": (140.00, 15.10)},
    "age_range": (42, 80),
    # median (Q1, Q3)
    "median_iqr": {
        "bm_plasma_cells_pct": (27.50, 6.50, 80.80),
        "calcium_mmol_l": (2.17, 2.02, 2.45),
        "creatinine_umol_l": (77.70, 68.08, 106.43),
        "beta2m_mg_l": (4.41, 3.84, 9.18),
        "albumin_g_l": (33.10, 27.70, 37.40),
        "ldh_u_l": (197.70, 164.00, 240.40),
        "esr_mm_h": (125, 60, 140),
        "wbc_10e9_l": (4.20, 3.70, 6.80),
    },
    "myeloma_group": {"IgG": 17, "IgA": 6, "kappa": 6, "lambda": 2, "nonsecretory": 1},
    "ds_stage": {"IIIA": 29, "IIIB": 3},
    "iss_stage": {"II": 17, "III": 15},
    "fish_tested": 23,
    "fish_negative": 5,
    "fish": {"fish_igh": 3, "fish_gain1q21": 12, "fish_del17p": 3, "fish_t14_16": 4, "fish_t14_20": 1,
             "fish_t4_14": 3, "fish_del13q": 2, "fish_t4_11": 1, "fish_t11_14": 1},
    "fish_high_risk": 8,
    "fish_abnormal_with_emd": 15,
    "emd": {"at_diagnosis": 7, "at_relapse": 12},
    "emd_type": {"paraskeletal": 16, "soft_tissue": 3},
    "prior_lines": {"median": 4, "min": 2, "max": 6},
    "prior_bortezomib": 32,
    "prior_lenalidomide": 29,
    "regimen": {"BRD": 14, "BPD": 13, "DBd": 2, "Bd": 1, "BEVD": 1, "BKd": 1},
    "cycles": {"median": 3, "min": 1, "max": 8, "one_cycle": 3},
    "groups": {"prior_lines": {">= 3": 20, "< 3": 12}, "cycles": {">= 3": 20, "< 3": 12}},
    "by_cycle": {2: {"CR": 1, "PR": 11, "SD": 10, "PD": 7}, 4: {"CR": 1, "PR": 10, "SD": 3, "PD": 1},
                 6: {"VGPR": 1, "PR": 1, "PD": 1}, 8: {"VGPR": 1}},
    "final": {"CR": 1, "VGPR": 1, "PR": 9, "SD": 6, "PD": 12},  # response-evaluable (>= 2 cycles), n = 29
    "orr_evaluable": (11, 29),
    "orr_4_cycles": (11, 15),
    "emd_final": {"VGPR": 1, "PR": 4, "SD": 5, "PD": 9},  # all 19 EMD patients
    "emd_orr": (5, 19),
    "emd_dcr": (10, 19),
    # (endpoint, grouping, group) -> median months
    "medians": {("PFS", None, None): 11, ("OS", None, None): 25,
                ("PFS", "prior_lines", ">= 3"): 11, ("OS", "prior_lines", ">= 3"): 25,
                ("PFS", "prior_lines", "< 3"): None, ("OS", "prior_lines", "< 3"): None,
                ("PFS", "cycles", ">= 3"): 21, ("PFS", "cycles", "< 3"): 2,
                ("OS", "cycles", ">= 3"): 28, ("OS", "cycles", "< 3"): 8},
    # (endpoint, grouping) -> the published p: a number, or a bound as text
    "logrank_p": {("PFS", "cycles"): "< 0.001", ("OS", "cycles"): 0.02,
                  ("PFS", "prior_lines"): "> 0.05", ("OS", "prior_lines"): "> 0.05"},
    "deaths": {"all": 10, "progression": 8, "other": 2},
    "followup_months": {"median": 13, "min": 3, "max": 27},
    # CTCAE v5.0 term -> patients with it (any grade) and by worst grade where published
    "adverse_events": {
        "Fatigue": {"any": 14}, "Anorexia": {"any": 11},
        "White blood cell decreased": {"any": 16, 1: 10, 2: 4, 3: 2},
        "Anemia": {"any": 2},
        "Platelet count decreased": {"any": 8, 1: 2, 2: 1, 3: 5},
        "Diarrhea": {"any": 2, 2: 2},
    },
    "ae_grade4": 0,
}
#: What the replica promises for the medians: within this many months of the published whole months.
MEDIAN_TOLERANCE_MONTHS = 0.5
