"""The synthetic engine against `hey` (Debian package `hey`), on the same loopback server, in one run.

Prints requests/s of both and their ratio, and both p50/p99. Aims: against a server answering at once (`--server-
delay-ms 0`), at least 0.9 of hey's requests per second and a p99 within 10% of hey's; at 5 ms of think time (the
default), at least hey's (1.0). The server runs in its own process (aiohttp), so neither client shares its
interpreter. Run from the repo root: `python -m bench.synthetic_vs_hey [--requests N] [--concurrency C] [--rounds
R] [--pin]`.

On a loaded machine the ratio measures the scheduler more than the clients: hey's threads get more CPU than one
Python thread. `--pin` puts the server on the first CPU and each client, in turn, on the second (`taskset`), so both
clients have the same one CPU, as a Lambda function under 1,769 MB has. Each client's CPU per request, which the
bench prints either way, is the figure the load moves least.
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import time

from greenlight.engine.project import Project

SERVER = """
import asyncio, sys
from aiohttp import web
DELAY = float(sys.argv[2]) / 1000
async def answer(request):
    if DELAY:
        await asyncio.sleep(DELAY)
    return web.json_response({"status": "ok", "items": [{"id": 1}]})
app = web.Application()
app.router.add_get("/", answer)
web.run_app(app, host="127.0.0.1", port=int(sys.argv[1]), print=None, access_log=None)
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_until_up(port: int, deadline_s: float = 10.0) -> None:
    deadline = time.monotonic() + deadline_s
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError("the benchmark server did not start")


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def on_cpu(cpu: int | None, command: list[str]) -> list[str]:
    """`command` pinned to one CPU from its start, threads included (None: wherever the scheduler puts it)."""
    return command if cpu is None else ["taskset", "--cpu-list", str(cpu), *command]


def run_hey(url: str, requests: int, concurrency: int, pinned: int | None) -> tuple[float, float, float, float]:
    """Requests/s, p50 and p99 in ms, and hey's CPU microseconds per request (user + system)."""
    cpu = _children_cpu()
    command = on_cpu(pinned, ["hey", "-n", str(requests), "-c", str(concurrency), url])
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    cpu_us = (_children_cpu() - cpu) / requests * 1e6
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))  # type: ignore[union-attr]
    p50 = float(re.search(r"50% in ([\d.]+) secs", output).group(1)) * 1000  # type: ignore[union-attr]
    p99 = float(re.search(r"99% in ([\d.]+) secs", output).group(1)) * 1000  # type: ignore[union-attr]
    return rps, p50, p99, cpu_us


def run_greenlight(url: str, requests: int, concurrency: int) -> tuple[float, float, float, float]:
    from common.config import SyntheticConfig
    from validate_synthetic.ranksum import percentile
    from validate_synthetic.traffic import prepare_requests, run_loop, run_traffic

    config = SyntheticConfig(total_requests=requests, concurrency=concurrency)
    prepared = prepare_requests(url, config, "/", lambda reference: "")
    started, cpu = time.perf_counter(), time.process_time()
    samples = run_loop(run_traffic(prepared, requests, None, concurrency, config.request_timeout_seconds))
    elapsed, cpu_us = time.perf_counter() - started, (time.process_time() - cpu) / requests * 1e6
    assert all(sample.ok for sample in samples), "every benchmark request should succeed"
    latencies = sorted(sample.latency_ms for sample in samples)
    return len(samples) / elapsed, percentile(latencies, 0.50), percentile(latencies, 0.99), cpu_us


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=5000)
    parser.add_argument("--concurrency", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--pin", action="store_true", help="the server on CPU 0, each client in turn on CPU 1")
    parser.add_argument(
        "--server-delay-ms",
        type=float,
        default=5.0,
        help="server think time; at 0 both clients mostly measure their own overhead",
    )
    args = parser.parse_args()
    Project.find().add_task_root()  # the engine is Lambda code under functions/
    has_hey = shutil.which("hey") is not None
    port = free_port()
    server_cpu, client_cpu = (0, 1) if args.pin else (None, None)
    if client_cpu is not None:
        os.sched_setaffinity(0, {client_cpu})  # greenlight's traffic runs in this process
    server = subprocess.Popen(on_cpu(server_cpu, [sys.executable, "-c", SERVER, str(port), str(args.server_delay_ms)]))
    try:
        wait_until_up(port)
        url = f"http://127.0.0.1:{port}/"
        run_greenlight(url, 200, args.concurrency)  # warm-up
        ours, theirs = [], []
        for _ in range(args.rounds):  # interleaved, so machine noise hits both alike
            ours.append(run_greenlight(url, args.requests, args.concurrency))
            if has_hey:
                theirs.append(run_hey(url, args.requests, args.concurrency, client_cpu))
    finally:
        server.terminate()
        server.wait(timeout=10)

    def medians(rows: list[tuple[float, float, float, float]]) -> tuple[float, float, float, float]:
        return (
            statistics.median(r[0] for r in rows),
            statistics.median(r[1] for r in rows),
            statistics.median(r[2] for r in rows),
            statistics.median(r[3] for r in rows),
        )

    shape = (
        f"{args.requests} requests, concurrency {args.concurrency}, server delay {args.server_delay_ms:g} ms, "
        f"median of {args.rounds} rounds" + (", server on CPU 0, each client on CPU 1" if args.pin else "")
    )
    g_rps, g_p50, g_p99, g_cpu = medians(ours)
    print(f"greenlight synthetic: {g_rps:8.0f} req/s  p50 {g_p50:6.2f} ms  p99 {g_p99:6.2f} ms  ({shape})")
    print(f"  its CPU per request: {g_cpu:.0f} us; load average {os.getloadavg()[0]:.1f}")
    if not has_hey:
        print("hey: not installed (Debian: apt-get install hey); no comparison made")
        return
    h_rps, h_p50, h_p99, h_cpu = medians(theirs)
    print(f"hey:                  {h_rps:8.0f} req/s  p50 {h_p50:6.2f} ms  p99 {h_p99:6.2f} ms")
    # What the load moves least: each client's own CPU per request (a loaded machine hands hey's threads more).
    print(f"  its CPU per request: {h_cpu:.0f} us (greenlight uses {g_cpu / h_cpu:.1f}x hey's)")
    aim = 0.9 if args.server_delay_ms == 0 else 1.0
    print(f"throughput ratio greenlight / hey: {g_rps / h_rps:.2f} (aim >= {aim:g})")
    print(
        f"greenlight's latency against hey's: p50 {(g_p50 - h_p50) / h_p50:+.0%}, p99 {(g_p99 - h_p99) / h_p99:+.0%} "
        "(aim: p99 at most +10%)"
    )


if __name__ == "__main__":
    main()
