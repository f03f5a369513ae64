"""The data contract as data: one ``FieldSpec`` per canonical column.

Parsing (``pipeline.ingest.parse``), the pandera schemas (``pipeline.ingest.validate``) and the user-facing data
dictionary (``docs/data_dictionary.md``) are all generated from these lists, so they cannot drift.
"""

from __future__ import annotations

from dataclasses import dataclass

from pipeline import vocab

# kinds: "id", "text", "date", "int", "float", "bool", "category", "myeloma_type"


@dataclass(frozen=True)
class FieldSpec:
    name: str
    kind: str
    required: bool = False
    description: str = ""
    allowed: tuple[str, ...] | None = None
    #: Hard range: outside it is an error (physically impossible or contract-forbidden).
    min: float | None = None
    max: float | None = None
    #: Soft range: outside it is a warning (possible but worth a second look).
    warn_min: float | None = None
    warn_max: float | None = None
    #: Lower bound is exclusive (e.g. FLC > 0).
    min_exclusive: bool = False
    unit: str = ""


def _lab(name: str, unit: str, lo: float, hi: float, wlo: float, whi: float, what: str) -> FieldSpec:
    return FieldSpec(name, "float", description=f"baseline {what}", min=lo, max=hi, warn_min=wlo,
                     warn_max=whi, unit=unit)


PATIENTS: tuple[FieldSpec, ...] = (
    FieldSpec("patient_id", "id", True, "pseudonymous study ID, unique; never a name, national ID, "
              "phone or hospital record number"),
    FieldSpec("sex", "category", True, "sex", allowed=vocab.SEX),
    FieldSpec("age", "int", True, "years at index_date", min=18, max=110, warn_min=25, warn_max=95,
              unit="years"),
    FieldSpec("index_date", "date", True, "first dose of the studied regimen: time zero for PFS and OS"),
    FieldSpec("regimen", "text", True, "regimen, e.g. BRD, BPD, DBd, Bd, BKd, BEVD"),
    FieldSpec("prior_lines", "int", True, "lines of therapy before this regimen", min=1, max=30,
              warn_max=12),
    FieldSpec("cycles", "int", True, "cycles of the regimen started by the data extraction", min=1,
              max=200, warn_max=40),
    FieldSpec("emd", "category", True, "extramedullary disease", allowed=vocab.EMD),
    FieldSpec("emd_type", "category", False, "required when emd is not none", allowed=vocab.EMD_TYPE),
    FieldSpec("last_contact_date", "date", True, "last date known alive, or the death date"),
    FieldSpec("death_date", "date", False, "date of death, >= index_date"),
    FieldSpec("death_cause", "category", False, "only with death_date", allowed=vocab.DEATH_CAUSE),
    FieldSpec("progression_date", "date", False,
              "clinician-recorded progression; the PFS event when no assessments are given"),
    FieldSpec("best_response", "category", False, "clinician-recorded best response",
              allowed=vocab.RESPONSE_ORDER),
    FieldSpec("new_therapy_date", "date", False, "start of the next line; response assessment stops there"),
    FieldSpec("myeloma_type", "myeloma_type", False,
              "IgG/IgA/IgD/IgM/IgE (optionally with a light chain, e.g. IgG-kappa), kappa, lambda, "
              "nonsecretory", allowed=vocab.MYELOMA_TYPE),
    FieldSpec("ds_stage", "category", False, "Durie-Salmon stage", allowed=vocab.DS_STAGE),
    FieldSpec("iss_stage", "category", False, "ISS stage", allowed=vocab.ISS_STAGE),
    FieldSpec("riss_stage", "category", False, "R-ISS stage", allowed=vocab.ISS_STAGE),
    FieldSpec("prior_bortezomib", "bool", False, "prior bortezomib"),
    FieldSpec("prior_lenalidomide", "bool", False, "prior lenalidomide"),
    FieldSpec("prior_daratumumab", "bool", False, "prior daratumumab"),
    FieldSpec("bendamustine_dose_mg_m2", "float", False, "bendamustine dose per day", min=0, max=300,
              warn_min=20, warn_max=150, unit="mg/m2"),
    _lab("hemoglobin_g_l", "g/L", 20, 250, 45, 190, "hemoglobin"),
    _lab("wbc_10e9_l", "10^9/L", 0, 500, 0.5, 50, "white blood cells"),
    _lab("platelets_10e9_l", "10^9/L", 0, 2000, 5, 800, "platelets"),
    _lab("calcium_mmol_l", "mmol/L", 0.5, 6.0, 1.5, 4.0, "calcium"),
    _lab("creatinine_umol_l", "umol/L", 10, 3000, 30, 1500, "creatinine"),
    _lab("beta2m_mg_l", "mg/L", 0, 200, 0.8, 60, "beta2-microglobulin"),
    _lab("albumin_g_l", "g/L", 5, 70, 15, 55, "albumin"),
    _lab("ldh_u_l", "U/L", 10, 20000, 60, 3000, "LDH"),
    _lab("bm_plasma_cells_pct", "%", 0, 100, 0, 100, "bone-marrow plasma cells"),
    _lab("esr_mm_h", "mm/h", 0, 200, 0, 160, "ESR"),
    FieldSpec("fish_tested", "bool", False, "FISH performed"),
    *(FieldSpec(m, "category", False, f"FISH {m[5:]}; blank = not tested", allowed=vocab.POS_NEG)
      for m in vocab.FISH_MARKERS),
)

ASSESSMENTS: tuple[FieldSpec, ...] = (
    FieldSpec("patient_id", "id", True, "must exist in patients"),
    FieldSpec("assessment_date", "date", True, "unique per patient"),
    FieldSpec("cycle", "int", False, "0 = baseline; N = end of cycle N", min=0, max=200),
    FieldSpec("response", "category", False, "clinician-recorded response at this assessment",
              allowed=vocab.RESPONSE_ORDER),
    FieldSpec("serum_m_g_l", "float", False, "serum M-protein by electrophoresis (0 = not detected)",
              min=0, max=200, warn_max=120, unit="g/L"),
    FieldSpec("urine_m_mg_24h", "float", False, "24-h urine M-protein", min=0, max=100000,
              warn_max=30000, unit="mg/24h"),
    FieldSpec("serum_ife", "category", False, "serum immunofixation", allowed=vocab.POS_NEG),
    FieldSpec("urine_ife", "category", False, "urine immunofixation", allowed=vocab.POS_NEG),
    FieldSpec("flc_kappa_mg_l", "float", False, "serum free kappa", min=0, max=100000, min_exclusive=True,
              unit="mg/L"),
    FieldSpec("flc_lambda_mg_l", "float", False, "serum free lambda", min=0, max=100000,
              min_exclusive=True, unit="mg/L"),
    FieldSpec("bm_plasma_cells_pct", "float", False, "clonal plasma cells in marrow", min=0, max=100,
              unit="%"),
    FieldSpec("bm_clonal_cells", "category", False, "clonal cells by IHC or flow (for sCR)",
              allowed=vocab.POS_NEG),
    FieldSpec("plasmacytoma_spd_cm2", "float", False,
              "sum of products of diameters of measured plasmacytomas; 0 = disappeared", min=0, max=2000,
              unit="cm2"),
    FieldSpec("new_lesion", "bool", False, "new bone lesion or plasmacytoma"),
)

ADVERSE_EVENTS: tuple[FieldSpec, ...] = (
    FieldSpec("patient_id", "id", True, "must exist in patients"),
    FieldSpec("term", "text", True, "CTCAE v5.0 term, e.g. White blood cell decreased, Anemia"),
    FieldSpec("grade", "int", True, "CTCAE grade", min=1, max=5),
    FieldSpec("onset_date", "date", False, ">= index_date"),
)

TABLE_SPECS: dict[str, tuple[FieldSpec, ...]] = {
    "patients": PATIENTS,
    "assessments": ASSESSMENTS,
    "adverse_events": ADVERSE_EVENTS,
}


def field_map(table: str) -> dict[str, FieldSpec]:
    return {f.name: f for f in TABLE_SPECS[table]}


def spec_for(table: str, column: str) -> FieldSpec | None:
    """The spec of a canonical column; extra ``fish_*`` markers get the generic FISH spec."""
    spec = field_map(table).get(column)
    if spec is None and table == "patients" and column.startswith("fish_") and column != "fish_tested":
        spec = FieldSpec(column, "category", False, f"FISH {column[5:]}; blank = not tested",
                         allowed=vocab.POS_NEG)
    return spec
