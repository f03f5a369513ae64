"""Foundation-test helpers: a minimal valid patients/assessments/adverse_events trio (canonical columns)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from pipeline.config import config_from_dict
from pipeline.ingest.load import read_table

PATIENTS_CSV = """\
patient_id,sex,age,index_date,regimen,prior_lines,cycles,emd,emd_type,last_contact_date,death_date,death_cause,progression_date,best_response
P01,M,65,2022-01-10,BRD,2,4,none,,2022-12-01,,,2022-08-01,PR
P02,F,58,2022-02-15,BPD,3,2,at_relapse,paraskeletal,2022-06-30,2022-06-30,progression,2022-05-01,PD
P03,M,71,2022-03-01,BRD,1,6,none,,2023-01-15,,,,VGPR
"""

ASSESSMENTS_CSV = """\
patient_id,assessment_date,cycle,response,serum_m_g_l
P01,2022-01-05,0,,30
P01,2022-02-07,1,PR,12
P01,2022-03-07,2,PR,10
P02,2022-02-10,0,,25
P02,2022-03-15,1,SD,22
P03,2022-02-28,0,,40
"""

ADVERSE_EVENTS_CSV = """\
patient_id,term,grade,onset_date
P01,Anemia,2,2022-02-01
P02,Platelet count decreased,3,2022-03-20
"""

CUTOFF = dt.date(2023, 6, 30)


def write_trio(folder: Path, patients: str = PATIENTS_CSV, assessments: str | None = ASSESSMENTS_CSV,
               adverse_events: str | None = ADVERSE_EVENTS_CSV) -> dict[str, Path]:
    """Write the CSV files (``None`` leaves a table out) and return table -> path."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = {}
    for name, text in (("patients", patients), ("assessments", assessments),
                       ("adverse_events", adverse_events)):
        if text is not None:
            paths[name] = folder / f"{name}.csv"
            paths[name].write_text(text, encoding="utf-8")
    return paths


def make_config(paths: dict[str, Path], **extra):
    # no figures unless a test asks for them (test_figures.py covers them; they cost seconds per run)
    data = {"study": "demo", "cutoff": CUTOFF, "inputs": {k: str(v) for k, v in paths.items()},
            "report": {"figures": False}}
    data.update(extra)
    return config_from_dict(data)


def load_raw(paths: dict[str, Path]) -> dict:
    return {name: read_table(name, p) for name, p in paths.items()}
