"""Known spellings of the contract's categorical values, grouped in families.

A *family* is one coherent way of writing a column's values (the Chinese response words, the Roman-numeral
characters Ⅰ/Ⅱ/Ⅲ, 是/否). When an export uses one member of a family, ``init`` proposes the whole family,
so a value that happens to be absent from this export (nobody with 初诊时 yet) is still mapped when it
appears at the next cut-off. *Singles* are further spellings recognised one by one. Spellings the parser
already accepts as they are (``M``, ``PR``, ``yes``, ``IIIA``) need no mapping and are not listed.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from pipeline import vocab
from pipeline.contract import FieldSpec
from pipeline.draft.normalize import fold


@dataclass(frozen=True)
class Family:
    name: str
    mapping: tuple[tuple[str, object], ...]  # (hospital spelling, canonical value), in writing order


def _fam(name: str, mapping: dict) -> Family:
    return Family(name, tuple(mapping.items()))


_RESPONSE_ZH = {"严格意义的完全缓解": "sCR", "完全缓解": "CR", "非常好的部分缓解": "VGPR", "部分缓解": "PR",
                "微小缓解": "MR", "疾病稳定": "SD", "疾病进展": "PD", "无法评估": "NE"}
_RESPONSE_EN = {"stringent complete response": "sCR", "complete response": "CR",
                "very good partial response": "VGPR", "partial response": "PR", "minimal response": "MR",
                "stable disease": "SD", "progressive disease": "PD", "not evaluable": "NE"}
_ROMAN = {"Ⅰ": "I", "Ⅱ": "II", "Ⅲ": "III"}

FAMILIES: dict[str, tuple[Family, ...]] = {
    "sex": (_fam("Chinese sex words", {"男": "M", "女": "F"}),
            _fam("Chinese sex words", {"男性": "M", "女性": "F"}),
            _fam("English sex words", {"male": "M", "female": "F"})),
    "bool": (_fam("Chinese yes/no words", {"是": True, "否": False}),
             _fam("Chinese has/has-not words", {"有": True, "无": False})),
    "posneg": (_fam("Chinese positive/negative words", {"阳性": "positive", "阴性": "negative"}),
               _fam("abbreviated positive/negative", {"pos": "positive", "neg": "negative"})),
    "emd": (_fam("Chinese extramedullary-disease words", {"无": "none", "初诊时": "at_diagnosis",
                                                           "复发时": "at_relapse"}),),
    "emd_type": (_fam("Chinese extramedullary-type words", {"骨旁": "paraskeletal", "软组织": "soft_tissue"}),),
    "death_cause": (_fam("Chinese cause-of-death words", {"疾病进展": "progression", "其他": "other",
                                                           "不详": "unknown"}),),
    "response": (_fam("Chinese IMWG response words", _RESPONSE_ZH),
                 _fam("English IMWG response words", _RESPONSE_EN)),
    "myeloma_type": (_fam("Chinese myeloma type words", {
        "IgG-κ": "IgG-kappa", "IgG-λ": "IgG-lambda", "IgA-κ": "IgA-kappa", "IgA-λ": "IgA-lambda",
        "κ轻链型": "kappa", "λ轻链型": "lambda", "不分泌型": "nonsecretory"}),),
    "ds_stage": (_fam("Roman-numeral characters", {r + ab: _ROMAN[r] + ab for r in _ROMAN for ab in "AB"}),),
    "grade": (_fam("Chinese CTCAE grades", {f"{g}级": g for g in range(1, 6)}),
              _fam("Roman-numeral CTCAE grades", {f"{r}级": g for g, r in enumerate("ⅠⅡⅢⅣⅤ", 1)}),
              _fam("English CTCAE grades", {f"grade {g}": g for g in range(1, 6)})),
    "iss": (_fam("Roman-numeral characters", _ROMAN),
            _fam("Arabic stage numbers", {"1": "I", "2": "II", "3": "III"})),
}

SINGLES: dict[str, dict[str, object]] = {
    "sex": {"m": "M", "f": "F", "男士": "M", "女士": "F"},
    "bool": {"阳性": True, "阴性": False, "有过": True, "未使用": False, "已使用": True},
    "posneg": {"+": "positive", "阳": "positive", "阴": "negative", "detected": "positive",
               "not detected": "negative", "未检出": "negative", "检出": "positive"},
    "emd": {"无髓外病变": "none", "诊断时": "at_diagnosis", "初诊": "at_diagnosis", "复发": "at_relapse",
            "复发/进展时": "at_relapse", "进展时": "at_relapse", "no": "none"},
    "emd_type": {"骨旁型": "paraskeletal", "软组织型": "soft_tissue", "髓外软组织": "soft_tissue"},
    "death_cause": {"进展": "progression", "原发病进展": "progression", "疾病复发进展": "progression",
                    "未知": "unknown", "其它": "other"},
    "response": {"严格完全缓解": "sCR", "非常好部分缓解": "VGPR", "很好的部分缓解": "VGPR", "轻微缓解": "MR",
                 "微小反应": "MR", "稳定": "SD", "进展": "PD", "疾病复发/进展": "PD", "未评估": "NE",
                 "不可评估": "NE", "不能评估": "NE", "stringent cr": "sCR"},
    "myeloma_type": {"κ型": "kappa", "λ型": "lambda", "轻链κ型": "kappa", "轻链λ型": "lambda",
                     "非分泌型": "nonsecretory", "IgG型": "IgG", "IgA型": "IgA", "IgD型": "IgD", "IgM型": "IgM",
                     "IgE型": "IgE"},
    "ds_stage": {f"{r}{ab}期": _ROMAN[r] + ab for r in _ROMAN for ab in "AB"},
    "iss": {"Ⅰ期": "I", "Ⅱ期": "II", "Ⅲ期": "III"},
    "grade": {**{f"{r}级": g for g, r in enumerate(("I", "II", "III", "IV", "V"), 1)},
              **{f"g{g}": g for g in range(1, 6)}},
}

#: Groups whose values name one column of a table (used to place a header by its values alone).
PLACING_GROUPS = ("sex", "response", "emd", "emd_type", "death_cause", "myeloma_type", "ds_stage", "iss")


def group_of(spec: FieldSpec) -> str | None:
    """The value group of a canonical column (None for columns without a fixed vocabulary)."""
    if spec.kind == "bool":
        return "bool"
    if spec.kind == "myeloma_type":
        return "myeloma_type"
    if spec.name == "grade":  # CTCAE grade: a whole number, often written 3级 or Ⅲ级
        return "grade"
    if spec.kind != "category":
        return None
    by_allowed = {vocab.SEX: "sex", vocab.POS_NEG: "posneg", vocab.EMD: "emd", vocab.EMD_TYPE: "emd_type",
                  vocab.DEATH_CAUSE: "death_cause", vocab.RESPONSE_ORDER: "response",
                  vocab.DS_STAGE: "ds_stage", vocab.ISS_STAGE: "iss"}
    return by_allowed.get(spec.allowed)


@cache
def family_index(group: str) -> dict[str, tuple[int, object]]:
    """Folded spelling -> (family number, canonical value)."""
    out: dict[str, tuple[int, object]] = {}
    for i, fam in enumerate(FAMILIES.get(group, ())):
        for raw, canon in fam.mapping:
            out.setdefault(fold(raw), (i, canon))
    return out


@cache
def single_index(group: str) -> dict[str, object]:
    return {fold(k): v for k, v in SINGLES.get(group, {}).items()}
