"""A small synthetic cohort as a Chinese hospital would export it: the example for column/value mapping.

Chinese headers and values, dates in mixed forms (``2022/12/9``, ``2022.12.09``, ``2022年12月9日``, ISO),
``未查`` for some missing values, GB18030 (a superset of GBK; every character used here is in GBK) with
CRLF line ends, as Excel on a Chinese Windows saves CSV. The study ID is a pseudonym ``BR-001``; there is
no name, record number, ID card or phone column. ``config/example_hospital.yaml`` maps it back onto the
contract; tests check that the mapping covers every header and value written here.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from pipeline.synth.cohort import generate_cohort
from pipeline.synth.io import as_text

EXAMPLE_N = 12
EXAMPLE_SEED = 20221209
ENCODING = "gb18030"

#: canonical column -> hospital header, in the export's column order.
PATIENT_HEADERS = {
    "patient_id": "研究编号",
    "sex": "性别",
    "age": "年龄",
    "index_date": "治疗开始日期",
    "regimen": "方案",
    "prior_lines": "既往治疗线数",
    "cycles": "周期数",
    "emd": "髓外病变",
    "emd_type": "髓外病变类型",
    "last_contact_date": "末次随访日期",
    "death_date": "死亡日期",
    "death_cause": "死亡原因",
    "progression_date": "疾病进展日期",
    "best_response": "最佳疗效",
    "new_therapy_date": "后续治疗开始日期",
    "myeloma_type": "M蛋白类型",
    "ds_stage": "DS分期",
    "iss_stage": "ISS分期",
    "riss_stage": "R-ISS分期",
    "prior_bortezomib": "既往硼替佐米",
    "prior_lenalidomide": "既往来那度胺",
    "prior_daratumumab": "既往达雷妥尤单抗",
    "bendamustine_dose_mg_m2": "苯达莫司汀剂量(mg/m2)",
    "hemoglobin_g_l": "血红蛋白(g/L)",
    "wbc_10e9_l": "白细胞(×10^9/L)",
    "platelets_10e9_l": "血小板(×10^9/L)",
    "calcium_mmol_l": "血钙(mmol/L)",
    "creatinine_umol_l": "肌酐(μmol/L)",
    "beta2m_mg_l": "β2微球蛋白(mg/L)",
    "albumin_g_l": "白蛋白(g/L)",
    "ldh_u_l": "乳酸脱氢酶(U/L)",
    "bm_plasma_cells_pct": "骨髓浆细胞比例(%)",
    "esr_mm_h": "血沉(mm/h)",
    "fish_tested": "FISH检测",
    "fish_del17p": "del(17p)",
    "fish_t4_14": "t(4;14)",
    "fish_t14_16": "t(14;16)",
    "fish_t14_20": "t(14;20)",
    "fish_gain1q21": "1q21扩增",
    "fish_del13q": "del(13q)",
    "fish_t11_14": "t(11;14)",
    "fish_igh": "IgH缺失",
}
ASSESSMENT_HEADERS = {
    "patient_id": "研究编号",
    "assessment_date": "评估日期",
    "cycle": "周期",
    "response": "疗效评价",
    "serum_m_g_l": "M蛋白(g/L)",
    "urine_m_mg_24h": "尿M蛋白(mg/24h)",
    "serum_ife": "血清IFE",
    "urine_ife": "尿IFE",
    "flc_kappa_mg_l": "血清游离κ轻链(mg/L)",
    "flc_lambda_mg_l": "血清游离λ轻链(mg/L)",
    "bm_plasma_cells_pct": "骨髓浆细胞比例(%)",
    "bm_clonal_cells": "骨髓克隆性浆细胞",
    "plasmacytoma_spd_cm2": "浆细胞瘤SPD(cm2)",
    "new_lesion": "新发病灶",
}
_RESPONSE = {
    "sCR": "严格意义的完全缓解",
    "CR": "完全缓解",
    "VGPR": "非常好的部分缓解",
    "PR": "部分缓解",
    "MR": "微小缓解",
    "SD": "疾病稳定",
    "PD": "疾病进展",
    "NE": "无法评估",
}
_POS_NEG = {"positive": "阳性", "negative": "阴性"}
_YES_NO = {True: "是", False: "否"}
_ROMAN = {"I": "Ⅰ", "II": "Ⅱ", "III": "Ⅲ"}
#: canonical column -> {canonical value -> hospital value}.
VALUES: dict[str, dict] = {
    "sex": {"M": "男", "F": "女"},
    "emd": {"none": "无", "at_diagnosis": "初诊时", "at_relapse": "复发时"},
    "emd_type": {"paraskeletal": "骨旁", "soft_tissue": "软组织"},
    "death_cause": {"progression": "疾病进展", "other": "其他", "unknown": "不详"},
    "best_response": _RESPONSE,
    "response": _RESPONSE,
    "myeloma_type": {
        "IgG-kappa": "IgG-κ",
        "IgG-lambda": "IgG-λ",
        "IgA-kappa": "IgA-κ",
        "IgA-lambda": "IgA-λ",
        "kappa": "κ轻链型",
        "lambda": "λ轻链型",
        "nonsecretory": "不分泌型",
    },
    "ds_stage": {r + ab: _ROMAN[r] + ab for r in _ROMAN for ab in ("A", "B")},
    "iss_stage": _ROMAN,
    "riss_stage": _ROMAN,
    **{c: _YES_NO for c in ("prior_bortezomib", "prior_lenalidomide", "prior_daratumumab", "fish_tested")},
    "new_lesion": _YES_NO,
    **{c: _POS_NEG for c in PATIENT_HEADERS if c.startswith("fish_") and c != "fish_tested"},
    **{c: _POS_NEG for c in ("serum_ife", "urine_ife", "bm_clonal_cells")},
}
MISSING_MARK = "未查"


def _mixed_dates(s: pd.Series, rng: np.random.Generator) -> pd.Series:
    y, m, d = s.dt.year.astype("Int64").astype(str), s.dt.month.astype("Int64"), s.dt.day.astype("Int64")
    forms = [
        s.dt.strftime("%Y-%m-%d"),
        y + "/" + m.astype(str) + "/" + d.astype(str),
        s.dt.strftime("%Y.%m.%d"),
        y + "年" + m.astype(str) + "月" + d.astype(str) + "日",
    ]
    pick = rng.integers(0, len(forms), len(s))
    out = np.select([pick == i for i in range(len(forms))], [f.astype(object) for f in forms])
    return pd.Series(np.where(s.isna(), "", out), index=s.index)


def _export_table(df: pd.DataFrame, headers: dict[str, str], rng: np.random.Generator) -> pd.DataFrame:
    # Missing results are mostly blank, some marked 未查; tests done together are marked together
    # (all FISH markers of an untested patient; serum and urine immunofixation, or both free light
    # chains, of a visit).
    row_mark = rng.random(len(df)) < 0.4
    together = {"fish_", "serum_ife", "urine_ife", "flc_"}
    out = {}
    for col, header in headers.items():
        s = df[col]
        if col == "patient_id":
            text = s.str.replace("SYN-", "BR-", regex=False)
        elif pd.api.types.is_datetime64_any_dtype(s):
            text = _mixed_dates(s, rng)
        elif col in VALUES:
            text = s.astype(object).map(VALUES[col]).fillna("")
        else:
            text = as_text(s)
        missing = s.isna().to_numpy()
        if col != "fish_tested" and any(col.startswith(t) for t in together):
            marked = missing & row_mark
        elif pd.api.types.is_float_dtype(s) or col == "bm_clonal_cells":
            marked = missing & (rng.random(len(s)) < 0.3)
        else:
            marked = np.zeros(len(s), dtype=bool)
        out[header] = np.where(marked, MISSING_MARK, np.asarray(text, dtype=object))
    return pd.DataFrame(out)


def hospital_export(n: int = EXAMPLE_N, seed: int = EXAMPLE_SEED) -> dict[str, pd.DataFrame]:
    """``patients`` and ``assessments`` as text frames with the hospital's headers and values."""
    tables = generate_cohort(n, seed)
    rng = np.random.default_rng([seed, 86])
    return {
        "patients": _export_table(tables["patients"], PATIENT_HEADERS, rng),
        "assessments": _export_table(tables["assessments"], ASSESSMENT_HEADERS, rng),
    }


def write_hospital_export(tables: dict[str, pd.DataFrame], out_dir: str | Path) -> list[Path]:
    """Write ``patients.csv`` and ``assessments.csv`` in GB18030 with CRLF line ends."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for name in ("patients", "assessments"):
        path = out_dir / f"{name}.csv"
        path.write_bytes(tables[name].to_csv(index=False, lineterminator="\r\n").encode(ENCODING))
        written.append(path)
    return written
