"""Published vs reproduced: the reference study's numbers next to a run of its synthetic replica.

``mmcohort paper-table --run reports/bendamustine_rrmm_cutoff-2022-12-09`` prints it. Every reproduced
value is read from the run folder: ``results.json``, and ``derived/adsl.csv`` for the few cross-tabulations
that results.json does not hold (FISH abnormality among EMD patients, deaths by cause, patients with one
cycle). The published values are :data:`pipeline.synth.replica.PUBLISHED`.
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass
from pathlib import Path

from pydantic import ValidationError

from pipeline.analysis.record import ResultsRecord
from pipeline.analysis.record.rows import ComparisonRow, SurvivalRow, Table1Row
from pipeline.errors import UserError
from pipeline.runs.folder import read_csv_text
from pipeline.synth.replica.published import MEDIAN_TOLERANCE_MONTHS, PUBLISHED, STUDY

#: Row status: the reproduced value equals the published one (as the paper prints it); a median lies within
#: the stated tolerance; a P value rounds to the published one or meets its bound; or the number is not a
#: target (the paper defines it differently).
EXACT, WITHIN, CONSISTENT = "exact", f"within ±{MEDIAN_TOLERANCE_MONTHS:g} mo", "consistent"
NOT_TARGETED, DIFFERS = "not targeted", "DIFFERS"
#: Statuses that mean "reproduced".
REPRODUCED = (EXACT, WITHIN, CONSISTENT)
_EVALUABLE = "response-evaluable (>= 2 cycles)"
_BASELINE = "Baseline (n = 32)"
_ORDER = ("sCR", "CR", "VGPR", "PR", "MR", "SD", "PD", "NE")
_LAB_LABELS = {
    "bm_plasma_cells_pct": "Bone-marrow plasma cells, %", "calcium_mmol_l": "Calcium, mmol/L",
    "creatinine_umol_l": "Creatinine, umol/L", "beta2m_mg_l": "Beta2-microglobulin, mg/L",
    "albumin_g_l": "Albumin, g/L", "ldh_u_l": "LDH, U/L", "esr_mm_h": "ESR, mm/h", "wbc_10e9_l": "WBC, 10^9/L",
    "age": "Age, years", "hemoglobin_g_l": "Hemoglobin, g/L", "platelets_10e9_l": "Platelets, 10^9/L",
}
_FISH_LABELS = {"fish_igh": "IgH deletion", "fish_gain1q21": "1q21 gain", "fish_del17p": "TP53 (del17p)",
                "fish_t14_16": "t(14;16)", "fish_t14_20": "t(14;20)", "fish_t4_14": "t(4;14)",
                "fish_del13q": "13q deletion", "fish_t4_11": "t(4;11)", "fish_t11_14": "t(11;14)"}


@dataclass(frozen=True)
class Row:
    section: str
    item: str
    published: str
    reproduced: str
    status: str


class _Run:
    """Lookups into one run folder: its results.json as the record (this version's, validated)."""

    def __init__(self, folder: Path):
        self.folder = Path(folder)
        path = self.folder / "results.json"
        if not path.is_file():
            raise UserError(f"{self.folder} is not a run folder (no results.json)")
        data = json.loads(path.read_text(encoding="utf-8"))
        study = data.get("study") if isinstance(data, dict) else None
        if study != STUDY:
            raise UserError(f"paper-table compares a run of the {STUDY} replica with the published study; "
                            f"{self.folder} is a run of {study!r}")
        try:
            self.r = ResultsRecord.model_validate(data)
        except ValidationError as e:
            raise UserError(f"{path} is not a results.json of this mmcohort version (docs/results.schema.json; "
                            f"{e.error_count()} problem(s), first: {_first_error(e)}): rerun the study") from None
        self.adsl = read_csv_text(self.folder / "derived" / "adsl.csv")

    def t1(self, variable: str, level: str | None = None) -> Table1Row:
        for row in self.r.table1:
            if row.variable == variable and (level is None or row.level == level):
                return row
        # a level nobody has is not a row: n = 0 of an unknown N (not validated: N is a count)
        return Table1Row.model_construct(variable=variable, label="", level=level, n=0, N=None, pct=None, value="")

    def best(self, population: str) -> dict[str, int]:
        return {x.category: x.n for x in self.r.best_response if x.population == population}

    def best_n(self, population: str) -> int:
        return next(x.N for x in self.r.best_response if x.population == population)

    def rate(self, population: str, endpoint: str) -> tuple[int, int, float | None]:
        x = next(x for x in self.r.rates if x.population == population and x.endpoint == endpoint)
        return x.n, x.N, x.pct

    def survival(self, endpoint: str, by: str | None, group: str | None) -> SurvivalRow:
        return next(x for x in self.r.survival if x.endpoint == endpoint and x.group_by == by and x.group == group)

    def comparison(self, endpoint: str, by: str) -> ComparisonRow:
        return next(x for x in self.r.comparisons
                    if x.endpoint == endpoint and x.group_by == by and x.landmark_days is None)


def _first_error(e: ValidationError) -> str:
    err = e.errors()[0]
    return f"{'.'.join(str(p) for p in err['loc'])}: {err['msg']}"


def _count(section: str, item: str, published: int, reproduced: int, total: int | None = None,
           published_total: int | None = None) -> Row:
    def show(n, big_n):
        return f"{n}" if big_n is None else f"{n}/{big_n}"

    ok = reproduced == published and total == published_total
    return Row(section, item, show(published, published_total), show(reproduced, total), EXACT if ok else DIFFERS)


def _counts(section: str, item: str, published: dict, reproduced: dict, total: int | None = None,
            published_total: int | None = None) -> Row:
    """Category counts as one row, e.g. 'n = 29: CR 1, PR 11, SD 10, PD 7'."""
    cats = [c for c in _ORDER if published.get(c) or reproduced.get(c)]
    keys = cats + [c for c in {**published, **reproduced} if c not in _ORDER]

    def show(d, big_n):
        body = ", ".join(f"{k} {d.get(k, 0)}" for k in keys)
        return body if big_n is None else f"n = {big_n}: {body}"

    ok = all(published.get(k, 0) == reproduced.get(k, 0) for k in keys) and total == published_total
    return Row(section, item, show(published, published_total), show(reproduced, total), EXACT if ok else DIFFERS)


def _rate(section: str, item: str, published: tuple[int, int], reproduced: tuple[int, int, float | None]) -> Row:
    n, big_n, pct = reproduced
    pub = f"{published[0]}/{published[1]} ({100 * published[0] / published[1]:.0f}%)"
    rep = f"{n}/{big_n} ({pct:.1f}%)" if pct is not None else f"{n}/{big_n}"
    return Row(section, item, pub, rep, EXACT if (n, big_n) == published else DIFFERS)


def _median(section: str, item: str, published: float | None, reproduced: float | None) -> Row:
    pub = "NR" if published is None else f"{published:g}"
    rep = "NR" if reproduced is None else f"{reproduced:.1f}"
    if published is None or reproduced is None:
        ok = published is None and reproduced is None
        return Row(section, item, pub, rep, EXACT if ok else DIFFERS)
    ok = abs(reproduced - published) <= MEDIAN_TOLERANCE_MONTHS
    return Row(section, item, pub, rep, WITHIN if ok else DIFFERS)


def _p(section: str, item: str, published: float | str, p: float | None) -> Row:
    if p is None:
        return Row(section, item, str(published), "not computed", DIFFERS)
    rep = "< 0.001" if p < 0.001 else f"{p:.3f}"
    if isinstance(published, str):
        op, bound = published.split()
        ok = p < float(bound) if op == "<" else p > float(bound)
        return Row(section, item, f"P {published}", f"P {rep}" if rep.startswith("<") else f"P = {rep}",
                   CONSISTENT if ok else DIFFERS)
    ok = round(p, 2) == published
    return Row(section, item, f"P = {published:g}", f"P = {rep}", CONSISTENT if ok else DIFFERS)


def _median_range(section: str, item: str, published: dict, t1: Table1Row) -> Row:
    keys = ("median", "min", "max")
    ok = all(getattr(t1, k) == published[k] for k in keys)
    return Row(section, item, "{} ({}-{})".format(*(published[k] for k in keys)),
               "{:g} ({:g}-{:g})".format(*(getattr(t1, k) for k in keys)), EXACT if ok else DIFFERS)


def _fmt(x: float | None, decimals: int) -> str:
    return "—" if x is None else f"{x:.{decimals}f}"


def _decimals(*values: float) -> int:
    """Decimals the paper prints a statistic with: none for integers (ESR), else two."""
    return 0 if all(isinstance(v, int) for v in values) else 2


def paper_table(run_folder: str | Path) -> list[Row]:
    """Every published number of the reference study beside the run's, section by section."""
    run = _Run(Path(run_folder))
    return [*_baseline_rows(run), *_disease_rows(run), *_response_rows(run), *_survival_rows(run), *_ae_rows(run)]


def _baseline_rows(run: _Run) -> list[Row]:
    """Demographics and laboratory values at baseline."""
    P = PUBLISHED
    rows: list[Row] = []
    b = _BASELINE
    rows.append(_count(b, "Patients", P["n"], run.r.n_patients))
    for sex, label in (("M", "Male"), ("F", "Female")):
        rows.append(_count(b, label, P["sex"][sex], run.t1("sex", sex).n))
    for col, (mean, sem) in P["mean_sem"].items():
        t = run.t1(col)
        rep_sem = None if t.sd is None else t.sd / math.sqrt(t.n)
        same = _fmt(t.mean, 2) == f"{mean:.2f}" and _fmt(rep_sem, 2) == f"{sem:.2f}"
        shown = "mean ± SD" if t.statistic == "mean_sd" else "median (Q1, Q3)"
        rows.append(Row(b, f"{_LAB_LABELS[col]}: mean ± SEM", f"{mean:.2f} ± {sem:.2f}",
                        f"{_fmt(t.mean, 2)} ± {_fmt(rep_sem, 2)} (SD {_fmt(t.sd, 2)}; "
                        f"Table 1 shows {shown})", EXACT if same else DIFFERS))
    t = run.t1("age")
    lo, hi = P["age_range"]
    rows.append(Row(b, "Age range", f"{lo}-{hi}", f"{t.min:g}-{t.max:g}",
                    EXACT if (t.min, t.max) == (lo, hi) else DIFFERS))
    for col, (med, q1, q3) in P["median_iqr"].items():
        t = run.t1(col)
        d = _decimals(med, q1, q3)
        pub = f"{med:.{d}f} ({q1:.{d}f}, {q3:.{d}f})"
        rep = f"{_fmt(t.median, d)} ({_fmt(t.q1, d)}, {_fmt(t.q3, d)})"
        shown = "" if t.statistic == "median_iqr" else " (Table 1 shows mean ± SD: Shapiro-Wilk p >= 0.05)"
        rows.append(Row(b, f"{_LAB_LABELS[col]}: median (Q1, Q3)", pub, rep + shown,
                        EXACT if pub == rep else DIFFERS))
    for group, k in P["myeloma_group"].items():
        rows.append(_count(b, f"M-protein {group}", k, run.t1("myeloma_group", group).n))
    for stage, k in P["ds_stage"].items():
        rows.append(_count(b, f"Durie-Salmon {stage}", k, run.t1("ds_stage", stage).n))
    for stage, k in P["iss_stage"].items():
        rows.append(_count(b, f"ISS {stage}", k, run.t1("iss_stage", stage).n))
    return rows


def _disease_rows(run: _Run) -> list[Row]:
    """Disease characteristics: FISH, extramedullary disease, prior therapy, regimen."""
    P = PUBLISHED
    rows: list[Row] = []
    b = _BASELINE
    a = run.adsl
    tested = run.t1("fish_tested").n
    rows.append(_count(b, "FISH performed", P["fish_tested"], tested))
    rows.append(_count(b, "FISH negative (of tested)", P["fish_negative"], run.t1("fish_negative").n,
                       run.t1("fish_negative").N, P["fish_tested"]))
    for m, k in P["fish"].items():
        rows.append(_count(b, f"FISH {_FISH_LABELS[m]} (of tested)", k, run.t1(m).n, run.t1(m).N,
                           P["fish_tested"]))
    rows.append(_count(b, "Cytogenetic high risk (of tested)", P["fish_high_risk"], run.t1("high_risk_fish").n,
                       run.t1("high_risk_fish").N, P["fish_tested"]))
    markers = [c for c in a.columns if c.startswith("fish_") and c != "fish_tested"]
    abnormal = a[markers].eq("positive").any(axis=1)
    rows.append(_count(b, "FISH-abnormal patients with EMD [adsl.csv]", P["fish_abnormal_with_emd"],
                       int((abnormal & a["emd_any"].eq("yes")).sum())))
    n_emd = sum(P["emd"].values())
    rows.append(_count(b, "EMD", n_emd, run.t1("emd", "at_diagnosis").n + run.t1("emd", "at_relapse").n))
    for level, k in (*P["emd"].items(), *P["emd_type"].items()):
        var = "emd" if level in P["emd"] else "emd_type"
        rows.append(_count(b, f"EMD {level.replace('_', ' ')}", k, run.t1(var, level).n))
    rows.append(_median_range(b, "Prior lines: median (range)", P["prior_lines"], run.t1("prior_lines")))
    for group, k in P["groups"]["prior_lines"].items():
        rows.append(_count(b, f"Prior lines {group}", k, run.survival("OS", "prior_lines", group).n))
    rows.append(_count(b, "Prior bortezomib", P["prior_bortezomib"], run.t1("prior_bortezomib", "yes").n))
    rows.append(_count(b, "Prior lenalidomide", P["prior_lenalidomide"], run.t1("prior_lenalidomide", "yes").n))
    for reg, k in P["regimen"].items():
        rows.append(_count(b, f"Regimen {reg}", k, run.t1("regimen", reg).n))
    return rows


def _response_rows(run: _Run) -> list[Row]:
    """Cycles and response: by cycle, final response, ORR, EMD."""
    P = PUBLISHED
    rows: list[Row] = []
    a = run.adsl
    r = "Response"
    cy = P["cycles"]
    rows.append(_median_range(r, "Cycles: median (range)", cy, run.t1("cycles")))
    rows.append(_count(r, "Patients with 1 cycle [adsl.csv]", cy["one_cycle"], int((a["cycles"] == "1").sum())))
    for group, k in P["groups"]["cycles"].items():
        rows.append(_count(r, f"Cycles {group}", k, run.survival("OS", "cycles", group).n))
    for cyc, pub in P["by_cycle"].items():
        sub = [x for x in run.r.response_by_cycle if x.cycle == cyc]
        rep = {x.category: x.n for x in sub}
        big_n = sub[0].N if sub else 0
        rows.append(_counts(r, f"After cycle {cyc}", pub, rep, big_n, sum(pub.values())))
    rows.append(_counts(r, "Final response, >= 2 cycles", P["final"], run.best(_EVALUABLE), run.best_n(_EVALUABLE),
                        sum(P["final"].values())))
    rows.append(_rate(r, "ORR, >= 2 cycles", P["orr_evaluable"], run.rate(_EVALUABLE, "ORR")))
    rows.append(_rate(r, "ORR, >= 4 cycles", P["orr_4_cycles"], run.rate(">= 4 cycles", "ORR")))
    rows.append(_counts(r, "Final response, EMD", P["emd_final"], run.best("EMD"), run.best_n("EMD"),
                        sum(P["emd_final"].values())))
    rows.append(_rate(r, "ORR, EMD", P["emd_orr"], run.rate("EMD", "ORR")))
    rows.append(_rate(r, "Disease control, EMD", P["emd_dcr"], run.rate("EMD", "DCR")))
    return rows


def _survival_rows(run: _Run) -> list[Row]:
    """Medians, log-rank p, deaths and follow-up."""
    P = PUBLISHED
    rows: list[Row] = []
    a = run.adsl
    s = "Survival (months)"
    names = {None: "all", "prior_lines": "prior lines", "cycles": "cycles"}
    for (ep, by, group), med in P["medians"].items():
        label = f"Median {ep}, {names[by]}" + ("" if group is None else f" {group}")
        rows.append(_median(s, label, med, run.survival(ep, by, group).median))
    for (ep, by), p in P["logrank_p"].items():
        rows.append(_p(s, f"Log-rank {ep}, {names[by]}", p, run.comparison(ep, by).p))
    rows.append(_count(s, "Deaths", P["deaths"]["all"], run.survival("OS", None, None).events))
    causes = a.loc[a["death_date"].notna(), "death_cause"].value_counts()
    for cause, k in (("progression", P["deaths"]["progression"]), ("other", P["deaths"]["other"])):
        rows.append(_count(s, f"Deaths from {'PD' if cause == 'progression' else 'other causes'} [adsl.csv]", k,
                           int(causes.get(cause, 0))))
    fu = run.r.followup_months
    pf = P["followup_months"]
    rows.append(Row(s, "Follow-up: median (range)", f"{pf['median']} ({pf['min']}-{pf['max']})",
                    f"{fu.median:.1f} ({fu.min:.1f}-{fu.max:.1f}), reverse Kaplan-Meier", NOT_TARGETED))
    return rows


def _ae_rows(run: _Run) -> list[Row]:
    """Adverse events: patients by worst grade."""
    P = PUBLISHED
    rows: list[Row] = []
    e = "Adverse events (patients, worst grade)"
    ae = {x.term: x for x in run.r.adverse_events}
    for term, pub in P["adverse_events"].items():
        x = ae.get(term)
        parts = ["any"] + [g for g in (1, 2, 3) if g in pub]
        pub_s = ", ".join(f"{'any' if k == 'any' else f'g{k}'} {pub[k]}" for k in parts)
        rep = {k: 0 if x is None else getattr(x, "any_n" if k == "any" else f"g{k}") for k in parts}
        rep_s = ", ".join(f"{'any' if k == 'any' else f'g{k}'} {rep[k]}" for k in parts)
        rows.append(Row(e, term, pub_s, rep_s, EXACT if rep == {k: pub[k] for k in parts} else DIFFERS))
    g4 = sum(x.g4 for x in run.r.adverse_events)
    rows.append(_count(e, "Grade 4 (any term)", P["ae_grade4"], g4))
    return rows

def format_table(rows: list[Row]) -> str:
    """Markdown: one table, a bold row per section."""
    out = ["| | published | reproduced | |", "|---|---|---|---|"]
    section = None
    for row in rows:
        if row.section != section:
            section = row.section
            out.append(f"| **{section}** | | | |")
        out.append(f"| {row.item} | {row.published} | {row.reproduced} | {row.status} |")
    count = {s: sum(r.status == s for r in rows) for s in (EXACT, WITHIN, CONSISTENT, DIFFERS, NOT_TARGETED)}
    out.append("")
    tol = f"{MEDIAN_TOLERANCE_MONTHS:g}"
    out.append(f"{len(rows)} rows: {count[EXACT]} exact, {count[WITHIN]} medians within ±{tol} month, "
               f"{count[CONSISTENT]} P values consistent, {count[DIFFERS]} differ, {count[NOT_TARGETED]} not targeted.")
    return "\n".join(out) + "\n"


def table_json(rows: list[Row]) -> list[dict]:
    return [asdict(r) for r in rows]
