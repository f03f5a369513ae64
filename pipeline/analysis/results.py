"""Run every analysis on the cut-off tables and assemble ``results.json`` and the output tables."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from pipeline.analysis.adjusted import adjusted_analyses, adjusted_json, adjusted_tables
from pipeline.analysis.adverse import ae_table
from pipeline.analysis.agreement import agreement
from pipeline.analysis.competing import CompetingResult, competing_risks, cuminc_json
from pipeline.analysis.design import require_columns
from pipeline.analysis.literature import literature_comparison
from pipeline.analysis.rates import best_response_counts, response_by_cycle, response_rates
from pipeline.analysis.record import ResultsRecord
from pipeline.analysis.rmst import rmst_table
from pipeline.analysis.survival import (
    Curve,
    comparisons,
    followup,
    km_tables,
    landmark,
    month_ticks,
    risk_table,
)
from pipeline.analysis.table1 import table1
from pipeline.config import StudyConfig
from pipeline.derive.adam import ResponseData
from pipeline.derive.further import ttr_summary
from pipeline.derive.stage import Derived
from pipeline.vocab import DAYS_PER_MONTH


@dataclass
class AnalysisResult:
    response: ResponseData
    adsl: pd.DataFrame
    adrs: pd.DataFrame
    adtte: pd.DataFrame
    rates: pd.DataFrame
    best_response: pd.DataFrame
    by_cycle: pd.DataFrame
    survival: pd.DataFrame
    survival_rates: pd.DataFrame
    comparisons: pd.DataFrame
    landmark_comparisons: pd.DataFrame
    landmark_survival: pd.DataFrame
    followup: dict
    table1: pd.DataFrame
    adverse_events: pd.DataFrame
    risk_table: pd.DataFrame
    ticks_months: list[float]
    curves: list[Curve] = field(default_factory=list)
    landmark_curves: list[Curve] = field(default_factory=list)
    agreement: dict | None = None
    literature: dict | None = None
    adjusted: dict | None = None  # pipeline.analysis.adjusted: cox_models, table1_by, subgroups, ...
    competing: CompetingResult | None = None  # analysis.competing_risks (None when off)
    rmst: list[dict] = field(default_factory=list)  # analysis.rmst
    ttr: dict | None = None  # time to response among responders (description)


def analyse(derived: Derived, tables: dict[str, pd.DataFrame], config: StudyConfig) -> AnalysisResult:
    """Every analysis of the derived datasets (``tables`` is read for the adverse events only)."""
    response, adsl, adrs, adtte = derived.response, derived.adsl, derived.adrs, derived.adtte
    check_config_columns(config, adsl)
    surv, surv_rates, curves = km_tables(adsl, adtte, config)
    lm_comp, lm_surv, lm_curves = landmark(adsl, adtte, config)
    max_months = float(adtte["AVAL"].max() / DAYS_PER_MONTH) if len(adtte) else 12.0
    ticks = month_ticks(max_months)
    res = AnalysisResult(
        response=response, adsl=adsl, adrs=adrs, adtte=adtte,
        rates=response_rates(adsl, config),
        best_response=best_response_counts(adsl, config),
        by_cycle=response_by_cycle(adrs),
        survival=surv, survival_rates=surv_rates,
        comparisons=comparisons(adsl, adtte, config),
        landmark_comparisons=lm_comp, landmark_survival=lm_surv,
        followup=followup(adtte, config.analysis.conf_type, config.analysis.conf_level),
        table1=table1(adsl, config.extra_columns),
        adverse_events=ae_table(tables.get("adverse_events"), len(adsl)),
        risk_table=risk_table(curves + lm_curves, ticks),
        ticks_months=ticks, curves=curves, landmark_curves=lm_curves,
        agreement=agreement(adrs) if response.source == "derived" else None,
        adjusted=adjusted_analyses(adsl, adtte, config),
        competing=competing_risks(adsl, adtte, config), rmst=rmst_table(adsl, adtte, config),
        ttr=ttr_summary(adtte),
    )
    res.literature = literature_comparison(res.rates, res.survival, config)
    return res


def check_config_columns(config: StudyConfig, adsl: pd.DataFrame) -> None:
    """Every column the config names must be in the data: a typo is refused, never analysed as empty.

    Comparisons, Fine-Gray covariates, model covariates and strata, subgroup variables: all checked at
    once before any analysis, raising ``ConfigError`` that names each key and lists the columns available
    (contract, derived and declared ``extra_columns``).
    """
    a = config.analysis
    wanted = [(f"analysis.comparisons[{i}].by", c.by) for i, c in enumerate(a.comparisons)]
    wanted += [(f"analysis.competing_risks.covariates[{i}]", c) for i, c in enumerate(a.competing_risks.covariates)]
    if a.models is not None:
        wanted += [(f"analysis.models.covariates[{i}].name", c.name) for i, c in enumerate(a.models.covariates)]
        if a.models.strata:
            wanted.append(("analysis.models.strata", a.models.strata))
    if a.subgroups is not None:
        wanted += [(f"analysis.subgroups.by[{i}]", b) for i, b in enumerate(a.subgroups.by)]
    require_columns(adsl, wanted)


#: Keys that are counts or degrees of freedom: whole numbers in results.json even when their table column
#: became float because another row has no value (pandas stores int + None as float).
INT_KEYS = frozenset({"n", "N", "events", "df", "n_risk", "n_excluded_before_landmark", "landmark_days",
                      "missing", "cycle", "agree", "n_any", "n_grade3plus"})


def _value(k: str, v: object) -> object:
    if _isna(v):
        return None
    if k in INT_KEYS and isinstance(v, float) and v.is_integer():
        return int(v)
    return v


def _records(df: pd.DataFrame, cols: list[str] | None = None) -> list[dict]:
    if df is None or df.empty:
        return []
    d = df if cols is None else df[[c for c in cols if c in df.columns]]
    return [{k: _value(k, v) for k, v in r.items()} for r in d.to_dict(orient="records")]


def _isna(v: object) -> bool:
    try:
        return bool(pd.isna(v))
    except (TypeError, ValueError):
        return False


def results_json(res: AnalysisResult, config: StudyConfig, cutoff_report: dict) -> dict:
    """The content of results.json: the record's ``as_json()`` (docs/results.schema.json)."""
    return results_record(res, config, cutoff_report).as_json()


def results_record(res: AnalysisResult, config: StudyConfig, cutoff_report: dict) -> ResultsRecord:
    """Every number in the report, machine-readable (ANALYSIS.md structure first, then the rest), as the
    typed record of ``pipeline.analysis.record``; ``cutoff_report`` is ``CutoffReport.as_dict()``."""
    return ResultsRecord.from_plain(_results_dict(res, config, cutoff_report))


def _results_dict(res: AnalysisResult, config: StudyConfig, cutoff_report: dict) -> dict:
    comp_cols = ["endpoint", "group_by", "test", "chisq", "df", "p", "hr", "hr_ci_low", "hr_ci_high", "hr_p",
                 "hr_vs", "n", "n_excluded_before_landmark", "groups", "immortal_time_bias", "landmark_days", "note"]
    ag = res.agreement
    return {
        "study": config.study,
        "cutoff": config.cutoff.isoformat(),
        "n_patients": int(len(res.adsl)),
        "response_source": res.response.source,
        "rates": _records(res.rates),
        "survival": _records(res.survival),
        "comparisons": _records(res.comparisons, comp_cols) + _records(res.landmark_comparisons, comp_cols),
        "survival_rates": _records(res.survival_rates),
        "landmark_survival": _records(res.landmark_survival),
        "followup_months": res.followup,
        "best_response": _records(res.best_response),
        "response_by_cycle": _records(res.by_cycle),
        "adverse_events": _records(res.adverse_events),
        "table1": _records(res.table1),
        "numbers_at_risk": _records(res.risk_table),
        "agreement": None if ag is None else {k: ag[k] for k in ("n", "agree", "pct_agree", "kappa")}
        | {"n_disagreements": int(len(ag["disagreements"]))},
        "cutoff_report": cutoff_report,
        **adjusted_json(res.adjusted),
        "options": {
            "pfs_events": config.analysis.pfs_events, "pfs_censor": config.analysis.pfs_censor,
            "conf_type": config.analysis.conf_type, "conf_level": config.analysis.conf_level,
            "confirm_response": config.response.confirm_response,
            "unconfirmed_pd": config.response.unconfirmed_pd,
            "response_summary": config.response.summary,
            "evaluable_min_cycles": config.analysis.evaluable_min_cycles,
            "landmark_days": config.analysis.landmark_days,
        },
        "literature": res.literature,
    } | further_results(res)



#: A Fine-Gray term as MODELS.md lists it; its covariate, level and reference (for the report's labels) stay
#: in the analysis result.
FINE_GRAY_KEYS = ("term", "coef", "se", "hr", "hr_ci_low", "hr_ci_high", "p")


def _fg_term(term: dict) -> dict:
    return {k: term[k] for k in FINE_GRAY_KEYS}


def further_results(res: AnalysisResult) -> dict:
    """results.json keys of MODELS.md section 2 (competing risks, RMST) and the time to response."""
    cr = res.competing
    return {
        "cumulative_incidence": cuminc_json(cr),
        "gray_tests": [] if cr is None else _records(cr.gray, ["event", "group_by", "stat", "df", "p"]),
        "fine_gray": [] if cr is None else [{"event": f["event"], "terms": [_fg_term(x) for x in f["terms"]]}
                                             for f in cr.fine_gray],
        "rmst": [{k: r[k] for k in ("endpoint", "group_by", "tau", "groups", "difference")} for r in res.rmst],
        "time_to_response": res.ttr,
    }


def output_tables(res: AnalysisResult) -> dict[str, pd.DataFrame]:
    """Every table the report shows, by file name (tables/<name>.csv and a sheet of tables.xlsx)."""
    out = {
        "table1_baseline": res.table1,
        "best_response": res.best_response,
        "response_rates": res.rates,
        "response_by_cycle": res.by_cycle,
        "survival_medians": res.survival,
        "survival_rates": res.survival_rates,
        "comparisons": res.comparisons.drop(columns=["groups"], errors="ignore"),
        "landmark_comparisons": res.landmark_comparisons.drop(columns=["groups"], errors="ignore"),
        "landmark_survival": res.landmark_survival,
        "numbers_at_risk": res.risk_table,
        "adverse_events": res.adverse_events,
        "followup": pd.DataFrame([res.followup]),
    }
    out.update(adjusted_tables(res.adjusted))
    out.update(further_tables(res))
    if res.agreement is not None:
        conf = res.agreement["confusion"].copy()
        conf.insert(0, "recorded", conf.index.astype(str))
        out["agreement_confusion"] = conf.reset_index(drop=True)
        out["agreement_disagreements"] = res.agreement["disagreements"]
    return out


def further_tables(res: AnalysisResult) -> dict[str, pd.DataFrame]:
    """Output tables of the competing-risks and RMST analyses (only those that ran)."""
    out: dict[str, pd.DataFrame] = {}
    cr = res.competing
    if cr is not None:
        out["cumulative_incidence"] = cr.cuminc
        out["gray_tests"] = cr.gray
        out["fine_gray"] = pd.DataFrame([{"event": f["event"], **_fg_term(t)} for f in cr.fine_gray for t in f["terms"]])
    if res.rmst:
        out["rmst"] = pd.DataFrame([
            {"endpoint": r["endpoint"], "group_by": r["group_by"], "tau_months": r["tau"], "group": g["group"],
             "rmst": g["rmst"], "se": g["se"],
             **({f"difference_{k}": v for k, v in r["difference"].items()} if r["difference"] else {}),
             "note": r["note"]} for r in res.rmst for g in r["groups"]])
    if res.ttr and res.ttr.get("n"):
        out["time_to_response"] = pd.DataFrame([res.ttr])
    return out
