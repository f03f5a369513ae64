"""What of a workbook or an SPSS file is read, pinned through the CLI (docs/SECURITY.md, section 1).

Only the values of one sheet are read (a formula's saved result), and of an SPSS file only the cases, with
their value labels applied: an identifier in another sheet, a cell comment, a formula's text, a variable label
or an unused value label is never read, so it reaches no output and no message. A value label that is used
is a cell like any other: screened.
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import openpyxl
import pandas as pd
import pyreadstat
from click.testing import CliRunner
from openpyxl.comments import Comment

from pipeline.cli import main
from tests.trio import ASSESSMENTS_CSV, PATIENTS_CSV

ID = "110105199003071239"  # valid check character
MOBILE = "13812345678"


def _patients() -> pd.DataFrame:
    return pd.read_csv(io.StringIO(PATIENTS_CSV), dtype=str, keep_default_na=False)


def _run(tmp_path: Path, patients: Path, command: str = "run"):
    a = tmp_path / "assessments.csv"
    a.write_text(ASSESSMENTS_CSV, encoding="utf-8")
    args = [command, "--cutoff", "2023-06-30", "--patients", str(patients), "--assessments", str(a), "-q"]
    if command == "run":
        args += ["--no-figures", "--out", str(tmp_path / "out"), "--study", "hidden"]
    res = CliRunner().invoke(main, args)
    out = b"".join(f.read_bytes() for f in sorted((tmp_path / "out").rglob("*")) if f.is_file()) \
        if (tmp_path / "out").exists() else b""
    return res, out


def test_xlsx_other_sheets_comments_and_formula_text_are_never_read(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    p = _patients()
    ws.append(list(p.columns))
    for row in p.itertuples(index=False):
        ws.append([int(x) if x.isdigit() else (x or None) for x in row])
    ws["A2"].comment = Comment(f"phone {MOBILE}, ID {ID}", "ward")
    wb.create_sheet("contacts").append(["P01", ID, MOBILE])
    hidden = wb.create_sheet("ids")
    hidden.append([ID])
    hidden.sheet_state = "hidden"
    plain, path = tmp_path / "plain.xlsx", tmp_path / "patients.xlsx"
    wb.save(plain)
    with zipfile.ZipFile(plain) as zi, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zo:
        for info in zi.infolist():
            part = zi.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":  # the regimen of P01: a formula, its saved result BRD
                part = re.sub(rb'<c r="E2"[^>]*>.*?</c>', f'<c r="E2" t="str"><f>HYPERLINK("http://x.example/{ID}",'
                              f'"BRD")</f><v>BRD</v></c>'.encode(), part, count=1, flags=re.S)
            zo.writestr(info.filename, part)
    res, out = _run(tmp_path, path)
    assert res.exit_code == 0, res.output
    assert b"BRD" in out
    for text in (ID, MOBILE, "HYPERLINK", "x.example"):
        assert text not in res.output and text.encode() not in out


def test_spss_variable_labels_and_unused_value_labels_are_never_read(tmp_path):
    p = _patients()
    p["prior_lines"] = p["prior_lines"].astype(float)
    labels = [f"regimen (ID {ID}, tel {MOBILE})" if c == "regimen" else None for c in p.columns]
    path = tmp_path / "patients.sav"
    pyreadstat.write_sav(p, str(path), column_labels=labels,
                         variable_value_labels={"prior_lines": {99.0: f"unknown {ID} {MOBILE}"}})
    res, out = _run(tmp_path, path)
    assert res.exit_code == 0, res.output
    for text in (ID, MOBILE):
        assert text not in res.output and text.encode() not in out


def test_spss_value_label_in_use_is_screened_as_the_cell(tmp_path):
    p = _patients()
    p["prior_lines"] = p["prior_lines"].astype(float)
    path = tmp_path / "patients.sav"
    pyreadstat.write_sav(p, str(path), variable_value_labels={"prior_lines": {3.0: f"three (tel {MOBILE})"}})
    res, _ = _run(tmp_path, path, "validate")
    assert res.exit_code == 2 and MOBILE not in res.output
    # case 2 (P02) holds 3; SPSS cases are numbered from 1
    assert re.search(r"patients\.sav\s+2\s+prior_lines\s+<withheld>\s+1 of 3 values look like 11-digit mobile",
                     res.output), res.output
