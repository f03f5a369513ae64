"""Exact (Clopper-Pearson) confidence interval for a proportion, as R's ``binom.test``."""

from __future__ import annotations

import numbers

from scipy.stats import beta


def clopper_pearson(x: int, n: int, conf_level: float = 0.95) -> tuple[float | None, float | None]:
    """Exact two-sided confidence interval for a binomial proportion.

    Parameters
    ----------
    x : int
        Number of successes (e.g. responders), 0 <= x <= n.
    n : int
        Number of trials (patients in the population).
    conf_level : float
        Confidence level.

    Returns
    -------
    (float or None, float or None)
        Lower and upper limits as proportions in [0, 1]: ``Beta(a; x, n-x+1)`` (0 when x = 0) and
        ``Beta(1-a; x+1, n-x)`` (1 when x = n) quantiles with a = (1 - conf_level) / 2, as R's
        ``binom.test(x, n)$conf.int``. ``(None, None)`` when n = 0 (an empty population).

    References
    ----------
    Clopper CJ, Pearson ES. The use of confidence or fiducial limits illustrated in the case of the
    binomial. Biometrika 1934;26:404-413.

    Examples
    --------
    R: ``binom.test(11, 29)$conf.int``
    """
    for name, v in (("x", x), ("n", n)):
        whole = isinstance(v, numbers.Integral) or (isinstance(v, numbers.Real) and float(v).is_integer())
        if isinstance(v, bool) or not whole:
            raise ValueError(f"{name} must be a whole number, got {v!r}")
    x, n = int(x), int(n)
    if n < 0 or not 0 <= x <= n:
        raise ValueError(f"need 0 <= x <= n, got x = {x}, n = {n}")
    if not 0 < conf_level < 1:
        raise ValueError("conf_level must lie strictly between 0 and 1")
    if n == 0:
        return None, None
    alpha = (1 - conf_level) / 2
    low = 0.0 if x == 0 else float(beta.ppf(alpha, x, n - x + 1))
    high = 1.0 if x == n else float(beta.ppf(1 - alpha, x + 1, n - x))
    return low, high
