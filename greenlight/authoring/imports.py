"""The import rules, all checked by import-linter in one run: `python -m greenlight.authoring.imports` (`make lint`).

greenlight's contracts are written in pyproject.toml. The functions' are made here from the packages found under
functions/ (each a top-level package, functions/ being the Lambda task root), so adding a function edits no list:
a function's package imports no other function's, `common` imports none of them, nothing there imports
`greenlight` (the local tooling is not shipped to Lambda), and no import cycle among them. The run's config is
pyproject.toml's `[tool.importlinter]` with those packages added to its root packages and those contracts to its own.
Python code under functions/ outside every package (a folder without `__init__.py`, a module directly in functions/)
would be seen by none of them, so it fails the check too, named.
"""

from __future__ import annotations

import json
import sys
import tempfile
import tomllib
from pathlib import Path
from typing import Any

SHARED = "common"
TOOLING = "greenlight"


def function_packages(functions: Path) -> list[str]:
    """Every package directly under functions/ (a folder with an __init__.py), `common` included."""
    return sorted(p.parent.name for p in functions.glob("*/__init__.py"))


def unseen_code(functions: Path) -> list[str]:
    """Python code under functions/ that no contract would see: a module directly in functions/, or one in a folder
    without an `__init__.py` (Lambda imports `newfn.app.handler` from it as a namespace package all the same)."""
    found = []
    for module in sorted(functions.rglob("*.py")):
        folder = module.parent
        if "__pycache__" in folder.parts:
            continue
        if folder == functions or not (folder / "__init__.py").is_file():
            found.append(module.relative_to(functions.parent).as_posix())
    return found


def function_contracts(packages: list[str]) -> list[dict[str, Any]]:
    """The functions' rules as import-linter contracts, over the packages given."""
    functions = [package for package in packages if package != SHARED]
    return [
        {
            "name": "functions/: each function stands alone on common, importing no other function's package",
            "type": "independence",
            "modules": functions,
        },
        {
            "name": "functions/: common imports no function's package",
            "type": "forbidden",
            "source_modules": [SHARED],
            "forbidden_modules": functions,
        },
        {
            "name": "functions/: Lambda code never imports greenlight (the local tooling is not shipped to Lambda)",
            "type": "forbidden",
            "source_modules": packages,
            "forbidden_modules": [TOOLING],
        },
        {
            "name": "functions/: no module imports itself through others, lazy imports included",
            "type": "acyclic_modules",
            "packages": packages,
        },
    ]


def options(root: Path) -> dict[str, Any]:
    """pyproject.toml's import-linter options with the functions' packages and contracts added."""
    written = tomllib.loads((root / "pyproject.toml").read_text())["tool"]["importlinter"]
    packages = function_packages(root / "functions")
    return {
        **written,
        "root_packages": [*written["root_packages"], *packages],
        "contracts": [*written["contracts"], *function_contracts(packages)],
    }


def _toml_value(value: Any) -> str:
    return json.dumps(value)  # strings, lists of strings, numbers and booleans are written alike in TOML


def as_toml(found: dict[str, Any]) -> str:
    """The options as a config file import-linter reads (`[tool.importlinter]`)."""
    lines = ["[tool.importlinter]"]
    lines += [f"{key} = {_toml_value(value)}" for key, value in found.items() if key != "contracts"]
    for contract in found["contracts"]:
        lines += ["", "[[tool.importlinter.contracts]]"]
        lines += [f"{key} = {_toml_value(value)}" for key, value in contract.items()]
    return "\n".join(lines) + "\n"


def check(root: Path, cache_dir: str | None = None) -> bool:
    """Every contract, greenlight's and the functions', in one import-linter run; its report on stdout."""
    from importlinter.cli import EXIT_STATUS_SUCCESS, lint_imports

    for path in (str(root), str(root / "functions")):
        if path not in sys.path:
            sys.path.insert(0, path)
    with tempfile.TemporaryDirectory() as folder:
        config = Path(folder) / "importlinter.toml"
        config.write_text(as_toml(options(root)))
        status = lint_imports(
            config_filename=str(config), cache_dir=cache_dir, no_cache=cache_dir is None, no_logo=True
        )
    unseen = unseen_code(root / "functions")
    if unseen:  # said after import-linter's report, so that it is the last thing read
        print(
            "Python code that no import rule sees (a function is a package: give its folder an __init__.py): "
            + ", ".join(unseen)
        )
    return bool(status == EXIT_STATUS_SUCCESS) and not unseen


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    root = Path(args[0]).resolve() if args else Path.cwd()
    return 0 if check(root, cache_dir=str(root / ".import_linter_cache")) else 1


if __name__ == "__main__":
    sys.exit(main())
