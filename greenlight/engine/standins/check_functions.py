"""Lambda checks on the local engine: a handler of the user's, given as `NAME=module:function`, stands for the
function NAME a config's `lambda_checks` invokes.

The function is created in the local Lambda (moto) as NAME, with the alias or version a config may name after a
colon, and invoked through Lambda's Invoke API by the custom checks function, in this process, as greenlight's own
functions are (patches.lambda_invoke): a handler that raises answers with `FunctionError` and the runtime's error
object, as on AWS.
"""

from __future__ import annotations

import importlib
import importlib.util
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from greenlight.errors import GreenlightError

FUNCTION_NAME = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
Handler = Callable[[dict[str, Any], Any], Any]


class CheckFunctionError(GreenlightError, ValueError):
    """A --check-function that cannot stand for a Lambda function; the message is one line."""


def parse(given: str, prefix: str) -> tuple[str, str]:
    """`NAME=module:function` (or `path/to/file.py:function`) -> (NAME, the handler's reference)."""
    name, equals, reference = given.partition("=")
    if not (equals and name and ":" in reference):
        raise CheckFunctionError(f"--check-function takes NAME=module:function, got {given!r}")
    if not FUNCTION_NAME.match(name):
        raise CheckFunctionError(f"--check-function {name!r} is not a Lambda function name (letters, digits, - and _)")
    if not name.startswith(prefix):
        raise CheckFunctionError(
            f"--check-function {name} does not start with {prefix}, the stack's CheckFunctionPrefix: the stack may "
            f"invoke only functions named {prefix}*"
        )
    return name, reference


def load(reference: str) -> Handler:
    """The handler `module:function`, imported from the current folder, or `file.py:function`."""
    module_name, _, attribute = reference.rpartition(":")
    try:
        if module_name.endswith(".py") or "/" in module_name:
            path = Path(module_name).resolve()
            spec = importlib.util.spec_from_file_location(f"greenlight_check_{path.stem}", path)
            if spec is None or spec.loader is None:
                raise ImportError(f"cannot load {path}")
            module = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(module)
        else:
            if str(Path.cwd()) not in sys.path:
                sys.path.append(str(Path.cwd()))
            module = importlib.import_module(module_name)
        handler = getattr(module, attribute)
    except (ImportError, AttributeError, OSError, SyntaxError) as error:
        raise CheckFunctionError(f"--check-function cannot load {reference}: {error}") from error
    if not callable(handler):
        raise CheckFunctionError(f"--check-function {reference} is not a function")
    return handler  # type: ignore[no-any-return]


def load_all(functions: dict[str, str], prefix: str) -> dict[str, Handler]:
    """Each function's handler (name -> `module:function`), loaded now, before anything runs."""
    parsed = [parse(f"{name}={reference}", prefix) for name, reference in functions.items()]
    return {name: load(reference) for name, reference in parsed}


def qualifiers(config: Any) -> dict[str, set[str]]:
    """The aliases or versions each Lambda check of the config names (`name:alias`), by function name."""
    found: dict[str, set[str]] = {}
    for check in config.lambda_checks:
        name, _, qualifier = check.function.partition(":")
        if qualifier and qualifier != "$LATEST":
            found.setdefault(name, set()).add(qualifier)
    return found


def deploy(lambda_client: Any, role: str, name: str, code: bytes, aliases: set[str]) -> None:
    """Create the function in the local Lambda; a published version and each alias the config names point at it.
    Its handler runs in this process (the engine's settings name it), so `code` is a placeholder."""
    lambda_client.create_function(
        FunctionName=name, Role=role, Runtime="python3.12", Handler="check.handler", Timeout=900, Code={"ZipFile": code}
    )
    if aliases:
        version = lambda_client.publish_version(FunctionName=name)["Version"]
        for alias in sorted(aliases - {version}):
            if not alias.isdigit():
                lambda_client.create_alias(FunctionName=name, Name=alias, FunctionVersion=version)
