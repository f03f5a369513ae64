"""The Methods section, written from the configuration actually used (and the response source of the run).

Every sentence is an ``m_*`` entry of ``pipeline/text/``; this module only chooses which ones the config
calls for and fills in the numbers.
"""

from __future__ import annotations

from pipeline.config import StudyConfig
from pipeline.figures import labels as L
from pipeline.text.fmt import level as ci_level
from pipeline.text.i18n import join, t, words


def _comparisons_text(config: StudyConfig, lang: str) -> str:
    parts = []
    for c in config.analysis.comparisons:
        name = L.comparison_name(c.by, c.label, lang)
        if c.threshold is not None:
            parts.append(t("m_comp_threshold", lang, name=name, t=c.threshold))
        elif c.min_group > 1:
            parts.append(t("m_comp_pooled", lang, name=name, k=c.min_group))
        else:
            parts.append(name)
    return join(parts, lang, "sep_clause")


def _label(kind: str, value: str, lang: str) -> str:
    """A rule's source (``rule_source``: as a journal reader understands it; the engine's labels name project
    files) or confirmation word (``rule_confirm``) in ``lang``; the engine's own word where there is none."""
    return words(lang).get(f"{kind}.{value}", "") or value


def rule_key(rule) -> str:
    """Where a rule's description is translated: ``rule.<rule_id>``, plus ``.<variant>`` for an option-dependent
    wording (``rule.CONFIRMATION.false``)."""
    variant = getattr(rule, "variant", "")
    return f"rule.{getattr(rule, 'rule_id', '')}" + (f".{variant}" if variant else "")


def rule_description(rule, lang: str) -> str:
    """A rule's description in ``lang``: its translation, filled with the rule's option values; the engine's
    description is the English (en.py keeps the keys empty), and stays for a rule without a translation."""
    text = words(lang).get(rule_key(rule), "")
    return t(rule_key(rule), lang, **dict(getattr(rule, "text_values", {}))) if text else str(rule.description)


def rules_block(rules: list, lang: str) -> dict:
    """The IMWG rules as a table when they are ``Rule`` records (id, category, description, source,
    confirmation), else as a list of their text."""
    if all(hasattr(r, "description") for r in rules):
        from pipeline.report.tables import DisplayTable

        cols = [t(f"c_rules_{c}", lang) for c in ("rule", "category", "description", "source", "confirmation")]
        rows = [[str(getattr(r, "rule_id", "")), str(getattr(r, "category", None) or ""),
                 L.pretty(rule_description(r, lang)),
                 _label("rule_source", str(getattr(r, "source", "") or ""), lang),
                 _label("rule_confirm", str(getattr(r, "confirmation", None) or ""), lang)] for r in rules]
        return {"kind": "rules_table", "table": DisplayTable("imwg_rules", t("t_rules", lang), cols, rows, text=True)}
    return {"kind": "list", "items": [str(getattr(r, "description", r)) for r in rules]}


def _h(key: str, lang: str) -> dict:
    return {"kind": "h3", "text": t(key, lang)}


def _p(text: str) -> dict:
    return {"kind": "p", "text": text}


def _response_text(config: StudyConfig, source: str, lang: str, unconfirmed: tuple[int, int] | None = None) -> str:
    """How response was assessed: the source, confirmation, unconfirmed PD (and, given ``unconfirmed`` =
    (PDs, patients), how many there were), the BOR (or final response)."""
    r = config.response
    recorded = source in ("derived", "recorded")
    txt = t(f"m_src_{source}" if recorded else "m_src_patients", lang)
    if recorded:
        txt += t("m_confirm" if r.confirm_response else "m_no_confirm", lang)
        if r.confirm_response:  # without confirmation no PD is "unconfirmed"
            txt += t("m_pd_count" if r.unconfirmed_pd == "count" else "m_pd_ignore", lang)
            if unconfirmed is not None:
                txt += t("m_pd_n", lang, n=unconfirmed[0], k=unconfirmed[1])
        txt += t("m_bor", lang)
        if getattr(r, "summary", "best") == "last":
            txt += t("m_final", lang)
    return txt


def _response_blocks(config: StudyConfig, source: str, rules: list | None, lang: str, level: str,
                     unconfirmed: tuple[int, int] | None = None) -> list[dict]:
    a = config.analysis
    blocks = [_h("m_h_response", lang), _p(_response_text(config, source, lang, unconfirmed))]
    if source in ("derived", "recorded") and rules:
        blocks += [_p(t("m_rules", lang)), rules_block(rules, lang)]
    blocks.append(_p(t("m_rates", lang, level=level, k=a.evaluable_min_cycles, k_ext=a.extended_min_cycles)))
    return blocks


def _statistics_blocks(config: StudyConfig, lang: str, level: str) -> list[dict]:
    a = config.analysis
    times = join([f"{x:g}" for x in a.survival_times_months], lang)  # 6, 12 and 24 / 6、12、24
    blocks = [_h("m_h_stats", lang),
              _p(t("m_stats", lang, level=level, conf=t(f"m_conf.{a.conf_type}", lang), times=times,
                   comps=_comparisons_text(config, lang)))]
    immortal = [L.comparison_name(c.by, c.label, lang) for c in a.comparisons if c.accrues_after_index]
    if immortal:
        blocks.append(_p(t("m_immortal_one" if len(immortal) == 1 else "m_immortal_many", lang,
                           what=join(immortal, lang), L=a.landmark_days, cl=a.cycle_length_days)))
    blocks.append(_p(t("m_baseline", lang)))
    return blocks


def methods(config: StudyConfig, source: str, versions: dict, rules: list | None = None,
            lang: str = "en", unconfirmed: tuple[int, int] | None = None) -> list[dict]:
    """Methods as blocks: ``{"kind": "h3"|"p"|"list", ...}`` in the report language. ``unconfirmed``: the
    cohort's unconfirmed laboratory PDs and the patients with one (stated with the confirmation rule)."""
    a = config.analysis
    level = ci_level(a.conf_level)
    v = versions or {}
    soft = ", ".join(f"{k} {val}" for k, val in v.items() if k not in ("mmcohort", "python"))
    prog = "m_prog_date_derived" if source in ("derived", "recorded") else "m_prog_date_recorded"
    return [
        _h("m_h_design", lang), _p(t("m_design", lang, study=config.study, cutoff=config.cutoff.isoformat())),
        *_response_blocks(config, source, rules, lang, level, unconfirmed),
        _h("m_h_endpoints", lang),
        _p(t("m_endpoints", lang, pfs_ev=t(f"m_pfs_events.{a.pfs_events}", lang),
             pfs_c=t(f"m_pfs_censor.{a.pfs_censor}", lang)) + t(prog, lang)),
        *_statistics_blocks(config, lang, level),
        _h("m_h_software", lang),
        _p(t("m_software", lang, v=v.get("mmcohort", ""), py=v.get("python", ""), soft=soft)),
    ]
