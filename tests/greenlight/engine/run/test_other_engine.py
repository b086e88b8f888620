"""What lets another Step Functions run the workflow, checked without one: the bridge's answers on the wire, and the
options that point a run elsewhere. The parity tier (tests/sfn_local/test_parity.py) runs them on LocalStack."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from greenlight.engine import LocalEngine
from greenlight.engine.run.local_run import LocalRunError, LocalRunOptions, run_local
from greenlight.project import Project
from tests.sfn_local.bridge import Bridge

pytestmark = pytest.mark.engine


@pytest.fixture
def bridged(project: Project) -> Iterator[tuple[Bridge, LocalEngine]]:
    with Bridge() as bridge, LocalEngine(project) as engine:
        bridge.attach(engine)
        yield bridge, engine
        bridge.detach()


def client_of(bridge: Bridge, service: str) -> Any:
    """A client of the bridge as LocalStack's are: one attempt, any credentials."""
    return boto3.client(  # type: ignore[call-overload]
        service,
        endpoint_url=bridge.url,
        region_name="us-east-1",
        aws_access_key_id="bridge",
        aws_secret_access_key="bridge",
        config=Config(retries={"total_max_attempts": 1}),
    )


def test_a_function_error_crosses_the_bridge_as_lambda_sends_it(bridged: tuple[Bridge, LocalEngine]) -> None:
    # GIVEN Finalize crashes
    bridge, engine = bridged

    def crash() -> None:
        raise RuntimeError("finalize crashed")

    engine.break_function("FinalizeFunction", crash)
    # WHEN it is invoked through the bridge by ARN, as a Lambda task does
    arn = engine.clients["lambda"].get_function(FunctionName=engine.function_names["FinalizeFunction"])
    answer = client_of(bridge, "lambda").invoke(FunctionName=arn["Configuration"]["FunctionArn"], Payload=b"{}")
    # THEN the function error comes back as Lambda's Invoke carries it: status 200, X-Amz-Function-Error, the payload
    assert answer["StatusCode"] == 200 and answer["FunctionError"]
    payload = json.loads(answer["Payload"].read())
    assert (payload["errorType"], payload["errorMessage"]) == ("RuntimeError", "finalize crashed")
    assert bridge.requests == ["lambda:greenlight-local-FinalizeFunction"]


def test_an_api_error_crosses_the_bridge_with_its_code_and_a_request_id(bridged: tuple[Bridge, LocalEngine]) -> None:
    # GIVEN Lambda answers ServiceException once the hook has run (it ignores an empty event), and CodeDeploy has no
    # such deployment
    bridge, engine = bridged
    engine.fail_invocations_after("HookFunction", "ServiceException")
    # WHEN each is called through the bridge
    with pytest.raises(ClientError) as lambda_error:
        client_of(bridge, "lambda").invoke(FunctionName=engine.function_names["HookFunction"], Payload=b"{}")
    with pytest.raises(ClientError) as codedeploy_error:
        client_of(bridge, "codedeploy").put_lifecycle_event_hook_execution_status(
            deploymentId="d-NOSUCH123", lifecycleEventHookExecutionId="hook-1", status="Failed"
        )
    # THEN botocore reads the same error codes, and the request id every AWS answer carries
    for caught, code in ((lambda_error, "ServiceException"), (codedeploy_error, "DeploymentDoesNotExistException")):
        assert caught.value.response["Error"]["Code"] == code
        assert caught.value.response["ResponseMetadata"]["RequestId"]


def test_without_an_engine_attached_the_bridge_answers_unavailable(bridged: tuple[Bridge, LocalEngine]) -> None:
    bridge, _ = bridged
    bridge.detach()
    with pytest.raises(ClientError) as error:
        client_of(bridge, "lambda").invoke(FunctionName="anything", Payload=b"{}")
    assert error.value.response["ResponseMetadata"]["HTTPStatusCode"] == 503


def test_another_step_functions_runs_the_codedeploy_path_only(project: Project) -> None:
    options = LocalRunOptions(
        target_url="http://127.0.0.1:9", controller="ecs", stepfunctions_endpoint="http://127.0.0.1:9"
    )
    with pytest.raises(LocalRunError, match="CodeDeploy path only"):
        run_local(options, project)
