"""What `greenlight local run` costs around the workflow, and while it waits; how fast the light commands answer.

Each command runs in its own process, as a user runs it (`python -m greenlight.cli`), against the bundled sample
service. Printed beside each figure, its aim:

- start: from the command to the first state entered; exit: from the execution's end to the process's exit
  (a healthy service, metrics off, time scale 0). Aim: at most 1.5 s together.
- `greenlight --help` and `greenlight config check FILE`: aim under 1 s each.
- idle: the CPU the run's process uses while the workflow waits (a 30 s bake at time scale 1, the synthetic
  traffic and the health check over), as a share of one core, its output piped (as in CI) and on a terminal (the
  live view redrawing). Aim: at most 5 %.

The runs keep what they parse in a cache folder of their own (GREENLIGHT_CACHE_DIR, which the command otherwise sets
to the user's cache folder): the first run parses the workflow's definition, the next ones find it there. The
figures are the median of the runs; the first run's start is printed beside them.

Run from the repo root: `python -m bench.local_run_start [--runs 3] [--wait 30]` (`--runs 1 --wait 10` is the smoke).
"""

from __future__ import annotations

import argparse
import json
import os
import pty
import resource
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import datetime
from pathlib import Path
from typing import Any

from greenlight.cli.sample_service import SampleService

ROOT = Path(__file__).resolve().parents[1]
COMMAND = [sys.executable, "-m", "greenlight.cli"]
QUICK = "metrics: {enabled: false}\nsynthetic: {total_requests: 20, concurrency: 4}\n"
# Health and synthetic are over in a second or two; the metrics branch then waits out its bake time.
WAITING = "metrics: {{bake_seconds: {bake}, min_request_count: 1}}\nsynthetic: {{total_requests: 20}}\n"
SETTLE_S = 6.0  # after the first state: traffic and health checks over, the bake under way


def _stamp(value: str) -> float:
    return datetime.fromisoformat(value).timestamp()


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def start_and_exit(url: str, config: Path, env: dict[str, str] | None = None) -> tuple[float, float, float, float]:
    """Seconds from the command to the first state entered, from the execution's end to exit, the workflow's, and the
    CPU seconds of the whole process (a figure a machine's load moves far less than the wall-clock ones)."""
    cpu_before = _children_cpu()
    started = time.time()
    done = subprocess.run(
        [*COMMAND, "local", "run", "--target-url", url, "--config", str(config), "--time-scale", "0", "--json"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    ended = time.time()
    if done.returncode != 0:
        raise SystemExit(f"the run did not succeed (exit {done.returncode}): {done.stderr[-2000:]}")
    states = json.loads(done.stdout)["states"]
    first, last = _stamp(states[0]["timestamp"]), _stamp(states[-1]["timestamp"])
    return first - started, ended - last, last - first, _children_cpu() - cpu_before


def wall(*args: str) -> float:
    started = time.perf_counter()
    subprocess.run([*COMMAND, *args], cwd=ROOT, capture_output=True, check=False)
    return time.perf_counter() - started


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


def idle_share(url: str, config: Path, window_s: float, terminal: bool = False) -> float:
    """CPU seconds per second of the run's process while the workflow waits (Linux /proc); `terminal`: its output
    on a pseudo-terminal, where the live view redraws."""
    command = [*COMMAND, "local", "run", "--target-url", url, "--config", str(config), "--time-scale", "1"]
    if not terminal:
        piped = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        assert piped.stderr is not None
        piped.stderr.readline()  # the first progress line: the workflow has started
        return _measured(piped, window_s)
    leader, follower = pty.openpty()
    child = subprocess.Popen(command, cwd=ROOT, stdin=subprocess.DEVNULL, stdout=follower, stderr=follower)
    os.close(follower)
    started = threading.Event()

    def read() -> None:  # the terminal's reader: what the live view draws, until the run ends
        while True:
            try:
                if not os.read(leader, 65536):
                    return
            except OSError:
                return
            started.set()

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    try:
        started.wait(timeout=120)
        return _measured(child, window_s)
    finally:
        os.close(leader)


def _measured(child: subprocess.Popen[Any], window_s: float) -> float:
    try:
        time.sleep(SETTLE_S)
        before, started = _cpu_seconds(child.pid), time.monotonic()
        time.sleep(window_s)
        return (_cpu_seconds(child.pid) - before) / (time.monotonic() - started)
    finally:
        child.terminate()
        child.communicate(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3, help="runs of each measurement (the median is printed)")
    parser.add_argument("--wait", type=float, default=30.0, help="seconds of waiting to measure the CPU over")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder, SampleService() as service:
        quick, waiting = Path(folder, "quick.yaml"), Path(folder, "waiting.yaml")
        quick.write_text(QUICK)
        waiting.write_text(WAITING.format(bake=int(args.wait + SETTLE_S + 10)))
        env = os.environ | {"GREENLIGHT_CACHE_DIR": str(Path(folder, "cache"))}  # nothing parsed yet
        runs = [start_and_exit(service.url, quick, env) for _ in range(args.runs)]
        start, end = statistics.median(r[0] for r in runs), statistics.median(r[1] for r in runs)
        workflow, cpu = statistics.median(r[2] for r in runs), statistics.median(r[3] for r in runs)
        print(
            f"local run: start {start:.2f} s + exit {end:.2f} s = {start + end:.2f} s around a {workflow:.2f} s "
            f"workflow (aim: at most 1.5 s together; median of {args.runs}; the first run, parsing the definition, "
            f"started in {runs[0][0]:.2f} s); the process's CPU: {cpu:.2f} s; load average {os.getloadavg()[0]:.1f}"
        )
        help_s = statistics.median(wall("--help") for _ in range(args.runs))
        check_s = statistics.median(wall("config", "check", str(quick)) for _ in range(args.runs))
        print(f"greenlight --help: {help_s:.2f} s; config check: {check_s:.2f} s (aim: under 1 s each)")
        piped = idle_share(service.url, waiting, args.wait)
        on_terminal = idle_share(service.url, waiting, args.wait, terminal=True)
        print(
            f"while waiting ({args.wait:g} s of a bake at time scale 1): {piped:.1%} of one core with its output "
            f"piped, {on_terminal:.1%} on a terminal (aim: at most 5%); load average {os.getloadavg()[0]:.1f}"
        )


if __name__ == "__main__":
    main()
