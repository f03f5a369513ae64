"""The Methods' IMWG rules table in the report language: every rule's description and confirmation in Chinese,
the English report printing the engine's own words (the one source of the English)."""

from __future__ import annotations

import itertools
import re
import string

import pytest

from pipeline.figures.labels import pretty
from pipeline.imwg import rules as R
from pipeline.report.methods import rule_description, rule_key, rules_block
from pipeline.text import en, zh

HAN = re.compile(r"[\u4e00-\u9fff]")
NUMBER = re.compile(r"\d+(?:\.\d+)?")
#: Latin words a Chinese rule may keep: config and data names, abbreviations, a reference.
LATIN_KEPT = {"index_date", "new_therapy_date", "progression_date", "baseline_window_days", "confirm_response",
              "unconfirmed_pd", "count", "ignore", "true", "false", "dFLC", "Durie", "VGPR"}


def _every_rule() -> list[R.Rule]:
    """Every rule a report can receive: each option combination of the derived and the recorded rules."""
    out: dict[tuple, R.Rule] = {}
    for days, confirm, pd_ in itertools.product((30, 45), (True, False), ("count", "ignore")):
        for r in (*R.rule_list(days, confirm, pd_), *R.recorded_rule_list(days, confirm, pd_)):
            out[(rule_key(r), r.description)] = r
    return list(out.values())


def _missing(rules) -> list[str]:
    """Rules whose description (or confirmation word) has no Chinese entry."""
    keys = [rule_key(r) for r in rules] + [f"rule_confirm.{r.confirmation}" for r in rules if r.confirmation]
    return sorted({k for k in keys if not zh.WORDS.get(k)})


def test_every_rule_has_chinese_words():
    assert not _missing(_every_rule())
    # a new rule without them is caught (so it cannot silently stay English in a Chinese report)
    new = R.Rule("NEW_RULE", "category", "PD", "Something new.", R.IMWG, R.CONFIRM_REQUIRED)
    assert _missing([new]) == ["rule.NEW_RULE"]


def test_english_rule_words_are_the_engines_own():
    """en.py keeps the keys (same keys as zh.py) empty: the English is the engine's description, beside the
    condition it describes, so there is nothing to keep equal by hand."""
    rule_keys = [k for k in en.WORDS if k.startswith(("rule.", "rule_confirm."))]
    assert rule_keys and all(en.WORDS[k] == "" for k in rule_keys)
    assert {rule_key(r) for r in _every_rule()} == {k for k in rule_keys if k.startswith("rule.")}  # none stale
    for r in _every_rule():
        assert rule_description(r, "en") == r.description


def test_chinese_rule_fills_in_exactly_the_option_values_the_rule_names():
    for r in _every_rule():
        names = {n for _, n, _, _ in string.Formatter().parse(zh.WORDS[rule_key(r)]) if n is not None}
        assert names == set(r.text_values), r.rule_id


def test_chinese_rule_says_every_number_of_the_english():
    """A threshold changed in the engine's English without its Chinese is caught."""
    for r in _every_rule():
        words = rule_description(r, "zh")
        assert set(NUMBER.findall(r.description)) <= set(NUMBER.findall(words)), (r.rule_id, words)


def test_chinese_rule_is_chinese():
    for r in _every_rule():
        words = rule_description(r, "zh")
        assert HAN.search(words), r.rule_id
        latin = set(re.findall(r"[A-Za-z_]{4,}", words)) - LATIN_KEPT
        assert not latin, (r.rule_id, latin)


def test_the_option_values_reach_the_chinese_words():
    by_id = {r.rule_id: r for r in R.rule_list(45, False, "ignore")}
    assert "45 天" in rule_description(by_id["BASELINE"], "zh")
    assert "confirm_response = false" in rule_description(by_id["CONFIRMATION"], "zh")
    assert "unconfirmed_pd = ignore" in rule_description(by_id["UNCONFIRMED_PD"], "zh")
    assert rule_description(by_id["CONFIRMATION"], "zh") != rule_description(
        {r.rule_id: r for r in R.rule_list()}["CONFIRMATION"], "zh")


@pytest.mark.parametrize("rules", [R.rule_list(), R.recorded_rule_list(confirm_response=False)])
def test_rules_table_in_chinese_has_no_english_sentence(rules):
    rows = rules_block(list(rules), "zh")["table"].rows
    sources = {v for k, v in zh.WORDS.items() if k.startswith("rule_source.")}
    for rule_id, _category, description, source, confirmation in rows:
        assert HAN.search(description) and (not confirmation or HAN.search(confirmation)), rule_id
        assert source in sources, rule_id  # 'IMWG 2016（Kumar 2016）' is a citation
        assert not re.search(r"[A-Za-z]+ [a-z]+ [a-z]+", description), (rule_id, description)  # no English run


def test_rules_table_in_english_prints_the_engine_words():
    rules = R.rule_list()
    rows = rules_block(list(rules), "en")["table"].rows
    assert [row[2] for row in rows] == [pretty(r.description) for r in rules]
    assert [row[4] for row in rows] == [r.confirmation or "" for r in rules]
