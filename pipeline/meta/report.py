"""The meta-analysis report (HTML + Markdown twins) with methods text: built as a list of blocks,
every piece of user text escaped for its format."""

from __future__ import annotations

import base64
import html
import re

from pipeline.meta.config import Dichotomous, Generic, MetaConfig
from pipeline.meta.words import MEASURE_WORDS, ci_label, estimate_words, p_revman


def md_escape(s: object) -> str:
    """Markdown-safe text: backslash the characters that would format or link, and table bars."""
    text = re.sub(r"([\\`*_\[\]<>|~])", r"\\\1", str(s)).replace("\n", " ")
    return "\\" + text if text.startswith(("#", "+", "-", "=")) else text


def methods_text(cfg: MetaConfig) -> list[str]:
    """Methods paragraphs describing exactly what the config asked for."""
    out = []
    ci = ci_label(cfg.conf_level)
    for o in cfg.outcomes:
        if isinstance(o, Dichotomous):
            fixed = ("Mantel-Haenszel method (variance of Greenland & Robins / Robins, Breslow & Greenland)"
                     if o.method == "MH" else "inverse-variance method")
            what = (f"{MEASURE_WORDS[o.measure].lower()}s from events and totals per arm, pooled by the {fixed} "
                    "for the fixed effect. A study with a zero cell had 0.5 added to each of its four cells; "
                    + ("a study with no events in either arm was excluded (the ratio is not estimable)."
                       if o.measure != "RD" else "studies without events were kept (risk difference 0)."))
        elif isinstance(o, Generic):
            what = (f"{MEASURE_WORDS[o.measure].lower()}s entered from the published ratio and its printed "
                    f"{ci_label(o.ci_level)}: log ratio with SE = (ln upper - ln lower) / (2 x "
                    f"{_z_text(o.ci_level)}), pooled by generic inverse variance.")
        else:
            tr = ("logit" if o.transform == "logit" else
                  "Freeman-Tukey double arcsine (back-transformed with the harmonic mean of the study sizes, "
                  "Miller 1978)")
            what = (f"single-arm proportions on the {tr} scale, pooled by inverse variance; per-study exact "
                    f"(Clopper-Pearson) {ci}s.")
        out.append(f"{o.name}: {what} {_model_text(o)}")
    out.append(f"Estimates are given with {ci}s and two-sided Wald z tests. Heterogeneity: Cochran's Q "
               "(around the fixed-effect estimate; the Mantel-Haenszel one for Mantel-Haenszel analyses, as RevMan "
               "5) and I\u00b2 = (Q - df) / Q. Random-effects prediction intervals are estimate +- z x sqrt(SE\u00b2 + "
               "tau\u00b2) (R metafor's predict). Subgroups are pooled with the analysis's model and compared by the "
               "test for subgroup differences (Q between subgroup estimates). Egger's regression test (weighted "
               "regression of the estimate on its SE, R: regtest(model = \"lm\", predictor = \"sei\")) and a "
               "funnel plot are given when at least 10 studies are pooled.")
    out.append("Computed by mmcohort meta; the numbers equal R's metafor (rma, rma.mh, escalc, regtest) and "
               "RevMan 5's statistical algorithms.")
    return out


def _z_text(level: float) -> str:
    from pipeline.meta.pool import z_crit

    return f"{z_crit(level):.6f}"


def _model_text(o) -> str:
    rnd = ("DerSimonian-Laird random effects (tau\u00b2 from the Mantel-Haenszel Q, as RevMan 5)"
           if o.random_method == "DL" and isinstance(o, Dichotomous) and o.method == "MH"
           else "DerSimonian-Laird random effects" if o.random_method == "DL"
           else "REML random effects (Fisher scoring, as R's metafor)")
    if o.model == "fixed":
        return "Fixed-effect model."
    if o.model == "random":
        return f"{rnd[0].upper()}{rnd[1:]}."
    return ("Model chosen by the rule 'fixed effect if the heterogeneity P >= 0.10 and I\u00b2 <= 50%, random "
            f"effects otherwise'; random effects are {rnd}.")


def result_sentence(a: dict) -> str:
    """'RR 0.49 [0.34, 0.70] (M-H, Random (DL)), Z = 3.99, P < 0.0001; ...' for one analysis."""
    if a.get("k", 0) == 0:
        return "No study was estimable."
    est = estimate_words(a["estimate"], a["ci_low"], a["ci_high"], a["scale"], a["measure"])
    test = "" if a["measure"] == "proportion" else f", Z = {abs(a['z']):.2f}, {p_revman(a['p'])}"
    s = (f"{a['measure']} {est} ({ci_label(a['conf_level'])}; {a['method']}), k = {a['k']} {'study' if a['k'] == 1 else 'studies'}{test}. "
         f"Heterogeneity: Q = {a['Q']:.2f}, df = {a['Q_df']}, "
         f"{p_revman(a['Q_p'])}, I\u00b2 = {a['I2']:.1f}%, tau\u00b2 = {a['tau2']:.4f}.")
    if a.get("pi_low") is not None:
        s += f" Prediction interval {a['pi_low']:.2f} to {a['pi_high']:.2f}."
    if a.get("model_choice"):
        chosen = "fixed effect" if a["model_choice"]["chosen"] == "fixed" else "random effects"
        s += f" Model: {chosen} ({a['model_choice']['reason']})."
    if a.get("excluded"):
        s += f" Excluded (no events in either arm): {', '.join(a['excluded'])}."
    if a.get("zero_cell_corrected"):
        s += f" Zero-cell correction (0.5 per cell): {', '.join(a['zero_cell_corrected'])}."
    if a.get("egger"):
        e = a["egger"]
        s += f" Egger's test: t = {e['t']:.2f}, df = {e['df']}, {p_revman(e['p'])}."
    elif a["k"] < 10:
        s += " Fewer than 10 studies: no Egger's test or funnel plot."
    return s


def subgroup_rows(a: dict) -> list[list[str]]:
    rows = [[str(s["subgroup"]), str(s["k"]), estimate_words(s["estimate"], s["ci_low"], s["ci_high"], a["scale"],
                                                             a["measure"]), f"{s['I2']:.1f}%"]
            for s in a.get("subgroups") or []]
    return rows


def render(cfg: MetaConfig, analyses: list[dict], figures: dict[str, list[tuple[str, bytes]]]) -> tuple[str, str]:
    """(HTML, Markdown). ``figures``: per outcome, (relative path, PNG bytes) of its figures."""
    title = cfg.title or cfg.name
    h = [f"<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{html.escape(title)}</title>"
         "<style>body{font-family:sans-serif;max-width:60em;margin:2em auto;line-height:1.45}"
         "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:2px 8px}img{max-width:100%}"
         "</style></head><body>", f"<h1>{html.escape(title)}</h1>"]
    m = [f"# {md_escape(title)}", ""]
    for a in analyses:
        h += [f"<h2>{html.escape(a['outcome'])}</h2>", f"<p>{html.escape(result_sentence(a))}</p>"]
        m += [f"## {md_escape(a['outcome'])}", "", md_escape(result_sentence(a)), ""]
        rows = subgroup_rows(a)
        if rows:
            head = ["Subgroup", "k", f"{a['measure']} [{ci_label(a['conf_level'])}]", "I\u00b2"]
            h.append("<table><tr>" + "".join(f"<th>{html.escape(c)}</th>" for c in head) + "</tr>" + "".join(
                "<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in r) + "</tr>" for r in rows) + "</table>")
            m += ["| " + " | ".join(md_escape(c) for c in head) + " |", "|" + "---|" * len(head)]
            m += ["| " + " | ".join(md_escape(c) for c in r) + " |" for r in rows] + [""]
            t = a["subgroup_test"]
            if t:
                line = f"Test for subgroup differences: Q = {t['Q']:.2f}, df = {t['df']}, {p_revman(t['p'])}."
                h.append(f"<p>{html.escape(line)}</p>")
                m += [md_escape(line), ""]
        for path, png in figures.get(a["outcome"], []):
            b64 = base64.b64encode(png).decode("ascii")
            h.append(f"<p><img alt=\"{html.escape(path)}\" src=\"data:image/png;base64,{b64}\"></p>")
            m += [f"![{md_escape(path)}]({path})", ""]
    h.append("<h2>Methods</h2>")
    m += ["## Methods", ""]
    for para in methods_text(cfg):
        h.append(f"<p>{html.escape(para)}</p>")
        m += [md_escape(para), ""]
    h.append("</body></html>")
    return "\n".join(h) + "\n", "\n".join(m).rstrip() + "\n"
