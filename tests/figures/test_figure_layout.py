"""Figure layout measured on the drawn artists (figpolish): the cumulative-incidence header is as tall as its
content (no blank band between the title and the Gray line / legend, nothing clipped); the response-by-cycle
chart's NE segments stand off the white page, hatched, and counts are printed wherever they fit."""

from __future__ import annotations

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
