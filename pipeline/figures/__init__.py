"""Figures: one module per figure family; every ``plot_*`` draws and returns, never saves.

``save.save_figure`` writes PNG and SVG; ``catalogue.iter_figures`` lists every figure of a run.
"""
