"""Response rates with exact CIs (docs/ANALYSIS.md, 'Response rates'); CIs against R's binom.test."""

from __future__ import annotations

import pandas as pd
import pytest

from pipeline.analysis.rates import best_response_counts, response_by_cycle, response_rates
from tests import frames
from tests.reference import load_json

REF = load_json("r_reference.json")


def _adsl(bors: list[str], cycles: list[int], emd: list[str] | None = None) -> pd.DataFrame:
    n = len(bors)
    return pd.DataFrame({"patient_id": [f"P{i}" for i in range(n)], "bor": bors, "cycles": cycles,
                         "emd_any": emd or ["no"] * n, "regimen": ["BRD"] * n})


def test_orr_cbr_dcr_counts_and_clopper_pearson_against_r():
    """> binom.test(11, 29)$conf.int  (and the 11/15 of the >= 4 cycles population)"""
    # 29 evaluable (>= 2 cycles): 1 CR, 1 VGPR, 9 PR, 2 MR, 4 SD, 12 PD; 3 more with 1 cycle (PD, NE, SD)
    bors = ["CR", "VGPR"] + ["PR"] * 9 + ["MR"] * 2 + ["SD"] * 4 + ["PD"] * 12 + ["PD", "NE", "SD"]
    # the 11 responders and 4 PD patients had >= 4 cycles
    cycles = [4] * 11 + [2] * 6 + [4] * 4 + [2] * 8 + [1, 1, 1]
    r = response_rates(_adsl(bors, cycles), frames.config())
    ev = r[r["population"].str.startswith("response-evaluable")].set_index("endpoint")
    assert (ev.loc["ORR", "n"], ev.loc["ORR", "N"]) == (11, 29)
    assert (ev.loc["CBR", "n"], ev.loc["DCR", "n"]) == (13, 17)
    ref = REF["clopper_pearson"][0]  # 11/29
    assert ev.loc["ORR", "pct"] == pytest.approx(ref["pct"], abs=1e-9)
    assert ev.loc["ORR", "ci_low"] == pytest.approx(ref["lower"], abs=1e-9)
    assert ev.loc["ORR", "ci_high"] == pytest.approx(ref["upper"], abs=1e-9)
    ext = r[r["population"] == ">= 4 cycles"].set_index("endpoint")
    ref15 = REF["clopper_pearson"][1]  # 11/15
    assert (ext.loc["ORR", "n"], ext.loc["ORR", "N"]) == (11, 15)
    assert ext.loc["ORR", "ci_low"] == pytest.approx(ref15["lower"], abs=1e-9)
    allp = r[r["population"] == "all treated"].set_index("endpoint")
    assert (allp.loc["ORR", "n"], allp.loc["ORR", "N"], allp.loc["DCR", "n"]) == (11, 32, 18)


def test_empty_population_is_reported_not_nan():
    r = response_rates(_adsl(["PR", "SD"], [3, 3]), frames.config())
    emd = r[r["population"] == "EMD"]
    assert emd["N"].tolist() == [0, 0, 0]
    assert emd["pct"].isna().all() and emd["ci_low"].isna().all()
    assert emd["n"].tolist() == [0, 0, 0]


def test_best_response_counts_include_zero_categories():
    b = best_response_counts(_adsl(["PR", "PR", "PD"], [2, 2, 2]), frames.config())
    allp = b[b["population"] == "all treated"].set_index("category")
    assert allp["n"].to_dict() == {"sCR": 0, "CR": 0, "VGPR": 0, "PR": 2, "MR": 0, "SD": 0, "PD": 1, "NE": 0}


def test_response_by_cycle_uses_the_assessment_marked_with_that_cycle():
    adrs = pd.DataFrame({"patient_id": ["A", "A", "B", "B", "C"], "cycle": [0, 2, 2, 4, 2],
                         "category": [None, "PR", "SD", "PR", "PD"]})
    t = response_by_cycle(adrs).set_index(["cycle", "category"])
    assert t.loc[(2, "PR"), "n"] == 1 and t.loc[(2, "PR"), "N"] == 3
    assert t.loc[(2, "PD"), "n"] == 1
    assert t.loc[(4, "PR"), "n"] == 1 and t.loc[(4, "PR"), "N"] == 1
    assert 0 not in t.index.get_level_values("cycle")
