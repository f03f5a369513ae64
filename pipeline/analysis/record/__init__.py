"""The typed record of ``results.json``: one pydantic model per section, one per row.

``results.json`` is ``ResultsRecord.as_json()`` of the record ``pipeline.analysis.results.results_record``
builds; its JSON Schema, generated from these models, is ``docs/results.schema.json``
(``python -m pipeline.analysis.record > docs/results.schema.json``; a test keeps it current).

The record describes exactly what is written, it never converts: counts are ``int`` (``StrictInt``), text
is ``str``, and every other number is ``Num`` (an int or a float kept as it came, so an output never
changes from 12 to 12.0). Nothing is NaN or infinite (``allow_inf_nan=False``): a value that does not
exist is ``None`` (null). Unknown keys are refused (``extra="forbid"``).

A key the writer leaves out in some runs (not null: absent) has a default and is left out of
``as_json()`` when it was not given (``exclude_unset``): the adjusted-analysis keys (only those
configured), a comparison's ``n_excluded_before_landmark`` (landmark comparisons only), the follow-up's
``method`` (absent when there is no OS) and Table 1's statistics columns (absent when no continuous
variable is in the table). Such a key is listed as optional, never as nullable, in the schema unless it
can also be null.

The models are declared in the order the keys are written; ``as_json()`` keeps that order, so the file
is byte-identical to the one the dicts gave before the record existed (``tests/test_golden.py``).
Reading a run back (``pipeline.runs.read``) uses a lenient copy of these models (``lenient``).

``base``: the value types, the section base and the lenient copy; ``rows``: the descriptive analysis'
sections; ``further``: the adjusted analyses, literature, competing risks, RMST and time to response;
here: the record itself and its schema.
"""

import json

from pydantic import ConfigDict, Field

from pipeline.analysis.record.base import (
    Int,
    IsoDate,
    ResponseSource,
    Section,
    Str,
    absent_key,
    lenient,
    plain,
)
from pipeline.analysis.record.further import (
    CoxModelRow,
    CumulativeIncidenceRow,
    FineGrayModel,
    GrayTestRow,
    Literature,
    RmstRow,
    StratifiedLogrankRow,
    SubgroupRow,
    Table1ByRow,
    TimeToResponse,
)
from pipeline.analysis.record.rows import (
    AdverseEventRow,
    Agreement,
    AtRiskRow,
    BestResponseRow,
    ComparisonRow,
    CutoffReportRecord,
    FollowUp,
    LandmarkSurvivalRow,
    Options,
    RateRow,
    ResponseByCycleRow,
    SurvivalRateRow,
    SurvivalRow,
    Table1Row,
)

__all__ = ["ResultsRecord", "lenient", "schema", "schema_text"]


# ------------------------------------------------------------------------------------------- the record

_ADJUSTED = "only when configured and not empty (analysis.models, table1_by, subgroups)"


class ResultsRecord(Section):
    """results.json: every number of the report (docs/ANALYSIS.md, 'results.json')."""

    model_config = ConfigDict(title="mmcohort results.json")

    study: Str
    cutoff: IsoDate
    n_patients: Int
    response_source: ResponseSource
    rates: list[RateRow]
    survival: list[SurvivalRow]
    comparisons: list[ComparisonRow]
    survival_rates: list[SurvivalRateRow]
    landmark_survival: list[LandmarkSurvivalRow]
    followup_months: FollowUp
    best_response: list[BestResponseRow]
    response_by_cycle: list[ResponseByCycleRow]
    adverse_events: list[AdverseEventRow]
    table1: list[Table1Row]
    numbers_at_risk: list[AtRiskRow]
    agreement: Agreement | None = Field(description="derived vs recorded responses; null unless both exist")
    cutoff_report: CutoffReportRecord
    cox_models: list[CoxModelRow] = absent_key(_ADJUSTED)
    stratified_logrank: list[StratifiedLogrankRow] = absent_key(_ADJUSTED + "; with analysis.models.strata")
    table1_by: list[Table1ByRow] = absent_key(_ADJUSTED)
    subgroups: list[SubgroupRow] = absent_key(_ADJUSTED)
    options: Options
    literature: Literature | None
    cumulative_incidence: list[CumulativeIncidenceRow]
    gray_tests: list[GrayTestRow]
    fine_gray: list[FineGrayModel]
    rmst: list[RmstRow]
    time_to_response: TimeToResponse

    @classmethod
    def from_plain(cls, data: dict) -> "ResultsRecord":
        """Validate the analysis' dicts: numpy scalars -> Python, NaN/inf -> None (as they are written)."""
        return cls.model_validate(plain(data))


# ----------------------------------------------------------------------------------------------- schema


def schema() -> dict:
    """The JSON Schema of results.json (draft 2020-12), as committed in docs/results.schema.json."""
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", **ResultsRecord.model_json_schema()}


def schema_text() -> str:
    return json.dumps(schema(), indent=2, ensure_ascii=False) + "\n"
