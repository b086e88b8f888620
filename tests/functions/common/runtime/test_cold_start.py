"""The hooks' cold start loads no pydantic: the three front doors (the CodeDeploy hook, the ECS Lambda hook, the ECS
pause hook) and the packages they stand on (common.runtime, common.ecs), each imported in a fresh interpreter as
Lambda imports a handler. Their failure paths load the announcing code (pydantic) only when they take it.

import-linter states the same rule as a contract on the import graph; this test checks what an import really loads,
third-party packages included (aws_lambda_powertools, botocore)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from tests.conftest import ROOT

pytestmark = pytest.mark.tool  # fresh interpreters

FUNCTIONS = ROOT / "functions"
HANDLERS = ["hook.app", "ecs_hook.app", "ecs_pause.app"]
SHARED = sorted(
    ".".join(path.relative_to(FUNCTIONS).with_suffix("").parts).removesuffix(".__init__")
    for package in ("runtime", "ecs")
    for path in (FUNCTIONS / "common" / package).glob("*.py")
)
PROBE = """
import importlib, json, sys
for module in sys.argv[1:]:
    importlib.import_module(module)
print(json.dumps(sorted(name for name in sys.modules if name.split(".")[0] in ("pydantic", "pydantic_core"))))
"""


def loaded_pydantic(*modules: str) -> list[str]:
    """What of pydantic a fresh interpreter holds once it has imported `modules`."""
    env = {**os.environ, "PYTHONPATH": str(FUNCTIONS), "AWS_DEFAULT_REGION": "us-east-1"}
    command = [sys.executable, "-c", PROBE, *modules]
    result = subprocess.run(command, cwd=FUNCTIONS, env=env, capture_output=True, text=True, timeout=60, check=True)
    return list(json.loads(result.stdout))


def test_the_shared_packages_are_found() -> None:
    assert {"common.runtime.names", "common.runtime.outage", "common.ecs.pause_hook"} <= set(SHARED)


def test_importing_the_handlers_and_what_they_stand_on_loads_no_pydantic() -> None:
    assert loaded_pydantic(*HANDLERS, *SHARED) == []  # all at once: if together they load none, none does


def test_the_probe_sees_pydantic_where_it_is_loaded() -> None:
    assert "pydantic" in loaded_pydantic("common.payload.models")
