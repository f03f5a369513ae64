"""Number formatting shared by the report, the Word tables, the figures and ``mmcohort compare`` / ``runs``.

Rules (manuscript style): medians and survival times 1 decimal, "NR" when not reached (never nan, inf
or None); p-values 3 decimals, "< 0.001" below that; percentages 1 decimal; hazard ratios 2 decimals;
ranges with an en dash. A value that does not exist prints as an em dash.

The console forms at the end (``plain_*``: ``mmcohort compare``, ``changes_since_previous.md``, ``mmcohort
runs``) read values from results.json, where anything may be missing or not a number: ranges with a hyphen,
"-" for a value that does not exist; p-values as above.
"""

from __future__ import annotations

import math

import pandas as pd

DASH = "—"


def missing(x: object) -> bool:
    """None, NaN, NA, NaT or +-inf."""
    if x is None:
        return True
    try:
        if pd.isna(x):
            return True
    except (TypeError, ValueError):
        return False
    try:
        return not math.isfinite(float(x))
    except (TypeError, ValueError):
        return False


def fmt_num(x: object, digits: int = 1, none: str = DASH) -> str:
    return none if missing(x) else f"{float(x):.{digits}f}"


def fmt_int(x: object, none: str = DASH) -> str:
    return none if missing(x) else str(int(x))


def fmt_median(x: object, nr: str = "NR") -> str:
    """A survival median in months: 1 decimal, ``NR`` when not reached."""
    return fmt_num(x, 1, none=nr)


def level(conf_level: float) -> str:
    """The confidence level as the labels print it: 0.95 -> '95', 0.9 -> '90', 0.975 -> '97.5'."""
    return f"{100 * conf_level:g}"


def fmt_ci(lo: object, hi: object, digits: int = 1, none: str = "NR") -> str:
    return f"{fmt_num(lo, digits, none)}–{fmt_num(hi, digits, none)}"


def fmt_median_ci(est: object, lo: object, hi: object, nr: str = "NR") -> str:
    """'11.0 (7.2–NR)'; an unreached median is 'NR' whatever its limits."""
    return f"{fmt_median(est, nr)} ({fmt_ci(lo, hi, 1, nr)})"


def fmt_measure(x: object) -> str:
    """A measured value with up to 2 decimals, no trailing zeros: '12.5', '3'."""
    if missing(x):
        return DASH
    return f"{float(x):.2f}".rstrip("0").rstrip(".")


def fmt_g(x: object) -> str:
    """A number as short as it goes ('11', '7.25'): a published value as it was reported."""
    return DASH if missing(x) else f"{float(x):g}"


def fmt_prop(x: object, digits: int = 1) -> str:
    """A proportion (0-1) as a percentage without the sign: 0.379 -> '37.9'."""
    return DASH if missing(x) else f"{100 * float(x):.{digits}f}"


def fmt_prop_ci(est: object, lo: object, hi: object) -> str:
    """A proportion and its CI as percentages without the sign: '37.9 (20.7–57.7)'; the CI left out when a
    limit does not exist."""
    if missing(est):
        return DASH
    ci = "" if missing(lo) or missing(hi) else f" ({fmt_prop(lo)}–{fmt_prop(hi)})"
    return f"{fmt_prop(est)}{ci}"


def fmt_date(x: object, none: str = "") -> str:
    """A date (or timestamp) as YYYY-MM-DD."""
    return none if missing(x) else str(x)[:10]


def fmt_p(p: object, none: str = DASH) -> str:
    """'0.012', '< 0.001'."""
    if missing(p):
        return none
    p = float(p)
    return "< 0.001" if p < 0.001 else f"{p:.3f}"


def fmt_p_eq(p: object) -> str:
    """'p = 0.012' / 'p < 0.001' form (without the 'p')."""
    s = fmt_p(p)
    return s if s.startswith("<") else f"= {s}"


def fmt_pct(x: object, digits: int = 1, none: str = DASH) -> str:
    return none if missing(x) else f"{float(x):.{digits}f}%"


def fmt_n_pct(n: object, pct: object) -> str:
    """'11 (37.9%)'; just the count when the percentage does not exist (N = 0)."""
    if missing(n):
        return DASH
    return f"{int(n)}" if missing(pct) else f"{int(n)} ({float(pct):.1f}%)"


def fmt_hr(hr: object, lo: object, hi: object) -> str:
    if missing(hr):
        return DASH
    return f"{float(hr):.2f} ({fmt_num(lo, 2, DASH)}–{fmt_num(hi, 2, DASH)})"


def fmt_rate(n: object, big_n: object, pct: object, lo: object, hi: object) -> str:
    """A response rate: '11/29, 37.9% (20.7–57.7)'; '0/0' for an empty population."""
    if missing(big_n) or int(big_n) == 0:
        return "0/0"
    return f"{int(n)}/{int(big_n)}, {fmt_pct(pct)} ({fmt_num(lo)}–{fmt_num(hi)})"


def fmt_surv(s: object, lo: object, hi: object) -> str:
    """Survival at a fixed time as a percentage with its CI: '66.4% (45.1–81.0)'."""
    if missing(s):
        return DASH
    v = 100.0 * float(s)
    if missing(lo) and missing(hi):
        return f"{v:.1f}%"
    lo_s = DASH if missing(lo) else f"{100.0 * float(lo):.1f}"
    hi_s = DASH if missing(hi) else f"{100.0 * float(hi):.1f}"
    return f"{v:.1f}% ({lo_s}–{hi_s})"


def text(x: object, none: str = "") -> str:
    """Any cell as text, missing values as ``none``."""
    if missing(x):
        return none
    if isinstance(x, float):
        return f"{x:g}"
    if isinstance(x, pd.Timestamp):
        return x.strftime("%Y-%m-%d")
    return str(x)


# ------------------------------------------------------------------ console forms (compare, runs)


def number(v: object) -> float | None:
    """``v`` as a finite float, or None (None, booleans, text that is not a number, NaN, inf)."""
    if v is None or isinstance(v, bool):
        return None
    try:
        f = float(v)
    except (TypeError, ValueError):
        return None
    return f if math.isfinite(f) else None


def plain_num(v: object, none: str = "NR") -> str:
    """1 decimal ('20.5'), ``none`` when there is no number (a median not reached: 'NR')."""
    return fmt_num(number(v), 1, none)


def plain_p(v: object) -> str:
    """A p-value as the report prints it ('0.012', '< 0.001'); '-' when there is none."""
    return fmt_p(number(v), none="-")


def plain_median_ci(est: object, lo: object, hi: object) -> str:
    """'20.5 (11.0-NR)'; a lower limit that does not exist is 'NE'."""
    return f"{plain_num(est)} ({plain_num(lo, 'NE')}-{plain_num(hi)})"


def plain_rate(n: object, big_n: object, pct: object, lo: object, hi: object) -> str:
    """'11/29 (37.9%; 20.7-57.7)'; 'n/N' alone for an empty population."""
    if not big_n:
        return f"{n}/{big_n}"
    return f"{n}/{big_n} ({plain_num(pct)}%; {plain_num(lo)}-{plain_num(hi)})"


def plain_hr(hr: object, lo: object, hi: object) -> str:
    """'0.54 (0.21-1.38)'; 'NE' when there is no HR; the CI left out when a limit does not exist."""
    h, lo_, hi_ = number(hr), number(lo), number(hi)
    if h is None:
        return "NE"
    return f"{h:.2f}" + ("" if lo_ is None or hi_ is None else f" ({lo_:.2f}-{hi_:.2f})")
