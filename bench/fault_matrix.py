"""The fault matrix as a figure: faults injected, runs that delivered exactly one callback, runs with more.

Run from the repo root: `python -m bench.fault_matrix` (or `--table` to print docs/fault-matrix.md's table;
`--only none ecs-none` to run some rows). Aim: every run delivers exactly one callback, the expected one.
"""

from __future__ import annotations

import argparse
import sys
import time

from greenlight.project import Project
from tests.support.ecs_faults import ECS_FAULTS, EcsFault, ecs_markdown_table, run_ecs_fault
from tests.support.ecs_pause_faults import PAUSE_FAULTS, PauseFault, pause_markdown_table, run_pause_fault
from tests.support.fault_runs import run_fault
from tests.support.faults import FAULTS, Fault, markdown_table


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--table", action="store_true", help="print the markdown tables and stop")
    parser.add_argument("--ecs-only", action="store_true", help="run only the ECS rows (Lambda and pause hooks)")
    parser.add_argument("--pause-only", action="store_true", help="run only the ECS pause hook rows")
    parser.add_argument("--only", nargs="+", metavar="NAME", help="run only the rows of these names")
    args = parser.parse_args()
    if args.table:
        sys.stdout.write(markdown_table() + "\n" + ecs_markdown_table() + "\n" + pause_markdown_table())
        return
    project = Project.find()
    every = [*FAULTS, *ECS_FAULTS, *PAUSE_FAULTS]
    if args.only and not set(args.only) <= {f.name for f in every}:
        parser.error(f"--only takes row names: {', '.join(f.name for f in every)}")
    if not (args.ecs_only or args.pause_only):
        codedeploy_rows(project, [f for f in FAULTS if not args.only or f.name in args.only])
    if not args.pause_only:
        ecs_rows(project, [f for f in ECS_FAULTS if not args.only or f.name in args.only])
    pause_rows(project, [f for f in PAUSE_FAULTS if not args.only or f.name in args.only])


def codedeploy_rows(project: Project, faults: list[Fault]) -> None:
    if not faults:
        return
    started = time.monotonic()
    exactly_one = more_than_one = none = right_status = right_events = 0
    for fault in faults:
        outcome = run_fault(fault, project)
        accepted = outcome.accepted
        exactly_one += len(accepted) == 1
        more_than_one += len(accepted) > 1
        none += not accepted
        right_status += accepted == [fault.expected]
        right_events += tuple(event["detail-type"] for event in outcome.result.events) == fault.announced
        print(
            f"{fault.name:28} callbacks accepted {accepted!s:14} expected {fault.expected:9} {outcome.seconds:5.1f} s"
        )
    print(f"\nfaults injected: {len(faults)} of {len(FAULTS)} (one control run without a fault)")
    print(f"runs with exactly one callback: {exactly_one}; with the expected status: {right_status} (aim: every run)")
    print(f"runs with more than one callback: {more_than_one} (must be 0); with none: {none} (must be 0)")
    print(f"runs whose EventBridge events were exactly the expected ones: {right_events}")
    print(f"total time: {time.monotonic() - started:.1f} s")


def ecs_rows(project: Project, faults: list[EcsFault]) -> None:
    if not faults:
        return
    started = time.monotonic()
    exactly_one = right = no_status = 0
    for fault in faults:
        outcome = run_ecs_fault(fault, project)
        answers = outcome.result.hook_answers
        first_final = outcome.finals[:1]
        exactly_one += len(set(outcome.finals)) == 1
        right += first_final == [fault.expected]
        no_status += sum(a.hook_status is None or a.function_error is not None for a in answers)
        print(
            f"{fault.name:28} answers {len(answers):3}  final {outcome.result.hook_status!s:10} "
            f"expected {fault.expected:10} {outcome.seconds:5.1f} s"
        )
    print(f"\nECS faults injected: {len(faults)} of {len(ECS_FAULTS)} (one control run without a fault)")
    print(f"runs with exactly one final hookStatus: {exactly_one}; the expected one: {right} (aim: every run)")
    print(f"answers that were a function error or had no status: {no_status} (must be 0)")
    print(f"total time: {time.monotonic() - started:.1f} s")


def pause_rows(project: Project, faults: list[PauseFault]) -> None:
    if not faults:
        return
    started = time.monotonic()
    at_most_one = right = 0
    for fault in faults:
        outcome = run_pause_fault(fault, project)
        calls = outcome.result.continue_calls
        taken = [call.action for call in calls if call.accepted]
        at_most_one += len(taken) <= 1
        right += taken == ([fault.taken] if fault.taken else []) and outcome.result.hook_status == fault.hook_status
        print(
            f"{fault.name:42} ContinueServiceDeployment taken {taken!s:14} refused {len(calls) - len(taken)}  "
            f"hook {outcome.result.hook_status!s:10} {outcome.seconds:5.1f} s"
        )
    print(f"\nECS pause hook faults injected: {len(faults)} of {len(PAUSE_FAULTS)} (one control run without a fault)")
    print(f"runs where ECS took at most one ContinueServiceDeployment: {at_most_one}; the expected one: {right}")
    print(f"total time: {time.monotonic() - started:.1f} s")


if __name__ == "__main__":
    main()
