"""pipeline/text/: one dictionary per language with the same keys; every Chinese word of the outputs lives there;
no report, figure or comparison code branches on the language."""

from __future__ import annotations

import ast
import re
import string
from pathlib import Path

import pytest

from pipeline.imwg.rules import IMWG, OUR_DECISION, SPEC_DECISION
from pipeline.text import en, zh
from pipeline.text.i18n import (
    LANGUAGES,
    WORDS,
    ae_term,
    join,
    level,
    lower_first,
    sign_spacing,
    t,
    table1_label,
)

PIPELINE = Path(__file__).resolve().parents[2] / "pipeline"
CJK = re.compile(r"[\u4e00-\u9fff\u3000-\u303f\uff00-\uffef]")

#: Where a Chinese literal is not an output word, with the reason.
CJK_ALLOWED = {
    "text/": "the words of the outputs",
    "ingest/": "input values (yes/no words, sexes, response categories as hospitals write them)",
    "synth/": "synthetic exports written the way hospitals write them (input values)",
    "draft/synonyms.py": "column names as hospitals write them (input)",
    "draft/families.py": "value spellings as hospitals write them (input)",
    "draft/match.py": "unit spellings as hospitals write them (input)",
    "vocab.py": "missing-value markers as hospitals write them (input)",
}
#: Where a branch on the language is about fonts, not words.
LANG_BRANCH_ALLOWED = {
    "figures/style.py": "a Chinese figure needs a CJK font",
    "figures/literature.py": "Chinese cohort names need a CJK font",
    "report/render.py": "the note that the figures fell back to English for want of a CJK font",
}


def _placeholders(s: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(s) if name is not None}


def test_every_key_is_in_both_languages():
    assert LANGUAGES == ("en", "zh")
    assert list(en.WORDS) == list(zh.WORDS)  # same keys, same order: the files read side by side
    assert all(isinstance(v, str) for d in WORDS.values() for v in d.values())


def test_both_languages_fill_in_the_same_values():
    # s_orr, s_orr_none: English puts the population's name in lower case inside the sentence, Chinese does not
    # rule.*: the English is the engine's own description (en.py empty); tests/report/test_rules_words.py
    # checks the Chinese fills in the rule's option values
    differ = {k for k in en.WORDS if _placeholders(en.WORDS[k]) != _placeholders(zh.WORDS[k])
              and not k.startswith("rule.")}
    assert differ == {"s_orr", "s_orr_none"}
    assert _placeholders(en.WORDS["s_orr"]) ^ _placeholders(zh.WORDS["s_orr"]) == {"pop", "pop_l"}


def test_only_the_untranslated_tables_are_empty_in_english():
    empty = {k for k, v in en.WORDS.items() if not v}
    # rule., rule_confirm.: the IMWG engine's own English is printed (pipeline/imwg/rules.py)
    assert empty == {k for k in en.WORDS if k.startswith(("t1.", "ae.", "rule.", "rule_confirm."))} | {"w_zh_font"}
    assert {k for k, v in zh.WORDS.items() if not v} == {"lang.sign_space", "lang.line_join"}  # no space: "≥3 个周期"


def test_rule_sources_of_the_imwg_engine_have_words():
    for source in (IMWG, SPEC_DECISION, OUR_DECISION):
        assert f"rule_source.{source}" in en.WORDS


def test_lookups():
    assert t("t_rates", "en", level="90") == "Response rates with exact 90% confidence intervals"
    with pytest.raises(KeyError):
        t("t_rates", "en")  # a {level} is never printed unfilled
    assert level("M", "zh") == "男" and level("IgG", "zh") == "IgG"
    assert ae_term("Fatigue", "zh") == "疲乏（Fatigue）" and ae_term("Fatigue", "en") == "Fatigue"
    assert ae_term("Hiccups", "zh") == "Hiccups"
    assert table1_label("age", "zh", "Age, years") == "年龄（岁）"
    assert table1_label("age", "en", "Age, years") == "Age, years"
    assert join(["a", "b"], "en") == "a, b" and join(["a", "b"], "zh") == "a、b"
    assert lower_first("Cycles received", "en") == "cycles received" and lower_first("ISS stage") == "ISS stage"
    assert lower_first("Cycles received", "zh") == "Cycles received"
    assert sign_spacing("≥ 3", "en") == "≥ 3" and sign_spacing("≥ 3 < 4", "zh") == "≥3 <4"


def _files() -> list[tuple[str, Path]]:
    return [(p.relative_to(PIPELINE).as_posix(), p) for p in sorted(PIPELINE.rglob("*.py"))]


def _string_literals(tree: ast.AST) -> list[ast.Constant]:
    """Every str constant except docstrings (documentation may quote what hospitals write)."""
    docs = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                docs.add(id(first.value))
    return [n for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str)
            and id(n) not in docs]


def test_chinese_literals_live_only_in_pipeline_text():
    found = []
    for rel, path in _files():
        if any(rel.startswith(a) for a in CJK_ALLOWED):
            continue
        for node in _string_literals(ast.parse(path.read_text(encoding="utf-8"))):
            if CJK.search(node.value):
                found.append(f"{rel}:{node.lineno}: {node.value[:40]!r}")
    assert not found, "Chinese words belong in pipeline/text/zh.py:\n" + "\n".join(found)


def test_output_code_does_not_branch_on_the_language():
    branch = re.compile(r"""\b(lang|tl|text_lang|language)\s*[!=]=\s*["'](en|zh)["']|\bzh\s*=\s*lang\b""")
    found = []
    for rel, path in _files():
        if not rel.startswith(("report/", "figures/", "runs/")) or rel in LANG_BRANCH_ALLOWED:
            continue
        for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if branch.search(line):
                found.append(f"{rel}:{i}: {line.strip()}")
    assert not found, "look the words up in pipeline/text/ instead:\n" + "\n".join(found)
