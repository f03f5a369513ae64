"""Analysis: response rates, survival, comparisons, landmark, Table 1, adverse events, results.json.

Compute first, format second: every function returns a long table of numbers; rendering is elsewhere.
"""
