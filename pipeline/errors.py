"""Errors that are the user's data or config, not our bug (exit code 2)."""

from __future__ import annotations

from dataclasses import asdict, dataclass

from pipeline.ingest.identifiers import redact


@dataclass(frozen=True)
class Issue:
    """One located problem in the input: where it is, what it is, which rule it breaks."""

    file: str
    row: int | None  # original line number in the file (header = line 1); None for file-level
    column: str | None
    value: str | None  # already redacted when the column may hold identifiers
    rule: str
    severity: str = "error"  # "error" stops the run, "warning" does not

    def __post_init__(self) -> None:
        # Every message is built from Issues: mask identifier-looking text and name invisible characters
        # here, once, whatever stage made the Issue (pipeline/ingest/identifiers.py).
        for name in ("file", "column", "value", "rule"):
            text = getattr(self, name)
            if text is not None:
                object.__setattr__(self, name, redact(text))

    def as_dict(self) -> dict:
        return asdict(self)


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
