"""Meta-analysis (``mmcohort meta``): pooling equal to RevMan 5 and R's metafor (MODELS.md section 5)."""
