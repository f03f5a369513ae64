"""The Methods section, written from the configuration actually used (and the response source of the run)."""

from __future__ import annotations

from pipeline.config import StudyConfig
from pipeline.figures import labels as L
from pipeline.imwg.rules import IMWG, OUR_DECISION, SPEC_DECISION
from pipeline.text.fmt import level as ci_level


def _comparisons_text(config: StudyConfig, lang: str) -> str:
    parts = []
    for c in config.analysis.comparisons:
        name = L.comparison_name(c.by, c.label, lang)
        if c.threshold is not None:
            parts.append(f"{name} (≥ {c.threshold:g} vs < {c.threshold:g})" if lang == "en"
                         else f"{name}（≥{c.threshold:g} vs <{c.threshold:g}）")
        elif c.min_group > 1:
            parts.append(f"{name} (groups under {c.min_group} patients pooled as 'other')" if lang == "en"
                         else f"{name}（不足 {c.min_group} 例的组合并为“其他”）")
        else:
            parts.append(name)
    sep = "; " if lang == "en" else "；"
    return sep.join(parts)


_SOURCES = {
    IMWG: {"en": "IMWG 2016 (Kumar 2016)", "zh": "IMWG 2016（Kumar 2016）"},
    SPEC_DECISION: {"en": "interpretation where the criteria are ambiguous", "zh": "标准含义不明确处采用的解释"},
    OUR_DECISION: {"en": "implementation detail", "zh": "实现细节"},
}


def _source_label(source: str, lang: str) -> str:
    """A rule's source as a journal reader understands it (the engine's labels name project files)."""
    return _SOURCES.get(source, {}).get(lang, source)


def rules_block(rules: list, lang: str) -> dict:
    """The IMWG rules as a table when they are ``Rule`` records (id, category, description, source,
    confirmation), else as a list of their text."""
    if all(hasattr(r, "description") for r in rules):
        from pipeline.report.tables import DisplayTable

        cols = (["规则", "分类", "说明", "来源", "确认"] if lang == "zh"
                else ["Rule", "Category", "Description", "Source", "Confirmation"])
        rows = [[str(getattr(r, "rule_id", "")), str(getattr(r, "category", None) or ""), L.pretty(str(r.description)),
                 _source_label(str(getattr(r, "source", "") or ""), lang),
                 str(getattr(r, "confirmation", None) or "")] for r in rules]
        title = "IMWG 规则" if lang == "zh" else "IMWG rules as applied"
        return {"kind": "rules_table", "table": DisplayTable("imwg_rules", title, cols, rows, text=True)}
    return {"kind": "list", "items": [str(getattr(r, "description", r)) for r in rules]}


def methods(config: StudyConfig, source: str, versions: dict, rules: list | None = None,
            lang: str = "en") -> list[dict]:
    """Methods as blocks: ``{"kind": "h3"|"p"|"list", ...}`` in the report language."""
    a, r = config.analysis, config.response
    level = ci_level(a.conf_level)
    times = ", ".join(f"{x:g}" for x in a.survival_times_months)
    conf = {"log-log": "log-log", "log": "log", "plain": "plain (linear)"}[a.conf_type]
    v = versions or {}
    soft = ", ".join(f"{k} {val}" for k, val in v.items() if k not in ("mmcohort", "python"))
    comps = _comparisons_text(config, lang)
    immortal = [L.comparison_name(c.by, c.label, lang) for c in a.comparisons if c.accrues_after_index]
    blocks: list[dict] = []

    if lang == "zh":
        blocks.append({"kind": "h3", "text": "研究设计与数据"})
        blocks.append({"kind": "p", "text": (
            f"回顾性真实世界队列研究（{config.study}）。数据截止日期为 {config.cutoff.isoformat()}：截止日期之后的评估与不良事件不纳入，"
            "之后发生的死亡与进展按截止日期删失，末次随访日期截断至截止日期，截止日期之后才开始治疗的患者不纳入队列。"
            "时间零点为研究方案首剂给药日期（index date）；时间以天计算，换算为月时除以 30.4375。")})
        blocks.append({"kind": "h3", "text": "疗效评价"})
        if source == "derived":
            txt = ("疗效依国际骨髓瘤工作组（IMWG）2016 标准（Kumar 等，Lancet Oncol 2016）由血清/尿 M 蛋白、血清游离轻链、"
                   "骨髓浆细胞及影像学原始数值逐次推导。")
        elif source == "recorded":
            txt = "各次评估的疗效采用临床医师记录的 IMWG 分类，最佳总体疗效与进展按下述确认规则推导。"
        else:
            txt = "最佳疗效与进展日期采用每例患者的记录值；因无逐次评估数据，未能进行确认。"
        if source in ("derived", "recorded"):
            txt += ("MR 及以上疗效与实验室指标所示 PD 须经连续两次可评估的评估确认，确认后的分类取两次中较差者，日期取第一次；"
                    if r.confirm_response else "单次评估即计入（不要求确认），与多数回顾性研究（包括参考研究）一致；")
            if r.confirm_response:  # without confirmation no PD is "unconfirmed"
                txt += ("最后一次评估（死亡、新治疗或数据结束前）所示的未确认实验室 PD 按其日期计为 PD。"
                        if r.unconfirmed_pd == "count" else "最后一次评估所示的未确认实验室 PD 不计入。")
            txt += "最佳总体疗效（BOR）为首次 PD 之前且新治疗开始之前的最佳确认疗效（sCR > CR > VGPR > PR > MR > SD > PD > NE）。"
            if getattr(r, "summary", "best") == "last":
                txt += "疗效率及疗效表采用每例患者首次 PD 前末次可评估时的确认疗效（“最终疗效”，response.summary: last），而非 BOR。"
        blocks.append({"kind": "p", "text": txt})
        if source in ("derived", "recorded") and rules:
            blocks.append({"kind": "p", "text": "所应用的规则（按优先顺序；规则原文为英文）："})
            blocks.append(rules_block(rules, lang))
        blocks.append({"kind": "p", "text": (
            f"客观缓解率（ORR）= sCR + CR + VGPR + PR；临床获益率（CBR）= ORR + MR；疾病控制率（DCR）= CBR + SD；"
            f"均以 n/N 及 Clopper-Pearson 精确 {level}% 置信区间表示。可评估疗效人群定义为接受 ≥{a.evaluable_min_cycles} 个周期的患者，"
            f"另报告 ≥{a.extended_min_cycles} 个周期、髓外病变及各治疗方案人群。")})
        blocks.append({"kind": "h3", "text": "生存终点"})
        pfs_ev = ("疾病进展（IMWG）或任何原因死亡，以先发生者为准" if a.pfs_events == "progression_or_death"
                  else "疾病进展（与参考研究一致；无进展死亡不计为事件，按下述规则删失）")
        pfs_c = ("无事件者删失于最后一次无进展的可评估疗效评估日期（无任何评估者删失于末次随访）"
                 if a.pfs_censor == "last_assessment" else "无事件者删失于末次随访日期")
        blocks.append({"kind": "p", "text": (
            f"总生存期（OS）：自治疗开始至任何原因死亡，存活者删失于末次随访日期。无进展生存期（PFS）：自治疗开始至{pfs_ev}；"
            f"{pfs_c}。"
            + ("进展日期取评估所得 PD 日期与记录的进展日期中较早者。" if source in ("derived", "recorded")
               else "进展日期采用记录值。"))})
        blocks.append({"kind": "h3", "text": "统计分析"})
        blocks.append({"kind": "p", "text": (
            f"生存曲线采用 Kaplan-Meier 法估计，逐点 {level}% 置信区间采用 {conf} 变换；中位生存时间的置信区间采用 "
            "Brookmeyer-Crowley 法（由变换后的逐点置信带反推）；生存曲线恰在 0.5 处持平时，中位时间取该区间的中点（与 R、SAS 一致）。"
            f"报告 {times} 个月时的生存率及其置信区间。中位随访时间采用反向 Kaplan-Meier 法（以删失为事件）估计，并给出观察时间范围。"
            f"组间比较采用 Log-rank 检验；风险比（HR）及 Wald {level}% 置信区间来自单因素 Cox 比例风险模型（Efron 结点处理）。"
            f"比较分组：{comps}。")})
        if immortal:
            blocks.append({"kind": "p", "text": (
                f"{'、'.join(immortal)}在时间零点之后才形成，按其分组比较存在不朽时间偏倚。因此增加界标分析：界标时间为第 "
                f"{a.landmark_days} 天，排除界标前发生事件或删失的患者，时间自界标重新计算，按界标时已开始的周期数分组"
                f"（除非提供周期日期，第 k 周期推定于 index + (k − 1) × {a.cycle_length_days} 天开始）。")})
        blocks.append({"kind": "p", "text": (
            "基线连续变量采用 Shapiro-Wilk 检验正态性：P ≥ 0.05 者以均数 ± 标准差表示，否则以中位数（Q1, Q3）表示"
            "（四分位数按 R 默认的第 7 种定义）；分类变量以 n（%）表示，FISH 异常以占检测患者的比例表示；高危细胞遗传学定义为 "
            "del(17p)、t(4;14)、t(14;16) 或 t(14;20)。不良事件按 CTCAE v5.0 分级，每例患者每一术语取最严重分级，分母为全部治疗患者。"
            "检验均为双侧，P < 0.05 为差异有统计学意义；未对多重比较进行校正，组间比较属探索性分析。NR 表示未达到。")})
        blocks.append({"kind": "h3", "text": "软件"})
        blocks.append({"kind": "p", "text": (
            f"分析由 mmcohort {v.get('mmcohort', '')}（Python {v.get('python', '')}；{soft}）完成。"
            "Kaplan-Meier、Log-rank、Cox 及 Clopper-Pearson 的计算结果已与 R survival 3.5-3 的参考值核对一致。")})
        return blocks

    blocks.append({"kind": "h3", "text": "Design and data"})
    blocks.append({"kind": "p", "text": (
        f"Retrospective real-world cohort ({config.study}). Data cut-off {config.cutoff.isoformat()}: assessments and "
        "adverse events after it were ignored, deaths and progressions after it were censored at it, last-contact "
        "dates were truncated to it, and patients who started treatment after it were not included. Time zero is the "
        "first dose of the studied regimen (index date); times are counted in days and shown in months "
        "(days / 30.4375).")})
    blocks.append({"kind": "h3", "text": "Response"})
    if source == "derived":
        txt = ("Response at each assessment was derived from the raw serum and urine M-protein, serum free light "
               "chain, bone-marrow and imaging values by the International Myeloma Working Group (IMWG) 2016 criteria "
               "(Kumar et al., Lancet Oncol 2016). ")
    elif source == "recorded":
        txt = ("Response at each assessment was the IMWG category recorded by the treating clinicians; best overall "
               "response and progression were derived from these. ")
    else:
        txt = ("Best response and progression date were taken as recorded per patient; with no per-assessment data, "
               "no confirmation could be applied. ")
    if source in ("derived", "recorded"):
        txt += ("MR or better, and PD shown by laboratory values, required confirmation by two consecutive evaluable "
                "assessments; the confirmed category is the worse of the two, dated at the first. "
                if r.confirm_response else
                "Single assessments counted (no confirmation), as in many retrospective studies including the "
                "reference study. ")
        if r.confirm_response:  # without confirmation no PD is "unconfirmed"
            txt += ("An unconfirmed laboratory PD at the last assessment (before death, new therapy or the end of "
                    "data) counted as PD on its date. " if r.unconfirmed_pd == "count" else
                    "An unconfirmed laboratory PD at the last assessment was not counted. ")
        txt += ("Best overall response (BOR) is the best confirmed category before the first PD and before any new "
                "therapy (sCR > CR > VGPR > PR > MR > SD > PD > NE).")
        if getattr(r, "summary", "best") == "last":
            txt += (" The response rates and the response table use the confirmed category at each patient's last "
                    "evaluable assessment up to the first PD ('final response', response.summary: last) instead "
                    "of the BOR.")
    blocks.append({"kind": "p", "text": txt})
    if source in ("derived", "recorded") and rules:
        blocks.append({"kind": "p", "text": "The rules applied, in order of precedence (category rules are checked "
                                            "in this order at every assessment; the first that applies wins):"})
        blocks.append(rules_block(rules, lang))
    blocks.append({"kind": "p", "text": (
        f"Overall response rate (ORR) = sCR + CR + VGPR + PR; clinical benefit rate (CBR) = ORR + MR; disease control "
        f"rate (DCR) = CBR + SD; each as n/N with an exact (Clopper-Pearson) {level}% CI. The response-evaluable "
        f"population is the patients who received ≥ {a.evaluable_min_cycles} cycles; rates are also given for "
        f"≥ {a.extended_min_cycles} cycles, extramedullary disease and each regimen.")})
    blocks.append({"kind": "h3", "text": "Endpoints"})
    pfs_ev = ("progression (IMWG) or death from any cause, whichever came first"
              if a.pfs_events == "progression_or_death" else
              "progression only (as in the reference study; a death without progression is not an event and is "
              "censored as below)")
    pfs_c = ("patients without an event were censored at their last evaluable response assessment without "
             "progression (at last contact when they had none)" if a.pfs_censor == "last_assessment" else
             "patients without an event were censored at last contact")
    blocks.append({"kind": "p", "text": (
        "Overall survival (OS): from the start of treatment to death from any cause, censored at the last contact. "
        f"Progression-free survival (PFS): from the start of treatment to {pfs_ev}; {pfs_c}. "
        + ("The progression date is the earlier of the PD date from the assessments and a recorded progression "
           "date." if source in ("derived", "recorded") else "The progression date is the recorded one."))})
    blocks.append({"kind": "h3", "text": "Statistical analysis"})
    blocks.append({"kind": "p", "text": (
        f"Survival was estimated by the Kaplan-Meier method with pointwise {level}% CIs on the {conf} scale; the CI of "
        "the median is the Brookmeyer-Crowley interval read from that transformed band, and where the curve lies at "
        "exactly 0.5 over an interval the median is the interval's midpoint (as R, SAS and Prism report it). "
        f"Survival at {times} months is given with its CI. Median follow-up was estimated by the reverse "
        "Kaplan-Meier method (censorings as events), with the range of observation. Groups were compared with the "
        f"log-rank test; hazard ratios (HR) with Wald {level}% CIs came from univariable Cox proportional-hazards "
        f"models with Efron's method for ties. Groupings: {comps}.")})
    if immortal:
        blocks.append({"kind": "p", "text": (
            f"{', '.join(immortal)} {'accrues' if len(immortal) == 1 else 'accrue'} after time zero, so comparing "
            "by it is exposed to immortal-time bias. "
            f"A landmark analysis was therefore added at day {a.landmark_days}: patients with an event or censoring "
            "before the landmark were excluded, the clock restarted at the landmark, and groups were formed by the "
            "cycles started by then (cycle k assumed to start at index + (k − 1) × "
            f"{a.cycle_length_days} days unless cycle dates are given).")})
    blocks.append({"kind": "p", "text": (
        "Baseline continuous variables were tested for normality with the Shapiro-Wilk test: mean ± SD when p ≥ 0.05, "
        "otherwise median (Q1, Q3) (quartiles by R's default type-7 definition), with ranges and missing counts; "
        "categorical variables as n (%); FISH abnormalities as n (%) of the patients tested, high-risk cytogenetics "
        "being del(17p), t(4;14), t(14;16) or t(14;20). Adverse events were graded by CTCAE v5.0 using each "
        "patient's worst grade per term, over all treated patients. Tests were two-sided with p < 0.05 considered "
        "significant, without adjustment for multiple comparisons (the comparisons are exploratory). "
        "NR: not reached.")})
    blocks.append({"kind": "h3", "text": "Software"})
    blocks.append({"kind": "p", "text": (
        f"Analysis by mmcohort {v.get('mmcohort', '')} (Python {v.get('python', '')}; {soft}). The Kaplan-Meier, "
        "log-rank, Cox and Clopper-Pearson computations are tested against reference values from R survival 3.5-3.")})
    return blocks
