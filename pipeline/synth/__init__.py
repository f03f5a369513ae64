"""Synthetic relapsed/refractory myeloma cohorts in the data contract's canonical tables.

``generate_cohort(n, seed)`` draws patients at the reference study's rates (docs/REFERENCE_STUDY.md) and
follows each through a response-then-relapse course whose raw measurements are consistent with the
IMWG 2016 rules (docs/IMWG_RULES.md); ``write_cohort`` writes the tables as CSV.
Everything is vectorised over patients: 100 000 patients take a few seconds.

Modules: ``baseline`` (patient characteristics), ``course`` (response depth, progression, death,
cycles, visit schedule), ``measures`` (raw values and their single-assessment IMWG category),
``adverse`` (CTCAE events), ``cohort`` (assembly), ``io`` (CSV), ``hospital`` (a Chinese hospital's
export of a small cohort, for the mapping example).
"""

from pipeline.synth.cohort import generate_cohort
from pipeline.synth.io import write_cohort

__all__ = ["generate_cohort", "write_cohort"]
