"""The IMWG 2016 response rules as data (docs/IMWG_RULES.md).

Kumar S, et al. International Myeloma Working Group consensus criteria for response and minimal
residual disease assessment in multiple myeloma. Lancet Oncol 2016;17:e328-46.

``RULES`` is ordered: the ``category`` rules are checked in this order at every assessment and the
first that applies gives the category (order = precedence); the ``method`` rules say how baseline,
measurable disease, missing data, confirmation, best response and progression are handled. Every
rule's description is plain English for the report's methods section. ``source`` says whether a rule
is IMWG's own text, a decision of IMWG_RULES.md, or a decision this implementation had to take where
the spec was silent; option-dependent descriptions carry the option value actually used.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import pandas as pd

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


@dataclass(frozen=True)
class Rule:
    """One rule: ``kind`` is ``category`` (assigns ``category`` at an assessment) or ``method``."""

    rule_id: str
    kind: str
    category: str | None
    description: str
    source: str = IMWG
    confirmation: str | None = None

    @property
    def is_decision(self) -> bool:
        return self.source != IMWG

    def as_dict(self) -> dict:
        return {**asdict(self), "is_decision": self.is_decision}


#: The category rules, in precedence order: the first that holds at an assessment gives its category.
CATEGORY_RULES: tuple[Rule, ...] = (
    Rule("PD_SERUM", "category", "PD",
         "Serum M-protein up >= 25% and by >= 0.5 g/dL from its nadir (the lowest value at baseline or any "
         "earlier assessment), or up by >= 1 g/dL when the nadir was >= 5 g/dL; patients followed by serum. "
         "The 0.5 g/dL absolute increase follows Durie 2006.", SPEC_DECISION, CONFIRM_REQUIRED),
    Rule("PD_URINE", "category", "PD",
         "Urine M-protein up >= 25% and by >= 200 mg/24 h from its nadir; patients followed by urine.",
         IMWG, CONFIRM_REQUIRED),
    Rule("PD_DFLC", "category", "PD",
         "Difference between involved and uninvolved free light chains (dFLC) up >= 25% and by more than "
         "100 mg/L from its nadir; only patients followed by dFLC alone (FLC progression is never applied to "
         "patients with measurable serum or urine M-protein).", IMWG, CONFIRM_REQUIRED),
    Rule("PD_MARROW", "category", "PD",
         "Bone-marrow plasma cells up by >= 10 percentage points from their nadir; only patients followed by "
         "marrow alone.", IMWG, CONFIRM_NOT_REQUIRED),
    Rule("PD_PLASMACYTOMA", "category", "PD",
         "Plasmacytoma SPD up >= 50% from its nadir (any plasmacytoma on imaging after an imaging without "
         "one, when the nadir is 0).", IMWG, CONFIRM_NOT_REQUIRED),
    Rule("PD_NEW_LESION", "category", "PD", "A new bone lesion or plasmacytoma.", IMWG, CONFIRM_NOT_REQUIRED),
    Rule("NE_NO_BASELINE", "category", "NE",
         "No baseline assessment: response is not evaluable by measurements (only a new lesion or "
         "plasmacytoma growth can still give PD).", IMWG),
    Rule("SCR", "category", "sCR",
         "CR plus a normal FLC ratio (0.26-1.65) and no clonal cells in the marrow (IHC or flow). Clonal cells "
         "not tested: CR, not sCR.", SPEC_DECISION, CONFIRM_REQUIRED),
    Rule("CR", "category", "CR",
         "Serum and urine immunofixation negative (a missing urine IFE is accepted only when urine M-protein "
         "was never >= 200 mg/24 h), marrow plasma cells < 5%, plasmacytomas gone (SPD 0) where present at "
         "baseline; followed by dFLC alone: also a normal FLC ratio. No marrow since baseline: at most VGPR.",
         SPEC_DECISION, CONFIRM_REQUIRED),
    Rule("VGPR", "category", "VGPR",
         "Serum M-protein down >= 90% (including M-protein seen on immunofixation but not on "
         "electrophoresis) and urine M-protein < 100 mg/24 h; followed by urine alone: urine < 100 mg/24 h; "
         "followed by dFLC alone: dFLC down >= 90%. Plasmacytomas present at baseline must be down >= 50%.",
         IMWG, CONFIRM_REQUIRED),
    Rule("PR", "category", "PR",
         "Serum M-protein down >= 50% and urine M-protein down >= 90% or < 200 mg/24 h (urine part only "
         "where urine was measurable); followed by dFLC alone: dFLC down >= 50%; followed by marrow alone: "
         "marrow plasma cells down >= 50% (no confirmation needed); plasmacytomas present at baseline down "
         ">= 50%.", IMWG, CONFIRM_REQUIRED),
    Rule("MR", "category", "MR",
         "Serum M-protein down >= 25% and < 50% (the 49-50% gap closed at 50%), urine M-protein down 50-89% "
         "where urine was measurable; plasmacytomas present at baseline down >= 25%. MR is not defined for "
         "patients followed by dFLC or marrow alone.", SPEC_DECISION, CONFIRM_REQUIRED),
    Rule("SD", "category", "SD", "None of the above, with the followed measures available.", IMWG),
    Rule("NE", "category", "NE",
         "Not evaluable: the measures the patient is followed by were not measured, or a followed measure "
         "is missing and the others alone would give a response it could change; also every assessment of "
         "a patient with nothing measurable at baseline that is neither CR/sCR nor PD.", OUR_DECISION),
)


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
             OUR_DECISION),
        Rule("SCOPE", "method", None,
             "Assessments after the baseline and after index_date are categorised; other non-baseline "
             "assessments are pre-treatment and get no category. Assessments after death or after the start of "
             "new therapy are not counted (an assessment on the day new therapy starts still counts).",
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
        Rule("CONFIRMATION", "method", None, confirm_text, SPEC_DECISION),
        Rule("UNCONFIRMED_PD", "method", None, pd_text, SPEC_DECISION),
        Rule("BOR", "method", None,
             "Best overall response = the best confirmed category from index_date up to the first PD (or an "
             "earlier recorded progression_date) and on or before new_therapy_date, ranked sCR > CR > VGPR > PR "
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
