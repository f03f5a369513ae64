"""The docs name only what exists: config keys, file paths and commands (docs/config.md, docs/meta.md, README).

Every key of the study config (``pipeline.config.StudyConfig``) and the meta-analysis config
(``pipeline.meta.config.MetaConfig``) is shown in a YAML block of its page (or, for a key the example leaves
out, named in backticks), and every key those YAML blocks show is a real one. Every ``pipeline/...`` and
``tests/...`` path the README and docs/*.md name exists, and every ``mmcohort <command>`` they show is one.
"""

from __future__ import annotations

import re
import typing
from pathlib import Path

import pytest
import yaml
from pydantic import BaseModel

from pipeline.cli import main
from pipeline.config import StudyConfig
from pipeline.meta.config import MetaConfig

ROOT = Path(__file__).resolve().parents[1]
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]


def _models_in(annotation) -> list[type[BaseModel]]:
    """The pydantic models an annotation holds (``Inputs``, ``list[Comparison]``, ``Models | None``...)."""
    out, todo = [], [annotation]
    while todo:
        a = todo.pop()
        if isinstance(a, type) and issubclass(a, BaseModel):
            out.append(a)
        else:
            todo.extend(typing.get_args(a))
    return out


def model_keys(model: type[BaseModel], prefix: str = "") -> set[str]:
    """Every key a config file can hold, dotted (``analysis.rmst.tau_months``); list items share their key."""
    keys: set[str] = set()
    for name, field in model.model_fields.items():
        if field.exclude:
            continue
        keys.add(prefix + name)
        for sub in _models_in(field.annotation):
            keys |= model_keys(sub, f"{prefix}{name}.")
    return keys


def doc_keys(text: str, free: set[str]) -> set[str]:
    """Every dotted key of the page's ```yaml blocks; the values of a ``free`` key are data, not keys."""
    keys: set[str] = set()

    def walk(node, prefix: str) -> None:
        if isinstance(node, dict):
            for k, v in node.items():
                keys.add(prefix + str(k))
                if prefix + str(k) not in free:
                    walk(v, f"{prefix}{k}.")
        elif isinstance(node, list):
            for v in node:
                walk(v, prefix)

    for block in re.findall(r"```yaml\n(.*?)```", text, re.S):
        walk(yaml.safe_load(block), "")
    return keys


CONFIG_PAGES = [
    (StudyConfig, "config.md", {"columns", "values", "inputs.sheet"}),
    (MetaConfig, "meta.md", set()),
]


@pytest.mark.parametrize(("model", "page", "free"), CONFIG_PAGES, ids=[p for _, p, _ in CONFIG_PAGES])
def test_every_config_key_is_documented_and_every_documented_key_exists(model, page, free) -> None:
    text = (ROOT / "docs" / page).read_text(encoding="utf-8")
    real, shown = model_keys(model), doc_keys(text, free)
    assert not shown - real, f"docs/{page} shows keys the config does not have: {sorted(shown - real)}"
    named = set(re.findall(r"`([a-z_]+)(?::[^`]*)?`", text))
    missing = sorted(k for k in real - shown if k.rsplit(".", 1)[-1] not in named)
    assert not missing, f"keys of {model.__name__} that docs/{page} never names: {missing}"


def test_the_check_sees_a_missing_and_an_invented_key() -> None:
    shown = doc_keys("```yaml\nanalysis:\n  rmst: {enabled: true, taus: 3}\n```\n", set())
    assert "analysis.rmst.taus" in shown - model_keys(StudyConfig)
    assert "analysis.rmst.tau_months" in model_keys(StudyConfig) - shown


def test_paths_named_in_the_docs_exist() -> None:
    missing = []
    for page in PAGES:
        for path in re.findall(r"`((?:pipeline|tests|benchmarks|config|synthetic_data)/[^`:* <>]+)", page.read_text(
                encoding="utf-8")):
            if not (ROOT / path).exists():
                missing.append(f"{page.name}: {path}")
    assert not missing, "\n".join(missing)


def test_commands_shown_in_the_docs_exist() -> None:
    shown = set()
    for page in PAGES:
        text = page.read_text(encoding="utf-8")
        code = "\n".join(re.findall(r"```[a-z]*\n(.*?)```", text, re.S))
        shown |= set(re.findall(r"`mmcohort ([a-z][a-z-]*)", text)) | set(re.findall(r"^mmcohort ([a-z][a-z-]*)",
                                                                                        code, re.M))
    assert {"run", "validate", "init", "meta", "paper-table", "compare", "runs", "synth", "dictionary"} <= shown
    assert not shown - set(main.commands), sorted(shown - set(main.commands))
