"""tests/reference/: every file is described in its README, and the README states the R versions that made it."""

from __future__ import annotations

import re

from tests.reference import REF_DIR, load_json

README = (REF_DIR / "README.md").read_text(encoding="utf-8")


def test_every_file_is_described():
    files = sorted(p.name for p in REF_DIR.iterdir() if p.is_file() and p.name != "README.md")
    listed = set(re.findall(r"`([\w.]+\.(?:json|csv|R|py))`", README))
    assert [f for f in files if f not in listed] == []


def test_readme_states_the_versions_in_each_json_meta():
    for name in ("r_reference.json", "r_reference_models.json"):
        meta = load_json(name)["meta"]
        assert re.match(r"R version (\d+\.\d+\.\d+)", meta["R"])
        assert f"R {meta['R'].split()[2]}" in README, name
        for pkg, version in meta.items():
            if pkg != "R":
                assert f"{pkg} {version}" in README, (name, pkg)


def test_scripts_read_and_write_only_their_folder():
    for script in REF_DIR.glob("*.R"):
        text = script.read_text(encoding="utf-8")
        paths = re.findall(r"(?:write\.csv\([^,]+,|writeLines\(.+\),|read\.csv\()\s*\"([^\"]+)\"", text)
        assert paths, script.name
        assert all("/" not in p and "\\" not in p for p in paths), (script.name, paths)
        assert "setwd" not in text and "shared" not in text, script.name
