"""The names of endpoints, groupings, groups and populations on the figures (the report shares them).

``tr(key, lang)`` looks a label up (the words are in ``pipeline/text/``); ``group_name``, ``comparison_name``
and ``population_name`` turn the analysis tables' machine labels (``">= 3"``, ``"emd_any"``,
``"response-evaluable (>= 2 cycles)"``) into what a reader expects (``"≥ 3"``, ``"Extramedullary disease"``,
``"Response-evaluable (≥ 2 cycles)"``).
"""

from __future__ import annotations

import re

from pipeline.analysis.table1 import CATEGORICAL, CONTINUOUS
from pipeline.text.i18n import (
    config_labels_apply,
    has,
    level,
    lower_first,
    sign_spacing,
    t,
    table1_label,
    words,
)

tr = t  # a figure label is looked up like any other word

__all__ = ["comparison_name", "comparison_note", "cov_name", "group_label", "group_name", "lower_first", "population_name", "pretty",
           "term_label", "tr"]


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


#: The notes the analysis writes on a comparison (in English, by pipeline/analysis/survival.py and
#: pipeline/stats/cox.py), recognised by their wording, so they are printed in the report's language.
_NOTE_MONOTONE = re.compile(r"^monotone likelihood: every event occurred in a patient with the (highest|lowest) x")
_NOTE_GROUPS = re.compile(r"^(\d+) groups: log-rank over all groups")
_NOTE_NO_HR = ("hazard ratio not estimable", "x does not vary", "did not converge", "Cox model failed")


def comparison_note(note: str, lang: str = "en") -> str:
    """A comparison's note in ``lang``; a note of another wording as it is.

    'not compared: log-rank test needs ...; found 1 ('>= 3')' names no raw group code in the report.
    """
    if note.startswith("not compared:"):
        return t("note.not_compared", lang)
    m = _NOTE_GROUPS.match(note)
    if m:
        return t("note.groups", lang, k=int(m.group(1)))
    m = _NOTE_MONOTONE.match(note)
    if m:
        d = "up" if m.group(1) == "highest" else "down"
        return t("note.monotone", lang, side=t(f"note.monotone_{d}", lang), limit=t(f"note.limit_{d}", lang))
    if note.startswith(_NOTE_NO_HR):
        return t("note.hr_not_estimable", lang)
    return note


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


#: Table 1's English label of each baseline variable (the covariates of the adjusted models).
_EN_NAMES = {c: lab for c, lab in CONTINUOUS} | {c: lab for c, lab, _ in CATEGORICAL}


def cov_name(cov: str, lang: str) -> str:
    """A covariate's readable name (Table 1's label, a comparison's name, else the column)."""
    return table1_label(cov, lang, _EN_NAMES.get(cov, "")) or comparison_name(cov, None, lang)


def term_label(term: dict, lang: str) -> str:
    """A Cox model term's label: 'Age, years (per 10)', 'Sex: Male vs Female', 'Prior lines ≥ 3 vs < 3'."""
    cov = term.get("covariate") or term["term"]
    name = cov_name(cov, lang)
    if term.get("per"):
        per = f"{term['per']:g}"
        return f"{name} ({t('per', lang, per=per)})"
    if term.get("level") is not None:
        vs = t("vs", lang, a=level(str(term["level"]), lang), b=level(str(term["reference"]), lang))
        return name + t("sep_label", lang) + vs
    raw = str(term["term"])
    if raw.startswith(f"{cov}>="):
        thr = raw[len(cov) + 2:]
        return f"{name} ≥ {thr} vs < {thr}"
    return name
