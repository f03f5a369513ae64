"""The strict base of every config model: unknown keys, changes after validation and inf/nan are refused."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class _Strict(BaseModel):
    # allow_inf_nan=False: .inf/.nan in a numeric option is refused, never carried into the analysis
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)
