"""Words of the adjusted analyses (Cox models, PH test, Table 1 by group, subgroups) in English and
Chinese; merged into the report's i18n table ``S`` (``pipeline.text.i18n``)."""

from __future__ import annotations

ADJ: dict[str, dict[str, str]] = {
    "h_cox": {"en": "Cox regression", "zh": "Cox 回归分析"},
    "h_subgroups": {"en": "Subgroup analysis", "zh": "亚组分析"},
    "h_table1_by": {"en": "Baseline characteristics by {what}", "zh": "按{what}分组的基线特征"},
    "t_cox": {"en": "Cox regression of {ep}: univariable and multivariable hazard ratios",
              "zh": "{ep}的 Cox 回归：单因素与多因素风险比"},
    "t_cox_models": {"en": "Cox models: patients, events and overall tests", "zh": "Cox 模型：病例数、事件数与整体检验"},
    "t_ph": {"en": "Proportional-hazards test (scaled Schoenfeld residuals)", "zh": "比例风险假定检验（标化 Schoenfeld 残差）"},
    "t_strat_lr": {"en": "Stratified log-rank tests (strata: {s})", "zh": "分层 Log-rank 检验（分层变量：{s}）"},
    "t_subgroups": {"en": "{ep}: hazard ratio of {what} within subgroups", "zh": "{ep}：各亚组内{what}的风险比"},
    "c_covariate": {"en": "Covariate", "zh": "变量"},
    "c_uni": {"en": "Univariable HR ({level}% CI)", "zh": "单因素 HR（{level}% CI）"},
    "c_multi": {"en": "Multivariable HR ({level}% CI)", "zh": "多因素 HR（{level}% CI）"},
    "c_hr_level": {"en": "HR ({level}% CI)", "zh": "HR（{level}% CI）"},
    "c_model": {"en": "Model", "zh": "模型"},
    "c_dropped": {"en": "Dropped (missing)", "zh": "因缺失排除"},
    "c_lr": {"en": "LR test χ² (df), p", "zh": "似然比检验 χ²（自由度），P"},
    "c_conc": {"en": "Concordance", "zh": "C 指数"},
    "c_epv": {"en": "Events per parameter", "zh": "每参数事件数"},
    "c_term": {"en": "Term", "zh": "变量"},
    "c_chisq_df": {"en": "χ² (df)", "zh": "χ²（自由度）"},
    "c_subgroup": {"en": "Subgroup", "zh": "亚组"},
    "c_interaction": {"en": "Interaction p", "zh": "交互作用 P"},
    "c_test": {"en": "Test", "zh": "检验方法"},
    "uni": {"en": "univariable", "zh": "单因素"},
    "multi": {"en": "multivariable", "zh": "多因素"},
    "global": {"en": "Global", "zh": "整体"},
    "epv_low": {"en": "{v} (< 10: estimates may be unstable)", "zh": "{v}（< 10：估计可能不稳定）"},
    "ph_flag": {"en": "p < 0.05: hazards may not be proportional", "zh": "P < 0.05：可能不满足比例风险假定"},
    "per": {"en": "per {per}", "zh": "每 {per}"},
    "vs": {"en": "{a} vs {b}", "zh": "{a} vs {b}"},
    "vs_second": {"en": "second level vs first", "zh": "第二水平 vs 第一水平"},
    "fn_cox": {"en": "Cox proportional-hazards models ({ties} ties{strata}); Wald {level}% CIs and p. Univariable: "
                     "each covariate alone on the patients with it; multivariable: all covariates on complete "
                     "cases (n = {n}, {e} events; {d} patients dropped for missing values). LR test {lr}; "
                     "concordance {c}.",
               "zh": "Cox 比例风险模型（{ties} 结点处理{strata}）；Wald {level}% 置信区间及 P 值。单因素：每个变量单独分析，"
                     "纳入该变量不缺失的患者；多因素：全部变量，完整病例（n = {n}，{e} 个事件；{d} 例因缺失排除）。"
                     "似然比检验 {lr}；C 指数 {c}。"},
    "fn_strata": {"en": ", stratified by {s}", "zh": "，按{s}分层"},
    "fn_epv": {"en": "Fewer than 10 events per parameter ({v}): the multivariable estimates may be unstable.",
               "zh": "每参数事件数少于 10（{v}）：多因素估计可能不稳定。"},
    "fn_ph": {"en": "cox.zph score test (survival >= 3.0) with the Kaplan-Meier transform of time, per covariate "
                    "and global. † p < 0.05: hazards may not be proportional; see the residual plot.",
              "zh": "cox.zph 得分检验（survival ≥ 3.0），时间经 Kaplan-Meier 变换，逐变量及整体。† P < 0.05："
                    "可能不满足比例风险假定，见残差图。"},
    "fn_t1by": {"en": "Continuous: t-test (2 groups) or ANOVA (3+) when Shapiro-Wilk p ≥ 0.05 in every group, "
                      "else Wilcoxon rank-sum or Kruskal-Wallis; categories: χ² without continuity correction, "
                      "Fisher's exact test when an expected count is < 5. The test is named per row.",
                "zh": "连续变量：各组 Shapiro-Wilk 检验 P ≥ 0.05 时用 t 检验（两组）或方差分析（三组及以上），否则用 "
                      "Wilcoxon 秩和检验或 Kruskal-Wallis 检验；分类变量：χ² 检验（不校正），任一期望频数 < 5 时用 "
                      "Fisher 精确检验。每行注明所用检验。"},
    "fn_subgroups": {"en": "Cox model (Efron ties) of {vs} within each subgroup, Wald {level}% CI; interaction p: "
                           "likelihood-ratio test of the comparison × subgroup terms.",
                     "zh": "各亚组内 {vs} 的 Cox 模型（Efron 结点处理），Wald {level}% 置信区间；交互作用 P："
                           "比较 × 亚组交互项的似然比检验。"},
    "test_t-test": {"en": "t-test", "zh": "t 检验"},
    "test_wilcoxon": {"en": "Wilcoxon rank-sum", "zh": "Wilcoxon 秩和检验"},
    "test_kruskal": {"en": "Kruskal-Wallis", "zh": "Kruskal-Wallis 检验"},
    "test_anova": {"en": "ANOVA", "zh": "方差分析"},
    "test_chisq": {"en": "χ²", "zh": "χ² 检验"},
    "test_fisher": {"en": "Fisher's exact", "zh": "Fisher 精确检验"},
    "m_cox": {"en": "Adjusted analyses. Hazard ratios for {eps} were estimated with Cox proportional-hazards "
                    "models ({ties} method for tied times{strata}), first for each covariate alone on the "
                    "patients with a value (univariable screen), then for all covariates together on the "
                    "patients with every value (complete cases; the number left out is reported). Covariates: "
                    "{covs}. Confidence intervals ({level}%) and p-values are Wald's; the likelihood-ratio, Wald "
                    "and score tests and Harrell's concordance are given per model. A model with fewer than 10 "
                    "events per parameter is flagged; a model with as many parameters as events, a covariate "
                    "level without events or a likelihood that does not converge (monotone likelihood) is not "
                    "reported. Proportional hazards were checked with the score test of the scaled Schoenfeld "
                    "residuals against the Kaplan-Meier transform of time (R survival's cox.zph, survival >= "
                    "3.0), per covariate and globally; covariates with p < 0.05 are flagged and their residuals "
                    "plotted. Computations equal R's coxph and cox.zph (tested to 1e-6).",
              "zh": "校正分析。{eps}的风险比由 Cox 比例风险模型估计（结点采用 {ties} 法{strata}）：先对每个变量单独建模，纳入该变量"
                    "不缺失的患者（单因素筛选），再将全部变量同时纳入，仅纳入各变量均不缺失的患者（完整病例；报告排除例数）。"
                    "变量：{covs}。置信区间（{level}%）及 P 值为 Wald 法；每个模型报告似然比、Wald 及得分检验与 Harrell C 指数。"
                    "每参数事件数少于 10 的模型予以提示；参数个数不少于事件数、某变量水平无事件或似然函数不收敛（单调似然）"
                    "的模型不予报告。比例风险假定采用标化 Schoenfeld 残差与 Kaplan-Meier 变换时间的得分检验（R survival 的 "
                    "cox.zph，survival ≥ 3.0），逐变量及整体检验；P < 0.05 的变量予以提示并绘制残差图。计算结果与 R 的 coxph 和 "
                    "cox.zph 一致（检验误差 1e-6）。"},
    "m_t1by": {"en": "Baseline characteristics were compared between {what} groups: continuous variables by the "
                     "t-test with pooled variance (two groups) or one-way ANOVA (three or more) when the "
                     "Shapiro-Wilk test gave p >= 0.05 in every group, otherwise by the Wilcoxon rank-sum test "
                     "(normal approximation with continuity correction) or the Kruskal-Wallis test; categorical "
                     "variables by the chi-squared test without continuity correction, or Fisher's exact test "
                     "when any expected count was below 5.",
               "zh": "{what}各组间基线特征比较：连续变量在各组 Shapiro-Wilk 检验 P ≥ 0.05 时采用合并方差 t 检验（两组）或单因素"
                     "方差分析（三组及以上），否则采用 Wilcoxon 秩和检验（正态近似，连续性校正）或 Kruskal-Wallis 检验；分类变量"
                     "采用不校正的 χ² 检验，任一期望频数小于 5 时采用 Fisher 精确检验。"},
    "m_subgroups": {"en": "Subgroup analysis: the hazard ratio of {what} ({vs}) was estimated within each level of "
                          "{by}; heterogeneity was tested by the likelihood-ratio test of the model with the "
                          "comparison-by-subgroup interaction against the model without it.",
                    "zh": "亚组分析：在 {by} 各水平内估计{what}（{vs}）的风险比；异质性采用含与不含比较×亚组交互项模型的似然比检验。"},
    "zph_title": {"en": "{ep}: {term} (PH test p {p})", "zh": "{ep}：{term}（比例风险检验 P {p}）"},
    "zph_x": {"en": "Time (Kaplan-Meier transform, 1 − S(t−))", "zh": "时间（Kaplan-Meier 变换，1 − S(t−)）"},
    "zph_y": {"en": "Scaled Schoenfeld residual, β(t) for {term}", "zh": "{term} 的标化 Schoenfeld 残差 β(t)"},
    "zph_beta": {"en": "β from the Cox model", "zh": "Cox 模型的 β"},
    "zph_smooth": {"en": "smooth (cubic regression spline) ± 2 SE", "zh": "平滑曲线（三次回归样条）± 2 SE"},
    "cap_cox_forest": {"en": "Adjusted hazard ratios (multivariable Cox model, {ties} ties) with {level}% CIs, "
                             "per endpoint; complete cases.",
                       "zh": "校正风险比（多因素 Cox 模型，{ties} 结点处理）及 {level}% 置信区间，按终点；完整病例。"},
    "cap_subgroup": {"en": "{ep}: hazard ratio of {what} ({vs}) within subgroups, {level}% CIs; interaction p "
                           "(likelihood-ratio test) per subgroup variable.",
                     "zh": "{ep}：各亚组内{what}（{vs}）的风险比及 {level}% 置信区间；每个亚组变量的交互作用 P（似然比检验）。"},
    "cap_zph": {"en": "Scaled Schoenfeld residuals of {term} in the multivariable {ep} model against the "
                      "Kaplan-Meier transform of time, with a smooth: a flat line at β means proportional hazards "
                      "(cox.zph p {p}).",
                "zh": "{ep}多因素模型中 {term} 的标化 Schoenfeld 残差与 Kaplan-Meier 变换时间的关系及平滑曲线："
                      "水平于 β 的直线表示满足比例风险（cox.zph P {p}）。"},
    "interaction_p": {"en": "interaction p {p}", "zh": "交互作用 P {p}"},
    "favours": {"en": "Hazard ratio (log scale)", "zh": "风险比（对数刻度）"},
}
