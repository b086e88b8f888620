"""What a person reads: the states as they run, and the verdict table at the end."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TextIO

from greenlight.cli.errors import EXIT_FAILED, EXIT_SUCCEEDED

if TYPE_CHECKING:
    from greenlight.engine.results import LocalRunResult

HIDDEN_OBSERVED = ("first_failures", "targets", "checks", "window", "url")


def progress_printer(stream: TextIO) -> Callable[[dict[str, Any]], None]:
    entered: dict[str, Any] = {}

    def on_state(event: dict[str, Any]) -> None:
        name = event["state"]
        if event["type"].endswith("Entered"):
            entered[name] = event["timestamp"]
            stream.write(f"  -> {name}\n")
        else:
            elapsed = (event["timestamp"] - entered.get(name, event["timestamp"])).total_seconds() * 1000
            stream.write(f"  <- {name} ({elapsed:.0f} ms)\n")
        stream.flush()

    return on_state


def observed_summary(observed: dict[str, Any], limit: int = 110) -> str:
    """One line of the values seen; metric checks show as name=value."""
    keep = {k: v for k, v in observed.items() if k not in HIDDEN_OBSERVED}
    keep |= {c["check"]: c["value"] for c in observed.get("checks", []) if c.get("value") is not None}
    text = ", ".join(f"{k}={v}" for k, v in keep.items())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def render(result: LocalRunResult, stream: TextIO) -> None:
    rows = [("VALIDATION", "STATUS", "REASON")]
    rows += [(v.name + (" (dry run)" if v.dry_run else ""), v.status.value, v.reason) for v in result.validations]
    width = [max(len(r[i]) for r in rows) for i in range(2)]
    for name, status, reason in rows:
        stream.write(f"{name:<{width[0]}}  {status:<{width[1]}}  {reason}\n")
    for validation in result.validations:
        if validation.observed:
            stream.write(f"  {validation.name}: {observed_summary(validation.observed)}\n")
    execution, verdict = result.execution, result.verdict.value if result.verdict else "none"
    stream.write(f"\nVerdict: {verdict} - {result.reason}\n")
    if result.engine == "ecs":
        stream.write(f"Execution {execution.status} in {execution.duration_s:.2f} s; {hook_summary(result)}\n")
    else:
        stream.write(
            f"Execution {execution.status} in {execution.duration_s:.2f} s; CodeDeploy received: "
            f"{result.callback.status.value if result.callback else 'nothing'}\n"
        )
    announced = ", ".join(str(event.get("detail-type")) for event in result.events) or "nothing"
    stream.write(f"Put on EventBridge: {announced}\n")


def hook_summary(result: LocalRunResult) -> str:
    """ECS: how the hook answered (IN_PROGRESS x N, then the final hookStatus) at which stage."""
    waiting = sum(1 for answer in result.hook_answers if answer.hook_status == "IN_PROGRESS")
    calls = f"IN_PROGRESS x {waiting}, then " if waiting else ""
    return f"ECS hook at {result.stage}: {calls}final hookStatus {result.hook_status}"


def exit_code(result: LocalRunResult) -> int:
    return EXIT_SUCCEEDED if result.verdict == "Succeeded" else EXIT_FAILED
