"""The IMWG 2016 response rules (docs/IMWG_RULES.md): each category rule is one object here.

Kumar S, et al. International Myeloma Working Group consensus criteria for response and minimal
residual disease assessment in multiple myeloma. Lancet Oncol 2016;17:e328-46.

``CATEGORY_RULES`` is ordered: the rules are checked in this order at every assessment and the first
that holds gives the category (order = precedence; ``categorize`` evaluates them). Each is a
``CategoryRule``: its ``condition`` (vectorised over a ``categorize.Context``), its ``reason`` (the
fragments of the reason text, worded by ``phrases``), for the response rules the ``measures`` each
followed measure must show, and its provenance: the plain-English ``description`` the report's methods
section prints, ``source`` (IMWG's own text, a decision of IMWG_RULES.md, or a decision this
implementation had to take where the spec was silent) and ``confirmation``. The ``method`` rules say how
baseline, measurable disease, missing data, confirmation, best response and progression are handled;
option-dependent descriptions carry the option value actually used.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields

import numpy as np
import pandas as pd

from pipeline.imwg import phrases
from pipeline.vocab import RESPONSE_RANK

# Thresholds (units: serum M-protein g/dL, urine mg/24 h, FLC mg/L, marrow %, SPD cm2).
SERUM_MEASURABLE_G_DL = 1.0
URINE_MEASURABLE_MG = 200.0
FLC_MEASURABLE_MG_L = 100.0
MARROW_MEASURABLE_PCT = 30.0
FLC_RATIO_LOW = 0.26
FLC_RATIO_HIGH = 1.65

PD_REL = 0.25  # +25% from nadir (serum, urine, dFLC)
PD_SERUM_ABS_G_DL = 0.5
PD_SERUM_HIGH_NADIR_G_DL = 5.0
PD_SERUM_HIGH_ABS_G_DL = 1.0
PD_URINE_ABS_MG = 200.0
PD_DFLC_ABS_MG_L = 100.0  # strictly greater
PD_MARROW_POINTS = 10.0
PD_SPD_REL = 0.50

CR_MARROW_PCT = 5.0  # < 5%
VGPR_DOWN = 0.90  # serum M, or dFLC when followed by dFLC alone
VGPR_URINE_MG = 100.0  # < 100
PR_DOWN = 0.50
PR_URINE_DOWN = 0.90
PR_URINE_MG = 200.0  # < 200
MR_SERUM_DOWN = 0.25
MR_URINE_DOWN = 0.50
MR_SPD_DOWN = 0.25

IMWG = "IMWG 2016"
SPEC_DECISION = "Decision (IMWG_RULES.md)"
OUR_DECISION = "Decision (this implementation)"

CONFIRM_REQUIRED = "required"
CONFIRM_NOT_REQUIRED = "not required"

SCR, CR, VGPR, PR, MR, SD = (RESPONSE_RANK[c] for c in ("sCR", "CR", "VGPR", "PR", "MR", "SD"))


def tol(b) -> np.ndarray:
    """Tolerance for comparing with threshold ``b`` (floating-point rounding of g/L -> g/dL etc.)."""
    return 1e-9 * np.maximum(1.0, np.abs(b))


def ge(a, b) -> np.ndarray:
    """a >= b up to rounding; False where either is NaN."""
    return np.asarray(a) >= np.asarray(b) - tol(b)


def down(v, b, frac: float) -> np.ndarray:
    """``v`` at least ``frac`` below the baseline ``b``."""
    return ge(b - v, frac * b)


@dataclass(frozen=True)
class Rule:
    """One rule: ``kind`` is ``category`` (assigns ``category`` at an assessment) or ``method``. ``description``
    is the English; its translation ``rule.<rule_id>[.<variant>]`` (pipeline/text/) fills in ``text_values``."""

    rule_id: str
    kind: str
    category: str | None
    description: str
    source: str = IMWG
    confirmation: str | None = None
    variant: str = field(default="", compare=False)
    text_values: Mapping[str, object] = field(default_factory=dict, compare=False, repr=False)

    @property
    def is_decision(self) -> bool:
        return self.source != IMWG

    def as_dict(self) -> dict:
        return {**{f.name: getattr(self, f.name) for f in fields(Rule) if f.compare}, "is_decision": self.is_decision}


@dataclass(frozen=True)
class CategoryRule(Rule):
    """A category rule, whole: the data of ``Rule`` (wording for the methods, provenance) plus

    - ``condition(x)``: where the rule holds, a bool array over the rows of ``x`` (a ``Context``);
    - ``reason(x)``: the fragments of the reason text (see ``phrases``). A row's reason is its category,
      then the fragments of every rule of that category that holds there, in order (so a PD names every
      progression criterion met);
    - ``measures``: response rules only: per followed measure (``serum``, ``urine``, ``dflc``, ``marrow``,
      ``plasmacytoma_alone``; ``plasmacytoma``: the requirement on a plasmacytoma followed in addition)
      what it must show, ``f(x) -> bool array``. A measure's level is the first response rule it meets
      (SD when none); a rule without a measure is not defined for it (MR by dFLC).
    """

    condition: Callable[..., np.ndarray] = field(kw_only=True, repr=False, compare=False)
    reason: Callable[..., list] = field(kw_only=True, repr=False, compare=False)
    measures: Mapping[str, Callable[..., np.ndarray]] = field(default_factory=dict, kw_only=True, repr=False,
                                                              compare=False)


# --- conditions and reasons used by more than one rule ------------------------------------------

def _reaches(rank: int) -> Callable[..., np.ndarray]:
    """The followed measures together reach ``rank`` or better, and the plasmacytoma requirement allows it."""
    return lambda x: (x.reached <= rank) & (x.cap <= rank)


def _complete_response(x) -> np.ndarray:
    return (x.has_baseline & x.ife_negative & (x.marrow_last < CR_MARROW_PCT) & (x.cap == 0)
            & (~x.f_dflc | x.ratio_normal))


def _followed_measures(x) -> list:
    """Each followed measure against baseline, and what kept the category lower (VGPR to SD; NE when a
    missing measure leaves the category unknown)."""
    return [
        (x.f_serum & ~np.isnan(x.serum),
         phrases.measure("serum M", x.serum_imputed, x.serum, x.b_serum, 2, " g/dL")),
        (x.f_urine & ~np.isnan(x.urine),
         phrases.measure("urine M", x.urine_imputed, x.urine, x.b_urine, 0, " mg/24 h")),
        (x.f_dflc & ~np.isnan(x.dflc), phrases.measure("dFLC", None, x.dflc, x.b_dflc, 1, " mg/L")),
        (x.f_marrow & ~np.isnan(x.marrow), phrases.measure("marrow plasma cells", None, x.marrow, x.b_marrow, 1, "%")),
        (x.f_plasma, phrases.plasmacytoma(x)),
        (x.f_plasma & (x.cap > x.reached), "capped by the plasmacytoma requirement"),
        (x.ife_negative, phrases.not_cr(x, CR_MARROW_PCT)),
    ]


# --- progression against the nadir ----------------------------------------------------------------

def _pd_serum(x) -> np.ndarray:
    d, nadir = x.serum - x.nadir_serum, x.nadir_serum
    return x.f_serum & ((ge(d, PD_SERUM_ABS_G_DL) & ge(d, PD_REL * nadir))
                        | (ge(nadir, PD_SERUM_HIGH_NADIR_G_DL) & ge(d, PD_SERUM_HIGH_ABS_G_DL)))


def _pd_urine(x) -> np.ndarray:
    d = x.urine - x.nadir_urine
    return x.f_urine & ge(d, PD_URINE_ABS_MG) & ge(d, PD_REL * x.nadir_urine)


def _pd_dflc(x) -> np.ndarray:
    d = x.dflc - x.nadir_dflc
    return x.f_dflc & (d > PD_DFLC_ABS_MG_L + tol(PD_DFLC_ABS_MG_L)) & ge(d, PD_REL * np.abs(x.nadir_dflc))


def _pd_plasmacytoma(x) -> np.ndarray:
    d = x.spd - x.nadir_spd
    return (d > tol(x.nadir_spd)) & ge(d, PD_SPD_REL * x.nadir_spd)


#: The category rules, in precedence order: the first that holds at an assessment gives its category.
CATEGORY_RULES: tuple[CategoryRule, ...] = (
    CategoryRule(
        "PD_SERUM", "category", "PD",
        "Serum M-protein up >= 25% and by >= 0.5 g/dL from its nadir (the lowest value at baseline or any "
        "earlier assessment), or up by >= 1 g/dL when the nadir was >= 5 g/dL; patients followed by serum. "
        "The 0.5 g/dL absolute increase follows Durie 2006.", SPEC_DECISION, CONFIRM_REQUIRED,
        condition=_pd_serum,
        reason=lambda x: [phrases.rise("serum M ", x.serum, x.nadir_serum, 2, " g/dL")]),
    CategoryRule(
        "PD_URINE", "category", "PD",
        "Urine M-protein up >= 25% and by >= 200 mg/24 h from its nadir; patients followed by urine.",
        IMWG, CONFIRM_REQUIRED,
        condition=_pd_urine,
        reason=lambda x: [phrases.rise("urine M ", x.urine, x.nadir_urine, 0, " mg/24 h")]),
    CategoryRule(
        "PD_DFLC", "category", "PD",
        "Difference between involved and uninvolved free light chains (dFLC) up >= 25% and by more than "
        "100 mg/L from its nadir; only patients followed by dFLC alone (FLC progression is never applied to "
        "patients with measurable serum or urine M-protein).", IMWG, CONFIRM_REQUIRED,
        condition=_pd_dflc,
        reason=lambda x: [phrases.rise("dFLC ", x.dflc, x.nadir_dflc, 1, " mg/L")]),
    CategoryRule(
        "PD_MARROW", "category", "PD",
        "Bone-marrow plasma cells up by >= 10 percentage points from their nadir; only patients followed by "
        "marrow alone.", IMWG, CONFIRM_NOT_REQUIRED,
        condition=lambda x: x.f_marrow & ge(x.marrow - x.nadir_marrow, PD_MARROW_POINTS),
        reason=lambda x: [phrases.rise("marrow plasma cells ", x.marrow, x.nadir_marrow, 1, "%",
                                       " percentage points", relative=False)]),
    CategoryRule(
        "PD_PLASMACYTOMA", "category", "PD",
        "Plasmacytoma SPD up >= 50% from its nadir (any plasmacytoma on imaging after an imaging without "
        "one, when the nadir is 0).", IMWG, CONFIRM_NOT_REQUIRED,
        condition=_pd_plasmacytoma,
        reason=lambda x: [phrases.rise("plasmacytoma SPD ", x.spd, x.nadir_spd, 1, " cm2")]),
    CategoryRule(
        "PD_NEW_LESION", "category", "PD", "A new bone lesion or plasmacytoma.", IMWG, CONFIRM_NOT_REQUIRED,
        condition=lambda x: x.new_lesion,
        reason=lambda x: ["new lesion"]),
    CategoryRule(
        "NE_NO_BASELINE", "category", "NE",
        "No baseline assessment: response is not evaluable by measurements (only a new lesion or "
        "plasmacytoma growth can still give PD).", IMWG,
        condition=lambda x: ~x.has_baseline,
        reason=lambda x: ["no baseline assessment"]),
    CategoryRule(
        "SCR", "category", "sCR",
        "CR plus a normal FLC ratio (0.26-1.65) and no clonal cells in the marrow (IHC or flow). Clonal cells "
        "not tested: CR, not sCR.", SPEC_DECISION, CONFIRM_REQUIRED,
        condition=lambda x: _complete_response(x) & x.ratio_normal & (x.clonal_last == 0),
        reason=lambda x: [phrases.immunofixation_and_marrow(x), (x.f_plasma, "plasmacytoma gone"),
                          phrases.flc_ratio_normal(x), "no clonal plasma cells"]),
    CategoryRule(
        "CR", "category", "CR",
        "Serum and urine immunofixation negative (a missing urine IFE is accepted only when urine M-protein "
        "was never >= 200 mg/24 h), marrow plasma cells < 5%, plasmacytomas gone (SPD 0) where present at "
        "baseline; followed by dFLC alone: also a normal FLC ratio. No marrow since baseline: at most VGPR.",
        SPEC_DECISION, CONFIRM_REQUIRED,
        condition=_complete_response,
        reason=lambda x: [phrases.immunofixation_and_marrow(x), (x.f_plasma, "plasmacytoma gone"),
                          (x.f_dflc, phrases.flc_ratio_normal(x)), (~x.f_dflc, phrases.not_scr(x)),
                          (x.f_dflc & (x.clonal_last != 0), "not sCR: clonal cells not negative")]),
    CategoryRule(
        "VGPR", "category", "VGPR",
        "Serum M-protein down >= 90% (including M-protein seen on immunofixation but not on "
        "electrophoresis) and urine M-protein < 100 mg/24 h; followed by urine alone: urine < 100 mg/24 h; "
        "followed by dFLC alone: dFLC down >= 90%. Plasmacytomas present at baseline must be down >= 50%.",
        IMWG, CONFIRM_REQUIRED,
        condition=_reaches(VGPR),
        reason=_followed_measures,
        measures={
            "serum": lambda x: down(x.serum, x.b_serum, VGPR_DOWN),
            "urine": lambda x: x.urine < VGPR_URINE_MG,
            "dflc": lambda x: down(x.dflc, x.b_dflc, VGPR_DOWN),
            "plasmacytoma": lambda x: down(x.spd_last, x.b_spd, PR_DOWN),
        }),
    CategoryRule(
        "PR", "category", "PR",
        "Serum M-protein down >= 50% and urine M-protein down >= 90% or < 200 mg/24 h (urine part only "
        "where urine was measurable); followed by dFLC alone: dFLC down >= 50%; followed by marrow alone: "
        "marrow plasma cells down >= 50% (no confirmation needed); plasmacytomas present at baseline down "
        ">= 50%.", IMWG, CONFIRM_REQUIRED,
        condition=_reaches(PR),
        reason=_followed_measures,
        measures={
            "serum": lambda x: down(x.serum, x.b_serum, PR_DOWN),
            "urine": lambda x: down(x.urine, x.b_urine, PR_URINE_DOWN) | (x.urine < PR_URINE_MG),
            "dflc": lambda x: down(x.dflc, x.b_dflc, PR_DOWN),
            "marrow": lambda x: down(x.marrow, x.b_marrow, PR_DOWN),
            "plasmacytoma_alone": lambda x: (x.spd_last == 0) | down(x.spd_last, x.b_spd, PR_DOWN),
            "plasmacytoma": lambda x: down(x.spd_last, x.b_spd, PR_DOWN),
        }),
    CategoryRule(
        "MR", "category", "MR",
        "Serum M-protein down >= 25% and < 50% (the 49-50% gap closed at 50%), urine M-protein down 50-89% "
        "where urine was measurable; plasmacytomas present at baseline down >= 25%. MR is not defined for "
        "patients followed by dFLC or marrow alone.", SPEC_DECISION, CONFIRM_REQUIRED,
        condition=_reaches(MR),
        reason=_followed_measures,
        measures={
            "serum": lambda x: down(x.serum, x.b_serum, MR_SERUM_DOWN),
            "urine": lambda x: down(x.urine, x.b_urine, MR_URINE_DOWN),
            "plasmacytoma_alone": lambda x: down(x.spd_last, x.b_spd, MR_SPD_DOWN),
            "plasmacytoma": lambda x: down(x.spd_last, x.b_spd, MR_SPD_DOWN),
        }),
    CategoryRule(
        "SD", "category", "SD", "None of the above, with the followed measures available.", IMWG,
        condition=lambda x: x.reached <= SD,
        reason=_followed_measures),
    CategoryRule(
        "NE", "category", "NE",
        "Not evaluable: the measures the patient is followed by were not measured, or a followed measure "
        "is missing and the others alone would give a response it could change; also every assessment of "
        "a patient with nothing measurable at baseline that is neither CR/sCR nor PD.", OUR_DECISION,
        condition=lambda x: x.post,
        reason=lambda x: [
            (x.has_baseline & x.any_missing, phrases.missing(x)),
            (x.has_baseline & ~x.any_missing & ~x.f_plasma_only,
             "nothing measurable at baseline, and neither CR/sCR nor progression"),
            *[(x.indeterminate & mask, words) for mask, words in _followed_measures(x)]]),
)


# size: a declarative table: the method rules in the order the report prints them, two worded by the options
def _method_rules(baseline_window_days: int, confirm_response: bool, unconfirmed_pd: str) -> tuple[Rule, ...]:
    confirm_text = (
        "MR or better, and PD, resting on serum, urine or FLC (including immunofixation for CR/sCR) need two "
        "consecutive evaluable assessments on different dates, with no minimum interval; NE assessments are "
        "skipped when pairing. A response is confirmed when the next evaluable assessment is also MR or "
        "better: the confirmed category is the worse of the two, dated at the first. A response followed by "
        "SD or PD (or by nothing) is unconfirmed and counts as SD; a PD followed by a non-PD assessment is "
        "unconfirmed and counts as SD. Categories resting on marrow or imaging alone (responses of patients "
        "followed by marrow or by plasmacytoma alone, PD by marrow, a new lesion or plasmacytoma growth) need "
        "no confirmation (confirm_response = true)."
        if confirm_response
        else "Single assessments count: no confirmation is required for any category (confirm_response = false)."
    )
    pd_text = (
        "A PD by serum, urine or FLC at the last evaluable assessment before death, new therapy or the end of "
        "data, which cannot be confirmed, counts as PD on its date (unconfirmed_pd = count)."
        if unconfirmed_pd == "count"
        else "A PD by serum, urine or FLC at the last evaluable assessment before death, new therapy or the end "
        "of data, which cannot be confirmed, is ignored and counts as SD (unconfirmed_pd = ignore)."
    )
    return (
        Rule("BASELINE", "method", None,
             "Baseline = the assessment marked cycle 0 (the last one if several); otherwise the last assessment "
             f"on or before index_date and at most {baseline_window_days} days before it "
             f"(baseline_window_days = {baseline_window_days}). Cycle 0 wins over the window.",
             OUR_DECISION, text_values={"days": baseline_window_days}),
        Rule("SCOPE", "method", None,
             "Assessments after the baseline and after index_date are categorised; other non-baseline "
             "assessments are pre-treatment and get no category. Assessments after death, or on or after the day "
             "new therapy starts, are not counted (before new_therapy_date only).",
             OUR_DECISION),
        Rule("UNITS", "method", None,
             "Serum M-protein is converted from g/L to g/dL (divided by 10); urine in mg/24 h; FLC in mg/L. "
             "Thresholds are compared with a 1e-9 tolerance against floating-point rounding.", IMWG),
        Rule("MEASURABLE", "method", None,
             "Measurable disease at baseline decides what is followed: serum M >= 1.0 g/dL and/or urine M >= "
             "200 mg/24 h (serum, urine or serum+urine); otherwise involved FLC >= 100 mg/L with a ratio "
             "abnormal in its direction (dFLC); otherwise marrow plasma cells >= 30% (marrow); otherwise "
             "nothing measurable (only CR/sCR and imaging progression are assessed). Plasmacytomas (baseline SPD "
             "> 0) are followed in addition. Each criterion applies only to the measures the patient is "
             "followed by.", SPEC_DECISION),
        Rule("INVOLVED_CHAIN", "method", None,
             "Involved light chain: for light-chain myeloma the typed chain; otherwise the chain the baseline "
             "kappa/lambda ratio points to (> 1.65 kappa, < 0.26 lambda); with a normal ratio, the light chain "
             "named in a heavy-chain type (e.g. IgG-kappa). dFLC = involved - uninvolved (never |kappa - "
             "lambda|).", SPEC_DECISION),
        Rule("MISSING_IFE_ZERO", "method", None,
             "A missing serum (urine) M-protein with a negative serum (urine) immunofixation at the same "
             "assessment is taken as 0.", OUR_DECISION),
        Rule("MARROW_CARRIED", "method", None,
             "Bone marrow need not be repeated: CR and sCR use the most recent marrow result (plasma cells, "
             "clonal cells) since baseline; none since baseline means marrow not done (at most VGPR).",
             OUR_DECISION),
        Rule("PLASMACYTOMA_CARRIED", "method", None,
             "Imaging is done less often than laboratory tests: the plasmacytoma requirement of a category uses "
             "the most recent SPD (baseline included), so a plasmacytoma not re-imaged since baseline caps the "
             "category at SD. A plasmacytoma down >= 50% (not gone) caps at VGPR, down 25-49% at MR. "
             "Growth (PD) is judged only on SPD measured at the assessment.", OUR_DECISION),
        Rule("CONFIRMATION", "method", None, confirm_text, SPEC_DECISION, variant=str(confirm_response).lower()),
        Rule("UNCONFIRMED_PD", "method", None, pd_text, SPEC_DECISION, variant=unconfirmed_pd),
        Rule("BOR", "method", None,
             "Best overall response = the best confirmed category from index_date up to the first PD (or an "
             "earlier recorded progression_date) and before new_therapy_date, ranked sCR > CR > VGPR > PR "
             "> MR > SD > PD > NE, dated at its first assessment. A patient with no evaluable assessment is NE.",
             SPEC_DECISION),
        Rule("PROGRESSION_DATE", "method", None,
             "Progression date for PFS = the date of the first (confirmed) PD assessment; a recorded "
             "progression_date earlier than it wins and is reported as a disagreement. Censoring for PFS: the "
             "last evaluable assessment without progression (the baseline when there is none after it).",
             SPEC_DECISION),
        Rule("RELAPSE_FROM_CR", "method", None,
             "Relapse from CR (immunofixation turning positive or marrow plasma cells >= 5% after a confirmed "
             "CR/sCR) without meeting PD is reported, not counted as a progression event.", IMWG),
    )


def rule_list(baseline_window_days: int = 30, confirm_response: bool = True,
          unconfirmed_pd: str = "count") -> tuple[Rule, ...]:
    """The ordered rules with the option values used: category rules (precedence order), then methods."""
    return CATEGORY_RULES + _method_rules(baseline_window_days, confirm_response, unconfirmed_pd)


_RECORDED_METHODS = ("BASELINE", "SCOPE", "CONFIRMATION", "UNCONFIRMED_PD", "BOR", "PROGRESSION_DATE")


def recorded_rule_list(baseline_window_days: int = 30, confirm_response: bool = True,
                   unconfirmed_pd: str = "count") -> tuple[Rule, ...]:
    """The rules applied to clinician-recorded responses: the same confirmation, best response and
    progression rules, with every recorded MR-or-better and PD needing confirmation."""
    recorded = Rule(
        "RECORDED", "category", None,
        "The category at each assessment is the clinician-recorded response; a missing or unrecognised "
        "response is NE. Every recorded MR or better and every recorded PD is treated as resting on "
        "laboratory values and needs confirmation.", OUR_DECISION,
        CONFIRM_REQUIRED if confirm_response else CONFIRM_NOT_REQUIRED)
    methods = _method_rules(baseline_window_days, confirm_response, unconfirmed_pd)
    return (recorded, *[r for r in methods if r.rule_id in _RECORDED_METHODS])


def rules_table(rule_list: tuple[Rule, ...]) -> pd.DataFrame:
    """The rules as a table (order, rule_id, kind, category, description, source, confirmation, is_decision)."""
    rows = [{"order": i + 1, **r.as_dict()} for i, r in enumerate(rule_list)]
    cols = ["order", "rule_id", "kind", "category", "description", "source", "confirmation", "is_decision"]
    return pd.DataFrame(rows, columns=cols)
