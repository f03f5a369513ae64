"""Every confidence-interval label follows ``analysis.conf_level``: a 90% run never says "95%".

The run folder's text outputs (report.html, report.md, the Word and Excel tables, results.json, the
validation report) and every text drawn on every figure are searched, in English and in Chinese.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import pytest
from matplotlib.text import Text

from pipeline.figures.catalogue import plan_figures
from pipeline.run import manifest
from pipeline.runs.folder import write_outputs
from pipeline.runs.listing import format_runs, list_runs
from pipeline.text.fmt import level
from tests._cohort import make_result


def _folder_text(folder: Path) -> str:
    """All text a reader of the run folder sees: text files, and the XML inside .docx/.xlsx."""
    out = []
    for p in sorted(folder.rglob("*")):
        if p.suffix in (".html", ".md", ".json", ".csv"):
            out.append(p.read_text(encoding="utf-8-sig"))
        elif p.suffix in (".docx", ".xlsx"):
            with zipfile.ZipFile(io.BytesIO(p.read_bytes())) as z:
                out += [z.read(n).decode("utf-8") for n in z.namelist() if n.endswith(".xml")]
    return "\n".join(out)


def _figure_text(res, config, lang: str) -> str:
    specs, _ = plan_figures(res, config, lang=lang, text_lang=lang)
    texts = []
    for spec in specs:
        texts.append(spec.caption)
        fig = spec.make()
        texts += [t.get_text() for t in fig.findobj(Text)]
        legend_titles = [ax.get_legend().get_title().get_text() for ax in fig.axes if ax.get_legend()]
        texts += legend_titles
    return "\n".join(texts)


def test_level_text():
    assert [level(x) for x in (0.95, 0.9, 0.975, 0.8)] == ["95", "90", "97.5", "80"]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_90_percent_run_never_says_95(tmp_path, lang):
    res, config, prep = make_result(tmp_path / "data", n=14, language=lang, conf_level=0.9)
    folder = tmp_path / "run"
    write_outputs(folder, res, config, cutoff_report=prep.cutoff.as_dict(), issues=prep.validated.issues,
                   manifest=manifest(config, prep, 0.5), figures=False)
    text = _folder_text(folder)
    figs = _figure_text(res, config, lang)
    assert "95%" not in text and "95 %" not in text
    assert "95%" not in figs
    assert "90% CI" in text and "90% CI" in figs  # the labels are there, with the configured level
    # the intervals themselves are 90% ones (narrower than the 95% ones of the same data)
    res95, _, _ = make_result(tmp_path / "data95", n=14, language=lang)
    r90 = res.rates.set_index(["population", "endpoint"])
    r95 = res95.rates.set_index(["population", "endpoint"])
    both = r90.index[(r90["N"] > 0) & (r90["n"] > 0)]
    assert (r90.loc[both, "ci_low"] >= r95.loc[both, "ci_low"]).all()
    assert (r90.loc[both, "ci_low"] > r95.loc[both, "ci_low"]).any()


def test_compare_and_runs_label_the_run_level(tmp_path):
    import json

    run = tmp_path / "out" / "s_cutoff-2022-12-09"
    run.mkdir(parents=True)
    (run / "results.json").write_text(json.dumps({"n_patients": 1, "options": {"conf_level": 0.9}, "rates": [],
                                                  "survival": []}), encoding="utf-8")
    (run / "manifest.json").write_text(json.dumps({"study": "s", "cutoff": "2022-12-09", "inputs": []}),
                                       encoding="utf-8")
    text = format_runs(list_runs(tmp_path / "out"))
    assert "90%" in text and "95" not in text
