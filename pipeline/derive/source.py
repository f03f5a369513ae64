"""Choose the response source and derive per-assessment and per-patient response from it.

Three levels of detail (docs/CONTRACT.md), all first-class: IMWG 2016 from raw measurements
(``derived``), clinician-recorded assessment responses (``recorded``, same confirmation rules), or the
patients table's best_response and progression_date (``patients``).
"""

from __future__ import annotations

import pandas as pd

from pipeline.config import StudyConfig
from pipeline.derive.adam import ResponseData, choose_source, last_evaluable_response, response_from_patients
from pipeline.errors import ConfigError


def build_response(tables: dict[str, pd.DataFrame], config: StudyConfig) -> ResponseData:
    """Per-assessment and per-patient response from the configured source; with ``response.summary: last``
    the per-patient response is the category at the last evaluable assessment instead of the IMWG best
    overall response (:func:`pipeline.derive.adam.last_evaluable_response`)."""
    response = _from_source(tables, config)
    return last_evaluable_response(response) if config.response.summary == "last" else response


def _from_source(tables: dict[str, pd.DataFrame], config: StudyConfig) -> ResponseData:
    patients = tables["patients"]
    assessments = tables.get("assessments")
    r = config.response
    source = choose_source(r.source, assessments)
    if source in ("derived", "recorded") and (assessments is None or assessments.empty):
        raise ConfigError(f"response.source is {source!r} but there are no assessments to derive it from")
    if source in ("derived", "recorded"):
        from pipeline import imwg  # imported only when assessments are used
    if source == "derived":
        res = imwg.derive_response(patients, assessments, baseline_window_days=config.validation.baseline_window_days,
                                   confirm_response=r.confirm_response, unconfirmed_pd=r.unconfirmed_pd)
        adrs = res.assessments
        if "response" in assessments.columns and "response" not in adrs.columns:
            adrs = adrs.merge(assessments[["patient_id", "assessment_date", "response"]],
                              on=["patient_id", "assessment_date"], how="left")
        return ResponseData("derived", res.patients, adrs, list(res.rules))
    if source == "recorded":
        res = imwg.summarize_recorded(patients, assessments, confirm_response=r.confirm_response,
                                      unconfirmed_pd=r.unconfirmed_pd)
        return ResponseData("recorded", res.patients, res.assessments, list(getattr(res, "rules", []) or []))
    return response_from_patients(patients)
