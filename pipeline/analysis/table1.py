"""Table 1: baseline characteristics (docs/ANALYSIS.md, 'Table 1').

Continuous variables: Shapiro-Wilk (p >= 0.05 -> mean +- SD, else median (Q1, Q3)), with range and n
missing. Quartiles use R's default (type 7, linear interpolation). Categories: n (%) of all patients, with
the number missing. FISH markers: n (%) over the number tested.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import stats

from pipeline import vocab

CONTINUOUS = [
    ("age", "Age, years"),
    ("prior_lines", "Prior lines of therapy"),
    ("cycles", "Cycles received"),
    ("hemoglobin_g_l", "Hemoglobin, g/L"),
    ("wbc_10e9_l", "WBC, 10^9/L"),
    ("platelets_10e9_l", "Platelets, 10^9/L"),
    ("calcium_mmol_l", "Calcium, mmol/L"),
    ("creatinine_umol_l", "Creatinine, umol/L"),
    ("beta2m_mg_l", "Beta2-microglobulin, mg/L"),
    ("albumin_g_l", "Albumin, g/L"),
    ("ldh_u_l", "LDH, U/L"),
    ("bm_plasma_cells_pct", "Bone-marrow plasma cells, %"),
    ("esr_mm_h", "ESR, mm/h"),
]

CATEGORICAL = [
    ("sex", "Sex", ["M", "F"]),
    ("myeloma_group", "M-protein type", ["IgG", "IgA", "IgD", "IgM", "IgE", "kappa", "lambda", "nonsecretory"]),
    ("ds_stage", "Durie-Salmon stage", list(vocab.DS_STAGE)),
    ("iss_stage", "ISS stage", list(vocab.ISS_STAGE)),
    ("riss_stage", "R-ISS stage", list(vocab.ISS_STAGE)),
    ("regimen", "Regimen", None),
    ("emd", "Extramedullary disease", list(vocab.EMD)),
    ("emd_type", "EMD type", list(vocab.EMD_TYPE)),
    ("prior_bortezomib", "Prior bortezomib", [True, False]),
    ("prior_lenalidomide", "Prior lenalidomide", [True, False]),
    ("prior_daratumumab", "Prior daratumumab", [True, False]),
]

FISH_LABELS = {
    "fish_del17p": "del(17p)/TP53", "fish_t4_14": "t(4;14)", "fish_t14_16": "t(14;16)",
    "fish_t14_20": "t(14;20)", "fish_gain1q21": "1q21 gain", "fish_del13q": "del(13q)",
    "fish_t11_14": "t(11;14)", "fish_igh": "IgH rearrangement/deletion",
}


def fish_label(marker: str) -> str:
    """Display name of a FISH column: the named markers above, else from the column name
    (``fish_t4_11`` -> t(4;11), ``fish_del1p`` -> del(1p), ``fish_gain1q`` -> 1q gain)."""
    if marker in FISH_LABELS:
        return FISH_LABELS[marker]
    name = marker.removeprefix("fish_")
    m = re.fullmatch(r"t(\d+|[xy])_(\d+|[xy])", name, flags=re.IGNORECASE)
    if m:
        return f"t({m[1]};{m[2]})"
    if name.startswith("del") and len(name) > 3:
        return f"del({name[3:]})"
    if name.startswith("gain") and len(name) > 4:
        return f"{name[4:]} gain"
    return name


def summarize_continuous(x: pd.Series) -> dict:
    """n, missing, Shapiro-Wilk p, the chosen summary and the range. None where not computable."""
    v = pd.to_numeric(x, errors="coerce").astype(float).dropna().to_numpy()
    out = {"n": int(len(v)), "missing": int(x.isna().sum()), "shapiro_p": None, "summary": None, "integer": False,
           "mean": None, "sd": None, "median": None, "q1": None, "q3": None, "min": None, "max": None}
    if len(v) == 0:
        return out
    out["integer"] = bool(np.all(v == np.round(v)))
    out.update(mean=float(np.mean(v)), median=float(np.median(v)), min=float(v.min()), max=float(v.max()),
               q1=float(np.quantile(v, 0.25)), q3=float(np.quantile(v, 0.75)))
    out["sd"] = float(np.std(v, ddof=1)) if len(v) > 1 else None
    if len(v) >= 3 and np.ptp(v) > 0:
        with warnings.catch_warnings():  # scipy warns that p is approximate above n = 5000
            warnings.simplefilter("ignore", UserWarning)
            out["shapiro_p"] = float(stats.shapiro(v).pvalue)
    normal = out["shapiro_p"] is not None and out["shapiro_p"] >= 0.05
    out["summary"] = "mean_sd" if normal else "median_iqr"
    return out


def format_continuous(s: dict, digits: int = 2) -> str:
    """mean ± SD or median (Q1, Q3); for whole-number variables (prior lines, cycles) the median and
    quartiles drop trailing zeros ("4 (2, 5.5)"), as a manuscript prints them."""
    if s["n"] == 0:
        return "—"
    f = f"{{:.{digits}f}}"
    if s["summary"] == "mean_sd" and s["sd"] is not None:
        return f"{f.format(s['mean'])} ± {f.format(s['sd'])}"

    def q(x: float) -> str:
        txt = f.format(x)
        return txt.rstrip("0").rstrip(".") if s.get("integer") and "." in txt else txt

    return f"{q(s['median'])} ({q(s['q1'])}, {q(s['q3'])})"


def myeloma_group(t: pd.Series) -> pd.Series:
    """Heavy-chain type without its light chain (IgG-kappa -> IgG); light-chain types kept."""
    return t.astype(object).where(t.isna(), t.astype(str).str.split("-").str[0])


def table1(adsl: pd.DataFrame, extras: Sequence = ()) -> pd.DataFrame:
    """Long table: variable, label, level, n, N, pct, value (formatted), plus continuous statistics.

    ``extras``: the config's declared extra columns (``ExtraColumn``), shown after the contract's
    variables of their kind (numbers as continuous, categories and yes/no as n (%)).
    """
    n_all = len(adsl)
    continuous = CONTINUOUS + [(e.name, e.label or e.name) for e in extras if e.type in ("number", "integer")]
    categorical = CATEGORICAL + [(e.name, e.label or e.name, list(e.values) if e.type == "category" else
                                  ["yes", "no"]) for e in extras if e.type in ("category", "yesno")]
    df = adsl.copy()
    df["myeloma_group"] = myeloma_group(df["myeloma_type"]) if "myeloma_type" in df else None
    rows: list[dict] = [{"variable": "n", "label": "Patients", "level": None, "n": n_all, "N": n_all,
                         "pct": 100.0 if n_all else None, "value": str(n_all)}]
    for col, label in continuous:
        if col not in df or df[col].notna().sum() == 0:
            continue
        s = summarize_continuous(df[col])
        rows.append({"variable": col, "label": label, "level": None, "n": s["n"], "N": n_all, "pct": None,
                     "value": format_continuous(s), "statistic": s["summary"],
                     **{k: s[k] for k in ("missing", "shapiro_p", "mean", "sd", "median", "q1", "q3", "min", "max")}})
    for col, label, levels in categorical:
        if col not in df or df[col].notna().sum() == 0:
            continue
        vals = df[col]
        lv = levels if levels is not None else sorted(vals.dropna().astype(str).unique())
        for level in lv:
            n = int((vals == level).sum())
            if n == 0 and levels is not None and col in ("myeloma_group", "riss_stage"):
                continue
            rows.append({"variable": col, "label": label, "level": _level_label(level), "n": n, "N": n_all,
                         "pct": 100.0 * n / n_all if n_all else None, "value": _npct(n, n_all),
                         "missing": int(vals.isna().sum())})
    fish = [m for m in df.columns if m.startswith("fish_") and m != "fish_tested" and df[m].notna().any()]
    if fish:
        tested = df[fish].notna().any(axis=1)
        if "fish_tested" in df:
            tested |= df["fish_tested"].astype("boolean").fillna(False).astype(bool)
        n_t = int(tested.sum())
        rows.append({"variable": "fish_tested", "label": "FISH performed", "level": None, "n": n_t,
                     "N": n_all, "pct": 100.0 * n_t / n_all if n_all else None, "value": _npct(n_t, n_all)})
        pos_any = df.loc[tested, fish].eq("positive").any(axis=1)
        n_neg = int((~pos_any).sum())
        rows.append({"variable": "fish_negative", "label": "FISH (of tested)", "level": "no abnormality",
                     "n": n_neg, "N": n_t, "pct": 100.0 * n_neg / n_t if n_t else None, "value": _npct(n_neg, n_t)})
        for m in fish:
            n = int(df.loc[tested, m].eq("positive").sum())
            rows.append({"variable": m, "label": "FISH (of tested)", "level": fish_label(m),
                         "n": n, "N": n_t, "pct": 100.0 * n / n_t if n_t else None, "value": _npct(n, n_t)})
        if "high_risk_fish" in df:
            n = int(df["high_risk_fish"].eq("yes").sum())
            rows.append({"variable": "high_risk_fish", "label": "FISH (of tested)",
                         "level": "high risk (del17p, t(4;14), t(14;16), t(14;20))", "n": n, "N": n_t,
                         "pct": 100.0 * n / n_t if n_t else None, "value": _npct(n, n_t)})
    return pd.DataFrame(rows)


def _level_label(level: object) -> str:
    if level is True:
        return "yes"
    if level is False:
        return "no"
    return str(level)


def _npct(n: int, big_n: int) -> str:
    return f"{n} ({100.0 * n / big_n:.1f}%)" if big_n else f"{n}"
