"""Single-arm proportions (e.g. the ORR of published cohorts): logit and Freeman-Tukey double arcsine
transforms, pooled by DerSimonian-Laird, and their back-transforms (R: ``escalc(measure = "PLO" |
"PFT")``, ``transf.ilogit``, ``transf.ipft.hm``).
"""

from __future__ import annotations

import numpy as np

TRANSFORMS = ("logit", "freeman_tukey")


def logit_effects(x, n, add: float = 0.5) -> tuple[np.ndarray, np.ndarray]:
    """Logit proportion and variance: y = ln(x / (n - x)), v = 1/x + 1/(n - x).

    A study with x = 0 or x = n gets ``add`` added to x and to n - x (R: ``escalc(measure = "PLO")``,
    ``add = 1/2, to = "only0"``).
    """
    x, n = np.asarray(x, dtype=float), np.asarray(n, dtype=float)
    bump = np.where((x == 0) | (x == n), add, 0.0)
    ev, non = x + bump, n - x + bump
    return np.log(ev / non), 1 / ev + 1 / non


def ft_effects(x, n) -> tuple[np.ndarray, np.ndarray]:
    """Freeman-Tukey double arcsine: y = [asin sqrt(x/(n+1)) + asin sqrt((x+1)/(n+1))] / 2, v = 1/(4n + 2).

    R: ``escalc(measure = "PFT")`` (needs no zero-cell correction).
    """
    x, n = np.asarray(x, dtype=float), np.asarray(n, dtype=float)
    y = 0.5 * (np.arcsin(np.sqrt(x / (n + 1))) + np.arcsin(np.sqrt((x + 1) / (n + 1))))
    return y, 1 / (4 * n + 2)


def inv_logit(y):
    """Back-transform a logit (R: ``transf.ilogit``)."""
    return 1 / (1 + np.exp(-np.asarray(y, dtype=float)))


def harmonic_mean(n) -> float:
    """Harmonic mean of the study sizes, 1 / mean(1/n)."""
    return float(1 / np.mean(1 / np.asarray(n, dtype=float)))


def inv_ft(y, n_hm: float):
    """Back-transform a double arcsine with sample size ``n_hm`` (Miller 1978; R: ``transf.ipft.hm``).

    p = [1 - sgn(cos 2y) sqrt(1 - (sin 2y + (sin 2y - 1/sin 2y)/n)^2)] / 2, clipped to 0 and 1 beyond
    the transforms of 0 and 1.
    """
    y = np.asarray(y, dtype=float)
    s = np.sin(2 * y)
    with np.errstate(invalid="ignore", divide="ignore"):
        inner = 1 - (s + (s - 1 / s) / n_hm) ** 2
        p = 0.5 * (1 - np.sign(np.cos(2 * y)) * np.sqrt(inner))
    lo, hi = ft_effects(0.0, n_hm)[0], ft_effects(n_hm, n_hm)[0]
    p = np.where(y > hi, 1.0, np.where(y < lo, 0.0, p))
    return p
