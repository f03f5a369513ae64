"""The package's shape: no import cycles, imports run one way down the stages, sizes stay readable.

Static: every ``pipeline/**/*.py`` is parsed with :mod:`ast` and nothing is imported. An import counts
wherever it is written (module level or inside a function). The rule is docs/ARCHITECTURE.md, "Layering".
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Mapping
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "pipeline"

# Known violations: empty since the restructure (issue 12) removed the last one. An entry here must still
# break a rule below (a stale one fails the test). Kinds: "cycle: <modules>", "upward: <importer> ->
# <imported>", "module: <path>" (over MAX_MODULE_LINES), "function: <path>::<name>".
KNOWN: set[str] = set()

MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 60
#: A longer module or function carries this comment: in the module's first 5 lines, or on the line above
#: the ``def`` (above its decorators, if any).
SIZE_MARK = "# size:"

#: The stages, lowest first. A module may import its own stage or a lower one, never a higher one.
STAGES = ("base", "ingest", "cutoff", "imwg", "derive", "stats", "analysis", "figures", "report", "runs",
          "run", "tools", "cli")
#: Module or package -> stage; a module takes the stage of its longest listed prefix.
STAGE_OF = {
    "pipeline": "base",  # the package's __init__ (``__version__``), not its subpackages
    "pipeline.vocab": "base",
    "pipeline.errors": "base",
    "pipeline.contract": "base",
    "pipeline.config": "base",
    "pipeline.yamlsafe": "base",
    "pipeline.versions": "base",
    "pipeline.text": "base",
    "pipeline.ingest": "ingest",
    "pipeline.cutoff": "cutoff",
    "pipeline.imwg": "imwg",  # derive.source derives the response with it
    "pipeline.derive": "derive",
    "pipeline.stats": "stats",
    "pipeline.analysis": "analysis",
    "pipeline.figures": "figures",
    "pipeline.report": "report",
    "pipeline.runs": "runs",
    "pipeline.run": "run",
    # the side tools: they may use the whole pipeline; only the CLI calls them
    "pipeline.synth": "tools",
    "pipeline.meta": "tools",
    "pipeline.draft": "tools",
    "pipeline.cli": "cli",
    # Leaf modules that serve a lower stage than their package's (each imports nothing above its stage,
    # which the rule itself checks):
    "pipeline.ingest.limits": "base",  # yamlsafe and config apply the input limits before any file is read
    "pipeline.ingest.identifiers": "base",  # errors.Issue redacts every value with it
    "pipeline.meta.pool": "stats",  # the literature analysis pools published cohorts with meta's pooling
    "pipeline.meta.proportions": "stats",
    "pipeline.meta.words": "base",  # the literature report and figures word their labels with it
    "pipeline.meta.forest": "figures",  # the literature figure is meta's forest plot
}


# ------------------------------------------------------------------------------------------ the model
def module_name(path: Path, root: Path = PACKAGE) -> str:
    parts = path.relative_to(root.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


@cache
def sources() -> dict[str, Path]:
    """Dotted module name -> file, for every module of the package."""
    return {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def imported_modules(name: str, tree: ast.AST, is_package: bool, modules: Iterable[str]) -> set[str]:
    """The package's modules that module ``name`` imports anywhere in ``tree``.

    ``from a.b import c`` counts as importing ``a.b.c`` when that is a module, else ``a.b``; relative
    imports are resolved against ``name``. Imports of other packages are left out.
    """
    known = set(modules)
    top = name.split(".")[0]
    found: set[str] = set()

    def add(target: str) -> None:
        while target and target not in known:  # ``import a.b.c`` where c is a name: count a.b
            target = target.rpartition(".")[0]
        if target and target != name:
            found.add(target)

    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == top:
                    add(alias.name)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = name.split(".") if is_package else name.split(".")[:-1]
                base = base[: len(base) - node.level + 1]
                source = ".".join(base + ([node.module] if node.module else []))
            else:
                source = node.module or ""
            if source.split(".")[0] != top:
                continue
            for alias in node.names:
                sub = f"{source}.{alias.name}"
                add(sub if sub in known else source)
    return found


@cache
def import_graph() -> dict[str, frozenset[str]]:
    mods = sources()
    return {name: frozenset(imported_modules(name, ast.parse(path.read_text(encoding="utf-8")),
                                             path.name == "__init__.py", mods))
            for name, path in mods.items()}


def cycles(graph: Mapping[str, Iterable[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (each sorted), by Tarjan's method."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in graph.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return sorted(found)


def stage(name: str, table: Mapping[str, str] = STAGE_OF) -> str | None:
    """The stage of a module: that of its longest prefix in ``table`` (the bare package only for itself)."""
    parts = name.split(".")
    for k in range(len(parts), 1, -1):
        hit = table.get(".".join(parts[:k]))
        if hit is not None:
            return hit
    return table.get(name) if len(parts) == 1 else None


def upward_imports(graph: Mapping[str, Iterable[str]], table: Mapping[str, str] = STAGE_OF) -> set[str]:
    rank = {s: i for i, s in enumerate(STAGES)}
    return {f"upward: {a} -> {b}" for a, targets in graph.items() for b in targets
            if rank[stage(a, table)] < rank[stage(b, table)]}


def size_violations(path: Path, root: Path = ROOT) -> set[str]:
    """``module: path`` and ``function: path::qualname`` for sizes over the limits without a reason."""
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines()
    rel = path.relative_to(root).as_posix()
    found = set()
    if len(lines) > MAX_MODULE_LINES and not any(line.strip().startswith(SIZE_MARK) for line in lines[:5]):
        found.add(f"module: {rel}")

    def walk(node: ast.AST, prefix: str) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
                qualname = prefix + child.name
                first = min([d.lineno for d in child.decorator_list] + [child.lineno])
                above = {lines[i - 2] for i in (child.lineno, first) if i >= 2}
                if child.end_lineno - child.lineno + 1 > MAX_FUNCTION_LINES and not any(
                        line.strip().startswith(SIZE_MARK) for line in above):
                    found.add(f"function: {rel}::{qualname}")
                walk(child, qualname + ".")
            elif isinstance(child, ast.ClassDef):
                walk(child, prefix + child.name + ".")
            else:
                walk(child, prefix)

    walk(ast.parse(text), "")
    return found


def _check(kind: str, violations: set[str]) -> None:
    known = {k for k in KNOWN if k.startswith(kind + ": ")}
    new, stale = sorted(violations - known), sorted(known - violations)
    assert not new, "\n".join([f"{len(new)} new violation(s) of the layout rules:", *new])
    assert not stale, "\n".join(["fixed: remove from KNOWN in tests/test_layout.py:", *stale])


# ---------------------------------------------------------------------------------------- the rules
def test_no_import_cycle() -> None:
    _check("cycle", {"cycle: " + ", ".join(c) for c in cycles(import_graph())})


def test_every_module_has_a_stage() -> None:
    unranked = sorted(m for m in sources() if stage(m) is None)
    assert not unranked, f"give these a stage in STAGE_OF: {unranked}"
    assert set(STAGE_OF.values()) <= set(STAGES)


def test_imports_run_down_the_stages() -> None:
    _check("upward", upward_imports(import_graph()))


@cache
def all_size_violations() -> frozenset[str]:
    return frozenset(v for path in sources().values() for v in size_violations(path))


def test_modules_stay_short() -> None:
    _check("module", {v for v in all_size_violations() if v.startswith("module: ")})


def test_functions_stay_short() -> None:
    _check("function", {v for v in all_size_violations() if v.startswith("function: ")})


def test_known_entries_are_of_a_known_kind() -> None:
    kinds = ("cycle: ", "upward: ", "module: ", "function: ")
    assert all(k.startswith(kinds) for k in KNOWN), sorted(k for k in KNOWN if not k.startswith(kinds))


# ------------------------------------------------------------------------- the checks on small inputs
def _graph(sources_by_name: Mapping[str, str]) -> dict[str, set[str]]:
    names = set(sources_by_name)
    return {n: imported_modules(n, ast.parse(src), n in {"p", "p.sub"}, names) for n, src in sources_by_name.items()}


def test_imports_inside_functions_and_submodules_count() -> None:
    g = _graph({
        "p": "",
        "p.a": "def f():\n    if True:\n        from p.b import thing\n",
        "p.b": "from p import c\nimport p.sub.d\nfrom p.sub import name\n",
        "p.c": "import os\nfrom . import a\n",
        "p.sub": "from .d import x\nfrom .. import leaf\n",
        "p.sub.d": "import p.leaf.name\n",
        "p.leaf": "import pathlib\n",
    })
    assert g == {"p": set(), "p.a": {"p.b"}, "p.b": {"p.c", "p.sub.d", "p.sub"}, "p.c": {"p.a"},
                 "p.sub": {"p.sub.d", "p.leaf"}, "p.sub.d": {"p.leaf"}, "p.leaf": set()}
    assert cycles(g) == [["p.a", "p.b", "p.c"]]


def test_an_import_up_the_stages_is_named() -> None:
    table = {"p": "base", "p.low": "ingest", "p.high": "report", "p.high.leaf": "base"}
    graph = {"p.low.x": {"p.high.y", "p"}, "p.high.y": {"p.low.x", "p.high.leaf"}, "p.high.leaf": {"p.low.x"}}
    assert upward_imports(graph, table) == {"upward: p.low.x -> p.high.y", "upward: p.high.leaf -> p.low.x"}
    assert stage("p", table) == "base"
    assert stage("p.other", table) is None  # a new package is not silently "base"


def test_sizes_and_their_reasons(tmp_path: Path) -> None:
    def body(indent: str) -> str:
        return "".join(f"{indent}x{i} = {i}\n" for i in range(MAX_FUNCTION_LINES))

    src = (f"def long():\n{body('    ')}\n\n# size: a table\ndef excused():\n{body('    ')}\n\n"
           f"class K:\n    # size: a table\n    @staticmethod\n    def excused():\n{body(' ' * 8)}\n"
           f"    def long(self):\n{body(' ' * 8)}\n        def inner():\n{body(' ' * 12)}\n\n"
           "def short():\n    return 1\n")
    path = tmp_path / "m.py"
    path.write_text(src + "\n" * MAX_MODULE_LINES, encoding="utf-8")
    assert size_violations(path, tmp_path) == {"module: m.py", "function: m.py::long", "function: m.py::K.long",
                                               "function: m.py::K.long.inner"}
    path.write_text('"""Doc."""\n# size: generated table\n' + src + "\n" * MAX_MODULE_LINES, encoding="utf-8")
    assert "module: m.py" not in size_violations(path, tmp_path)
    path.write_text(src, encoding="utf-8")
    assert "module: m.py" not in size_violations(path, tmp_path)
