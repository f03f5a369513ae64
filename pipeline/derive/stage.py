"""The derive stage: response from the configured source, then the analysis datasets adsl, adrs, adtte.

Everything after this stage reads these three frames (and the cut-off tables for adverse events); nothing
after it derives a date, a flag or a time-to-event row.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from pipeline.config import StudyConfig
from pipeline.derive.adam import ResponseData, derive_adrs, derive_adsl, derive_adtte
from pipeline.derive.further import derive_further_adtte
from pipeline.derive.source import build_response


@dataclass(frozen=True)
class Derived:
    """The derive stage's output: the response source's data and the three analysis datasets."""

    response: ResponseData
    adsl: pd.DataFrame  # one row per patient
    adrs: pd.DataFrame  # one row per assessment (response per visit)
    adtte: pd.DataFrame  # one row per patient and time-to-event parameter (PFS, OS, RSD, TTNT, TTR)


def derive(tables: dict[str, pd.DataFrame], config: StudyConfig) -> Derived:
    """Response from ``config.response.source``, then adsl, adrs and adtte."""
    return derive_datasets(tables, build_response(tables, config), config)


def derive_datasets(tables: dict[str, pd.DataFrame], response: ResponseData, config: StudyConfig) -> Derived:
    """adsl, adrs and adtte from the cut-off tables and an already chosen response."""
    patients = tables["patients"]
    adsl = derive_adsl(patients, response, config)
    adrs = derive_adrs(response, patients)
    adtte = derive_further_adtte(adsl, adrs, derive_adtte(adsl, config))
    return Derived(response, adsl, adrs, adtte)
