"""A figure's files as bytes: PNG (300 dpi) and SVG, deterministic so reruns give identical files.

Nothing here writes a file: ``pipeline.runs.folder`` writes the bytes into the run folder.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass

import matplotlib as mpl
from matplotlib.figure import Figure

from pipeline.figures.style import no_math

#: Fixed so the SVG element ids (hashed from this salt) are the same on every run.
SVG_HASHSALT = "mmcohort"
PNG_DPI = 300


def figure_bytes(fig: Figure, fmt: str = "png", dpi: int = PNG_DPI) -> bytes:
    """The figure as PNG or SVG bytes, with no date or software stamp that would change between runs."""
    if fmt not in ("png", "svg"):
        raise ValueError(f"fmt must be 'png' or 'svg', but was {fmt!r}")
    no_math(fig)  # text from the data is drawn as written, never parsed as mathtext
    return _save(fig, fmt, dpi)


def _save(fig: Figure, fmt: str, dpi: int) -> bytes:
    buf = io.BytesIO()
    with mpl.rc_context({"svg.hashsalt": SVG_HASHSALT, "text.parse_math": False}):
        if fmt == "svg":
            fig.savefig(buf, format="svg", metadata={"Date": None, "Creator": None})
        else:
            fig.savefig(buf, format="png", dpi=dpi, metadata={"Software": None})
    return buf.getvalue()


@dataclass(frozen=True)
class FigureFiles:
    """One drawn figure: its SVG and PNG bytes and its width in inches (the report scales figures by it)."""

    svg: bytes
    png: bytes
    width_in: float


def figure_files(fig: Figure, dpi: int = PNG_DPI) -> FigureFiles:
    """SVG, then PNG (``dpi``) of ``fig``, the layout computed once.

    The layout engine (constrained layout, in figure fractions) runs while the SVG is drawn and is then
    switched off: the PNG is drawn at the same positions. The figure is not closed: it is a plain
    ``Figure``, not registered with pyplot, freed with its last reference.
    """
    no_math(fig)
    svg = _save(fig, "svg", dpi)
    if fig.get_layout_engine() is not None:
        fig.set_layout_engine("none")
    return FigureFiles(svg=svg, png=_save(fig, "png", dpi), width_in=float(fig.get_figwidth()))


def render_figure(make: Callable[[], Figure], dpi: int = PNG_DPI) -> FigureFiles:
    """Draw ``make()`` and return its files: the job a figure worker runs (see ``catalogue.figure_jobs``)."""
    return figure_files(make(), dpi)
