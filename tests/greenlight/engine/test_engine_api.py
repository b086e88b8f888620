"""The engine's public names are in `greenlight.engine`, each imported on first use: the command line's help and
usage errors import no engine (moto, its interpreter, boto3 take a second or more)."""

from __future__ import annotations

import importlib
import json
import subprocess
import sys

import pytest

import greenlight.engine
from tests.conftest import ROOT

PROBE = """
import json, sys
from greenlight.cli.main import main
for argv in (["--help"], ["bogus"]):
    try:
        main(argv)
    except SystemExit:
        pass
print(json.dumps(sorted(m for m in sys.modules if m.startswith(("moto", "boto3", "botocore", "greenlight.engine")))))
"""


def test_every_public_name_resolves_to_its_module_s_own() -> None:
    assert set(greenlight.engine.__all__) >= {"LocalEngine", "run_local", "LocalRunOptions", "LocalRunResult"}
    for name in greenlight.engine.__all__:
        value = getattr(greenlight.engine, name)
        home = importlib.import_module(getattr(value, "__module__", "greenlight.engine.interface"))
        assert getattr(home, name) is value, name  # the object its own module holds under that name, not another
    with pytest.raises(AttributeError):
        _ = greenlight.engine.no_such_name


def test_the_help_and_a_usage_error_import_no_engine() -> None:
    done = subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, capture_output=True, text=True, check=True)
    imported = json.loads(done.stdout.splitlines()[-1])
    assert imported == ["greenlight.engine", "greenlight.engine.interface"]
