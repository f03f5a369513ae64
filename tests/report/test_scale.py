"""Registry-sized cohorts: the Word tables are written in linear time with the same bytes as the cell-by-cell
writer, long listings go to the CSV/XLSX only (the report says where), and swimmer and waterfall plots of
large cohorts show an evenly spaced, labelled sample."""

from __future__ import annotations

import io

import numpy as np
import pandas as pd
import pytest
from docx import Document

from pipeline.figures.catalogue import evenly_spaced, plan_figures
from pipeline.report import docx as D
from pipeline.report.build import assemble_document, render_markdown
from pipeline.report.tables import DisplayTable
from tests._cohort import make_result


def _table(n: int) -> DisplayTable:
    rows = [[f"P{i:05d}", "2022-01-01", str(i % 8), "PR", " SD" if i == 3 else "SD", "line\nbreak" if i == 4
             else "serum M −45%"] for i in range(n)]
    rows[5][5] = "a\tb"  # a tab: the run writer makes <w:tab/>, so the fast path must not copy
    rows[6][5] = ""
    kinds = [""] * n
    kinds[7] = "group"
    kinds[8] = "indent"
    return DisplayTable("x", "X", ["a", "b", "c", "d", "e", "f"], rows, ["note"], kinds, number=1)


def test_fast_docx_cells_are_byte_identical_to_the_cell_by_cell_writer(monkeypatch):
    tab = _table(40)
    fast = D.build_docx([tab])
    monkeypatch.setattr(D, "_fast_cell_text", lambda cell, text, protos, **style: D._cell_text(cell, text, **style))
    slow = D.build_docx([tab])
    assert fast == slow
    d = Document(io.BytesIO(fast))
    cells = d.tables[0].rows
    assert cells[6].cells[5].text == "a\tb" and cells[4].cells[4].text == " SD"
    assert cells[41 - 1].cells[0].text == "P00039"


def test_evenly_spaced_sample_spans_the_range_and_is_deterministic():
    df = pd.DataFrame({"patient_id": [f"P{i}" for i in range(1000)], "end": np.arange(1000)[::-1] * 0.1})
    s = evenly_spaced(df, "end", 50)
    assert len(s) == 50 and s["end"].min() == 0.0 and s["end"].max() == pytest.approx(99.9)
    assert s.equals(evenly_spaced(df, "end", 50))
    assert evenly_spaced(df, "end", 5000) is df


def test_long_listings_and_large_figures_say_where_everything_is(tmp_path):
    res, config, prep = make_result(tmp_path / "d", n=14)
    n_dis = len(res.agreement["disagreements"])
    assert n_dis > 2
    small = config.model_copy(update={"report": config.report.model_copy(update={"max_listing_rows": 2,
                                                                                 "max_patients_per_figure": 10})})
    md = render_markdown(assemble_document(res, small, issues=prep.validated.issues))
    assert f"{n_dis} rows, more than the 2 a report prints" in md
    assert "tables/agreement_disagreements.csv" in md
    full = render_markdown(assemble_document(res, config, issues=prep.validated.issues))
    assert "more than the" not in full
    specs, _ = plan_figures(res, small)
    sw = next(s for s in specs if s.name == "swimmer")
    assert "Shown: 10 of the 14 patients" in sw.caption
    wf = next(s for s in specs if s.name == "waterfall_best_change")
    assert "of the 14 patients" in wf.caption
    specs_full, _ = plan_figures(res, config)
    assert "Shown:" not in next(s for s in specs_full if s.name == "swimmer").caption
