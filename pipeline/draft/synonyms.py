"""Headers a hospital export uses for each canonical column, Chinese and English.

Written as people type them; ``normalize.fold`` is applied when the index is built, so full-width
punctuation, case, spaces, underscores and hyphens do not matter, and a bracketed unit is tried off
(``年龄（岁）`` -> ``年龄``). Every canonical name is its own synonym. A folded synonym names one column
per table (``test_draft_synonyms`` checks it).
"""

from __future__ import annotations

from functools import cache

from pipeline.contract import TABLE_SPECS
from pipeline.draft.normalize import fold

_ID = ["研究编号", "患者编号", "病例编号", "受试者编号", "入组编号", "研究号", "编号", "study id", "subject id",
       "patient id", "pid", "id", "case id", "subject", "患者id", "病例号id"]

PATIENTS: dict[str, list[str]] = {
    "patient_id": _ID,
    "sex": ["性别", "sex", "gender", "性别(男/女)"],
    "age": ["年龄", "age", "年龄岁", "age years", "用药时年龄", "入组年龄", "年龄(岁)"],
    "index_date": ["治疗开始日期", "首次用药日期", "开始治疗日期", "用药开始日期", "本方案开始日期",
                   "本方案首次用药日期", "治疗开始时间", "首次用药时间", "index date", "start date",
                   "treatment start date", "treatment start", "first dose date", "date of first dose",
                   "start of treatment"],
    "regimen": ["方案", "治疗方案", "化疗方案", "本方案", "用药方案", "regimen", "treatment regimen",
                "treatment"],
    "prior_lines": ["既往治疗线数", "既往线数", "既往治疗线", "既往方案数", "前线治疗数", "既往治疗方案数",
                    "prior lines", "prior lines of therapy", "lines of prior therapy",
                    "number of prior lines", "prior therapies", "no of prior lines"],
    "cycles": ["周期数", "疗程", "疗程数", "化疗周期数", "本方案化疗次数", "化疗次数", "治疗周期数",
               "用药周期数", "本方案周期数", "cycles", "number of cycles", "cycles received", "no of cycles",
               "n cycles", "ncycles"],
    "emd": ["髓外病变", "髓外浸润", "髓外", "是否髓外病变", "emd", "extramedullary disease", "extramedullary"],
    "emd_type": ["髓外病变类型", "髓外类型", "髓外病变分型", "emd type", "extramedullary type",
                 "type of emd"],
    "last_contact_date": ["末次随访日期", "最后随访日期", "末次随访时间", "随访日期", "末次随访",
                          "last contact date", "last follow up", "last follow up date", "last contact",
                          "date of last contact", "date last known alive", "last followup"],
    "death_date": ["死亡日期", "死亡时间", "date of death", "death date", "dod"],
    "death_cause": ["死亡原因", "死因", "cause of death", "death cause"],
    "progression_date": ["疾病进展日期", "进展日期", "复发进展日期", "复发/进展日期", "进展时间", "pd date",
                         "progression date", "date of progression", "relapse date"],
    "best_response": ["最佳疗效", "最佳反应", "最佳疗效评价", "最佳缓解", "最佳缓解深度", "best response",
                      "best overall response", "bor"],
    "new_therapy_date": ["后续治疗开始日期", "后续治疗日期", "下一线治疗日期", "下线治疗开始日期", "换方案日期",
                         "new therapy date", "next therapy date", "next line start", "date of next therapy",
                         "next treatment date"],
    "myeloma_type": ["M蛋白类型", "分型", "骨髓瘤分型", "免疫分型", "临床分型", "M蛋白分型", "isotype",
                     "m protein type", "paraprotein type", "myeloma type", "heavy chain type"],
    "ds_stage": ["DS分期", "Durie-Salmon分期", "DS stage", "Durie Salmon stage", "Durie-Salmon", "DS"],
    "iss_stage": ["ISS分期", "ISS stage", "ISS"],
    "riss_stage": ["R-ISS分期", "RISS分期", "R-ISS stage", "R-ISS", "RISS"],
    "prior_bortezomib": ["既往硼替佐米", "既往使用硼替佐米", "既往硼替佐米治疗", "硼替佐米暴露", "prior bortezomib",
                         "prior btz", "bortezomib exposed"],
    "prior_lenalidomide": ["既往来那度胺", "既往使用来那度胺", "既往来那度胺治疗", "来那度胺暴露",
                           "prior lenalidomide", "prior len", "lenalidomide exposed"],
    "prior_daratumumab": ["既往达雷妥尤单抗", "既往达雷木单抗", "既往使用达雷妥尤单抗", "既往CD38单抗",
                          "prior daratumumab", "prior dara", "daratumumab exposed"],
    "bendamustine_dose_mg_m2": ["苯达莫司汀剂量", "苯达莫司汀用量", "bendamustine dose", "benda dose"],
    "hemoglobin_g_l": ["血红蛋白", "hb", "hgb", "hemoglobin", "haemoglobin"],
    "wbc_10e9_l": ["白细胞", "白细胞计数", "wbc", "white blood cells", "white blood cell count"],
    "platelets_10e9_l": ["血小板", "血小板计数", "plt", "platelets", "platelet count"],
    "calcium_mmol_l": ["血钙", "钙", "血清钙", "ca", "calcium", "serum calcium"],
    "creatinine_umol_l": ["肌酐", "血肌酐", "血清肌酐", "cr", "scr", "creatinine", "serum creatinine"],
    "beta2m_mg_l": ["β2微球蛋白", "β2-MG", "β2MG", "血β2微球蛋白", "b2m", "b2mg", "beta2m",
                    "beta2 microglobulin", "beta-2 microglobulin"],
    "albumin_g_l": ["白蛋白", "血清白蛋白", "alb", "albumin", "serum albumin"],
    "ldh_u_l": ["乳酸脱氢酶", "ldh", "lactate dehydrogenase"],
    "bm_plasma_cells_pct": ["骨髓浆细胞比例", "骨髓浆细胞", "骨髓浆细胞百分比", "浆细胞比例", "骨髓瘤细胞比例",
                            "bmpc", "bone marrow plasma cells", "bm plasma cells", "marrow plasma cells"],
    "esr_mm_h": ["血沉", "红细胞沉降率", "esr", "erythrocyte sedimentation rate"],
    "fish_tested": ["FISH检测", "是否行FISH", "行FISH检测", "FISH", "FISH tested", "FISH done",
                    "FISH performed"],
    "fish_del17p": ["del(17p)", "17p缺失", "17p-", "del17p", "TP53缺失", "del(17p13)", "17p13缺失"],
    "fish_t4_14": ["t(4;14)", "t4;14"],
    "fish_t14_16": ["t(14;16)", "t14;16"],
    "fish_t14_20": ["t(14;20)", "t14;20"],
    "fish_gain1q21": ["1q21扩增", "1q21+", "gain(1q21)", "gain 1q21", "1q gain", "+1q", "amp1q21",
                      "1q21 gain", "1q21", "1q21扩增/获得", "1q21获得"],
    "fish_del13q": ["del(13q)", "13q缺失", "13q14缺失", "del13q", "RB1缺失", "del(13q14)"],
    "fish_t11_14": ["t(11;14)", "t11;14"],
    "fish_igh": ["IgH缺失", "IgH重排", "IgH", "IGH rearrangement", "IgH分离"],
}

ASSESSMENTS: dict[str, list[str]] = {
    "patient_id": _ID,
    "assessment_date": ["评估日期", "疗效评估日期", "评价日期", "检查日期", "评估时间", "随访日期", "assessment date",
                        "date of assessment", "visit date", "evaluation date"],
    "cycle": ["周期", "疗程", "化疗周期", "第几周期", "周期数", "cycle", "visit cycle", "cycle number"],
    "response": ["疗效评价", "疗效", "疗效评估", "评估结果", "缓解情况", "response", "response assessment",
                 "overall response"],
    "serum_m_g_l": ["M蛋白", "血清M蛋白", "血M蛋白", "M蛋白定量", "M protein", "serum M protein", "M spike",
                    "SPEP"],
    "urine_m_mg_24h": ["尿M蛋白", "24h尿M蛋白", "24小时尿M蛋白", "urine M protein", "UPEP", "24h urine M protein"],
    "serum_ife": ["血清IFE", "血IFE", "血清免疫固定电泳", "血免疫固定电泳", "serum IFE", "sIFE"],
    "urine_ife": ["尿IFE", "尿免疫固定电泳", "urine IFE", "uIFE"],
    "flc_kappa_mg_l": ["血清游离κ轻链", "游离κ轻链", "κ轻链", "血清游离kappa轻链", "游离kappa", "sFLC kappa",
                       "FLC kappa", "free kappa", "kappa FLC", "血清游离轻链κ", "游离轻链κ", "κ游离轻链",
                       "血清κ游离轻链", "sFLC-κ", "FLC-κ", "free light chain kappa"],
    "flc_lambda_mg_l": ["血清游离λ轻链", "游离λ轻链", "λ轻链", "血清游离lambda轻链", "游离lambda", "sFLC lambda",
                        "FLC lambda", "free lambda", "lambda FLC", "血清游离轻链λ", "游离轻链λ", "λ游离轻链",
                        "血清λ游离轻链", "sFLC-λ", "FLC-λ", "free light chain lambda"],
    "bm_plasma_cells_pct": PATIENTS["bm_plasma_cells_pct"],
    "bm_clonal_cells": ["骨髓克隆性浆细胞", "克隆性浆细胞", "流式克隆性浆细胞", "clonal plasma cells",
                        "bm clonal cells", "clonal cells"],
    "plasmacytoma_spd_cm2": ["浆细胞瘤SPD", "浆细胞瘤大小", "SPD", "plasmacytoma SPD", "plasmacytoma size"],
    "new_lesion": ["新发病灶", "新病灶", "新发骨病变", "new lesion", "new lesions"],
}

ADVERSE_EVENTS: dict[str, list[str]] = {
    "patient_id": _ID,
    "term": ["不良事件", "不良反应", "不良事件名称", "事件名称", "AE", "AE term", "adverse event", "CTCAE term",
             "term"],
    "grade": ["分级", "等级", "级别", "不良事件分级", "CTCAE分级", "grade", "CTCAE grade", "AE grade"],
    "onset_date": ["发生日期", "发生时间", "不良事件发生日期", "onset date", "AE date", "date of onset"],
}

SYNONYMS: dict[str, dict[str, list[str]]] = {
    "patients": PATIENTS, "assessments": ASSESSMENTS, "adverse_events": ADVERSE_EVENTS,
}


@cache
def synonym_index(table: str) -> dict[str, tuple[str, str]]:
    """Folded synonym -> (canonical column, the synonym as written) for one table.

    Raises ValueError when a folded synonym would name two columns (a table error, caught by a test).
    """
    index: dict[str, tuple[str, str]] = {}
    entries = [(f.name, f.name) for f in TABLE_SPECS[table]]
    entries += [(col, syn) for col, syns in SYNONYMS[table].items() for syn in syns]
    for col, syn in entries:
        key = fold(syn)
        if key in index and index[key][0] != col:
            raise ValueError(f"{table}: synonym {syn!r} names both {index[key][0]} and {col}")
        index.setdefault(key, (col, syn))
    return index
