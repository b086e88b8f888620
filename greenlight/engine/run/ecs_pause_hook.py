"""A local run through an Amazon ECS pause hook: ECS pauses the deployment, puts `HOOK_AWAITING_ACTION` on the local
default bus, and waits for ContinueServiceDeployment or the hook's timeout.

The event is the guide's (ecs_hooks.check_pause_event). The bus's rule is the template's own (its pattern, matched
by moto's pattern matching) with a queue as its target; the engine reads the queue and invokes the rule's function
with each delivered envelope, as EventBridge invokes a Lambda target (moto delivers to no Lambda target). The service
is a moto ECS service carrying the `greenlight:gate` tag (ListTagsForResource is moto's own). The hook times out after
`timeout_s` (its timeoutInMinutes, scaled by the time scale); once no workflow runs that could still answer it, the
timeout is played at once (ECS's timeout action, ROLLBACK, is what would follow). LINEAR and CANARY pause at
PRE_PRODUCTION_TRAFFIC_SHIFT before each step, each time with a new hookId (the guide).
"""

from __future__ import annotations

import json
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from moto.backends import get_backend

from greenlight.engine.guards import ecs_hooks
from greenlight.engine.patches.ecs import AWAITING, TIMED_OUT, ecs_stand_in, expire
from greenlight.engine.run.executions import Run
from greenlight.engine.standins.codedeploy import ACCOUNT, REGION

if TYPE_CHECKING:
    from greenlight.engine.run.local_engine import LocalEngine
    from greenlight.engine.run.results import LocalRunResult
    from greenlight.engine.standins.ecs import EcsDeployment

RULE = "greenlight-local-pause-hooks"
DETAIL_TYPE = "ECS Hook State Change"
GATE_TAG = "greenlight:gate"  # the functions' common.ecs.pause_hook.GATE_TAG
DEFAULT_TIMEOUT_MINUTES = 60  # examples/ecs-native's pause hook: timeoutInMinutes 60, action ROLLBACK


@dataclass
class PausePlay:
    """One deployment paused at its stage (at each production step of LINEAR and CANARY), and what happened."""

    deployment: EcsDeployment
    timeout_s: float  # the hook's timeout, on this run's clock
    deliveries: int = 1  # how many times EventBridge delivers each event (it may deliver one twice)
    gate: str | None = None  # the service's greenlight:gate tag (None: the stage played)
    others: int = 0  # other pause hooks awaiting action at each pause (another team's approval at the same stage)
    hooks: list[str] = field(default_factory=list)  # each step's hookId
    outcomes: list[str] = field(default_factory=list)  # what the front door did with each delivery
    timed_out_at_once: list[str] = field(default_factory=list)  # hooks nobody was left to answer
    # Fault injection: called after the front door took a step's event (the engine, the play, the hookId).
    after_delivery: Callable[[Any, PausePlay, str], None] | None = None


def _tag_service(engine: LocalEngine, deployment: EcsDeployment, gate: str) -> None:
    """The service as a moto ECS service, tagged: ListTagsForResource answers as moto does."""
    ecs, (cluster, service) = engine.clients["ecs"], deployment.service_arn.split(":service/", 1)[1].split("/")
    ecs.create_cluster(clusterName=cluster)
    ecs.register_task_definition(family=service, containerDefinitions=[{"name": "app", "image": "app", "memory": 128}])
    created = ecs.create_service(
        cluster=cluster, serviceName=service, taskDefinition=service, desiredCount=0,
        tags=[{"key": GATE_TAG, "value": gate}] if gate else [],
    )  # fmt: skip
    assert created["service"]["serviceArn"] == deployment.service_arn, created["service"]["serviceArn"]


def _rule(engine: LocalEngine) -> tuple[str, str]:
    """The template's pause hook rule on the local bus (its pattern), delivering to a queue: the queue, the function."""
    for logical_id, resource in engine.project.resources.items():
        for event in (resource.get("Properties") or {}).get("Events", {}).values():
            pattern = (event.get("Properties") or {}).get("Pattern") or {}
            if event.get("Type") == "EventBridgeRule" and DETAIL_TYPE in pattern.get("detail-type", []):
                sqs, events = engine.clients["sqs"], engine.clients["events"]
                url = sqs.create_queue(QueueName=RULE)["QueueUrl"]
                arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
                events.put_rule(Name=RULE, EventPattern=json.dumps(pattern))
                events.put_targets(Rule=RULE, Targets=[{"Id": "front-door", "Arn": arn}])
                return url, engine.function_names[logical_id]
    raise LookupError(f"template.yaml has no function with an EventBridge rule on {DETAIL_TYPE!r}")


def open_hook(deployment: EcsDeployment, timeout_s: float, others: int = 0) -> tuple[str, dict[str, Any]]:
    """ECS pauses: a new hookId, AWAITING_ACTION in the deployment's lifecycleHookDetails (with `others` hooks beside
    it, whose events are someone else's business), and its event's entry."""
    state = ecs_stand_in(get_backend("ecs")[ACCOUNT][REGION])
    now = datetime.now(UTC)
    expires = now + timedelta(seconds=timeout_s)
    hooks = ["ecs-pause-" + secrets.token_urlsafe(32) for _ in range(others + 1)]  # the guide's examples' form
    hook_id = hooks[0]
    for each in hooks:
        state.deployments[deployment.deployment_arn].setdefault("lifecycleHookDetails", []).append(
            {
                "hookId": each,
                "targetType": "PAUSE",
                "status": AWAITING,
                "expiresAt": expires,
                "timeoutAction": "ROLLBACK",
            }
        )
        state.hook_deadlines[each] = time.monotonic() + timeout_s
    detail = {
        "eventType": "INFO",
        "eventName": "HOOK_AWAITING_ACTION",
        "hookId": hook_id,
        "hookType": "PAUSE",
        "expiresAt": expires.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "lifecycleStage": deployment.stage,
        "clusterArn": deployment.wiring["cluster"],
        "serviceArn": deployment.service_arn,
        "serviceDeploymentArn": deployment.deployment_arn,
        "updatedAt": now.isoformat().replace("+00:00", "Z"),
    }
    entry = {
        "Source": "aws.ecs",
        "DetailType": DETAIL_TYPE,
        "Detail": json.dumps(detail),
        "Resources": [deployment.deployment_arn],
    }
    return hook_id, dict(ecs_hooks.check_pause_event(entry))


def deliver(engine: LocalEngine, queue_url: str, function: str) -> list[str]:
    """Invoke the rule's function with each event the rule matched, as EventBridge does; its outcomes."""
    sqs, outcomes = engine.clients["sqs"], []
    while messages := sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10).get("Messages", []):
        for message in messages:
            sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=message["ReceiptHandle"])
            response = engine.clients["lambda"].invoke(FunctionName=function, Payload=message["Body"])
            answer = json.loads(response["Payload"].read() or b"null")
            error = response.get("FunctionError") and (answer or {}).get("errorType", "error")
            outcomes.append(f"function error: {error}" if error else str((answer or {}).get("outcome")))
    return outcomes


def hook_status(hook_id: str) -> str:
    state = ecs_stand_in(get_backend("ecs")[ACCOUNT][REGION])
    expire(state)
    for deployment in state.deployments.values():
        for hook in deployment.get("lifecycleHookDetails") or []:
            if hook["hookId"] == hook_id:
                return str(hook["status"])
    return "not known"


def time_out_now(play: PausePlay, hook_id: str) -> None:
    """Nothing is left that could answer the hook: its timeout is played now."""
    state = ecs_stand_in(get_backend("ecs")[ACCOUNT][REGION])
    state.hook_deadlines[hook_id] = time.monotonic()
    expire(state)
    play.timed_out_at_once.append(hook_id)


def execution_arn(engine: LocalEngine, hook_id: str) -> str | None:
    """The execution the front door named from this hookId, if it started one."""
    arn = engine.execution_arn_for_hook(hook_id)
    try:
        engine.clients["stepfunctions"].describe_execution(executionArn=arn)
    except engine.clients["stepfunctions"].exceptions.ExecutionDoesNotExist:
        return None
    return arn


def play(
    engine: LocalEngine, pause: PausePlay, deadline_s: float, on_state: Callable[[dict[str, Any]], None] | None
) -> list[Run]:
    """Pause at the stage (each step), deliver the event, follow the workflow it starts; every execution's run."""
    deployment, runs, deadline = pause.deployment, [], time.monotonic() + deadline_s
    _tag_service(engine, deployment, deployment.stage if pause.gate is None else pause.gate)
    queue_url, function = _rule(engine)
    while True:
        hook_id, entry = open_hook(deployment, pause.timeout_s, pause.others)
        pause.hooks.append(hook_id)
        for _ in range(pause.deliveries):
            engine.clients["events"].put_events(Entries=[entry])
        pause.outcomes += deliver(engine, queue_url, function)
        if pause.after_delivery is not None:
            pause.after_delivery(engine, pause, hook_id)
        arn = execution_arn(engine, hook_id)
        if arn is not None:
            runs.append(engine.wait(arn, max(deadline - time.monotonic(), 1.0), on_state))
        if hook_status(hook_id) == AWAITING:
            time_out_now(pause, hook_id)
        if hook_status(hook_id) != "SUCCEEDED" or not deployment.advance():
            return runs


__all__ = ["DEFAULT_TIMEOUT_MINUTES", "TIMED_OUT", "PausePlay", "hook_status", "play"]


def pause_result(engine: LocalEngine, pause: PausePlay, runs: list[Run]) -> LocalRunResult:
    """The run's result: the last workflow's report, every ContinueServiceDeployment, and what ECS did: SUCCEEDED when
    every step's hook was continued, else the first step's FAILED (rolled back) or TIMED_OUT (its timeout action)."""
    from common.payload.models import Verdict
    from greenlight.engine.run.results import ContinueCall, result_of

    state = ecs_stand_in(get_backend("ecs")[ACCOUNT][REGION])
    run = runs[-1] if runs else Run("", "NOT_STARTED", None, None, None, 0.0)
    result = result_of(run, [], events=engine.recorded_events())
    steps = {hook_id: step for step, hook_id in enumerate(pause.hooks, start=1)}
    result.continue_calls = [
        ContinueCall(
            hook_id=c["hookId"], action=c["action"], accepted=c["accepted"], error=c.get("error"),
            step=steps.get(c["hookId"], 1),
        )
        for c in state.continue_calls
    ]  # fmt: skip
    statuses = [hook_status(hook_id) for hook_id in pause.hooks]
    final = next((s for s in statuses if s != "SUCCEEDED"), "SUCCEEDED")
    result.engine, result.ecs_hook, result.stage = "ecs", "pause", pause.deployment.stage
    result.hook_status, result.pause_outcomes = final, pause.outcomes
    result.verdict = Verdict.SUCCEEDED if final == "SUCCEEDED" else Verdict.FAILED
    if final == TIMED_OUT:
        answered = "greenlight did not answer" if not runs else "no answer ECS took arrived"
        result.reason = f"the pause hook timed out ({answered}); ECS takes its timeout action: ROLLBACK"
        if not runs and pause.outcomes:
            result.reason += f" (the front door: {', '.join(sorted(set(pause.outcomes)))})"
    elif result.report is None or result.report.verdict != result.verdict:
        taken = result.told_ecs
        result.reason = f"ECS was told {taken[-1].action}" if taken else result.reason
    return result
