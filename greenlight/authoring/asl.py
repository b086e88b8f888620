"""The ASL helpers every authoring tool shares: reading the definition, naming a validation's states and
placeholders, and the branch every validation has in the `Validate` Parallel."""

from __future__ import annotations

import json
import re
from typing import Any

PLACEHOLDER = re.compile(r"\$\{([A-Za-z0-9_]+)\}")
VALIDATE_STATE = "Validate"
# A Task's TimeoutSeconds is its function's Timeout plus this, so Lambda's own timeout error arrives first.
TASK_TIMEOUT_MARGIN_S = 30
LAMBDA_RETRY = {
    "ErrorEquals": [
        "Lambda.ServiceException",
        "Lambda.AWSLambdaException",
        "Lambda.SdkClientException",
        "Lambda.TooManyRequestsException",
    ],
    "IntervalSeconds": 2,
    "MaxAttempts": 3,
    "BackoffRate": 2,
    "JitterStrategy": "FULL",
}


def title(name: str) -> str:
    """`smoke_login` -> `SmokeLogin`, as in resource names and substitutions."""
    return "".join(part.capitalize() for part in name.split("_"))


def state_label(name: str) -> str:
    """`smoke_login` -> `Smoke Login`, as in state names (readable Title Case: they are the test contract)."""
    return " ".join(part.capitalize() for part in name.split("_"))


def substitution_name(name: str) -> str:
    return f"Validate{title(name)}FunctionArn"


def parse_definition(text: str) -> dict[str, Any]:
    """The ASL as stored: plain JSON, every `${Placeholder}` inside a string (editors and validators open it)."""
    return dict(json.loads(text))


def branch_functions(definition: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Substitution name invoked by each branch of the Validate Parallel -> that branch."""
    found = {}
    for branch_definition in definition["States"][VALIDATE_STATE]["Branches"]:
        for state in branch_definition["States"].values():
            function = state.get("Parameters", {}).get("FunctionName", "")
            match = PLACEHOLDER.fullmatch(function) if isinstance(function, str) else None
            if match:
                found[match.group(1)] = branch_definition
    return found


def state_names(machine: dict[str, Any]) -> set[str]:
    """Every state name of a machine, in its branches and Map iterations too (ASL wants them unique in all of it)."""
    names: set[str] = set()
    for name, state in machine.get("States", {}).items():
        names.add(name)
        for inner in [*state.get("Branches", []), *filter(None, [state.get("ItemProcessor") or state.get("Iterator")])]:
            names |= state_names(inner)
    return names


def branch_end_states(branch_definition: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {
        name: state
        for name, state in branch_definition["States"].items()
        if state.get("End") or state["Type"] in ("Succeed", "Fail")
    }


def pass_result(
    name: dict[str, Any], status: str, reason: dict[str, Any], attempts: int, dry_run: dict[str, Any]
) -> dict[str, Any]:
    """A ValidationResult built by a Pass state (for a branch or a check that skips or errors)."""
    return {
        **name,
        "status": status,
        **reason,
        "observed": {},
        "expected": {},
        "attempts": attempts,
        "started_at.$": "$$.State.EnteredTime",
        "duration_ms": 0,
        **dry_run,
    }


def _result(name: str, status: str, reason: dict[str, Any], attempts: int) -> dict[str, Any]:
    return pass_result({"name": name}, status, reason, attempts, {"dry_run.$": f"$.plan.config.{name}.dry_run"})


def _skipped(name: str, reason: dict[str, Any]) -> dict[str, Any]:
    """A skipped result reads nothing of the plan's config (an older plan may lack the section); it never counts."""
    result = _result(name, "skipped", reason, 0)
    del result["dry_run.$"]
    return result | {"dry_run": False}


def lambda_task(substitution: str, payload: dict[str, Any], label: str, function_timeout_s: int) -> dict[str, Any]:
    """The Task invoking a validation's function: Lambda's transient errors retried, any other error caught."""
    return {
        "Type": "Task",
        "Resource": "arn:${Partition}:states:::lambda:invoke",
        "Parameters": {"FunctionName": "${" + substitution + "}", "Payload": payload},
        "ResultSelector": {"result.$": "$.Payload"},
        "ResultPath": "$.outcome",
        "TimeoutSeconds": function_timeout_s + TASK_TIMEOUT_MARGIN_S,
        "Retry": [LAMBDA_RETRY],
        "Catch": [{"ErrorEquals": ["States.ALL"], "ResultPath": "$.error", "Next": f"{label} Errored"}],
        "Next": f"{label} Fail Fast?",
    }


def fail_fast(label: str) -> dict[str, Any]:
    """`<label> Fail Fast?`: with fail_fast, a counted failure goes to `Stop On <label> Failure` (FAIL_FAST)."""
    counted_failure = [
        {"Variable": "$.plan.config.fail_fast", "BooleanEquals": True},
        {"Variable": "$.outcome.result.status", "StringEquals": "failed"},
        {"Variable": "$.outcome.result.dry_run", "BooleanEquals": False},
    ]
    return {
        "Type": "Choice",
        "Comment": "With fail_fast, a counted failure ends the whole Parallel now.",
        "Choices": [{"And": counted_failure, "Next": f"Stop On {label} Failure"}],
        "Default": f"{label} Done",
    }


FAIL_FAST = {"Type": "Fail", "Error": "Greenlight.FailFast", "CausePath": "States.JsonToString($.outcome.result)"}


def branch(name: str, function_timeout_s: int, before_task: tuple[str, dict[str, Any]] | None = None) -> dict[str, Any]:
    """The branch every validation has: planned? -> [before_task] -> run (errors caught) -> fail fast? -> result.

    `before_task` is one state placed before the Task, e.g. the metrics branch's Wait; its Next is set here.
    """
    label = state_label(name)
    first_step = before_task[0] if before_task else f"Validate {label}"
    # Only strings reach States.Format; Finalize says when the config switched the validation off.
    skipped = {"reason.$": "States.Format('Not planned for {}.', $.plan.lifecycle_event)"}
    errored = {
        "reason.$": f"States.Format('The {name} check could not finish: {{}}: {{}}', $.error.Error, $.error.Cause)"
    }
    states: dict[str, Any] = {
        f"{label} Planned?": {
            "Type": "Choice",
            "Comment": f"Run the {name} validation only when the plan includes it for this lifecycle event. "
            "Rules are tried in order: a plan that does not name it (an older or mocked plan) skips it.",
            "Choices": [
                {"Variable": f"$.plan.planned.{name}", "IsPresent": False, "Next": f"Skip {label}"},
                {"Variable": f"$.plan.planned.{name}", "BooleanEquals": True, "Next": first_step},
            ],
            "Default": f"Skip {label}",
        },
        f"Skip {label}": {"Type": "Pass", "Parameters": _skipped(name, skipped), "End": True},
        f"Validate {label}": lambda_task(substitution_name(name), {"plan.$": "$.plan"}, label, function_timeout_s),
        f"{label} Errored": {
            "Type": "Pass",
            "Comment": "A crash or timeout still ends the branch in a ValidationResult.",
            "Parameters": _result(name, "error", errored, 1),
            "End": True,
        },
        f"{label} Fail Fast?": fail_fast(label),
        f"Stop On {label} Failure": dict(FAIL_FAST),
        f"{label} Done": {"Type": "Pass", "OutputPath": "$.outcome.result", "End": True},
    }
    if before_task:
        states[before_task[0]] = {**before_task[1], "Next": f"Validate {label}"}
    return {"StartAt": f"{label} Planned?", "States": states}
