"""What an ECS deployment adds to the plan: the engine and stage, the test request, and at a LINEAR or CANARY step
(GREEN and BLUE both serving production) a GREEN-against-BLUE metrics judgement: the canary analysis ECS lacks."""

from __future__ import annotations

from common.config import VALIDATIONS, BaselineConfig, GreenlightConfig
from common.payload.models import Plan
from common.runtime.observability import logger
from prepare.ecs_discovery import EcsDiscovery
from prepare.ecs_rules import path_problem


def requested_paths(config: GreenlightConfig, planned: dict[str, bool]) -> list[str]:
    paths = [config.health.path] if planned.get("health") or planned.get("synthetic") else []
    if planned.get("synthetic"):
        paths += [spec.path for spec in config.synthetic.requests]
    return sorted(set(paths))


def sending_requests(config: GreenlightConfig, planned: dict[str, bool]) -> list[str]:
    """The planned validations whose own requests must reach GREEN (health's HTTP probe, synthetic, a scaffolded one);
    metrics and target health read GREEN's target group instead."""
    sections = {name: getattr(config, name) for name in VALIDATIONS if planned.get(name)}
    return sorted(name for name, s in sections.items() if s.needs()[1] and not s.per_target_group)


# On ECS the test rule usually shares the production listener, and every request carries the test rule's
# conditions: greenlight has no route that sends the same requests to BLUE alone, so a comparison could only be a
# false "inconclusive" (or GREEN against itself).
NO_COMPARE_WITH_BLUE = (
    "synthetic.compare_with_blue is not available on Amazon ECS deployments: the test and production rules share a "
    "listener and greenlight has no route to BLUE alone for the same requests; remove it (metrics.baseline compares "
    "GREEN's target group with BLUE's)"
)


def complete(plan: Plan, found: EcsDiscovery, config: GreenlightConfig) -> str | None:
    """Fill the plan's ECS fields; returns why the deployment cannot be validated as configured, if it cannot."""
    plan.engine, plan.stage, plan.strategy, plan.test_request = "ecs", found.stage, found.strategy, found.test_request
    if plan.planned.get("synthetic") and config.synthetic.compare_with_blue is not None:
        return NO_COMPARE_WITH_BLUE
    senders = sending_requests(config, plan.planned)
    if senders and found.route_problem:
        return f"{' and '.join(senders)} at {found.stage}: {found.route_problem}"
    problem = path_problem(found.test_request, requested_paths(config, plan.planned))
    if problem:
        return problem
    for ignored in found.test_request.ignored:
        logger.warning("A listener rule condition requests cannot meet", extra={"condition": ignored})
    if found.both_serve_production and plan.planned.get("metrics") and config.metrics.baseline is None:
        plan.config["metrics"]["baseline"] = BaselineConfig().model_dump(mode="json")
        logger.info("GREEN and BLUE both serve production: metrics compare GREEN against BLUE")
    return None
