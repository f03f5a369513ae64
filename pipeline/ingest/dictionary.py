"""The data dictionary (docs/data_dictionary.md), generated from ``pipeline.contract`` so it cannot drift."""

from __future__ import annotations

from pipeline import vocab
from pipeline.contract import TABLE_SPECS, FieldSpec
from pipeline.ingest.parse import KIND_WORDS

_TITLES = {"patients": "patients (required): one row per patient",
           "assessments": "assessments (optional): one row per patient per response assessment",
           "adverse_events": "adverse_events (optional): one row per patient per event"}


def _range(f: FieldSpec) -> str:
    parts = []
    if f.min is not None or f.max is not None:
        lo = ">" if f.min_exclusive else ">="
        parts.append(f"{lo} {f.min:g}" if f.min is not None else "")
        parts.append(f"<= {f.max:g}" if f.max is not None else "")
        hard = " and ".join(p for p in parts if p)
        parts = [f"error outside {hard}"]
    if f.warn_min is not None and f.warn_max is not None:
        parts.append(f"warning outside {f.warn_min:g}-{f.warn_max:g}")
    elif f.warn_max is not None:
        parts.append(f"warning above {f.warn_max:g}")
    elif f.warn_min is not None:
        parts.append(f"warning below {f.warn_min:g}")
    return "; ".join(parts)


def _type(f: FieldSpec) -> str:
    if f.kind == "category":
        return " / ".join(f.allowed or ())
    if f.kind == "myeloma_type":
        return "myeloma type"
    return {"id": "text", "text": "text", "date": "date", "int": "integer", "float": "number",
            "bool": "yes/no"}[f.kind]


def render_dictionary() -> str:
    out = ["# Data dictionary", "",
           "Generated from `pipeline/contract.py` by `mmcohort dictionary`; do not edit by hand.", "",
           "Dates: " + KIND_WORDS["date"] + ". Missing: blank, "
           + ", ".join(sorted(m for m in vocab.MISSING_MARKERS if m)) + ". Categories match case-insensitively "
           "after trimming; map hospital values in the config's `values:` section.", ""]
    for table, specs in TABLE_SPECS.items():
        out += [f"## {_TITLES[table]}", "", "| column | type | required | unit | checks | meaning |",
                "|---|---|---|---|---|---|"]
        for f in specs:
            out.append(f"| `{f.name}` | {_type(f)} | {'yes' if f.required else 'no'} | {f.unit} | {_range(f)} | "
                       f"{f.description} |")
        out.append("")
    out += ["## Checks across fields and tables", "",
            "- index_date is on or before every other date of the patient; last_contact_date after death_date "
            "and progression_date after death_date are errors.",
            "- assessments and adverse events must point at a patient of the patients file; one assessment per "
            "patient per date.",
            "- an assessment before index_date must be the baseline (cycle 0) and lie within "
            "`validation.baseline_window_days` (default 30) of it; a cycle-0 assessment cannot be after index_date.",
            "- an assessment's cycle cannot exceed the patient's cycles; no assessment after death.",
            "- emd_type is given exactly when emd is not none; death_cause only with death_date.",
            "- columns that look like personal identifiers (names, national IDs, phone numbers, e-mail, "
            "addresses, hospital record numbers) are refused, and so is a single national ID number (18 characters "
            "with a valid check character, or 15 digits with a valid province code and birth date), an ID or mobile "
            "number stored as a number, a mobile number or an e-mail address in any cell of any column "
            "(`deid_allow` waives a column).",
            "- every date lies between 1900-01-01 and 2100-12-31; the patients file has at least one row.", ""]
    return "\n".join(out)
