"""Writing figures: PNG (300 dpi) and SVG, deterministic so reruns give identical files."""

from __future__ import annotations

import io
from pathlib import Path

import matplotlib as mpl
from matplotlib.figure import Figure

from pipeline.figures.style import no_math

#: Fixed so the SVG element ids (hashed from this salt) are the same on every run.
SVG_HASHSALT = "mmcohort"
PNG_DPI = 300


def figure_bytes(fig: Figure, fmt: str = "png", dpi: int = PNG_DPI) -> bytes:
    """The figure as PNG or SVG bytes, with no date or software stamp that would change between runs."""
    buf = io.BytesIO()
    no_math(fig)  # text from the data is drawn as written, never parsed as mathtext
    with mpl.rc_context({"svg.hashsalt": SVG_HASHSALT, "text.parse_math": False}):
        if fmt == "svg":
            fig.savefig(buf, format="svg", metadata={"Date": None, "Creator": None})
        elif fmt == "png":
            fig.savefig(buf, format="png", dpi=dpi, metadata={"Software": None})
        else:
            raise ValueError(f"fmt must be 'png' or 'svg', but was {fmt!r}")
    return buf.getvalue()


def save_figure(fig: Figure, folder: str | Path, name: str, dpi: int = PNG_DPI) -> dict[str, Path]:
    """Write ``<folder>/<name>.png`` (``dpi``) and ``<folder>/<name>.svg``; return their paths by format.

    The figure is not closed (it is a plain ``Figure``, not registered with pyplot, so it is freed with
    its last reference); its layout engine is switched off after the first file, the layout then fixed.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    out = {}
    for fmt in ("svg", "png"):
        path = folder / f"{name}.{fmt}"
        path.write_bytes(figure_bytes(fig, fmt, dpi))
        out[fmt] = path
        # the layout (constrained, in figure fractions) is computed once, for the first format; the
        # second is drawn at the same positions (and faster)
        if fig.get_layout_engine() is not None:
            fig.set_layout_engine("none")
    return {"png": out["png"], "svg": out["svg"]}
