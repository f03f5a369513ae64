"""mmcohort: real-world multiple myeloma cohort analysis.

Stages (one module or folder each): load -> validate -> cutoff -> derive (endpoints, imwg)
-> analyse (stats, analysis) -> render (figures, report). Only ``load`` and ``runfolder``
touch files; everything between is DataFrame in, DataFrame out.
"""

__version__ = "0.1.0"
