"""Looking words up: the report, the figures and ``mmcohort compare`` say everything through these functions.

The words themselves are in ``pipeline/text/en.py`` and ``pipeline/text/zh.py`` (one dictionary per language,
keyed the same). How a language is written (the space after ≥, lower-case names inside a sentence, whether
the config's English labels name the groupings) is read from their ``lang.*`` entries, so no caller branches
on the language.
"""

from __future__ import annotations

import re

from pipeline.text import en, zh

WORDS: dict[str, dict[str, str]] = {"en": en.WORDS, "zh": zh.WORDS}
LANGUAGES = tuple(WORDS)


def words(lang: str) -> dict[str, str]:
    """The dictionary of ``lang`` (English for a language that has none)."""
    return WORDS.get(lang, en.WORDS)


def t(key: str, lang: str = "en", **kw: object) -> str:
    """The string ``key`` in ``lang``, formatted with ``kw``.

    A string that names a confidence level (``{level}``) is always formatted, so a caller that forgets the
    configured level fails loudly instead of printing a wrong one.
    """
    s = words(lang)[key]
    return s.format(**kw) if kw or "{level}" in s else s


def has(key: str, lang: str = "en") -> bool:
    return key in words(lang)


def level(value: str, lang: str = "en") -> str:
    """A Table 1 level's name ('M' -> 'Male'); a level without one as it is."""
    return words(lang).get(f"level.{value}", value)


def ae_term(term: str, lang: str = "en") -> str:
    """An adverse-event term as recorded, with its translation first where the language has one."""
    name = words(lang).get(f"ae.{term.lower()}", "")
    return t("ae_term", lang, name=name, term=term) if name else term


def table1_label(variable: str, lang: str, label: str) -> str:
    """A Table 1 variable's name: the translation where the language has one, else the analysis' ``label``."""
    return words(lang).get(f"t1.{variable}", "") or label


def join(items: list[str], lang: str, sep: str = "sep_list") -> str:
    """``items`` joined with the language's separator ``sep`` (``sep_list``: ', ' or '、')."""
    return t(sep, lang).join(items)


def lower_first(s: str, lang: str = "en") -> str:
    """'Cycles received' -> 'cycles received' inside a sentence; acronyms ('EMD', 'ISS stage') unchanged."""
    if t("lang.lower_first", lang) != "yes" or not s or (len(s) > 1 and s[1].isupper()):
        return s
    return s[:1].lower() + s[1:]


_SIGN_SPACE = re.compile(r"([≥≤<>]) ")


def sign_spacing(s: str, lang: str = "en") -> str:
    """The space after ≥ ≤ < > as the language writes it in a label ('≥ 3' in English, '≥3' in Chinese)."""
    space = t("lang.sign_space", lang)
    return s if space == " " else _SIGN_SPACE.sub(lambda m: m.group(1) + space, s)


def config_labels_apply(lang: str) -> bool:
    """Whether the config's own labels (written in English) name the groupings in ``lang``."""
    return t("lang.config_labels", lang) == "yes"
