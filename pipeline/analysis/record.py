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
"""

import math
import sys
from functools import cache
from types import UnionType
from typing import Annotated, Any, Literal, Union, get_args, get_origin

import numpy as np
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    StrictFloat,
    StrictInt,
    StrictStr,
    StringConstraints,
    WithJsonSchema,
    model_serializer,
)

from pipeline import vocab
from pipeline.analysis.competing import EVENTS
from pipeline.config import Analysis, Models, Response

Int = StrictInt
Str = StrictStr
Bool = StrictBool
#: A JSON number: an int stays an int and a float a float (no conversion either way).
Num = Annotated[StrictInt | StrictFloat, WithJsonSchema({"type": "number"})]
IsoDate = Annotated[str, StringConstraints(strict=True, pattern=r"^\d{4}-\d{2}-\d{2}$")]

#: Value sets shared with the code that makes them (the config's own types, the vocabulary).
Endpoint = get_args(Analysis.model_fields["endpoints"].annotation)[0]  # PFS, OS, RSD, TTNT
ModelEndpoint = get_args(Models.model_fields["endpoints"].annotation)[0]  # PFS, OS
Category = Literal[vocab.RESPONSE_ORDER]
CompetingEvent = Literal[tuple(EVENTS.values())]
ResponseSource = Literal["derived", "recorded", "patients"]
Ties = Models.model_fields["ties"].annotation
PfsEvents = Analysis.model_fields["pfs_events"].annotation
PfsCensor = Analysis.model_fields["pfs_censor"].annotation
ConfType = Analysis.model_fields["conf_type"].annotation
UnconfirmedPd = Response.model_fields["unconfirmed_pd"].annotation
ResponseSummary = Response.model_fields["summary"].annotation


def _absent(description: str) -> Any:
    """A key that is left out (not null) in some runs: optional in the schema, no default shown."""
    return Field(None, description=description, json_schema_extra=lambda s: s.pop("default", None))


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)

    def as_json(self) -> dict:
        """The dict as written: keys in the written order, keys that were not given left out."""
        return self.model_dump(by_alias=True, exclude_unset=True)


# ------------------------------------------------------------------------------ response and survival


class RateRow(_Section):
    """Response rate of a population: n of N with an exact (Clopper-Pearson) CI, in percent."""

    population: Str
    endpoint: Literal["ORR", "CBR", "DCR"]
    n: Int
    N: Int
    pct: Num | None = Field(description="null when N = 0")
    ci_low: Num | None
    ci_high: Num | None


class SurvivalRow(_Section):
    """Kaplan-Meier median (months) of an endpoint, for the cohort (group_by null) or a group."""

    endpoint: Endpoint
    group_by: Str | None
    group: Str | None
    n: Int
    events: Int
    median: Num | None = Field(description="null when not reached")
    median_ci_low: Num | None
    median_ci_high: Num | None


class ComparisonRow(_Section):
    """Log-rank test (and, for two groups, the Cox HR) of a comparison; landmark ones included."""

    endpoint: Endpoint
    group_by: Str
    test: Literal["log-rank"]
    chisq: Num | None
    df: Int | None
    p: Num | None
    hr: Num | None
    hr_ci_low: Num | None
    hr_ci_high: Num | None
    hr_p: Num | None
    hr_vs: Str | None
    n: Int
    n_excluded_before_landmark: Int = _absent("landmark comparisons only (absent otherwise)")
    groups: list[Str]
    immortal_time_bias: Bool
    landmark_days: Int | None
    note: Str | None


class SurvivalRateRow(_Section):
    """Kaplan-Meier survival at a fixed time (months) with its CI."""

    endpoint: Endpoint
    group_by: Str | None
    group: Str | None
    time_months: Num
    n_risk: Int
    surv: Num | None
    lower: Num | None
    upper: Num | None


class LandmarkSurvivalRow(_Section):
    """Kaplan-Meier median after the landmark, per group of a comparison that accrues after index."""

    endpoint: Literal["PFS", "OS"]
    group_by: Str
    group: Str
    landmark_days: Int
    n: Int
    events: Int
    median: Num | None
    median_ci_low: Num | None
    median_ci_high: Num | None


class FollowUp(_Section):
    """Median follow-up (reverse Kaplan-Meier on OS) with its CI and the range, in months."""

    median: Num | None
    ci_low: Num | None
    ci_high: Num | None
    min: Num | None
    max: Num | None
    n: Int
    method: Literal["reverse Kaplan-Meier on OS"] = _absent("absent when there is no OS row")


class BestResponseRow(_Section):
    """Patients of a population by best response category."""

    population: Str
    category: Category
    n: Int
    N: Int
    pct: Num | None


class ResponseByCycleRow(_Section):
    """Category at the assessment marked cycle N (unconfirmed)."""

    cycle: Int
    category: Category
    n: Int
    N: Int
    pct: Num


class AdverseEventRow(_Section):
    """Patients by worst grade of one CTCAE term (denominator: all treated)."""

    group: Literal["haematological", "non-haematological"]
    term: Str
    any_n: Int
    any_pct: Num | None
    g1: Int
    g2: Int
    g3: Int
    g4: Int
    g5: Int
    g3plus_n: Int
    g3plus_pct: Num | None
    N: Int


_CONTINUOUS_ONLY = "continuous variables' statistics: null on other rows, absent when no continuous variable"


class Table1Row(_Section):
    """A Table 1 row: a variable (continuous) or one of its levels (categorical, FISH).

    The columns are fixed; declared extra columns add rows, not columns.
    """

    variable: Str
    label: Str
    level: Str | None
    n: Int
    N: Int
    pct: Num | None
    value: Str
    statistic: Literal["mean_sd", "median_iqr"] | None = _absent(_CONTINUOUS_ONLY)
    missing: Int | None = _absent("patients without a value (null on the patients and FISH rows)")
    shapiro_p: Num | None = _absent(_CONTINUOUS_ONLY)
    mean: Num | None = _absent(_CONTINUOUS_ONLY)
    sd: Num | None = _absent(_CONTINUOUS_ONLY)
    median: Num | None = _absent(_CONTINUOUS_ONLY)
    q1: Num | None = _absent(_CONTINUOUS_ONLY)
    q3: Num | None = _absent(_CONTINUOUS_ONLY)
    min: Num | None = _absent(_CONTINUOUS_ONLY)
    max: Num | None = _absent(_CONTINUOUS_ONLY)


class AtRiskRow(_Section):
    """Numbers at risk at a figure tick, per curve (landmark curves: group_by names the landmark)."""

    endpoint: Endpoint
    group_by: Str | None
    group: Str | None
    time_months: Num
    n_risk: Int


class Agreement(_Section):
    """Derived vs recorded response per assessment."""

    n: Int
    agree: Int
    pct_agree: Num
    kappa: Num | None
    n_disagreements: Int


class CutoffReportRecord(_Section):
    """What the cut-off removed, censored or truncated (``pipeline.cutoff.CutoffReport.as_dict``)."""

    cutoff: IsoDate
    patients_excluded: list[Str]
    assessments_dropped: Int
    adverse_events_dropped: Int
    rows_of_excluded_patients: Int
    deaths_censored: list[Str]
    progressions_censored: list[Str]
    new_therapies_cleared: list[Str]
    last_contact_truncated: Int
    latest_data_date: IsoDate | None
    notes: list[Str]
    n_patients_excluded: Int
    n_deaths_censored: Int
    n_progressions_censored: Int


# --------------------------------------------------------------------- adjusted analyses (adjusted.py)
# Their numbers pass ``adjusted._finite``: a non-finite estimate (a separated covariate) is written as
# null, so every estimate here may be null.


class CoxTerm(_Section):
    term: Str
    covariate: Str
    level: Str | None
    reference: Str | None
    per: Num | None
    coef: Num | None
    se: Num | None
    hr: Num | None
    hr_ci_low: Num | None
    hr_ci_high: Num | None
    p: Num | None


class ChiSquareTest(_Section):
    chisq: Num | None
    df: Int
    p: Num | None


class PhTermTest(_Section):
    term: Str
    chisq: Num | None
    df: Int
    p: Num | None


class PhTest(_Section):
    """Proportional-hazards test (scaled Schoenfeld residuals) per term and global."""

    terms: list[PhTermTest]
    global_: ChiSquareTest = Field(alias="global")


class CoxModelRow(_Section):
    """A univariable (one covariate) or the multivariable Cox model of an endpoint; a model that could
    not be fitted has a note and null tests."""

    endpoint: ModelEndpoint
    strata: Str | None
    ties: Ties
    kind: Literal["univariable", "multivariable"]
    covariate: Str | None
    dropped_missing: Int
    n: Int
    events: Int
    terms: list[CoxTerm]
    lr_test: ChiSquareTest | None
    wald_test: ChiSquareTest | None
    score_test: ChiSquareTest | None
    concordance: Num | None
    ph_test: PhTest | None
    epv: Num | None
    epv_warning: Bool | None
    note: Str | None


class StratifiedLogrankRow(_Section):
    endpoint: ModelEndpoint
    group_by: Str
    strata: Str
    chisq: Num | None
    df: Int | None
    p: Num | None
    note: Str | None


class Table1ByRow(_Section):
    """A Table 1 row split by a comparison's groups.

    Open: one text cell per group, keyed by the group's label (``"< 3"``, ``">= 3"``, ...), between
    ``level`` and ``p``; the groups are the data's, so they cannot be named here.
    """

    model_config = ConfigDict(extra="allow")
    __pydantic_extra__: dict[str, Str]

    variable: Str
    label: Str
    level: Str | None
    p: Num | None
    test: Str | None

    @model_serializer(mode="wrap")
    def _groups_before_p(self, handler):
        d = handler(self)
        cells = self.__pydantic_extra__ or {}
        tail = ("p", "test")
        return ({k: v for k, v in d.items() if k not in cells and k not in tail} | {k: d[k] for k in cells}
                | {k: d[k] for k in tail if k in d})


class SubgroupLevel(_Section):
    level: Str
    n: Int
    events: Int
    hr: Num | None
    hr_ci_low: Num | None
    hr_ci_high: Num | None
    p: Num | None
    note: Str | None


class SubgroupRow(_Section):
    """The comparison's Cox HR within each level of a subgroup variable, and the interaction test."""

    endpoint: ModelEndpoint
    comparison: Str
    hr_vs: Str
    subgroup: Str
    levels: list[SubgroupLevel]
    interaction_p: Num | None
    interaction_df: Int | None
    note: Str | None


# ------------------------------------------------------------------------------------ options, literature


class Options(_Section):
    """The analysis options that change the numbers (the config's values)."""

    pfs_events: PfsEvents
    pfs_censor: PfsCensor
    conf_type: ConfType
    conf_level: Num
    confirm_response: Bool
    unconfirmed_pd: UnconfirmedPd
    response_summary: ResponseSummary
    evaluable_min_cycles: Int
    landmark_days: Int


class LiteratureStudyRow(_Section):
    """A published cohort (``literature:``) with its ORR (proportion) and exact CI."""

    name: Str
    regimen: Str | None
    reference: Str | None
    n: Int
    responders: Int
    responders_from_pct: Bool
    orr_pct_published: Num | None
    pct_not_reproducible: Bool
    orr: Num
    ci_low: Num
    ci_high: Num
    median_pfs_months: Num | None
    median_os_months: Num | None


class PooledOrr(_Section):
    """Random-effects pooled ORR of the published cohorts (proportions); the prediction interval is
    null when it cannot be computed (fewer than three cohorts)."""

    method: Str
    k: Int
    estimate: Num
    ci_low: Num
    ci_high: Num
    pi_low: Num | None
    pi_high: Num | None
    tau2: Num
    I2: Num
    Q: Num
    Q_df: Int
    Q_p: Num | None


class CohortOrr(_Section):
    """This cohort's ORR (proportion) and overall medians beside the published ones."""

    population: Str
    responders: Int
    n: Int
    orr: Num | None
    ci_low: Num | None
    ci_high: Num | None
    median_pfs_months: Num | None
    median_os_months: Num | None


class Literature(_Section):
    conf_level: Num
    studies: list[LiteratureStudyRow]
    pooled: PooledOrr | None
    cohort: CohortOrr | None


# ----------------------------------------------------------------------------- competing risks, RMST, TTR


class CumulativeIncidenceRow(_Section):
    """Cumulative incidence of a cause at each event time (months), per grouping and group."""

    event: CompetingEvent
    group_by: Str | None
    group: Str | None
    times: list[Num]
    estimate: list[Num | None]
    variance: list[Num | None]


class GrayTestRow(_Section):
    event: CompetingEvent
    group_by: Str
    stat: Num | None
    df: Int | None
    p: Num | None


class FineGrayTerm(_Section):
    term: Str
    coef: Num | None
    se: Num | None
    hr: Num | None
    hr_ci_low: Num | None
    hr_ci_high: Num | None
    p: Num | None


class FineGrayModel(_Section):
    event: CompetingEvent
    terms: list[FineGrayTerm]


class RmstGroup(_Section):
    group: Str
    rmst: Num
    se: Num


class RmstDifference(_Section):
    """The comparison's '1' arm minus the other (months), normal CI; p null when the SE is 0."""

    label: Str
    estimate: Num
    se: Num
    ci_low: Num
    ci_high: Num
    p: Num | None


class RmstRow(_Section):
    """Restricted mean survival time (months) up to tau, per group; the difference for two groups."""

    endpoint: Endpoint
    group_by: Str
    tau: Num
    groups: list[RmstGroup]
    difference: RmstDifference | None


class TimeToResponse(_Section):
    """Time to response among responders, months (a description, not a Kaplan-Meier estimate)."""

    n: Int
    median: Num | None
    min: Num | None
    max: Num | None


# ------------------------------------------------------------------------------------------- the record

_ADJUSTED = "only when configured and not empty (analysis.models, table1_by, subgroups)"


class ResultsRecord(_Section):
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
    cox_models: list[CoxModelRow] = _absent(_ADJUSTED)
    stratified_logrank: list[StratifiedLogrankRow] = _absent(_ADJUSTED + "; with analysis.models.strata")
    table1_by: list[Table1ByRow] = _absent(_ADJUSTED)
    subgroups: list[SubgroupRow] = _absent(_ADJUSTED)
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
        return cls.model_validate(_plain(data))


def _plain(o: object) -> object:
    if isinstance(o, dict):
        return {k: _plain(v) for k, v in o.items()}
    if isinstance(o, list | tuple):
        return [_plain(v) for v in o]
    if isinstance(o, np.generic):
        o = o.item()
    if isinstance(o, float) and not math.isfinite(o):
        return None
    return o


# ----------------------------------------------------------------------------------------------- schema


def schema() -> dict:
    """The JSON Schema of results.json (draft 2020-12), as committed in docs/results.schema.json."""
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", **ResultsRecord.model_json_schema()}


def schema_text() -> str:
    import json

    return json.dumps(schema(), indent=2, ensure_ascii=False) + "\n"


# ------------------------------------------------------------------------------------ lenient reading
# A run folder written by an earlier version may lack keys added since (and old runs wrote some counts
# as 1.0). Reading one back (compare, runs) uses a subclass of each model whose every field is optional
# (None when absent), whose unknown keys are ignored and whose counts and values accept any JSON number
# or text; the attribute names stay those of the record.


def _loose_type(tp: Any) -> Any:
    if tp in (Int, Num):
        return Num
    if tp is Str or tp is IsoDate:
        return Str
    origin = get_origin(tp)
    if origin is Literal:
        return Str
    if origin in (Union, UnionType):
        return Union[tuple(_loose_type(a) for a in get_args(tp))]  # noqa: UP007 (built from a tuple)
    if origin is list:
        return list[_loose_type(get_args(tp)[0])]
    if isinstance(tp, type) and issubclass(tp, _Section):
        return lenient(tp)
    return tp


@cache
def lenient(model: type[_Section]) -> type[_Section]:
    """``model`` for reading: every field optional, unknown keys ignored, nested models lenient too."""
    ns: dict[str, Any] = {"__annotations__": {}, "__module__": __name__,
                          "model_config": ConfigDict(extra="allow" if model.model_config.get("extra") == "allow"
                                                     else "ignore")}
    for name, f in model.model_fields.items():
        ns["__annotations__"][name] = _loose_type(f.annotation) | None
        ns[name] = Field(None, alias=f.alias)
    return type(f"Lenient{model.__name__}", (model,), ns)


if __name__ == "__main__":
    sys.stdout.write(schema_text())
