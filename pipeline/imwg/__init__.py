"""IMWG 2016 response engine (docs/IMWG_RULES.md).

- :func:`derive_response`: category at every assessment from raw values (serum/urine M-protein, FLC,
  immunofixation, marrow, plasmacytoma imaging), confirmation, best overall response, progression date.
- :func:`summarize_recorded`: the same confirmation, best response and progression logic applied to
  clinician-recorded responses.
- :data:`CATEGORY_RULES` / :func:`rule_list`: the rules in precedence order, with plain-English
  descriptions for the report's methods; each category rule is one object (condition, reason, provenance).

Modules: ``prepare`` (input coercion), ``baseline`` (baseline, measurable disease, involved chain, dFLC),
``rules`` (the rules: each category rule whole, and the method rules), ``categorize`` (evaluates the
category rules at every assessment), ``phrases`` (the wording the rules' reasons are made of),
``confirm`` (confirmation, BOR, progression), ``groups`` and ``text`` (vectorised helpers).
"""

from pipeline.imwg.derive import (
    ASSESSMENT_COLUMNS,
    PATIENT_COLUMNS,
    ImwgResult,
    derive_response,
    summarize_recorded,
)
from pipeline.imwg.rules import CATEGORY_RULES, Rule, recorded_rule_list, rule_list, rules_table

__all__ = [
    "ASSESSMENT_COLUMNS",
    "CATEGORY_RULES",
    "PATIENT_COLUMNS",
    "ImwgResult",
    "Rule",
    "derive_response",
    "recorded_rule_list",
    "rule_list",
    "rules_table",
    "summarize_recorded",
]
