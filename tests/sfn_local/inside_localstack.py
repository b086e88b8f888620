"""Runs inside LocalStack's own process (its venv, Python 3.13): greenlight's bridge, then LocalStack itself.

Started by tests/sfn_local/localstack_process.py as `python -I <this file>`, never imported by the test suite. With
GREENLIGHT_BRIDGE_URL set, the Step Functions interpreter's calls that LocalStack's free edition cannot serve go
to greenlight's bridge instead (tests/sfn_local/bridge.py, in the test process, where the real handlers run in
front of the AWS stand-in):

- Lambda tasks (`lambda:invoke`): LocalStack runs functions only in Docker. `_invoke_lambda_function` is
  replaced by the same call, the same boto3 `invoke` with the same parameters and the same reading of its
  answer, sent to the bridge's endpoint instead of LocalStack's own Lambda service.
- aws-sdk tasks of CodeDeploy (`aws-sdk:codedeploy:*`): the free edition has no CodeDeploy. The aws-sdk task's
  client for that service is one of the bridge's endpoint; every other service keeps LocalStack's client.

Both are private functions of one LocalStack version (PINNED_LOCALSTACK); tests/sfn_local/test_localstack_canary.py
fails the day an upgrade moves or changes what is replaced here. Everything else, the interpretation of the ASL
included, is LocalStack's own.

A watchdog stops LocalStack when the process that started it is gone, so no run leaves one behind.
"""

from __future__ import annotations

import atexit
import os
import shutil
import signal
import sys
import threading
import time
from importlib.metadata import version
from typing import Any

PINNED_LOCALSTACK = "2026.3.0"
BRIDGED_SDK_SERVICES = frozenset({"codedeploy"})
WATCH_INTERVAL_S = 0.5
EXIT_GRACE_S = 10.0


def _bridge_client(service: str, region: str) -> Any:
    import boto3
    from localstack.services.stepfunctions.asl.utils.boto_client import _BOTO_CLIENT_CONFIG

    return boto3.client(
        service,
        region_name=region,
        endpoint_url=os.environ["GREENLIGHT_BRIDGE_URL"],
        aws_access_key_id="bridge",
        aws_secret_access_key="bridge",  # the bridge is on loopback and checks no signature
        config=_BOTO_CLIENT_CONFIG,  # LocalStack's own: one attempt, its timeouts
    )


def install_bridge() -> None:
    from localstack.services.stepfunctions.asl.component.state.state_execution.state_task import lambda_eval_utils
    from localstack.services.stepfunctions.asl.component.state.state_execution.state_task.service import (
        state_task_service_aws_sdk,
    )

    def invoke_lambda_function(parameters: dict[str, Any], region: str, state_credentials: Any) -> Any:
        response = _bridge_client("lambda", region).invoke(**parameters)
        response["Payload"] = lambda_eval_utils._from_payload(response["Payload"])
        return response

    localstack_client_for = state_task_service_aws_sdk.boto_client_for

    def aws_sdk_client_for(service: str, region: str, state_credentials: Any) -> Any:
        if service in BRIDGED_SDK_SERVICES:
            return _bridge_client(service, region)
        return localstack_client_for(service=service, region=region, state_credentials=state_credentials)

    lambda_eval_utils._invoke_lambda_function = invoke_lambda_function
    state_task_service_aws_sdk.boto_client_for = aws_sdk_client_for


def watch_parent(parent: int) -> None:
    """Stop LocalStack (as SIGTERM does) once `parent` has gone, removing the temporary folder it was given, which
    its parent can no longer remove; exit outright if that does not end it."""
    while os.getppid() == parent:
        time.sleep(WATCH_INTERVAL_S)
    if folder := os.environ.get("GREENLIGHT_LOCALSTACK_FOLDER"):
        atexit.register(shutil.rmtree, folder, ignore_errors=True)
    os.kill(os.getpid(), signal.SIGTERM)
    time.sleep(EXIT_GRACE_S)
    os._exit(1)


def main() -> None:
    if (found := version("localstack-core")) != PINNED_LOCALSTACK:
        sys.exit(f"greenlight's bridge is pinned to localstack-core {PINNED_LOCALSTACK}, found {found}")
    threading.Thread(target=watch_parent, args=(os.getppid(),), daemon=True, name="greenlight-watchdog").start()
    if os.environ.get("GREENLIGHT_BRIDGE_URL"):
        install_bridge()
    from localstack.runtime.main import main as run_localstack

    run_localstack()


if __name__ == "__main__":
    main()
