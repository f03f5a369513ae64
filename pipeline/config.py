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

from pipeline.errors import ConfigError
from pipeline.schema import spec_for

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

    @field_validator("survival_times_months")
    @classmethod
    def _positive_times(cls, v: list[float]) -> list[float]:
        if any(t <= 0 for t in v):
            raise ValueError("survival times must be > 0 months")
        return sorted(set(v))


class Report(_Strict):
    language: Literal["en", "zh"] = "en"
    title: str | None = None
    #: Draw the figures (PNG + SVG). Off, the report is written without them (faster; for tests and drafts).
    figures: bool = True


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
    #: Columns the de-identification guard must not refuse (a reviewed false positive).
    deid_allow: list[str] = Field(default_factory=list)
    validation: Validation = Field(default_factory=Validation)
    response: Response = Field(default_factory=Response)
    analysis: Analysis = Field(default_factory=Analysis)
    report: Report = Field(default_factory=Report)
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

    @field_validator("values")
    @classmethod
    def _value_columns(cls, v: dict[str, dict]) -> dict[str, dict]:
        bad = [c for c in v if c != "*" and not any(spec_for(t, c) for t in TABLES)]
        if bad:
            raise ValueError(f"not canonical column names (or '*'): {bad}")
        return v

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
    from pipeline.limits import MAX_CONFIG_BYTES
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
