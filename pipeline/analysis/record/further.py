"""results.json sections of the further analyses: the adjusted analyses (Cox models, stratified
log-rank, Table 1 by group, subgroups), the literature comparison, competing risks, RMST and the time to
response."""

from typing import Literal

from pydantic import ConfigDict, Field, model_serializer

from pipeline.analysis.record.base import (
    Bool,
    CompetingEvent,
    Endpoint,
    Int,
    ModelEndpoint,
    Num,
    Section,
    Str,
    Ties,
)

# --------------------------------------------------------------------- adjusted analyses (adjusted.py)
# Their numbers pass ``adjusted._finite``: a non-finite estimate (a separated covariate) is written as
# null, so every estimate here may be null.


class CoxTerm(Section):
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


class ChiSquareTest(Section):
    chisq: Num | None
    df: Int
    p: Num | None


class PhTermTest(Section):
    term: Str
    chisq: Num | None
    df: Int
    p: Num | None


class PhTest(Section):
    """Proportional-hazards test (scaled Schoenfeld residuals) per term and global."""

    terms: list[PhTermTest]
    global_: ChiSquareTest = Field(alias="global")


class CoxModelRow(Section):
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


class StratifiedLogrankRow(Section):
    endpoint: ModelEndpoint
    group_by: Str
    strata: Str
    chisq: Num | None
    df: Int | None
    p: Num | None
    note: Str | None


class Table1ByRow(Section):
    """A Table 1 row split by a comparison's groups.

    Open: one text cell per group, keyed by the group's label (``"< 3"``, ``">= 3"``, ...), between
    ``level`` and ``p``; the groups are the data's, so they cannot be named here.
    """

    model_config = ConfigDict(extra="allow")
    __pydantic_extra__: dict[str, Str]

    variable: Str
    label: Str
    level: Str | None
    missing: bool  # the row counting the patients without a value (level null)
    p: Num | None
    test: Str | None

    @model_serializer(mode="wrap")
    def _groups_before_p(self, handler):
        d = handler(self)
        cells = self.__pydantic_extra__ or {}
        tail = ("p", "test")
        return ({k: v for k, v in d.items() if k not in cells and k not in tail} | {k: d[k] for k in cells}
                | {k: d[k] for k in tail if k in d})


class SubgroupLevel(Section):
    level: Str
    n: Int
    events: Int
    hr: Num | None
    hr_ci_low: Num | None
    hr_ci_high: Num | None
    p: Num | None
    note: Str | None


class SubgroupRow(Section):
    """The comparison's Cox HR within each level of a subgroup variable, and the interaction test."""

    endpoint: ModelEndpoint
    comparison: Str
    hr_vs: Str
    subgroup: Str
    levels: list[SubgroupLevel]
    interaction_p: Num | None
    interaction_df: Int | None
    note: Str | None


# ------------------------------------------------------------------------------------------ literature


class LiteratureStudyRow(Section):
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


class PooledOrr(Section):
    """Random-effects pooled ORR of the published cohorts (proportions); ``pool_iv`` leaves the
    prediction interval NaN (written null) when it does not compute one."""

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


class CohortOrr(Section):
    """This cohort's ORR (proportion) and overall medians beside the published ones."""

    population: Str
    responders: Int
    n: Int
    orr: Num | None
    ci_low: Num | None
    ci_high: Num | None
    median_pfs_months: Num | None
    median_os_months: Num | None


class Literature(Section):
    conf_level: Num
    studies: list[LiteratureStudyRow]
    pooled: PooledOrr | None
    cohort: CohortOrr | None


# ----------------------------------------------------------------------------- competing risks, RMST


class CumulativeIncidenceRow(Section):
    """Cumulative incidence of a cause at each event time (months), per grouping and group."""

    event: CompetingEvent
    group_by: Str | None
    group: Str | None
    times: list[Num]
    estimate: list[Num | None]
    variance: list[Num | None]


class GrayTestRow(Section):
    event: CompetingEvent
    group_by: Str
    stat: Num | None
    df: Int | None
    p: Num | None


class FineGrayTerm(Section):
    term: Str
    coef: Num | None
    se: Num | None
    hr: Num | None
    hr_ci_low: Num | None
    hr_ci_high: Num | None
    p: Num | None


class FineGrayModel(Section):
    event: CompetingEvent
    terms: list[FineGrayTerm]


class RmstGroup(Section):
    group: Str
    rmst: Num
    se: Num


class RmstDifference(Section):
    """The comparison's '1' arm minus the other (months), normal CI; p null when the SE is 0."""

    label: Str
    estimate: Num
    se: Num
    ci_low: Num
    ci_high: Num
    p: Num | None


class RmstRow(Section):
    """Restricted mean survival time (months) up to tau, per group; the difference for two groups."""

    endpoint: Endpoint
    group_by: Str
    tau: Num
    groups: list[RmstGroup]
    difference: RmstDifference | None


class TimeToResponse(Section):
    """Time to response among responders, months (a description, not a Kaplan-Meier estimate)."""

    n: Int
    median: Num | None
    min: Num | None
    max: Num | None
