"""The building blocks of the results.json record: value types, the section base, the lenient copy."""

import math
from functools import cache
from types import UnionType
from typing import Annotated, Any, Literal, Union, get_args, get_origin

import numpy as np
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    StrictFloat,
    StrictInt,
    StrictStr,
    StringConstraints,
    WithJsonSchema,
)

from pipeline import vocab
from pipeline.analysis.competing import EVENTS
from pipeline.config import Analysis, Models, Response

Int = StrictInt
Str = StrictStr
Bool = StrictBool
#: A JSON number: an int stays an int and a float a float (no conversion either way).
Num = Annotated[StrictInt | StrictFloat, WithJsonSchema({"type": "number"})]
IsoDate = Annotated[str, StringConstraints(strict=True, pattern=r"^\d{4}-\d{2}-\d{2}$")]

#: Value sets shared with the code that makes them (the config's own types, the vocabulary).
Endpoint = get_args(Analysis.model_fields["endpoints"].annotation)[0]  # PFS, OS, RSD, TTNT
ModelEndpoint = get_args(Models.model_fields["endpoints"].annotation)[0]  # PFS, OS
Category = Literal[vocab.RESPONSE_ORDER]
CompetingEvent = Literal[tuple(EVENTS.values())]
ResponseSource = Literal["derived", "recorded", "patients"]
Ties = Models.model_fields["ties"].annotation
PfsEvents = Analysis.model_fields["pfs_events"].annotation
PfsCensor = Analysis.model_fields["pfs_censor"].annotation
ConfType = Analysis.model_fields["conf_type"].annotation
UnconfirmedPd = Response.model_fields["unconfirmed_pd"].annotation
ResponseSummary = Response.model_fields["summary"].annotation


def absent_key(description: str) -> Any:
    """A key that is left out (not null) in some runs: optional in the schema, no default shown."""
    return Field(None, description=description, json_schema_extra=lambda s: s.pop("default", None))


class Section(BaseModel):
    """A results.json object: exactly its keys, no NaN or infinity."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)

    def as_json(self) -> dict:
        """The dict as written: keys in the written order, keys that were not given left out."""
        return self.model_dump(by_alias=True, exclude_unset=True)


def plain(o: object) -> object:
    """As written (``runs.folder._clean``): numpy scalars -> Python, NaN/inf -> None, tuples -> lists."""
    if isinstance(o, dict):
        return {k: plain(v) for k, v in o.items()}
    if isinstance(o, list | tuple):
        return [plain(v) for v in o]
    if isinstance(o, np.generic):
        o = o.item()
    if isinstance(o, float) and not math.isfinite(o):
        return None
    return o


# ------------------------------------------------------------------------------------ lenient reading
# A run folder written by an earlier version may lack keys added since (and old runs wrote some counts
# as 1.0). Reading one back (compare, runs) uses a subclass of each model whose every field is optional
# (None when absent), whose unknown keys are ignored and whose counts and values accept any JSON number
# or text; the attribute names stay those of the record.


def _loose_type(tp: Any) -> Any:
    if tp in (Int, Num):
        return Num
    if tp is Str or tp is IsoDate:
        return Str
    origin = get_origin(tp)
    if origin is Literal:
        return Str
    if origin in (Union, UnionType):
        return Union[tuple(_loose_type(a) for a in get_args(tp))]  # noqa: UP007 (built from a tuple)
    if origin is list:
        return list[_loose_type(get_args(tp)[0])]
    if isinstance(tp, type) and issubclass(tp, Section):
        return lenient(tp)
    return tp


@cache
def lenient(model: type[Section]) -> type[Section]:
    """``model`` for reading: every field optional, unknown keys ignored, nested models lenient too."""
    ns: dict[str, Any] = {"__annotations__": {}, "__module__": __name__,
                          "model_config": ConfigDict(extra="allow" if model.model_config.get("extra") == "allow"
                                                     else "ignore")}
    for name, f in model.model_fields.items():
        ns["__annotations__"][name] = _loose_type(f.annotation) | None
        ns[name] = Field(None, alias=f.alias)
    return type(f"Lenient{model.__name__}", (model,), ns)
