"""Publication look shared by every figure: colour-blind-safe palettes, fonts, axes styling.

Colours are the Okabe-Ito palette (groups) and a diverging blue-to-red scale (response categories,
best response dark blue, progression red), both distinguishable with the common colour-vision
deficiencies. Chinese figure text needs a CJK font; :func:`figure_language` falls back to English
figures (with a logged warning saying how to install one) rather than drawing empty boxes.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path

import matplotlib as mpl
from matplotlib import font_manager, ft2font

from pipeline.text.zh import FONT_PROBE

log = logging.getLogger("mmcohort")

#: Okabe & Ito (2008), in the order groups get them (blue and vermillion first: the two-arm case).
GROUP_COLOURS = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#F0E442")
#: One curve (the whole cohort).
SINGLE_COLOUR = "#0072B2"
GREY = "#6E6E6E"
LIGHT_GREY = "#D9D9D9"

#: IMWG categories, best (dark blue) to worst (red); SD neutral grey; NE pale.
RESPONSE_COLOURS = {
    "sCR": "#053061",
    "CR": "#2166AC",
    "VGPR": "#4393C3",
    "PR": "#92C5DE",
    "MR": "#D1E5F0",
    "SD": "#BDBDBD",
    "PD": "#D6604D",
    "NE": "#F4F4F4",
}

#: NE segments of the response-by-cycle bars: a mid-light grey that stands off the white page (the pale
#: ``RESPONSE_COLOURS["NE"]`` nearly vanishes in a stacked bar), outlined and hatched in a darker grey, so
#: 'not evaluable' does not read as one more grade of response (greys look the same under any colour-vision
#: deficiency; the hatch tells NE from SD without colour). The hatch is drawn in the edge colour.
NE_BAR = {"color": "#DADADA", "edgecolor": "#7A7A7A", "hatch": "////"}

#: Known CJK font families, preferred first (simplified Chinese faces before others).
CJK_FAMILIES = (
    "Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "Source Han Sans CN", "WenQuanYi Zen Hei",
    "WenQuanYi Micro Hei", "SimHei", "Microsoft YaHei", "PingFang SC", "Hiragino Sans GB", "Heiti SC",
    "STHeiti", "Noto Sans CJK JP", "Noto Sans CJK TC", "Source Han Sans", "AR PL UMing CN", "AR PL UKai CN",
)

BASE_RC = {
    "font.size": 9.0,
    "axes.titlesize": 10.0,
    "axes.titleweight": "bold",
    "axes.labelsize": 9.5,
    "xtick.labelsize": 8.5,
    "ytick.labelsize": 8.5,
    "legend.fontsize": 8.5,
    "legend.title_fontsize": 8.5,
    "legend.frameon": False,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.linewidth": 0.8,
    "axes.edgecolor": "#333333",
    "axes.labelcolor": "#222222",
    "xtick.color": "#333333",
    "ytick.color": "#333333",
    "xtick.major.width": 0.8,
    "ytick.major.width": 0.8,
    "axes.grid": False,
    "grid.color": "#E6E6E6",
    "grid.linewidth": 0.6,
    "lines.linewidth": 1.6,
    "lines.solid_capstyle": "butt",
    "figure.facecolor": "white",
    "savefig.facecolor": "white",
    "svg.hashsalt": "mmcohort",
    "svg.fonttype": "path",
    "pdf.fonttype": 42,
    "axes.unicode_minus": True,
    # text from the data (patient IDs, regimens, AE terms) is drawn as written, never parsed as mathtext
    # ("$" pairs would be, and a malformed formula stops the run)
    "text.parse_math": False,
}


@lru_cache(maxsize=1)
def find_cjk_font() -> str | None:
    """The family name of an installed CJK font matplotlib can use, or None."""
    installed = {f.name for f in font_manager.fontManager.ttflist}
    for fam in CJK_FAMILIES:
        if fam in installed:
            return fam
    # any other installed font that has the glyphs of common Chinese report words
    bundled = str(Path(mpl.get_data_path()))
    for f in sorted(font_manager.fontManager.ttflist, key=lambda f: (f.name, f.fname)):
        # matplotlib's own fonts (DejaVu, STIX, and 'Last Resort', which draws every glyph as a box) are no help
        if f.fname.startswith(bundled) or "last resort" in f.name.lower():
            continue
        try:
            ft = ft2font.FT2Font(f.fname)
        except (OSError, RuntimeError, ValueError):
            continue
        if all(ft.get_char_index(ord(ch)) for ch in FONT_PROBE):
            return f.name
    return None


def figure_language(language: str, cjk_font: str | None = None) -> str:
    """The language the figures can be drawn in: ``zh`` needs a CJK font, else ``en`` with a warning."""
    if language != "zh":
        return "en"
    font = cjk_font if cjk_font is not None else find_cjk_font()
    if font:
        return "zh"
    log.warning(
        "no Chinese (CJK) font found for the figures; they are drawn in English (the report text stays "
        "Chinese). Install one, e.g. `apt-get install fonts-noto-cjk` (Debian/Ubuntu) or "
        "`yum install google-noto-sans-cjk-fonts`, then delete matplotlib's font cache "
        "(~/.cache/matplotlib); or register a .ttf/.otf with "
        "matplotlib.font_manager.fontManager.addfont('/path/SimHei.ttf')")
    return "en"


def rc_params(lang: str = "en") -> dict:
    rc = dict(BASE_RC)
    sans = ["DejaVu Sans"]  # always installed with matplotlib: same look on every machine
    if lang == "zh":
        font = find_cjk_font()
        if font:
            sans = [font, *sans]
    # concrete family names (not the generic 'sans-serif', which is looked up again at draw time, when this
    # context may be gone), so a figure saved later keeps its CJK font; later names are glyph fallbacks
    rc["font.family"] = sans
    rc["font.sans-serif"] = sans
    return rc


@contextmanager
def theme(lang: str = "en") -> Iterator[None]:
    """rcParams for every figure (fonts are fixed when text is created, so wrap creation in this)."""
    with mpl.rc_context(rc_params(lang)):
        yield


def group_colour(i: int) -> str:
    return GROUP_COLOURS[i % len(GROUP_COLOURS)]


def response_colour(category: str | None) -> str:
    return RESPONSE_COLOURS.get(str(category), RESPONSE_COLOURS["NE"])


def text_on(colour: str) -> str:
    """Black or white text, whichever reads on ``colour``."""
    r, g, b = mpl.colors.to_rgb(colour)
    return "white" if 0.299 * r + 0.587 * g + 0.114 * b < 0.5 else "#1A1A1A"


def despine(ax, left: bool = False, bottom: bool = False) -> None:
    ax.spines["top"].set_visible(False)
    ax.spines["right"].set_visible(False)
    if left:
        ax.spines["left"].set_visible(False)
    if bottom:
        ax.spines["bottom"].set_visible(False)


def no_math(fig) -> None:
    """Switch mathtext off for every text of ``fig`` (a ``$`` in a patient ID or regimen stays a ``$``).

    ``BASE_RC`` already makes text created inside :func:`theme` literal; this also covers text made
    outside it. ``save.figure_bytes`` calls it and draws with ``text.parse_math`` off, so that tick
    labels made at draw time are literal too. Ticks not made yet are not made here
    (``Figure.findobj`` would make them, and costs ~50 ms a figure).
    """
    from matplotlib.axis import Axis
    from matplotlib.text import Text

    stack = [fig]
    while stack:
        a = stack.pop()
        if isinstance(a, Text):
            a.set_parse_math(False)
        if isinstance(a, Axis):
            ticks = [*a.__dict__.get("majorTicks", []), *a.__dict__.get("minorTicks", [])]
            stack += [a.label, a.offsetText, *(t for tick in ticks for t in (tick.label1, tick.label2))]
        else:
            stack += a.get_children()
