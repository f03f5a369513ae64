"""Figures: one module per figure family; every ``plot_*`` draws and returns, never saves.

``catalogue.plan_figures`` lists every figure of a run and ``catalogue.figure_jobs`` makes them jobs;
``save.figure_files`` gives a figure's SVG and PNG bytes (``pipeline.runs.folder`` writes them).
"""
