"""Each category rule is one object (pipeline/imwg/rules.py): its condition, its reason and its
provenance; categorize evaluates the objects, so changing one changes the categories."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd

from pipeline.imwg import rules as R
from pipeline.imwg.baseline import establish_baseline
from pipeline.imwg.categorize import PREDICATES, categorize
from pipeline.imwg.prepare import prepare
from pipeline.vocab import RESPONSE_ORDER

INDEX = pd.Timestamp("2022-01-10")


def run(serum_g_dl: list[float], rules=None, **extra) -> tuple[list, list, list]:
    """One IgG-kappa patient followed by serum (IFE positive): baseline, then one visit per value.
    Returns the category, rule and reason of each visit after baseline."""
    dates = [INDEX - pd.Timedelta(days=5)] + [INDEX + pd.Timedelta(days=28 * i) for i in range(1, len(serum_g_dl))]
    a = pd.DataFrame({"patient_id": "P1", "assessment_date": dates, "cycle": range(len(serum_g_dl)),
                      "serum_m_g_l": [v * 10 for v in serum_g_dl], "serum_ife": "positive", **extra})
    p = pd.DataFrame({"patient_id": ["P1"], "index_date": [INDEX], "myeloma_type": ["IgG-kappa"]})
    prep = prepare(p, a)
    base = establish_baseline(prep, 30)
    c = categorize(prep, base, rules)
    post = base.post
    names = [RESPONSE_ORDER[k] for k in c.rank[post]]
    return names, list(c.rule[post]), list(c.reason[post])


def replaced(rule_id: str, **changes) -> tuple[R.CategoryRule, ...]:
    return tuple(dataclasses.replace(r, **changes) if r.rule_id == rule_id else r for r in R.CATEGORY_RULES)


def test_every_category_rule_has_a_condition_a_reason_and_a_provenance():
    sources = {R.IMWG, R.SPEC_DECISION, R.OUR_DECISION}
    for r in R.CATEGORY_RULES:
        assert isinstance(r, R.CategoryRule) and r.kind == "category"
        assert callable(r.condition) and callable(r.reason), r.rule_id
        assert r.category in RESPONSE_ORDER and r.source in sources and len(r.description) > 30, r.rule_id
    responses = [r for r in R.CATEGORY_RULES if r.category in ("VGPR", "PR", "MR")]
    assert all(r.measures for r in responses)
    assert PREDICATES == {r.rule_id: r.condition for r in R.CATEGORY_RULES}


def test_the_rule_objects_categorise_and_word_the_reason():
    cats, rules, reasons = run([4.0, 1.5, 0.3, 1.0])
    assert cats == ["PR", "VGPR", "PD"] and rules == ["PR", "VGPR", "PD_SERUM"]
    assert reasons[0] == "PR: serum M 1.5 g/dL (-62% from baseline 4 g/dL)"
    assert reasons[2] == "PD: serum M 1 g/dL, up 0.7 g/dL (+233%) from nadir 0.3 g/dL"


def test_changing_a_rules_condition_changes_the_categories():
    never = replaced("PR", condition=lambda x: np.zeros(x.n, dtype=bool))
    assert run([4.0, 1.5], never)[0] == ["MR"]
    stricter = {**next(r for r in R.CATEGORY_RULES if r.rule_id == "PR").measures,
                "serum": lambda x: R.down(x.serum, x.b_serum, 0.70)}
    assert run([4.0, 1.5], replaced("PR", measures=stricter))[0] == ["MR"]  # -62% is no longer PR
    assert run([4.0, 1.0], replaced("PR", measures=stricter))[0] == ["PR"]  # -75% still is
    no_serum_pd = replaced("PD_SERUM", condition=lambda x: np.zeros(x.n, dtype=bool))
    assert run([4.0, 0.3, 1.0], no_serum_pd)[0] == ["VGPR", "PR"]  # 1 g/dL is -75% from baseline


def test_changing_a_rules_reason_changes_only_its_reasons():
    worded = replaced("PR", reason=lambda x: ["halved", (x.f_serum, "by serum")])
    assert run([4.0, 1.5, 0.3], worded)[2] == ["PR: halved; by serum", "VGPR: serum M 0.3 g/dL (-92% from baseline 4 g/dL)"]


def test_a_pd_names_every_progression_criterion_met():
    reasons = run([2.0, 3.0], new_lesion=[False, True])[2]
    assert reasons == ["PD: serum M 3 g/dL, up 1 g/dL (+50%) from nadir 2 g/dL; new lesion"]


def test_confirmation_of_a_pd_follows_the_rules_confirmation_field():
    frame = pd.DataFrame({"patient_id": "P1", "assessment_date": [INDEX - pd.Timedelta(days=5),
                                                                  INDEX + pd.Timedelta(days=28)],
                          "cycle": [0, 1], "serum_m_g_l": [20.0, 30.0], "serum_ife": "positive"})
    p = pd.DataFrame({"patient_id": ["P1"], "index_date": [INDEX], "myeloma_type": ["IgG-kappa"]})
    prep = prepare(p, frame)
    base = establish_baseline(prep, 30)
    assert categorize(prep, base).lab_based[base.post].tolist() == [True]
    relaxed = replaced("PD_SERUM", confirmation=R.CONFIRM_NOT_REQUIRED)
    assert categorize(prep, base, relaxed).lab_based[base.post].tolist() == [False]


def test_rules_table_keeps_the_data_columns_only():
    table = R.rules_table(R.rule_list())
    assert list(table.columns) == ["order", "rule_id", "kind", "category", "description", "source", "confirmation",
                                   "is_decision"]
    assert table["rule_id"].tolist()[:len(R.CATEGORY_RULES)] == [r.rule_id for r in R.CATEGORY_RULES]
