"""The meta-analysis report (HTML + Markdown twins) with methods text: built as a list of blocks,
every piece of user text escaped for its format; every word from pipeline/text (``meta.*``) in the config's
``language``."""

from __future__ import annotations

import base64
import html
import re

from pipeline.meta.analyse import EGGER_MIN_K
from pipeline.meta.config import Dichotomous, Generic, MetaConfig
from pipeline.meta.pool import z_crit
from pipeline.meta.words import (
    abbr,
    ci_label,
    estimate_words,
    measures_words,
    method_words,
    p_revman,
    reason_words,
)
from pipeline.text import fmt
from pipeline.text.i18n import join, t


def md_escape(s: object) -> str:
    """Markdown-safe text: backslash the characters that would format or link, and table bars."""
    text = re.sub(r"([\\`*_\[\]<>|~])", r"\\\1", str(s)).replace("\n", " ")
    return "\\" + text if text.startswith(("#", "+", "-", "=")) else text


def methods_text(cfg: MetaConfig) -> list[str]:
    """Methods paragraphs describing exactly what the config asked for."""
    lang = cfg.language
    ci = ci_label(cfg.conf_level, lang)
    out = [t("meta.m_outcome", lang, name=o.name, what=_outcome_method(o, ci, lang), model=_model_text(o, lang))
           for o in cfg.outcomes]
    out.append(t("meta.m_general", lang, ci=ci, k=EGGER_MIN_K))
    out.append(t("meta.m_software", lang))
    return out


def _outcome_method(o, ci: str, lang: str) -> str:
    """How one outcome's studies were turned into effects and pooled."""
    if isinstance(o, Dichotomous):
        return t("meta.m_dichotomous", lang, measures=measures_words(o.measure, lang),
                 fixed=t("meta.m_mh" if o.method == "MH" else "meta.m_iv", lang),
                 zero=t("meta.m_zero_rd" if o.measure == "RD" else "meta.m_zero_ratio", lang))
    if isinstance(o, Generic):
        return t("meta.m_generic", lang, measures=measures_words(o.measure, lang), ci=ci_label(o.ci_level, lang),
                 z=fmt.fmt_num(z_crit(o.ci_level), 6))
    tr = t("meta.m_logit" if o.transform == "logit" else "meta.m_ft", lang)
    return t("meta.m_proportion", lang, tr=tr, ci=ci)


def _model_text(o, lang: str) -> str:
    rnd = t("meta.m_rnd_mh" if o.random_method == "DL" and isinstance(o, Dichotomous) and o.method == "MH"
            else "meta.m_rnd_dl" if o.random_method == "DL" else "meta.m_rnd_reml", lang)
    if o.model == "fixed":
        return t("meta.m_fixed", lang)
    return t("meta.m_random" if o.model == "random" else "meta.m_rule", lang, rnd=rnd)


def result_sentence(a: dict, lang: str = "en") -> str:
    """'RR 0.49 [0.34, 0.70] (M-H, Random (DL)), Z = 3.99, P < 0.0001; ...' for one analysis."""
    if a.get("k", 0) == 0:
        return t("meta.r_none", lang)
    est = estimate_words(a["estimate"], a["ci_low"], a["ci_high"], a["scale"], a["measure"], lang)
    test = "" if a["measure"] == "proportion" else t("meta.r_ztest", lang, z=fmt.fmt_num(abs(a["z"]), 2),
                                                     p=p_revman(a["p"], lang))
    s = t("meta.r_result", lang, measure=abbr(a["measure"], lang), est=est, ci=ci_label(a["conf_level"], lang),
          method=method_words(a["method"], lang), k=a["k"], test=test,
          studies=t("meta.r_study" if a["k"] == 1 else "meta.r_studies", lang))
    s += t("meta.r_het", lang, q=fmt.fmt_num(a["Q"], 2), df=a["Q_df"], p=p_revman(a["Q_p"], lang),
           i2=fmt.fmt_num(a["I2"], 1), tau2=fmt.fmt_num(a["tau2"], 4))
    return s + "".join(_result_notes(a, lang))


def _result_notes(a: dict, lang: str) -> list[str]:
    """The sentences after the estimate: prediction interval, model choice, excluded studies, Egger's test."""
    out = []
    if a.get("pi_low") is not None:
        out.append(t("meta.r_pi", lang, lo=fmt.fmt_num(a["pi_low"], 2), hi=fmt.fmt_num(a["pi_high"], 2)))
    if a.get("model_choice"):
        chosen = t("meta.r_fixed" if a["model_choice"]["chosen"] == "fixed" else "meta.r_random", lang)
        out.append(t("meta.r_model", lang, chosen=chosen, reason=reason_words(a["model_choice"]["reason"], lang)))
    if a.get("excluded"):
        out.append(t("meta.r_excluded", lang, studies=join(a["excluded"], lang)))
    if a.get("zero_cell_corrected"):
        out.append(t("meta.r_corrected", lang, studies=join(a["zero_cell_corrected"], lang)))
    if a.get("egger"):
        e = a["egger"]
        out.append(t("meta.r_egger", lang, t=fmt.fmt_num(e["t"], 2), df=e["df"], p=p_revman(e["p"], lang)))
    elif a["k"] < EGGER_MIN_K:
        out.append(t("meta.r_no_egger", lang, k=EGGER_MIN_K))
    return out


def subgroup_rows(a: dict, lang: str = "en") -> list[list[str]]:
    return [[str(s["subgroup"]), str(s["k"]), estimate_words(s["estimate"], s["ci_low"], s["ci_high"], a["scale"],
                                                             a["measure"], lang), fmt.fmt_pct(s["I2"], 1)]
            for s in a.get("subgroups") or []]


def _table(head: list[str], rows: list[list[str]]) -> tuple[list[str], list[str]]:
    """(HTML, Markdown) lines of a table."""
    h = ["<table><tr>" + "".join(f"<th>{html.escape(c)}</th>" for c in head) + "</tr>" + "".join(
        "<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in r) + "</tr>" for r in rows) + "</table>"]
    m = ["| " + " | ".join(md_escape(c) for c in head) + " |", "|" + "---|" * len(head)]
    return h, m + ["| " + " | ".join(md_escape(c) for c in r) + " |" for r in rows] + [""]


def _subgroups(a: dict, lang: str) -> tuple[list[str], list[str]]:
    """(HTML, Markdown) of an analysis's subgroup table and test; nothing without subgroups."""
    rows = subgroup_rows(a, lang)
    if not rows:
        return [], []
    head = [t("meta.r_subgroup", lang), t("meta.r_k", lang),
            t("meta.r_est_head", lang, measure=abbr(a["measure"], lang), ci=ci_label(a["conf_level"], lang)),
            "I\u00b2"]
    h, m = _table(head, rows)
    st = a["subgroup_test"]
    if st:
        line = t("meta.r_subgroup_test", lang, q=fmt.fmt_num(st["Q"], 2), df=st["df"], p=p_revman(st["p"], lang))
        h.append(f"<p>{html.escape(line)}</p>")
        m += [md_escape(line), ""]
    return h, m


def render(cfg: MetaConfig, analyses: list[dict], figures: dict[str, list[tuple[str, bytes]]],
           fig_lang: str | None = None) -> tuple[str, str]:
    """(HTML, Markdown). ``figures``: per outcome, (relative path, PNG bytes) of its figures; ``fig_lang``: the
    language they were drawn in (English when a Chinese report's machine has no CJK font: the report says so)."""
    lang = cfg.language
    title = cfg.title or cfg.name
    h = [f"<!DOCTYPE html><html lang=\"{t('meta.html_lang', lang)}\"><head><meta charset=\"utf-8\">"
         f"<title>{html.escape(title)}</title>"
         "<style>body{font-family:sans-serif;max-width:60em;margin:2em auto;line-height:1.45}"
         "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:2px 8px}img{max-width:100%}"
         "</style></head><body>", f"<h1>{html.escape(title)}</h1>"]
    m = [f"# {md_escape(title)}", ""]
    if figures and fig_lang not in (None, lang):
        note = t("w_zh_font", lang)
        h.append(f"<p>{html.escape(note)}</p>")
        m += [md_escape(note), ""]
    for a in analyses:
        sentence = result_sentence(a, lang)
        h += [f"<h2>{html.escape(a['outcome'])}</h2>", f"<p>{html.escape(sentence)}</p>"]
        m += [f"## {md_escape(a['outcome'])}", "", md_escape(sentence), ""]
        sub_h, sub_m = _subgroups(a, lang)
        h += sub_h
        m += sub_m
        for path, png in figures.get(a["outcome"], []):
            b64 = base64.b64encode(png).decode("ascii")
            h.append(f"<p><img alt=\"{html.escape(path)}\" src=\"data:image/png;base64,{b64}\"></p>")
            m += [f"![{md_escape(path)}]({path})", ""]
    methods = t("meta.r_methods", lang)
    h.append(f"<h2>{html.escape(methods)}</h2>")
    m += [f"## {md_escape(methods)}", ""]
    for para in methods_text(cfg):
        h.append(f"<p>{html.escape(para)}</p>")
        m += [md_escape(para), ""]
    h.append("</body></html>")
    return "\n".join(h) + "\n", "\n".join(m).rstrip() + "\n"
