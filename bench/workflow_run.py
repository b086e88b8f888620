"""One workflow execution on the embedded engine, time scaled to zero, after warm-up; then the whole test suite.

Prints the median wall time of the real workflow (hook invoked, real handlers, real traffic through the
emulated listener to the sample service) and of the orchestration alone (the MockConfigFile HappyPath
case, every Task mocked), then the time of `python -m pytest` (the suite `make test` runs).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

from greenlight.engine import LocalEngine, LocalRunOptions, run_local
from greenlight.project import Project
from greenlight.samples.service import SampleService

ROOT = Path(__file__).resolve().parents[1]
SMALL_TRAFFIC = "synthetic: {total_requests: 20, concurrency: 4}\nhealth: {interval_seconds: 1}\n"


def real_runs(project: Project, runs: int) -> list[float]:
    timings = []
    with SampleService() as service:
        options = LocalRunOptions(target_url=service.url, config_text=SMALL_TRAFFIC, time_scale=0.0)
        for _ in range(runs + 1):
            report = run_local(options, project)
            timings.append(report.execution.duration_s)
    return timings[1:]  # the first pays the interpreter's one-off imports


def mocked_runs(project: Project, runs: int) -> list[float]:
    timings = []
    with LocalEngine(project, time_scale=0.0) as engine:
        engine.use_mock_config(ROOT / "tests" / "MockConfigFile.json")
        for index in range(runs + 1):
            arn = engine.start_as_hook("d-MOCK12345", f"bench-{index}", "HappyPath")
            timings.append(engine.wait(arn, deadline_s=60).duration_s)
    return timings[1:]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--skip-suite", action="store_true", help="do not time the test suite")
    args = parser.parse_args()
    project = Project.find(ROOT)
    real, mocked = real_runs(project, args.runs), mocked_runs(project, args.runs)
    print(
        f"real workflow (hook -> Finalize, 20 requests), median of {args.runs}: {statistics.median(real):.3f} s "
        f"(min {min(real):.3f}, max {max(real):.3f}); aim <= 0.5 s"
    )
    print(f"orchestration only (HappyPath, Tasks mocked), median of {args.runs}: {statistics.median(mocked):.3f} s")
    if not args.skip_suite:
        started = time.monotonic()
        result = subprocess.run(
            [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
        )
        summary = result.stdout.strip().splitlines()[-1] if result.stdout.strip() else "no output"
        print(f"test suite (python -m pytest): {time.monotonic() - started:.1f} s: {summary}")


if __name__ == "__main__":
    main()
