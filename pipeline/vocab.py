"""Canonical vocabularies of the data contract (docs/CONTRACT.md).

Every stage uses these names; nothing else in the package spells a category value.
"""

from __future__ import annotations

#: IMWG categories, best first. NE ranks last.
RESPONSE_ORDER: tuple[str, ...] = ("sCR", "CR", "VGPR", "PR", "MR", "SD", "PD", "NE")
RESPONSE_RANK: dict[str, int] = {c: i for i, c in enumerate(RESPONSE_ORDER)}

ORR_CATEGORIES = frozenset({"sCR", "CR", "VGPR", "PR"})
CBR_CATEGORIES = ORR_CATEGORIES | {"MR"}
DCR_CATEGORIES = CBR_CATEGORIES | {"SD"}

SEX = ("M", "F")
EMD = ("none", "at_diagnosis", "at_relapse")
EMD_TYPE = ("paraskeletal", "soft_tissue")
DEATH_CAUSE = ("progression", "other", "unknown")
MYELOMA_TYPE = ("IgG", "IgA", "IgD", "IgM", "IgE", "kappa", "lambda", "nonsecretory")
LIGHT_CHAINS = ("kappa", "lambda")
DS_STAGE = ("IA", "IB", "IIA", "IIB", "IIIA", "IIIB")
ISS_STAGE = ("I", "II", "III")
POS_NEG = ("positive", "negative")

#: FISH markers named by the contract; any other ``fish_*`` column is accepted too.
FISH_MARKERS = (
    "fish_del17p",
    "fish_t4_14",
    "fish_t14_16",
    "fish_t14_20",
    "fish_gain1q21",
    "fish_del13q",
    "fish_t11_14",
    "fish_igh",
)
#: Markers counted as cytogenetic high risk (IMWG / mSMART): del(17p), t(4;14), t(14;16), t(14;20).
HIGH_RISK_FISH = ("fish_del17p", "fish_t4_14", "fish_t14_16", "fish_t14_20")

#: Cells meaning "missing" (matched after trimming, case-insensitively). "none" is NOT one: emd uses it.
MISSING_MARKERS = frozenset({"", "na", "n/a", "nan", "null", "-", "—", "--", "未查", "未测", "缺失", "无数据"})

#: Haematological CTCAE v5.0 terms (grouping for the adverse-event table).
HAEMATOLOGICAL_TERMS = frozenset(
    {
        "anemia",
        "white blood cell decreased",
        "neutrophil count decreased",
        "lymphocyte count decreased",
        "platelet count decreased",
        "febrile neutropenia",
        "hemoglobin decreased",
    }
)

DAYS_PER_MONTH = 30.4375
