"""An import-linter contract type: imports that must stay lazy, made inside a function and never when the module loads.

A contract that ignores an import (the hooks' cold start ignores their announcing code's imports of common.payload,
made only on a failure path) cannot tell a lazy import from one at the top of the module: moved there, it would load
pydantic on every cold start and keep the contract. This one reads where each such import is written. An import
counts as made when the module loads unless it sits in a function's body (or under `if TYPE_CHECKING:`). Registered
in pyproject.toml's `contract_types` as `lazy_imports`; `imports` lists `importer -> imported package` pairs.
"""

from __future__ import annotations

import ast
import importlib.util
from pathlib import Path

from grimp import ImportGraph
from importlinter.application import output
from importlinter.domain import fields
from importlinter.domain.contract import Contract, ContractCheck

FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)


def _type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def load_time_import_lines(source: str) -> set[int]:
    """The lines of the imports a module makes when it loads: every import but those in a function's body or under
    `if TYPE_CHECKING:` (class bodies, `try`, `with` and other blocks run when the module loads)."""
    lines: set[int] = set()

    def visit(node: ast.AST) -> None:
        if isinstance(node, FUNCTIONS):
            return
        if isinstance(node, ast.Import | ast.ImportFrom):
            lines.add(node.lineno)
        if isinstance(node, ast.If) and _type_checking(node):
            for statement in node.orelse:
                visit(statement)
            return
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(ast.parse(source))
    return lines


def _source(module: str) -> str:
    spec = importlib.util.find_spec(module)
    if spec is None or spec.origin is None:
        raise ValueError(f"lazy_imports: no source found for {module}")
    return Path(spec.origin).read_text()


def eager_imports(graph: ImportGraph, importer: str, imported: str) -> list[str]:
    """The imports of `imported` or a module under it that `importer` makes when it loads, as `a -> b (l.N)`."""
    targets = {imported, *graph.find_descendants(imported)} if imported in graph.modules else set()
    load_time = load_time_import_lines(_source(importer))
    found = []
    for target in sorted(targets):
        for detail in graph.get_import_details(importer=importer, imported=target):
            if detail["line_number"] in load_time:
                found.append(f"{importer} -> {target} (l.{detail['line_number']})")
    return found


class LazyImportsContract(Contract):
    """`imports`: `importer -> imported` pairs; each importer may import the package (or a module under it) only
    inside a function."""

    type_name = "lazy_imports"
    imports = fields.ListField(subfield=fields.StringField())

    def check(self, graph: ImportGraph, verbose: bool) -> ContractCheck:
        eager = []
        for pair in self.imports:  # type: ignore[attr-defined]
            importer, _, imported = (part.strip() for part in str(pair).partition("->"))
            eager += eager_imports(graph, importer, imported)
        return ContractCheck(kept=not eager, metadata={"eager": eager})

    def render_broken_contract(self, check: ContractCheck) -> None:
        for line in check.metadata["eager"]:
            output.print_error(f"Imported when the module loads, not inside a function: {line}", bold=False)
            output.new_line()
