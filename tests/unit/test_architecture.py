"""The house rules of the code, read from its imports: each user's world stands on the programme's rules
(``lms.core``), the course (``lms.content``), the tables (``lms.models``) and the small shared modules,
and never on another world; no two packages lean on each other.

The imports are parsed (AST), not executed, so an import inside a function counts as much as one at the top.
"""

import ast
from collections import defaultdict
from pathlib import Path

import pytest

LMS = Path(__file__).resolve().parents[2] / "lms"

# One blueprint per person's world. A package added for a new world belongs here.
WORLDS = {"auth", "learn", "facilitate", "manage", "certificates", "verify", "reports", "surveys", "site", "red"}
# What the worlds stand on; these never import a world.
FOUNDATIONS = {"core", "content", "models"}


def _module_name(path: Path) -> str:
    parts = path.relative_to(LMS.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> set[str]:
    """Every ``lms…`` module named by an import in ``path``, relative imports resolved."""
    module = _module_name(path)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            found.add(target)
            # `from lms import audit` names the module lms.audit
            found.update(f"{target}.{alias.name}" for alias in node.names)
    return {name for name in found if name == "lms" or name.startswith("lms.")}


def _top(name: str) -> str | None:
    """The first-level package or module under ``lms`` that ``name`` belongs to."""
    parts = name.split(".")
    return parts[1] if len(parts) > 1 else None


def _graph() -> dict[str, set[tuple[str, str]]]:
    """{first-level package: {(imported first-level package, importing file)}}, without self-imports."""
    edges = defaultdict(set)
    for path in LMS.rglob("*.py"):
        source = _top(_module_name(path))
        if source is None:
            continue
        for name in _imports(path):
            target = _top(name)
            if target and target != source and ((LMS / target).is_dir() or (LMS / f"{target}.py").is_file()):
                edges[source].add((target, str(path.relative_to(LMS.parent))))
    return edges


GRAPH = _graph()


def test_the_parser_sees_the_imports_it_is_meant_to_police():
    # A guard on the guard: if the parsing broke, every rule below would pass on an empty graph.
    assert ("core", "lms/learn/views.py") in GRAPH["learn"]
    assert ("models", "lms/core/progress.py") in GRAPH["core"]
    assert all(world in GRAPH for world in WORLDS if (LMS / world).is_dir())


@pytest.mark.parametrize("world", sorted(w for w in WORLDS if (LMS / w).is_dir()))
def test_a_world_never_imports_another_world(world):
    crossings = sorted(f"{file} imports lms.{target}" for target, file in GRAPH[world] if target in WORLDS)
    assert not crossings, "a rule two worlds share belongs in lms/core:\n" + "\n".join(crossings)


@pytest.mark.parametrize("foundation", sorted(FOUNDATIONS))
def test_the_foundations_never_import_a_world(foundation):
    crossings = sorted(f"{file} imports lms.{target}" for target, file in GRAPH[foundation] if target in WORLDS)
    assert not crossings, "\n".join(crossings)


def test_no_two_packages_depend_on_each_other():
    packages = {source: {target for target, _ in targets} for source, targets in GRAPH.items()}
    cycles = []

    def visit(node, path):
        for target in sorted(packages.get(node, ())):
            if target == path[0]:
                cycles.append(" → ".join(path + [target]))
            elif target not in path and len(path) < 6:
                visit(target, path + [target])

    for start in sorted(packages):
        visit(start, [start])
    assert not cycles, "package cycles:\n" + "\n".join(sorted(set(cycles)))
