"""The ``analysis:`` options: populations, survival, comparisons, Cox models, subgroups, competing risks, RMST."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, field_validator, model_validator

from pipeline.config.base import _Strict


class Comparison(_Strict):
    """A grouping for survival comparisons.

    ``threshold``: numeric variable split into ``>= threshold`` vs ``< threshold``; without it the
    variable's own values are the groups. ``accrues_after_index``: the grouping accrues after time zero
    (cycles received) -> immortal-time flag and landmark analysis.
    """

    by: str
    threshold: float | None = None
    label: str | None = None
    accrues_after_index: bool = False
    #: Groups smaller than this are pooled as "other" (categorical groupings only).
    min_group: int = Field(1, ge=1)


def _default_comparisons() -> list[Comparison]:
    return [
        Comparison(by="prior_lines", threshold=3, label="Prior lines"),
        Comparison(by="cycles", threshold=3, label="Cycles received", accrues_after_index=True),
        Comparison(by="emd_any", label="Extramedullary disease"),
        Comparison(by="high_risk_fish", label="High-risk FISH"),
        Comparison(by="regimen", label="Regimen", min_group=3),
    ]


class ModelCovariate(_Strict):
    """A covariate of the Cox models: any adsl column.

    Numeric: per unit, or per ``per`` units (``per: 10`` = HR per 10 years). ``threshold``: ``>= t``
    vs ``< t``. Otherwise categorical (treatment contrasts) against ``reference`` (default ``no`` for
    yes/no columns, else the first level in sorted order).
    """

    name: str = Field(..., min_length=1)
    per: float | None = Field(None, gt=0)
    reference: str | None = None
    threshold: float | None = None

    @model_validator(mode="after")
    def _one_coding(self) -> ModelCovariate:
        if sum(v is not None for v in (self.per, self.reference, self.threshold)) > 1:
            raise ValueError(f"covariate {self.name!r}: give at most one of per, reference, threshold")
        return self


class Models(_Strict):
    """Cox regression: univariable screen and one multivariable model per endpoint (MODELS.md 1)."""

    endpoints: list[Literal["PFS", "OS"]] = Field(default_factory=lambda: ["PFS", "OS"], min_length=1)
    covariates: list[ModelCovariate] = Field(..., min_length=1)
    ties: Literal["efron", "breslow"] = "efron"
    #: An adsl column: stratified Cox models and stratified log-rank tests of the comparisons.
    strata: str | None = None

    @field_validator("covariates")
    @classmethod
    def _distinct(cls, v: list[ModelCovariate]) -> list[ModelCovariate]:
        names = [c.name for c in v]
        dup = sorted({n for n in names if names.count(n) > 1})
        if dup:
            raise ValueError(f"covariates listed twice: {dup}")
        return v


class Subgroups(_Strict):
    """Subgroup forest (MODELS.md 4): the HR of a comparison within each level of each ``by`` column."""

    #: A configured comparison's ``by`` (default: the first comparison).
    comparison: str | None = None
    by: list[str] = Field(..., min_length=1)


#: Kaplan-Meier endpoints (adtte PARAMCD): PFS and OS always; RSD = duration of response (DOR, admiralonco's
#: code) among responders; TTNT = time to next treatment.
KM_ENDPOINTS = ("PFS", "OS", "RSD", "TTNT")


class CompetingRisks(_Strict):
    """Progression vs death without progression (MODELS.md section 2): cumulative incidence per grouping
    of ``analysis.comparisons``, Gray's test per grouping, and a Fine-Gray model on ``covariates``."""

    enabled: bool = False
    #: Fine-Gray covariates: patients columns (numeric per unit; categorical against the first level in
    #: sorted order; a comparison's ``by`` with a threshold as ``>= threshold``). Empty: no Fine-Gray model.
    covariates: list[str] = Field(default_factory=list)

    @field_validator("covariates")
    @classmethod
    def _known_covariates(cls, v: list[str]) -> list[str]:
        if len(set(v)) != len(v):
            raise ValueError("a covariate is listed twice")
        return v

    @model_validator(mode="after")
    def _covariates_need_enabled(self) -> CompetingRisks:
        if self.covariates and not self.enabled:
            raise ValueError("covariates are set but enabled is false (set enabled: true, or remove them)")
        return self


class RMSTOptions(_Strict):
    """Restricted mean survival time per group of every comparison, for every Kaplan-Meier endpoint."""

    enabled: bool = False
    #: Truncation time in months; default (null): per endpoint and comparison, the largest time at which
    #: every compared group still has a patient at risk.
    tau_months: float | None = Field(None, gt=0)

    @model_validator(mode="after")
    def _tau_needs_enabled(self) -> RMSTOptions:
        if self.tau_months is not None and not self.enabled:
            raise ValueError("tau_months is set but enabled is false (set enabled: true, or remove it)")
        return self


class Analysis(_Strict):
    #: PFS events: progression or death (IMWG), or progression only (as some studies report).
    pfs_events: Literal["progression_or_death", "progression"] = "progression_or_death"
    #: PFS censoring without progression: at the last evaluable assessment (default) or last contact.
    pfs_censor: Literal["last_assessment", "last_contact"] = "last_assessment"
    #: Response-evaluable population: at least this many cycles.
    evaluable_min_cycles: int = Field(2, ge=1)
    #: The extra ">= N cycles" population of the response tables.
    extended_min_cycles: int = Field(4, ge=1)
    #: Kaplan-Meier confidence interval transform; log-log matches SAS and lifelines, log is R's default.
    conf_type: Literal["log-log", "log", "plain"] = "log-log"
    conf_level: float = Field(0.95, gt=0.5, lt=1)
    survival_times_months: list[float] = Field(default_factory=lambda: [6.0, 12.0, 24.0])
    comparisons: list[Comparison] = Field(default_factory=_default_comparisons)
    landmark_days: int = Field(56, ge=1)
    cycle_length_days: int = Field(28, ge=1)
    #: Cox regression (univariable screen + multivariable model, PH test); off when absent.
    models: Models | None = None
    #: A configured comparison's ``by``: Table 1 split by its groups, with a p per row.
    table1_by: str | None = None
    #: Subgroup forest of a comparison's hazard ratio.
    subgroups: Subgroups | None = None
    #: Kaplan-Meier endpoints analysed (medians, rates, comparisons): PFS and OS, plus RSD (DOR) and TTNT.
    endpoints: list[Literal["PFS", "OS", "RSD", "TTNT"]] = Field(default_factory=lambda: ["PFS", "OS"])
    competing_risks: CompetingRisks = Field(default_factory=CompetingRisks)
    rmst: RMSTOptions = Field(default_factory=RMSTOptions)

    @field_validator("endpoints")
    @classmethod
    def _pfs_and_os(cls, v: list[str]) -> list[str]:
        if not {"PFS", "OS"} <= set(v):
            raise ValueError("must include PFS and OS (add RSD and/or TTNT to them)")
        return [e for e in KM_ENDPOINTS if e in v]

    @field_validator("survival_times_months")
    @classmethod
    def _positive_times(cls, v: list[float]) -> list[float]:
        if any(t <= 0 for t in v):
            raise ValueError("survival times must be > 0 months")
        return sorted(set(v))

    @model_validator(mode="after")
    def _known_comparisons(self) -> Analysis:
        known = [c.by for c in self.comparisons]
        named = [("table1_by", self.table1_by)]
        if self.subgroups is not None:
            named.append(("subgroups.comparison", self.subgroups.comparison))
            if self.subgroups.comparison is None and not known:
                raise ValueError("subgroups needs a comparison; none is configured")
        for key, by in named:
            if by is not None and by not in known:
                raise ValueError(f"{key}: {by!r} is not a configured comparison's by (one of {known})")
        return self
