"""Step Functions Local's MockConfigFile, read into moto's own MockTestCase (moto 5.2.5 stubs the loader)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from moto.stepfunctions.parser.mocking.mock_config import MockTestCase, _mock_test_case_from_raw
from pydantic import BaseModel, ConfigDict, RootModel, ValidationError


class MockConfigError(Exception):
    """The mock config file or the test case it names is missing or malformed."""


class _Throw(BaseModel):
    Error: str
    Cause: str = ""


class _Response(BaseModel):
    model_config = ConfigDict(extra="forbid")
    Return: RootModel[Any] | None = None
    Throw: _Throw | None = None


class _TestCase(RootModel[dict[str, str]]):
    pass


class _StateMachine(BaseModel):
    TestCases: dict[str, _TestCase]


class _MockConfig(BaseModel):
    StateMachines: dict[str, _StateMachine]
    MockedResponses: dict[str, dict[str, _Response]]


def read(path: Path) -> dict[str, Any]:
    try:
        document = json.loads(path.read_text())
        _MockConfig.model_validate(document)
    except (OSError, ValueError, ValidationError) as error:
        raise MockConfigError(f"mock config {path}: {error}".splitlines()[0]) from error
    return dict(document)


def case_names(document: dict[str, Any], machine_name: str) -> list[str]:
    return list(document.get("StateMachines", {}).get(machine_name, {}).get("TestCases", {}))


def load_test_case(document: dict[str, Any], machine_name: str, case: str) -> MockTestCase:
    raw = _MockConfig.model_validate(document)
    try:
        return _mock_test_case_from_raw(state_machine_name=machine_name, test_case_name=case, raw_mock_config=raw)
    except RuntimeError as error:
        raise MockConfigError(str(error)) from error
