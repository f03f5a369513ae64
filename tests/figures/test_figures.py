"""Figures: structure, not pixels. Every figure is written and non-trivial, the numbers at risk drawn are
the analysis' own, the waterfall is left out without raw values, Chinese falls back to English without a
CJK font."""

from __future__ import annotations

import io
import logging
import pickle
import re
import xml.etree.ElementTree as ET

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure
from PIL import Image

from pipeline.figures import labels as L
from pipeline.figures import style
from pipeline.figures.catalogue import plan_figures
from pipeline.figures.flow import patient_flow, plot_patient_flow
from pipeline.figures.forest import plot_forest
from pipeline.figures.km import RISK_AXES_LABEL, km_panels, plot_km, visible_ticks
from pipeline.figures.response import plot_response_by_cycle, plot_waterfall, waterfall_data
from pipeline.figures.save import figure_bytes, figure_files
from pipeline.figures.swimmer import MAX_LABELLED, plot_swimmer, swimmer_data
from pipeline.vocab import DAYS_PER_MONTH
from tests._cohort import make_result, rendered_run


@pytest.fixture(scope="module")
def result(tmp_path_factory):
    res, config, prep = make_result(tmp_path_factory.mktemp("fig"), n=14)
    return res, config, prep


def _texts(fig: Figure) -> list[str]:
    out = [t.get_text() for t in fig.findobj(matplotlib.text.Text)]
    return [s for s in out if s]


def _risk_axes(fig: Figure):
    (axr,) = [a for a in fig.axes if a.get_label() == RISK_AXES_LABEL]
    return axr


# --------------------------------------------------------------------------- Kaplan-Meier


def test_numbers_at_risk_drawn_are_the_analysis_risk_table(result):
    res, config, _ = result
    panels = km_panels(res.curves, res.landmark_curves, res.comparisons, res.landmark_comparisons, level="95")
    assert len(panels) >= 4
    for p in panels:
        fig = p.draw(res.ticks_months, res.risk_table)
        ax, axr = fig.axes[0], _risk_axes(fig)
        ticks = visible_ticks(res.ticks_months, p.curves)
        k = len(p.curves)
        drawn: dict[int, dict[float, int]] = {}
        for t in axr.texts:
            x, y = t.get_position()
            drawn.setdefault(int(round(y)), {})[float(x)] = int(t.get_text())
        assert sorted(drawn) == list(range(k))
        for i, c in enumerate(p.curves):
            row = drawn[k - 1 - i]  # first curve on the top row
            assert sorted(row) == ticks  # one number under every tick, at the tick's x
            tab = res.risk_table
            sel = tab[(tab["endpoint"] == c.endpoint) & (tab["group_by"].astype(object).eq(c.group_by)
                                                        if c.group_by is not None else tab["group_by"].isna())
                      & (tab["group"].astype(object).eq(c.group) if c.group is not None else tab["group"].isna())]
            expected = dict(zip(sel["time_months"].astype(float), sel["n_risk"].astype(int), strict=True))
            assert row == {t: expected[t] for t in ticks}, p.name
        # aligned: the table shares the curve's x axis and its ticks are the plot's ticks
        assert axr.get_shared_x_axes().joined(ax, axr)
        assert axr.get_xlim() == ax.get_xlim()
        assert list(ax.get_xticks()) == ticks
        # the row labels name the groups, in the curves' colours
        assert [t.get_text() for t in axr.get_yticklabels()][::-1] == [
            L.group_label(c.group_by, c.group) for c in p.curves]


def test_km_carries_test_results_medians_and_censor_marks(result):
    res, _, _ = result
    panel = next(p for p in km_panels(res.curves, res.landmark_curves, res.comparisons, res.landmark_comparisons, level="95")
                 if p.group_by == "cycles" and not p.landmark and p.endpoint == "PFS")
    fig = panel.draw(res.ticks_months, res.risk_table)
    ax = fig.axes[0]
    title = ax.get_legend().get_title().get_text()
    assert "Log-rank p" in title and "HR" in title and "95% CI" in title
    row = res.comparisons.query("endpoint == 'PFS' and group_by == 'cycles'").iloc[0]
    assert f"{row['hr']:.2f}" in title
    # censor marks: '|' markers at every censoring time of each curve
    marks = [ln for ln in ax.get_lines() if ln.get_marker() == "|" and len(ln.get_xdata())]
    n_cens = sum(int((np.asarray(c.fit.n_censor) > 0).sum()) for c in panel.curves)
    assert sum(len(m.get_xdata()) for m in marks) == n_cens
    # dashed median lines, from the 50% line down to the x axis at each median (months)
    medians = res.survival.query("endpoint == 'PFS' and group_by == 'cycles'")["median"].dropna()
    drops = {round(float(ln.get_xdata()[0]), 6) for ln in ax.get_lines()
             if len(ln.get_xdata()) == 2 and ln.get_xdata()[0] == ln.get_xdata()[1]
             and list(ln.get_ydata()) == [0, 0.5] and ln.get_linestyle() == "--"}
    assert drops == {round(float(m), 6) for m in medians}
    assert not any(re.search(r"\b(nan|inf|None)\b", s) for s in _texts(fig))


def test_landmark_figure_is_labelled_as_such(result):
    res, _, _ = result
    panel = next(p for p in km_panels(res.curves, res.landmark_curves, res.comparisons, res.landmark_comparisons, level="95")
                 if p.landmark)
    fig = panel.draw(res.ticks_months, res.risk_table)
    texts = " ".join(_texts(fig))
    assert "landmark" in texts.lower() and "day 56" in texts
    assert fig.axes[0].get_xlabel().startswith("Months since the landmark")


def test_plot_km_needs_curves_and_computes_counts_without_a_table(result):
    res, _, _ = result
    with pytest.raises(ValueError):
        plot_km([], res.ticks_months, level="95")
    c = res.curves[0]
    fig = plot_km([c], res.ticks_months, level="95")  # no risk table given: counted from the curve's own times
    ticks = visible_ticks(res.ticks_months, [c])
    got = [int(t.get_text()) for t in sorted(_risk_axes(fig).texts, key=lambda t: t.get_position()[0])]
    assert got == [int((c.time_days >= t * DAYS_PER_MONTH).sum()) for t in ticks]


# --------------------------------------------------------------------------- other figures


def test_waterfall_one_bar_per_patient_sorted_with_thresholds(result):
    res, _, _ = result
    wf = waterfall_data(res.adsl, res.response.patients)
    assert wf is not None and len(wf) == res.adsl["best_pct_change"].notna().sum()
    ax = plot_waterfall(wf)
    heights = [b.get_height() for b in ax.patches if b.get_width() == pytest.approx(0.8)]
    assert len(heights) == len(wf)
    assert heights == sorted(heights, reverse=True)
    hlines = {round(ln.get_ydata()[0]) for ln in ax.get_lines()}
    assert {-50, -90} <= hlines


def test_no_waterfall_and_no_by_cycle_without_raw_values(tmp_path):
    res, config, prep = make_result(tmp_path, n=8, level="patients")
    assert waterfall_data(res.adsl, res.response.patients) is None
    specs, omitted = plan_figures(res, config, prep.cutoff.as_dict())
    names = {s.name for s in specs}
    assert "waterfall_best_change" not in names and "response_by_cycle" not in names
    assert {o.name for o in omitted} >= {"waterfall_best_change", "response_by_cycle"}
    assert all(o.reason for o in omitted)
    assert {"km_pfs_overall", "km_os_overall", "swimmer", "patient_flow", "forest_hazard_ratios"} <= names


def test_swimmer_one_bar_per_patient_by_study_id(result):
    res, _, _ = result
    d = swimmer_data(res.adsl, res.adtte, res.adrs)
    assert len(d) == len(res.adsl)
    ax = plot_swimmer(d)
    bars = [p for p in ax.patches if p.get_height() == pytest.approx(0.62)]
    assert len(bars) == len(res.adsl)
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert sorted(labels) == sorted(res.adsl["patient_id"])  # pseudonymous IDs, nothing else
    os_months = res.adtte.query("PARAMCD == 'OS'").set_index("patient_id")["AVAL"] / DAYS_PER_MONTH
    for lab, bar in zip(labels, sorted(bars, key=lambda b: b.get_y()), strict=True):
        assert bar.get_width() == pytest.approx(os_months[lab])
    big = pd.concat([d.assign(patient_id=d["patient_id"] + f"-{i}") for i in range(5)], ignore_index=True)
    assert len(big) > MAX_LABELLED
    assert not any(t.get_text() for t in plot_swimmer(big).get_yticklabels())  # too many to label


def test_response_by_cycle_shows_n_per_cycle(result):
    res, _, _ = result
    ax = plot_response_by_cycle(res.by_cycle)
    n_labels = sorted(t.get_text() for t in ax.texts if t.get_text().startswith("n = "))
    expected = sorted(f"n = {int(n)}" for n in res.by_cycle.groupby("cycle")["N"].first())
    assert n_labels == expected


def test_forest_has_a_row_per_comparison_and_endpoint(result):
    res, _, _ = result
    ax = plot_forest(res.comparisons, res.landmark_comparisons, level="95")
    texts = [t.get_text() for t in ax.texts]
    n_rows = len(res.comparisons) + len(res.landmark_comparisons)
    assert sum(t in ("PFS", "OS") for t in texts) == n_rows
    with_hr = pd.concat([res.comparisons, res.landmark_comparisons])["hr"].notna().sum()
    squares = [ln for ln in ax.get_lines() if ln.get_marker() == "s"]
    assert len(squares) == with_hr
    assert any("†" in t for t in texts)  # the cycles comparison is flagged
    assert any("landmark day 56" in t for t in texts)


def test_patient_flow_counts():
    adsl = pd.DataFrame({"cycles": [1, 2, 3, 4, 6, 1], "death_date": [pd.Timestamp("2022-01-01"), pd.NaT, pd.NaT,
                                                                      pd.NaT, pd.NaT, pd.NaT]})
    rep = {"cutoff": "2022-12-09", "patients_excluded": ["X1", "X2"], "deaths_censored": ["P3"],
           "progressions_censored": []}
    steps = patient_flow(adsl, rep, evaluable_min_cycles=2, extended_min_cycles=4)
    assert [s.n for s in steps] == [8, 6, 4, 2]
    assert [s.excluded_n for s in steps[:3]] == [2, 2, 2]
    assert "1 died, 1 alive" in steps[1].excluded_label
    assert any("1 death" in n for n in steps[1].notes)
    ax = plot_patient_flow(steps)
    assert sum("n = " in t.get_text() for t in ax.texts) == len(steps) + 3


# --------------------------------------------------------------------------- files, language


def test_every_figure_written_as_png_and_svg():
    folder, written, res, config, prep = rendered_run()
    specs, _ = plan_figures(res, config, prep.cutoff.as_dict())
    assert len(specs) >= 15
    for s in specs:
        png, svg = folder / "figures" / f"{s.name}.png", folder / "figures" / f"{s.name}.svg"
        assert png.stat().st_size > 10_000, s.name
        with Image.open(png) as im:
            assert im.format == "PNG" and im.size[0] > 300
        root = ET.parse(svg).getroot()
        assert root.tag.endswith("svg")
        assert svg.stat().st_size > 10_000


def test_png_is_300_dpi_and_svg_is_deterministic(result):
    res, _, _ = result
    files = figure_files(plot_response_by_cycle(res.by_cycle).figure)
    with Image.open(io.BytesIO(files.png)) as im:
        assert tuple(round(v) for v in im.info["dpi"]) == (300, 300)
    again = figure_files(plot_response_by_cycle(res.by_cycle).figure)
    assert files == again
    assert b"<dc:date>" not in files.svg
    with pytest.raises(ValueError):
        figure_bytes(Figure(), "jpg")


def test_figure_jobs_are_picklable_and_give_the_run_folders_bytes():
    """A figure job sent to a worker (pickled, or inherited at fork) draws the same files the run holds."""
    from pipeline.figures.catalogue import figure_jobs

    folder, written, res, config, prep = rendered_run()  # drawn at 60 dpi
    specs, _ = plan_figures(res, config, prep.cutoff.as_dict())
    jobs = figure_jobs(specs, dpi=60)
    copies = [pickle.loads(pickle.dumps(j)) for j in jobs]  # every job, with its data
    for spec, (fn, args) in [(specs[0], copies[0]), *[(s, c) for s, c in zip(specs, copies, strict=True)
                                                       if s.name == "km_pfs_overall"]]:
        files = fn(*args)
        assert files.png == (folder / "figures" / f"{spec.name}.png").read_bytes()
        assert files.svg == (folder / "figures" / f"{spec.name}.svg").read_bytes()


@pytest.mark.parametrize("name", ["km_pfs_regimen", "swimmer", "patient_flow"])
def test_figure_files_are_the_bytes_savefig_gives(result, name):
    """figure_files lays a figure out once and draws each file once; the bytes are those of savefig, which
    lays out and draws an extra time before each file. (A matplotlib whose savefig lays out otherwise
    fails here: then ``save._lay_out`` must follow it.)"""
    from pipeline.figures.catalogue import plan_figures

    res, config, prep = result
    specs = {s.name: s for s in plan_figures(res, config, prep.cutoff.as_dict())[0]}
    spec = specs[name]
    fig = spec.make()
    assert (fig.get_layout_engine() is not None) == (name != "patient_flow")
    svg = figure_bytes(fig, "svg")
    if fig.get_layout_engine() is not None:
        fig.set_layout_engine("none")  # a placeholder engine: savefig draws once more before the PNG
    png = figure_bytes(fig, "png", 80)
    files = figure_files(spec.make(), dpi=80)
    assert files.svg == svg
    assert files.png == png


def test_chinese_without_cjk_font_draws_english_and_says_how_to_install(monkeypatch, caplog, result):
    monkeypatch.setattr(style, "find_cjk_font", lambda: None)
    with caplog.at_level(logging.WARNING, logger="mmcohort"):
        assert style.figure_language("zh") == "en"
    assert "fonts-noto-cjk" in caplog.text and ".ttf" in caplog.text
    assert style.figure_language("zh", cjk_font="Noto Sans CJK SC") == "zh"
    assert style.figure_language("en") == "en"


def test_chinese_labels_when_a_font_exists(monkeypatch, result):
    res, _, _ = result
    monkeypatch.setattr(style, "find_cjk_font", lambda: "DejaVu Sans")  # any font: we only read the text
    panel = km_panels(res.curves, res.landmark_curves, res.comparisons, res.landmark_comparisons, lang="zh", level="95")[0]
    fig = panel.draw(res.ticks_months, res.risk_table, lang="zh")
    assert fig.axes[0].get_ylabel() == "无进展生存率（%）"
    assert _risk_axes(fig).get_title(loc="left") == "风险人数"


def test_palette_is_colour_blind_safe_okabe_ito():
    assert style.GROUP_COLOURS[:2] == ("#0072B2", "#D55E00")
    assert len(set(style.RESPONSE_COLOURS.values())) == len(style.RESPONSE_COLOURS)
    assert style.text_on("#053061") == "white" and style.text_on("#F4F4F4") != "white"


def test_figures_never_save_or_use_pyplot(result):
    # plot functions return figures/axes that are not registered with pyplot (nothing to close, nothing shown)
    import matplotlib.pyplot as plt

    res, _, _ = result
    before = plt.get_fignums()
    plot_response_by_cycle(res.by_cycle)
    assert plt.get_fignums() == before


# --------------------------------------------------------------------------- words a clinician reads (figaudit)


def _notes():
    """The notes the analysis really writes: one group only, no events in one arm, three groups."""
    from pipeline.analysis.survival import compare
    t = np.array([1.0, 2, 3, 4, 5, 6])
    e = np.array([1, 1, 1, 0, 0, 0])
    one = compare(t, e, pd.Series([">= 3"] * 6), ">= 3", 0.95)["note"]
    monotone = compare(t, e, pd.Series(["a", "a", "a", "b", "b", "b"]), "b", 0.95)["note"]
    three = compare(t, e, pd.Series(["a", "b", "c", "a", "b", "c"]), None, 0.95)["note"]
    return one, monotone, three


def test_comparison_notes_read_in_the_report_language():
    one, monotone, three = _notes()
    assert "'>= 3'" in one and "monotone" in monotone and three.startswith("3 groups")
    assert L.comparison_note(one, "en") == "not compared: fewer than two groups have patients"
    assert L.comparison_note(monotone, "en") == monotone  # the English wording is kept
    assert L.comparison_note(three, "en") == three
    for note in (one, monotone, three):
        zh = L.comparison_note(note, "zh")
        assert not re.search(r"[A-Za-z]{4,}", zh.replace("Log-rank", "")), zh
    assert L.comparison_note("something new", "zh") == "something new"


def test_km_of_an_empty_group_says_no_median_and_no_raw_group_code():
    from pipeline.analysis.survival import Curve, compare
    from pipeline.stats import kaplan_meier
    t = np.array([30.0, 60, 90, 120])
    e = np.array([1, 0, 1, 0])
    curves = [Curve("RSD", "cycles", "< 3", t[:0], e[:0], kaplan_meier(t[:0], e[:0])),
              Curve("RSD", "cycles", ">= 3", t, e, kaplan_meier(t, e))]
    comp = compare(t, e, pd.Series([">= 3"] * 4), ">= 3", 0.95) | {"group_by": "cycles", "endpoint": "RSD"}
    for lang, words in (("en", "not compared: fewer than two groups"), ("zh", "未比较")):
        fig = plot_km(curves, [0, 1, 2, 3, 4], comparison=comp, lang=lang, level="95")
        texts = _texts(fig)
        empty = [s for s in texts if "n = 0" in s]
        assert empty and not any("NR" in s or "median" in s or "中位" in s for s in empty)
        assert any(words in s for s in texts) and not any(">= 3" in s for s in texts)


def test_chinese_forest_landmark_row_uses_a_chinese_comma(result):
    res, _, _ = result
    texts = [t.get_text() for t in plot_forest(res.comparisons, res.landmark_comparisons, level="95",
                                               lang="zh").texts]
    assert any("，界标第 56 天" in s for s in texts) and not any(", 界标" in s for s in texts)


def test_chinese_waterfall_caption_names_the_measures_in_chinese(result):
    import dataclasses
    res, config, _ = result
    codes = ["serum", "urine", "serum+urine", "marrow", "dflc"]
    adsl = res.adsl.assign(followed_by=[codes[i % 5] for i in range(len(res.adsl))])
    specs, _ = plan_figures(dataclasses.replace(res, adsl=adsl), config, lang="zh")
    cap = next(s.caption for s in specs if s.name == "waterfall_best_change")
    assert "随访指标（例数）：" in cap and "血清+尿" in cap and "、" in cap
    assert not re.search(r"\b(serum|urine|marrow)\b", cap), cap


def test_literature_figure_writes_its_intervals_with_an_en_dash():
    from pipeline.figures.literature import _pct_ci
    assert _pct_ci(0.379, 0.207, 0.577) == "37.9 (20.7–57.7)"


def test_km_legend_entries_use_the_language_s_brackets():
    """'BPD (n = 13; median 11.0 mo)' in English; in Chinese full-width brackets and semicolon:
    'BPD（n = 13；中位 11.0 个月）' (the entry was built with ASCII ones in every language)."""
    from pipeline.analysis.survival import Curve
    from pipeline.stats import kaplan_meier
    t = np.array([30.0, 60, 90, 120, 150])
    e = np.array([1, 1, 1, 0, 0])
    curves = [Curve("PFS", "regimen", "BPD", t, e, kaplan_meier(t, e))]
    med = "3.0"  # S = 0.8, 0.6, 0.4 after days 30, 60, 90: median 90 days = 2.96 months
    labels = {lang: [s for s in _texts(plot_km(curves, [0, 2, 4, 6], lang=lang, level="95")) if "n = 5" in s]
              for lang in ("en", "zh")}
    assert labels["en"] == [f"BPD (n = 5; median {med} mo)"]
    assert labels["zh"] == [f"BPD（n = 5；中位 {med} 个月）"]
