"""The live view of a run: one line per step (Prepare, each validation, Finalize) with a spinner, its elapsed
time, and its outcome when done. On a terminal the lines redraw in place (rich); elsewhere (CI, a pipe) each
change is one plain line. The raw state trace is for --verbose."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, TextIO

from rich.console import Console, Group
from rich.live import Live
from rich.spinner import Spinner
from rich.table import Table
from rich.text import Text

from greenlight.cli.errors import printable
from greenlight.cli.render import progress_printer, time_scale_note
from greenlight.project import Project

OUTCOME_STYLE = {"passed": "green", "failed": "bold red", "error": "bold red", "inconclusive": "yellow"}
WORST_FIRST = ("error", "failed", "inconclusive", "passed", "skipped")
REDRAWS_PER_SECOND = 4


@dataclass
class Step:
    label: str
    ends: set[str]  # states whose exit (or, for a Fail state, entry) ends the step
    fails: set[str]
    started: datetime | None = None
    ended: datetime | None = None
    outcome: str = ""
    detail: str = ""
    optional: bool = False  # shown only once it starts (the custom checks, when the config has any)


def _branch_label(branch: dict[str, Any]) -> str:
    tasks = [name for name, state in branch["States"].items() if state["Type"] == "Task"]
    name = tasks[0] if tasks else str(branch["StartAt"])
    return name.removeprefix("Validate ").lower()


def _checks_step(branch: dict[str, Any]) -> tuple[Step, dict[str, Step]] | None:
    """The custom checks' branch (a Map): one step from the Map's start to its end, or fail fast inside it."""
    maps = {name: state for name, state in branch["States"].items() if state["Type"] == "Map"}
    if not maps:
        return None
    [(name, state)] = maps.items()
    inner = state["ItemProcessor"]["States"]
    step = Step("custom checks", {name}, {n for n, s in inner.items() if s["Type"] == "Fail"}, optional=True)
    return step, dict.fromkeys([name, *step.fails], step)


def steps_of(definition: dict[str, Any]) -> tuple[list[Step], dict[str, Step]]:
    """The steps a person follows, and which step each state belongs to (from the state machine's definition)."""
    steps: list[Step] = []
    owner: dict[str, Step] = {}
    for name, state in definition["States"].items():
        if state["Type"] == "Task" and not name.startswith("Report"):
            steps.append(Step(name.lower(), {name}, set()))
            owner[name] = steps[-1]
        for branch in state.get("Branches", []):
            if checks := _checks_step(branch):
                steps.append(checks[0])
                owner |= checks[1]
                continue
            states = branch["States"]
            ends = {n for n, s in states.items() if s.get("End")}
            fails = {n for n, s in states.items() if s["Type"] == "Fail"}
            steps.append(Step(_branch_label(branch), ends, fails))
            owner |= dict.fromkeys(states, steps[-1])
    finalize = [step for step in steps if step.label == "finalize"]
    return [step for step in steps if step.label != "finalize"] + finalize, owner


def outcome_of(output: str | None) -> tuple[str, str]:
    """A validation's status and reason from its branch's last output (a ValidationResult), or a verdict's."""
    try:
        document = json.loads(output or "")
    except ValueError:
        return "done", ""
    if isinstance(document, list):  # the custom checks' results
        return checks_outcome([item for item in document if isinstance(item, dict)])
    if not isinstance(document, dict):
        return "done", ""
    if "verdict" in document:
        return f"verdict {document['verdict']}", ""
    return printable(str(document.get("status", "done"))), printable(str(document.get("reason", "")))


def checks_outcome(results: list[dict[str, Any]]) -> tuple[str, str]:
    """The worst status among the checks, and each check's."""
    statuses = [str(result.get("status")) for result in results]
    worst = next((status for status in WORST_FIRST if status in statuses), "done")
    return worst, printable(", ".join(f"{result.get('name')} {result.get('status')}" for result in results))


class LiveView:
    """Call `on_state` with each state event of the execution; use as a context manager around the run."""

    def __init__(
        self, definition: dict[str, Any], stream: TextIO, trace: Callable[[dict[str, Any]], None] | None = None
    ):
        self.steps, self.owner = steps_of(definition)
        self.console = Console(file=stream, highlight=False)
        self.trace = trace
        self.interactive = self.console.is_terminal and trace is None
        self._lock = threading.Lock()
        self._live: Live | None = None
        self.note = ""  # said once, when the run starts (a run refused before it starts says nothing else)

    def __enter__(self) -> LiveView:
        if self.interactive:
            # Each redraw renders the table again: 4 a second keep the spinners moving and cost a waiting run about
            # 1.5 % of a core (10 a second cost 4 %).
            self._live = Live(self, console=self.console, refresh_per_second=REDRAWS_PER_SECOND, transient=False)
            self._live.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._live is not None:
            self._live.__exit__(None, None, None)

    def on_state(self, event: dict[str, Any]) -> None:
        if self.note:
            self.console.print(self.note, soft_wrap=True, highlight=False)
            self.note = ""
        if self.trace:
            self.trace(event)
        step = self.owner.get(event["state"])
        if step is None:
            return
        with self._lock:
            changed = self._advance(step, event)
        if changed and not self.interactive:
            self.console.print(self._plain(step), soft_wrap=True)

    def _advance(self, step: Step, event: dict[str, Any]) -> bool:
        kind, name, stamp = event["type"], event["state"], event["timestamp"]
        if step.started is None:
            step.started = stamp
            return True
        if step.ended is None and name in step.fails and kind.endswith("Entered"):
            step.ended, step.outcome, step.detail = stamp, "failed", "fail fast: the other checks were stopped"
            return True
        if step.ended is None and name in step.ends and kind.endswith("Exited"):
            step.ended = stamp
            step.outcome, step.detail = outcome_of(event.get("output"))
            return True
        return False

    @staticmethod
    def _elapsed(step: Step) -> str:
        if step.started is None:
            return ""
        end = step.ended or datetime.now(UTC)
        return f"{max((end - step.started).total_seconds(), 0.0):.1f} s"

    def _plain(self, step: Step) -> Text:
        if step.ended is None:
            return Text(f"  {step.label}: running")
        line = Text(f"  {step.label}: ")
        line.append(step.outcome, style=OUTCOME_STYLE.get(step.outcome, ""))
        return line.append(f" in {self._elapsed(step)}" + (f" - {step.detail}" if step.detail else ""))

    def __rich__(self) -> Group:
        table = Table.grid(padding=(0, 2))
        with self._lock:
            for step in self.steps:
                if step.optional and step.started is None:
                    continue
                if step.started is None:
                    marker: Any = Text("·", style="dim")
                    outcome = Text("waiting", style="dim")
                elif step.ended is None:
                    marker, outcome = Spinner("dots"), Text("running")
                else:
                    marker = Text("✔" if step.outcome in ("passed", "done", "verdict Succeeded") else "✘")
                    outcome = Text(step.outcome, style=OUTCOME_STYLE.get(step.outcome, ""))
                table.add_row(
                    marker,
                    step.label,
                    self._elapsed(step),
                    outcome,
                    Text(step.detail, overflow="ellipsis", no_wrap=True),
                )
        return Group(table)


@contextmanager
def watching(
    stream: TextIO, as_json: bool, verbose: bool, time_scale: float = 1.0
) -> Iterator[Callable[[dict[str, Any]], None] | None]:
    """The `on_state` of a run: nothing with --json, the raw trace with --verbose, the live view otherwise; a
    time-scaled run says so first, since its elapsed times are real seconds and its config's are not."""
    if as_json:
        yield None
        return
    definition = json.loads(Project.find().definition_text())
    with LiveView(definition, stream, progress_printer(stream) if verbose else None) as view:
        view.note = time_scale_note(time_scale)
        yield view.on_state
