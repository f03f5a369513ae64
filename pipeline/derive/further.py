"""Endpoints beyond PFS and OS (MODELS.md section 2): duration of response, time to next treatment
and time to response, as further ``adtte`` parameters.

Parameter codes (PARAMCD) follow admiralonco where it names one: its ADTTE template codes duration
of response ``RSD`` ("Duration of Response"; admiral's own examples say ``DURRSP``). admiralonco has
no code for time to next treatment or time to response; the usual ADaM ``TTNT`` and ``TTR`` are used.

- ``RSD`` (DOR): responders only (a counted, confirmed assessment of PR or better; MR is not a
  response), from the first such assessment to PD or death, censored as PFS is (the PFS end date
  and status, so ``analysis.pfs_events``/``pfs_censor`` apply to both).
- ``TTNT``: index date to ``new_therapy_date`` or death, whichever is first; censored at last
  contact (already truncated to the cut-off, which also clears a later new therapy).
- ``TTR``: responders only, index date to the first response; always an event (CNSR 0). A
  description among responders (median and range), not a Kaplan-Meier endpoint.

Every row also gets ``PARAM`` (the parameter's name) and ``CNSDTDSC`` (the censoring date's
description, blank for events), as admiralonco's time-to-event sources set them.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from pipeline import vocab

PARAMS = {"PFS": "Progression-free survival", "OS": "Overall survival", "RSD": "Duration of response",
          "TTNT": "Time to next treatment", "TTR": "Time to response"}
#: Short names a reader knows, by PARAMCD (RSD is printed "DOR").
SHORT = {"PFS": "PFS", "OS": "OS", "RSD": "DOR", "TTNT": "TTNT", "TTR": "TTR"}


def first_response_dates(adrs: pd.DataFrame | None) -> pd.Series:
    """Per patient, the date of the first counted assessment whose confirmed category is PR or better.

    Empty when there are no assessments (patients-only data carry no response dates).
    """
    if adrs is None or adrs.empty or not {"confirmed_category", "assessment_date"} <= set(adrs.columns):
        return pd.Series(dtype="datetime64[ns]")
    ok = adrs["confirmed_category"].isin(vocab.ORR_CATEGORIES) & adrs["assessment_date"].notna()
    if "counted" in adrs:
        ok &= adrs["counted"].astype("boolean").fillna(False).astype(bool)
    first = adrs.loc[ok].groupby("patient_id", sort=True)["assessment_date"].min()
    return pd.to_datetime(first)


def _rows(ids, paramcd, start, end, event, desc) -> pd.DataFrame:
    start = pd.Series(pd.to_datetime(np.asarray(start)))
    end = pd.Series(pd.to_datetime(np.asarray(end)))
    days = (end - start).dt.days.astype("int64")
    return pd.DataFrame({
        "patient_id": np.asarray(ids), "PARAMCD": paramcd, "STARTDT": start, "ADT": end,
        "AVAL": days, "AVAL_MONTHS": (days / vocab.DAYS_PER_MONTH).round(4),
        "CNSR": np.where(event, 0, 1), "EVNTDESC": desc,
    })


def derive_dor(adsl: pd.DataFrame, adtte: pd.DataFrame, first_response: pd.Series) -> pd.DataFrame:
    """RSD rows: responders' first response date to the PFS end date, with PFS's status."""
    pfs = adtte[adtte["PARAMCD"] == "PFS"].set_index("patient_id")
    start = adsl["patient_id"].map(first_response)
    resp = start.notna().to_numpy()
    ids = adsl.loc[resp, "patient_id"].to_numpy()
    st = pd.Series(pd.to_datetime(start[resp]).to_numpy(), index=ids)
    end = pfs.loc[ids, "ADT"]
    end = end.where(end >= st, st)  # a censoring date before the response date is the response date
    return _rows(ids, "RSD", st.to_numpy(), end.to_numpy(), pfs.loc[ids, "CNSR"].to_numpy() == 0,
                 pfs.loc[ids, "EVNTDESC"].to_numpy())


def derive_ttnt(adsl: pd.DataFrame) -> pd.DataFrame:
    """TTNT rows: index date to new therapy or death (first of them), censored at last contact."""
    nt = adsl["new_therapy_date"] if "new_therapy_date" in adsl else pd.Series(pd.NaT, index=adsl.index)
    death = adsl["death_date"]
    first = pd.concat([nt, death], axis=1).min(axis=1)
    event = first.notna().to_numpy()
    is_nt = (nt.notna() & ~(death < nt)).to_numpy()
    desc = np.where(event, np.where(is_nt, "new therapy", "death before new therapy"), "censored at last contact")
    end = first.where(first.notna(), adsl["last_contact_date"])
    end = end.where(end >= adsl["index_date"], adsl["index_date"])
    return _rows(adsl["patient_id"].to_numpy(), "TTNT", adsl["index_date"].to_numpy(), end.to_numpy(), event,
                 desc.astype(object))


def derive_ttr(adsl: pd.DataFrame, first_response: pd.Series) -> pd.DataFrame:
    """TTR rows: responders only, index date to the first response (always an event)."""
    start = adsl["patient_id"].map(first_response)
    resp = start.notna().to_numpy()
    n = int(resp.sum())
    return _rows(adsl.loc[resp, "patient_id"].to_numpy(), "TTR", adsl.loc[resp, "index_date"].to_numpy(),
                 pd.to_datetime(start[resp]).to_numpy(), np.ones(n, dtype=bool),
                 np.full(n, "first response (PR or better)", dtype=object))


def derive_further_adtte(adsl: pd.DataFrame, adrs: pd.DataFrame | None, adtte: pd.DataFrame) -> pd.DataFrame:
    """``adtte`` (PFS, OS) with the RSD, TTNT and TTR rows appended, and PARAM/CNSDTDSC on every row.

    Rows are sorted by PARAMCD order (PFS, OS, RSD, TTNT, TTR) then patient, so output is stable.
    """
    fr = first_response_dates(adrs)
    out = pd.concat([adtte, derive_dor(adsl, adtte, fr), derive_ttnt(adsl), derive_ttr(adsl, fr)],
                    ignore_index=True)
    out["PARAM"] = out["PARAMCD"].map(PARAMS)
    out["CNSDTDSC"] = out["EVNTDESC"].where(out["CNSR"] == 1, None)
    order = out["PARAMCD"].map({k: i for i, k in enumerate(PARAMS)})
    out = out.assign(_o=order).sort_values(["_o", "patient_id"], kind="stable").drop(columns="_o")
    return out.reset_index(drop=True)


def ttr_summary(adtte: pd.DataFrame) -> dict:
    """Time to response among responders, in months: n, median, range (a description, not a KM)."""
    m = adtte.loc[adtte["PARAMCD"] == "TTR", "AVAL"] / vocab.DAYS_PER_MONTH
    if m.empty:
        return {"n": 0, "median": None, "min": None, "max": None}
    return {"n": int(m.size), "median": float(m.median()), "min": float(m.min()), "max": float(m.max())}
