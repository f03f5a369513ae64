"""This cohort beside published cohorts (``literature:``): rounded counts from percentages, exact CIs,
the DerSimonian-Laird logit pool (checked by a hand computation), the report block in both languages,
CI labels from conf_level, results.json."""

from __future__ import annotations

import dataclasses
import math

import matplotlib

matplotlib.use("Agg")

import pytest

from pipeline.analysis.literature import literature_comparison, responders_from
from pipeline.analysis.results import analyse, results_json
from pipeline.config import LiteratureStudy, config_from_dict
from pipeline.cutoff import CutoffReport
from pipeline.derive.stage import derive_datasets
from pipeline.errors import ConfigError
from pipeline.figures.catalogue import plan_figures
from pipeline.report.build import assemble_document, render_markdown
from tests._cohort import make_result

PUBLISHED = [  # the reference study's discussion: n, ORR %
    {"name": "BRd", "n": 50, "orr_pct": 89, "median_pfs_months": 18.6},
    {"name": "BRd, lower dose", "n": 38, "orr_pct": 48, "median_pfs_months": 10},
    {"name": "BVd", "n": 73, "orr_pct": 58, "median_pfs_months": 10.8},
    {"name": "BPd", "n": 38, "orr_pct": 61, "median_pfs_months": 9.6},
    {"name": "BKd", "n": 63, "orr_pct": 51, "median_pfs_months": 11.6, "responders": None},
]


def _study(**kw) -> LiteratureStudy:
    return LiteratureStudy(**kw)


@pytest.mark.parametrize(("n", "pct", "count", "odd"), [
    (50, 89, 45, True),  # 44.5 rounds half up to 45 (90%); 44 would be 88%: no count gives 89%
    (38, 48, 18, True),  # 18.24 -> 18 = 47.4%; 19 = 50%
    (73, 58, 42, False),  # 42.34 -> 42 = 57.5%, rounds to 58%
    (38, 61, 23, False),  # 23.18 -> 23 = 60.5%
    (63, 51, 32, False),  # 32.13 -> 32 = 50.8%
    (29, 37.9, 11, False),  # 10.99 -> 11
])
def test_percentage_becomes_the_rounded_count(n, pct, count, odd):
    r, from_pct, not_reproducible = responders_from(_study(name="x", n=n, orr_pct=pct))
    assert (r, from_pct, not_reproducible) == (count, True, odd)
    assert responders_from(_study(name="x", n=n, responders=count)) == (count, False, False)


def test_config_refuses_bad_literature_entries():
    base = {"study": "s", "cutoff": "2023-01-01", "inputs": {"patients": "p.csv"}}
    for bad, words in (({"name": "A", "n": 10}, "exactly one"),
                       ({"name": "A", "n": 10, "responders": 3, "orr_pct": 30}, "exactly one"),
                       ({"name": "A", "n": 10, "responders": 11}, "must be <= n"),
                       ({"name": "A", "n": 0, "responders": 0}, "greater than 0"),
                       ({"name": "A", "n": 10, "responders": 3, "pfs": 4}, "unknown key")):
        with pytest.raises(ConfigError, match=words):
            config_from_dict({**base, "literature": [bad]})


def _hand_dl_logit(xs, ns, z=1.959963984540054):
    """DerSimonian-Laird on logits written out by hand: y = ln(x/(n-x)), v = 1/x + 1/(n-x)."""
    y = [math.log(x / (n - x)) for x, n in zip(xs, ns, strict=True)]
    v = [1 / x + 1 / (n - x) for x, n in zip(xs, ns, strict=True)]
    w = [1 / vi for vi in v]
    fe = sum(wi * yi for wi, yi in zip(w, y, strict=True)) / sum(w)
    q = sum(wi * (yi - fe) ** 2 for wi, yi in zip(w, y, strict=True))
    tau2 = max(0.0, (q - (len(y) - 1)) / (sum(w) - sum(wi * wi for wi in w) / sum(w)))
    ws = [1 / (vi + tau2) for vi in v]
    est = sum(wi * yi for wi, yi in zip(ws, y, strict=True)) / sum(ws)
    se = 1 / math.sqrt(sum(ws))
    expit = lambda t: 1 / (1 + math.exp(-t))  # noqa: E731
    return expit(est), expit(est - z * se), expit(est + z * se), tau2


@pytest.fixture(scope="module")
def result(tmp_path_factory):
    res, cfg, prep = make_result(tmp_path_factory.mktemp("lit"))
    return res, cfg


def _with_literature(cfg, level=0.95):
    data = cfg.model_dump(mode="json")
    data["analysis"]["conf_level"] = level
    return config_from_dict({**data, "literature": PUBLISHED})


def test_comparison_numbers(result):
    res, cfg = result
    cfg = _with_literature(cfg)
    lit = literature_comparison(res.rates, res.survival, cfg)
    assert [s["responders"] for s in lit["studies"]] == [45, 18, 42, 23, 32]
    brd = lit["studies"][0]  # 45/50: upper limit solves P(X <= 45 | p) = 0.025
    hi = brd["ci_high"]
    assert math.isclose(sum(math.comb(50, k) * hi**k * (1 - hi) ** (50 - k) for k in range(46)), 0.025,
                        rel_tol=1e-8)
    est, lo, hi, tau2 = _hand_dl_logit([45, 18, 42, 23, 32], [50, 38, 73, 38, 63])
    p = lit["pooled"]
    for got, want in ((p["estimate"], est), (p["ci_low"], lo), (p["ci_high"], hi), (p["tau2"], tau2)):
        assert math.isclose(got, want, rel_tol=1e-9)
    orr = res.rates[(res.rates["endpoint"] == "ORR") & res.rates["population"].str.startswith("response-eval")]
    assert lit["cohort"]["responders"] == int(orr["n"].iloc[0]) and lit["cohort"]["n"] == int(orr["N"].iloc[0])
    assert literature_comparison(res.rates, res.survival, cfg.model_copy(update={"literature": []})) is None


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_report_block_both_languages_and_ci_from_conf_level(result, lang):
    res, cfg = result
    cfg = _with_literature(cfg, level=0.90)
    res = dataclasses.replace(res, literature=literature_comparison(res.rates, res.survival, cfg))
    md = render_markdown(assemble_document(res, cfg, lang=lang))
    block = md[md.index("本队列与已发表队列的比较" if lang == "zh" else "This cohort beside published cohorts"):]
    block = block[: block.index("\n## ")]
    assert "90% CI" in block and "95%" not in block
    assert "45/50\u2020" in block and "BKd" in block and "18.6" in block
    words = ("仅报告了百分比", "四舍五入") if lang == "zh" else ("Only a percentage was published", "rounded")
    assert all(w in block for w in words)
    assert ("BRd (89% of 50)" if lang == "en" else "BRd（50 例中 89%）") in block


def test_analyse_and_results_json_carry_literature(result):
    res, cfg = result
    cfg = _with_literature(cfg)
    from pipeline.run import prepare

    prep = prepare(cfg)
    res2 = analyse(derive_datasets(prep.tables, res.response, cfg), prep.tables, cfg)
    d = results_json(res2, cfg, CutoffReport("2023-01-01").as_dict())
    assert d["literature"]["pooled"]["k"] == 5 and d["literature"]["conf_level"] == 0.95
    specs, _ = plan_figures(res2, cfg)
    spec = next(s for s in specs if s.name == "literature_orr")
    assert spec.section == "response" and "95% CI" in spec.caption
    fig = spec.make()
    texts = [t.get_text() for t in fig.texts]
    assert "45/50" in texts and any(t.startswith("This cohort") for t in texts)
    assert results_json(res, cfg, CutoffReport("2023-01-01").as_dict())["literature"] is None  # the fixture's run had no literature: key
