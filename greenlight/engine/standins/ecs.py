"""The local stand-in for Amazon ECS native blue/green: a service deployment with a source and a target revision,
listener rules with a test condition on the production port, and ECS's side of the lifecycle hook.

Fields and enums as botocore's `ecs` and `elbv2` models spell them; every ECS answer passes the conformance check
(greenlight.engine.patches.ecs), every hook invocation the guide's shape (ecs_hooks.check_hook_event). The hook
is invoked as ECS invokes it, with the payload ECS sends at that stage, strategy and step (ecs_payloads), and again
after each `callBackDelay`, scaled by the engine's time scale. A LINEAR or CANARY deployment at a step stage plays
each of its production steps in turn, moving the rules' weights and the service deployment's requested weights.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from greenlight.engine.balancer.listener import ListenerSettings, TestListener
from greenlight.engine.balancer.rules import rule_matches
from greenlight.engine.core.context import EngineSettings
from greenlight.engine.guards import ecs_hooks
from greenlight.engine.standins.codedeploy import _listener, _load_balancer, _target_groups
from greenlight.engine.standins.ecs_payloads import FULL, Readings, hook_event, production_steps, weights
from greenlight.engine.standins.ecs_records import ECS_ARN, record

# The stand-in's test rule selects test requests by a header on the production port (any condition would do).
TEST_HEADER = "X-Greenlight-Test"
TEST_CONDITION = {"Field": "http-header", "HttpHeaderConfig": {"HttpHeaderName": TEST_HEADER, "Values": ["true"]}}
STEP_STAGES = ("PRE_PRODUCTION_TRAFFIC_SHIFT", "PRODUCTION_TRAFFIC_SHIFT")
BEFORE_TEST_TRAFFIC = ("RECONCILE_SERVICE", "PRE_SCALE_UP", "POST_SCALE_UP")


@dataclass
class EcsDeployment:
    """One service deployment paused at `stage` (at production step `step`), and every answer the hook gave ECS."""

    deployment_arn: str
    service_arn: str
    target_revision_arn: str
    source_revision_arn: str
    stage: str
    strategy: str
    listener: TestListener
    green_target_group_arn: str
    settings: EngineSettings
    rollback: bool = False
    readings: Readings = field(default_factory=Readings)
    step: int = 0
    hook_execution_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    answers: list[dict[str, Any]] = field(default_factory=list)
    step_answers: list[tuple[int, str, dict[str, Any]]] = field(default_factory=list)  # (step, executionId, answer)
    # Fault injection: called after each answer (with the engine and the answer), and further calls made after the
    # final answer, which ECS itself would not make (a late or duplicated invocation must change nothing).
    after_answer: Callable[[Any, EcsDeployment, dict[str, Any]], None] | None = None
    calls_after_final: int = 0
    wiring: dict[str, Any] = field(default_factory=dict)  # elbv2 client, rule ARNs, target groups, cluster

    @property
    def steps(self) -> list[float]:
        """GREEN's production share after each step this run plays (one, unless a gradual strategy at a step stage)."""
        shares = production_steps(self.strategy)
        return shares if self.stage in STEP_STAGES and not self.rollback else shares[-1:]

    def shares(self) -> tuple[float, float]:
        """GREEN's production share before and after the current step."""
        shares = self.steps
        return (shares[self.step - 1] if self.step else 0.0), shares[self.step]

    def weights(self) -> tuple[dict[str, float], dict[str, float]]:
        before, after = self.shares() if self.stage in STEP_STAGES else (0.0, FULL)
        return weights(
            self.stage, self.target_revision_arn, self.source_revision_arn, before, after, self.rollback, self.readings
        )

    def hook_event(self, hook_details: dict[str, Any] | None = None) -> dict[str, Any]:
        test, production = self.weights()
        event = hook_event(
            self.hook_execution_id,
            self.stage,
            self.deployment_arn,
            self.service_arn,
            self.target_revision_arn,
            test,
            production,
            hook_details,
        )
        return dict(ecs_hooks.check_hook_event(event))

    def green_shares(self) -> tuple[float, float]:
        """GREEN's weight in the test rule's and the production rule's forward actions at this stage and step."""
        if self.rollback:
            return 0.0, 0.0
        test = 0.0 if self.stage in BEFORE_TEST_TRAFFIC else FULL
        if self.stage == "PRE_PRODUCTION_TRAFFIC_SHIFT":
            return test, self.shares()[0]
        if self.stage == "PRODUCTION_TRAFFIC_SHIFT":
            return test, self.shares()[1]
        return test, FULL if self.stage == "POST_PRODUCTION_TRAFFIC_SHIFT" else 0.0

    def advance(self) -> bool:
        """Move to the next production step, as ECS does after a SUCCEEDED; False when there is none."""
        if self.step + 1 >= len(self.steps):
            return False
        self.step += 1
        if self.readings.new_execution_id_per_step:
            self.hook_execution_id = str(uuid.uuid4())
        self.apply()
        return True

    def apply(self) -> None:
        """Put this stage and step into the stand-in AWS: the rules' weights, the emulated listener's routing, and the
        service deployment as DescribeServiceDeployments gives it."""
        elbv2, rules = self.wiring["elbv2"], self.wiring["rules"]
        test, production = self.green_shares()
        for name, share in (("test", test), ("production", production)):
            elbv2.modify_rule(RuleArn=rules[name], Actions=_forward(self.wiring["groups"], share))
        held = {r["RuleArn"]: r for r in elbv2.describe_rules(RuleArns=list(rules.values()))["Rules"]}
        routes = [held[rules[name]] for name in ("test", "production")]  # as the ALB holds them, in priority order
        green = self.green_target_group_arn
        self.listener.settings.routes_to_green = lambda method, target, headers: _to_green(
            routes, green, method, target, headers
        )
        record(self, test, production)


def _forward(groups: dict[str, str], green: float) -> list[dict[str, Any]]:
    targets = [
        {"TargetGroupArn": groups["blue"], "Weight": int(FULL - green)},
        {"TargetGroupArn": groups["green"], "Weight": int(green)},
    ]
    return [{"Type": "forward", "ForwardConfig": {"TargetGroups": targets}}]


def _to_green(routes: list[dict[str, Any]], green: str, method: str, target: str, headers: Any) -> bool:
    """The first rule whose conditions the request meets decides; it reaches GREEN when that rule forwards to GREEN
    alone (a weighted rule would send most requests elsewhere: the stand-in runs no BLUE to serve them)."""
    for rule in routes:
        if rule_matches(rule["Conditions"], method, target, headers):
            groups = rule["Actions"][0]["ForwardConfig"]["TargetGroups"]
            return all(g["TargetGroupArn"] == green or not g.get("Weight") for g in groups)
    return False


def _rules(elbv2: Any, listener_arn: str, groups: dict[str, str]) -> dict[str, str]:
    """The test rule (its condition selects test requests on the production port) and the production rule; ECS
    shifts traffic by the weights of their forward actions (EcsDeployment.apply sets them per stage and step)."""
    test = elbv2.create_rule(
        ListenerArn=listener_arn, Priority=10, Conditions=[TEST_CONDITION], Actions=_forward(groups, 0.0)
    )
    production = elbv2.create_rule(
        ListenerArn=listener_arn,
        Priority=20,
        Conditions=[{"Field": "path-pattern", "PathPatternConfig": {"Values": ["/*"]}}],
        Actions=_forward(groups, 0.0),
    )
    return {"test": test["Rules"][0]["RuleArn"], "production": production["Rules"][0]["RuleArn"]}


def create_ecs_deployment(
    clients: dict[str, Any],
    upstream: str,
    health_path: str,
    settings: EngineSettings,
    names: tuple[str, str],
    stage: str = "POST_TEST_TRAFFIC_SHIFT",
    strategy: str = "BLUE_GREEN",
    rollback: bool = False,
    readings: Readings | None = None,
) -> EcsDeployment:
    """An ECS blue/green service deployment of service `names[1]` in cluster `names[0]` paused at `stage`, GREEN
    behind a real loopback listener that forwards to GREEN what a rule forwarding to GREEN alone selects."""
    elbv2 = clients["elbv2"]
    vpc, balancer_arn, balancer_dimension = _load_balancer(elbv2)
    groups = _target_groups(elbv2, vpc, health_path)
    dimensions = [
        {"Name": "TargetGroup", "Value": groups["green"].split(":", 5)[5]},
        {"Name": "LoadBalancer", "Value": balancer_dimension},
    ]
    listener = TestListener(ListenerSettings(upstream, health_path, dimensions=dimensions), clients["cloudwatch"])
    listener.start()
    try:
        cluster, service = names
        settings.target_health[groups["green"]] = listener.target_health
        production_listener = _listener(elbv2, balancer_arn, listener.port, groups["blue"])
        deployment = EcsDeployment(
            deployment_arn=f"{ECS_ARN}:service-deployment/{cluster}/{service}/{uuid.uuid4().hex[:21]}",
            service_arn=f"{ECS_ARN}:service/{cluster}/{service}",
            target_revision_arn=f"{ECS_ARN}:service-revision/{cluster}/{service}/2",
            source_revision_arn=f"{ECS_ARN}:service-revision/{cluster}/{service}/1",
            stage=stage,
            strategy=strategy,
            listener=listener,
            green_target_group_arn=groups["green"],
            settings=settings,
            rollback=rollback,
            readings=readings or Readings(),
            wiring={
                "elbv2": elbv2,
                "groups": groups,
                "rules": _rules(elbv2, production_listener, groups),
                "cluster": f"{ECS_ARN}:cluster/{cluster}",
            },
        )
        deployment.apply()
        return deployment
    except BaseException:
        listener.close()  # a listener left running would publish metrics after its run has ended
        raise
