"""The test tree itself: pytest's default import mode imports each test file by its basename, so two
test modules with the same name in different folders (without __init__.py) stop the whole run at
collection. This failed CI once; keep it from coming back."""

from collections import defaultdict
from pathlib import Path

TESTS = Path(__file__).resolve().parent


def test_test_modules_have_unique_basenames():
    seen = defaultdict(list)
    for p in TESTS.rglob("*.py"):
        if p.name in ("conftest.py", "__init__.py") or (p.parent / "__init__.py").exists():
            continue  # conftests are imported by path; package modules get their package's name
        seen[p.name].append(str(p.relative_to(TESTS)))
    clashes = {name: paths for name, paths in seen.items() if len(paths) > 1}
    assert not clashes, f"rename so that each test module's basename is unique: {clashes}"
