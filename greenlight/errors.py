"""`GreenlightError`, the base of every error greenlight reports to a person, as the command line catches it.

It is defined in the functions' `common.errors` (Lambda code cannot import `greenlight`) and re-exported here.
`common` lives in the project's functions/ folder, the Lambda task root, which the engine puts on sys.path before
it runs a handler (`Project.add_task_root`); greenlight's own errors need the class sooner, when their modules are
imported, so the folder is put there now, found as `Project.find` finds the project (`is_project`: this folder or the
nearest above holding template.yaml, statemachines/ and functions/common/, else the installed package's parent).
"""

from __future__ import annotations

import importlib.machinery
import importlib.util
import sys
from pathlib import Path

FUNCTIONS = "functions"  # the template's Globals CodeUri


def is_project(folder: Path) -> bool:
    """greenlight's project: template.yaml, statemachines/ and the functions' `common` (a SAM project of the user's own
    has the first two, and is not it)."""
    try:
        return (
            (folder / "template.yaml").is_file()
            and (folder / "statemachines").is_dir()
            and (folder / FUNCTIONS / "common" / "errors.py").is_file()
        )
    except PermissionError:  # a folder above that this user may not search (a uid of a container's own): not it
        return False


def _task_root() -> Path | None:
    start = Path.cwd()
    for folder in [start, *start.parents, Path(__file__).resolve().parents[1]]:
        if is_project(folder):
            return (folder / FUNCTIONS).resolve()
    return None


def _ours(spec: importlib.machinery.ModuleSpec | None, task_root: Path | None) -> bool:
    """`common` as found is the functions' own: a `common` of the user's (their project on PYTHONPATH, a
    distribution with a top-level `common`) is not, and must not hide it."""
    if spec is None:
        return False
    locations = [Path(location).resolve() for location in spec.submodule_search_locations or []]
    if task_root is not None:
        return task_root / "common" in locations
    return any((location / "errors.py").is_file() for location in locations)


def _put_functions_on_path() -> None:
    task_root = _task_root()
    if _ours(importlib.util.find_spec("common"), task_root) or task_root is None:
        return
    if str(task_root) in sys.path:
        sys.path.remove(str(task_root))
    sys.path.insert(0, str(task_root))  # before any other `common`, as the Lambda runtime puts its task root first


_put_functions_on_path()

from common.errors import GreenlightError  # noqa: E402

__all__ = ["GreenlightError", "is_project"]
