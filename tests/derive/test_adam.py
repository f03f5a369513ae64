"""Endpoint rules (docs/ANALYSIS.md, 'Endpoints'), each hand-worked: PFS/OS events, dates and censoring."""

from __future__ import annotations

import pandas as pd
import pytest

from pipeline.derive.adam import (
    ResponseData,
    choose_source,
    derive_adsl,
    derive_adtte,
    high_risk_fish,
    response_from_patients,
)
from tests import frames


def _response(ids, prog=None, last_eval=None, bor=None) -> ResponseData:
    n = len(ids)
    return ResponseData("recorded", pd.DataFrame({
        "patient_id": ids,
        "bor": bor or ["PR"] * n,
        "bor_date": pd.NaT,
        "progression_date": pd.to_datetime(prog or [None] * n),
        "progression_reason": None,
        "last_evaluable_date": pd.to_datetime(last_eval or [None] * n),
    }))


def _tte(pts, resp, **opts):
    cfg = frames.config(**opts)
    adsl = derive_adsl(pts, resp, cfg)
    t = derive_adtte(adsl, cfg)
    return {(r.patient_id, r.PARAMCD): r for r in t.itertuples(index=False)}


def test_progression_is_the_pfs_event_and_days_are_integers():
    pts = frames.patients([{"patient_id": "A", "index_date": "2020-01-01", "last_contact_date": "2020-12-31"}])
    t = _tte(pts, _response(["A"], prog=["2020-03-01"], last_eval=["2020-02-01"]))
    # 2020-01-01 -> 2020-03-01 is 31 + 29 = 60 days (leap year)
    assert (t["A", "PFS"].AVAL, t["A", "PFS"].CNSR, t["A", "PFS"].EVNTDESC) == (60, 0, "progression")
    assert t["A", "PFS"].AVAL_MONTHS == pytest.approx(60 / 30.4375, abs=1e-4)
    # OS censored at last contact: 365 days in 2020
    assert (t["A", "OS"].AVAL, t["A", "OS"].CNSR) == (365, 1)


def test_censoring_at_last_evaluable_assessment_vs_last_contact():
    pts = frames.patients([{"patient_id": "A", "index_date": "2020-01-01", "last_contact_date": "2020-12-31"}])
    resp = _response(["A"], last_eval=["2020-06-29"])
    assert _tte(pts, resp)["A", "PFS"].AVAL == 180  # default: last evaluable assessment
    assert _tte(pts, resp)["A", "PFS"].EVNTDESC == "censored at last evaluable assessment"
    assert _tte(pts, resp, pfs_censor="last_contact")["A", "PFS"].AVAL == 365


def test_no_assessment_censors_pfs_at_last_contact():
    pts = frames.patients([{"patient_id": "A", "index_date": "2020-01-01", "last_contact_date": "2020-01-31"}])
    row = _tte(pts, _response(["A"]))["A", "PFS"]
    assert (row.AVAL, row.CNSR) == (30, 1)
    assert "no evaluable assessment" in row.EVNTDESC


def test_death_without_progression_is_a_pfs_event_unless_pfs_counts_progression_only():
    pts = frames.patients([{"patient_id": "A", "index_date": "2020-01-01", "last_contact_date": "2020-04-10",
                            "death_date": "2020-04-10", "death_cause": "other"}])
    resp = _response(["A"], last_eval=["2020-03-01"])
    imwg = _tte(pts, resp)
    assert (imwg["A", "PFS"].AVAL, imwg["A", "PFS"].CNSR) == (100, 0)
    assert imwg["A", "PFS"].EVNTDESC == "death without progression"
    assert (imwg["A", "OS"].AVAL, imwg["A", "OS"].CNSR) == (100, 0)
    pd_only = _tte(pts, resp, pfs_events="progression")
    assert (pd_only["A", "PFS"].AVAL, pd_only["A", "PFS"].CNSR) == (60, 1)  # censored at last assessment
    pd_only_lc = _tte(pts, resp, pfs_events="progression", pfs_censor="last_contact")
    assert (pd_only_lc["A", "PFS"].AVAL, pd_only_lc["A", "PFS"].CNSR) == (100, 1)


def test_progression_before_death_wins_over_death():
    pts = frames.patients([{"patient_id": "A", "index_date": "2020-01-01", "last_contact_date": "2020-04-10",
                            "death_date": "2020-04-10", "death_cause": "progression"}])
    row = _tte(pts, _response(["A"], prog=["2020-02-20"]))["A", "PFS"]
    assert (row.AVAL, row.CNSR, row.EVNTDESC) == (50, 0, "progression")


def test_recorded_progression_date_earlier_than_derived_wins_and_is_flagged():
    pts = frames.patients([{"patient_id": "A", "index_date": "2020-01-01", "progression_date": "2020-02-01"}])
    cfg = frames.config()
    adsl = derive_adsl(pts, _response(["A"], prog=["2020-03-01"]), cfg)
    assert (adsl.loc[0, "PDDT"], adsl.loc[0, "PDSRC"]) == (pd.Timestamp("2020-02-01"), "recorded")
    assert adsl.loc[0, "derived_progression_date"] == pd.Timestamp("2020-03-01")  # kept for the audit
    assert bool(adsl.loc[0, "progression_disagreement"])
    later = frames.patients([{"patient_id": "A", "index_date": "2020-01-01", "progression_date": "2020-05-01"}])
    adsl = derive_adsl(later, _response(["A"], prog=["2020-03-01"]), cfg)
    assert (adsl.loc[0, "PDDT"], adsl.loc[0, "PDSRC"]) == (pd.Timestamp("2020-03-01"), "derived")
    same = frames.patients([{"patient_id": "A", "index_date": "2020-01-01", "progression_date": "2020-03-01"}])
    adsl = derive_adsl(same, _response(["A"], prog=["2020-03-01"]), cfg)
    assert (adsl.loc[0, "PDDT"], adsl.loc[0, "PDSRC"]) == (pd.Timestamp("2020-03-01"), "derived")  # tie
    assert not bool(adsl.loc[0, "progression_disagreement"])


def test_disagreement_uses_the_engines_own_pd_date_when_it_has_one():
    # the IMWG engine returns the final date (recorded wins) and its own PD date separately
    pts = frames.patients([{"patient_id": "A", "index_date": "2020-01-01", "progression_date": "2020-02-01"}])
    resp = _response(["A"], prog=["2020-02-01"])
    resp.patients["derived_progression_date"] = pd.to_datetime(["2020-03-01"])
    adsl = derive_adsl(pts, resp, frames.config())
    assert (adsl.loc[0, "PDDT"], adsl.loc[0, "PDSRC"]) == (pd.Timestamp("2020-02-01"), "recorded")
    assert bool(adsl.loc[0, "progression_disagreement"])


def test_one_progression_column_and_its_source():
    # PDDT is the only progression date an analysis reads; the response's own copies are not in adsl
    pts = frames.patients([{"patient_id": "A"}, {"patient_id": "B", "progression_date": "2020-06-01"}])
    adsl = derive_adsl(pts, _response(["A", "B"], prog=["2020-04-01", None]), frames.config())
    assert {"PDDT", "PDSRC", "progression_date", "derived_progression_date"} <= set(adsl.columns)
    assert not {"pfs_progression_date", "progression_date_derived", "progression_source"} & set(adsl.columns)
    assert adsl["PDDT"].tolist() == [pd.Timestamp("2020-04-01"), pd.Timestamp("2020-06-01")]
    assert adsl["PDSRC"].tolist() == ["derived", "recorded"]
    none = derive_adsl(frames.patients([{"patient_id": "C"}]), _response(["C"]), frames.config())
    assert pd.isna(none.loc[0, "PDDT"]) and none.loc[0, "PDSRC"] is None


def test_censoring_before_time_zero_is_time_zero():
    # only a baseline assessment (before index): censored at day 0, not at a negative time
    pts = frames.patients([{"patient_id": "A", "index_date": "2020-01-10"}])
    row = _tte(pts, _response(["A"], last_eval=["2020-01-05"]))["A", "PFS"]
    assert (row.AVAL, row.CNSR) == (0, 1)


def test_patients_level_uses_recorded_best_response_and_progression():
    pts = frames.patients([{"patient_id": "A", "best_response": "VGPR", "progression_date": "2020-05-01"},
                           {"patient_id": "B"}])
    r = response_from_patients(pts)
    assert r.source == "patients"
    assert r.patients["bor"].tolist() == ["VGPR", "NE"]
    t = _tte(pts, r)
    assert (t["A", "PFS"].AVAL, t["A", "PFS"].CNSR) == (121, 0)
    adsl = derive_adsl(pts, r, frames.config())
    assert adsl["PDSRC"].tolist() == ["recorded", None]
    assert adsl["derived_progression_date"].isna().all()  # nothing is derived at this level
    assert (t["B", "PFS"].AVAL, t["B", "PFS"].CNSR) == (366, 1)  # last contact 2021-01-01


def test_population_flags_and_groups():
    pts = frames.patients([{"patient_id": "A", "cycles": "1"}, {"patient_id": "B", "cycles": "2"},
                           {"patient_id": "C", "cycles": "4", "emd": "at_relapse", "emd_type": "soft_tissue"}])
    adsl = derive_adsl(pts, _response(["A", "B", "C"], bor=["PD", "SD", "PR"]), frames.config())
    assert adsl["EVALFL"].tolist() == ["N", "Y", "Y"]
    assert adsl["EXTFL"].tolist() == ["N", "N", "Y"]
    assert adsl["emd_any"].tolist() == ["no", "no", "yes"]
    assert adsl["ORRFL"].tolist() == ["N", "N", "Y"]


def test_high_risk_fish_yes_no_and_not_tested():
    pts = frames.patients([{"patient_id": "A", "fish_t4_14": "positive"},
                           {"patient_id": "B", "fish_gain1q21": "positive", "fish_t4_14": "negative"},
                           {"patient_id": "C"}])
    assert high_risk_fish(pts).tolist() == ["yes", "no", None]


@pytest.mark.parametrize(("cols", "expected"), [
    ({}, "patients"),
    ({"response": ["PR"]}, "recorded"),
    ({"response": ["PR"], "serum_m_g_l": ["12"]}, "derived"),
], ids=["nothing", "recorded-only", "raw-values"])
def test_choose_source_auto(cols, expected):
    a = frames.assessments([{"patient_id": "A", "assessment_date": "2020-02-01",
                             **{k: v[0] for k, v in cols.items()}}])
    assert choose_source("auto", a) == expected
    assert choose_source("recorded", a) == "recorded"
    assert choose_source("auto", None) == "patients"


# --- response.summary: last (the category at the last evaluable assessment) -------------------------


def _recorded(rows: list[tuple[str, str, str | None]], **patient_cols) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(patients, assessments) for recorded responses: rows of (patient, date, response); cycle 0 first."""
    ids = sorted({r[0] for r in rows})
    pts = frames.patients([{"patient_id": i, "index_date": "2020-01-01", "last_contact_date": "2021-01-01",
                            **patient_cols.get(i, {})} for i in ids])
    cyc: dict[str, int] = {}
    arows = []
    for pid, date, resp in rows:
        arows.append({"patient_id": pid, "assessment_date": date, "cycle": str(cyc.setdefault(pid, 0)),
                      "response": resp or ""})
        cyc[pid] += 1
    return pts, frames.assessments(arows)


def _summary(pts, a, summary: str, confirm: bool = False) -> pd.DataFrame:
    from pipeline.derive.source import build_response

    cfg = frames.config().model_copy(update={"response": frames.config().response.model_copy(
        update={"summary": summary, "confirm_response": confirm, "source": "recorded"})})
    return build_response({"patients": pts, "assessments": a}, cfg).patients.set_index("patient_id")


def test_summary_last_is_the_category_at_the_last_evaluable_assessment():
    pts, a = _recorded([
        ("A", "2019-12-28", None), ("A", "2020-02-01", "PR"), ("A", "2020-03-01", "PR"), ("A", "2020-04-01", "PD"),
        ("B", "2019-12-28", None), ("B", "2020-02-01", "SD"), ("B", "2020-03-01", "PR"), ("B", "2020-04-01", "NE"),
        ("C", "2019-12-28", None), ("C", "2020-02-01", "PD"), ("C", "2020-03-01", "PR"),
        ("D", "2019-12-28", None), ("D", "2020-02-01", "NE"),
    ])
    best, last = _summary(pts, a, "best"), _summary(pts, a, "last")
    assert best["bor"].to_dict() == {"A": "PR", "B": "PR", "C": "PD", "D": "NE"}
    # A progressed after its PRs: PD; B's last assessment is NE and is skipped; C's PR after the first PD
    # does not count; D has nothing evaluable.
    assert last["bor"].to_dict() == {"A": "PD", "B": "PR", "C": "PD", "D": "NE"}
    assert last.loc["A", "bor_date"] == pd.Timestamp("2020-04-01")
    assert last.loc["B", "bor_date"] == pd.Timestamp("2020-03-01")
    assert pd.isna(last.loc["D", "bor_date"])
    assert last["bor_best"].to_dict() == best["bor"].to_dict()
    assert last.loc["A", "bor_reason"].startswith("PD at the last evaluable assessment (2020-04-01")
    assert "IMWG best overall response PR" in last.loc["A", "bor_reason"]
    # the default leaves the IMWG best overall response alone
    assert "bor_best" not in best.columns
    # progression and censoring do not depend on the summary
    pd.testing.assert_series_equal(best["progression_date"], last["progression_date"])
    pd.testing.assert_series_equal(best["last_evaluable_date"], last["last_evaluable_date"])


def test_summary_last_stops_at_new_therapy_and_uses_confirmed_categories():
    pts, a = _recorded(
        [("A", "2019-12-28", None), ("A", "2020-02-01", "SD"), ("A", "2020-03-01", "PR"), ("A", "2020-05-01", "PD"),
         ("B", "2019-12-28", None), ("B", "2020-02-01", "PR"), ("B", "2020-03-01", "PR"), ("B", "2020-04-01", "PR")],
        A={"new_therapy_date": "2020-04-01"})
    assert _summary(pts, a, "last").loc["A", "bor"] == "PR"  # the PD after new therapy is outside the window
    # with confirmation, the last PR has no later assessment to confirm it: SD (so `last` goes with
    # confirm_response: false); the best confirmed response is still PR
    confirmed = _summary(pts, a, "last", confirm=True)
    assert (confirmed.loc["B", "bor"], confirmed.loc["B", "bor_best"]) == ("SD", "PR")


def test_summary_last_changes_the_rates_but_not_the_patients_level():
    pts, a = _recorded([("A", "2019-12-28", None), ("A", "2020-02-01", "PR"), ("A", "2020-03-01", "PD")])
    from pipeline.derive.adam import last_evaluable_response

    resp = response_from_patients(frames.patients([{"patient_id": "A", "best_response": "VGPR"}]))
    assert last_evaluable_response(resp) is resp
    cfg = frames.config()
    adsl = derive_adsl(pts, ResponseData("recorded", _summary(pts, a, "last").reset_index()), cfg)
    assert (adsl.loc[0, "bor"], adsl.loc[0, "ORRFL"], adsl.loc[0, "bor_best"]) == ("PD", "N", "PR")


def test_summary_option_is_validated():
    from pipeline.config import config_from_dict
    from pipeline.errors import ConfigError

    base = {"study": "t", "cutoff": "2023-01-01", "inputs": {"patients": "p.csv"}}
    assert config_from_dict(base).response.summary == "best"
    assert config_from_dict({**base, "response": {"summary": "last"}}).response.summary == "last"
    with pytest.raises(ConfigError, match="response.summary"):
        config_from_dict({**base, "response": {"summary": "final"}})


def test_pddt_and_pdsrc_are_the_engines_progression_date_and_source():
    # the IMWG engine decides progression (and the response window) with the same rule: they must agree
    pts, a = _recorded(
        [("A", "2019-12-28", None), ("A", "2020-02-01", "PR"), ("A", "2020-03-01", "PD"), ("A", "2020-04-01", "PD"),
         ("B", "2019-12-28", None), ("B", "2020-02-01", "PD"), ("B", "2020-03-01", "PD"),
         ("C", "2019-12-28", None), ("C", "2020-02-01", "SD"),
         ("D", "2019-12-28", None), ("D", "2020-02-01", "PD"), ("D", "2020-03-01", "PD")],
        B={"progression_date": "2020-01-20"}, C={"progression_date": "2020-02-15"},
        D={"progression_date": "2020-02-01"})
    engine = _summary(pts, a, "best", confirm=True).reset_index()
    adsl = derive_adsl(pts, ResponseData("recorded", engine), frames.config()).set_index("patient_id")
    e = engine.set_index("patient_id")
    pd.testing.assert_series_equal(adsl["PDDT"], e["progression_date"], check_names=False)
    assert adsl["PDSRC"].tolist() == e["progression_source"].tolist() == ["derived", "recorded", "recorded",
                                                                          "derived"]
    assert adsl["progression_disagreement"].tolist() == [False, True, False, False]
