"""results.json sections of the descriptive analysis: response, survival, comparisons and landmark,
follow-up, Table 1, adverse events, numbers at risk, agreement, the cut-off report and the options."""

from typing import Literal

from pydantic import Field

from pipeline.analysis.record.base import (
    Bool,
    Category,
    ConfType,
    Endpoint,
    Int,
    IsoDate,
    Num,
    PfsCensor,
    PfsEvents,
    ResponseSummary,
    Section,
    Str,
    UnconfirmedPd,
    absent_key,
)
from pipeline.analysis.survival import ENDPOINTS as LANDMARK_ENDPOINTS

# ------------------------------------------------------------------------------ response and survival


class RateRow(Section):
    """Response rate of a population: n of N with an exact (Clopper-Pearson) CI, in percent."""

    population: Str
    endpoint: Literal["ORR", "CBR", "DCR"]
    n: Int
    N: Int
    pct: Num | None = Field(description="null when N = 0")
    ci_low: Num | None
    ci_high: Num | None


class SurvivalRow(Section):
    """Kaplan-Meier median (months) of an endpoint, for the cohort (group_by null) or a group."""

    endpoint: Endpoint
    group_by: Str | None
    group: Str | None
    n: Int
    events: Int
    median: Num | None = Field(description="null when not reached")
    median_ci_low: Num | None
    median_ci_high: Num | None


class ComparisonRow(Section):
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
    n_excluded_before_landmark: Int = absent_key("landmark comparisons only (absent otherwise)")
    groups: list[Str]
    immortal_time_bias: Bool
    landmark_days: Int | None
    note: Str | None


class SurvivalRateRow(Section):
    """Kaplan-Meier survival at a fixed time (months) with its CI."""

    endpoint: Endpoint
    group_by: Str | None
    group: Str | None
    time_months: Num
    n_risk: Int
    surv: Num | None
    lower: Num | None
    upper: Num | None


class LandmarkSurvivalRow(Section):
    """Kaplan-Meier median after the landmark, per group of a comparison that accrues after index."""

    endpoint: Literal[LANDMARK_ENDPOINTS]
    group_by: Str
    group: Str
    landmark_days: Int
    n: Int
    events: Int
    median: Num | None
    median_ci_low: Num | None
    median_ci_high: Num | None


class FollowUp(Section):
    """Median follow-up (reverse Kaplan-Meier on OS) with its CI and the range, in months."""

    median: Num | None
    ci_low: Num | None
    ci_high: Num | None
    min: Num | None
    max: Num | None
    n: Int
    method: Literal["reverse Kaplan-Meier on OS"] = absent_key("absent when there is no OS row")


class BestResponseRow(Section):
    """Patients of a population by best response category."""

    population: Str
    category: Category
    n: Int
    N: Int
    pct: Num | None


class ResponseByCycleRow(Section):
    """Category at the assessment marked cycle N (unconfirmed)."""

    cycle: Int
    category: Category
    n: Int
    N: Int
    pct: Num


class AdverseEventRow(Section):
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


class Table1Row(Section):
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
    statistic: Literal["mean_sd", "median_iqr"] | None = absent_key(_CONTINUOUS_ONLY)
    missing: Int | None = absent_key("patients without a value (null on the patients and FISH rows)")
    shapiro_p: Num | None = absent_key(_CONTINUOUS_ONLY)
    mean: Num | None = absent_key(_CONTINUOUS_ONLY)
    sd: Num | None = absent_key(_CONTINUOUS_ONLY)
    median: Num | None = absent_key(_CONTINUOUS_ONLY)
    q1: Num | None = absent_key(_CONTINUOUS_ONLY)
    q3: Num | None = absent_key(_CONTINUOUS_ONLY)
    min: Num | None = absent_key(_CONTINUOUS_ONLY)
    max: Num | None = absent_key(_CONTINUOUS_ONLY)


class AtRiskRow(Section):
    """Numbers at risk at a figure tick, per curve (landmark curves: group_by names the landmark)."""

    endpoint: Endpoint
    group_by: Str | None
    group: Str | None
    time_months: Num
    n_risk: Int


class Agreement(Section):
    """Derived vs recorded response per assessment."""

    n: Int
    agree: Int
    pct_agree: Num
    kappa: Num | None
    n_disagreements: Int


class CutoffReportRecord(Section):
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


# ------------------------------------------------------------------------------------------- options


class Options(Section):
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
