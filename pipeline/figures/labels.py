"""Words on the figures (and the group and population names the report shares), in English and Chinese.

``tr(key, lang)`` looks a label up; ``group_name``, ``comparison_name`` and ``population_name`` turn
the analysis tables' machine labels (``">= 3"``, ``"emd_any"``, ``"response-evaluable (>= 2 cycles)"``)
into what a reader expects (``"≥ 3"``, ``"Extramedullary disease"``, ``"可评估疗效患者（≥2 个周期）"``).
"""

from __future__ import annotations

import re

TEXT: dict[str, dict[str, str]] = {
    "PFS": {"en": "Progression-free survival", "zh": "无进展生存期"},
    "OS": {"en": "Overall survival", "zh": "总生存期"},
    "PFS_short": {"en": "PFS", "zh": "PFS"},
    "OS_short": {"en": "OS", "zh": "OS"},
    "surv_axis_PFS": {"en": "Progression-free survival (%)", "zh": "无进展生存率 (%)"},
    "surv_axis_OS": {"en": "Overall survival (%)", "zh": "总生存率 (%)"},
    "months": {"en": "Months since start of treatment", "zh": "自治疗开始的时间（月）"},
    "months_landmark": {"en": "Months since the landmark (day {L})", "zh": "自界标时间点（第 {L} 天）起的时间（月）"},
    "at_risk": {"en": "Number at risk", "zh": "风险人数"},
    "all_patients": {"en": "All patients", "zh": "全部患者"},
    "median": {"en": "median", "zh": "中位"},
    "mo": {"en": "mo", "zh": "个月"},
    "NR": {"en": "NR", "zh": "未达到"},
    "logrank_p": {"en": "Log-rank p", "zh": "Log-rank 检验 P"},
    "hr": {"en": "HR", "zh": "HR"},
    "ci": {"en": "{level}% CI", "zh": "{level}% CI"},
    "groups_no_hr": {"en": "{k} groups; no single HR", "zh": "{k} 组，无单一 HR"},
    "landmark_n": {"en": "Landmark day {L}: n = {n} ({x} excluded before it)",
                   "zh": "界标第 {L} 天：n = {n}（之前 {x} 例排除）"},
    "landmark_title": {"en": "{ep} by {what}: landmark analysis at day {L}",
                       "zh": "{ep}：按{what}分组的界标分析（第 {L} 天）"},
    "km_title_all": {"en": "{ep}", "zh": "{ep}"},
    "km_title_by": {"en": "{ep} by {what}", "zh": "{ep}：按{what}分组"},
    "censored": {"en": "Censored", "zh": "删失"},
    "immortal_note": {"en": "Grouping accrues after time zero (immortal-time bias)",
                      "zh": "分组变量在时间零点之后形成（存在不朽时间偏倚）"},
    # forest
    "forest_title": {"en": "Hazard ratios for progression-free and overall survival",
                     "zh": "无进展生存期与总生存期的风险比"},
    "forest_x": {"en": "Hazard ratio (first-named group vs second, log scale)",
                 "zh": "风险比（前一组 vs 后一组，对数刻度）"},
    "comparison": {"en": "Comparison", "zh": "比较"},
    "endpoint": {"en": "Endpoint", "zh": "终点"},
    "n": {"en": "n", "zh": "n"},
    "hr_ci": {"en": "HR ({level}% CI)", "zh": "HR ({level}% CI)"},
    "p": {"en": "p", "zh": "P"},
    "landmark_row": {"en": "landmark day {L}", "zh": "界标第 {L} 天"},
    "not_estimable": {"en": "not estimable", "zh": "无法估计"},
    "immortal_dagger": {"en": "† immortal-time bias: the grouping accrues after time zero; see the landmark row",
                        "zh": "† 不朽时间偏倚：分组在时间零点之后形成，请参考界标分析"},
    # waterfall
    "waterfall_title": {"en": "Best change from baseline", "zh": "较基线的最佳变化"},
    "waterfall_y": {"en": "Best change from baseline (%)", "zh": "较基线的最佳变化 (%)"},
    "waterfall_x": {"en": "Patients (n = {n})", "zh": "患者（n = {n}）"},
    "best_response": {"en": "Best response", "zh": "最佳疗效"},
    "pr_line": {"en": "−50% (PR)", "zh": "−50% (PR)"},
    "vgpr_line": {"en": "−90% (VGPR)", "zh": "−90% (VGPR)"},
    "capped": {"en": "bars above +100% are cut at +100%", "zh": "超过 +100% 的柱截断于 +100%"},
    # swimmer
    "swimmer_title": {"en": "Time on study, per patient", "zh": "每例患者的随访时间（泳道图）"},
    "swimmer_x": {"en": "Months since start of treatment", "zh": "自治疗开始的时间（月）"},
    "swimmer_y": {"en": "Patient (study ID)", "zh": "患者（研究编号）"},
    "swimmer_y_many": {"en": "Patients (n = {n}), longest follow-up at the top",
                       "zh": "患者（n = {n}），随访最长者在上"},
    "bar_colour": {"en": "Bar colour: best response", "zh": "柱颜色：最佳疗效"},
    "cycle_start": {"en": "Cycle start", "zh": "周期开始"},
    "response_onset": {"en": "Response (≥ PR) onset", "zh": "疗效（≥PR）出现"},
    "progression": {"en": "Progression", "zh": "疾病进展"},
    "death": {"en": "Death", "zh": "死亡"},
    "ongoing": {"en": "Alive at last contact", "zh": "末次随访时存活"},
    "emd_flag": {"en": "EMD", "zh": "髓外病变"},
    # by cycle
    "by_cycle_title": {"en": "Response at each evaluated cycle", "zh": "各评估周期的疗效"},
    "by_cycle_x": {"en": "Evaluated after cycle", "zh": "评估时间点（第几周期后）"},
    "by_cycle_y": {"en": "Patients assessed (%)", "zh": "评估患者占比 (%)"},
    "cycle_n": {"en": "After cycle {c}", "zh": "第 {c} 周期后"},
    # flow
    "flow_title": {"en": "Patient flow", "zh": "患者流程"},
    "flow_export": {"en": "Patients in the data export", "zh": "数据导出中的患者"},
    "flow_cohort": {"en": "Treated by the cut-off ({cutoff})\nanalysed for survival", "zh": "截止日期（{cutoff}）前开始治疗\n纳入生存分析"},
    "flow_evaluable": {"en": "Response-evaluable\n(≥ {k} cycles)", "zh": "可评估疗效\n（≥{k} 个周期）"},
    "flow_extended": {"en": "≥ {k} cycles", "zh": "≥{k} 个周期"},
    "flow_after_cutoff": {"en": "Excluded: treatment started\nafter the cut-off", "zh": "排除：截止日期后\n才开始治疗"},
    "flow_fewer": {"en": "Fewer than {k} cycles", "zh": "少于 {k} 个周期"},
    "flow_censored": {"en": "Censored at the cut-off:\n{d} death(s), {p} progression(s)\nafter it",
                      "zh": "截止日期后事件按截止日期删失：\n死亡 {d} 例，进展 {p} 例"},
    "flow_fewer_detail": {"en": "Fewer than {k} cycles:\n{lines}", "zh": "少于 {k} 个周期：\n{lines}"},
    "flow_died": {"en": "{n} died", "zh": "死亡 {n} 例"},
    "flow_alive": {"en": "{n} alive", "zh": "存活 {n} 例"},
}

COMPARISON_NAMES = {
    "prior_lines": {"en": "Prior lines of therapy", "zh": "既往治疗线数"},
    "cycles": {"en": "Cycles received", "zh": "治疗周期数"},
    "emd_any": {"en": "Extramedullary disease", "zh": "髓外病变"},
    "high_risk_fish": {"en": "High-risk FISH", "zh": "高危细胞遗传学（FISH）"},
    "regimen": {"en": "Regimen", "zh": "治疗方案"},
    "sex": {"en": "Sex", "zh": "性别"},
    "iss_stage": {"en": "ISS stage", "zh": "ISS 分期"},
}

VALUE_NAMES = {
    "yes": {"en": "yes", "zh": "是"},
    "no": {"en": "no", "zh": "否"},
    "other": {"en": "Other", "zh": "其他"},
    "M": {"en": "male", "zh": "男"},
    "F": {"en": "female", "zh": "女"},
}


def tr(key: str, lang: str = "en", **kw: object) -> str:
    entry = TEXT[key]
    s = entry.get(lang) or entry["en"]
    return s.format(**kw) if kw or "{level}" in s else s


def pretty(s: str) -> str:
    """Typographic comparison signs: '>= 3' -> '≥ 3', '<= 2' -> '≤ 2'."""
    return s.replace(">=", "≥").replace("<=", "≤")


def comparison_name(by: str | None, label: str | None = None, lang: str = "en") -> str:
    """A grouping's readable name: the config's label in English, a translation in Chinese."""
    if by is None:
        return tr("all_patients", lang)
    base = by.split(" (landmark")[0]
    known = COMPARISON_NAMES.get(base)
    if lang == "zh" and known:
        return known["zh"]
    if label:
        return label
    return known["en"] if known else base.replace("_", " ")


def group_name(group: object, lang: str = "en", by: str | None = None) -> str:
    """A group's readable label ('>= 3' -> '≥ 3', 'yes' -> '是' in Chinese)."""
    if group is None or (isinstance(group, float) and group != group):
        return tr("all_patients", lang)
    g = str(group)
    if g in VALUE_NAMES:
        return VALUE_NAMES[g].get(lang, g)
    return pretty(g)


#: Group labels that carry their variable ("≥ 3 cycles", "No EMD"), by grouping.
_GROUP_FORMS = {
    "prior_lines": {"en": "{g} prior lines", "zh": "既往 {g} 线"},
    "cycles": {"en": "{g} cycles", "zh": "{g} 个周期"},
}
_YES_NO_FORMS = {
    "emd_any": {"yes": {"en": "EMD", "zh": "有髓外病变"}, "no": {"en": "No EMD", "zh": "无髓外病变"}},
    "high_risk_fish": {"yes": {"en": "High-risk FISH", "zh": "高危 FISH"},
                       "no": {"en": "Standard-risk FISH", "zh": "标危 FISH"}},
}


def group_label(by: str | None, group: object, lang: str = "en", label: str | None = None) -> str:
    """A group's label that reads on its own in a legend: '≥ 3 cycles', 'No EMD', 'Regimen BRD'."""
    if by is None or group is None or (isinstance(group, float) and group != group):
        return tr("all_patients", lang)
    base = by.split(" (landmark")[0]
    g = str(group)
    if base in _YES_NO_FORMS and g in _YES_NO_FORMS[base]:
        return _YES_NO_FORMS[base][g][lang]
    if base in _GROUP_FORMS:
        shown = pretty(g)
        if lang == "zh":
            shown = shown.replace("≥ ", "≥").replace("< ", "<").replace("≤ ", "≤").replace("> ", ">")
        return _GROUP_FORMS[base][lang].format(g=shown)
    if base == "regimen":
        return group_name(g, lang)
    if g in ("yes", "no"):
        return f"{comparison_name(base, label, lang)}: {group_name(g, lang)}"
    return group_name(g, lang)


_POP_PATTERNS = [
    (re.compile(r"^all treated$"), {"en": "All treated", "zh": "全部治疗患者"}),
    (re.compile(r"^response-evaluable \(>= (\d+) cycles\)$"),
     {"en": "Response-evaluable (≥ {0} cycles)", "zh": "可评估疗效患者（≥{0} 个周期）"}),
    (re.compile(r"^>= (\d+) cycles$"), {"en": "≥ {0} cycles", "zh": "≥{0} 个周期"}),
    (re.compile(r"^EMD$"), {"en": "Extramedullary disease", "zh": "髓外病变患者"}),
    (re.compile(r"^regimen (.+)$"), {"en": "Regimen {0}", "zh": "方案 {0}"}),
]


def population_name(name: str, lang: str = "en") -> str:
    for pat, out in _POP_PATTERNS:
        m = pat.match(name)
        if m:
            return out[lang].format(*m.groups())
    return pretty(name)


def lower_first(s: str, lang: str = "en") -> str:
    """'Cycles received' -> 'cycles received' inside a sentence; acronyms ('EMD', 'ISS stage') unchanged."""
    if lang != "en" or not s or (len(s) > 1 and s[1].isupper()):
        return s
    return s[:1].lower() + s[1:]


# Further endpoints (MODELS.md section 2): RSD is admiralonco's code for the duration of response (DOR).
TEXT.update({
    "RSD": {"en": "Duration of response", "zh": "缓解持续时间"},
    "TTNT": {"en": "Time to next treatment", "zh": "至下一线治疗时间"},
    "TTR": {"en": "Time to response", "zh": "至缓解时间"},
    "RSD_short": {"en": "DOR", "zh": "DOR"},
    "TTNT_short": {"en": "TTNT", "zh": "TTNT"},
    "surv_axis_RSD": {"en": "Remaining in response (%)", "zh": "持续缓解率 (%)"},
    "surv_axis_TTNT": {"en": "Free of next treatment (%)", "zh": "未开始下一线治疗比例 (%)"},
    "months_response": {"en": "Months since first response", "zh": "自首次缓解起的时间（月）"},
    "cif_title": {"en": "Cumulative incidence of progression and of death without progression",
                  "zh": "疾病进展与无进展死亡的累积发生率"},
    "cif_title_by": {"en": "Cumulative incidence by {what}", "zh": "按{what}分组的累积发生率"},
    "cif_y": {"en": "Cumulative incidence (%)", "zh": "累积发生率 (%)"},
    "cif_progression": {"en": "Progression", "zh": "疾病进展"},
    "cif_death": {"en": "Death without progression", "zh": "无进展死亡"},
    "cif_free": {"en": "Alive without progression", "zh": "无进展存活"},
    "gray_p": {"en": "Gray's test p", "zh": "Gray 检验 P"},
    "cif_ci": {"en": "Progression, {level}% CI", "zh": "疾病进展 {level}% 置信区间"},
})
