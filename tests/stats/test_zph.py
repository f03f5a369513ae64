"""cox.zph edge cases (the R-equal numbers are in test_coxreg.py)."""

from __future__ import annotations

import numpy as np
import pytest

from pipeline.stats.coxreg import cox_fit
from pipeline.stats.zph import ZphError, cox_zph


def test_zph_refuses_when_every_event_is_at_one_time():
    """One distinct event time: g(t) is constant, the information for gamma is zero; R's cox.zph
    stops ("system is exactly singular"). The test says why instead of raising LinAlgError."""
    time = np.array([100.0, 100, 100, 100, 150, 200, 250, 300])
    event = np.array([1.0, 1, 1, 1, 0, 0, 0, 0])
    x = np.array([[1.0], [0], [1], [0], [1], [0], [1], [0]]) + np.array([[0.0], [0], [1], [1], [0], [0], [1], [1]])
    model = cox_fit(time, event, x, ["x"])
    with pytest.raises(ZphError, match="one time"):
        cox_zph(model)
