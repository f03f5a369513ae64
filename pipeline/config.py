"""Study configuration: one YAML file per study, validated once on load.

Every option a later stage reads is declared here with its default, so an unknown key, a wrong type or
an impossible value is refused up front with the key named (``ConfigError``).
"""

from __future__ import annotations

import codecs
import datetime as dt
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from pipeline.contract import FieldSpec, spec_for
from pipeline.errors import ConfigError

TABLES = ("patients", "assessments", "adverse_events")


class _Strict(BaseModel):
    # allow_inf_nan=False: .inf/.nan in a numeric option is refused, never carried into the analysis
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


class Inputs(_Strict):
    """Input files, relative to the config file's folder (or absolute)."""

    patients: Path
    assessments: Path | None = None
    adverse_events: Path | None = None
    #: Sheet name for .xlsx inputs (default: the first sheet).
    sheet: str | None = None
    #: Force a CSV encoding instead of detecting it (utf-8, utf-8-sig, gb18030, gbk).
    encoding: str | None = None

    @field_validator("encoding")
    @classmethod
    def _known_encoding(cls, v: str | None) -> str | None:
        if v is not None:
            try:
                codecs.lookup(v)
            except LookupError:
                raise ValueError(f"unknown encoding {v!r} (use utf-8, utf-8-sig, gb18030 or gbk)") from None
        return v


class Validation(_Strict):
    #: A baseline assessment must lie on or before index_date, within this many days.
    baseline_window_days: int = Field(30, ge=0, le=365)


class Response(_Strict):
    #: Where response comes from: ``auto`` derives IMWG from raw measurements when the assessments hold
    #: them, else uses recorded assessment responses, else patients.best_response.
    source: Literal["auto", "derived", "recorded", "patients"] = "auto"
    #: IMWG confirmation: MR-or-better and lab PD need two consecutive evaluable assessments.
    confirm_response: bool = True
    #: A lab PD at the last assessment (before death, new therapy or end of data) counts (``count``) or
    #: is ignored (``ignore``).
    unconfirmed_pd: Literal["count", "ignore"] = "count"
    #: The per-patient response summary the rates and the best-response table use: ``best`` = IMWG best
    #: overall response (the best confirmed category up to the first PD; the default), or ``last`` = the
    #: (confirmed) category at the last evaluable assessment up to the first PD, as studies that report a
    #: "final response" do. No effect at the patients-only level (``best_response`` as recorded).
    summary: Literal["best", "last"] = "best"


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


#: Extra-column types -> the contract's parsing kinds (``yesno`` is parsed as yes/no, then kept as "yes"/"no").
EXTRA_KINDS = {"number": "float", "integer": "int", "category": "category", "yesno": "bool", "date": "date"}
#: Columns the analysis adds to adsl (docs/ANALYSIS.md, 'The analysis datasets'; the response engine's
#: per-patient columns among them), and Table 1's myeloma_group: an extra column may not take their names.
DERIVED_ADSL = frozenset({
    "emd_any", "high_risk_fish", "myeloma_group", "EVALFL", "EXTFL", "ORRFL",
    "followed_by", "plasmacytoma", "followed_reason", "involved_chain", "baseline_date",
    "bor", "bor_date", "bor_reason", "bor_best", "bor_best_date", "bor_source", "best_pct_change",
    "PDDT", "PDSRC", "derived_progression_date", "progression_reason", "progression_disagreement",
    "pd_confirmed", "n_unconfirmed_pd", "relapse_from_cr_date", "last_evaluable_date"})


class ExtraColumn(_Strict):
    """A patients column outside the contract, declared so it is parsed, validated and kept in adsl.

    It can then group comparisons, appear in Table 1 and enter the models, like a contract column.
    """

    #: Name used in adsl.csv, comparisons, Table 1 and models (snake_case).
    name: str = Field(..., pattern=r"^[a-z][a-z0-9_]{0,39}$")
    #: The header in the patients file (default: the name; matched ignoring case and surrounding spaces).
    header: str | None = Field(None, min_length=1, max_length=200)
    type: Literal["number", "integer", "category", "yesno", "date"]
    #: ``category`` only: the allowed values (after the ``values:`` mapping), in display order.
    values: list[str] | None = Field(None, min_length=1)
    #: Display label (default: the name).
    label: str | None = Field(None, max_length=120)
    #: ``number``/``integer`` only: values outside [min, max] are errors.
    min: float | None = None
    max: float | None = None

    @model_validator(mode="after")
    def _consistent(self) -> ExtraColumn:
        if self.type == "category" and not self.values:
            raise ValueError(f"extra column {self.name!r}: a category needs its allowed 'values'")
        if self.type != "category" and self.values is not None:
            raise ValueError(f"extra column {self.name!r}: 'values' applies to type category only")
        if self.type not in ("number", "integer") and (self.min is not None or self.max is not None):
            raise ValueError(f"extra column {self.name!r}: 'min'/'max' apply to number and integer only")
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError(f"extra column {self.name!r}: min {self.min:g} is above max {self.max:g}")
        if spec_for("patients", self.name) is not None or self.name in DERIVED_ADSL:
            raise ValueError(f"extra column {self.name!r}: that name is already a column of the data "
                             "contract or of adsl; map the header to it under 'columns:' instead, or pick another name")
        return self

    @property
    def source_header(self) -> str:
        return self.header or self.name

    def field_spec(self) -> FieldSpec:
        lo, hi = self.min, self.max
        if lo is not None or hi is not None:
            lo = float("-inf") if lo is None else lo
            hi = float("inf") if hi is None else hi
        return FieldSpec(self.name, EXTRA_KINDS[self.type], False, self.label or "user-declared extra column",
                         allowed=tuple(self.values) if self.values else None, min=lo, max=hi)


class Report(_Strict):
    language: Literal["en", "zh"] = "en"
    title: str | None = None
    #: Draw the figures (PNG + SVG). Off, the report is written without them (faster; for tests and drafts).
    figures: bool = True
    #: Per-patient or per-assessment listings (disagreements, validation issues) longer than this are not
    #: printed in the report or the Word tables; they stay complete in tables/*.csv, tables.xlsx and
    #: validation.md, and the report says where.
    max_listing_rows: int = Field(200, ge=1, le=100_000)
    #: Swimmer and waterfall plots of larger cohorts show an evenly spaced sample of this many patients
    #: (spanning the whole range of the plotted value) and say so in the caption.
    max_patients_per_figure: int = Field(200, ge=10, le=5_000)
    #: Analyses shown although the published study being replicated did not report them; the report marks
    #: each "not reported in the published study" (RSD = DOR, TTNT, TTR, competing_risks, rmst).
    not_in_published_study: list[Literal["RSD", "TTNT", "TTR", "competing_risks", "rmst"]] = Field(
        default_factory=list)


class LiteratureStudy(_Strict):
    """A published cohort to set this cohort beside (``literature:``): give ``responders`` or ``orr_pct``."""

    name: str = Field(..., min_length=1, max_length=120)
    n: int = Field(..., gt=0)
    #: Responders (>= PR); or ``orr_pct``, the published percentage (responders = the rounded count).
    responders: int | None = Field(None, ge=0)
    orr_pct: float | None = Field(None, ge=0, le=100)
    median_pfs_months: float | None = Field(None, ge=0)
    median_os_months: float | None = Field(None, ge=0)
    regimen: str | None = None
    reference: str | None = None

    @model_validator(mode="after")
    def _one_orr(self) -> LiteratureStudy:
        if (self.responders is None) == (self.orr_pct is None):
            raise ValueError(f"{self.name}: give exactly one of responders or orr_pct")
        if self.responders is not None and self.responders > self.n:
            raise ValueError(f"{self.name}: responders ({self.responders}) must be <= n ({self.n})")
        return self


class StudyConfig(_Strict):
    study: str = Field(..., pattern=r"^[A-Za-z0-9_.-]+$", min_length=1, max_length=80)
    cutoff: dt.date
    inputs: Inputs
    #: Hospital header -> canonical column, per table (``patients``, ``assessments``, ``adverse_events``).
    columns: dict[Literal["patients", "assessments", "adverse_events"], dict[str, str]] = Field(
        default_factory=dict
    )
    #: Canonical column -> {hospital value -> canonical value}; ``"*"`` applies to every column.
    #: Keys may be numbers (SPSS codes, ``1: M``) or YAML booleans (``yes: positive`` reads as True).
    values: dict[str, dict[bool | int | float | str, Any]] = Field(default_factory=dict)
    #: Patients columns outside the contract, declared with a type (``ExtraColumn``).
    extra_columns: list[ExtraColumn] = Field(default_factory=list)
    #: Columns the de-identification guard must not refuse (a reviewed false positive).
    deid_allow: list[str] = Field(default_factory=list)
    validation: Validation = Field(default_factory=Validation)
    response: Response = Field(default_factory=Response)
    analysis: Analysis = Field(default_factory=Analysis)
    report: Report = Field(default_factory=Report)
    #: Published cohorts the report sets this cohort's ORR and medians beside.
    literature: list[LiteratureStudy] = Field(default_factory=list)
    #: Folder the config was read from (inputs are relative to it). Not a YAML key.
    base_dir: Path = Field(default=Path("."), exclude=True)

    @field_validator("columns")
    @classmethod
    def _canonical_targets(cls, v: dict[str, dict[str, str]]) -> dict[str, dict[str, str]]:
        bad = [f"{table}.{src} -> {dst!r}" for table, m in v.items() for src, dst in m.items()
               if spec_for(table, dst) is None]
        if bad:
            raise ValueError("not a canonical column of that table: " + "; ".join(bad))
        return v

    @model_validator(mode="after")
    def _value_columns(self) -> StudyConfig:
        extra = {e.name for e in self.extra_columns}
        bad = [c for c in self.values if c != "*" and c not in extra and not any(spec_for(t, c) for t in TABLES)]
        if bad:
            raise ValueError(f"values: not canonical or declared extra column names (or '*'): {bad}")
        return self

    @model_validator(mode="after")
    def _extra_columns_unique(self) -> StudyConfig:
        names = [e.name for e in self.extra_columns]
        heads = [e.source_header.strip().lower() for e in self.extra_columns]
        mapped = {h.strip().lower() for h in self.columns.get("patients", {})}
        for what, xs in (("name", names), ("header", heads)):
            dup = sorted({x for x in xs if xs.count(x) > 1})
            if dup:
                raise ValueError(f"extra_columns: {what} declared more than once: {dup}")
        clash = sorted(set(heads) & mapped)
        if clash:
            raise ValueError(f"extra_columns: header(s) {clash} are also mapped under columns.patients")
        return self

    def extra_specs(self) -> tuple[FieldSpec, ...]:
        """The declared extra patients columns as field specs (parsed and validated like contract ones)."""
        return tuple(e.field_spec() for e in self.extra_columns)

    @model_validator(mode="after")
    def _values_are_scalars(self) -> StudyConfig:
        for col, mapping in self.values.items():
            if not isinstance(mapping, dict):
                raise ValueError(f"values.{col} must map hospital values to canonical values")
        return self

    def input_path(self, table: str) -> Path | None:
        p = getattr(self.inputs, table)
        if p is None:
            return None
        return p if p.is_absolute() else (self.base_dir / p)

    @property
    def run_name(self) -> str:
        return f"{self.study}_cutoff-{self.cutoff.isoformat()}"

    def resolved(self) -> dict:
        """The config as actually used (for the manifest and the methods section)."""
        d = self.model_dump(mode="json")
        d["inputs"] = {k: (str(self.input_path(k)) if k in TABLES and v else v) for k, v in d["inputs"].items()}
        return d


def _format_errors(err: ValidationError, source: str) -> str:
    lines = [f"invalid config {source}:"]
    for e in err.errors():
        key = ".".join(str(p) for p in e["loc"]) or "(top level)"
        msg = e["msg"]
        if e["type"] == "extra_forbidden":
            msg = "unknown key"
        got = e.get("input")
        shown = "" if isinstance(got, dict | list) or got is None else f" (got {got!r})"
        lines.append(f"  - {key}: {msg}{shown}")
    return "\n".join(lines)


def config_from_dict(data: dict, base_dir: Path = Path("."), source: str = "<dict>") -> StudyConfig:
    if not isinstance(data, dict):
        raise ConfigError(f"invalid config {source}: the top level must be a mapping of keys")
    try:
        return StudyConfig.model_validate({**data, "base_dir": base_dir})
    except ValidationError as e:
        raise ConfigError(_format_errors(e, source)) from None


def load_config(path: str | Path, cutoff: dt.date | None = None) -> StudyConfig:
    """Read and validate a study config; ``cutoff`` (the CLI's ``--cutoff``) overrides the file's."""
    from pipeline.ingest.limits import MAX_CONFIG_BYTES
    from pipeline.yamlsafe import load_yaml

    path = Path(path)
    try:
        if path.is_file() and path.stat().st_size > MAX_CONFIG_BYTES:
            raise ConfigError(f"config file {path} is larger than {MAX_CONFIG_BYTES // 1024} kB: not a study config")
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"config file not found: {path}") from None
    except UnicodeDecodeError:
        raise ConfigError(f"config file {path} is not UTF-8 text") from None
    except OSError as e:  # a folder, no permission
        raise ConfigError(f"config file {path} cannot be read: {e.strerror or e}") from None
    data = load_yaml(text, str(path))
    if isinstance(data, dict) and cutoff is not None:
        data = {**data, "cutoff": cutoff}
    return config_from_dict(data, base_dir=path.resolve().parent, source=str(path))
