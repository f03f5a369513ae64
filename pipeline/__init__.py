"""mmcohort: real-world multiple myeloma cohort analysis.

Stages (one folder or module each, data flowing one way): ingest -> cutoff -> derive (imwg) -> analysis
(stats) -> figures, report -> runs. Only ``ingest`` reads the export and only ``runs.folder`` writes a run;
everything between is data in, data out (docs/ARCHITECTURE.md).
"""

__version__ = "0.1.0"
