"""Figure layout measured on the drawn artists (figpolish): the cumulative-incidence header is as tall as its
content (no blank band between the title and the Gray line / legend, nothing clipped); the response-by-cycle
chart's NE segments stand off the white page, hatched, and counts are printed wherever they fit."""

from __future__ import annotations

from dataclasses import replace

import matplotlib

matplotlib.use("Agg")

import pandas as pd
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import to_rgb
from matplotlib.patches import Rectangle
from matplotlib.text import Text

from pipeline.figures import style
from pipeline.figures.cuminc import RISK_AXES_LABEL, cuminc_specs, plot_cuminc
from pipeline.figures.response import plot_response_by_cycle
from pipeline.figures.save import _lay_out
from tests._cohort import make_result

#: Title bottom to legend-box top, in points: the title's pad (6 pt) and the legend's border pad (~3.4 pt).
#: The fixed header row left 21 pt (one panel row) to 35 pt (the overall figure) of blank here.
MAX_HEADER_GAP_PT = 8.0


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    on = {"endpoints": ["PFS", "OS"], "competing_risks": {"enabled": True}}
    return make_result(tmp_path_factory.mktemp("layout"), n=30, **on)


def _laid_out(fig):
    """``fig`` laid out as the run lays it out (``figure_files``, which then removes the layout engine), drawn at
    its own dpi (labels are placed at draw time), and the renderer to measure it with."""
    _lay_out(fig)
    FigureCanvasAgg(fig).draw()
    return fig.canvas.get_renderer()


def _header_gap_pt(fig, renderer) -> float:
    (head,) = [a for a in fig.axes if a.get_legend() is not None]
    title = head.title.get_window_extent(renderer)
    legend = head.get_legend().get_window_extent(renderer)
    return (title.y0 - legend.y1) / fig.dpi * 72


def _assert_nothing_clipped(fig, renderer):
    box = fig.bbox
    for t in fig.findobj(Text):
        if t.get_text() and t.get_visible():
            e = t.get_window_extent(renderer)
            assert box.x0 - 0.5 <= e.x0 and e.x1 <= box.x1 + 0.5 and -0.5 <= e.y0 and e.y1 <= box.y1 + 0.5, t


def _cuminc_cases(res, cfg):
    """(name, figure) for the overall figure and 1, 2, 3 and 4 groups (two panel rows) per language."""
    cs = [c for c in res.competing.curves if c.group_by == "regimen"]
    assert len(cs) >= 3
    gray = [{"event": "progression", "p": 0.5}, {"event": "death", "p": 0.25}]
    for lang in ("en", "zh"):
        overall = cuminc_specs(res, cfg, lang, lang)[0]
        yield f"{overall.name}-{lang}", overall.make()
        for k in (1, 2, 3):
            yield f"regimen{k}-{lang}", plot_cuminc(cs[:k], res.ticks_months, gray=gray, title="Title", lang=lang)
        four = cs + cs[: 4 - len(cs)]
        yield f"four-{lang}", plot_cuminc(four, res.ticks_months, gray=gray, title="Title", lang=lang)


def test_cuminc_header_is_as_tall_as_its_content(run):
    res, cfg, _ = run
    gaps = {}
    for name, fig in _cuminc_cases(res, cfg):
        renderer = _laid_out(fig)
        gaps[name] = _header_gap_pt(fig, renderer)
        _assert_nothing_clipped(fig, renderer)
        # the legend is above the panels, not over them
        (head,) = [a for a in fig.axes if a.get_legend() is not None]
        legend = head.get_legend().get_window_extent(renderer)
        panels = [a for a in fig.axes if a is not head and a.get_label() != RISK_AXES_LABEL]
        assert all(legend.y0 > a.title.get_window_extent(renderer).y1 for a in panels), name
    assert all(0 <= g <= MAX_HEADER_GAP_PT for g in gaps.values()), gaps


# --------------------------------------------------------------------------- response by cycle


def _by_cycle() -> pd.DataFrame:
    """Two cycles: small segments (1, 2 of 40 patients) that do not fit a count and 5% ones that do; NE both."""
    counts = {1: {"VGPR": 2, "PR": 20, "MR": 2, "SD": 14, "PD": 1, "NE": 1},
              2: {"CR": 3, "PR": 9, "SD": 4, "PD": 2, "NE": 12}}
    rows = []
    for cyc, by in counts.items():
        big_n = sum(by.values())
        rows += [{"cycle": cyc, "category": c, "n": k, "N": big_n, "pct": 100.0 * k / big_n} for c, k in by.items()]
    return pd.DataFrame(rows)


def _luminance(colour) -> float:
    def lin(c):
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4
    r, g, b = (lin(c) for c in to_rgb(colour))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def _contrast_with_white(colour) -> float:
    """WCAG contrast ratio of ``colour`` against white (1 = none, 21 = black)."""
    return 1.05 / (_luminance(colour) + 0.05)


def _centre(box) -> tuple[float, float]:
    return (box.x0 + box.x1) / 2, (box.y0 + box.y1) / 2


def _bars(ax) -> dict[str, list[Rectangle]]:
    return {c.get_label(): list(c.patches) for c in ax.containers}


def test_ne_segments_stand_off_the_page_and_read_as_not_evaluable():
    ax = plot_response_by_cycle(_by_cycle())
    bars = _bars(ax)
    ne = bars["NE"][0]
    # the fill itself is visible on white (the old #F4F4F4 was 1.10) ...
    assert _contrast_with_white(ne.get_facecolor()) >= 1.3
    # ... and outlined and hatched in a grey that reads on white and on the fill (the hatch takes the edge colour)
    assert ne.get_hatch() and _contrast_with_white(ne.get_edgecolor()) >= 3.0 and ne.get_linewidth() > 0
    assert _luminance(ne.get_facecolor()) / _luminance(ne.get_edgecolor()) >= 2.0
    # no other category is hatched: NE is told from SD (also grey) without colour
    assert not any(p.get_hatch() for cat, ps in bars.items() if cat != "NE" for p in ps)
    # the legend shows the same hatched patch
    (handle,) = [h for h, t in zip(ax.get_legend().legend_handles, ax.get_legend().get_texts(), strict=True)
                 if t.get_text() == "NE"]
    assert handle.get_hatch() == ne.get_hatch()
    # the colours of the other categories are untouched (the waterfall and swimmer keep the palette)
    assert all(p.get_facecolor()[:3] == pytest.approx(to_rgb(style.RESPONSE_COLOURS[cat]))
               for cat, ps in bars.items() if cat != "NE" for p in ps)


def test_counts_are_printed_in_every_segment_they_fit_in():
    data = _by_cycle()
    ax = plot_response_by_cycle(data)
    fig = ax.figure
    renderer = _laid_out(fig)
    texts = [t for t in ax.texts if not t.get_text().startswith("n =")]
    line_px = max(t.get_window_extent(renderer).height for t in texts)
    labelled = 0
    count = data.set_index(["category", "cycle"])["n"]
    cycles = sorted(data["cycle"].unique())
    for cat, patches in _bars(ax).items():
        for cyc, p in zip(cycles, patches, strict=True):
            seg = p.get_window_extent(renderer)
            if p.get_height() <= 0:
                continue
            inside = [t for t in texts if seg.contains(*_centre(t.get_window_extent(renderer)))]
            if seg.height >= 1.3 * line_px:  # room for the count and a margin: it must be there
                assert len(inside) == 1, (cat, p.get_x())
            if inside:
                (t,) = inside
                e = t.get_window_extent(renderer)
                assert seg.y0 <= e.y0 and e.y1 <= seg.y1, (cat, t.get_text())  # and it fits
                assert int(t.get_text()) == count[(cat, cyc)]
                labelled += 1
    assert labelled >= 8  # the 5% segments (2 of 40) among them; the 1-of-40 ones stay unlabelled


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_by_cycle_caption_says_where_the_exact_numbers_are(run, lang):
    from pipeline.figures.catalogue import plan_figures
    from pipeline.text.i18n import t

    res, cfg, _ = run
    with_ne = _by_cycle()
    for data, ne in ((with_ne, True), (with_ne[with_ne["category"] != "NE"], False)):
        specs, _ = plan_figures(replace(res, by_cycle=data), cfg, lang=lang, text_lang=lang)
        (spec,) = [s for s in specs if s.name == "response_by_cycle"]
        assert f"{t('t_by_cycle', lang)}" in spec.caption and "{" not in spec.caption
        assert (t("cap.by_cycle_ne", lang).strip() in spec.caption) == ne
