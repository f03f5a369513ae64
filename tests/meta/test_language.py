"""``mmcohort meta`` in English and Chinese (``language: en | zh``): every word of the report and the figures
comes from pipeline/text (``meta.*``); the English output is what it was before the words moved there."""

from __future__ import annotations

import hashlib
import json
import logging
import re
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from pipeline.cli import main
from pipeline.figures import style
from pipeline.meta import run as meta_run
from pipeline.meta.config import load_meta_config
from pipeline.meta.forest import plot_forest
from pipeline.meta.funnel import plot_funnel
from pipeline.meta.pool import choose_model
from pipeline.meta.report import result_sentence
from pipeline.meta.words import ci_label, method_words, reason_words
from pipeline.text import en, zh

ROOT = Path(__file__).resolve().parents[2]
CJK = re.compile(r"[\u4e00-\u9fff]")

#: SHA-256 of report.md and report.html of the bundled configs run with --no-figures, as written before the
#: words moved to pipeline/text (commit ad50ea3): the English output did not change.
ENGLISH = {
    "meta_bcg/report.md": "d0903ecbe307cef88fac3e71dee7b6c913b7bf69147dd1e9d687b76c54aafb83",
    "meta_proportions/report.md": "73a9ab2144ea15b53a7dc6ea5a6437d37be2d1ef6d7214805c64abf7f4a595eb",
    "meta_ratio_ci/report.md": "955ac77939022a9c0d214242db007c65583017a61745730f7e6f1ee2e40f713a",
    "meta_bcg/report.html": "0dbafc5d90f406f2992e1d8c060de8baab2ef1014808463366ed421035512a61",
    "meta_proportions/report.html": "0ad12f6d8430e8938e266e88fd364d6935b2d25b95fb2e280cc9f51906aa2f87",
    "meta_ratio_ci/report.html": "25a66e48f0a3ea0abb1513e0bc2c5e01051af73d3fbe6cc12e1b9dba71d87bad",
}


def _invoke(*args):
    return CliRunner().invoke(main, ["meta", *[str(a) for a in args]], catch_exceptions=False)


def _config(tmp_path: Path, src: str, **top) -> Path:
    """A copy of a bundled config (studies path made absolute) with top-level keys changed."""
    cfg = yaml.safe_load((ROOT / "config" / src).read_text(encoding="utf-8"))
    cfg["studies"] = str((ROOT / "config" / cfg["studies"]).resolve())
    cfg.update(top)
    path = tmp_path / f"{Path(src).stem}.yaml"
    path.write_text(yaml.safe_dump(cfg, allow_unicode=True), encoding="utf-8")
    return path


def _texts(fig) -> list[str]:
    """Every text of a figure: figure texts, axis labels, titles, legend entries."""
    out = [t.get_text() for t in fig.texts] + [t.get_text() for lg in fig.legends for t in lg.get_texts()]
    for ax in fig.axes:
        out += [ax.get_xlabel(), ax.get_ylabel(), ax.get_title(loc="left")] + [t.get_text() for t in ax.texts]
        if ax.get_legend():
            out += [t.get_text() for t in ax.get_legend().get_texts()]
    return [s for s in out if s]


@pytest.fixture(scope="module")
def bcg_en(tmp_path_factory) -> tuple[dict, list]:
    """The BCG analyses (meta.json) and the config's outcomes."""
    out = tmp_path_factory.mktemp("en")
    cfg = load_meta_config(ROOT / "config" / "meta_bcg.yaml")
    meta_run.run_meta(cfg, out, figures=False)
    return json.loads((out / "meta_bcg" / "meta.json").read_text(encoding="utf-8"))["analyses"], cfg.outcomes


def test_english_report_is_byte_identical_to_before(tmp_path):
    for src in ("meta_bcg.yaml", "meta_proportions.yaml", "meta_ratio_ci.yaml"):
        r = _invoke("--config", ROOT / "config" / src, "--out", tmp_path, "-q", "--no-figures")
        assert r.exit_code == 0, r.output
    got = {f: hashlib.sha256((tmp_path / f).read_bytes()).hexdigest() for f in ENGLISH}
    assert got == ENGLISH


def test_english_figures_keep_revman_words(bcg_en):
    analyses, outcomes = bcg_en
    a = analyses[0]
    texts = _texts(plot_forest(a, outcomes[0].labels.model_dump(), title=outcomes[0].name))
    for word in ("Study or Subgroup", "Weight", "BCG\nEvents", "\nTotal", "Risk Ratio\nM-H, Random, 95% CI",
                 "Total (95% CI)", "Total events", "Favours BCG"):
        assert word in texts, word
    assert any(s.startswith("Heterogeneity: Tau\u00b2 = 0.31; Chi\u00b2 = 152.57, df = 12 (P < 0.00001)") for s in texts)
    assert any(s.startswith("Test for overall effect: Z = 3.99") for s in texts)
    funnel = _texts(plot_funnel(a, *_yi_vi(a)))
    assert {"Risk Ratio", "SE(log RR)", "pseudo 95% CI limits", "pooled estimate"} <= set(funnel)


def test_the_funnel_legend_sits_below_the_axes(bcg_en):
    """Inside the axes the legend covered a pseudo-CI line (lower left): it is drawn below them."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    fig = plot_funnel(bcg_en[0][0], *_yi_vi(bcg_en[0][0]))
    renderer = FigureCanvasAgg(fig).get_renderer()
    fig.draw(renderer)
    (ax,), (legend,) = fig.axes, fig.legends
    assert ax.get_legend() is None
    box, axes_box = legend.get_window_extent(renderer), ax.get_tightbbox(renderer)
    assert box.y1 <= axes_box.y0  # entirely below the axes, their tick labels and x label


def _yi_vi(a: dict):
    import numpy as np

    st = [s for s in a["studies"] if s["included"]]
    yi = np.log([s["estimate"] for s in st])
    se = (np.log([s["ci_high"] for s in st]) - np.log([s["ci_low"] for s in st])) / (2 * 1.959963984540054)
    return yi, se**2


def test_chinese_figures_where_a_cjk_font_is_installed(bcg_en, monkeypatch):
    """With a CJK font the forest and funnel plots are in Chinese, their CI labels from the configured level."""
    monkeypatch.setattr(style, "find_cjk_font", lambda: "DejaVu Sans")  # words only: nothing is drawn here
    analyses, outcomes = bcg_en
    a = {**analyses[1], "conf_level": 0.9}  # the IV fixed analysis with subgroups; a 90% level for the labels
    labels = {k: v for k, v in outcomes[1].labels.model_dump().items() if k.startswith("favours")}
    texts = _texts(plot_forest(a, labels, title="结核病", lang="zh"))
    for word in ("研究或亚组", "权重", "试验组\n事件数", "对照组\n事件数", "\n总例数", "相对危险度（RR）\nIV，固定效应，90% CI",
                 "小计（90% CI）", "合计（90% CI）", "事件总数"):
        assert word in texts, word
    assert any(s.startswith("亚组间差异检验：Chi\u00b2 = 19.87") for s in texts)
    assert any(s.startswith("异质性：Chi\u00b2 = ") for s in texts)
    assert any(s.startswith("总体效应检验：Z = ") for s in texts)
    assert not any("95" in s for s in texts if "CI" in s)
    english = ("Study or Subgroup", "Weight", "Events", "Total", "Heterogeneity", "Test for", "Fixed", "Random")
    assert not [s for s in texts if any(w in s for w in english)]
    funnel = _texts(plot_funnel(a, *_yi_vi(a), lang="zh"))
    assert {"相对危险度（RR）", "标准误 SE(log RR)", "伪 90% CI 界限", "合并效应量"} <= set(funnel)


def _headings(md: str, html: str) -> list[str]:
    return [line.lstrip("#").strip() for line in md.splitlines() if line.startswith("#")] + re.findall(
        r"<h[1-3]>(.*?)</h[1-3]>", html)


@pytest.mark.filterwarnings("ignore:Glyph .* missing from font")
def test_chinese_report_without_a_cjk_font(tmp_path, monkeypatch, caplog):
    """A Chinese run: Chinese headings and sentences, no English words of ours left; the figures drawn in
    English (this machine has no CJK font: warned, and the report says so)."""
    monkeypatch.setattr(style, "find_cjk_font", lambda: None)
    drawn = []
    real = meta_run.plot_forest
    monkeypatch.setattr(meta_run, "plot_forest", lambda *a, **k: drawn.append(k["lang"]) or real(*a, **k))
    cfg_path = _config(tmp_path, "meta_bcg.yaml", language="zh", title="卡介苗预防结核病（13 项试验）")
    cfg = load_meta_config(cfg_path)
    names = ["结核病", "结核病（按分配方式分亚组）"]
    cfg = cfg.model_copy(update={"outcomes": [o.model_copy(update={"name": n}) for o, n in zip(cfg.outcomes, names,
                                                                                              strict=True)]})
    with caplog.at_level(logging.WARNING, logger="mmcohort"):
        folder = meta_run.run_meta(cfg, tmp_path / "out")
    assert "fonts-noto-cjk" in caplog.text and drawn == ["en", "en"]
    md = (folder / "report.md").read_text(encoding="utf-8")
    html = (folder / "report.html").read_text(encoding="utf-8")
    heads = _headings(md, html)
    assert len(heads) == 2 * 4 and all(CJK.search(h) for h in heads), heads
    assert "## 方法" in md and '<html lang="zh-CN">' in html
    assert zh.WORDS["w_zh_font"] in md
    for word in ("合并效应量：RR 0.49", "随机效应模型", "异质性：Q = 152.57", "预测区间", "Egger 检验", "亚组间差异检验",
                 "| 亚组 | 研究数 | RR \\[95% CI\\] | I² |", "Mantel-Haenszel", "倒方差法", "发表偏倚"):
        assert word in md, word
    leftover = _english_fragments()
    assert not [f for f in leftover if f in md], [f for f in leftover if f in md]
    assert not re.search(r"\b(and|heterogeneity|Model|Random|Fixed|studies|study)\b", md)


def _english_fragments() -> list[str]:
    """The literal pieces (between placeholders) of every English meta.* word that Chinese words differently."""
    out = []
    for key, words in en.WORDS.items():
        if key.startswith("meta.") and words != zh.WORDS[key]:
            out += [f.strip() for f in re.split(r"\{[^}]*\}", words) if len(f.strip()) >= 6]
    return out


def test_english_report_has_no_chinese_and_no_font_note(tmp_path):
    r = _invoke("--config", ROOT / "config" / "meta_proportions.yaml", "--out", tmp_path, "-q", "--no-figures")
    assert r.exit_code == 0, r.output
    md = (tmp_path / "meta_proportions" / "report.md").read_text(encoding="utf-8")
    assert not CJK.search(md) and "## Methods" in md


@pytest.mark.parametrize(("value", "expect"), [("fr", "language: Input should be 'en' or 'zh' (got 'fr')"),
                                               ("Chinese", "(got 'Chinese')")])
def test_wrong_language_exits_2_located(tmp_path, value, expect):
    cfg = _config(tmp_path, "meta_bcg.yaml", language=value)
    r = _invoke("--config", cfg, "--out", tmp_path / "out")
    assert r.exit_code == 2
    assert str(cfg) in r.output and expect in r.output
    assert not (tmp_path / "out").exists()


def test_the_study_configs_report_block_is_an_unknown_key(tmp_path):
    """The meta config is flat (``title``, ``language`` at the top): a study-style ``report:`` block is refused."""
    r = _invoke("--config", _config(tmp_path, "meta_bcg.yaml", report={"language": "zh"}), "--out", tmp_path)
    assert r.exit_code == 2 and "report: unknown key" in r.output


def test_model_reason_and_method_words_round_trip():
    """meta.json keeps English reasons and methods; the report rewords them (unchanged in English)."""
    for q_p, i2 in ((0.5, 10.0), (0.0952, 24.2), (0.5, 60.0), (1e-9, 92.0), (float("nan"), 0.0)):
        reason = choose_model(q_p, i2)[1]
        assert reason_words(reason, "en") == reason
        assert not re.search("[a-z]{4}", reason_words(reason, "zh")), reason_words(reason, "zh")
    assert reason_words("heterogeneity P = 0.0952 < 0.10", "zh") == "异质性 P = 0.0952 < 0.10"
    for method in ("M-H, Fixed", "IV, Fixed", "M-H, Random (DL)", "IV, Random (REML)"):
        assert method_words(method, "en") == method
    assert method_words("M-H, Random (DL)", "zh") == "M-H，随机效应（DL）"
    assert ci_label(0.9, "zh") == "90% CI" and ci_label(0.975) == "97.5% CI"


def test_few_studies_sentence_in_both_languages(bcg_en):
    a = {**bcg_en[0][0], "k": 5, "egger": None, "model_choice": None, "pi_low": None}
    assert result_sentence(a, "en").endswith(" Fewer than 10 studies: no Egger's test or funnel plot.")
    zh_words = result_sentence(a, "zh")
    assert "k = 5 项研究" in zh_words and zh_words.endswith("纳入研究少于 10 项：未做 Egger 检验，未绘制漏斗图（发表偏倚不予评估）。")
    assert result_sentence({"k": 0}, "zh") == "没有可估计的研究。"
