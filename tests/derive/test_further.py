"""DOR (RSD), TTNT and TTR (MODELS.md section 2), each rule hand-worked on a tiny cohort."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from pipeline.cutoff import apply_cutoff
from pipeline.derive.adam import ResponseData, derive_adsl, derive_adtte
from pipeline.derive.further import derive_further_adtte, first_response_dates, ttr_summary
from tests import frames


def _adrs(rows):
    """Assessments as the IMWG engine leaves them: confirmed category and whether it counts."""
    return pd.DataFrame([{"patient_id": p, "assessment_date": pd.Timestamp(d), "confirmed_category": c,
                          "counted": k} for p, d, c, k in rows])


def _response(ids, prog, last_eval):
    return ResponseData("recorded", pd.DataFrame({
        "patient_id": ids, "bor": "PR", "bor_date": pd.NaT,
        "progression_date": pd.to_datetime(prog), "progression_reason": None,
        "last_evaluable_date": pd.to_datetime(last_eval)}))


def _tte(pts, resp, adrs, **opts):
    cfg = frames.config(**opts)
    adsl = derive_adsl(pts, resp, cfg)
    t = derive_further_adtte(adsl, adrs, derive_adtte(adsl, cfg))
    return t, {(r.patient_id, r.PARAMCD): r for r in t.itertuples(index=False)}


PTS = [
    # A: PR from 2020-03-01, dies 2020-06-01 without PD
    {"patient_id": "A", "last_contact_date": "2020-06-01", "death_date": "2020-06-01", "death_cause": "other"},
    # B: new therapy 2020-05-01, then PD 2020-07-01; MR is its best: not a responder
    {"patient_id": "B", "last_contact_date": "2020-12-01", "new_therapy_date": "2020-05-01",
     "progression_date": "2020-07-01"},
    # C: VGPR from 2020-02-01 (an unconfirmed PR on 2020-01-20 does not count), PD 2020-09-01
    {"patient_id": "C", "last_contact_date": "2021-01-01", "progression_date": "2020-09-01"},
    # D: CR from 2020-04-01, no event: DOR censored as PFS (last evaluable assessment 2020-10-01)
    {"patient_id": "D", "last_contact_date": "2020-12-31"},
]
ADRS = _adrs([
    ("A", "2020-02-01", "SD", True), ("A", "2020-03-01", "PR", True), ("A", "2020-04-01", "PR", True),
    ("B", "2020-02-01", "MR", True), ("B", "2020-03-01", "MR", True),
    ("C", "2020-01-20", "SD", True), ("C", "2020-02-01", "VGPR", True), ("C", "2020-10-01", "PR", False),
    ("D", "2020-04-01", "CR", True), ("D", "2020-10-01", "CR", True),
])
RESP = _response(["A", "B", "C", "D"], [None, "2020-07-01", "2020-09-01", None],
                 ["2020-04-01", "2020-03-01", "2020-08-01", "2020-10-01"])


def test_first_response_is_the_first_counted_pr_or_better():
    fr = first_response_dates(ADRS)
    assert fr.to_dict() == {"A": pd.Timestamp("2020-03-01"), "C": pd.Timestamp("2020-02-01"),
                            "D": pd.Timestamp("2020-04-01")}
    assert first_response_dates(None).empty


def test_responder_who_dies_without_pd():
    _, t = _tte(frames.patients(PTS), RESP, ADRS)
    row = t["A", "RSD"]
    # 2020-03-01 -> 2020-06-01: 31 + 30 + 31 = 92 days; death is the DOR event as it is the PFS event
    assert (row.AVAL, row.CNSR, row.EVNTDESC) == (92, 0, "death without progression")
    assert pd.isna(row.CNSDTDSC) and row.PARAM == "Duration of response"
    # TTR: 2020-01-01 -> 2020-03-01 = 60 days (leap year)
    assert (t["A", "TTR"].AVAL, t["A", "TTR"].CNSR) == (60, 0)


def test_non_responder_is_not_in_dor_or_ttr():
    tab, t = _tte(frames.patients(PTS), RESP, ADRS)
    assert ("B", "RSD") not in t and ("B", "TTR") not in t  # MR is not a response
    assert set(tab.loc[tab.PARAMCD == "RSD", "patient_id"]) == {"A", "C", "D"}


def test_new_therapy_before_pd_ends_ttnt():
    _, t = _tte(frames.patients(PTS), RESP, ADRS)
    row = t["B", "TTNT"]
    # 2020-01-01 -> 2020-05-01 = 31 + 29 + 31 + 30 = 121 days
    assert (row.AVAL, row.CNSR, row.EVNTDESC) == (121, 0, "new therapy")
    # death before any new therapy is the TTNT event for A
    assert (t["A", "TTNT"].AVAL, t["A", "TTNT"].CNSR, t["A", "TTNT"].EVNTDESC) == (152, 0, "death before new therapy")


def test_dor_to_progression_and_censored_as_pfs():
    _, t = _tte(frames.patients(PTS), RESP, ADRS)
    # C: 2020-02-01 -> 2020-09-01 = 213 days, progression
    assert (t["C", "RSD"].AVAL, t["C", "RSD"].CNSR, t["C", "RSD"].EVNTDESC) == (213, 0, "progression")
    # D: censored at the last evaluable assessment (2020-04-01 -> 2020-10-01 = 183 days) ...
    d = t["D", "RSD"]
    assert (d.AVAL, d.CNSR, d.CNSDTDSC) == (183, 1, "censored at last evaluable assessment")
    # ... or at last contact when PFS is censored there (2020-04-01 -> 2020-12-31 = 274 days)
    _, t2 = _tte(frames.patients(PTS), RESP, ADRS, pfs_censor="last_contact")
    assert (t2["D", "RSD"].AVAL, t2["D", "RSD"].CNSR) == (274, 1)
    # TTNT censored at last contact: 2020-01-01 -> 2020-12-31 = 365 days
    assert (t["D", "TTNT"].AVAL, t["D", "TTNT"].CNSR, t["D", "TTNT"].CNSDTDSC) == (365, 1, "censored at last contact")


def test_cutoff_clears_a_later_new_therapy_and_truncates_ttnt():
    pts = frames.patients([{"patient_id": "E", "last_contact_date": "2021-06-01", "new_therapy_date": "2021-03-01"}])
    cut, _ = apply_cutoff({"patients": pts}, dt.date(2020, 12, 31))
    resp = _response(["E"], [None], [None])
    _, t = _tte(cut["patients"], resp, None)
    # new therapy after the cut-off is unknown at the cut-off: censored at 2020-12-31 (365 days)
    assert (t["E", "TTNT"].AVAL, t["E", "TTNT"].CNSR) == (365, 1)
    assert ("E", "RSD") not in t  # no assessments: no response dates, no DOR


def test_ttr_summary_is_median_and_range_among_responders():
    tab, _ = _tte(frames.patients(PTS), RESP, ADRS)
    s = ttr_summary(tab)
    # TTR days: A 60, C 31, D 91 -> median 60 days
    assert s["n"] == 3
    assert s["median"] == pytest.approx(60 / 30.4375)
    assert (s["min"], s["max"]) == (pytest.approx(31 / 30.4375), pytest.approx(91 / 30.4375))


def test_rows_are_ordered_by_parameter_then_patient():
    tab, _ = _tte(frames.patients(PTS), RESP, ADRS)
    assert list(dict.fromkeys(tab["PARAMCD"])) == ["PFS", "OS", "RSD", "TTNT", "TTR"]
    assert list(tab.loc[tab.PARAMCD == "TTNT", "patient_id"]) == ["A", "B", "C", "D"]
