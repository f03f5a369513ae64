"""Category at one assessment, before confirmation (pipeline/imwg/categorize.py)."""

from __future__ import annotations

import pandas as pd
import pytest

from pipeline.imwg import rules as R
from pipeline.imwg.baseline import establish_baseline
from pipeline.imwg.categorize import PREDICATES, categorize
from pipeline.imwg.prepare import prepare

INDEX = pd.Timestamp("2022-01-10")
COLUMN = {"serum": "serum_m_g_l", "urine": "urine_m_mg_24h", "kappa": "flc_kappa_mg_l", "lambda_": "flc_lambda_mg_l",
          "sife": "serum_ife", "uife": "urine_ife", "marrow": "bm_plasma_cells_pct", "clonal": "bm_clonal_cells",
          "spd": "plasmacytoma_spd_cm2", "new_lesion": "new_lesion", "cycle": "cycle"}


def categories(*visits: dict, myeloma_type: str = "IgG-kappa", baseline: bool = True) -> pd.DataFrame:
    """One patient; visit 0 is cycle 0 five days before index_date (unless ``baseline`` is False), visit
    i one 28-day cycle later each. Serum in g/dL. Returns the rows after baseline."""
    rows = []
    for i, v in enumerate(visits):
        date = INDEX + pd.Timedelta(days=28 * i if i else (-5 if baseline else 3))
        row = {"patient_id": "P1", "assessment_date": date, "cycle": i if baseline else i + 1}
        row.update({COLUMN[k]: (x * 10 if k == "serum" else x) for k, x in v.items()})
        rows.append(row)
    a = pd.DataFrame(rows)
    p = pd.DataFrame({"patient_id": ["P1"], "index_date": [INDEX], "myeloma_type": [myeloma_type]})
    prep = prepare(p, a)
    base = establish_baseline(prep, 30)
    c = categorize(prep, base)
    out = pd.DataFrame({"category": pd.Series(c.rank).map(dict(enumerate(R_ORDER))), "rule": c.rule,
                        "reason": c.reason, "lab_based": c.lab_based, "pct_change": c.pct_change,
                        "relapse_signal": c.relapse_signal, "post": base.post})
    return out[out["post"]].reset_index(drop=True)


R_ORDER = ("sCR", "CR", "VGPR", "PR", "MR", "SD", "PD", "NE")


def cats(*visits, **kw) -> list[str]:
    return categories(*visits, **kw)["category"].tolist()


def pos(**v):
    return {"sife": "positive", **v}


def test_every_category_rule_has_a_predicate_and_no_other():
    assert list(PREDICATES) == [r.rule_id for r in R.CATEGORY_RULES]


def test_a_rise_of_exactly_0_5_g_dl_in_g_l_is_pd_despite_rounding():
    assert cats(pos(serum=3.0), pos(serum=0.2), pos(serum=0.7)) == ["VGPR", "PD"]


def test_nadir_includes_the_baseline():
    assert cats(pos(serum=2.0), pos(serum=2.5)) == ["PD"]
    assert cats(pos(serum=2.0), pos(serum=2.4)) == ["SD"]


def test_nadir_includes_every_earlier_assessment_not_the_current_one():
    out = categories(pos(serum=3.0), pos(serum=1.0), pos(serum=1.4), pos(serum=1.5))
    assert out["category"].tolist() == ["PR", "PR", "PD"]
    assert out["rule"].tolist() == ["PR", "PR", "PD_SERUM"]
    assert "from nadir 1 g/dL" in out["reason"][2]


def test_followed_by_urine_alone_is_judged_on_urine():
    v = [pos(serum=0.5, urine=1000), pos(urine=400), pos(urine=150), pos(urine=90), pos(urine=600)]
    assert cats(*v) == ["MR", "PR", "VGPR", "PD"]
    # +190 mg/24 h from the nadir is not enough, whatever the percentage
    assert cats(pos(urine=1000), pos(urine=400), pos(urine=590)) == ["MR", "SD"]
    # serum is not followed: its rise is not PD
    assert cats(pos(serum=0.5, urine=1000), pos(serum=2.0, urine=1000)) == ["SD"]


def test_dflc_has_no_minimal_response_and_pd_uses_the_size_of_a_negative_nadir():
    lc = {"kappa": 500, "lambda_": 10}
    assert cats(lc, {"kappa": 310, "lambda_": 10}, myeloma_type="kappa") == ["SD"]  # -39%: no MR by dFLC
    # dFLC nadir -20 (kappa 10, lambda 30), then +110 mg/L: PD
    assert cats(lc, {"kappa": 10, "lambda_": 30}, {"kappa": 100, "lambda_": 10}, myeloma_type="kappa") == ["VGPR", "PD"]


def test_a_missing_followed_measure_makes_a_response_unknown_but_not_sd():
    base = pos(serum=4.0, urine=800)
    out = categories(base, pos(serum=1.0), {})
    assert out["category"].tolist() == ["NE", "NE"]
    assert cats(base, pos(serum=3.8)) == ["SD"]
    assert out["reason"][0].startswith("NE: urine M not measured, so the category is unknown")
    assert out["reason"][1] == "NE: serum M and urine M not measured"


def test_negative_immunofixation_with_missing_m_protein_means_zero():
    out = categories(pos(serum=3.0), {"sife": "negative"})
    assert out["category"].tolist() == ["VGPR"]  # no marrow: not CR
    assert "IFE negative" in out["reason"][0]


def test_cr_needs_urine_ife_when_urine_was_ever_measurable():
    cr = {"serum": 0.0, "urine": 0.0, "sife": "negative", "marrow": 2.0}
    assert cats(pos(serum=3.0, urine=500), cr) == ["VGPR"]
    assert cats(pos(serum=3.0, urine=500), {**cr, "uife": "negative"}) == ["CR"]
    assert cats(pos(serum=3.0, urine=50), cr) == ["CR"]


def test_marrow_and_clonal_cells_are_carried_forward_but_not_from_baseline():
    neg = {"serum": 0.0, "sife": "negative", "uife": "negative", "kappa": 10.0, "lambda_": 10.0}
    assert cats(pos(serum=3.0, marrow=3.0, clonal="negative"), neg) == ["VGPR"]
    assert cats(pos(serum=3.0, marrow=40.0), {**neg, "marrow": 2.0, "clonal": "negative"}, neg) == ["sCR", "sCR"]


def test_plasmacytoma_alone_is_followed_on_imaging_without_confirmation():
    out = categories({"spd": 10.0, "marrow": 10.0}, {"spd": 4.0}, {}, {"spd": 5.5}, myeloma_type="nonsecretory")
    assert out["category"].tolist() == ["PR", "PR", "MR"]
    assert not out["lab_based"].any()
    assert "at the last imaging" in out["reason"][1]


def test_a_plasmacytoma_not_reimaged_caps_at_sd():
    out = categories(pos(serum=4.0, spd=10.0), pos(serum=1.0))
    assert out["category"].tolist() == ["SD"]
    assert "not re-imaged since baseline" in out["reason"][0]
    assert cats(pos(serum=4.0, spd=10.0), pos(serum=0.2, spd=4.0)) == ["VGPR"]
    assert cats(pos(serum=4.0, spd=10.0), pos(serum=1.0, spd=0.0)) == ["PR"]


def test_plasmacytoma_growth_and_new_lesions_are_imaging_pd():
    out = categories(pos(serum=4.0, spd=0.0), pos(serum=2.0, spd=3.0), pos(serum=2.0, new_lesion=True))
    assert out["category"].tolist() == ["PD", "PD"]
    assert out["rule"].tolist() == ["PD_PLASMACYTOMA", "PD_NEW_LESION"]
    assert not out["lab_based"].any()
    # a lab PD with imaging PD at the same assessment needs no confirmation either
    both = categories(pos(serum=2.0), pos(serum=3.0, new_lesion=True))
    assert both["rule"].tolist() == ["PD_SERUM"] and not both["lab_based"][0]
    assert categories(pos(serum=2.0), pos(serum=3.0))["lab_based"].tolist() == [True]


def test_without_baseline_only_imaging_can_give_pd():
    out = categories(pos(serum=3.0), pos(serum=5.0, new_lesion=True), baseline=False)
    assert out["category"].tolist() == ["NE", "PD"]
    assert out["reason"][0] == "NE: no baseline assessment"


def test_nothing_measurable_allows_only_cr_and_imaging_pd():
    base = {"serum": 0.5, "sife": "positive", "marrow": 20.0}
    out = categories(base, {"serum": 0.1, "sife": "positive", "marrow": 8.0},
                     {"serum": 0.0, "sife": "negative", "marrow": 3.0}, {"new_lesion": True})
    assert out["category"].tolist() == ["NE", "CR", "PD"]
    assert out["lab_based"].tolist() == [False, True, False]


def test_marrow_followed_patient_missing_marrow_is_ne():
    out = categories({"marrow": 40.0}, {}, {"marrow": 15.0}, myeloma_type="nonsecretory")
    assert out["category"].tolist() == ["NE", "PR"]
    assert out["reason"][0] == "NE: marrow plasma cells not measured"


def test_relapse_signal_and_pct_change_of_the_primary_measure():
    out = categories(pos(serum=4.0), pos(serum=1.0), {"serum": 0.0, "sife": "negative", "marrow": 6.0})
    assert out["pct_change"].tolist() == [-75.0, -100.0]
    assert out["relapse_signal"].tolist() == [True, True]


@pytest.mark.parametrize(("value", "expected"), [(2.0, "PR"), (2.0000000001, "PR"), (2.01, "MR"), (0.4, "VGPR")])
def test_thresholds_are_inclusive_up_to_rounding(value, expected):
    # 4.0 g/dL is 40 g/L; 2.0 g/dL is exactly -50%
    assert cats(pos(serum=4.0), pos(serum=value)) == [expected]


def test_reasons_name_the_category_first():
    out = categories(pos(serum=4.0), pos(serum=1.5))
    assert out["reason"][0] == "PR: serum M 1.5 g/dL (-62% from baseline 4 g/dL)"
    assert all(r.startswith(f"{c}: ") for r, c in zip(out["reason"], out["category"], strict=True))
