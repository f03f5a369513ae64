"""A small replica-like cohort for the figure and report tests (helper module, not a test file).

``make_result`` returns a real ``AnalysisResult`` built by ``analyse()`` from canonical tables: a
patients table loaded and validated through the pipeline, adverse events, and (``level="derived"``)
a hand-made derived response (per-assessment ``category``, ``confirmed_category``, ``pct_change``,
per-patient ``best_pct_change``) standing in for the IMWG engine.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd

from pipeline import vocab
from pipeline.analysis.results import AnalysisResult, analyse
from pipeline.config import StudyConfig, config_from_dict
from pipeline.derive.adam import ResponseData, response_from_patients
from pipeline.derive.stage import derive_datasets

CUTOFF = dt.date(2022, 12, 9)
REGIMENS = ["BRD"] * 6 + ["BPD"] * 5 + ["DBd", "Bd", "BKd"]


def patients_frame(n: int = 14, seed: int = 7) -> pd.DataFrame:
    """Canonical patients table (CSV-ready strings), deterministic."""
    rng = np.random.default_rng(seed)
    rows = []
    base = dt.date(2019, 8, 1)
    for i in range(n):
        idx = base + dt.timedelta(days=int(rng.integers(0, 1000)))
        cycles = int(rng.choice([1, 2, 2, 3, 4, 4, 5, 6, 8]))
        os_days = int(28 * cycles + rng.integers(10, 500))
        last = min(idx + dt.timedelta(days=os_days), CUTOFF)
        dead = rng.random() < 0.4 and last < CUTOFF
        prog_days = int(rng.integers(40, max(41, (last - idx).days)))
        prog = idx + dt.timedelta(days=prog_days) if rng.random() < 0.6 else None
        bor = str(rng.choice(["CR", "VGPR", "PR", "PR", "SD", "PD"]))
        emd = str(rng.choice(["none", "at_diagnosis", "at_relapse"]))
        rows.append({
            "patient_id": f"S{i + 1:03d}", "sex": "M" if rng.random() < 0.7 else "F",
            "age": int(rng.integers(42, 80)), "index_date": idx.isoformat(),
            "regimen": REGIMENS[i % len(REGIMENS)], "prior_lines": int(rng.integers(2, 7)),
            "cycles": cycles, "emd": emd,
            "emd_type": "" if emd == "none" else str(rng.choice(["paraskeletal", "soft_tissue"])),
            "last_contact_date": last.isoformat(), "death_date": last.isoformat() if dead else "",
            "death_cause": "progression" if dead else "", "progression_date": prog.isoformat() if prog else "",
            "best_response": bor, "myeloma_type": str(rng.choice(["IgG-kappa", "IgA-lambda", "kappa"])),
            "iss_stage": str(rng.choice(["II", "III"])),
            "hemoglobin_g_l": round(float(rng.normal(93, 12)), 1),
            "fish_del17p": str(rng.choice(["positive", "negative", ""])),
            "fish_gain1q21": str(rng.choice(["positive", "negative", ""])),
        })
    return pd.DataFrame(rows)


ADVERSE = """\
patient_id,term,grade,onset_date
S001,White blood cell decreased,1,
S002,White blood cell decreased,3,
S003,Platelet count decreased,3,
S001,Fatigue,1,
S004,Fatigue,2,
S005,Anorexia,1,
"""


def make_config(folder: Path, language: str = "en", **analysis) -> StudyConfig:
    return config_from_dict({
        "study": "replica", "cutoff": CUTOFF,
        "inputs": {"patients": str(folder / "patients.csv"), "adverse_events": str(folder / "adverse_events.csv")},
        "analysis": analysis, "report": {"language": language},
    })


def _derived_response(patients: pd.DataFrame, seed: int = 3) -> ResponseData:
    """A stand-in for the IMWG engine's output: assessments at cycles 0,1,2,4,... with raw % change."""
    rng = np.random.default_rng(seed)
    arows, prows = [], []
    for p in patients.itertuples(index=False):
        idx = pd.Timestamp(p.index_date)
        pct_prev, cats = 0.0, []
        arows.append({"patient_id": p.patient_id, "assessment_date": idx - pd.Timedelta(days=3), "cycle": 0,
                      "response": None, "serum_m_g_l": 30.0, "category": None, "confirmed_category": None,
                      "pct_change": 0.0, "reason": "baseline"})
        for cyc in [c for c in (1, 2, 4, 6, 8) if c <= p.cycles]:
            date = idx + pd.Timedelta(days=28 * cyc)
            if date > pd.Timestamp(p.last_contact_date):
                break
            pct = float(np.clip(pct_prev + rng.normal(-30, 25), -100, 60))
            pct_prev = pct
            cat = ("CR" if pct <= -99 else "VGPR" if pct <= -90 else "PR" if pct <= -50 else "MR" if pct <= -25
                   else "PD" if pct >= 25 else "SD")
            cats.append(cat)
            rec = cat if rng.random() < 0.8 else str(rng.choice(["PR", "SD"]))
            arows.append({"patient_id": p.patient_id, "assessment_date": date, "cycle": cyc, "response": rec,
                          "serum_m_g_l": 30.0 * (1 + pct / 100), "category": cat,
                          "confirmed_category": cat if len(cats) > 1 else "SD", "pct_change": pct,
                          "reason": f"serum M {pct:+.0f}% from baseline"})
        done = [a for a in arows if a["patient_id"] == p.patient_id and a["cycle"] >= 1]
        pcts = [a["pct_change"] for a in done]
        best = min(cats, key=vocab.RESPONSE_RANK.__getitem__) if cats else "NE"
        pd_rows = [a for a in done if a["category"] == "PD"]
        prows.append({"patient_id": p.patient_id, "bor": best,
                      "bor_date": done[0]["assessment_date"] if done else pd.NaT,
                      "progression_date": pd_rows[0]["assessment_date"] if pd_rows else pd.NaT,
                      "progression_reason": "serum M rise" if pd_rows else None,
                      "last_evaluable_date": done[-1]["assessment_date"] if done else pd.NaT,
                      "best_pct_change": min(pcts) if pcts else np.nan})
    a = pd.DataFrame(arows)
    a["cycle"] = a["cycle"].astype("Int64")
    from pipeline.imwg import rule_list

    rules = list(rule_list())
    return ResponseData("derived", pd.DataFrame(prows), a, rules)


def make_result(tmp: Path, n: int = 14, language: str = "en", level: str = "derived",
                **analysis) -> tuple[AnalysisResult, StudyConfig, object]:
    """(AnalysisResult, config, Prepared) for a deterministic small cohort."""
    from pipeline.run import prepare

    tmp.mkdir(parents=True, exist_ok=True)
    patients_frame(n).to_csv(tmp / "patients.csv", index=False)
    (tmp / "adverse_events.csv").write_text(ADVERSE, encoding="utf-8")
    config = make_config(tmp, language, **analysis)
    prep = prepare(config)
    pts = prep.tables["patients"]
    response = _derived_response(pts) if level == "derived" else response_from_patients(pts)
    return analyse(derive_datasets(prep.tables, response, config), prep.tables, config), config, prep


_RENDERED: dict = {}


def rendered_run(level: str = "derived", language: str = "en", dpi: int = 60):
    """(folder, written paths, result, config, prep) of one write_outputs call, made once per process.

    A low dpi keeps the tests fast; the 300-dpi default is tested on one figure separately.
    """
    import tempfile

    from pipeline.run import manifest
    from pipeline.runs.folder import write_outputs

    key = (level, language, dpi)
    if key not in _RENDERED:
        tmp = Path(tempfile.mkdtemp(prefix="mmcohort-render-"))
        res, config, prep = make_result(tmp / "data", n=14, language=language, level=level)
        out = tmp / "run"
        written = write_outputs(out, res, config, cutoff_report=prep.cutoff.as_dict(),
                                 issues=prep.validated.issues, manifest=manifest(config, prep, 0.5), dpi=dpi)
        _RENDERED[key] = (out, written, res, config, prep)
    return _RENDERED[key]
