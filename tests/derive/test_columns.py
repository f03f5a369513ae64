"""adsl/adrs/adtte columns against their documentation (docs/ANALYSIS.md, 'The analysis datasets') and
config.DERIVED_ADSL (the names an extra column may not take), for every response source."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from pipeline.config import DERIVED_ADSL
from pipeline.contract import spec_for
from pipeline.derive.stage import derive
from pipeline.run import prepare
from tests.trio import make_config, write_trio

DOC = Path(__file__).resolve().parents[2] / "docs" / "ANALYSIS.md"
#: Column names the progression choice used to be spread over; none of them is written any more.
OLD_PROGRESSION = {"pfs_progression_date", "progression_date_derived", "progression_source"}


def _documented() -> set[str]:
    text = DOC.read_text(encoding="utf-8")
    section = text.split("## The analysis datasets", 1)[1].split("\n## ", 1)[0]
    return set(re.findall(r"`([A-Za-z_][A-Za-z0-9_]*)`", section))


@pytest.fixture(scope="module", params=[("derived", "best"), ("recorded", "last"), ("patients", "best")],
                ids=lambda p: f"{p[0]}-{p[1]}")
def datasets(request, tmp_path_factory):
    source, summary = request.param
    cfg = make_config(write_trio(tmp_path_factory.mktemp(source)),
                      response={"source": source, "summary": summary})
    return derive(prepare(cfg).tables, cfg)


def test_every_derived_adsl_column_is_reserved_and_documented(datasets):
    derived = {c for c in datasets.adsl.columns if spec_for("patients", c) is None}
    assert derived <= DERIVED_ADSL
    assert derived <= _documented()
    assert not OLD_PROGRESSION & set(datasets.adsl.columns)
    assert {"PDDT", "PDSRC", "progression_date", "derived_progression_date"} <= set(datasets.adsl.columns)


def test_every_adrs_and_adtte_column_is_documented(datasets):
    assert set(datasets.adrs.columns) | set(datasets.adtte.columns) <= _documented()


def test_the_reserved_names_are_documented():
    assert DERIVED_ADSL - {"myeloma_group"} <= _documented()  # myeloma_group: Table 1's, not adsl's
