"""The names of endpoints, groupings, groups and populations on the figures (the report shares them).

``tr(key, lang)`` looks a label up (the words are in ``pipeline/text/``); ``group_name``, ``comparison_name``
and ``population_name`` turn the analysis tables' machine labels (``">= 3"``, ``"emd_any"``,
``"response-evaluable (>= 2 cycles)"``) into what a reader expects (``"≥ 3"``, ``"Extramedullary disease"``,
``"Response-evaluable (≥ 2 cycles)"``).
"""

from __future__ import annotations

import re

from pipeline.text.i18n import config_labels_apply, has, lower_first, sign_spacing, t, words

tr = t  # a figure label is looked up like any other word

__all__ = ["comparison_name", "group_label", "group_name", "lower_first", "population_name", "pretty", "tr"]


def pretty(s: str) -> str:
    """Typographic comparison signs: '>= 3' -> '≥ 3', '<= 2' -> '≤ 2'."""
    return s.replace(">=", "≥").replace("<=", "≤")


def comparison_name(by: str | None, label: str | None = None, lang: str = "en") -> str:
    """A grouping's readable name: the config's label in English, a translation in Chinese."""
    if by is None:
        return tr("all_patients", lang)
    base = by.split(" (landmark")[0]
    key = f"grouping.{base}"
    known = has(key, lang)
    if known and not config_labels_apply(lang):
        return tr(key, lang)
    if label:
        return label
    return tr(key, lang) if known else base.replace("_", " ")


def group_name(group: object, lang: str = "en", by: str | None = None) -> str:
    """A group's readable label ('>= 3' -> '≥ 3', 'yes' -> '是' in Chinese)."""
    if group is None or (isinstance(group, float) and group != group):
        return tr("all_patients", lang)
    g = str(group)
    if has(f"value.{g}", lang):
        return tr(f"value.{g}", lang)
    return pretty(g)


def group_label(by: str | None, group: object, lang: str = "en", label: str | None = None) -> str:
    """A group's label that reads on its own in a legend: '≥ 3 cycles', 'No EMD', 'Regimen BRD'."""
    if by is None or group is None or (isinstance(group, float) and group != group):
        return tr("all_patients", lang)
    base = by.split(" (landmark")[0]
    g = str(group)
    if has(f"yes_no.{base}.{g}", lang):  # "EMD" / "No EMD"
        return tr(f"yes_no.{base}.{g}", lang)
    if has(f"group_form.{base}", lang):  # "≥ 3 cycles"
        return tr(f"group_form.{base}", lang, g=sign_spacing(pretty(g), lang))
    if base == "regimen":
        return group_name(g, lang)
    if g in ("yes", "no"):
        return f"{comparison_name(base, label, lang)}: {group_name(g, lang)}"
    return group_name(g, lang)


#: The analysis' population labels and the key of their name ({0}: the number of cycles or the regimen).
_POP_PATTERNS = [
    (re.compile(r"^all treated$"), "pop.all_treated"),
    (re.compile(r"^response-evaluable \(>= (\d+) cycles\)$"), "pop.evaluable"),
    (re.compile(r"^>= (\d+) cycles$"), "pop.cycles"),
    (re.compile(r"^EMD$"), "pop.emd"),
    (re.compile(r"^regimen (.+)$"), "pop.regimen"),
]


def population_name(name: str, lang: str = "en") -> str:
    for pat, key in _POP_PATTERNS:
        m = pat.match(name)
        if m:
            return words(lang)[key].format(*m.groups())
    return pretty(name)
