"""`greenlight local run --config FILE` on each bad config of tests/support/bad_configs.py, each in its own process.

Run from the repo root: `python -m bench.bad_configs [--limit N]`. Printed per file: the exit status (2 expected),
whether stderr is one line without a traceback, the wall time of the whole process and its peak RSS (its own
rusage).
No workflow starts: each file is refused before the engine is set up.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tests.support.bad_configs import BAD_CONFIGS

ROOT = Path(__file__).resolve().parents[1]


def run_one(data: bytes, folder: Path) -> tuple[int, str, float, float]:
    """Exit status, stderr, wall seconds and peak RSS in MB of one refused run."""
    config = folder / "config.yaml"
    config.write_bytes(data)
    command = [sys.executable, "-m", "greenlight.cli", "local", "run", "--target-url", "http://127.0.0.1:9"]
    started = time.monotonic()
    with tempfile.TemporaryFile() as err:
        child = subprocess.Popen([*command, "--config", str(config)], cwd=ROOT, stdout=subprocess.DEVNULL, stderr=err)
        _, status, usage = os.wait4(child.pid, 0)
        wall = time.monotonic() - started
        err.seek(0)
        stderr = err.read().decode(errors="replace")
    return os.waitstatus_to_exitcode(status), stderr, wall, usage.ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--limit", type=int, help="only the first N files")
    args = parser.parse_args()
    results = []
    with tempfile.TemporaryDirectory() as folder:
        for name, (data, phrase) in list(BAD_CONFIGS.items())[: args.limit]:
            code, stderr, wall, peak = run_one(data, Path(folder))
            one_line = stderr.count("\n") == 1 and "Traceback" not in stderr and phrase in stderr
            results.append((code, one_line, wall, peak))
            print(f"{name:<32} exit={code} one-line={one_line} {wall:.2f}s {peak:.0f}MB  {stderr.strip()[:90]}")
    exits_2 = sum(1 for code, one_line, _, _ in results if code == 2 and one_line)
    print(
        f"{exits_2} of {len(results)} bad configs exit 2 with one line naming the cause (aim: all); slowest "
        f"{max(r[2] for r in results):.2f} s (no aim: most of it is importing the engine; `greenlight config "
        f"check` refuses the same files in under 1 s), highest peak RSS {max(r[3] for r in results):.0f} MB "
        "(aim: under 200 MB)"
    )


if __name__ == "__main__":
    main()
