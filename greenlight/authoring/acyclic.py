"""An import-linter contract type: no import cycle among the modules of the packages it names, lazy imports included.

import-linter's own `acyclic_siblings` judges whole packages (a subpackage importing its sibling and back is a cycle
there even when no module imports itself through the others); the rule here is the modules': no module reaches
itself through its imports. Registered in pyproject.toml's `contract_types` as `acyclic_modules`.
"""

from __future__ import annotations

from grimp import ImportGraph
from importlinter.application import output
from importlinter.domain import fields
from importlinter.domain.contract import Contract, ContractCheck


def cycles(graph: ImportGraph, modules: set[str]) -> list[list[str]]:
    """Strongly connected groups of more than one module among `modules` (Tarjan's algorithm), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        for imported in sorted(graph.find_modules_directly_imported_by(module) & modules):
            if imported not in index:
                visit(imported)
                low[module] = min(low[module], low[imported])
            elif imported in stack:
                low[module] = min(low[module], index[imported])
        if low[module] == index[module]:
            group = []
            while (member := stack.pop()) != module:
                group.append(member)
            if group:
                found.append(sorted([*group, module]))

    for module in sorted(modules):
        if module not in index:
            visit(module)
    return found


class AcyclicModulesContract(Contract):
    """`packages`: the packages whose modules (and their descendants) must import one another without a cycle."""

    type_name = "acyclic_modules"
    packages = fields.ListField(subfield=fields.StringField())

    def check(self, graph: ImportGraph, verbose: bool) -> ContractCheck:
        modules: set[str] = set()
        for package in self.packages:  # type: ignore[attr-defined]
            modules |= {package, *graph.find_descendants(package)}
        found = cycles(graph, modules)
        return ContractCheck(kept=not found, metadata={"cycles": found})

    def render_broken_contract(self, check: ContractCheck) -> None:
        for cycle in check.metadata["cycles"]:
            output.print_error(f"An import cycle: {' -> '.join([*cycle, cycle[0]])} (in some order)", bold=False)
            output.new_line()
