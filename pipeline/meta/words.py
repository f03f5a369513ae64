"""How the meta-analysis numbers are written (RevMan 5 style), shared by the forest plot, the funnel plot and
the report. The words are the ``meta.*`` entries of ``pipeline/text/en.py`` and ``zh.py``; every function takes
the language (English by default: the study's literature report and figures call ``ci_label`` without one).
"""

from __future__ import annotations

import re

from pipeline.text import fmt
from pipeline.text.i18n import has, t


def _word(prefix: str, code: str, lang: str) -> str:
    """The ``meta.<prefix>.<code>`` word, or the code itself when there is none."""
    key = f"meta.{prefix}.{code}"
    return t(key, lang) if has(key, lang) else code


def measure_words(measure: str, lang: str = "en") -> str:
    """'Risk Ratio' (a column head, an axis label)."""
    return _word("measure", measure, lang)


def measures_words(measure: str, lang: str = "en") -> str:
    """'risk ratios' (inside a Methods sentence)."""
    return _word("measures", measure, lang)


def abbr(measure: str, lang: str = "en") -> str:
    """'RR'; 'proportion' in the language's words."""
    return _word("abbr", measure, lang)


def ci_label(conf_level: float, lang: str = "en") -> str:
    """'95% CI' from the configured level (never a literal)."""
    return t("meta.ci", lang, level=fmt.level(conf_level))


def p_revman(p: float | None, lang: str = "en") -> str:
    """'P < 0.00001', 'P = 0.0003', 'P = 0.19' as RevMan 5 prints them."""
    if fmt.missing(p):
        return t("meta.p_na", lang)
    if p < 0.00001:
        return "P < 0.00001"
    if p < 0.0001:
        return "P < 0.0001"
    digits = 4 if p < 0.001 else 3 if p < 0.01 else 2
    return f"P = {fmt.fmt_num(p, digits)}"


def fmt_est(v: float | None, scale: str, measure: str) -> str:
    """Two decimals, as RevMan prints ratios, differences and proportions."""
    return fmt.fmt_num(v, 2, none="-")


def estimate_words(est, lo, hi, scale: str, measure: str, lang: str = "en") -> str:
    """'0.41 [0.13, 1.26]' (RevMan's brackets); 'Not estimable' when missing."""
    if fmt.missing(est):
        return t("meta.not_estimable", lang)
    return f"{fmt_est(est, scale, measure)} [{fmt_est(lo, scale, measure)}, {fmt_est(hi, scale, measure)}]"


def heterogeneity_line(res: dict, model: str, lang: str = "en") -> str:
    """'Heterogeneity: Tau² = 0.31; Chi² = 152.57, df = 12 (P < 0.00001); I² = 92%'."""
    tau = t("meta.het_tau2", lang, tau2=fmt.fmt_num(res["tau2"], 2)) if model == "random" else ""
    return t("meta.heterogeneity", lang, tau=tau, chi2=fmt.fmt_num(res["Q"], 2), df=res["Q_df"],
             p=p_revman(res["Q_p"], lang), i2=fmt.fmt_num(res["I2"], 0))


def overall_line(res: dict, lang: str = "en") -> str:
    """'Test for overall effect: Z = 3.99 (P < 0.0001)'."""
    return t("meta.overall", lang, z=fmt.fmt_num(abs(res["z"]), 2), p=p_revman(res["p"], lang))


_METHOD = re.compile(r"(?P<base>[^,]+), (?:Fixed|Random \((?P<tau>[^)]+)\))")


def method_words(method: str, lang: str = "en") -> str:
    """meta.json's method ('M-H, Random (DL)', 'IV, Fixed') in ``lang``; as it is if it has another form."""
    m = _METHOD.fullmatch(method)
    if not m:
        return method
    if m["tau"] is None:
        return t("meta.method_fixed", lang, base=m["base"])
    return t("meta.method_random", lang, base=m["base"], tau=m["tau"])


_REASON = re.compile(r"heterogeneity (?P<het>P = \S+ (?:>=|<) 0\.10)|(?P<i2>I\u00b2 = \S+% (?:<=|>) 50%)")


def reason_words(reason: str, lang: str = "en") -> str:
    """meta.json's (English) model-choice reason in ``lang``; unchanged in English."""
    if reason == t("meta.reason_single", "en"):
        return t("meta.reason_single", lang)
    parts = [t("meta.reason_het", lang, cond=m["het"]) if m["het"] else m["i2"] for m in _REASON.finditer(reason)]
    return t("meta.reason_and", lang).join(parts) if parts else reason
