"""The fault matrix: every fault greenlight must survive, with the one callback CodeDeploy must then receive.

tests/statemachines/test_fault_matrix.py runs each entry on the embedded engine (tests/support/fault_runs.py; what a
fault does before the run is in tests/support/fault_setups.py); docs/fault-matrix.md is rendered from this table (a
test keeps it current); bench/fault_matrix.py prints the totals.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from greenlight.authoring.asl import TASK_TIMEOUT_MARGIN_S, title
from greenlight.authoring.generate import function_timeout, registry
from greenlight.project import Project
from tests.conftest import ROOT
from tests.support.bad_configs import alias_bomb
from tests.support.fault_setups import (
    Setup,
    api_faults,
    broken,
    finalize_crashes_and_report_failed_is_throttled,
    hangs,
    no_green_task_set,
    raises,
    stored_config,
    verdict_already_in,
)
from tests.support.hostile import Hostile
from tests.support.servers import Behaviour

REDOS_EXPECTATION = {"headers": {"X-Bait": "^(a+)+$"}}  # exponential in a backtracking engine on the bait
JSON_EXPECTATION = {"json": [{"path": "a", "exists": True}]}
# Task timeouts (function timeout + 30 s) x 0.005: Prepare and Finalize 0.45 s, health 4.35 s, metrics 2.25 s.
TIGHT_TIMEOUTS = 0.005
VERDICT, OUTAGE_ALLOWED = "Greenlight Verdict", "Greenlight Outage Allowed"
ALLOW = {"stack_parameters": {"OutagePolicy": "allow"}}
PER_VALIDATION_VERDICT = "`Failed` (`Succeeded` for one in dry run)"


def _webhook_check(**settings: Any) -> dict[str, Any]:
    return {"webhooks": [{"name": "smoke", "url": "{webhook}/smoke", "dry_run": False, **settings}]}


def _lambda_check(**settings: Any) -> dict[str, Any]:
    return {"lambda_checks": [{"name": "db", "function": "greenlight-check-db", "dry_run": False, **settings}]}


def _check_function(handler: str) -> dict[str, Any]:
    return {"check_functions": {"greenlight-check-db": f"tests.support.check_functions:{handler}"}}


@dataclass(frozen=True)
class Fault:
    name: str
    fault: str  # what goes wrong, for the table
    path: str  # how the workflow still delivers the verdict, for the table
    expected: str  # the one callback CodeDeploy must receive
    setup: Setup | None = None
    service: Behaviour | None = None  # a fault-mode server instead of the sample service
    hostile: Hostile | None = None  # or a service built to break the validators (tests/support/hostile.py)
    refuse_connections: bool = False
    options: dict[str, Any] = field(default_factory=dict)
    config: dict[str, Any] = field(default_factory=dict)
    evidence: str = ""  # text the verdict report must contain: the fault was really hit
    late_reports: int = 0  # later reports CodeDeploy answers LifecycleEventAlreadyCompleted (the safety net's)
    # The events greenlight must put on EventBridge, exactly: one per verdict it delivered, none for one it did not.
    announced: tuple[str, ...] = (VERDICT,)
    documented: str = ""  # the table's "receives" cell, when one row stands for a fault of each validation
    webhook: Behaviour | Hostile | None = None  # a team's webhook service, at {webhook} in the config's URLs


def _per_validation() -> list[Fault]:
    """A crash and a timeout of each validation's function, for every validation in the registry: an error result,
    which fails the deployment unless the validation is in dry run (a new one starts so)."""
    project = Project.find(ROOT)
    faults = []
    for name, section in registry(project).items():
        function = f"Validate{title(name)}Function"
        expected = "Succeeded" if section().dry_run else "Failed"
        task_timeout_s = (function_timeout(project, name) + TASK_TIMEOUT_MARGIN_S) * TIGHT_TIMEOUTS
        faults += [
            Fault(
                f"{name}-raises",
                "a validation's function crashes (each in turn)",
                "Catch -> `<Name> Errored` (`error` result)",
                expected,
                broken(function, raises(f"{name} crashed")),
                evidence=f"{name} crashed",
                documented=PER_VALIDATION_VERDICT,
            ),
            Fault(
                f"{name}-times-out",
                "a validation runs past its task timeout (each in turn)",
                "States.Timeout -> Catch -> `<Name> Errored`",
                expected,
                broken(function, hangs(task_timeout_s + 1.0)),
                options={"timeout_scale": TIGHT_TIMEOUTS},
                evidence="States.Timeout",
                documented=PER_VALIDATION_VERDICT,
            ),
        ]
    return faults


FAULTS = [
    Fault("none", "nothing (control)", "all validations pass", "Succeeded", evidence="All validations passed"),
    *_per_validation(),
    Fault("prepare-api-error", "CodeDeploy GetDeployment refused (DeploymentDoesNotExist)",
          "Prepare: not ready, reason from AWS", "Failed",
          api_faults("codedeploy", "get_deployment", "DeploymentDoesNotExistException"),
          evidence="DeploymentDoesNotExistException"),
    Fault("prepare-no-green", "no GREEN task set", "Prepare: not ready", "Failed", no_green_task_set,
          evidence="has no GREEN task set"),
    Fault("prepare-bad-config", "invalid config in SSM", "Prepare: not ready, reason names the field", "Failed",
          stored_config("health: {consecutive_successes: 0}"), evidence="health.consecutive_successes"),
    Fault("prepare-crashes", "Prepare function crashes", "Catch -> Record Prepare Error", "Failed",
          broken("PrepareFunction", raises("prepare crashed")), evidence="prepare crashed"),
    Fault("finalize-fails", "Finalize cannot call back (AccessDenied, 5 invocations)",
          "Catch -> Report Failed (aws-sdk callback) -> Finalize Failed", "Failed",
          lambda engine, deployment: deployment.fail_callbacks(*["AccessDeniedException"] * 5),
          evidence="Greenlight.FinalizeFailed", late_reports=1, announced=()),
    Fault("report-failed-throttled", "Finalize crashes; the aws-sdk callback throttled once",
          "Catch -> Report Failed, state Retry on CodeDeploy.ThrottlingException -> Finalize Failed", "Failed",
          finalize_crashes_and_report_failed_is_throttled,
          evidence="Greenlight.FinalizeFailed", late_reports=1, announced=()),
    Fault("callback-throttled", "callback throttled 4 times, then accepted", "SDK retries, then state Retry",
          "Succeeded", lambda engine, deployment: deployment.fail_callbacks(*["ThrottlingException"] * 4),
          evidence="All validations passed"),
    Fault("callback-already-completed", "a verdict is already in (LifecycleEventAlreadyCompleted)",
          "Finalize treats it as done", "Failed", verdict_already_in,
          late_reports=1, announced=()),
    Fault("finalize-retried-after-delivery", "Finalize delivered, then Lambda answered ServiceException",
          "state Retry; the retry finds the verdict in, announces nothing", "Succeeded",
          lambda engine, deployment: engine.fail_invocations_after("FinalizeFunction", "ServiceException"),
          evidence='"callback":"already-completed"', late_reports=1),
    Fault("start-throttled", "StartExecution throttled (every SDK attempt)", "hook reports Failed at once", "Failed",
          api_faults("stepfunctions", "start_execution", *["ThrottlingException"] * 3),
          evidence="start-failed"),
    Fault("start-refused", "StartExecution refused (AccessDenied)", "hook reports Failed at once", "Failed",
          api_faults("stepfunctions", "start_execution", "AccessDeniedException"), evidence="start-failed"),
    Fault("start-throttled-allow", "StartExecution throttled (every SDK attempt), OutagePolicy allow",
          "hook reports Succeeded at once, audit event", "Succeeded",
          api_faults("stepfunctions", "start_execution", *["ThrottlingException"] * 3),
          options=ALLOW, evidence="outage-allowed:reported", announced=(OUTAGE_ALLOWED,)),
    Fault("start-refused-allow", "StartExecution refused (AccessDenied), OutagePolicy allow",
          "a misconfiguration: hook reports Failed at once", "Failed",
          api_faults("stepfunctions", "start_execution", "AccessDeniedException"),
          options=ALLOW, evidence="start-failed:reported"),
    Fault("hook-twice", "hook invoked twice for the same event", "ExecutionAlreadyExists: one execution", "Succeeded",
          options={"hook_invocations": 2}, evidence="All validations passed"),
    Fault("workflow-times-out", "the execution times out", "TIMED_OUT -> safety net reports Failed", "Failed",
          options={"time_scale": 1.0, "workflow_timeout_scale": 0.0005}, config={"metrics": {"bake_seconds": 2400}},
          evidence="TIMED_OUT"),
    Fault("workflow-aborted", "the execution is stopped", "ABORTED -> safety net reports Failed", "Failed",
          options={"time_scale": 1.0, "deadline_s": 1.0}, config={"metrics": {"bake_seconds": 2400}},
          evidence="ABORTED"),
    Fault("service-refuses", "the service refuses connections", "health, synthetic fail; ALB answers 502", "Failed",
          refuse_connections=True, evidence="Target.FailedHealthChecks"),
    Fault("service-resets", "the service resets connections", "health, synthetic fail", "Failed",
          service=Behaviour(reset=True), evidence="Target.FailedHealthChecks"),
    Fault("service-hangs", "the service hangs past every timeout", "per-request timeouts; health, synthetic fail",
          "Failed", service=Behaviour(hang_s=1.0), evidence="40 timeout"),
    Fault("service-5xx", "the service answers 500", "health, synthetic, metrics fail", "Failed",
          service=Behaviour(status=500), evidence="Target.ResponseCodeMismatch"),
    Fault("service-huge-body", "the service answers a 2 GiB body", "each read stops at the body cap; health, "
          "synthetic fail", "Failed", hostile=Hostile("gigabyte", hostile_health=True), evidence="body over 1 MiB"),
    Fault("service-endless-body", "the service answers an endless chunked body", "each read stops at the body cap; "
          "health, synthetic fail", "Failed", hostile=Hostile("endless", hostile_health=True),
          evidence="body over 1 MiB"),
    Fault("service-trickles", "the service trickles its body a byte at a time", "each request ends at its deadline; "
          "health, synthetic fail", "Failed", hostile=Hostile("trickle", hostile_health=True, trickle_interval=0.05),
          evidence="no complete answer within"),
    Fault("service-malformed", "the service answers a malformed status line", "the ALB's own 502; health, synthetic "
          "fail", "Failed", hostile=Hostile("bad-status", hostile_health=True), evidence="status 502"),
    Fault("service-huge-header", "the service answers a 1 MiB header", "the ALB's own 502; health, synthetic fail",
          "Failed", hostile=Hostile("big-header", hostile_health=True), evidence="Target.FailedHealthChecks"),
    Fault("service-redos-bait", "the service answers ReDoS bait to `^(a+)+$`", "RE2 judges it in linear time; "
          "synthetic fails, health passes", "Failed", hostile=Hostile("redos"),
          config={"synthetic": {"requests": [{"path": "/api/items", "expect": REDOS_EXPECTATION}]}},
          evidence="match /^(a+)+$/"),
    Fault("service-deep-json", "the service answers JSON nested 100,000 deep", "depth bound before parsing; "
          "synthetic fails", "Failed", hostile=Hostile("deep-json"),
          config={"synthetic": {"requests": [{"path": "/api/items", "expect": JSON_EXPECTATION}]}},
          evidence="nested deeper than 64 levels"),
    Fault("check-webhook-hangs", "a webhook check hangs", "the check's deadline: an `error` result, counted",
          "Failed", webhook=Behaviour(hang_s=10.0), config=_webhook_check(timeout_seconds=1),
          evidence="no complete answer within 1 s"),
    Fault("check-webhook-5xx", "a webhook check answers 503", "an `error` result naming the answer, counted",
          "Failed", webhook=Behaviour(status=503, body={"message": "down"}), config=_webhook_check(),
          evidence="the webhook answered HTTP 503"),
    Fault("check-webhook-huge-body", "a webhook check answers a 2 GiB body", "the read stops at 1 MiB: an `error` "
          "result, counted", "Failed", webhook=Hostile("gigabyte", hostile_health=True), config=_webhook_check(),
          evidence="body over 1 MiB"),
    Fault("check-lambda-raises", "a Lambda check raises", "FunctionError: an `error` result naming it, counted",
          "Failed", config=_lambda_check(), options=_check_function("raises"),
          evidence="KeyError: 'orders_table'"),
    Fault("check-lambda-times-out", "a Lambda check runs past its deadline", "the check's deadline: an `error` "
          "result, counted", "Failed", config=_lambda_check(timeout_seconds=1), options=_check_function("hangs"),
          evidence="gave no answer within 1 s"),
    Fault("config-alias-bomb", "a YAML alias bomb in SSM", "Prepare: not ready, reason names the alias", "Failed",
          stored_config(alias_bomb().decode()), evidence="YAML alias"),
    Fault("config-duplicate-keys", "a duplicate key in SSM", "Prepare: not ready, reason names the key", "Failed",
          stored_config("metrics: {max_5xx_rate: 0.01}\nmetrics: {enabled: false}\n"), evidence="twice"),
]  # fmt: skip


def markdown_table() -> str:
    lines = [
        "| Fault | How the verdict still arrives | CodeDeploy receives (exactly once) | EventBridge events (exactly) |",
        "|---|---|---|---|",
    ]
    rows = [
        f"| {f.fault} | {f.path} | {f.documented or f'`{f.expected}`'} | "
        f"{', '.join(f'`{a}`' for a in f.announced) or 'none'} |"
        for f in FAULTS
    ]
    lines += list(dict.fromkeys(rows))  # a row standing for each validation appears once
    return "\n".join(lines) + "\n"
