"""Median follow-up by the reverse Kaplan-Meier method, and the range of observation."""

from __future__ import annotations

import numpy as np
import pandas as pd

from pipeline.stats.km import Quantile, kaplan_meier, km_median
from pipeline.stats.survdata import clean_survival_data


def median_followup(time, event, conf_type: str = "log-log", conf_level: float = 0.95) -> Quantile:
    """Median potential follow-up by reverse Kaplan-Meier (censorings become the events).

    Parameters
    ----------
    time : array_like
        Follow-up times.
    event : array_like
        The endpoint's event indicator (1 = event, 0 = censored); it is reversed here.
    conf_type : {"log-log", "log", "plain"}
        Band used for the confidence limits (R's default is ``"log"``).
    conf_level : float
        Confidence level.

    Returns
    -------
    Quantile
        Median follow-up and its limits, ``None`` where not reached.

    Notes
    -----
    The Kaplan-Meier estimate of the censoring distribution, with ``1 - event`` as the event, read
    as :func:`~pipeline.stats.km.km_median` reads survival. A death and a censoring at the same time
    are treated as R's ``survfit(Surv(time, 1 - event) ~ 1)`` treats them.

    References
    ----------
    Schemper M, Smith TL. A note on quantifying follow-up in studies of failure time. Control Clin
    Trials 1996;17:343-346.

    Examples
    --------
    R: ``quantile(survfit(Surv(time, 1 - event) ~ 1), 0.5)``
    """
    t, e, _, _ = clean_survival_data(time, event)
    return km_median(kaplan_meier(t, 1 - e, conf_type=conf_type, conf_level=conf_level))


def followup_range(time) -> tuple[float | None, float | None]:
    """Shortest and longest observed follow-up time (missing values ignored).

    Returns
    -------
    (min, max)
        In the unit of ``time`` (Python int for integer days); ``(None, None)`` when empty.
    """
    s = time if isinstance(time, pd.Series) else pd.Series(time, copy=False)
    s = s.dropna()
    if s.empty:
        return None, None
    t = s.to_numpy(dtype=np.int64 if pd.api.types.is_integer_dtype(s.dtype) else np.float64)
    return t.min().item(), t.max().item()
