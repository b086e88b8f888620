"""The MockConfigFile test cases on a second Step Functions engine: LocalStack's (`make sfn-localstack`, no
Docker) or Step Functions Local in Docker (`make sfn-local`, SFN_LOCAL_ENDPOINT), each started with
tests/MockConfigFile.json. The same cases run on the embedded engine in every `make test`.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from typing import Any

import boto3
import pytest

from greenlight.engine.run.local_engine import STATE_MACHINE_NAME
from greenlight.project import Project, resolve, substitute
from tests.support.mock_cases import EXPECTED, assert_case

# LocalStack starts in the first test of the session (about 2 s idle; up to READY_DEADLINE_S on a busy machine).
pytestmark = [pytest.mark.sfn_local, pytest.mark.timeout(300)]


@pytest.fixture(scope="module")
def machine(project: Project, sfn_endpoint: str) -> Iterator[tuple[Any, str]]:
    # Credentials of its own: this module-scoped client is made before any test's environment is (fake keys).
    sfn = boto3.client(
        "stepfunctions",
        endpoint_url=sfn_endpoint,
        region_name="us-east-1",
        aws_access_key_id="123456789012",
        aws_secret_access_key="local",
    )
    # Every Task is mocked, so function ARNs need only be well formed; the timeout is the template's default.
    refs = {"AWS::Partition": "aws", **project.parameter_defaults()}
    refs |= {f"{name}.Arn": f"arn:aws:lambda:us-east-1:123456789012:function:{name}" for name in project.functions()}
    _, substitutions = project.state_machine()
    values = {name: resolve(value, refs) for name, value in substitutions.items()}
    definition = substitute(project.definition_text(), values)
    role = "arn:aws:iam::123456789012:role/DummyRole"
    arn = sfn.create_state_machine(name=STATE_MACHINE_NAME, definition=definition, roleArn=role)["stateMachineArn"]
    yield sfn, arn
    sfn.delete_state_machine(stateMachineArn=arn)


@pytest.mark.parametrize("case", sorted(EXPECTED))
def test_mock_config_case_on_a_second_engine(machine: tuple[Any, str], case: str) -> None:
    sfn, arn = machine
    execution_arn = sfn.start_execution(
        stateMachineArn=f"{arn}#{case}",
        name=f"{case}-{uuid.uuid4().hex[:8]}",
        input='{"deployment_id": "d-MOCK12345", "lifecycle_event_hook_execution_id": "hook-1"}',
    )["executionArn"]
    deadline = time.monotonic() + 60
    while (described := sfn.describe_execution(executionArn=execution_arn))["status"] == "RUNNING":
        assert time.monotonic() < deadline, f"{case} still running after 60 s"
        time.sleep(0.2)
    events = sfn.get_execution_history(executionArn=execution_arn, maxResults=1000)["events"]
    assert_case(case, described["status"], described.get("error"), events)
