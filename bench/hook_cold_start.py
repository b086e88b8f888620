"""Hook cold start: import and init of the real hook vs a bare boto3 hook, each in fresh interpreters.

Prints the median of N runs for both and their ratio (aim: at most 1.3). "Init" is what a cold start pays
before the first call: importing the handler module and creating the two clients it uses.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

MEASURE = """
import time
start = time.perf_counter()
{body}
import boto3
boto3.client("stepfunctions", region_name="us-east-1")
boto3.client("codedeploy", region_name="us-east-1")
print(time.perf_counter() - start)
"""
GREENLIGHT_HOOK = "import hook.app"
BARE_HOOK = "import hashlib, json, os\nimport boto3"


def measure(body: str, runs: int) -> list[float]:
    code = MEASURE.format(body=body)
    timings = []
    for _ in range(runs):
        result = subprocess.run(
            [sys.executable, "-c", code], cwd=ROOT / "functions", capture_output=True, text=True, check=True
        )
        timings.append(float(result.stdout.strip()))
    return timings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    measure(BARE_HOOK, 2)  # warm the file system cache for both
    measure(GREENLIGHT_HOOK, 2)
    bare, hook = [], []
    for _ in range(args.runs):  # interleaved, so machine noise hits both alike
        bare += measure(BARE_HOOK, 1)
        hook += measure(GREENLIGHT_HOOK, 1)
    bare_ms, hook_ms = statistics.median(bare) * 1000, statistics.median(hook) * 1000
    print(f"bare boto3 hook   import+init median {bare_ms:7.1f} ms  ({args.runs} runs)")
    print(f"greenlight hook   import+init median {hook_ms:7.1f} ms  ({args.runs} runs)")
    print(f"ratio greenlight / bare: {hook_ms / bare_ms:.2f}  (aim: <= 1.3)")


if __name__ == "__main__":
    main()
