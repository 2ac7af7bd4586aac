"""The import direction of the package (docs/architecture.md, "Layers").

Every top-level unit of `babyvlm` (a subpackage, or a module at the package root) sits on the units
named in `SITS_ON`, and through them on everything below: it may import those and nothing else of
the package. Imports are read statically with `ast`, at module level and inside functions alike,
so a lazy import inside a function cannot hide an upward dependency. A dependency that is meant
must be added here and in docs/architecture.md (the two tables are compared below).
"""

from __future__ import annotations

import ast
import re
from collections import defaultdict
from functools import cache
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PACKAGE = REPO / "src" / "babyvlm"
ARCHITECTURE = REPO / "docs" / "architecture.md"

# unit -> the units directly beneath it. "babyvlm" is the package root (__init__: the version only).
SITS_ON: dict[str, tuple[str, ...]] = {
    # the bottom: contracts and helpers that import nothing above them
    "babyvlm": (),  # the package root: __version__ only
    "errors": ("babyvlm",),
    "util": ("errors",),
    "data": ("errors",),
    "formats": ("errors",),
    "config": ("util", "data", "formats"),
    # the task layer: what a task is, its items, conversations and answer parsing
    "tasks": ("config",),
    # corpora and what is built from them
    "world": ("config",),
    "corpus": ("config",),
    "scoring": ("corpus",),
    "pretrain": ("scoring",),
    "devcv": ("tasks", "corpus"),
    "v1": ("tasks", "pretrain"),
    # the model and its training read the pretraining set and DevCV items as files (formats, tasks)
    "model": ("config",),
    "train": ("model", "tasks"),
    # evaluation needs tasks and models' outputs, not the builders
    "evaluate": ("tasks",),
    # whole-framework runs, and the command on top
    "pipeline": ("world", "devcv", "v1", "train", "evaluate"),
    "cli": ("pipeline",),
    "__main__": ("cli",),
}


def allowed(unit: str) -> set[str]:
    """Everything `unit` sits on, directly or through the units beneath it."""
    out: set[str] = set()
    todo = list(SITS_ON[unit])
    while todo:
        u = todo.pop()
        if u not in out:
            out.add(u)
            todo.extend(SITS_ON[u])
    return out


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def unit_of(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "babyvlm"


def is_module(dotted: str) -> bool:
    rel = Path(*dotted.split(".")[1:])
    return (PACKAGE / rel).is_dir() or (PACKAGE / rel).with_suffix(".py").is_file()


def imported_modules(path: Path) -> list[tuple[str, int]]:
    here = module_name(path)
    package = here if path.name == "__init__.py" else here.rpartition(".")[0]
    return imports_in(path.read_text(encoding="utf-8"), package)


def imports_in(source_text: str, package: str) -> list[tuple[str, int]]:
    """(babyvlm module imported, line) for every import statement of a module in `package`,
    wherever it stands (module level, function, class, `if TYPE_CHECKING:`)."""
    out = []
    for node in ast.walk(ast.parse(source_text)):
        if isinstance(node, ast.Import):
            out += [(a.name, node.lineno) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                source = ".".join(base + ([node.module] if node.module else []))
            else:
                source = node.module or ""
            for a in node.names:  # `from babyvlm import tasks` imports the subpackage itself
                target = f"{source}.{a.name}"
                out.append((target if is_module(target) else source, node.lineno))
    return [(m, line) for m, line in out if m == "babyvlm" or m.startswith("babyvlm.")]


@cache
def unit_imports() -> dict[tuple[str, str], list[str]]:
    """(importing unit, imported unit) -> where ("babyvlm/x/y.py:12"), for imports across units."""
    edges: dict[tuple[str, str], list[str]] = defaultdict(list)
    for path in sorted(PACKAGE.rglob("*.py")):
        src = unit_of(module_name(path))
        for target, line in imported_modules(path):
            dst = unit_of(target)
            where = f"{path.relative_to(PACKAGE.parent)}:{line}"
            if dst != src and where not in edges[(src, dst)]:
                edges[(src, dst)].append(where)
    return dict(edges)


def units_on_disk() -> set[str]:
    found = {"babyvlm"}
    for p in PACKAGE.iterdir():
        if p.is_dir() and any(p.glob("*.py")):  # v1, train, pretrain are namespace packages (no __init__)
            found.add(p.name)
        elif p.suffix == ".py" and p.name != "__init__.py":
            found.add(p.stem)
    return found


def test_every_unit_has_a_place_in_the_order():
    assert units_on_disk() == set(SITS_ON), "place each new subpackage in SITS_ON (and docs/architecture.md)"
    for unit, below in SITS_ON.items():
        assert set(below) <= set(SITS_ON), unit


def test_the_order_itself_has_no_cycle():
    for unit in SITS_ON:
        assert unit not in allowed(unit), f"{unit} sits on itself through {sorted(allowed(unit))}"


def test_no_import_goes_up_or_sideways():
    bad = [f"{src} -> {dst} ({', '.join(where[:3])}{', ...' if len(where) > 3 else ''})"
           for (src, dst), where in sorted(unit_imports().items()) if dst not in allowed(src)]
    assert not bad, ("imports against the layer order (move the code down, or, if the dependency is meant, "
                     "add it to SITS_ON here and in docs/architecture.md):\n" + "\n".join(bad))


def test_no_import_cycle_between_units():
    graph: dict[str, set[str]] = defaultdict(set)
    for src, dst in unit_imports():
        graph[src].add(dst)
    done: set[str] = set()

    def visit(path: list[str]) -> list[str] | None:
        """Depth first from path[-1]; a unit met again on the current path closes a cycle."""
        for v in sorted(graph[path[-1]]):
            if v in path:
                return path[path.index(v):] + [v]
            if v not in done and (cycle := visit([*path, v])):
                return cycle
        done.add(path[-1])
        return None

    for u in sorted(graph):
        if u not in done and (cycle := visit([u])):
            steps = [f"{a} -> {b} ({unit_imports()[(a, b)][0]})" for a, b in zip(cycle, cycle[1:])]
            raise AssertionError("import cycle: " + "; ".join(steps))


def test_nothing_imports_the_cli_but_the_entry_point():
    users = sorted(src for src, dst in unit_imports() if dst == "cli")
    assert users == ["__main__"]


def test_the_bottom_imports_nothing_above_it():
    for unit in ("babyvlm", "errors", "util", "data", "formats"):
        above = {dst for src, dst in unit_imports() if src == unit} - {"errors", "babyvlm"}
        assert not above, f"{unit} imports {sorted(above)}"


def test_the_checker_sees_every_kind_of_import():
    """The parser itself: imports inside functions, relative imports and `from babyvlm import pkg` count."""
    text = ("import babyvlm.corpus.video\n"
            "def f():\n    from babyvlm.evaluate import harness\n"
            "class C:\n    from ..cli import main\n"
            "from . import items\n"
            "from babyvlm import __version__, world\n"
            "import numpy\n")
    found = {m for m, _ in imports_in(text, "babyvlm.tasks")}
    assert found == {"babyvlm.corpus.video", "babyvlm.evaluate.harness", "babyvlm.cli", "babyvlm.tasks.items",
                     "babyvlm", "babyvlm.world"}
    assert {unit_of(m) for m in found} == {"corpus", "evaluate", "cli", "tasks", "babyvlm", "world"}


def test_docs_draw_the_same_order():
    """docs/architecture.md holds the table as `unit: beneath, ...` lines in a ```layers block."""
    text = ARCHITECTURE.read_text(encoding="utf-8")
    block = re.search(r"```layers\n(.*?)```", text, re.S)
    assert block, "docs/architecture.md needs the ```layers block"
    documented = {}
    for line in block.group(1).splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            unit, _, below = line.partition(":")
            documented[unit.strip()] = tuple(b.strip() for b in below.split("#")[0].split(",") if b.strip())
    assert documented == {u: tuple(b) for u, b in SITS_ON.items()}
