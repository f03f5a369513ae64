"""Output safety: text from the data or the config is written as inert text in every output format.

One function per format, used by every writer of that format:

- CSV (``tables/*.csv``, ``derived/*.csv``): :func:`csv_safe` prefixes a single quote to a text cell that a
  spreadsheet would read as a formula (OWASP "CSV Injection": a cell starting with ``=``, ``+``, ``-``,
  ``@``, tab or carriage return; line feed and the full-width ``＝＋－＠`` too). Numbers are never changed:
  numeric columns are not touched, and a text cell that is a plain number (``-3``, ``+1.5e-2``) stays as it
  is. Cells that already start with quotes before such a character get one more, so
  :func:`csv_restore` (used by everything that reads a run's CSV files back) undoes it exactly.
- xlsx (``tables/tables.xlsx``): :func:`xlsx_text_cells` stores every text cell as a string (never a
  formula) and marks the risky ones "quote prefix", so Excel keeps them as text even after editing.
- Markdown (``report.md``, ``validation.md``, ``changes_since_previous.md``): :func:`md_escape` makes
  raw HTML, emphasis, links, code, table pipes, math and line-start block markers (``#``, ``>``, lists)
  literal, and folds line breaks into spaces; :func:`md_code` fences text that may hold backticks.
- HTML: the Jinja2 environment of ``report.html`` autoescapes every value (``pipeline/report/build.py``).
- Figures: text is never parsed as mathtext (``pipeline/figures/style.py: no_math``).
"""

from __future__ import annotations

import re

import pandas as pd

#: Characters that make a spreadsheet read a cell as a formula (OWASP), plus LF and full-width forms.
FORMULA_START = "=+-@\t\r\n\uff1d\uff0b\uff0d\uff20"
_RISKY = re.compile("^'*[" + re.escape(FORMULA_START) + "]")
_QUOTED = re.compile("^'+[" + re.escape(FORMULA_START) + "]")
_NUMBER = re.compile(r"^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$")
_TEXT_KINDS = {"string", "mixed", "mixed-integer"}  # the inferred types pandas' .str accessor takes


def is_risky(value: object) -> bool:
    """True for a text value a spreadsheet would evaluate (or that starts with quotes before such a start)."""
    return isinstance(value, str) and bool(_RISKY.match(value)) and not _NUMBER.match(value)


def _text_columns(df: pd.DataFrame) -> list:
    """Columns that may hold text: object, string and categorical columns whose values are (partly) str."""
    kinds = (pd.StringDtype, pd.CategoricalDtype)
    return [c for c in df.columns if (df[c].dtype == object or isinstance(df[c].dtype, kinds))
            and pd.api.types.infer_dtype(df[c].astype(object), skipna=True) in _TEXT_KINDS]


def csv_safe(df: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``df`` whose text cells (and column names) cannot be read as formulas (vectorised)."""
    out = df
    for c in _text_columns(df):
        text = df[c].astype(object)
        m = text.str.match(_RISKY, na=False) & ~text.str.match(_NUMBER, na=False)
        if m.any():
            out = df.copy() if out is df else out
            text = text.copy()
            text[m] = "'" + text[m]
            out[c] = text
    if any(is_risky(c) for c in df.columns):
        out = df.copy() if out is df else out
        out.columns = ["'" + c if is_risky(c) else c for c in df.columns]
    return out


def csv_restore(df: pd.DataFrame) -> pd.DataFrame:
    """Undo :func:`csv_safe` on a frame read back from a run's CSV file (text columns, column names)."""
    out = df.copy()
    for c in _text_columns(df):
        text = df[c].astype(object)
        m = text.str.match(_QUOTED, na=False)
        if m.any():
            text = text.copy()
            text[m] = text[m].str.slice(1)
            out[c] = text
    out.columns = [c[1:] if isinstance(c, str) and _QUOTED.match(c) else c for c in df.columns]
    return out


def has_carriage_return(df: pd.DataFrame) -> bool:
    """True when a text cell or column name holds a CR (a CSV writer must then quote it)."""
    cols = any("\r" in str(c) for c in df.columns)
    return cols or any(df[c].astype(object).str.contains("\r", regex=False, na=False).any()
                       for c in _text_columns(df))


def xlsx_text_cells(ws) -> int:
    """Make every text cell of an openpyxl worksheet inert; return how many were changed.

    openpyxl stores a value starting with ``=`` as a formula; such cells are turned back into strings.
    Every risky text cell (see :func:`is_risky`) also gets Excel's "quote prefix" style, so editing the
    cell does not turn it into a formula either.
    """
    changed = 0
    for row in ws.iter_rows():
        for cell in row:
            v = cell.value
            if isinstance(v, str) and (cell.data_type == "f" or is_risky(v)):
                cell.data_type = "s"
                cell.quotePrefix = True
                changed += 1
    return changed


_MD_NEWLINES = re.compile(r"\r\n|\r|\n")
_PUNCT = re.escape("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")
_MD_INLINE = re.compile(
    r"&(?=#\d+;|#[xX][0-9a-fA-F]+;|[A-Za-z][A-Za-z0-9]*;)"  # a character reference
    r"|<(?=[A-Za-z/!?])"  # an HTML tag, comment or autolink
    rf"|\\(?=[{_PUNCT}]|$)"  # a backslash that would escape what follows
    r"|[`*|~$]"  # code, emphasis, table cell, strikethrough, math
    r"|\](?=[(\[:])"  # the end of a link, image, reference or link definition
    r"|(?<![^\W_])_|_(?![^\W_])"  # "_" not between two letters or digits (snake_case cannot emphasise)
)
_MD_ENTITY = {"&": "&amp;", "<": "&lt;"}
# a line start that opens a block: block quote, ATX heading, list item, thematic break, setext underline
_MD_BLOCK = re.compile(r"^(\s*)(>|(?:[#+\-]+|=+|\d{1,9}[.)])(?=\s|$))")


def md_escape(value: object, cell: bool = False) -> str:
    """``value`` as literal Markdown text (CommonMark/GFM): nothing in it becomes markup or raw HTML.

    Only what would be read as markup is changed, so ordinary text reads the same in the source: ``<``
    before a letter (a tag) and ``&`` starting a character reference become entities; `` ` * | ~ $``, a
    ``]`` closing a link, a ``\\`` before punctuation and a ``_`` not inside a word get a backslash (no
    code, emphasis, links, table cells or math); line breaks become spaces (no new block); and, unless
    ``cell`` (a table cell, where no block can start), a leading ``>``, ``#``, ``-``, ``+``, ``=`` run or
    ``1.`` is escaped so that the text cannot open a quote, heading or list.
    """
    if value is None:
        return ""
    s = _MD_INLINE.sub(lambda m: _MD_ENTITY.get(m.group(0), "\\" + m.group(0)), _MD_NEWLINES.sub(" ", str(value)))
    if not cell:
        s = _MD_BLOCK.sub(lambda m: m.group(1) + m.group(2)[:-1] + "\\" + m.group(2)[-1], s)
    return s


def md_code(text: object, info: str = "") -> str:
    """A fenced code block holding ``text`` verbatim: the fence is longer than any backtick run inside."""
    s = "" if text is None else str(text)
    runs = [len(r) for r in re.findall(r"`+", s)]
    fence = "`" * max(3, max(runs, default=0) + 1)
    return f"{fence}{info}\n{s}\n{fence}"
