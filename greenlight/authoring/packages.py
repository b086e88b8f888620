"""The Lambda packages under functions/, found on disk, and the import rules between them.

Each function stands alone on the shared `common` package: a function's package imports no other function's,
`common` imports none of them, and nothing there imports `greenlight` (the local tooling is not shipped to
Lambda). The packages are discovered, so a new validation needs no list edited; `greenlight lint` (run by
`make lint`) reports each import against the rules.
"""

from __future__ import annotations

import ast
from pathlib import Path

SHARED = "common"
TOOLING = "greenlight"


def function_packages(functions: Path) -> list[str]:
    """Every package directly under functions/ (a folder with an __init__.py), `common` included."""
    return sorted(p.parent.name for p in functions.glob("*/__init__.py"))


def imported_tops(source: str) -> set[str]:
    """The top-level names of every absolute import in a module, those inside functions included."""
    tops: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            tops.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            tops.add(node.module.split(".")[0])
    return tops


def _forbidden(package: str, packages: set[str]) -> set[str]:
    others = packages - {package, SHARED}
    return others | {TOOLING} if package != SHARED else (packages - {SHARED}) | {TOOLING}


def import_problems(functions: Path) -> list[str]:
    """One sentence per import against the rules, naming the module and what it imports."""
    packages = set(function_packages(functions))
    found = []
    for package in sorted(packages):
        forbidden = _forbidden(package, packages)
        for module in sorted((functions / package).rglob("*.py")):
            for top in sorted(imported_tops(module.read_text()) & forbidden):
                where = module.relative_to(functions.parent)
                found.append(f"{where} imports {top}: each function stands alone on {SHARED}")
    return found
