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

from greenlight.authoring.asl import LAMBDA_RETRY, TASK_TIMEOUT_MARGIN_S

CHECKS_SUBSTITUTION = "CustomChecksFunctionArn"
CHECKS_HANDLER = "custom_checks.app.handler"
RUN_CHECKS_STATE = "Run Custom Checks"
RUN_CHECK_STATE = "Run Custom Check"
# Checks running at once for one deployment (the config allows ten): each is a Lambda invocation of ours, and a
# Lambda check one of the team's too.
CHECKS_MAX_CONCURRENCY = 5


def _result(status: str, reason: dict[str, Any], attempts: int, dry_run: dict[str, Any]) -> dict[str, Any]:
    return {
        "name.$": "$.check.name",
        "status": status,
        **reason,
        "observed": {},
        "expected": {},
        "attempts": attempts,
        "started_at.$": "$$.State.EnteredTime",
        "duration_ms": 0,
        **dry_run,
    }


def _item_states(function_timeout_s: int) -> dict[str, Any]:
    skipped = {"reason.$": "States.Format('Not planned for {}.', $.plan.lifecycle_event)"}
    errored = {
        "reason.$": "States.Format('The {} check could not finish: {}: {}', $.check.name, $.error.Error, $.error.Cause)"
    }
    counted_failure = [
        {"Variable": "$.plan.config.fail_fast", "BooleanEquals": True},
        {"Variable": "$.outcome.result.status", "StringEquals": "failed"},
        {"Variable": "$.outcome.result.dry_run", "BooleanEquals": False},
    ]
    return {
        "Custom Check Planned?": {
            "Type": "Choice",
            "Comment": "Run the check only when the plan runs it at this lifecycle event.",
            "Choices": [{"Variable": "$.check.planned", "BooleanEquals": True, "Next": RUN_CHECK_STATE}],
            "Default": "Skip Custom Check",
        },
        "Skip Custom Check": {
            "Type": "Pass",
            "Parameters": _result("skipped", skipped, 0, {"dry_run": False}),
            "End": True,
        },
        RUN_CHECK_STATE: {
            "Type": "Task",
            "Resource": "arn:${Partition}:states:::lambda:invoke",
            "Parameters": {
                "FunctionName": "${" + CHECKS_SUBSTITUTION + "}",
                "Payload": {"plan.$": "$.plan", "check.$": "$.check"},
            },
            "ResultSelector": {"result.$": "$.Payload"},
            "ResultPath": "$.outcome",
            "TimeoutSeconds": function_timeout_s + TASK_TIMEOUT_MARGIN_S,
            "Retry": [LAMBDA_RETRY],
            "Catch": [{"ErrorEquals": ["States.ALL"], "ResultPath": "$.error", "Next": "Custom Check Errored"}],
            "Next": "Custom Check Fail Fast?",
        },
        "Custom Check Errored": {
            "Type": "Pass",
            "Comment": "A crash or timeout still ends the item in a ValidationResult named after the check.",
            "Parameters": _result("error", errored, 1, {"dry_run.$": "$.check.dry_run"}),
            "End": True,
        },
        "Custom Check Fail Fast?": {
            "Type": "Choice",
            "Comment": "With fail_fast, a counted failure ends the whole Parallel now.",
            "Choices": [{"And": counted_failure, "Next": "Stop On Custom Check Failure"}],
            "Default": "Custom Check Done",
        },
        "Stop On Custom Check Failure": {
            "Type": "Fail",
            "Error": "Greenlight.FailFast",
            "CausePath": "States.JsonToString($.outcome.result)",
        },
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
