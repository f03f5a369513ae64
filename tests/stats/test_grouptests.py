"""Group tests for Table 1 by group against R (mgus2 block of r_reference_models.json) and
hand/brute-force calculations for Fisher's exact test on r x c tables."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest
from scipy.special import gammaln

from pipeline.stats import grouptests as g
from tests.reference import load_csv, load_json

REF = load_json("r_reference_models.json")["mgus2"]["group_tests"]
D = load_csv("mgus2.csv")
F, M = D[D.sex == "F"], D[D.sex == "M"]


def test_t_test_pooled():
    """R: ``t.test(age ~ sex, data = d, var.equal = TRUE)$p.value``."""
    assert g.t_test_pooled(F.age, M.age).p == pytest.approx(REF["t_test_age_pooled"], rel=1e-6)


def test_wilcoxon():
    """R: ``wilcox.test(age ~ sex, data = d, exact = FALSE, correct = TRUE)$p.value``."""
    assert g.wilcoxon(F.age, M.age).p == pytest.approx(REF["wilcoxon_age"], rel=1e-6)


def test_kruskal():
    """R: ``kruskal.test(hgb ~ cut(age, c(-Inf, 60, 75, Inf)), data = d)$p.value``."""
    h = D.dropna(subset=["hgb"])
    grp = pd.cut(h.age, [-np.inf, 60, 75, np.inf])
    p = g.kruskal(*[h.hgb[grp == c] for c in grp.cat.categories]).p
    assert p == pytest.approx(REF["kruskal_hgb_by_age_group3"], rel=1e-6)


def test_chisq_without_correction():
    """R: ``chisq.test(table(d$sex, d$death), correct = FALSE)$p.value``."""
    assert g.chisq(pd.crosstab(D.sex, D.death)).p == pytest.approx(REF["chisq_death_sex_plain"], rel=1e-6)


def test_fisher_2x2_mgus2():
    """R: ``fisher.test(table(d$sex, d$pstat))$p.value``."""
    assert g.fisher(pd.crosstab(D.sex, D.pstat)).p == pytest.approx(REF["fisher_pstat_sex"], rel=1e-6)


def test_fisher_r_by_c_job_satisfaction():
    """R's ?fisher.test example: ``Job <- matrix(c(1,2,1,0, 3,3,6,1, 10,10,14,9, 6,7,12,11), 4, 4)``;
    ``fisher.test(Job)`` prints p-value = 0.7827."""
    job = np.array([1, 2, 1, 0, 3, 3, 6, 1, 10, 10, 14, 9, 6, 7, 12, 11]).reshape(4, 4).T
    assert round(g.fisher(job).p, 4) == 0.7827


def _brute(tab: np.ndarray) -> float:
    """Every 2 x 3 table with the margins of ``tab``, enumerated."""
    r, c, n = tab.sum(1), tab.sum(0), tab.sum()

    def lp(x):
        return gammaln(r + 1).sum() + gammaln(c + 1).sum() - gammaln(n + 1) - gammaln(x + 1).sum()

    obs, tot = lp(tab), 0.0
    for a, b in itertools.product(range(c[0] + 1), range(c[1] + 1)):
        e = r[0] - a - b
        if 0 <= e <= c[2]:
            x = np.array([[a, b, e], [c[0] - a, c[1] - b, c[2] - e]])
            if lp(x) <= obs + np.log(1 + 1e-7):
                tot += np.exp(lp(x))
    return tot


def test_fisher_2x3_equals_enumeration():
    rng = np.random.default_rng(11)
    for _ in range(40):
        tab = rng.integers(0, 8, size=(2, 3))
        if (tab.sum(0) == 0).any() or (tab.sum(1) == 0).any():
            continue
        assert g.fisher(tab).p == pytest.approx(_brute(tab), abs=1e-12)


def test_expected_counts():
    assert g.expected_counts([[1, 3], [3, 1]]).tolist() == [[2, 2], [2, 2]]


#: R's ``PlantGrowth`` data set (datasets package): dried plant weight by group, 10 plants each.
PLANT = {
    "ctrl": [4.17, 5.58, 5.18, 6.11, 4.50, 4.61, 5.17, 4.53, 5.33, 5.14],
    "trt1": [4.81, 4.17, 4.41, 3.59, 5.87, 3.83, 6.03, 4.89, 4.32, 4.69],
    "trt2": [6.31, 5.12, 5.54, 5.50, 5.37, 5.29, 4.92, 6.15, 5.80, 5.26],
}


def test_anova_plantgrowth():
    """R: ``anova(lm(weight ~ group, data = PlantGrowth))`` prints Sum Sq 3.7663 (group) and 10.4921
    (residuals), F value 4.8461 on 2 and 27 df, Pr(>F) 0.01591. F is recomputed here by hand."""
    groups = [np.array(v) for v in PLANT.values()]
    allv = np.concatenate(groups)
    ssb = sum(len(x) * (x.mean() - allv.mean()) ** 2 for x in groups)
    ssw = sum(((x - x.mean()) ** 2).sum() for x in groups)
    assert (round(ssb, 4), round(ssw, 4)) == (3.7663, 10.4921)
    assert round((ssb / 2) / (ssw / 27), 4) == 4.8461
    res = g.anova(*groups)
    assert res.test == "anova" and float(f"{res.p:.4g}") == 0.01591


def test_t_test_pooled_plantgrowth():
    """R: ``t.test(weight ~ group, data = droplevels(subset(PlantGrowth, group != "trt2")), var.equal = TRUE)``
    prints t = 1.1913, df = 18, p-value = 0.249."""
    assert round(g.t_test_pooled(PLANT["ctrl"], PLANT["trt1"]).p, 3) == 0.249
