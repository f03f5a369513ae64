"""``mmcohort meta`` end to end: the bundled example configs reproduce metafor's numbers in meta.json,
bad input exits 2 with located messages, reruns are byte-identical."""

from __future__ import annotations

import json
import math
import shutil
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from pipeline.cli import main
from tests.reference import load_json

ROOT = Path(__file__).resolve().parents[2]
REF = load_json("r_reference_models.json")
KEYS = {"outcome", "measure", "method", "k", "estimate", "ci_low", "ci_high", "z", "p", "Q", "Q_df", "Q_p", "I2",
        "tau2", "pi_low", "pi_high", "studies", "subgroups", "subgroup_test", "egger"}


def _invoke(*args):
    return CliRunner().invoke(main, ["meta", *[str(a) for a in args]], catch_exceptions=False)


def _run(cfg: Path, out: Path, *extra) -> dict:
    r = _invoke("--config", cfg, "--out", out, "-q", *extra)
    assert r.exit_code == 0, r.output
    name = yaml.safe_load(cfg.read_text(encoding="utf-8"))["name"]
    return json.loads((out / name / "meta.json").read_text(encoding="utf-8"))


def _close(a, b, rel=1e-6):
    return abs(a - b) <= rel * abs(b) or abs(a - b) <= 1e-6 and abs(b) < 1e-3


def _has(output: str, *parts: str) -> bool:
    """Some line of the error table holds every part (file, line, column, value, rule)."""
    return any(all(p in line for p in parts) for line in output.splitlines())


def _edited(tmp_path: Path, src: str, **changes) -> Path:
    """A copy of a bundled config (studies path made absolute) with top-level keys or outcome 0 changed."""
    cfg = yaml.safe_load((ROOT / "config" / src).read_text(encoding="utf-8"))
    cfg["studies"] = str((ROOT / "config" / cfg["studies"]).resolve())
    for k, v in changes.items():
        if k.startswith("outcome_"):
            cfg["outcomes"][0][k[8:]] = v
        else:
            cfg[k] = v
    path = tmp_path / "meta.yaml"
    path.write_text(yaml.safe_dump(cfg, allow_unicode=True), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def bcg(tmp_path_factory):
    out = tmp_path_factory.mktemp("meta")
    return _run(ROOT / "config" / "meta_bcg.yaml", out), out


def test_bcg_example_random_by_rule_and_subgroups_equal_metafor(bcg):
    meta, out = bcg
    a, sub = meta["analyses"]
    assert KEYS <= set(a) and KEYS <= set(sub)
    assert a["model"] == "random" and a["model_choice"]["chosen"] == "random" and a["method"] == "M-H, Random (DL)"
    assert a["k"] == 13 and a["egger"]["df"] == 11
    assert _close(a["egger"]["t"], REF["meta_bcg"]["egger_lm"]["t"])
    for s, r in zip(a["studies"], REF["meta_bcg"]["rr_studies"], strict=True):  # escalc per-study RR
        assert _close(s["estimate"], r["rr"]) and _close(s["ci_low"], r["lower"]) and _close(s["ci_high"], r["upper"])
    assert math.isclose(sum(s["weight"] for s in a["studies"]), 100)
    ref = REF["meta_bcg"]["rr_iv_fixed_subgroups"]
    for got, want in zip(sub["subgroups"], ref["subgroups"], strict=True):
        assert got["subgroup"] == want["subgroup"] and got["k"] == want["k"]
        for k in ("estimate", "ci_low", "ci_high", "se", "Q", "I2"):
            assert _close(got[k], want[{"ci_low": "lower", "ci_high": "upper"}.get(k, k)]), k
    t = sub["subgroup_test"]
    assert _close(t["Q"], ref["between"]["Q"]) and t["df"] == 2 and _close(t["p"], ref["between"]["p"])
    for f in ("forest_01_tuberculosis.png", "funnel_01_tuberculosis.png", "forest_02_tuberculosis_by_allocation.svg"):
        assert (out / "meta_bcg" / "figures" / f).stat().st_size > 1000
    md = (out / "meta_bcg" / "report.md").read_text(encoding="utf-8")
    assert "Methods" in md and "Mantel-Haenszel" in md and "Test for subgroup differences" in md


@pytest.mark.parametrize(("model", "method", "key"), [("fixed", "MH", "rr_mh_fixed"), ("fixed", "IV", "rr_iv_fixed"),
                                                      ("random", "IV", "rr_dl_random")])
def test_bcg_configured_models_equal_metafor(tmp_path, model, method, key):
    """meta.json of the bundled BCG data with the model fixed by the config = rma.mh / rma (FE, DL)."""
    cfg = _edited(tmp_path, "meta_bcg.yaml", outcome_model=model, outcome_method=method)
    a = _run(cfg, tmp_path / "out", "--no-figures")["analyses"][0]
    ref = REF["meta_bcg"][key]
    for k, r in (("estimate", "estimate"), ("ci_low", "lower"), ("ci_high", "upper"), ("z", "z"), ("Q", "Q"),
                 ("I2", "I2"), ("tau2", "tau2")):
        assert _close(a[k], ref[r]), k
    assert _close(a["p"], ref["p"]) and _close(a["Q_p"], ref["Q_p"]) and a["Q_df"] == 12
    if model == "random":
        pi = REF["meta_bcg"]["rr_dl_prediction_interval"]
        assert _close(a["pi_low"], pi["lower"]) and _close(a["pi_high"], pi["upper"])
    else:
        assert a["pi_low"] is None and a["model_choice"] is None


def test_mh_random_takes_tau2_from_the_mh_q(bcg):
    """RevMan 5's M-H random effects: tau2 = (Q_MH - df) / (sum w - sum w^2 / sum w), Q_MH = rma.mh's QE
    (152.5676), not rma's 152.2330: so tau2 and I2 exceed metafor's DL values, and I2 = (Q_MH - 12) / Q_MH."""
    a = bcg[0]["analyses"][0]
    q_mh = REF["meta_bcg"]["rr_mh_fixed"]["Q"]
    assert _close(a["Q"], q_mh) and _close(a["I2"], (q_mh - 12) / q_mh * 100)
    dl = REF["meta_bcg"]["rr_dl_random"]
    # same denominator C as metafor's DL: tau2_DL = (Q_IV - 12) / C
    c = (dl["Q"] - 12) / dl["tau2"]
    assert _close(a["tau2"], (q_mh - 12) / c)


def test_ratio_ci_example_equals_metafor_generic_iv(tmp_path):
    a = _run(ROOT / "config" / "meta_ratio_ci.yaml", tmp_path)["analyses"][0]
    ref = REF["meta_generic_iv"]["dl_random"]  # the rule: Q p = 0.095 < 0.10 -> random effects
    assert a["model"] == "random" and "0.0952" in a["model_choice"]["reason"]
    for k, r in (("estimate", "estimate"), ("ci_low", "lower"), ("ci_high", "upper"), ("tau2", "tau2"), ("I2", "I2")):
        assert _close(a[k], ref[r]), k
    assert _close(a["p"], ref["p"])


def test_proportions_example_equals_metafor(tmp_path):
    logit, ft = _run(ROOT / "config" / "meta_proportions.yaml", tmp_path)["analyses"]
    for a, ref in ((logit, REF["meta_proportion"]["logit_dl"]), (ft, REF["meta_proportion"]["freeman_tukey_dl"])):
        for k, r in (("estimate", "estimate"), ("ci_low", "lower"), ("ci_high", "upper"), ("tau2", "tau2"),
                     ("I2", "I2"), ("Q", "Q")):
            assert _close(a[k], ref[r]), k
    giannotta = logit["studies"][0]  # 16/17 with its exact (Clopper-Pearson) CI
    lo = giannotta["ci_low"]  # solves P(X >= 16 | p) = p^17 + 17 p^16 (1 - p) = 0.025
    assert giannotta["estimate"] == 16 / 17 and math.isclose(lo**17 + 17 * lo**16 * (1 - lo), 0.025, rel_tol=1e-9)


def test_rerun_is_byte_identical(tmp_path, bcg):
    meta, out = bcg
    again = tmp_path / "again"
    _run(ROOT / "config" / "meta_bcg.yaml", again)
    for f in ("meta.json", "report.md", "tables/studies_01_tuberculosis.csv", "figures/forest_01_tuberculosis.png"):
        assert (again / "meta_bcg" / f).read_bytes() == (out / "meta_bcg" / f).read_bytes(), f


def test_zero_cells_in_the_output(tmp_path):
    """A double-zero study is excluded and named; a single-zero study is corrected and named."""
    src = ROOT / "synthetic_data" / "meta" / "bcg.csv"
    lines = src.read_text(encoding="utf-8").splitlines()
    lines += ["Zero both 2000,2000,0,50,0,60,random", "Zero one 2001,2001,0,40,3,45,random"]
    data = tmp_path / "bcg_zero.csv"
    data.write_text("\n".join(lines) + "\n", encoding="utf-8")
    cfg = _edited(tmp_path, "meta_bcg.yaml", studies=str(data))
    a = _run(cfg, tmp_path / "out")["analyses"][0]
    assert a["k"] == 14 and a["excluded"] == ["Zero both 2000"] and a["zero_cell_corrected"] == ["Zero one 2001"]
    row = next(s for s in a["studies"] if s["study"] == "Zero both 2000")
    assert row["weight"] is None and row["estimate"] is None and "excluded" in row["note"]
    one = next(s for s in a["studies"] if s["study"] == "Zero one 2001")
    assert _close(one["estimate"], (0.5 / 41) / (3.5 / 46))  # 0.5 added to each cell: n1 = 41, n2 = 46
    md = (tmp_path / "out" / "meta_bcg" / "report.md").read_text(encoding="utf-8")
    assert "Excluded (no events in either arm): Zero both 2000" in md


def test_bad_studies_exit_2_with_every_problem_located(tmp_path):
    shutil.copy(ROOT / "synthetic_data" / "meta" / "hackshaw_or.csv", tmp_path / "h.csv")
    text = (tmp_path / "h.csv").read_text(encoding="utf-8").splitlines()
    text[1] = "Garfinkel 1981,1.18,1.30,1.54"  # CI does not contain the estimate (line 2)
    text[2] = "Hirayama 1984,abc,1.02,2.08"  # not a number (line 3)
    (tmp_path / "h.csv").write_text("\n".join(text) + "\n", encoding="utf-8")
    cfg = _edited(tmp_path, "meta_ratio_ci.yaml", studies=str(tmp_path / "h.csv"))
    r = _invoke("--config", cfg, "--out", tmp_path / "out")
    assert r.exit_code == 2
    assert _has(r.output, "h.csv", " 2 ", "or", "1.18", "must contain the estimate")
    assert _has(r.output, "h.csv", " 3 ", "or", "abc", "must be a number")
    assert not (tmp_path / "out" / "meta_ratio_ci").exists()


def test_events_above_totals_and_missing_column(tmp_path):
    src = (ROOT / "synthetic_data" / "meta" / "bcg.csv").read_text(encoding="utf-8").splitlines()
    src[3] = "Rosenthal et al 1960,1960,300,231,11,0,random"  # events > total; a zero total
    (tmp_path / "b.csv").write_text("\n".join(src) + "\n", encoding="utf-8")
    r = _invoke("--config", _edited(tmp_path, "meta_bcg.yaml", studies=str(tmp_path / "b.csv")), "--out", tmp_path)
    assert r.exit_code == 2
    assert _has(r.output, "b.csv", " 4 ", "bcg_events", "300", "events must be <= the total in 'bcg_total'")
    assert _has(r.output, "b.csv", " 4 ", "control_total", "0", "the total must be positive")
    cfg = _edited(tmp_path, "meta_bcg.yaml", outcome_subgroup="no_such_column")
    r = _invoke("--config", cfg, "--out", tmp_path)
    assert r.exit_code == 2 and "no_such_column" in r.output and "not in the table" in r.output


def test_bad_config_exit_2(tmp_path):
    r = _invoke("--config", _edited(tmp_path, "meta_bcg.yaml", colour="red"), "--out", tmp_path)
    assert r.exit_code == 2 and "colour: unknown key" in r.output
    r = _invoke("--config", _edited(tmp_path, "meta_bcg.yaml", outcome_measure="HR"), "--out", tmp_path)
    assert r.exit_code == 2 and "measure" in r.output
    r = _invoke("--config", tmp_path / "missing.yaml", "--out", tmp_path)
    assert r.exit_code == 2 and "not found" in r.output


@pytest.mark.filterwarnings("ignore:Glyph .* missing from font")  # machines without a CJK font
def test_xlsx_and_gb18030_tables_and_escaped_report(tmp_path):
    """The studies table goes through the project's loader: .xlsx, and a GB18030 CSV with Chinese labels;
    study labels that look like HTML are escaped in the HTML report."""
    import pandas as pd

    d = pd.read_csv(ROOT / "synthetic_data" / "meta" / "hackshaw_or.csv")
    d.loc[0, "study"] = "<script>alert(1)</script> 1981"
    d.loc[1, "study"] = "平山（日本）1984"
    d.to_excel(tmp_path / "h.xlsx", index=False)
    raw = d.to_csv(index=False).encode("gb18030")
    with pytest.raises(UnicodeDecodeError):  # so the loader must detect GB18030, not read it as UTF-8
        raw.decode("utf-8")
    (tmp_path / "h.csv").write_bytes(raw)
    results = []
    for name in ("h.xlsx", "h.csv"):
        cfg = _edited(tmp_path, "meta_ratio_ci.yaml", studies=str(tmp_path / name))
        out = tmp_path / name.replace(".", "_")
        a = _run(cfg, out)["analyses"][0]
        assert a["studies"][1]["study"] == "平山（日本）1984"
        results.append(a["estimate"])
        html = (out / "meta_ratio_ci" / "report.html").read_text(encoding="utf-8")
        assert "<script>" not in html
    ref = REF["meta_generic_iv"]["dl_random"]["estimate"]
    assert _close(results[0], ref) and _close(results[1], ref)


def test_single_study_and_not_estimable_outcomes(tmp_path):
    (tmp_path / "s.csv").write_text("study,e1,n1,e2,n2,hr,lo,hi\nA 2001,0,20,0,22,,,\nB 2003,,,,,0.7,0.5,0.9\n",
                                    encoding="utf-8")
    cfg = {"name": "edge", "studies": str(tmp_path / "s.csv"), "study_column": "study", "outcomes": [
        {"name": "rr", "type": "dichotomous", "columns": {"experimental_events": "e1", "experimental_total": "n1",
                                                          "control_events": "e2", "control_total": "n2"}},
        {"name": "hr", "type": "generic", "model": "random", "columns": {"estimate": "hr", "lower": "lo",
                                                                         "upper": "hi"}}]}
    (tmp_path / "m.yaml").write_text(yaml.safe_dump(cfg), encoding="utf-8")
    rr, hr = _run(tmp_path / "m.yaml", tmp_path / "out")["analyses"]
    assert rr["k"] == 0 and rr["note"] == "no study is estimable"
    se = (math.log(0.9) - math.log(0.5)) / (2 * 1.959963984540054)  # one study: the pooled value is the study
    assert hr["k"] == 1 and _close(hr["estimate"], 0.7) and _close(hr["se"], se) and hr["pi_low"] is None


def test_the_model_defaults_to_random_effects_not_the_rule(tmp_path):
    """An outcome without `model:` is pooled by random effects (chosen before the data are seen); the
    heterogeneity rule applies only when configured: same numbers as `model: random`, no model_choice."""
    cfg = yaml.safe_load((ROOT / "config" / "meta_bcg.yaml").read_text(encoding="utf-8"))
    cfg["studies"] = str((ROOT / "config" / cfg["studies"]).resolve())
    cfg["outcomes"] = [cfg["outcomes"][0]]
    del cfg["outcomes"][0]["model"]
    path = tmp_path / "meta.yaml"
    path.write_text(yaml.safe_dump(cfg, allow_unicode=True), encoding="utf-8")
    a = _run(path, tmp_path / "out", "--no-figures")["analyses"][0]
    assert a["model"] == "random" and a["model_choice"] is None and a["method"] == "M-H, Random (DL)"
