"""What a run's figure plan is made of: a figure to draw (:class:`FigureSpec`) or one left out (:class:`Omitted`).

A module of its own so that every module that plans figures (``catalogue``, ``cuminc``,
``adjusted_catalogue``) imports these from below instead of from one another.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from matplotlib.figure import Figure


@dataclass
class FigureSpec:
    name: str  # file stem under figures/
    section: str  # cohort | response | survival | comparisons
    caption: str
    #: Draws the figure; picklable (a ``functools.partial`` of a module-level function and plain data),
    #: so a figure job can be sent to a worker process however it is started.
    make: Callable[[], Figure]
    group_by: str | None = None
    landmark: bool = False


@dataclass
class Omitted:
    name: str
    section: str
    reason: str
