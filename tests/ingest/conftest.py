"""Every Issue the pipeline makes while the ingest tests feed it bad inputs must carry a known code."""

from __future__ import annotations

import sys

import pytest

from pipeline.errors import Code, Issue


@pytest.fixture(autouse=True)
def issues_made(monkeypatch) -> list[tuple[str, Issue]]:
    """(module, Issue) for each Issue a ``pipeline`` module creates during the test; checked afterwards."""
    made: list[tuple[str, Issue]] = []
    post_init = Issue.__post_init__

    def record(self: Issue) -> None:
        post_init(self)
        # frame 0: here; 1: the dataclass __init__; 2: whoever called Issue(...)
        module = sys._getframe(2).f_globals.get("__name__", "")
        if module.startswith("pipeline."):
            made.append((module, self))

    monkeypatch.setattr(Issue, "__post_init__", record)
    yield made
    uncoded = [(m, i.rule) for m, i in made if not isinstance(i.code, Code)]
    assert not uncoded, f"Issues made without a code: {uncoded}"
