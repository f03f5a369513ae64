"""Survival and proportion statistics that agree with R's survival package (3.5-3) and binom.test.

Pure functions: numpy/pandas in, frozen dataclasses out.

- :func:`kaplan_meier`, :func:`km_median`, :func:`km_quantile`, :func:`survival_at`,
  :func:`n_at_risk` (``survfit``, ``quantile.survfit``, ``summary.survfit``)
- :func:`logrank` (``survdiff``)
- :func:`cox_hr` (``coxph``, Efron or Breslow ties)
- :func:`clopper_pearson` (``binom.test``)
- :func:`median_followup`, :func:`followup_range` (reverse Kaplan-Meier)
- :func:`cumulative_incidence`, :func:`cuminc_at`, :func:`gray_test`, :func:`fine_gray`
  (``cmprsk::cuminc``, ``timepoints``, ``crr``); :func:`rmst` (survival's ``rmean``)

Groups that cannot be compared raise :class:`NotComparableError` (a ``ValueError``).
"""

from pipeline.stats.binom import clopper_pearson
from pipeline.stats.cox import CoxResult, cox_hr
from pipeline.stats.cuminc import CumInc, GrayTest, cuminc_at, cumulative_incidence
from pipeline.stats.finegray import FineGrayResult, fine_gray
from pipeline.stats.followup import followup_range, median_followup
from pipeline.stats.gray import gray_test
from pipeline.stats.km import (
    CONF_TYPES,
    KMFit,
    Quantile,
    confidence_band,
    kaplan_meier,
    km_median,
    km_quantile,
    n_at_risk,
    survival_at,
)
from pipeline.stats.logrank import LogRank, NotComparableError, logrank
from pipeline.stats.rmst import RMST, default_tau, rmst, rmst_difference

__all__ = [
    "RMST",
    "CumInc",
    "FineGrayResult",
    "GrayTest",
    "cuminc_at",
    "cumulative_incidence",
    "default_tau",
    "fine_gray",
    "gray_test",
    "rmst",
    "rmst_difference",
    "CONF_TYPES",
    "CoxResult",
    "KMFit",
    "LogRank",
    "NotComparableError",
    "Quantile",
    "clopper_pearson",
    "confidence_band",
    "cox_hr",
    "followup_range",
    "kaplan_meier",
    "km_median",
    "km_quantile",
    "logrank",
    "median_followup",
    "n_at_risk",
    "survival_at",
]
