"""The fault matrix as a figure: faults injected, runs that delivered exactly one callback, runs with more.

Run from the repo root: `python -m bench.fault_matrix` (or `--table` to print docs/fault-matrix.md's table).
"""

from __future__ import annotations

import argparse
import sys
import time

from greenlight.engine.project import Project
from tests.support.faults import FAULTS, markdown_table, run_fault


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--table", action="store_true", help="print the markdown table and stop")
    args = parser.parse_args()
    if args.table:
        sys.stdout.write(markdown_table())
        return
    project = Project.find()
    started = time.monotonic()
    exactly_one = more_than_one = none = right_status = right_events = 0
    for fault in FAULTS:
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
    print(f"\nfaults injected: {len(FAULTS)} (one control run without a fault)")
    print(f"runs with exactly one callback: {exactly_one}; with the expected status: {right_status}")
    print(f"runs with more than one callback: {more_than_one} (must be 0); with none: {none} (must be 0)")
    print(f"runs whose EventBridge events were exactly the expected ones: {right_events}")
    print(f"total time: {time.monotonic() - started:.1f} s")


if __name__ == "__main__":
    main()
