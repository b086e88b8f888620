"""What a person reads at the end of a run: the verdict table with full reasons, failures by kind, what CodeDeploy was
told; and, behind --verbose, the raw trace of the states as they ran.

Reasons quote what the service under test sent back, so every line is printed as `Text`, never parsed as rich's
console markup: `[/x]` would raise MarkupError after the run, and `[link=...]` or `[green]` would dress the
service's words as greenlight's. Nor is any control character sent to the terminal as it came (a custom check's
reason is the check's own text): ESC, CSI, a carriage return would clear the screen, recolour a line or overwrite the
verdict, so each is shown as `\\x1b`, `\\x0d`; line breaks and tabs stay."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TextIO

from rich.console import Console
from rich.table import Table
from rich.text import Text

from greenlight.cli.errors import exit_code, printable  # their home: a --json run loads no rich

if TYPE_CHECKING:
    from greenlight.engine import LocalRunResult

HIDDEN_OBSERVED = (
    "distinct_failures",
    "failures_by_kind",
    "targets",
    "checks",
    "window",
    "url",
    "per_request",
    "vs_blue",
)
TABLE_WIDTH = 120  # without a terminal (CI logs, a pipe): wide enough to read, reasons wrap within it


def as_printed(text: str) -> Text:
    """Text as printed: never console markup, and no control character sent (`printable`)."""
    return Text(printable(text))


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


def observed_summary(observed: dict[str, Any]) -> str:
    """The values seen, as words (never a Python repr); metric checks show as name=value."""
    from greenlight.report.shown import shown

    keep = {k: v for k, v in observed.items() if k not in HIDDEN_OBSERVED}
    keep |= {c["check"]: c["value"] for c in observed.get("checks", []) if c.get("value") is not None}
    return ", ".join(f"{k}={shown(v)}" for k, v in keep.items())


def request_lines(observed: dict[str, Any]) -> list[str]:
    """Each request kind's latency, one line each: `list orders: 100 answers, p50 13 ms, p99 330 ms (limit 800)`."""
    lines = []
    for name, item in (observed.get("per_request") or {}).items():
        if not isinstance(item, dict):  # what a cut left out: `… (cut): kept 20 of 100`
            lines.append(f"  {name}: {item}")
            continue
        line = f"  {name}: {item.get('answers')} answers, p50 {item.get('p50_ms')} ms, p99 {item.get('p99_ms')} ms"
        if "max_p99_ms" in item:
            line += f" (limit {item['max_p99_ms']:g} ms)"
        if "slow" in item:
            line += f", {item['slow']} over {item.get('max_latency_ms', 0):g} ms"
        if item.get("timed_out"):
            line += f", {item['timed_out']} got no answer in time (counted at the time waited)"
        lines.append(line)
    return lines


def told_codedeploy(result: LocalRunResult) -> str:
    """The plain sentence: how the workflow ended, and what greenlight told the deployment engine."""
    status = result.execution.status
    ran = f"The workflow {'ran to completion' if status == 'SUCCEEDED' else f'ended {status}'}"
    if result.ecs_hook == "pause":
        return f"{ran} in {result.execution.duration_s:.2f} s; {pause_summary(result)}."
    if result.engine == "ecs":
        return f"{ran} in {result.execution.duration_s:.2f} s; {hook_summary(result)}."
    told = result.callback.status.value if result.callback else "nothing"
    sentence = f"{ran} in {result.execution.duration_s:.2f} s; greenlight told CodeDeploy: {told}."
    if result.mocked and result.callback is None:
        verdict = result.verdict.value if result.verdict else "none"
        sentence += (
            f" With --mock-config, Finalize's answer is the mocked one, which calls nobody back; the exit status "
            f"({exit_code(result)}) is that of the mocked verdict, {verdict}."
        )
    elif result.callback is None:
        sentence += f" No verdict reached CodeDeploy, so the exit status is {exit_code(result)}."
    return sentence


def time_scale_note(time_scale: float) -> str:
    """What a time-scaled run's figures mean; nothing at 1 (real time, as on AWS)."""
    if time_scale == 1:
        return ""
    if time_scale == 0:
        return "Time scale 0: waits were skipped; times shown are real seconds."
    return (
        f"Time-scaled x{time_scale:g}: waits, retry intervals and the validators' deadlines took {time_scale:g} of "
        f"their configured seconds (a 60 s bake time took {60 * time_scale:g} s); times shown are real seconds."
    )


def _table(result: LocalRunResult) -> Table:
    table = Table(show_lines=True, expand=True)
    table.add_column("VALIDATION", no_wrap=True)
    table.add_column("STATUS", no_wrap=True)
    table.add_column("TIME", justify="right", no_wrap=True)
    table.add_column("REASON", ratio=1, overflow="fold")
    for v in result.validations:
        details = [v.reason]
        if v.observed:
            details.append(f"seen: {observed_summary(v.observed)}")
        details += request_lines(v.observed)
        kinds = v.observed.get("failures_by_kind") or {}
        if kinds:
            details.append("failures by kind: " + ", ".join(f"{kind} x{count}" for kind, count in kinds.items()))
        for failure in v.observed.get("distinct_failures") or []:
            details.append(f"  {failure['count']} x {failure['request']}: {failure['problem']}")
        name = v.name + (" (dry run)" if v.dry_run else "")
        table.add_row(
            as_printed(name),
            Text(v.status.value),
            Text(f"{v.duration_ms / 1000:.1f} s"),
            as_printed("\n".join(details)),
        )
    return table


def render(result: LocalRunResult, stream: TextIO) -> None:
    console = Console(file=stream, width=None if stream.isatty() else TABLE_WIDTH, highlight=False)
    if result.validations:
        console.print(_table(result))
    verdict = result.verdict.value if result.verdict else "none"
    console.print(as_printed(f"\nVerdict: {verdict} - {result.reason}"), soft_wrap=False)
    console.print(as_printed(told_codedeploy(result)), soft_wrap=True)
    if note := time_scale_note(result.time_scale):
        console.print(Text(note), soft_wrap=True)
    sources = result.report.config_source if result.report else []
    if len(sources) > 1:  # where each config layer came from (SSM, or S3 or AppConfig through a parameter)
        console.print(as_printed("Config: " + " + ".join(sources)), soft_wrap=True)
    announced = ", ".join(str(event.get("detail-type")) for event in result.events) or "nothing"
    console.print(Text(f"Put on EventBridge: {announced}"))


def hook_summary(result: LocalRunResult) -> str:
    """ECS: how the hook answered (IN_PROGRESS x N, then the final hookStatus) at which stage; with production steps
    (LINEAR, CANARY), each step's final answer."""
    waiting = sum(1 for answer in result.hook_answers if answer.hook_status == "IN_PROGRESS")
    calls = f"IN_PROGRESS x {waiting}, then " if waiting else ""
    finals: dict[int, str | None] = {}
    for answer in result.hook_answers:
        if answer.hook_status != "IN_PROGRESS":
            finals.setdefault(answer.step, answer.hook_status)
    steps = f" (steps: {', '.join(f'{n} {s}' for n, s in sorted(finals.items()))})" if len(finals) > 1 else ""
    return f"ECS hook at {result.stage}: {calls}final hookStatus {result.hook_status}{steps}"


def pause_summary(result: LocalRunResult) -> str:
    """ECS pause hook: what ECS took (greenlight told ECS: ROLLBACK), what it refused, and what ECS did."""
    taken = result.told_ecs
    if taken:
        steps = {call.step for call in taken}
        actions = ", ".join(f"{c.step} {c.action}" for c in taken) if len(steps) > 1 else taken[-1].action
        told = f"greenlight told ECS: {actions}" if len(steps) == 1 else f"greenlight told ECS (steps: {actions})"
    else:
        told = "ECS took no ContinueServiceDeployment"
    refused = [c for c in result.continue_calls if not c.accepted]
    if refused:
        told += f" ({len(refused)} refused: {', '.join(f'{c.action} {c.error}' for c in refused)})"
    return f"{told}; the pause hook at {result.stage} ended {result.hook_status}"
