"""A whole run on inputs holding formulas, HTML, Markdown and mathtext: every output keeps them inert.

Issue #11 "Injection into outputs": values starting with = + - @ became live formulas in tables.xlsx and the
CSV files, report.md passed raw HTML and a newline in report.title started a heading, and "$...$" in a
patient ID crashed matplotlib's math-text parser.
"""

from __future__ import annotations

import csv
import re

import openpyxl
import pytest

from pipeline.run import run_study
from pipeline.runs.read import load_run
from pipeline.text.escape import FORMULA_START
from tests.trio import ADVERSE_EVENTS_CSV, ASSESSMENTS_CSV, PATIENTS_CSV, make_config, write_trio

IDS = {"P01": "=1+2", "P02": "$\\frac{$", "P03": "@P03"}
REGIMENS = {"BRD": "=HYPERLINK(\"http://x\")", "BPD": "<script>alert(1)</script>"}
TERMS = {"Anemia": "-cmd|' /C calc'!A0", "Platelet count decreased": "<img src=x onerror=alert(1)>"}
TITLE = "Study\n# Injected heading <b>bold</b> [link](http://evil) $x$"


def _replace(text: str, mapping: dict[str, str]) -> str:
    for a, b in mapping.items():
        text = text.replace(a, b)
    return text


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    root = tmp_path_factory.mktemp("hostile")
    p = _replace(_replace(PATIENTS_CSV, REGIMENS), IDS)
    paths = write_trio(root / "data", p, _replace(ASSESSMENTS_CSV, IDS),
                       _replace(_replace(ADVERSE_EVENTS_CSV, TERMS), IDS))
    cfg = make_config(paths, response={"source": "patients"}, report={"figures": True, "title": TITLE})
    return run_study(cfg, root / "runs")


def _active(cell: str) -> bool:
    if not cell or cell[0] not in FORMULA_START:
        return False
    try:
        float(cell)  # a plain number (-3) is data, not a formula
    except ValueError:
        return True
    return False


def test_no_active_cell_in_any_csv(folder):
    files = sorted(folder.rglob("*.csv"))
    assert {"derived/patients.csv", "derived/adverse_events.csv", "tables/adverse_events.csv",
            "tables/table1_baseline.csv"} <= {str(f.relative_to(folder)) for f in files}
    active = []
    for f in files:
        with open(f, encoding="utf-8-sig", newline="") as fh:
            active += [(f.name, c) for row in csv.reader(fh) for c in row if _active(c)]
    assert active == []
    derived = (folder / "derived" / "patients.csv").read_text(encoding="utf-8-sig")
    assert "\n'=1+2," in derived and "'=HYPERLINK" in derived  # neutralised, not dropped


def test_no_formula_cell_in_any_xlsx(folder):
    books = sorted(folder.rglob("*.xlsx"))
    assert books
    seen = set()
    for path in books:
        for ws in openpyxl.load_workbook(path):
            for row in ws.iter_rows():
                for c in row:
                    assert c.data_type != "f", (path.name, ws.title, c.coordinate)
                    if isinstance(c.value, str):
                        seen.add(c.value)
    # the hostile values are there, as text
    assert any(v.startswith("=HYPERLINK") for v in seen) and TERMS["Anemia"] in seen


def test_report_has_no_raw_html_and_one_title_heading(folder):
    md_all = (folder / "report.md").read_text(encoding="utf-8")
    # the config is shown verbatim in a fenced code block (literal text there); everything else is checked
    fences = list(re.finditer(r"^(`{3,})yaml\n(.*?)\n\1$", md_all, re.M | re.S))
    assert len(fences) == 1 and "<b>bold</b>" in fences[0].group(2)
    md = md_all[:fences[0].start()] + md_all[fences[0].end():]
    html = (folder / "report.html").read_text(encoding="utf-8")
    for text in (md, html):
        assert not re.search(r"<script|<img src=x|<b>bold", text, re.I)
    assert "&lt;script>alert(1)&lt;/script>" in md  # escaped, still readable
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    headings = [ln for ln in md.splitlines() if re.match(r"#\s", ln)]
    assert headings == ["# Study # Injected heading &lt;b>bold&lt;/b> [link\\](http://evil) \\$x\\$"]
    assert "](http://evil)" not in md.replace("\\](http://evil)", "")


def test_figures_with_dollar_signs_are_drawn(folder):
    # the swimmer plot labels its rows with the patient IDs ("$\\frac{$" stopped the run before)
    assert (folder / "figures" / "swimmer.png").stat().st_size > 10_000
    assert (folder / "figures" / "swimmer.svg").stat().st_size > 10_000


def test_compare_reads_the_neutralised_csv_back_exactly(folder):
    run = load_run(folder)
    assert run.derived["patients"]["patient_id"].tolist() == ["=1+2", "$\\frac{$", "@P03"]
    assert run.derived["adverse_events"]["term"].tolist() == list(TERMS.values())


def test_figure_text_made_outside_the_theme_is_not_parsed_as_math():
    from matplotlib.figure import Figure

    from pipeline.figures.save import figure_bytes

    fig = Figure(figsize=(2, 1))
    ax = fig.add_subplot()
    ax.set_title("$\\frac{$")  # malformed mathtext: matplotlib raises ValueError when it parses it
    ax.set_yticks([0, 1], ["$x^^2$", "$$"])  # tick labels are made again at draw time
    assert figure_bytes(fig, "png", dpi=50).startswith(b"\x89PNG")
    assert figure_bytes(fig, "svg").startswith(b"<?xml")
