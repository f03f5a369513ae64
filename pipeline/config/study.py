"""The study config (``StudyConfig``): inputs, mapping, response, report, literature; read and validated once.

Every option a later stage reads is declared here or in :mod:`pipeline.config.analysis` with its default,
so an unknown key, a wrong type or an impossible value is refused up front with the key named
(``ConfigError``).
"""

from __future__ import annotations

import codecs
import datetime as dt
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, ValidationError, field_validator, model_validator

from pipeline.config.analysis import Analysis
from pipeline.config.base import _Strict
from pipeline.contract import FieldSpec, spec_for
from pipeline.errors import ConfigError

TABLES = ("patients", "assessments", "adverse_events")
#: Input files that have sheets (``inputs.sheet`` applies to them).
SHEET_SUFFIXES = (".xlsx", ".xlsm")


class Inputs(_Strict):
    """Input files, relative to the config file's folder (or absolute)."""

    patients: Path
    assessments: Path | None = None
    adverse_events: Path | None = None
    #: Sheet of the .xlsx inputs: one name for every table, or a name per table (``{patients: 患者信息,
    #: assessments: 疗效评估}``; a table left out reads its workbook's first visible sheet). Default: the first
    #: visible sheet.
    sheet: str | dict[str, str] | None = None
    #: Force a CSV encoding instead of detecting it (utf-8, utf-8-sig, gb18030, gbk).
    encoding: str | None = None

    @field_validator("sheet", mode="before")
    @classmethod
    def _sheet_by_table(cls, v: Any) -> Any:
        if v is None:
            return v
        if not isinstance(v, str | dict):
            raise ValueError("give a sheet name (quoted if it reads as a number), or a mapping of table -> sheet name")
        for key, name in (v.items() if isinstance(v, dict) else [(None, v)]):
            where = f" for {key}" if key is not None else ""
            if key is not None and key not in TABLES:
                raise ValueError(f"unknown table {str(key)!r} in the sheet mapping (tables: {', '.join(TABLES)})")
            if not isinstance(name, str):
                raise ValueError(f"the sheet name{where} must be text (got {name!r}; quote it)")
            if not name.strip():
                raise ValueError(f"empty sheet name{where}")
        return v

    @model_validator(mode="after")
    def _sheets_of_workbooks(self) -> Inputs:
        if not isinstance(self.sheet, dict):
            return self
        for table in self.sheet:
            path = getattr(self, table)
            if path is None:
                raise ValueError(f"sheet.{table}: no {table} file is given under inputs")
            if path.suffix.lower() not in SHEET_SUFFIXES:
                raise ValueError(f"sheet.{table}: {path.name} is not an Excel workbook (.xlsx/.xlsm), it has no "
                                 "sheets; remove this entry")
        return self

    def sheet_for(self, table: str) -> str | None:
        """The sheet to read for ``table`` (None: the first visible one)."""
        return self.sheet.get(table) if isinstance(self.sheet, dict) else self.sheet

    def sheet_key(self, table: str) -> str:
        """The config key that names ``table``'s sheet, for messages."""
        return f"inputs.sheet.{table}" if isinstance(self.sheet, dict) else "inputs.sheet"

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
