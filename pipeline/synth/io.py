"""``write_cohort``: the canonical tables as CSV, byte-identical for the same tables.

UTF-8 without BOM, ``\\n`` line ends, ISO dates, blank for missing, ``true``/``false`` booleans, and a
fixed number of decimals per numeric column (so a value never prints as ``0.30000000000000004``).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

FILES = {"patients": "patients.csv", "assessments": "assessments.csv", "adverse_events": "adverse_events.csv"}

#: Decimals written per float column; others get up to 10 significant digits.
DECIMALS = {
    "bendamustine_dose_mg_m2": 0,
    "hemoglobin_g_l": 0,
    "wbc_10e9_l": 2,
    "platelets_10e9_l": 0,
    "calcium_mmol_l": 2,
    "creatinine_umol_l": 1,
    "beta2m_mg_l": 2,
    "albumin_g_l": 1,
    "ldh_u_l": 1,
    "bm_plasma_cells_pct": 1,
    "esr_mm_h": 0,
    "serum_m_g_l": 1,
    "urine_m_mg_24h": 0,
    "flc_kappa_mg_l": 1,
    "flc_lambda_mg_l": 1,
    "plasmacytoma_spd_cm2": 1,
}


def as_text(s: pd.Series) -> pd.Series:
    """One column as the strings written to the file ('' = missing)."""
    missing = s.isna().to_numpy()
    if pd.api.types.is_datetime64_any_dtype(s):
        text = s.dt.strftime("%Y-%m-%d")
    elif pd.api.types.is_bool_dtype(s):
        text = s.map({True: "true", False: "false"})
    elif pd.api.types.is_integer_dtype(s):
        text = s.astype("string")
    elif pd.api.types.is_float_dtype(s):
        x = s.to_numpy(dtype=float, na_value=np.nan) + 0.0  # no "-0.0"
        fmt = f"%.{DECIMALS[s.name]}f" if s.name in DECIMALS else "%.10g"
        text = pd.Series(np.char.mod(fmt, np.nan_to_num(x)), index=s.index)
    else:
        text = s.astype(str)
    return pd.Series(np.where(missing, "", text.astype(object)), index=s.index, name=s.name)


def cohort_csv(table: pd.DataFrame) -> str:
    """The CSV text of one canonical table (``_line`` dropped)."""
    out = pd.DataFrame({c: as_text(table[c]) for c in table.columns if c != "_line"})
    return out.to_csv(index=False, lineterminator="\n")


def write_cohort(tables: dict[str, pd.DataFrame], out_dir: str | Path) -> list[Path]:
    """Write ``patients.csv``, ``assessments.csv`` and ``adverse_events.csv`` (those present) to ``out_dir``.

    Returns the paths written, in that order.
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for name, filename in FILES.items():
        if name not in tables:
            continue
        path = out_dir / filename
        path.write_bytes(cohort_csv(tables[name]).encode("utf-8"))
        written.append(path)
    return written
