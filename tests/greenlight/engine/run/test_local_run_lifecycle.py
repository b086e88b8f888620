"""A local run ends cleanly when interrupted, and runs in one process never collide on moto's process-wide AWS."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from greenlight.cli.errors import interrupted
from greenlight.engine import LocalEngine, LocalRunOptions, run_local
from greenlight.engine.core import lifetime
from greenlight.engine.interface import outlived_threads
from greenlight.project import Project
from greenlight.samples.service import GOOD, SampleService
from tests.conftest import ROOT
from tests.support.quick_config import TIME_SCALE, quick_config

# Long enough that Ctrl-C lands while the synthetic check is sending.
LONG_TRAFFIC = {"duration_seconds": 30, "total_requests": 100_000, "concurrency": 4, "request_timeout_seconds": 1}
DEFAULT_SIGINT = "import signal; signal.signal(signal.SIGINT, signal.default_int_handler)"
HANG_S = 120.0  # far past any exit after Ctrl-C, however loaded the machine
RUN_THREADS = ("listener", "listener-health", "listener-metrics")


def _refused(port: int) -> bool:
    with socket.socket() as probe:
        probe.settimeout(1)
        return probe.connect_ex(("127.0.0.1", port)) != 0


def test_ctrl_c_mid_run_exits_130_with_one_line_and_no_traceback(tmp_path: Path) -> None:
    # GIVEN `greenlight local run` sending 30 s of synthetic traffic to a healthy service
    config = tmp_path / "greenlight.yaml"
    config.write_text(quick_config(synthetic=LONG_TRAFFIC, metrics={"bake_seconds": 60}))
    with SampleService(GOOD) as service:
        # Python turns SIGINT into KeyboardInterrupt only when the process starts with it at its default: a suite
        # run in the background (`make test > log &`) hands its children SIGINT ignored, as shells do.
        command = [sys.executable, "-c", f"{DEFAULT_SIGINT}; from greenlight.cli.entry import run; run()"]
        command += ["local", "run"]
        command += ["--target-url", service.url, "--config", str(config), "--time-scale", str(TIME_SCALE)]
        process = subprocess.Popen(
            command,
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=os.environ | {"PYTHONUNBUFFERED": "1"},
        )
        assert process.stderr is not None
        seen = []
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:  # the live view says when the synthetic check starts
            line = process.stderr.readline()
            seen.append(line)
            if "synthetic: running" in line or not line:
                break
        assert any("synthetic: running" in line for line in seen), "".join(seen)
        time.sleep(1.0)
        # WHEN the user presses Ctrl-C
        process.send_signal(signal.SIGINT)
        try:  # a hang is what fails here, not a slow exit on a loaded machine (no timed assertion)
            out, err = process.communicate(timeout=HANG_S)
        except subprocess.TimeoutExpired:
            process.kill()
            pytest.fail(f"still running {HANG_S:g} s after Ctrl-C:\n{''.join(seen)}{process.communicate()[1]}")
    # THEN it exits 130, stdout has no report, and stderr ends with one line and no traceback
    assert process.returncode == 130, err
    assert out == ""
    assert err.rstrip("\n").splitlines()[-1] == "greenlight: interrupted; stopped cleanly"
    assert "Traceback" not in err and "KeyboardInterrupt" not in err and "Fatal" not in err


def test_an_interrupted_run_releases_its_port_and_threads_and_the_next_run_works() -> None:
    # GIVEN a run whose caller is interrupted while the synthetic check is sending
    ports: list[int] = []
    runs: list[Any] = []

    def listener_port(engine: Any, deployment: Any) -> None:
        ports.append(deployment.listener.port)
        runs.append(engine.settings.run)

    def interrupt_at_synthetic(event: dict[str, Any]) -> None:
        if event["type"] == "TaskStateEntered" and "Synthetic" in event["state"]:
            deadline = time.monotonic() + 10
            while not runs[0].handler_threads and time.monotonic() < deadline:
                time.sleep(0.01)
            assert runs[0].handler_threads, "the synthetic handler should be running"
            time.sleep(0.5)  # the check is sending
            raise KeyboardInterrupt

    with SampleService(GOOD) as service:
        options = LocalRunOptions(
            target_url=service.url,
            config_text=quick_config(synthetic=LONG_TRAFFIC, metrics={"bake_seconds": 60}),
            time_scale=TIME_SCALE,
        )
        before = {t.name for t in threading.enumerate()}
        with pytest.raises(KeyboardInterrupt):
            run_local(options, on_state=interrupt_at_synthetic, before_start=listener_port)
        # THEN the listener's port refuses connections, no thread of the run is left (handlers included)...
        assert ports and all(_refused(port) for port in ports)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and _run_threads(before, runs[0]):
            time.sleep(0.05)
        assert _run_threads(before, runs[0]) == []
        # ... and the next run in this process starts and decides
        options.config_text = quick_config()
        assert run_local(options).verdict == "Succeeded"


def _run_threads(before: set[str], run: Any) -> list[str]:
    """The run's threads still alive: the listener's, and any still running one of its handlers."""
    listener = [t.name for t in threading.enumerate() if t.name in RUN_THREADS and t.name not in before]
    return listener + [t.name for t in run.handler_threads if t.is_alive()]


def test_three_runs_at_once_in_one_process_run_one_after_another() -> None:
    # GIVEN three local runs started together from three threads of one process
    with SampleService(GOOD) as service:
        options = LocalRunOptions(target_url=service.url, config_text=quick_config(), time_scale=TIME_SCALE)
        with ThreadPoolExecutor(max_workers=3) as pool:
            reports = list(pool.map(lambda _: run_local(options), range(3)))
    # THEN each ends in its own verdict (never moto's EntityAlreadyExists from a shared backend)
    assert [report.verdict for report in reports] == ["Succeeded"] * 3


def test_an_interrupt_names_the_handlers_still_blocked_in_a_call_and_the_cli_says_so(
    project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN an engine whose run has a handler blocked in a call the stop cannot land in (a read nobody answers)
    monkeypatch.setattr(lifetime, "STOP_HANDLERS_WAIT_S", 0.3)
    engine = LocalEngine(project)
    release, entered = threading.Event(), threading.Event()

    def blocked_handler() -> None:
        with contextlib.suppress(lifetime.HandlerStoppedError), engine.settings.run.running_here():
            entered.set()
            release.wait(30)  # in C: the HandlerStoppedError the interrupt sends lands only once it returns

    thread = threading.Thread(target=blocked_handler, name="validate-synthetic-handler", daemon=True)
    thread.start()
    assert entered.wait(10)
    interrupt = KeyboardInterrupt()
    try:
        # WHEN the run is interrupted and the bounded wait for its handlers ends
        engine.__exit__(KeyboardInterrupt, interrupt, None)
        # THEN the interrupt names the thread, and the CLI's line says it is still blocked, not "stopped cleanly"
        assert outlived_threads(interrupt) == ["validate-synthetic-handler"]
        assert "validate-synthetic-handler" in interrupt.__notes__[-1]  # and a traceback says it
        line = interrupted(interrupt)
        assert line.startswith("greenlight: interrupted; stopped, but for 1 handler thread(s) still blocked in a call")
        assert "(validate-synthetic-handler)" in line and line.count("\n") == 1
    finally:
        release.set()
        thread.join(10)
    # and a run whose handlers all ended stops cleanly, in the line the docs give
    assert outlived_threads(KeyboardInterrupt()) == []
    assert interrupted(KeyboardInterrupt()) == "greenlight: interrupted; stopped cleanly\n"
