"""Generated inputs: 1,000 hook events that never make the hook raise, 1,000 configs whose errors name the field."""

from __future__ import annotations

import string
from datetime import UTC, datetime
from typing import Any

import boto3
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import hook.app
from common.config import ConfigError, GreenlightConfig, dump, parse_document, validate
from greenlight.engine.conformance import check
from tests.support.stubs import RecordingCodeDeploy

EXAMPLES = settings(max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
OUTCOMES = {"started", "already-started", "ignored", "start-failed:reported", "start-failed:already-completed"}
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4),
    max_leaves=12,
)


class RecordingSfn:
    """StartExecution as Step Functions answers it (a conforming answer, boto3's own exception), recorded."""

    exceptions = boto3.client("stepfunctions", region_name="us-east-1").exceptions

    def __init__(self) -> None:
        self.names: list[str] = []

    def start_execution(self, *, stateMachineArn: str, name: str, input: str) -> dict[str, Any]:  # noqa: N803
        if name in self.names:
            error = {"Error": {"Code": "ExecutionAlreadyExists", "Message": name}}
            raise self.exceptions.ExecutionAlreadyExists(error, "StartExecution")
        self.names.append(name)
        answer = {"executionArn": f"{stateMachineArn.replace(':stateMachine:', ':execution:')}:{name}"}
        return dict(check("stepfunctions", "StartExecution", answer | {"startDate": datetime.now(UTC)}))


ids = st.text(alphabet=string.printable + "é/#%:", min_size=1, max_size=300)
hook_events = st.one_of(
    st.fixed_dictionaries({"DeploymentId": ids, "LifecycleEventHookExecutionId": ids}),
    st.fixed_dictionaries({}, optional={"DeploymentId": json_values, "LifecycleEventHookExecutionId": json_values}),
    st.dictionaries(st.text(max_size=20), json_values, max_size=5),
    json_values,
)


@EXAMPLES
@given(event=hook_events)
def test_the_hook_never_raises(event: Any, lambda_context: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    sfn, codedeploy = RecordingSfn(), RecordingCodeDeploy()
    clients = {"stepfunctions": sfn, "codedeploy": codedeploy}
    monkeypatch.setattr(hook.app, "client", lambda service: clients[service])
    monkeypatch.setenv("STATE_MACHINE_ARN", "arn:aws:states:us-east-1:123456789012:stateMachine:greenlight")
    result = hook.app.handler(event, lambda_context)
    assert result["outcome"] in OUTCOMES
    # A well-formed event starts exactly one execution, with a valid name; anything else starts nothing.
    assert len(sfn.names) == (result["outcome"] == "started")
    for name in sfn.names:
        assert len(name) <= 80 and set(name) <= set(string.ascii_lowercase + string.digits + "-")
    assert codedeploy.callbacks == []  # the start never failed, so nobody was told Failed


def _leaf_paths(document: dict[str, Any], prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    paths = []
    for key, value in document.items():
        if isinstance(value, dict) and value:
            paths += _leaf_paths(value, (*prefix, key))
        else:
            paths.append((*prefix, key))
    return paths


DEFAULTS = dump(GreenlightConfig())
LEAVES = _leaf_paths(DEFAULTS)
SECTIONS = [path for path in _leaf_paths({k: v for k, v in DEFAULTS.items() if isinstance(v, dict)})]


def _set(document: dict[str, Any], path: tuple[str, ...], value: Any) -> dict[str, Any]:
    result = dict(document)
    if len(path) == 1:
        result[path[0]] = value
    else:
        result[path[0]] = _set(result.get(path[0], {}), path[1:], value)
    return result


def _config_error(document: dict[str, Any]) -> str | None:
    try:
        validate(document, "generated")
    except ConfigError as error:
        return str(error)
    return None


@EXAMPLES
@given(
    path=st.sampled_from(LEAVES),
    value=json_values,
    extra=st.booleans(),
    name=st.text(string.ascii_lowercase, min_size=3, max_size=8),
)
def test_every_invalid_config_names_the_offending_field(
    path: tuple[str, ...], value: Any, extra: bool, name: str
) -> None:
    # GIVEN the defaults with one field set to a generated value, or one unknown key added
    if extra:
        path = (*path[:-1], f"x_{name}")
    reason = _config_error(_set(DEFAULTS, path, value))
    assume(reason is not None)  # else the value happened to be valid for that field
    # THEN the reason names that field
    assert ".".join(path) in str(reason)


@EXAMPLES
@given(text=st.text(max_size=200))
def test_any_text_is_a_mapping_or_a_config_error(text: str) -> None:
    try:
        parsed: object = parse_document(text, "generated")
    except ConfigError as error:
        parsed = str(error)
    assert isinstance(parsed, dict) or "config generated" in parsed
