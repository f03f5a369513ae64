# size: pure data, one entry a line (every word the outputs print); splitting it would scatter keys.
"""简体中文 (simplified Chinese): the words of ``pipeline/text/en.py``, with the same keys (see there).

This module is longer than 400 lines on purpose: it is data, one entry a line, no logic.
"""

from __future__ import annotations

#: Characters of common Chinese report words: a font that has them all can draw the figures in Chinese.
FONT_PROBE = "生存月周期患者"

WORDS: dict[str, str] = {
    # report: the document
    "report": "分析报告",
    "subtitle": "数据截止日期 {cutoff} · {n} 例患者 · 疗效来源：{src} · 由 mmcohort {v} 生成",
    "contents": "目录",
    "summary": "结果摘要",
    # report: section headings
    "sec_cohort": "研究队列与患者流程",
    "sec_baseline": "基线特征",
    "sec_response": "疗效",
    "sec_survival": "生存分析",
    "sec_comparisons": "组间比较",
    "sec_ae": "不良事件",
    "sec_quality": "数据质量",
    "sec_methods": "统计方法",
    "sec_provenance": "数据来源与可追溯性",
    # report: response sources
    "src_derived": "依 IMWG 2016 标准由原始数值推导",
    "src_recorded": "各次评估记录的疗效",
    "src_patients": "每例患者记录的最佳疗效",
    # report: table titles
    "t_flow": "患者流程",
    "t_table1": "基线特征",
    "t_best": "最佳总体疗效",
    "t_rates": "总缓解率、临床获益率与疾病控制率（精确 {level}% 置信区间）",
    "t_by_cycle": "各评估周期的疗效",
    "t_confusion": "推导疗效（IMWG）与记录疗效的一致性（按评估）",
    "t_disagree": "推导疗效与记录疗效不一致的评估",
    "t_medians": "中位生存时间",
    "t_rates_at": "固定时间点生存率",
    "t_comparisons": "生存比较",
    "t_comparison_one": "按{what}分组的生存比较",
    "t_landmark": "第 {L} 天界标分析：按{what}分组的生存比较",
    "t_ae": "不良事件（每例患者最严重分级，CTCAE v5.0）",
    "t_issues": "数据校验结果",
    "t_cutoff": "数据截止日期的影响",
    "t_inputs": "输入文件",
    "t_versions": "软件版本",
    "table_n": "表 {i}  {title}",
    "figure_n": "图 {i}",
    # report: column headings
    "c_step": "步骤",
    "c_n": "n",
    "c_excluded": "此步排除",
    "c_characteristic": "特征",
    "c_all": "全部患者（N = {n}）",
    "c_category": "最佳疗效",
    "c_population": "人群",
    "c_cycle": "评估时间点",
    "c_endpoint": "终点",
    "c_group": "组别",
    "c_events": "事件数",
    "c_median": "中位时间，月（{level}% CI）",
    "c_at": "{t:g} 个月",
    "c_logrank": "Log-rank χ²（自由度）",
    "c_p": "P",
    "c_hr": "HR（{level}% CI）",
    "c_hr_vs": "HR 比较",
    # c_ae_term heads the AE table: '不良事件' here (English still prints 'Covariate': see en.py)
    "c_ae_term": "不良事件",
    "c_any": "任意级别，n（%）",
    "c_grade": "{g} 级",
    "c_g3": "≥3 级，n（%）",
    "c_severity": "级别",
    "c_file": "文件",
    "c_line": "行",
    "c_column": "列",
    "c_value": "值",
    "c_rule": "规则",
    "c_item": "项目",
    "c_count": "数量",
    "c_ids": "患者（研究编号）",
    "c_table": "数据表",
    "c_path": "文件",
    "c_sha": "SHA-256",
    "c_rows": "行数",
    "c_package": "软件包",
    "c_version": "版本",
    "c_patient": "患者",
    "c_date": "日期",
    "c_recorded": "记录疗效",
    "c_derived": "推导疗效",
    "c_reason": "推导依据",
    "c_recorded_derived": "记录 \\ 推导",
    "c_total": "合计",
    "c_n_landmark": "界标时 n（界标前排除）",
    "ORR": "ORR（≥PR）",
    "CBR": "CBR（≥MR）",
    "DCR": "DCR（≥SD）",
    "haematological": "血液学毒性",
    "non-haematological": "非血液学毒性",
    # report: footnotes
    "fn_table1": (
        "连续变量：Shapiro-Wilk 检验 P ≥ 0.05 者以均数 ± 标准差表示，否则以中位数（Q1，Q3）表示；方括号内为范围，并注"
        "明缺失例数。分类变量以 n（%）表示；FISH 异常以占检测患者的 n（%）表示。"),
    "fn_best": "数据以各人群患者的 n（%）表示；最佳总体疗效{conf}。",
    "fn_rates": (
        "n/N，%（{level}% CI，Clopper-Pearson 精确法）。ORR（总缓解率）= sCR + CR + VGPR + PR；CBR（临床获益率）= ORR"
        " + MR；DCR（疾病控制率）= CBR + SD。无患者的人群记为 0/0。"),
    "fn_by_cycle": "各周期评估所得的疗效分类（单次评估，未经确认），以该周期接受评估患者的 n（%）表示。",
    "fn_medians": (
        "Kaplan-Meier 法估计的中位时间（月；天数 / 30.4375）；{level}% CI 采用 Brookmeyer-Crowley 法（{conf}）。NR："
        "未达到。"),
    "fn_rates_at": "Kaplan-Meier 法估计的生存率，%（{level}% CI）。—：无患者随访至该时间点。",
    "fn_comparisons": (
        "P 值来自 Log-rank 检验；HR 及其 Wald {level}% CI 由单因素 Cox 模型（Efron 法处理结点）估计，为前一组相对于后"
        "一组。NR：中位时间未达到。"),
    "fn_immortal": "† 存在永恒时间偏倚，详见界标分析。",
    "fn_ae": "同一患者的同一不良事件按最严重分级计 1 次；百分比以全部 {n} 例接受治疗的患者为分母。",
    # report: sentences
    "s_cohort_one": "共 1 例患者于 {first} 开始治疗；数据截止日期为 {cutoff}。",
    "s_cohort": "共 {n} 例患者于 {first} 至 {last} 期间开始治疗；数据截止日期为 {cutoff}。",
    "s_followup": (
        "中位随访时间（反向 Kaplan-Meier 法）为 {med} 个月（{level}% CI {ci}），观察时间范围为 {lo}–{hi} 个月。"),
    "s_followup_all_died": "中位随访时间（反向 Kaplan-Meier 法）无法估计：所有患者均已死亡，无存活删失者；观察时间范围为 {lo}–{hi} 个月。",
    "s_events": "共发生 PFS 事件 {pfs} 例（疾病进展 {prog} 例，无进展死亡 {dwp} 例）；死亡 {os} 例。",
    "s_median_pfs_os": "中位 PFS {pfs}（{level}% CI {pfs_ci}）；中位 OS {os}（{level}% CI {os_ci}）。",
    "months_value": "{v} 个月",
    "not_reached": "未达到",
    "s_orr_none": "{pop}的 ORR：0/0（该人群无患者）。",
    "s_orr": "{pop}的 ORR 为 {n}/{N}（{pct}；{level}% CI {ci}）。",
    "s_immortal_short": "{what}：直接比较存在永恒时间偏倚；第 {L} 天界标分析结果为 {lm}",
    "fn_hr_vs": "HR：{a} vs {b}。",
    "s_source_derived": (
        "疗效依 IMWG 2016 标准由实验室及影像学原始数值推导；如临床医师同时记录了疗效，下文给出两者的一致性。"),
    "s_source_recorded": (
        "疗效取自临床医师在各次评估时记录的疗效分类；最佳总体疗效与疾病进展据此按确认规则推导（见统计方法）。"),
    "s_source_patients": (
        "最佳疗效与进展日期取自每例患者的记录（无逐次评估数据），因此无法给出各周期疗效，也无法进行确认。"),
    "s_agreement": (
        "推导疗效与记录疗效在 {n} 次评估中有 {agree} 次一致（{pct}），Cohen κ 系数为 {kappa}。不一致的评估列于下表，"
        "供临床复核。"),
    "s_no_agreement": "无可与推导疗效比较的记录疗效。",
    "s_no_ae": "未记录不良事件。",
    "s_no_issues": "数据校验未发现问题。",
    "s_issues": "数据校验发现错误 {e} 个、警告 {w} 个；仅有警告时分析照常进行。",
    "s_no_comparisons": "未配置组间比较。",
    "s_not_compared": "未比较",
    "w_immortal": (
        "永恒时间偏倚：“{what}”在时间零点之后才形成，患者须存活（且未进展）足够长时间才能进入较高组，因此该比较在设计"
        "上即偏向该组，不能解读为治疗效应。下文第 {L} 天界标分析可消除这一偏倚：{lm}"),
    "w_immortal_lm": "{ep} HR{vs} {hr}，Log-rank P {p}（n = {n}，界标前排除 {x} 例）",
    "w_zh_font": "注意：本机未安装中文字体，图中文字以英文显示（安装方法：apt-get install fonts-noto-cjk）。",
    "cutoff_excluded": "排除的患者（截止日期后开始治疗）",
    "cutoff_assess": "截止日期后的评估（剔除）",
    "cutoff_ae": "截止日期后的不良事件（剔除）",
    "cutoff_deaths": "截止日期后的死亡（按截止日期删失）",
    "cutoff_prog": "截止日期后的进展（按截止日期删失）",
    "cutoff_nt": "截止日期后的新治疗（剔除）",
    "cutoff_lc": "末次随访日期截断至截止日期",
    "cutoff_latest": "数据中的最晚日期",
    "q_prog_disagree": "记录的进展日期与推导日期不一致的患者（取较早者）",
    "q_ne": "最佳疗效为 NE（不可评估）的患者",
    "figures_off": "本次运行未绘图（配置 report.figures: false）。",
    "t_final": "末次可评估时的疗效",
    "fn_final": (
        "数据以各人群患者的 n（%）表示，为首次 PD 前末次可评估时的疗效（response.summary: last），{conf}；IMWG 最佳总"
        "体疗效见 derived/adsl.csv 的 bor_best 列。"),
    "figures_omitted": "说明",
    "prov_created": "运行时间 {t}（UTC），耗时 {s} 秒。",
    "prov_config": "实际使用的配置",
    "prov_outputs": (
        "本报告的全部数值见 results.json；全部表格见 tables/（CSV、tables.xlsx 及已排版的 tables/tables.docx）；图见 "
        "figures/（PNG 300 dpi 与 SVG）；分析数据集见 derived/。"),
    "s_removed": (
        "警告：本研究上一次运行（{name}，截止日期 {cutoff}）中的 {n} 例患者不在本次导出数据中；在核查导出数据之前，本报告的"
        "各项数字不能与上一次运行比较。名单见 changes_since_previous.md。"),
    "prov_changes": (
        "与本研究上一次运行（{name}，截止日期 {cutoff}）相比：新增患者 {added} 例，移除 {removed} 例，主要结果提示 "
        "{flags} 条；详见 changes_since_previous.md。"),
    "s_listing_elsewhere": "{what}：共 {n} 行，超过报告显示的上限 {limit} 行；完整列表见 {where}。",
    # report: this cohort beside published cohorts (literature:)
    "t_literature": "本队列与已发表队列的比较",
    "s_literature": (
        "本队列{pop}的 ORR 为 {n}/{N}（{pct}%；{ci} {lo}–{hi}%）。{k} 个已发表队列的合并 ORR 为 {est}%（{ci} {plo}–"
        "{phi}%；logit 尺度 DerSimonian-Laird 随机效应模型；I² = {i2}%）。"),
    "s_literature_one": "本队列{pop}的 ORR 为 {n}/{N}（{pct}%；{ci} {lo}–{hi}%）。",
    "t_lit_table": "已发表队列：疗效与中位生存",
    "c_lit_study": "队列",
    "c_lit_regimen": "方案",
    "c_lit_resp": "缓解例数/n",
    "c_lit_orr": "ORR，%（{ci}）",
    "c_lit_pfs": "中位 PFS（月）",
    "c_lit_os": "中位 OS（月）",
    "c_lit_ref": "文献",
    "lit_this_cohort": "本队列：{pop}",
    "lit_pooled": "已发表队列合并（随机效应）",
    "fn_lit": (
        "ORR 及精确（Clopper-Pearson）{ci}。合并值：仅纳入已发表队列，logit 尺度 DerSimonian-Laird 随机效应模型（R"
        "：metafor::rma(measure = \"PLO\", method = \"DL\")）。已发表队列的中位时间为文献报告值；本队列为 Kaplan-Me"
        "ier 中位时间。—：未报告。"),
    "fn_lit_pct": "{names} 仅报告了百分比：缓解例数 = 报告百分比 × n，四舍五入至整数。",
    "fn_lit_odd": "{names}：n 例中没有任何整数缓解例数能得到报告的百分比，采用最接近的例数。",
    "cap_literature": (
        "本队列与已发表队列的总缓解率（ORR，≥PR）及精确（Clopper-Pearson）{ci}；方块大小与患者数成比例。菱形：已发表"
        "队列经 DerSimonian-Laird 随机效应模型（logit 尺度）合并的 ORR。"),
    "lit_x": "总缓解率（%）",
    # report: the adjusted analyses (Cox models, PH test, Table 1 by group, subgroups)
    "h_cox": "Cox 回归分析",
    "h_subgroups": "亚组分析",
    "h_table1_by": "按{what}分组的基线特征",
    "t_cox": "{ep}的 Cox 回归：单因素与多因素风险比",
    "t_cox_models": "Cox 模型：病例数、事件数与整体检验",
    "t_ph": "比例风险假定检验（标化 Schoenfeld 残差）",
    "t_strat_lr": "分层 Log-rank 检验（分层变量：{s}）",
    "t_subgroups": "{ep}：各亚组内{what}的风险比",
    "c_covariate": "变量",
    "c_uni": "单因素 HR（{level}% CI）",
    "c_multi": "多因素 HR（{level}% CI）",
    "c_hr_level": "HR（{level}% CI）",
    "c_model": "模型",
    "c_dropped": "因缺失排除",
    "c_lr": "似然比检验 χ²（自由度），P",
    "c_conc": "C 指数",
    "c_epv": "每参数事件数",
    "c_chisq_df": "χ²（自由度）",
    "c_subgroup": "亚组",
    "c_interaction": "交互作用 P",
    "c_test": "检验方法",
    "uni": "单因素",
    "multi": "多因素",
    "global": "整体",
    "epv_low": "{v}（< 10：估计可能不稳定）",
    "ph_flag": "P < 0.05：可能不满足比例风险假定",
    "per": "每 {per}",
    "vs": "{a} vs {b}",
    "vs_second": "第二水平 vs 第一水平",
    "fn_cox": (
        "Cox 比例风险模型（{ties} 法处理结点{strata}）；Wald {level}% 置信区间及 P 值。单因素：每个变量单独分析，纳入"
        "该变量不缺失的患者；多因素：纳入全部变量，完整病例分析（n = {n}，{e} 个事件；{d} 例因缺失排除）。似然比检验 "
        "{lr}；C 指数 {c}。"),
    "fn_strata": "，按{s}分层",
    "fn_epv": "每参数事件数少于 10（{v}）：多因素估计可能不稳定。",
    "fn_ph": (
        "cox.zph 得分检验（survival ≥ 3.0），时间经 Kaplan-Meier 变换，逐变量及整体。† P < 0.05：可能不满足比例风险"
        "假定，见残差图。"),
    "fn_t1by": (
        "连续变量：各组 Shapiro-Wilk 检验 P ≥ 0.05 时用 t 检验（两组）或方差分析（三组及以上），否则用 Wilcoxon 秩"
        "和检验或 Kruskal-Wallis 检验；分类变量：χ² 检验（不校正），任一期望频数 < 5 时用 Fisher 精确检验。每行注明"
        "所用检验。分类变量：n（%），百分比以该组全部患者为分母；“缺失”：无该项数据的患者（不参与检验）。"),
    "t1by_missing": "缺失",
    "fn_subgroups": (
        "各亚组内 {vs} 的 Cox 模型（Efron 法处理结点），Wald {level}% 置信区间；交互作用 P：比较 × 亚组交互项的似然比"
        "检验。"),
    "test_t-test": "t 检验",
    "test_wilcoxon": "Wilcoxon 秩和检验",
    "test_kruskal": "Kruskal-Wallis 检验",
    "test_anova": "方差分析",
    "test_chisq": "χ² 检验",
    "test_fisher": "Fisher 精确检验",
    "m_cox": (
        "校正分析。{eps}的风险比由 Cox 比例风险模型估计（结点采用 {ties} 法处理{strata}）：先对每个变量单独建模，纳入"
        "该变量不缺失的患者（单因素筛选），再将全部变量同时纳入，仅纳入各变量均不缺失的患者（完整病例分析；报告排除例"
        "数）。变量：{covs}。置信区间（{level}%）及 P 值采用 Wald 法；每个模型报告似然比检验、Wald 检验、得分检验及 H"
        "arrell C 指数。每参数事件数少于 10 的模型予以提示；参数个数不少于事件数、某变量水平无事件或似然函数不收敛（"
        "单调似然）的模型不予报告。比例风险假定采用标化 Schoenfeld 残差与 Kaplan-Meier 变换时间的得分检验（R survival"
        " 的 cox.zph，survival ≥ 3.0），逐变量及整体检验；P < 0.05 的变量予以提示并绘制残差图。计算结果与 R 的 coxph "
        "和 cox.zph 一致（容差 1e-6）。"),
    "m_t1by": (
        "{what}各组间基线特征比较：连续变量在各组 Shapiro-Wilk 检验 P ≥ 0.05 时采用合并方差 t 检验（两组）或单因素"
        "方差分析（三组及以上），否则采用 Wilcoxon 秩和检验（正态近似，连续性校正）或 Kruskal-Wallis 检验；分类变量"
        "采用不校正的 χ² 检验，任一期望频数小于 5 时采用 Fisher 精确检验。"),
    "m_subgroups": (
        "亚组分析：在 {by} 各水平内估计{what}（{vs}）的风险比；异质性采用含与不含比较×亚组交互项模型的似然比检验。"),
    "zph_title": "{ep}：{term}（比例风险检验 P {p}）",
    "zph_x": "时间（Kaplan-Meier 变换，1 − S(t−)）",
    "zph_y": "{term} 的标化 Schoenfeld 残差 β(t)",
    "zph_beta": "Cox 模型的 β",
    "zph_smooth": "平滑曲线（三次回归样条）± 2 SE",
    "cap_cox_forest": (
        "校正风险比（多因素 Cox 模型，{ties} 法处理结点）及 {level}% 置信区间，按终点列出；完整病例分析。"),
    "cap_subgroup": (
        "{ep}：各亚组内{what}（{vs}）的风险比及 {level}% 置信区间；每个亚组变量的交互作用 P（似然比检验）。"),
    "cap_zph": (
        "{ep}多因素模型中 {term} 的标化 Schoenfeld 残差与 Kaplan-Meier 变换时间的关系及平滑曲线：水平于 β 的直线表"
        "示满足比例风险（cox.zph P {p}）。"),
    "interaction_p": "交互作用 P {p}",
    "favours": "风险比（对数刻度）",
    # report: further endpoints, competing risks and RMST (MODELS.md section 2)
    "h_further": "缓解持续时间、至下一次治疗时间与至缓解时间",
    "s_ttr": (
        "{n} 例缓解（≥PR）患者的中位至缓解时间为 {med} 个月（范围 {lo}–{hi} 个月）；此为对缓解患者的描述性统计，而非 "
        "Kaplan-Meier 估计。"),
    "s_no_ttr": "没有患者获得带日期的 PR 及以上疗效（疗效日期来自疗效评估），因此无法计算缓解持续时间与至缓解时间。",
    "s_dor_ttnt": "缓解持续时间（DOR）与至下一次治疗时间（TTNT）见上方生存表，分组结果见组间比较。",
    "s_ttnt_is_os": "数据中没有患者记录新治疗开始日期（new_therapy_date），TTNT 的事件均为死亡，故此处 TTNT 与 OS 相同；需记录下一线治疗的开始日期才能评估 TTNT。",
    "h_competing": "竞争风险：疾病进展与无进展死亡",
    "s_competing": (
        "{prog} 例患者发生疾病进展，{dwp} 例无进展死亡。以无进展死亡为竞争事件，采用 Aalen-Johansen 法估计疾病进展的"
        "累积发生率；若以 1 − Kaplan-Meier 估计，则会高估进展风险。"),
    "t_cif": "疾病进展与无进展死亡的累积发生率",
    "c_event": "事件",
    "c_grouping": "分组",
    "c_at_ci": "{t:g} 个月，%（{level}% CI）",
    "fn_cif": (
        "累积发生率（R cmprsk::cuminc，等同 Aalen-Johansen 估计），方差采用 Gray 法，逐点 {level}% 置信区间采用 log(−"
        "log) 变换。—：超出该组随访时间。"),
    "ev_progression": "疾病进展",
    "ev_death without progression": "无进展死亡",
    "t_gray": "组间累积发生率比较（Gray 检验）",
    "c_gray": "Gray χ²（自由度）",
    "t_fine_gray": "疾病进展亚分布风险的 Fine-Gray 模型",
    "c_shr": "亚分布 HR（{level}% CI）",
    "fn_fine_gray": (
        "n = {n}；疾病进展 {e} 例，无进展死亡（竞争事件）{c} 例。{level}% 置信区间为基于 Fine-Gray 稳健方差的 Wald "
        "区间（R cmprsk::crr）。数值协变量按每单位计；≥ t 表示达到比较阈值；变量后接水平名表示该水平相对第一水平。"),
    "h_rmst": "限制性平均生存时间",
    "t_rmst": "各组限制性平均生存时间（RMST）与中位时间",
    "c_median_ci": "中位时间，月（{level}% CI）",
    "c_rmst": "RMST，月（标准误）",
    "c_tau": "τ，月",
    "c_rmst_diff": "差值（{level}% CI）",
    "fn_rmst": (
        "RMST：τ 之前的平均无事件时间（Kaplan-Meier 曲线下面积；标准误同 R survival 的 rmean）。差值列于其所属组（"
        "即风险比所对应的组）的行，为该组减另一组，附正态 {level}% 置信区间及 P 值。τ：{tau}。与中位时间不同，中位"
        "未达到（NR）时 RMST 仍可估计。"),
    "tau_default": "按终点与分组，取各组均仍有患者处于风险中的最长时间",
    "tau_fixed": "{tau:g} 个月（配置设定）",
    "not_published": "原发表研究未报告：{what}。此处作为补充分析列出。",
    "not_published_tag": "（原发表研究未报告）",
    "np_rows": "生存表与图中的 {what} 原发表研究未报告。",
    "np_RSD": "缓解持续时间",
    "np_TTNT": "至下一次治疗时间",
    "np_TTR": "至缓解时间",
    "np_competing_risks": "竞争风险分析",
    "np_rmst": "限制性平均生存时间",
    # c_ph_term (PH test) and c_term (Fine-Gray) name the model's variable: '变量', as c_covariate in the Cox tables
    "c_ph_term": "变量",
    "c_term": "变量",
    # figures: endpoints, axes, legends (pipeline/figures/)
    "PFS": "无进展生存期",
    "OS": "总生存期",
    "PFS_short": "PFS",
    "OS_short": "OS",
    "surv_axis_PFS": "无进展生存率（%）",
    "surv_axis_OS": "总生存率（%）",
    "months": "自治疗开始的时间（月）",
    "months_landmark": "自界标时间点（第 {L} 天）起的时间（月）",
    "at_risk": "风险人数",
    "all_patients": "全部患者",
    "median": "中位",
    "km_curve": "{name}（n = {n}；{median}）",  # a Kaplan-Meier curve's legend entry
    "km_curve_empty": "{name}（n = 0）",
    "mo": "个月",
    "NR": "未达到",
    "logrank_p": "Log-rank 检验 P",
    "hr": "HR",
    "ci": "{level}% CI",
    "groups_no_hr": "{k} 组，无单一 HR",
    # a comparison's note (the analysis writes it in English; pipeline/figures/labels.py comparison_note)
    "note.not_compared": "未比较（有患者的组少于两个）",
    "note.groups": "共 {k} 组，Log-rank 检验对各组作整体比较，不报告单一风险比",
    "note.monotone": (
        "单调似然（每个事件均发生于其风险集中协变量取值最{side}的患者，如某组无事件），风险比为{limit}，无法估计"),
    "note.monotone_up": "高",
    "note.monotone_down": "低",
    "note.limit_up": "无穷大",
    "note.limit_down": "零",
    "note.hr_not_estimable": "风险比无法估计",
    "fn_endpoint_note": "{ep}：{note}。",
    "landmark_n": "第 {L} 天界标：n = {n}（界标前排除 {x} 例）",
    "landmark_title": "{ep}：按{what}分组的界标分析（第 {L} 天）",
    "km_title_all": "{ep}",
    "km_title_by": "{ep}：按{what}分组",
    "censored": "删失",
    "immortal_note": "分组变量在时间零点之后形成（存在永恒时间偏倚）",
    # figures: forest plot
    "forest_title": "无进展生存期与总生存期的风险比",
    "forest_x": "风险比（前一组 vs 后一组，对数刻度）",
    "comparison": "比较",
    "endpoint": "终点",
    "n": "n",
    "hr_ci": "HR ({level}% CI)",
    "p": "P",
    "landmark_row": "，界标第 {L} 天",
    "not_estimable": "无法估计",
    "immortal_dagger": "† 永恒时间偏倚：分组在时间零点之后形成，详见界标分析",
    # figures: waterfall
    "waterfall_title": "较基线的最佳变化",
    "waterfall_y": "较基线的最佳变化（%）",
    "waterfall_x": "患者（n = {n}）",
    "best_response": "最佳疗效",
    "pr_line": "−50%（PR）",
    "vgpr_line": "−90%（VGPR）",
    "capped": "超过 +100% 的柱截断于 +100%",
    # figures: swimmer plot
    "swimmer_title": "每例患者的随访时间（泳道图）",
    "swimmer_x": "自治疗开始的时间（月）",
    "swimmer_y": "患者（研究编号）",
    "swimmer_y_many": "患者（n = {n}，按随访时间由长到短排列）",
    "bar_colour": "柱颜色：最佳疗效",
    "cycle_start": "周期开始",
    "response_onset": "达到缓解（≥PR）",
    "progression": "疾病进展",
    "death": "死亡",
    "ongoing": "末次随访时存活",
    "emd_flag": "髓外病变",
    # figures: response by cycle
    "by_cycle_title": "各评估周期的疗效",
    "by_cycle_x": "评估时间点（治疗周期）",
    "by_cycle_y": "评估患者占比（%）",
    "cycle_n": "第 {c} 周期后",
    # figures: patient flow
    "flow_title": "患者流程",
    "flow_export": "数据导出中的患者",
    "flow_cohort": "截止日期（{cutoff}）前开始治疗，\n纳入生存分析",
    "flow_evaluable": "可评估疗效\n（≥{k} 个周期）",
    "flow_extended": "≥{k} 个周期",
    "flow_after_cutoff": "排除：截止日期后\n才开始治疗",
    "flow_fewer": "少于 {k} 个周期",
    "flow_censored": "截止日期后事件按截止日期删失：\n死亡 {d} 例，进展 {p} 例",
    "flow_fewer_detail": "少于 {k} 个周期：\n{lines}",
    "flow_died": "死亡 {n} 例",
    "flow_alive": "存活 {n} 例",
    "flow_excluded_n": "{label}（n = {n}）",
    "lang.line_join": "",
    # figures: further endpoints and competing risks
    "RSD": "缓解持续时间",
    "TTNT": "至下一次治疗时间",
    "TTR": "至缓解时间",
    "RSD_short": "DOR",
    "TTNT_short": "TTNT",
    "surv_axis_RSD": "持续缓解率（%）",
    "surv_axis_TTNT": "未开始下一次治疗的比例（%）",
    "months_response": "自首次缓解起的时间（月）",
    "cif_title": "疾病进展与无进展死亡的累积发生率",
    "cif_title_by": "按{what}分组的累积发生率",
    "cif_y": "累积发生率（%）",
    "cif_progression": "疾病进展",
    "cif_death": "无进展死亡",
    "cif_free": "无进展存活",
    "gray_p": "Gray 检验 P",
    "cif_ci": "疾病进展 {level}% 置信区间",
    # names of the groupings (comparisons); English prefers the config's label
    "grouping.prior_lines": "既往治疗线数",
    "grouping.cycles": "治疗周期数",
    "grouping.emd_any": "髓外病变",
    "grouping.high_risk_fish": "高危细胞遗传学（FISH）",
    "grouping.regimen": "治疗方案",
    "grouping.sex": "性别",
    "grouping.iss_stage": "ISS 分期",
    # group values
    "value.yes": "是",
    "value.no": "否",
    "value.other": "其他",
    "value.M": "男",
    "value.F": "女",
    # group labels that carry their variable ('≥ 3 cycles', 'No EMD')
    "group_form.prior_lines": "既往 {g} 线",
    "group_form.cycles": "{g} 个周期",
    "yes_no.emd_any.yes": "有髓外病变",
    "yes_no.emd_any.no": "无髓外病变",
    "yes_no.high_risk_fish.yes": "高危 FISH",
    "yes_no.high_risk_fish.no": "标危 FISH",
    # population names ({0}: the number of cycles or the regimen)
    "pop.all_treated": "全部治疗患者",
    "pop.evaluable": "可评估疗效患者（≥{0} 个周期）",
    "pop.cycles": "≥{0} 个周期",
    "pop.emd": "髓外病变患者",
    "pop.regimen": "方案 {0}",
    # figure captions (pipeline/figures/catalogue.py, cuminc.py)
    "cap.flow": "从数据导出到各分析人群的患者流程（数据截止日期 {cutoff}）。",
    "cap.swimmer": (
        "每例患者（研究编号）自治疗开始至末次随访的时间。柱颜色表示最佳总体疗效；短竖线为各周期的推定开始时间（每周期"
        " {L} 天）；标记分别表示达到缓解（≥PR）、疾病进展、死亡及末次随访时存活；左侧方块表示髓外病变。"),
    "cap.waterfall": (
        "每例有原始数值患者（n = {n}）的随访指标（依 IMWG 2016：血清或尿 M 蛋白、dFLC 或骨髓浆细胞）较基线的最佳变化"
        "百分比，每柱代表 1 例患者，颜色表示最佳总体疗效。虚线为 −50%（PR）与 −90%（VGPR）阈值。"),
    "cap.waterfall_measures": "随访指标（例数）：{counts}。",
    "measure.serum": "血清",
    "measure.urine": "尿",
    "measure.serum+urine": "血清+尿",
    "measure.dflc": "dFLC",
    "measure.marrow": "骨髓",
    "cap.sampled": (
        "图中显示 {n} 例中的 {k} 例，按{by}等距抽取以覆盖全部范围（逐例绘制将无法辨认）；全部患者见 derived/adsl.csv"
        "。"),
    "cap.by_time_on_study": "随访时间",
    "cap.by_best_change": "较基线最佳变化",
    "cap.by_cycle": (
        "各评估周期后的疗效分类（单次评估，未经确认）；n 为该周期接受评估的患者数。{ne}色段足够大时标出人数；各分类的 n（%）见"
        "表“{table}”。"),
    "cap.by_cycle_ne": "灰色斜线：NE（不可评估）。",
    "cap.km_overall": (
        "全部患者（n = {n}）{ep}的 Kaplan-Meier 曲线。阴影为逐点 {level}% 置信区间（{conf}）；短竖线表示删失；虚线示"
        "中位时间。"),
    "cap.km_by": (
        "按{what}分组的{ep} Kaplan-Meier 曲线。组间比较采用 Log-rank 检验；风险比及其 {level}% 置信区间来自 Cox 模型"
        "（Efron 法处理结点）。短竖线表示删失；虚线示中位时间。"),
    "cap.km_immortal": (
        "注意：该分组在时间零点之后才形成，存在永恒时间偏倚（患者须存活足够长时间才能接受这些周期），详见界标分析。"),
    "cap.km_landmark": (
        "按{what}分组的{ep}界标分析（第 {L} 天）：第 {L} 天前发生事件或删失的患者被排除，时间自第 {L} 天重新计算，"
        "分组依据第 {L} 天前已开始的周期数（第 k 周期推定于第 (k − 1) × {cl} 天开始）。"),
    "cap.forest": (
        "各比较的 PFS 与 OS 风险比（Cox 模型，Efron 法处理结点）及 {level}% 置信区间，P 值来自 Log-rank 检验；多于两"
        "组的比较仅报告 Log-rank 检验结果。"),
    "cap.no_waterfall": (
        "未绘制瀑布图：数据中没有 M 蛋白、游离轻链或骨髓的原始数值（疗效来源：{src}），无法计算最佳变化百分比。"),
    "cap.no_by_cycle": "未绘制各周期疗效图：数据中没有按周期的疗效评估。",
    "cap.no_forest": "未绘制森林图：没有可估计风险比的比较。",
    "cap.cif_all": (
        "全部患者疾病进展（下层）与无进展死亡（上层）的堆积累积发生率，上缘即 1 − PFS。虚线为疾病进展曲线的逐点 {le"
        "vel}% 置信区间（log(−log) 变换）。"),
    "cap.cif_by": (
        "按{what}分组的疾病进展与无进展死亡堆积累积发生率，每组一幅；各事件的组间比较采用 Gray 检验。虚线为疾病进展曲"
        "线的逐点 {level}% 置信区间。"),
    # the KM confidence-band transform, in a caption
    "conf_name.log-log": "log-log 变换",
    "conf_name.log": "log 变换",
    "conf_name.plain": "线性变换",
    # Table 1 levels
    "level.M": "男",
    "level.F": "女",
    "level.none": "无",
    "level.at_diagnosis": "初诊时",
    "level.at_relapse": "复发时",
    "level.paraskeletal": "骨旁",
    "level.soft_tissue": "软组织",
    "level.kappa": "κ 轻链型",
    "level.lambda": "λ 轻链型",
    "level.nonsecretory": "不分泌型",
    "level.yes": "是",
    "level.no": "否",
    "level.no abnormality": "未见异常",
    "level.high risk (del17p, t(4;14), t(14;16), t(14;20))": "高危（del(17p)、t(4;14)、t(14;16)、t(14;20)）",
    "level.IgH rearrangement/deletion": "IgH 重排/缺失",
    "level.1q21 gain": "1q21 扩增",
    "level.del(13q)": "del(13q)",
    # Table 1 variables ('fish': every FISH row). Empty in English: the analysis' own labels are used
    "t1.n": "患者数",
    "t1.age": "年龄（岁）",
    "t1.prior_lines": "既往治疗线数",
    "t1.cycles": "治疗周期数",
    "t1.hemoglobin_g_l": "血红蛋白（g/L）",
    "t1.wbc_10e9_l": "白细胞（×10⁹/L）",
    "t1.platelets_10e9_l": "血小板（×10⁹/L）",
    "t1.calcium_mmol_l": "血钙（mmol/L）",
    "t1.creatinine_umol_l": "肌酐（μmol/L）",
    "t1.beta2m_mg_l": "β2-微球蛋白（mg/L）",
    "t1.albumin_g_l": "白蛋白（g/L）",
    "t1.ldh_u_l": "乳酸脱氢酶（U/L）",
    "t1.bm_plasma_cells_pct": "骨髓浆细胞（%）",
    "t1.esr_mm_h": "血沉（mm/h）",
    "t1.sex": "性别",
    "t1.myeloma_group": "M 蛋白类型",
    "t1.ds_stage": "Durie-Salmon 分期",
    "t1.iss_stage": "ISS 分期",
    "t1.riss_stage": "R-ISS 分期",
    "t1.regimen": "治疗方案",
    "t1.emd": "髓外病变",
    "t1.emd_type": "髓外病变类型",
    "t1.prior_bortezomib": "既往使用硼替佐米",
    "t1.prior_lenalidomide": "既往使用来那度胺",
    "t1.prior_daratumumab": "既往使用达雷妥尤单抗",
    "t1.fish_tested": "行 FISH 检测",
    "t1.fish": "FISH 结果（检测者）",
    # adverse-event terms (lower case). Empty in English: the term is printed as recorded
    "ae.white blood cell decreased": "白细胞计数降低",
    "ae.neutrophil count decreased": "中性粒细胞计数降低",
    "ae.platelet count decreased": "血小板计数降低",
    "ae.anemia": "贫血",
    "ae.hemoglobin decreased": "血红蛋白降低",
    "ae.lymphocyte count decreased": "淋巴细胞计数降低",
    "ae.febrile neutropenia": "发热性中性粒细胞减少症",
    "ae.fatigue": "疲乏",
    "ae.anorexia": "厌食",
    "ae.diarrhea": "腹泻",
    "ae.nausea": "恶心",
    "ae.vomiting": "呕吐",
    "ae.constipation": "便秘",
    "ae.peripheral sensory neuropathy": "周围感觉神经病变",
    "ae.pneumonia": "肺炎",
    "ae.fever": "发热",
    "ae.rash maculo-papular": "斑丘疹",
    "ae.lung infection": "肺部感染",
    "ae.insomnia": "失眠",
    "ae.herpes zoster": "带状疱疹",
    "ae.upper respiratory infection": "上呼吸道感染",
    # `mmcohort compare` and changes_since_previous.md (pipeline/runs/diff_text.py)
    "compare.title": "变化：{study}，截止日期 {a} -> {b}",
    "compare.run": "运行",
    "compare.cutoff": "截止日期",
    "compare.patients": "患者数",
    "compare.source": "疗效来源",
    "compare.inputs": "输入文件（SHA-256）",
    "compare.notes": "说明",
    "compare.config": "配置变化",
    "compare.flags": "提示",
    "compare.no_flags": "没有患者被移除，没有 P 值跨越 0.05，也没有中位时间在未达到（NR）与数值之间变化。",
    "compare.pat_section": "患者",
    "compare.added": "新增",
    "compare.removed": "移除",
    "compare.none": "无",
    "compare.events": "事件",
    "compare.progressions": "进展",
    "compare.deaths": "死亡",
    "compare.new": "新增",
    "compare.date_changed": "日期变化",
    "compare.late": "日期不晚于较早的截止日期（补录、更正，或由其后的评估才确认）",
    "compare.new_patient": "新患者",
    "compare.bor": "最佳疗效变化",
    "compare.fu": "随访",
    "compare.fu_median": "中位随访时间，月（反向 Kaplan-Meier 法，{level}% CI）",
    "compare.fu_range": "观察时间范围，月",
    "compare.fu_pm": "OS 人月数",
    "compare.fu_gain": "每例患者增加的随访时间，月（中位数 / 最大值，n）",
    "compare.head": "主要结果",
    "compare.orr": "各人群 ORR",
    "compare.population": "人群",
    "compare.medians": "中位生存时间，月（{level}% CI）",
    "compare.endpoint": "终点",
    "compare.group": "组别",
    "compare.events_col": "事件数",
    "compare.comparisons": "比较",
    "compare.grouping": "分组",
    "compare.test": "检验",
    "compare.flag": "提示",
    "compare.hr": "HR（{level}% CI）",
    "compare.records": "截至 {d} 不同的记录",
    "compare.records_none": "截至 {d} 没有记录不同：该日期之前的数据相同。",
    "compare.followed": (
        "{n} 例患者在 {d} 之后仍有随访：按 {d} 截止，其末次随访日期移至该日（属新增随访，并非更正；下表不列出；患者名"
        "单见 JSON 的 records.followed_past_as_of）。"),
    "compare.flag_removed": (
        "已移除：运行 A 中的 {n} 例患者不在运行 B 中（撤回知情同意，或导出时遗漏？）；以下所有数字均不含这些患者："
        "{ids}"),
    "compare.changed_undated": "修改（无日期）",
    "compare.undated_note": (
        "（无日期）：cycles 与 best_response 描述截至导出时的病程，不带日期，因此这类修改可能是 {d} 之后的随访，而非"
        "更正。"),
    "compare.records_na": "未比较：{note}。",
    "compare.record": "记录",
    "compare.column": "列",
    "compare.old": "原值",
    "compare.new_val": "新值",
    "compare.changed": "修改",
    "compare.key": "键",
    "compare.cols_added": "新增列",
    "compare.cols_removed": "移除列",
    "compare.unchanged": "未变",
    "compare.more": "……另有 {n} 条（完整列表见 JSON：changes_since_previous.json 或 compare --json）",
    # IMWG rule sources (pipeline/imwg/rules.py: IMWG, SPEC_DECISION, OUR_DECISION)
    "rule_source.IMWG 2016": "IMWG 2016（Kumar 2016）",
    "rule_source.Decision (IMWG_RULES.md)": "对标准未明确之处的解释",
    "rule_source.Decision (this implementation)": "实现细节",
    # report: small words of the report and its tables
    "conf_with": "经确认",
    "conf_without": "未要求确认",
    "conf_as_recorded": "为记录值",
    "t1_missing_value": "；缺失 {n}",
    "t1_missing_head": "（缺失 {n}）",
    "conf_transform.log-log": "log-log 变换",
    "conf_transform.log": "log 变换",
    "conf_transform.plain": "线性变换",
    "cov_ref": "{name}（参照：{ref}）",
    "lit_pct_of": "{name}（{n} 例中 {pct:g}%）",
    "ae_term": "{name}（{term}）",
    "none": "无",
    "t_rules": "IMWG 规则",
    "c_rules_rule": "规则",
    "c_rules_category": "分类",
    "c_rules_description": "说明",
    "c_rules_source": "来源",
    "c_rules_confirmation": "确认",
    # IMWG rules of the Methods' table, by rule id (pipeline/imwg/rules.py; .<variant>: an option-dependent
    # wording; {days}: the rule's option value)
    "rule.PD_SERUM": (
        "血清 M 蛋白较最低值（基线或此前任一次评估中的最低值）升高 ≥25% 且绝对增加 ≥0.5 g/dL，或最低值 ≥5 g/dL 时"
        "绝对增加 ≥1 g/dL；适用于以血清 M 蛋白为随访指标的患者。0.5 g/dL 的绝对增加值依据 Durie 2006 标准。"),
    "rule.PD_URINE": "尿 M 蛋白较最低值升高 ≥25% 且绝对增加 ≥200 mg/24 h；适用于以尿 M 蛋白为随访指标的患者。",
    "rule.PD_DFLC": (
        "受累与未受累血清游离轻链差值（dFLC）较最低值升高 ≥25% 且绝对增加 >100 mg/L；仅适用于单纯以 dFLC 为随访"
        "指标的患者（血清或尿 M 蛋白可测量的患者不采用游离轻链进展标准）。"),
    "rule.PD_MARROW": "骨髓浆细胞比例较最低值升高 ≥10 个百分点；仅适用于单纯以骨髓浆细胞为随访指标的患者。",
    "rule.PD_PLASMACYTOMA": (
        "浆细胞瘤 SPD（各病灶最大垂直径乘积之和）较最低值增大 ≥50%（最低值为 0 时，即此前影像学检查未见浆细胞瘤，"
        "之后影像学检查出现任何浆细胞瘤）。"),
    "rule.PD_NEW_LESION": "出现新的骨病变或浆细胞瘤。",
    "rule.NE_NO_BASELINE": "无基线评估：无法依据检测值评价疗效（仅新病变或浆细胞瘤增大仍可判定为 PD）。",
    "rule.SCR": (
        "在 CR 基础上，血清游离轻链比值正常（0.26–1.65），且骨髓中无克隆性浆细胞（免疫组化或流式细胞术）。未检测"
        "克隆性浆细胞者判为 CR，而非 sCR。"),
    "rule.CR": (
        "血清和尿免疫固定电泳阴性（尿 M 蛋白从未 ≥200 mg/24 h 者，可接受尿免疫固定电泳结果缺失），骨髓浆细胞 <5%"
        "，基线存在的浆细胞瘤消失（SPD 为 0）；单纯以 dFLC 为随访指标者还须血清游离轻链比值正常。基线后未做骨髓检"
        "查者最高判为 VGPR。"),
    "rule.VGPR": (
        "血清 M 蛋白降低 ≥90%（包括免疫固定电泳可检出而血清蛋白电泳未检出的 M 蛋白）且尿 M 蛋白 <100 mg/24 h；单纯"
        "以尿 M 蛋白为随访指标者：尿 M 蛋白 <100 mg/24 h；单纯以 dFLC 为随访指标者：dFLC 降低 ≥90%。基线存在的浆细"
        "胞瘤须缩小 ≥50%。"),
    "rule.PR": (
        "血清 M 蛋白降低 ≥50%，且尿 M 蛋白降低 ≥90% 或 <200 mg/24 h（尿的要求仅适用于基线尿 M 蛋白可测量者）；单纯"
        "以 dFLC 为随访指标者：dFLC 降低 ≥50%；单纯以骨髓浆细胞为随访指标者：骨髓浆细胞降低 ≥50%（无须确认）；基线"
        "存在的浆细胞瘤缩小 ≥50%。"),
    "rule.MR": (
        "血清 M 蛋白降低 ≥25% 且 <50%（标准中 49% 与 50% 之间的空缺并入 MR，以 50% 为界），基线尿 M 蛋白可测量者尿 M"
        " 蛋白降低 50%～89%；基线存在的浆细胞瘤缩小 ≥25%。单纯以 dFLC 或骨髓浆细胞为随访指标的患者不定义 MR。"),
    "rule.SD": "不符合以上任何标准，且各随访指标均有检测结果。",
    "rule.NE": (
        "不可评估：患者的随访指标均未检测，或某一随访指标缺失、而仅凭其余指标所得的疗效可能因该指标而改变；此外，"
        "基线无可测量病变的患者，其既非 CR/sCR 亦非 PD 的每次评估均判为 NE。"),
    "rule.BASELINE": (
        "基线为标记为第 0 周期的评估（如有多次，取最后一次）；否则为 index_date 当天或之前、且不早于其前 {days} 天"
        "的最后一次评估（baseline_window_days = {days}）。第 0 周期优先于时间窗。"),
    "rule.SCOPE": (
        "基线之后且 index_date 之后的评估进行疗效分类；其余非基线评估属治疗前评估，不予分类。死亡之后的评估，以及新"
        "治疗开始当天或之后的评估不计入（仅计 new_therapy_date 之前的评估）。"),
    "rule.UNITS": (
        "血清 M 蛋白由 g/L 换算为 g/dL（除以 10）；尿 M 蛋白单位为 mg/24 h；游离轻链单位为 mg/L。与阈值比较时允许"
        " 1e-9 的容差，以消除浮点舍入误差。"),
    "rule.MEASURABLE": (
        "基线可测量病变决定随访指标：血清 M 蛋白 ≥1.0 g/dL 和（或）尿 M 蛋白 ≥200 mg/24 h（随访血清、尿或血清 + 尿）；"
        "否则为受累游离轻链 ≥100 mg/L 且游离轻链比值向受累方向异常（随访 dFLC）；否则为骨髓浆细胞 ≥30%（随访骨髓）；"
        "否则为无可测量病变（仅评估 CR/sCR 及影像学进展）。浆细胞瘤（基线 SPD >0）另行随访。各项标准仅适用于该患者"
        "的随访指标。"),
    "rule.INVOLVED_CHAIN": (
        "受累轻链：轻链型骨髓瘤为其分型所示轻链；否则为基线 κ/λ 比值所指向的轻链（>1.65 为 κ，<0.26 为 λ）；比值正"
        "常时，取重链分型中标明的轻链（如 IgG-κ）。dFLC = 受累游离轻链 − 未受累游离轻链（而非 |κ − λ|）。"),
    "rule.MISSING_IFE_ZERO": "同一次评估中血清（尿）M 蛋白缺失而血清（尿）免疫固定电泳阴性时，该 M 蛋白按 0 计。",
    "rule.MARROW_CARRIED": (
        "骨髓检查无须每次重复：CR 和 sCR 采用基线以来最近一次骨髓结果（浆细胞比例、克隆性浆细胞）；基线以来未做骨"
        "髓检查者按未做骨髓处理（最高判为 VGPR）。"),
    "rule.PLASMACYTOMA_CARRIED": (
        "影像学检查频率低于实验室检查：分类中对浆细胞瘤的要求采用最近一次 SPD（含基线），因此基线后未复查影像的浆"
        "细胞瘤使分类最高为 SD。浆细胞瘤缩小 ≥50%（未消失）时最高为 VGPR，缩小 25%～49% 时最高为 MR。进展（PD）仅"
        "依据该次评估实际测得的 SPD 判断。"),
    "rule.CONFIRMATION.true": (
        "依据血清、尿或游离轻链判定的 MR 及以上疗效和 PD（CR/sCR 包括免疫固定电泳）须经不同日期的连续两次可评估的评"
        "估确认，不要求最短间隔；配对时跳过 NE 评估。下一次可评估的评估亦为 MR 及以上时疗效得到确认：确认的分类取两"
        "次中较差者，日期取第一次。其后为 SD 或 PD（或无后续评估）的疗效为未确认，计为 SD；其后为非 PD 评估的 PD 为"
        "未确认，计为 SD。仅依据骨髓或影像学的分类（单纯以骨髓或浆细胞瘤为随访指标患者的疗效、骨髓所示 PD、新病变或"
        "浆细胞瘤增大）无须确认（confirm_response = true）。"),
    "rule.CONFIRMATION.false": "单次评估即计入：任何分类均不要求确认（confirm_response = false）。",
    "rule.UNCONFIRMED_PD.count": (
        "死亡、开始新治疗或数据结束前最后一次可评估的评估中，依据血清、尿或游离轻链判定而无法确认的 PD，按其日期计"
        "为 PD（unconfirmed_pd = count）。"),
    "rule.UNCONFIRMED_PD.ignore": (
        "死亡、开始新治疗或数据结束前最后一次可评估的评估中，依据血清、尿或游离轻链判定而无法确认的 PD 不予计入，计"
        "为 SD（unconfirmed_pd = ignore）。"),
    "rule.BOR": (
        "最佳总体疗效 = 自 index_date 起至首次 PD（或更早记录的 progression_date）之前、且在 new_therapy_date 之前"
        "的最佳确认分类，排序为 sCR > CR > VGPR > PR > MR > SD > PD > NE，日期取该分类的首次评估。无可评估评估的患"
        "者为 NE。"),
    "rule.PROGRESSION_DATE": (
        "PFS 的进展日期 = 首次（经确认的）PD 评估的日期；记录的 progression_date 早于该日期时以记录日期为准，并列为"
        "不一致。PFS 删失：末次无进展的可评估评估（其后无评估时取基线）。"),
    "rule.RELAPSE_FROM_CR": (
        "CR 后复发（经确认的 CR/sCR 之后免疫固定电泳转阳或骨髓浆细胞 ≥5%）而未达 PD 标准者予以报告，不计为进展"
        "事件。"),
    "rule.RECORDED": (
        "每次评估的分类采用临床医师记录的疗效；缺失或无法识别的记录为 NE。所有记录的 MR 及以上疗效和 PD 均视为依据"
        "实验室检查结果，须经确认。"),
    "rule_confirm.required": "需要",
    "rule_confirm.not required": "不需要",
    # report: Methods (pipeline/report/methods.py, further.py)
    "m_h_design": "研究设计与数据",
    "m_design": (
        "回顾性真实世界队列研究（{study}）。数据截止日期为 {cutoff}：截止日期之后的评估与不良事件不纳入，之后发生的"
        "死亡与进展按截止日期删失，末次随访日期截断至截止日期，截止日期之后才开始治疗的患者不纳入队列。时间零点为研"
        "究方案首剂给药日期（index date）；时间以天计算，换算为月时除以 30.4375。"),
    "m_h_response": "疗效评价",
    "m_src_derived": (
        "疗效依国际骨髓瘤工作组（IMWG）2016 标准（Kumar 等，Lancet Oncol 2016）由血清/尿 M 蛋白、血清游离轻链、骨髓"
        "浆细胞及影像学原始数值逐次推导。"),
    "m_src_recorded": "各次评估的疗效采用临床医师记录的 IMWG 分类，最佳总体疗效与进展按下述确认规则推导。",
    "m_src_patients": "最佳疗效与进展日期采用每例患者的记录值；因无逐次评估数据，未能进行确认。",
    "m_confirm": (
        "MR 及以上疗效与实验室指标所示 PD 须经连续两次可评估的评估确认，确认后的分类取两次中较差者，日期取第一次；"),
    "m_no_confirm": "单次评估即计入（不要求确认），与多数回顾性研究（包括参考研究）一致；",
    "m_pd_count": "最后一次评估（死亡、新治疗或数据结束前）所示的未确认实验室 PD 按其日期计为 PD。",
    "m_pd_ignore": "最后一次评估所示的未确认实验室 PD 不计入。",
    "m_pd_n": "本队列共有未经确认的实验室 PD {n} 次（{k} 例患者）。",
    "m_bor": (
        "疗效分为严格意义的完全缓解（sCR）、完全缓解（CR）、非常好的部分缓解（VGPR）、部分缓解（PR）、微小缓解（MR）"
        "、疾病稳定（SD）、疾病进展（PD）及不可评估（NE）。最佳总体疗效（BOR）为首次 PD 之前且开始新治疗之前的最佳确"
        "认疗效（sCR > CR > VGPR > PR > MR > SD > PD > NE）。"),
    "m_final": (
        "疗效率及疗效表采用每例患者首次 PD 前末次可评估时的确认疗效（“最终疗效”，response.summary: last），而非 BOR"
        "。"),
    "m_rules": "所应用的规则（按优先顺序排列：每次评估时依次检查各分类规则，以首先满足者为准）：",
    "m_rates": (
        "总缓解率（ORR）= sCR + CR + VGPR + PR；临床获益率（CBR）= ORR + MR；疾病控制率（DCR）= CBR + SD；均以 n/N 及"
        " Clopper-Pearson 精确 {level}% 置信区间表示。可评估疗效人群定义为接受 ≥{k} 个周期治疗的患者，另报告 ≥{k_ext}"
        " 个周期、髓外病变及各治疗方案亚组。"),
    "m_h_endpoints": "生存终点",
    "m_pfs_events.progression_or_death": "疾病进展（IMWG）或任何原因死亡，以先发生者为准",
    "m_pfs_events.progression": "疾病进展（与参考研究一致；无进展死亡不计为事件，按下述规则删失）",
    "m_pfs_censor.last_assessment": (
        "无事件者删失于最后一次无进展的可评估疗效评估日期（无任何评估者删失于末次随访）"),
    "m_pfs_censor.last_contact": "无事件者删失于末次随访日期",
    "m_endpoints": (
        "总生存期（OS）：自治疗开始至任何原因死亡，存活者删失于末次随访日期。无进展生存期（PFS）：自治疗开始至{pfs_"
        "ev}；{pfs_c}。"),
    "m_prog_date_derived": "进展日期取评估所得 PD 日期与记录的进展日期中较早者。",
    "m_prog_date_recorded": "进展日期采用记录值。",
    "m_h_stats": "统计分析",
    "m_conf.log-log": "log-log 变换",
    "m_conf.log": "log 变换",
    "m_conf.plain": "线性变换",
    "m_stats": (
        "生存曲线采用 Kaplan-Meier 法估计，并给出逐点 {level}% 置信区间（{conf}）；中位生存时间的置信区间采用 Brookme"
        "yer-Crowley 法（由变换后的逐点置信带反推）；生存曲线恰在 0.5 处持平时，中位时间取该区间的中点（与 R、SAS 一"
        "致）。报告 {times} 个月时的生存率及其置信区间。中位随访时间采用反向 Kaplan-Meier 法（以删失为事件）估计，并"
        "给出观察时间范围。组间比较采用 Log-rank 检验；风险比（HR）及 Wald {level}% 置信区间来自单因素 Cox 比例风险模"
        "型（Efron 法处理结点）。比较分组：{comps}。"),
    "m_comp_threshold": "{name}（≥{t:g} vs <{t:g}）",
    "m_comp_pooled": "{name}（不足 {k} 例的组合并为“其他”）",
    "m_immortal_one": (
        "{what}在时间零点之后才形成，按其分组比较存在永恒时间偏倚，因此增加界标分析：界标时间为第 {L} 天，排除界标前"
        "发生事件或删失的患者，时间自界标重新计算，按界标时已开始的周期数分组（数据只含周期数、不含各周期日期，第 k "
        "周期推定于治疗开始后第 (k − 1) × {cl} 天开始）。"),
    "m_immortal_many": (
        "{what}在时间零点之后才形成，按其分组比较存在永恒时间偏倚，因此增加界标分析：界标时间为第 {L} 天，排除界标前"
        "发生事件或删失的患者，时间自界标重新计算，按界标时已开始的周期数分组（数据只含周期数、不含各周期日期，第 k "
        "周期推定于治疗开始后第 (k − 1) × {cl} 天开始）。"),
    "m_baseline": (
        "基线连续变量采用 Shapiro-Wilk 检验正态性：P ≥ 0.05 者以均数 ± 标准差表示，否则以中位数（Q1，Q3）表示（四分位"
        "数按 R 默认的第 7 种定义）；分类变量以 n（%）表示，FISH 异常以占检测患者的比例表示；高危细胞遗传学定义为 del"
        "(17p)、t(4;14)、t(14;16) 或 t(14;20)。不良事件按 CTCAE v5.0 分级，同一患者的同一不良事件取最严重分级，分母为"
        "全部接受治疗的患者。检验均为双侧，P < 0.05 为差异有统计学意义；未对多重比较进行校正，组间比较属探索性分析。N"
        "R 表示未达到。"),
    "m_h_software": "软件",
    "m_software": (
        "分析由 mmcohort {v}（Python {py}；{soft}）完成。Kaplan-Meier、Log-rank、Cox 及 Clopper-Pearson 的计算结果"
        "已与 R survival 3.5-3 的参考值核对一致。"),
    "m_h_further": "其他终点与分析",
    "m_further_endpoints": (
        "缓解持续时间（DOR，ADaM 参数 RSD）：仅限缓解患者（PR 及以上，MR 不计为缓解），自首次达到缓解（经确认）的评估"
        "日期至疾病进展或死亡，删失规则同 PFS。至下一次治疗时间（TTNT）：自治疗开始至开始下一次治疗或死亡（以先发生者"
        "为准），其余患者删失于末次随访日期。至缓解时间（TTR）：缓解患者自治疗开始至首次缓解的时间，以中位数与范围描"
        "述。DOR 与 TTNT 采用与 PFS、OS 相同的 Kaplan-Meier 法、Log-rank 检验与 Cox 模型。"),
    "m_competing": (
        "竞争风险：以无进展死亡为竞争事件，采用 Aalen-Johansen 方法估计疾病进展的累积发生率（与 R cmprsk::cuminc 一"
        "致），方差采用 Gray 方法，逐点 {level}% 置信区间采用 log(−log) 变换；组间比较采用 Gray 检验；疾病进展的亚"
        "分布风险比来自 Fine-Gray 模型（R cmprsk::crr，稳健方差），协变量：{covs}。"),
    "m_rmst": (
        "限制性平均生存时间（RMST）：τ 之前 Kaplan-Meier 曲线下面积，标准误同 R survival 的 rmean；τ：{tau}。组间差值"
        "附正态 {level}% 置信区间与 P 值；中位时间未达到时亦可比较。"),
    # `mmcohort compare`: words that were written in the code (translated; the code puts now_* in ASCII brackets)
    "compare.all": "全部",
    "compare.landmark": "{by}（第 {d} 天界标）",
    "compare.now_significant": "现 P < 0.05",
    "compare.now_not_significant": "现 P ≥ 0.05",
    # `mmcohort meta` (pipeline/meta/): the report, the forest and funnel plots
    "meta.html_lang": "zh-CN",
    "meta.ci": "{level}% CI",
    "meta.p_na": "P 值不适用",
    "meta.not_estimable": "不可估计",
    "meta.measure.RR": "相对危险度（RR）",
    "meta.measure.OR": "比值比（OR）",
    "meta.measure.RD": "风险差（RD）",
    "meta.measure.HR": "风险比（HR）",
    "meta.measure.proportion": "比例",
    "meta.measures.RR": "相对危险度（RR）",
    "meta.measures.OR": "比值比（OR）",
    "meta.measures.RD": "风险差（RD）",
    "meta.measures.HR": "风险比（HR）",
    "meta.abbr.RR": "RR",
    "meta.abbr.OR": "OR",
    "meta.abbr.RD": "RD",
    "meta.abbr.HR": "HR",
    "meta.abbr.proportion": "比例",
    "meta.method_fixed": "{base}，固定效应",
    "meta.method_random": "{base}，随机效应（{tau}）",
    "meta.het_tau2": "Tau² = {tau2}；",
    "meta.heterogeneity": "异质性：{tau}Chi² = {chi2}，df = {df}（{p}）；I² = {i2}%",
    "meta.overall": "总体效应检验：Z = {z}（{p}）",
    # meta: the forest plot (RevMan 5's column heads) and the funnel plot
    "meta.f_study": "研究或亚组",
    "meta.f_events": "事件数",
    "meta.f_total": "总例数",
    "meta.f_log": "log[{measure}]",
    "meta.f_se": "标准误",
    "meta.f_weight": "权重",
    "meta.f_experimental": "试验组",
    "meta.f_control": "对照组",
    "meta.f_subtotal": "小计（{ci}）",
    "meta.f_total_row": "合计（{ci}）",
    "meta.f_total_events": "事件总数",
    "meta.f_subgroup_test": "亚组间差异检验：Chi² = {chi2}，df = {df}（{p}），I² = {i2}%",
    "meta.f_head": "{measure}\n{method}，{model}，{ci}",
    "meta.f_fixed": "固定效应",
    "meta.f_random": "随机效应",
    "meta.fn_pseudo": "伪 {ci} 界限",
    "meta.fn_pooled": "合并效应量",
    "meta.fn_logit": "logit(比例)",
    "meta.fn_ft": "比例的双反正弦变换值",
    "meta.fn_log": "log {measure}",
    "meta.fn_se": "标准误 SE({what})",
    # meta: the report's results and tables
    "meta.r_methods": "方法",
    "meta.r_subgroup": "亚组",
    "meta.r_k": "研究数",
    "meta.r_est_head": "{measure} [{ci}]",
    "meta.r_subgroup_test": "亚组间差异检验：Q = {q}，df = {df}，{p}。",
    "meta.r_none": "没有可估计的研究。",
    "meta.r_result": "合并效应量：{measure} {est}（{ci}；{method}），k = {k} {studies}{test}。",
    "meta.r_study": "项研究",
    "meta.r_studies": "项研究",
    "meta.r_ztest": "，Z = {z}，{p}",
    "meta.r_het": "异质性：Q = {q}，df = {df}，{p}，I² = {i2}%，tau² = {tau2}。",
    "meta.r_pi": "预测区间 {lo} 至 {hi}。",
    "meta.r_model": "模型：{chosen}（{reason}）。",
    "meta.r_fixed": "固定效应模型",
    "meta.r_random": "随机效应模型",
    # the model choice's reason (meta.json keeps it in English; pipeline/meta/pool.py writes it with these)
    "meta.reason_single": "仅一项研究，无异质性可评估",
    "meta.reason_het": "异质性 {cond}",
    "meta.reason_and": "，",
    "meta.r_excluded": "排除的研究（两组均无事件）：{studies}。",
    "meta.r_corrected": "零事件校正（每格加 0.5）：{studies}。",
    "meta.r_egger": "Egger 检验：t = {t}，df = {df}，{p}。",
    "meta.r_no_egger": "纳入研究少于 {k} 项：未做 Egger 检验，未绘制漏斗图（发表偏倚不予评估）。",
    # meta: the Methods
    "meta.m_outcome": "{name}：{what}{model}",
    "meta.m_mh": "Mantel-Haenszel 法（方差按 Greenland & Robins 及 Robins、Breslow & Greenland 法计算）",
    "meta.m_iv": "倒方差法",
    "meta.m_dichotomous": (
        "由各组事件数与总例数计算{measures}；固定效应模型的合并方法：{fixed}。含零事件格子的研究四格各加 0.5；{zero}"),
    "meta.m_zero_ratio": "两组均无事件的研究予以排除（比值不可估计）。",
    "meta.m_zero_rd": "无事件的研究予以保留（风险差为 0）。",
    "meta.m_generic": (
        "{measures}取自文献报告的比值及其 {ci}：取对数，SE = (ln 上限 − ln 下限) / (2 × {z})，采用通用倒方差法"
        "合并。"),
    "meta.m_logit": "logit 变换",
    "meta.m_ft": "Freeman-Tukey 双反正弦变换（合并后按各研究样本量的调和均数逆变换，Miller 1978）",
    "meta.m_proportion": "单组研究的比例经 {tr}后采用倒方差法合并；各研究给出精确（Clopper-Pearson）{ci}。",
    "meta.m_rnd_mh": "DerSimonian-Laird 随机效应模型（tau² 由 Mantel-Haenszel Q 计算，同 RevMan 5）",
    "meta.m_rnd_dl": "DerSimonian-Laird 随机效应模型",
    "meta.m_rnd_reml": "REML 随机效应模型（Fisher 得分法，同 R metafor）",
    "meta.m_fixed": "固定效应模型。",
    "meta.m_random": "{rnd}。",
    "meta.m_rule": (
        "模型按以下规则选择：异质性检验 P ≥ 0.10 且 I² ≤ 50% 时采用固定效应模型，否则采用随机效应模型；随机效应模型："
        "{rnd}。"),
    "meta.m_general": (
        "合并效应量给出 {ci} 及双侧 Wald z 检验。异质性采用 Cochran Q 检验（围绕固定效应估计值计算；Mantel-Haenszel "
        "分析围绕 Mantel-Haenszel 估计值，同 RevMan 5）及 I² = (Q − df) / Q。随机效应模型的预测区间为估计值 ± z × "
        "sqrt(SE² + tau²)（同 R metafor 的 predict）。亚组采用与总体分析相同的模型合并，并以亚组间差异检验（亚组估计值"
        "之间的 Q）比较。纳入研究不少于 {k} 项时，以 Egger 回归检验（估计值对其标准误的加权回归，R：regtest(model = "
        "\"lm\", predictor = \"sei\")）及漏斗图评估发表偏倚。"),
    "meta.m_software": (
        "由 mmcohort meta 计算；结果与 R metafor（rma、rma.mh、escalc、regtest）及 RevMan 5 统计算法的结果一致。"),
    # separators and punctuation
    "sep_list": "、",
    "sep_clause": "；",
    "sep_and": "与",
    "sep_names": "、",
    "sep_label": "：",  # a variable and its level: "Sex: Male"
    "sep_comma": "，",
    "full_stop": "。",
    # how the language is written (read by pipeline/text/i18n.py)
    # lang.sign_space: the space after ≥ < ≤ > in a group label ('≥ 3 cycles', '≥3 个周期')
    # lang.lower_first: 'yes' when a name inside a sentence starts in lower case ('by cycles received')
    # lang.config_labels: 'yes' when the config's labels (written in English) name the groupings
    "lang.sign_space": "",
    "lang.lower_first": "no",
    "lang.config_labels": "no",
}
