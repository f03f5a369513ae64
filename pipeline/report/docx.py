"""The tables as a Word document, formatted for a manuscript (python-docx).

Each table gets its numbered title above, a bold header row, the three-line style journals ask for (a
heavy rule above and below the table, a light one under the header, no vertical lines) and its
footnotes below in small type. The file is byte-identical for the same tables and stamp.
"""

from __future__ import annotations

import copy
import datetime as dt
import io
import zipfile
from collections.abc import Sequence

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from docx.table import _Cell

from pipeline.report.tables import DisplayTable
from pipeline.text.escape import xml_text

LATIN_FONT = "Times New Roman"
EAST_ASIAN_FONT = "SimSun"  # 宋体, the usual body face of Chinese journals


def _set_fonts(run_or_style, size: float | None = None, bold: bool | None = None) -> None:
    font = run_or_style.font
    font.name = LATIN_FONT
    if size is not None:
        font.size = Pt(size)
    if bold is not None:
        font.bold = bold
    rpr = run_or_style.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.append(fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:cs"):
        fonts.set(qn(attr), LATIN_FONT)
    fonts.set(qn("w:eastAsia"), EAST_ASIAN_FONT)


def _border(tag: str, size: int) -> OxmlElement:
    el = OxmlElement(tag)
    if size:
        el.set(qn("w:val"), "single")
        el.set(qn("w:sz"), str(size))  # eighths of a point
        el.set(qn("w:space"), "0")
        el.set(qn("w:color"), "000000")
    else:
        el.set(qn("w:val"), "nil")
    return el


def _three_line(table) -> None:
    """Heavy rules (1.5 pt) above and below the table, none inside except under the header."""
    tbl_pr = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for tag, size in (("w:top", 12), ("w:left", 0), ("w:bottom", 12), ("w:right", 0), ("w:insideH", 0),
                      ("w:insideV", 0)):
        borders.append(_border(tag, size))
    tbl_pr.append(borders)
    for cell in table.rows[0].cells:
        tc_pr = cell._tc.get_or_add_tcPr()
        tcb = OxmlElement("w:tcBorders")
        tcb.append(_border("w:bottom", 6))
        tc_pr.append(tcb)


def _repeat_header(row) -> None:
    tr_pr = row._tr.get_or_add_trPr()
    el = OxmlElement("w:tblHeader")
    el.set(qn("w:val"), "true")
    tr_pr.append(el)


def _cell_text(cell, text: str, *, bold: bool = False, align=WD_ALIGN_PARAGRAPH.LEFT, size: float = 9,
               indent: bool = False) -> None:
    p = cell.paragraphs[0]
    p.alignment = align
    p.paragraph_format.space_before = Pt(1)
    p.paragraph_format.space_after = Pt(1)
    if indent:
        p.paragraph_format.left_indent = Cm(0.35)
    run = p.add_run(xml_text(text))
    _set_fonts(run, size, bold)


def _fast_cell_text(cell, text: str, protos: dict, **style) -> None:
    """``_cell_text`` for a body cell, by copying the paragraph an earlier cell of the same style got.

    python-docx builds each run element by element (about a millisecond a cell); a copy of a finished
    paragraph with its text replaced is the same XML, so the file's bytes do not change. Text that the
    run writer would split (tabs, line breaks) or mark (leading or trailing spaces) takes the full path.
    """
    key = tuple(sorted(style.items()))
    simple = bool(text) and text.isprintable() and text == text.strip()
    proto = protos.get(key) if simple else None
    if proto is None:
        _cell_text(cell, text, **style)
        if simple:
            protos[key] = copy.deepcopy(cell._tc.p_lst[0])
        return
    p = copy.deepcopy(proto)
    p.r_lst[0].t_lst[0].text = text
    tc = cell._tc
    tc.replace(tc.p_lst[0], p)


def add_table(doc, tab: DisplayTable, lang: str = "en") -> None:
    """One manuscript table: title paragraph, the table, footnotes."""
    title = doc.add_paragraph()
    title.paragraph_format.space_before = Pt(12)
    title.paragraph_format.space_after = Pt(4)
    title.paragraph_format.keep_with_next = True
    _set_fonts(title.add_run(xml_text(tab.numbered_title(lang))), 10.5, True)
    ncol = len(tab.columns)
    table = doc.add_table(rows=1 + len(tab.rows), cols=ncol)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = True
    center = WD_ALIGN_PARAGRAPH.CENTER
    left = WD_ALIGN_PARAGRAPH.LEFT
    # The rows are read once: table.rows[i] and row.cells re-walk every row of the table (quadratic).
    trs = list(table._tbl.tr_lst)
    header = table.rows[0]
    for j, c in enumerate(tab.columns):
        _cell_text(header.cells[j], c, bold=True, align=left if (j == 0 or tab.text) else center)
    _repeat_header(header)
    protos: dict[tuple, object] = {}
    for tr, row, kind in zip(trs[1:], tab.rows, tab.kinds, strict=True):
        cells = [_Cell(tc, table) for tc in tr.tc_lst]
        if kind == "group":
            merged = cells[0].merge(cells[-1]) if ncol > 1 else cells[0]
            _cell_text(merged, row[0], bold=True)
            continue
        for j, v in enumerate(row):
            _fast_cell_text(cells[j], v, protos, align=left if (j == 0 or tab.text) else center,
                            indent=(j == 0 and kind == "indent"))
    _three_line(table)
    for f in tab.footnotes:
        p = doc.add_paragraph()
        p.paragraph_format.space_before = Pt(2)
        p.paragraph_format.space_after = Pt(0)
        _set_fonts(p.add_run(xml_text(f)), 8)


def build_docx(tables: Sequence[DisplayTable], title: str = "Tables", lang: str = "en",
               stamp: dt.datetime | None = None, landscape: bool = False) -> bytes:
    """Every table in one .docx, as bytes (deterministic: document dates and zip times fixed to ``stamp``).

    Parameters
    ----------
    tables
        Display tables in report order (their ``number`` gives "Table n").
    title
        Heading of the document.
    lang
        Language of the "Table n." labels.
    stamp
        Creation/modification date written into the document (default 2000-01-01), e.g. the cut-off.
    """
    stamp = stamp or dt.datetime(2000, 1, 1)
    title = xml_text(title)  # a control character from the config would stop python-docx
    doc = Document()
    sec = doc.sections[0]
    sec.page_width, sec.page_height = Cm(21.0), Cm(29.7)
    if landscape:
        sec.orientation = WD_ORIENT.LANDSCAPE
        sec.page_width, sec.page_height = sec.page_height, sec.page_width
    for side in ("left_margin", "right_margin"):
        setattr(sec, side, Cm(2.0))
    sec.top_margin = sec.bottom_margin = Cm(2.0)
    _set_fonts(doc.styles["Normal"], 10)
    head = doc.add_paragraph()
    _set_fonts(head.add_run(title), 14, True)
    for tab in tables:
        add_table(doc, tab, lang)
    props = doc.core_properties
    props.author = "mmcohort"
    props.title = title
    props.created = stamp
    props.modified = stamp
    props.last_modified_by = "mmcohort"
    props.revision = 1
    buf = io.BytesIO()
    doc.save(buf)
    return _fixed_zip(buf.getvalue())


def _fixed_zip(data: bytes) -> bytes:
    """Rewrite the zip with fixed entry times so identical content gives identical bytes."""
    zin = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            zout.writestr(fixed, zin.read(info.filename))
    return out.getvalue()
