"""Validation issues as text: the CLI's table, validation.md, and the validation.json payload."""

from __future__ import annotations

from pipeline.errors import Issue
from pipeline.text.escape import md_escape


def validation_payload(issues: list[Issue]) -> dict:
    return {
        "n_errors": sum(i.severity == "error" for i in issues),
        "n_warnings": sum(i.severity == "warning" for i in issues),
        "issues": [i.as_coded_dict() for i in issues],
    }


def format_issues(issues: list[Issue]) -> str:
    """A plain-text table: severity, file, line, column, value, rule."""
    if not issues:
        return "no problems found\n"
    head = ("severity", "file", "line", "column", "value", "rule")
    rows = [(i.severity, i.file, "" if i.row is None else str(i.row), i.column or "",
             "" if i.value is None else _short(i.value), i.rule) for i in issues]
    widths = [max(len(r[k]) for r in [head, *rows]) for k in range(5)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(r[:5], widths, strict=True)) + "  " + r[5] for r in [head, *rows]]
    return "\n".join(lines) + "\n"


def validation_markdown(issues: list[Issue]) -> str:
    n_err = sum(i.severity == "error" for i in issues)
    out = [f"# Validation\n\n{n_err} error(s), {len(issues) - n_err} warning(s).\n"]
    if issues:
        out.append("| severity | file | line | column | value | rule |\n|---|---|---|---|---|---|")
        for i in issues:
            e = [md_escape(x, cell=True) for x in (i.file, i.column or "", "" if i.value is None else _short(i.value),
                                                   i.rule)]
            out.append(f"| {i.severity} | {e[0]} | {'' if i.row is None else i.row} | {e[1]} | {e[2]} | {e[3]} |")
    return "\n".join(out) + "\n"


def _short(v: str, n: int = 40) -> str:
    v = v.replace("\n", " ")
    return v if len(v) <= n else v[: n - 1] + "…"
