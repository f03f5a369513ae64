"""How the meta-analysis numbers are written (RevMan 5 style), shared by the forest plot and the report."""

from __future__ import annotations

import math

MEASURE_WORDS = {"RR": "Risk Ratio", "OR": "Odds Ratio", "RD": "Risk Difference", "HR": "Hazard Ratio",
                 "proportion": "Proportion"}


def ci_label(conf_level: float) -> str:
    """'95% CI' from the configured level (never a literal)."""
    pct = conf_level * 100
    return f"{pct:.0f}% CI" if float(pct).is_integer() else f"{pct:g}% CI"


def p_revman(p: float | None) -> str:
    """'P < 0.00001', 'P = 0.0003', 'P = 0.19' as RevMan 5 prints them."""
    if p is None or (isinstance(p, float) and math.isnan(p)):
        return "P not applicable"
    if p < 0.00001:
        return "P < 0.00001"
    if p < 0.0001:
        return "P < 0.0001"
    digits = 4 if p < 0.001 else 3 if p < 0.01 else 2
    return f"P = {p:.{digits}f}"


def fmt_est(v: float | None, scale: str, measure: str) -> str:
    """Two decimals, as RevMan prints ratios, differences and proportions."""
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "-"
    return f"{v:.2f}"


def estimate_words(est, lo, hi, scale: str, measure: str) -> str:
    """'0.41 [0.13, 1.26]' (RevMan's brackets); 'Not estimable' when missing."""
    if est is None or (isinstance(est, float) and math.isnan(est)):
        return "Not estimable"
    return f"{fmt_est(est, scale, measure)} [{fmt_est(lo, scale, measure)}, {fmt_est(hi, scale, measure)}]"


def heterogeneity_line(res: dict, model: str) -> str:
    """'Heterogeneity: Tau\u00b2 = 0.31; Chi\u00b2 = 152.57, df = 12 (P < 0.00001); I\u00b2 = 92%'."""
    tau = f"Tau\u00b2 = {res['tau2']:.2f}; " if model == "random" else ""
    return (f"Heterogeneity: {tau}Chi\u00b2 = {res['Q']:.2f}, df = {res['Q_df']} ({p_revman(res['Q_p'])}); "
            f"I\u00b2 = {res['I2']:.0f}%")


def overall_line(res: dict) -> str:
    """'Test for overall effect: Z = 3.99 (P < 0.0001)'."""
    return f"Test for overall effect: Z = {abs(res['z']):.2f} ({p_revman(res['p'])})"
