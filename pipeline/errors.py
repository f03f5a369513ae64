"""Errors that are the user's data or config, not our bug (exit code 2), and the codes of validation issues."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from enum import StrEnum, unique

from pipeline.ingest.identifiers import redact


@unique
class Code(StrEnum):
    """The stable machine code of every kind of validation issue, each defined here once with its meaning.

    A new rule gets a member here (snake_case value, one-line meaning); ``docs/validation_codes.md`` is
    generated from this list (``render_codes``) and a test keeps it current. Grouped by where the rule runs.
    """

    meaning: str

    def __new__(cls, value: str, meaning: str) -> Code:
        obj = str.__new__(cls, value)
        obj._value_ = value
        obj.meaning = meaning
        return obj

    # reading a file (pipeline/ingest/load.py, xlsx.py, limits.py)
    FILE_NOT_FOUND = "file_not_found", "the input file does not exist"
    NOT_A_FILE = "not_a_file", "the input path is a folder, not a file"
    UNREADABLE_FILE = "unreadable_file", "the file cannot be opened or read as its type (permissions, a " \
        "corrupt workbook or SPSS file)"
    UNSUPPORTED_FILE_TYPE = "unsupported_file_type", "the file type is not one the tool reads (.csv, .xlsx, .sav)"
    ENCODING = "encoding", "the text cannot be decoded without garbling it (not UTF-8 or GB18030, UTF-16 " \
        "without a byte-order mark, Latin-1 read as GB18030, or not the configured encoding)"
    NUL_BYTE = "nul_byte", "a line holds a NUL byte, which no text file holds"
    EMPTY_FILE = "empty_file", "the file or sheet holds nothing, not even a header"
    CSV_SYNTAX = "csv_syntax", "the CSV cannot be split into cells at this line"
    TOO_MANY_CELLS = "too_many_cells", "a row has more (non-blank) cells than the header has columns"
    DUPLICATE_HEADER = "duplicate_header", "the header repeats a column name"
    REPEATED_HEADER_ROW = "repeated_header_row", "a data line repeats the header (two exports pasted together?)"
    TOO_MANY_COLUMNS = "too_many_columns", "the header (or a row of a sheet) has more columns than the tool reads"
    CELL_TOO_LONG = "cell_too_long", "a cell holds more characters than Excel allows in one cell"
    WORKBOOK_TOO_LARGE = "workbook_too_large", "the workbook inflates to more than the size limit, or its sheet spans too many rows or cells"
    ZIP_BOMB = "zip_bomb", "a workbook part inflates far more than spreadsheet XML does"
    MISSING_SHEET = "missing_sheet", "the workbook has no sheet of the configured name (inputs.sheet)"
    HIDDEN_SHEET = "hidden_sheet", "warning: the first sheet is hidden, so the first visible one was read"
    UNCACHED_FORMULA = "uncached_formula", "a formula cell whose result was never saved reads as empty"
    # de-identification (pipeline/ingest/deid.py)
    IDENTIFIER_IN_HEADER = "identifier_in_header", "the header text itself holds an identifier (ID or phone " \
        "number, e-mail address...)"
    PHI_COLUMN = "phi_column", "the header names an identifier column (name, ID number, phone, address...)"
    IDENTIFIER_IN_CELL = "identifier_in_cell", "the column's values look like identifiers (never echoed)"
    # columns and tables (pipeline/ingest/mapping.py, coerce.py, validate.py)
    UNMAPPED_COLUMN = "unmapped_column", "warning: a column outside the contract and the config is ignored"
    MISSING_EXTRA_COLUMN = "missing_extra_column", "warning: a declared extra column is not in the file"
    MISSING_COLUMN = "missing_column", "a column the contract (or a meta-analysis outcome) needs is not there"
    NO_ROWS = "no_rows", "the table has a header but no data rows"
    # one cell (pipeline/ingest/coerce.py, schemas.py; pipeline/meta/table.py)
    BAD_DATE = "bad_date", "the cell cannot be read as a date"
    DATE_OUT_OF_RANGE = "date_out_of_range", "a date before 1900 or after 2100 (a typo or a placeholder)"
    BAD_NUMBER = "bad_number", "the cell is not a number (or not a whole number where one is needed)"
    BAD_YES_NO = "bad_yes_no", "the cell cannot be read as yes/no"
    BAD_TEXT = "bad_text", "the cell cannot be read as text"
    BAD_MYELOMA_TYPE = "bad_myeloma_type", "the cell is not a myeloma type"
    NOT_IN_VALUES = "not_in_values", "the value is not one of the column's allowed values"
    SCHEMA_CHECK = "schema_check", "another check of the contract's schema failed (pandera names it)"
    MISSING_VALUE = "missing_value", "a required value is blank"
    DUPLICATE_KEY = "duplicate_key", "a value (or combination) that must be unique is on more than one row"
    OUT_OF_RANGE = "out_of_range", "a number outside its allowed range (the contract's, or a count or " \
        "ratio that must be positive)"
    UNUSUAL_VALUE = "unusual_value", "warning: a number outside its plausible range"
    # across fields and tables (pipeline/ingest/checks.py)
    BEFORE_INDEX_DATE = "before_index_date", "a date before the patient's index_date"
    AFTER_DEATH_DATE = "after_death_date", "a date after the patient's death date"
    BASELINE_TOO_EARLY = "baseline_too_early", "a baseline assessment earlier than " \
        "validation.baseline_window_days before index_date"
    BASELINE_AFTER_INDEX = "baseline_after_index", "a baseline (cycle 0) assessment after index_date"
    CONDITIONALLY_REQUIRED = "conditionally_required", "blank, but another column's value requires it"
    CONDITIONALLY_BLANK = "conditionally_blank", "given, but another column's value (or blank) rules it out"
    UNKNOWN_PATIENT = "unknown_patient", "a patient_id that is not in the patients file"
    CYCLE_OVER_CYCLES = "cycle_over_cycles", "an assessment cycle higher than the patient's cycles"
    # the meta-analysis studies table (pipeline/meta/table.py)
    EVENTS_OVER_TOTAL = "events_over_total", "more events than the total of the arm"
    CI_EXCLUDES_ESTIMATE = "ci_excludes_estimate", "the confidence interval does not contain the estimate"
    CI_ORDER = "ci_order", "the lower confidence limit is not below the upper one"


def render_codes() -> str:
    """docs/validation_codes.md: every code with its meaning, in the order of ``Code``."""
    out = ["# Validation codes", "",
           "Generated from `pipeline/errors.py: Code` by `render_codes()` (`tests/ingest/test_codes.py` keeps it",
           "current). Every validation issue carries one of these codes; validation reports each code once per",
           "file, line and column. `validation.json` gives each issue's `code` beside its words, for scripts;",
           "the error table and `validation.md` show the words only. A meaning that begins \"warning:\" is a",
           "warning: it does not stop the run.",
           "", "| code | meaning |", "|---|---|"]
    out += [f"| `{c.value}` | {c.meaning} |" for c in Code]
    return "\n".join(out) + "\n"


@dataclass(frozen=True)
class Issue:
    """One located problem in the input: where it is, what it is, which rule it breaks."""

    file: str
    row: int | None  # original line number in the file (header = line 1); None for file-level
    column: str | None
    value: str | None  # already redacted when the column may hold identifiers
    rule: str  # the message, in words
    severity: str = "error"  # "error" stops the run, "warning" does not
    # The kind of problem, for machines (de-duplication, tests). Every Issue the pipeline makes names one
    # (tests/ingest/test_codes.py); None is left for Issues built by hand, e.g. to test message formatting.
    code: Code | None = field(default=None, kw_only=True)

    def __post_init__(self) -> None:
        if self.code is not None and not isinstance(self.code, Code):
            raise TypeError(f"Issue code must be a pipeline.errors.Code, not {self.code!r}")
        # Every message is built from Issues: mask identifier-looking text and name invisible characters
        # here, once, whatever stage made the Issue (pipeline/ingest/identifiers.py).
        for name in ("file", "column", "value", "rule"):
            text = getattr(self, name)
            if text is not None:
                object.__setattr__(self, name, redact(text))

    def as_dict(self) -> dict:
        """The issue without its code: file, row, column, value, rule, severity (the report's table)."""
        d = asdict(self)
        del d["code"]
        return d

    def as_coded_dict(self) -> dict:
        """The issue with its code (a plain string, or None), as written to validation.json."""
        return {**self.as_dict(), "code": None if self.code is None else self.code.value}


class UserError(Exception):
    """Base for every problem the user can fix in their data or config (exit code 2)."""


class ConfigError(UserError):
    """The study config is invalid."""


class DataError(UserError):
    """The input data break the contract. Carries every issue found, not just the first."""

    def __init__(self, issues: list[Issue], message: str | None = None):
        self.issues = list(issues)
        n = sum(1 for i in self.issues if i.severity == "error")
        super().__init__(message or f"{n} data error(s) found")
