"""The rules as data (pipeline/imwg/rules.py)."""

from __future__ import annotations

from pipeline.imwg import rules as R
from pipeline.vocab import RESPONSE_ORDER


def test_category_rules_check_pd_first_then_best_to_worst():
    cats = [r.category for r in R.CATEGORY_RULES]
    assert cats[:6] == ["PD"] * 6
    responses = [c for c in cats[6:] if c != "NE"]
    assert responses == [c for c in RESPONSE_ORDER if c in responses]
    assert cats[-1] == "NE"
    assert len({r.rule_id for r in R.CATEGORY_RULES}) == len(R.CATEGORY_RULES)


def test_every_rule_is_described_and_decisions_are_marked():
    rules = R.rule_list()
    assert all(len(r.description) > 30 for r in rules)
    decisions = {r.rule_id for r in rules if r.is_decision}
    assert {"PD_SERUM", "SCR", "CR", "MR", "CONFIRMATION", "UNCONFIRMED_PD"} <= decisions
    assert {r.source for r in rules} == {R.IMWG, R.SPEC_DECISION, R.OUR_DECISION}


def test_option_values_appear_in_the_descriptions():
    default = {r.rule_id: r.description for r in R.rule_list()}
    assert "confirm_response = true" in default["CONFIRMATION"]
    assert "unconfirmed_pd = count" in default["UNCONFIRMED_PD"]
    assert "baseline_window_days = 30" in default["BASELINE"]
    other = {r.rule_id: r.description for r in R.rule_list(7, False, "ignore")}
    assert "confirm_response = false" in other["CONFIRMATION"]
    assert "unconfirmed_pd = ignore" in other["UNCONFIRMED_PD"]
    assert "7 days" in other["BASELINE"]


def test_recorded_rules_and_table():
    recorded = R.recorded_rule_list()
    assert recorded[0].rule_id == "RECORDED"
    assert {r.rule_id for r in recorded[1:]} == {"BASELINE", "SCOPE", "CONFIRMATION", "UNCONFIRMED_PD", "BOR",
                                                 "PROGRESSION_DATE"}
    table = R.rules_table(recorded)
    assert list(table.columns) == ["order", "rule_id", "kind", "category", "description", "source", "confirmation",
                                   "is_decision"]
    assert table["order"].tolist() == list(range(1, len(recorded) + 1))
