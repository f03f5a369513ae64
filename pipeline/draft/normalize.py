"""Folding of headers and cell values before they are compared with the synonym tables.

NFKC first (full-width brackets, letters and digits become ASCII; Roman-numeral characters Ⅲ become
``iii``; the micro sign becomes Greek mu), then lower case; spaces, underscores, hyphens and middle dots
are dropped, so ``Index date``, ``index_date`` and ``INDEX-DATE`` fold alike.
"""

from __future__ import annotations

import re
import unicodedata

_DROP = re.compile(r"[\s_\-·・]+")
# a trailing bracket holding a unit or a note: 年龄(岁), 血红蛋白(g/L), Hb [g/dl]
_UNIT = re.compile(r"^(?P<stem>.+?)\s*[(\[](?P<unit>[^()\[\]]*)[)\]]$")
_CJK = re.compile(r"[\u3400-\u9fff]")


def nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", str(text)).strip()


def fold(text: str) -> str:
    """A header or value in the form the synonym tables use (see the module docstring)."""
    return _DROP.sub("", nfkc(text).lower())


def fold_without_unit(text: str) -> str | None:
    """The folded header without a trailing bracketed unit, or None when it has none.

    ``t(4;14)`` has a bracket too; callers try the whole header first, so it still matches as itself.
    """
    m = _UNIT.match(nfkc(text))
    if not m or not m.group("stem").strip():
        return None
    return fold(m.group("stem"))


def has_cjk(text: str) -> bool:
    return bool(_CJK.search(str(text)))


def snake_name(header: str) -> str | None:
    """A snake_case name from an ASCII header (``Prior ASCT`` -> ``prior_asct``), else None."""
    s = nfkc(header).lower()
    s = re.sub(r"[(\[].*?[)\]]", "", s)
    s = re.sub(r"[^a-z0-9]+", "_", s).strip("_")
    if not s or has_cjk(header) or not re.match(r"[a-z]", s):
        return None
    return s[:40]
