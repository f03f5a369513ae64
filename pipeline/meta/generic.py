"""Generic inverse variance from a reported ratio and its printed confidence interval, as RevMan users
enter hazard ratios: y = ln(ratio), SE = (ln upper - ln lower) / (2 z), z = 1.959964 for a 95% CI.
"""

from __future__ import annotations

import numpy as np

from pipeline.meta.pool import z_crit


def log_ratio_se(ratio, lower, upper, ci_level: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    """Log ratio and its SE from the printed CI (R: ``yi = log(ratio)``,
    ``sei = (log(upper) - log(lower)) / (2 * qnorm(0.975))``).

    ``ci_level`` is the level of the printed interval (0.95 unless the paper printed another).
    """
    ratio, lower, upper = (np.asarray(v, dtype=float) for v in (ratio, lower, upper))
    return np.log(ratio), (np.log(upper) - np.log(lower)) / (2 * z_crit(ci_level))
