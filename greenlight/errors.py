"""`GreenlightError`, the base of every error greenlight reports to a person, as the command line catches it.

It is defined in the functions' `common.errors` (Lambda code cannot import `greenlight`) and re-exported here.
`common` lives in the project's functions/ folder, the Lambda task root, which the engine puts on sys.path before
it runs a handler (`Project.add_task_root`); greenlight's own errors need the class sooner, when their modules are
imported, so the folder is put there now, found as `Project.find` finds the project (this folder or the nearest
above holding template.yaml and statemachines/, else the installed package's parent).
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

FUNCTIONS = "functions"  # the template's Globals CodeUri


def _put_functions_on_path() -> None:
    if importlib.util.find_spec("common") is not None:
        return
    start = Path.cwd()
    for folder in [start, *start.parents, Path(__file__).resolve().parents[1]]:
        if (folder / "template.yaml").is_file() and (folder / "statemachines").is_dir():
            task_root = str((folder / FUNCTIONS).resolve())
            if (folder / FUNCTIONS / "common" / "errors.py").is_file() and task_root not in sys.path:
                sys.path.insert(0, task_root)
                return


_put_functions_on_path()

from common.errors import GreenlightError  # noqa: E402

__all__ = ["GreenlightError"]
