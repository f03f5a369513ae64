"""pipeline/text/zh.py reads like a Chinese hematology manuscript: full-width punctuation inside Chinese sentences,
one space between Chinese and Latin letters or digits (none beside full-width punctuation), P written upper case,
and one term per concept (the IMWG and survival terms of Chinese myeloma papers)."""

from __future__ import annotations

import re
import string

import pytest

from pipeline.text import zh

HAN = r"\u4e00-\u9fff"
#: Full-width punctuation of Chinese sentences (，。；：、（）“”《》！？).
FULL = "，。；：、（）“”《》！？"


def _literal(s: str) -> str:
    """The value without its placeholders: each {name} becomes a neutral mark (it may be filled with Chinese
    or with numbers, so no spacing rule is judged across it)."""
    out = []
    for text, name, _, _ in string.Formatter().parse(s):
        out.append(text)
        if name is not None:
            out.append("\u2063")  # invisible separator: neither Chinese, Latin nor a space
    return "".join(out)


def _values() -> list[tuple[str, str]]:
    return [(k, _literal(v)) for k, v in zh.WORDS.items() if not k.startswith("lang.")]


def _offenders(pattern: str) -> list[str]:
    rx = re.compile(pattern)
    return [f"{k}: {v!r}" for k, v in _values() if rx.search(v)]


def test_no_half_width_comma_colon_or_semicolon_beside_chinese():
    # '血小板 … [73–219]; 缺失 1' and 'ISS 分期: 缺失' read as English punctuation in a Chinese sentence
    assert not _offenders(rf"[{HAN}] ?[,;:]|[,;:] ?[{HAN}]")


def test_no_half_width_parentheses_around_or_beside_chinese():
    # '无进展生存率 (%)' -> '无进展生存率（%）'; a formula ('第 (k − 1) × 28 天', 'SE = (ln 上限 − ln 下限)') or
    # a function ('logit(比例)') keeps its ASCII brackets
    assert not _offenders(rf"(?<![A-Za-z])\((?![^()]*[−+×/=])[^()]*[{HAN}][^()]*\)")
    assert not _offenders(rf"[{HAN}] ?\((?![^)]*[−+×=])")


def test_no_ascii_quotes_around_chinese():
    assert not _offenders(rf"['\"][^'\"]*[{HAN}][^'\"]*['\"]")


def test_one_space_between_chinese_and_latin_or_digits():
    assert not _offenders(rf"[{HAN}][A-Za-z0-9]|[A-Za-z0-9][{HAN}]")  # '中位PFS' -> '中位 PFS'
    assert not _offenders(rf"[{HAN}] {{2,}}|  +[{HAN}]")


def test_no_space_beside_full_width_punctuation():
    # a space after '。' or before '（' is an English habit ('。 随访指标', '患者 （')
    assert not _offenders(rf"[{FULL}] | [{FULL}]")
    # nor before a caption's added sentence: '。' + ' 随访指标…' (English needs that space, Chinese does not)
    assert not _offenders(rf"^ +[{HAN}{FULL}]")


def test_p_is_upper_case():
    # Chinese journals write P (and P 值); lower-case p only inside code such as cmprsk::crr
    assert not _offenders(r"(?<![A-Za-z:_.])p(?= ?[值<=>≤≥]| = | [<>])")


#: One term per concept, the terms of Chinese myeloma papers and of the Chinese IMWG guideline.
#: The preferred term -> the variants that must not appear beside it.
TERMS = {
    "总缓解率": ("客观缓解率", "总有效率", "总体缓解率", "总反应率"),
    "至下一次治疗时间": ("至下一线治疗时间", "至下次治疗时间"),
    "限制性平均生存时间": ("限制平均生存时间",),
    "永恒时间偏倚": ("不朽时间", "永生时间"),
    "置信区间": ("可信区间", "信赖区间"),
    "风险比": ("危险比",),
    "严格意义的完全缓解": ("严格完全缓解",),
    "非常好的部分缓解": ("很好的部分缓解", "非常好部分缓解"),
    "微小缓解": ("轻微缓解", "最小缓解"),
    "疾病稳定": ("病情稳定",),
    "无进展生存期": ("无进展生存时间", "无病进展生存"),
    "总生存期": ("总生存时间", "总体生存"),
    "缓解持续时间": ("反应持续时间", "持续缓解时间"),
    "髓外病变": ("髓外浸润", "髓外疾病"),
    "既往治疗线数": ("前线治疗数",),
    "截止日期": ("截至日期", "截断日期"),
    "例患者": ("名患者", "位患者"),
    "Efron 法处理结点": ("Efron 结点处理",),
}


@pytest.mark.parametrize(("term", "variants"), TERMS.items(), ids=list(TERMS))
def test_one_term_per_concept(term, variants):
    assert any(term in v for _, v in _values()), f"{term} is used somewhere"
    assert not _offenders("|".join(map(re.escape, variants))), f"write {term}"


def test_response_categories_are_named_once_with_the_guideline_terms():
    m = zh.WORDS["m_bor"]
    for name in ("严格意义的完全缓解（sCR）", "完全缓解（CR）", "非常好的部分缓解（VGPR）", "部分缓解（PR）",
                 "微小缓解（MR）", "疾病稳定（SD）", "疾病进展（PD）"):
        assert name in m
    assert "总缓解率（ORR）" in zh.WORDS["m_rates"] and "ORR" in zh.WORDS["ORR"]


def test_the_checks_catch_what_they_are_for():
    """Each rule above fails on the fault it names (so a pattern that silently matches nothing is caught)."""
    bad = {
        r"[\u4e00-\u9fff] ?[,;:]|[,;:] ?[\u4e00-\u9fff]": "[73–219]; 缺失 1",
        rf"[{HAN}] ?\((?![^)]*[−+×=])": "无进展生存率 (%)",
        rf"[{HAN}][A-Za-z0-9]|[A-Za-z0-9][{HAN}]": "中位PFS",
        rf"[{FULL}] | [{FULL}]": "。 随访指标",
        r"(?<![A-Za-z:_.])p(?= ?[值<=>≤≥]| = | [<>])": "没有 p 值跨越 0.05",
    }
    for pattern, text in bad.items():
        assert re.search(pattern, _literal(text)), pattern
    assert not re.search(rf"[{HAN}] ?\((?![^)]*[−+×=])", "第 (k − 1) × 28 天")
    assert not re.search(r"(?<![A-Za-z:_.])p(?= ?[值<=>≤≥]| = | [<>])", "R cmprsk::crr，log(p)")
