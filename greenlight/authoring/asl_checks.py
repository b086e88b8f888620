"""The `Validate` Parallel's branch for the config's custom checks: a Map over the plan's checks.

Each item runs one check (the `custom_checks` function) or skips it, catches its own errors and ends in a
ValidationResult named after the check, so one broken check never hides the others; with fail_fast, a counted
failure ends the whole Parallel as a built-in validation's does. The branch's output is the list of those results
(Finalize reads one list per branch as its items). A plan without `checks` (an older or mocked plan) runs none.

Standard ASL (JSONPath): `ItemProcessor` and `ItemSelector`, which replace the deprecated `Iterator` and
`Parameters` of a Map state (Step Functions developer guide, "Map state in Inline mode"), in INLINE mode.
"""

from __future__ import annotations

from typing import Any

from greenlight.authoring.asl import FAIL_FAST, fail_fast, lambda_task, pass_result

CHECKS_SUBSTITUTION = "CustomChecksFunctionArn"
CHECKS_HANDLER = "custom_checks.app.handler"
RUN_CHECKS_STATE = "Run Custom Checks"
RUN_CHECK_STATE = "Run Custom Check"
# Checks running at once for one deployment (the config allows ten): each is a Lambda invocation of ours, and a
# Lambda check one of the team's too.
CHECKS_MAX_CONCURRENCY = 5


def _item_states(function_timeout_s: int) -> dict[str, Any]:
    skipped = {"reason.$": "States.Format('Not planned for {}.', $.plan.lifecycle_event)"}
    errored = {
        "reason.$": "States.Format('The {} check could not finish: {}: {}', $.check.name, $.error.Error, $.error.Cause)"
    }
    name = {"name.$": "$.check.name"}
    return {
        "Custom Check Planned?": {
            "Type": "Choice",
            "Comment": "Run the check only when the plan runs it at this lifecycle event.",
            "Choices": [{"Variable": "$.check.planned", "BooleanEquals": True, "Next": RUN_CHECK_STATE}],
            "Default": "Skip Custom Check",
        },
        "Skip Custom Check": {
            "Type": "Pass",
            "Parameters": pass_result(name, "skipped", skipped, 0, {"dry_run": False}),
            "End": True,
        },
        RUN_CHECK_STATE: lambda_task(
            CHECKS_SUBSTITUTION, {"plan.$": "$.plan", "check.$": "$.check"}, "Custom Check", function_timeout_s
        ),
        "Custom Check Errored": {
            "Type": "Pass",
            "Comment": "A crash or timeout still ends the item in a ValidationResult named after the check.",
            "Parameters": pass_result(name, "error", errored, 1, {"dry_run.$": "$.check.dry_run"}),
            "End": True,
        },
        "Custom Check Fail Fast?": fail_fast("Custom Check"),
        "Stop On Custom Check Failure": dict(FAIL_FAST),
        "Custom Check Done": {"Type": "Pass", "OutputPath": "$.outcome.result", "End": True},
    }


def checks_branch(function_timeout_s: int) -> dict[str, Any]:
    """Custom checks planned? -> Map over them (each: planned? -> run, errors caught -> fail fast? -> result)."""
    return {
        "StartAt": "Custom Checks Planned?",
        "States": {
            "Custom Checks Planned?": {
                "Type": "Choice",
                "Comment": "Only a plan with a check runs the Map; one written before custom checks existed (an older "
                "or mocked plan) runs none.",
                "Choices": [{"Variable": "$.plan.checks[0]", "IsPresent": True, "Next": RUN_CHECKS_STATE}],
                "Default": "No Custom Checks",
            },
            "No Custom Checks": {"Type": "Pass", "Result": [], "End": True},
            RUN_CHECKS_STATE: {
                "Type": "Map",
                "Comment": "One item per custom check of the config; each ends in a ValidationResult named after it.",
                "ItemsPath": "$.plan.checks",
                "ItemSelector": {"plan.$": "$.plan", "check.$": "$$.Map.Item.Value"},
                "MaxConcurrency": CHECKS_MAX_CONCURRENCY,
                "ItemProcessor": {
                    "ProcessorConfig": {"Mode": "INLINE"},
                    "StartAt": "Custom Check Planned?",
                    "States": _item_states(function_timeout_s),
                },
                "End": True,
            },
        },
    }
