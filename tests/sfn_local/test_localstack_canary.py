"""Canaries: what the bridge replaces in LocalStack (tests/sfn_local/inside_localstack.py) is still as measured.

They read LocalStack's own code in .venv-localstack, without starting it. When one fails after an upgrade of the
pinned version (tests/sfn_local/localstack-requirements.txt), the bridge must be revisited: LocalStack moved or
changed what it replaces, or closed the gap (Lambda without Docker, CodeDeploy in the free edition) and the
bridge can shrink.
"""

from __future__ import annotations

import json
import subprocess
from typing import Any

import pytest

from tests.sfn_local import localstack_process
from tests.sfn_local.conftest import NO_ENGINE, wants_localstack, without_localstack
from tests.sfn_local.inside_localstack import PINNED_LOCALSTACK

# Reading LocalStack's code imports much of it: seconds on an idle machine, more on a busy one.
pytestmark = [pytest.mark.sfn_local, pytest.mark.timeout(300)]

PROBE = """
import inspect, json
from importlib.metadata import entry_points, version
from localstack import config
from localstack.services.stepfunctions.asl.component.state.state_execution.state_task import lambda_eval_utils
from localstack.services.stepfunctions.asl.component.state.state_execution.state_task.service import (
    state_task_service_aws_sdk as aws_sdk,
)
from localstack.services.stepfunctions.asl.utils import boto_client

print(json.dumps({
    "version": version("localstack-core"),
    "invoke_parameters": list(inspect.signature(lambda_eval_utils._invoke_lambda_function).parameters),
    "invoke_source": inspect.getsource(lambda_eval_utils._invoke_lambda_function),
    "integration_source": inspect.getsource(lambda_eval_utils.execute_lambda_function_integration),
    "from_payload": callable(getattr(lambda_eval_utils, "_from_payload", None)),
    "client_for_parameters": list(inspect.signature(boto_client.boto_client_for).parameters),
    "aws_sdk_client_for_is_shared": aws_sdk.boto_client_for is boto_client.boto_client_for,
    "aws_sdk_source": inspect.getsource(aws_sdk.StateTaskServiceAwsSdk._eval_service_task),
    "client_retries": boto_client._BOTO_CLIENT_CONFIG.retries,
    "providers": sorted(e.name.split(":")[0] for e in entry_points(group="localstack.aws.provider")),
    "lambda_executor": config.LAMBDA_RUNTIME_EXECUTOR,
}))
"""


@pytest.fixture(scope="module")
def localstack_code() -> dict[str, Any]:
    if not wants_localstack():
        pytest.skip(NO_ENGINE)
    try:
        interpreter = localstack_process.python()
    except localstack_process.LocalStackUnavailableError as missing:
        without_localstack(str(missing))
    probe = subprocess.run([interpreter, "-I", "-c", PROBE], capture_output=True, text=True, timeout=120, check=True)
    return dict(json.loads(probe.stdout))


def test_localstack_is_the_pinned_version(localstack_code: dict[str, Any]) -> None:
    assert localstack_code["version"] == PINNED_LOCALSTACK


def test_lambda_tasks_still_go_through_the_function_the_bridge_replaces(localstack_code: dict[str, Any]) -> None:
    assert localstack_code["invoke_parameters"] == ["parameters", "region", "state_credentials"]
    # Called through the module's global, so replacing the module attribute takes effect
    assert "_invoke_lambda_function(" in localstack_code["integration_source"]
    # ... and the replacement does what it does, with another client: invoke(**parameters), then _from_payload
    source = localstack_code["invoke_source"]
    assert 'service="lambda"' in source and ".invoke(**parameters)" in source and "_from_payload(payload)" in source
    assert localstack_code["from_payload"]


def test_aws_sdk_tasks_still_get_their_client_where_the_bridge_replaces_it(localstack_code: dict[str, Any]) -> None:
    assert localstack_code["aws_sdk_client_for_is_shared"]
    assert localstack_code["client_for_parameters"] == ["service", "region", "state_credentials"]
    assert "boto_client_for(" in localstack_code["aws_sdk_source"]
    assert "service=service_name" in localstack_code["aws_sdk_source"]
    assert localstack_code["client_retries"] == {"total_max_attempts": 1}  # the bridge's clients use this config


def test_the_gaps_the_bridge_closes_are_still_there(localstack_code: dict[str, Any]) -> None:
    assert localstack_code["lambda_executor"] == "docker"  # its Lambda runs functions in containers only
    assert "codedeploy" not in localstack_code["providers"]  # the free edition has no CodeDeploy
    assert {"stepfunctions", "lambda"} <= set(localstack_code["providers"])
