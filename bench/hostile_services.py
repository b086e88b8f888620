"""`greenlight local run` against services built to break it, each in its own process, with its peak memory.

Run from the repo root: `python -m bench.hostile_services` (or `--cases trickle redos`). For each hostile behaviour
a loopback service answers every path (the health path too, except for the ReDoS bait, whose health path answers
well so the health check shows it is not starved) and `greenlight local run` runs at time scale 1 with the config
below (metrics off: they read CloudWatch, not the answers, and would wait out its delay). Printed per case: the
verdict and CodeDeploy's callback, each validation's status and failure kind, the wall time against the configured
deadlines, and the run's peak RSS (the child's own rusage). Nothing leaves the machine: the services listen on
127.0.0.1 and every answer stops after 60 s.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

from tests.support.hostile import Hostile, hostile_service

ROOT = Path(__file__).resolve().parents[1]
HEALTH = {"path": "/health", "interval_seconds": 1, "timeout_seconds": 10, "request_timeout_seconds": 2}
SYNTHETIC = {"total_requests": 40, "concurrency": 4, "request_timeout_seconds": 2, "timeout_seconds": 15}
# Metrics read CloudWatch, not the hostile answers; at time scale 1 they would wait out CloudWatch's emulated delay.
METRICS = {"enabled": False}
DEADLINE_S = max(HEALTH["timeout_seconds"], SYNTHETIC["timeout_seconds"])
EXPECTATIONS = {
    "redos": {"headers": {"X-Bait": "^(a+)+$"}},
    "deep-json": {"json": [{"path": "status", "exists": True}]},
}
CASES = (
    "gigabyte", "endless", "gzip-bomb", "trickle", "bad-status", "big-header", "many-headers", "truncated", "redos",
    "deep-json",
)  # fmt: skip


def config_for(mode: str) -> str:
    # An empty `expect` is refused (it would check nothing): only the cases with expectations of their own give one.
    request = {"path": "/api/items"} | ({"expect": EXPECTATIONS[mode]} if mode in EXPECTATIONS else {})
    synthetic = {**SYNTHETIC, "requests": [request]}
    return yaml.safe_dump({"health": HEALTH, "synthetic": synthetic, "metrics": METRICS})


def run_case(mode: str, folder: Path) -> dict[str, object]:
    """One local run in a child process; its peak RSS comes from its own rusage (os.wait4)."""
    config = folder / f"{mode}.yaml"
    config.write_text(config_for(mode))
    with hostile_service(Hostile(mode, hostile_health=mode != "redos")) as url:
        command = [sys.executable, "-m", "greenlight.cli", "local", "run", "--target-url", url]
        command += ["--config", str(config), "--time-scale", "1", "--json"]
        started = time.monotonic()
        with tempfile.TemporaryFile() as out:
            child = subprocess.Popen(command, cwd=ROOT, stdout=out, stderr=subprocess.DEVNULL)
            _, status, usage = os.wait4(child.pid, 0)
            child.returncode = os.waitstatus_to_exitcode(status)
            wall = time.monotonic() - started
            out.seek(0)
            report = json.loads(out.read() or b"{}")
    return {"mode": mode, "report": report, "wall_s": wall, "peak_mb": usage.ru_maxrss / 1024, "exit": child.returncode}


def summary(result: dict[str, object]) -> str:
    report = result["report"]
    assert isinstance(report, dict)
    checks = []
    for validation in (report.get("report") or {}).get("validations", []):
        kinds = validation.get("observed", {}).get("failures_by_kind") or validation.get("observed", {}).get(
            "last_answer", ""
        )
        checks.append(f"{validation['name']}={validation['status']} ({kinds})")
    callback = (report.get("callback") or {}).get("status", "nothing")
    wall, peak = float(result["wall_s"]), float(result["peak_mb"])  # type: ignore[arg-type]
    execution = float(report.get("execution", {}).get("duration_s", 0.0))
    return (
        f"{result['mode']:<13} verdict={report.get('verdict')} callback={callback} exit={result['exit']} "
        f"execution={execution:.1f}s (deadline {DEADLINE_S}s) process={wall:.1f}s peak_rss={peak:.0f}MB\n    "
        + "; ".join(checks)
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cases", nargs="*", default=list(CASES), choices=CASES)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        results = [run_case(mode, Path(folder)) for mode in args.cases]
    for result in results:
        print(summary(result))
    worst = max(results, key=lambda r: float(r["peak_mb"]))  # type: ignore[arg-type]
    slowest = max(results, key=execution_s)
    failed = sum(1 for r in results if r["report"].get("verdict") == "Failed")  # type: ignore[attr-defined]
    print(
        f"{failed} of {len(results)} runs Failed as they should; the longest execution, {slowest['mode']}, took "
        f"{execution_s(slowest):.1f} s against a {DEADLINE_S} s deadline; highest peak RSS {worst['mode']} "
        f"{float(worst['peak_mb']):.0f} MB (aim < 700 MB)"  # type: ignore[arg-type]
    )


def execution_s(result: dict[str, object]) -> float:
    report = result["report"]
    return float(report.get("execution", {}).get("duration_s", 0.0)) if isinstance(report, dict) else 0.0


if __name__ == "__main__":
    main()
