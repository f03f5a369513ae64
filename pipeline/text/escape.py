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
    out = []
    for c in df.columns:
        s = df[c]
        if isinstance(s.dtype, pd.CategoricalDtype):
            s = s.cat.categories.to_series()
        elif not (s.dtype == object or isinstance(s.dtype, pd.StringDtype)):
            continue
        if pd.api.types.infer_dtype(s, skipna=True) in _TEXT_KINDS:
            out.append(c)
    return out


def _strings(s: pd.Series) -> list[str]:
    """The str values of a column (no Python loop when every value is a str)."""
    if isinstance(s.dtype, pd.StringDtype):
        return s.dropna().tolist()
    v = s.tolist()
    return v if pd.api.types.infer_dtype(s, skipna=False) == "string" else [x for x in v if isinstance(x, str)]


def _starts(values: list[str], firsts: str) -> bool:
    """Whether any value starts with one of the characters ``firsts``: one search over the joined column
    (a clean column costs a join and a scan); a NUL inside a value can only add a false alarm."""
    return re.search("\x00[" + re.escape(firsts) + "]", "\x00" + "\x00".join(values)) is not None


def _flip(df: pd.DataFrame, firsts: str | None, pattern: re.Pattern, change,
          exclude: re.Pattern | None = None) -> pd.DataFrame:
    """``df`` with ``change`` applied to each text cell and column name ``pattern`` finds (and ``exclude``
    does not match); only columns with a value starting with one of ``firsts`` (all if None) are searched."""
    def hit(v: object) -> bool:
        return isinstance(v, str) and bool(pattern.search(v)) and not (exclude and exclude.match(v))

    out = df
    for c in _text_columns(df):
        if firsts is not None and not _starts(_strings(df[c]), firsts):
            continue
        text = df[c].astype(object)
        m = text.str.contains(pattern, na=False)
        if exclude is not None and m.any():
            m[m] = ~text[m].str.match(exclude, na=False).astype(bool).to_numpy()
        if m.any():
            out = df.copy() if out is df else out
            text = text.copy()
            text[m] = [change(v) for v in text[m]]
            out[c] = text
    if any(hit(c) for c in df.columns):
        out = df.copy() if out is df else out
        out.columns = [change(c) if hit(c) else c for c in df.columns]
    return out


def csv_safe(df: pd.DataFrame) -> pd.DataFrame:
    """``df`` whose text cells (and column names) cannot be read as formulas: a ``'`` before each risky one."""
    return _flip(df, "'" + FORMULA_START, _RISKY, lambda v: "'" + v, exclude=_NUMBER)


def csv_restore(df: pd.DataFrame) -> pd.DataFrame:
    """Undo :func:`csv_safe` on a frame read back from a run's CSV file (text columns, column names)."""
    return _flip(df, "'", _QUOTED, lambda v: v[1:])


#: Characters XML 1.0 cannot hold (C0 controls but tab, LF, CR): openpyxl and python-docx refuse them.
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def xml_text(value):
    """``value`` with every character XML cannot hold replaced by U+FFFD (xlsx and docx are XML); non-text as is."""
    return _XML_ILLEGAL.sub("\ufffd", value) if isinstance(value, str) else value


def xlsx_safe(df: pd.DataFrame) -> pd.DataFrame:
    """``df`` with the text cells and column names an xlsx sheet can hold (see :func:`xml_text`)."""
    if not any(_XML_ILLEGAL.search("".join(_strings(df[c]))) for c in _text_columns(df)) and \
            not any(isinstance(c, str) and _XML_ILLEGAL.search(c) for c in df.columns):
        return df
    return _flip(df, None, _XML_ILLEGAL, xml_text)


def has_carriage_return(df: pd.DataFrame) -> bool:
    """True when a text cell or column name holds a CR (a CSV writer must then quote it)."""
    return any("\r" in str(c) for c in df.columns) or any(
        "\r" in "".join(_strings(df[c])) for c in _text_columns(df))


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
