"""The ``mmcohort meta`` config: where the studies table is and which outcomes to pool (pydantic,
unknown keys refused)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from pipeline.config.study import _format_errors
from pipeline.errors import ConfigError


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ArmColumns(_Strict):
    """Studies-table columns holding events and totals per arm (experimental first)."""

    experimental_events: str
    experimental_total: str
    control_events: str
    control_total: str


class RatioColumns(_Strict):
    """Columns holding a reported ratio and the printed CI around it."""

    estimate: str
    lower: str
    upper: str


class ProportionColumns(_Strict):
    events: str
    total: str


class Labels(_Strict):
    """Arm names (column heads) and the 'favours' labels under the forest plot's axis. Unset arm names are
    the report language's words for "Experimental" and "Control"."""

    experimental: str | None = None
    control: str | None = None
    favours_left: str | None = None
    favours_right: str | None = None


class _Outcome(_Strict):
    name: str = Field(..., min_length=1, max_length=120)
    #: fixed | random | rule ("fixed if heterogeneity p >= 0.10 and I2 <= 50%, random otherwise"). Random
    #: by default: a model chosen before the data are seen (Cochrane Handbook 10.10.4.1); the rule, which
    #: picks the model from the heterogeneity test, is there for studies that pre-specified it.
    model: Literal["fixed", "random", "rule"] = "random"
    #: Random-effects tau2 estimator.
    random_method: Literal["DL", "REML"] = "DL"
    #: Optional column of the studies table whose values define subgroups.
    subgroup: str | None = None
    labels: Labels = Field(default_factory=Labels)


class Dichotomous(_Outcome):
    """Events and totals per arm: RR, OR or RD, Mantel-Haenszel or inverse-variance fixed effect."""

    type: Literal["dichotomous"]
    measure: Literal["RR", "OR", "RD"] = "RR"
    method: Literal["MH", "IV"] = "MH"
    columns: ArmColumns


class Generic(_Outcome):
    """A reported ratio (HR, OR, RR) with its printed CI: generic inverse variance on the log scale."""

    type: Literal["generic"]
    measure: Literal["HR", "OR", "RR"] = "HR"
    #: Level of the printed CIs in the table (0.95 unless the papers printed another).
    ci_level: float = Field(0.95, gt=0.5, lt=1)
    columns: RatioColumns


class Proportion(_Outcome):
    """Single-arm proportions pooled on the logit or Freeman-Tukey scale (random effects by default, as
    every outcome)."""

    type: Literal["proportion"]
    transform: Literal["logit", "freeman_tukey"] = "logit"
    columns: ProportionColumns


Outcome = Annotated[Dichotomous | Generic | Proportion, Field(discriminator="type")]


class MetaConfig(_Strict):
    #: Names the output folder <out>/<name>/.
    name: str = Field(..., pattern=r"^[A-Za-z0-9_.-]+$", min_length=1, max_length=80)
    title: str | None = None
    #: Language of the report and the figures (the study config's ``report.language``): en | zh.
    language: Literal["en", "zh"] = "en"
    #: Studies table (.csv, .xlsx), relative to the config file.
    studies: Path
    sheet: str | None = None
    encoding: str | None = None
    #: Column with the study label (author, year) shown in the forest plot.
    study_column: str
    conf_level: float = Field(0.95, gt=0.5, lt=1)
    outcomes: list[Outcome] = Field(..., min_length=1)
    base_dir: Path = Field(default=Path("."), exclude=True)

    @model_validator(mode="after")
    def _unique_names(self) -> MetaConfig:
        names = [o.name for o in self.outcomes]
        dup = sorted({n for n in names if names.count(n) > 1})
        if dup:
            raise ValueError(f"outcome names must be unique, repeated: {dup}")
        return self

    @property
    def studies_path(self) -> Path:
        return self.studies if self.studies.is_absolute() else self.base_dir / self.studies


def load_meta_config(path: str | Path) -> MetaConfig:
    """Read and validate a meta-analysis config (``ConfigError`` naming every bad key)."""
    path = Path(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"config file not found: {path}") from None
    except (UnicodeDecodeError, yaml.YAMLError) as e:
        raise ConfigError(f"config file {path} is not valid UTF-8 YAML: {e}") from None
    if not isinstance(data, dict):
        raise ConfigError(f"invalid config {path}: the top level must be a mapping of keys")
    try:
        return MetaConfig.model_validate({**data, "base_dir": path.resolve().parent})
    except ValidationError as e:
        raise ConfigError(_format_errors(e, str(path))) from None
