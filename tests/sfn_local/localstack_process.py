"""LocalStack's Step Functions in host mode (no Docker), started for the tests and stopped by its pid, always.

It runs from .venv-localstack (Python 3.13, which `make sfn-localstack` creates) on a free loopback port, with
every directory it writes in a temporary folder removed afterwards, its outbound calls (DNS server, certificate
download, analytics) switched off. Readiness and stopping each have a deadline; a LocalStack that does not come
up fails with the tail of its log. Inside it, tests/sfn_local/inside_localstack.py installs greenlight's bridge
and a watchdog that stops it if the test process dies without stopping it.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
VENV = ROOT / ".venv-localstack"
INSIDE = Path(__file__).with_name("inside_localstack.py")
READY_DEADLINE_S = 90.0  # about 1.5 s on an idle machine; much more on a busy shared one
STOP_DEADLINE_S = 15.0
POLL_S = 0.1
# LocalStack's account is the access key's when that is 12 digits: the same account the stand-in plays.
ACCOUNT_ACCESS_KEY = "123456789012"
QUIET = {
    "OVERRIDE_IN_DOCKER": "0",  # host mode even inside a container: directories under FILESYSTEM_ROOT
    "DNS_ADDRESS": "0",  # no DNS server (it would bind port 53 on every interface)
    "SKIP_SSL_CERT_DOWNLOAD": "1",
    "DISABLE_EVENTS": "1",  # no analytics
}


class LocalStackUnavailableError(Exception):
    """LocalStack cannot run here (no .venv-localstack: no Python 3.13); the message says why, for a skip."""


class LocalStackStartError(RuntimeError):
    """LocalStack was there but did not come up; the message carries the tail of its log."""


def python() -> Path:
    """The interpreter of .venv-localstack; LocalStackUnavailableError when there is none (no Python 3.13 to make
    it: a skip), LocalStackStartError when there is one that cannot run LocalStack (a broken install: a failure)."""
    interpreter = VENV / "bin" / "python"
    if not interpreter.exists():
        hint = "`make sfn-localstack` creates it when a python3.13 is installed (pyenv install 3.13)"
        raise LocalStackUnavailableError(f"no .venv-localstack (LocalStack needs Python 3.13): {hint}")
    probe = "import sys, importlib.metadata as m; print(sys.version_info >= (3, 13), m.version('localstack-core'))"
    answer = subprocess.run([interpreter, "-I", "-c", probe], capture_output=True, text=True, timeout=60, check=False)
    if answer.returncode != 0 or not answer.stdout.startswith("True"):
        why = (answer.stderr.strip().splitlines() or [answer.stdout.strip()])[-1]
        raise LocalStackStartError(
            f".venv-localstack cannot run LocalStack (no Python 3.13 with localstack-core: {why}); "
            "remove it and run `make sfn-localstack` again"
        )
    return interpreter


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _stepfunctions_ready(endpoint: str) -> bool:
    try:
        with urllib.request.urlopen(f"{endpoint}/_localstack/health", timeout=2) as response:
            services = json.loads(response.read()).get("services", {})
    except (OSError, ValueError):
        return False
    return services.get("stepfunctions") in ("available", "running")


def _tail(log: Path, lines: int = 30) -> str:
    return "\n".join(log.read_text(errors="replace").splitlines()[-lines:])


def _wait_ready(process: subprocess.Popen[bytes], endpoint: str, log: Path) -> None:
    deadline = time.monotonic() + READY_DEADLINE_S
    while not _stepfunctions_ready(endpoint):
        if process.poll() is not None:
            raise LocalStackStartError(f"LocalStack exited ({process.returncode}) before it was ready:\n{_tail(log)}")
        if time.monotonic() > deadline:
            raise LocalStackStartError(f"LocalStack not ready after {READY_DEADLINE_S:.0f} s:\n{_tail(log)}")
        time.sleep(POLL_S)


def stop(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM to its pid (LocalStack shuts down on it), then SIGKILL if it is still there at the deadline."""
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(STOP_DEADLINE_S)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(STOP_DEADLINE_S)


@contextmanager
def running(mock_config: Path, bridge_url: str | None = None) -> Iterator[str]:
    """LocalStack's Step Functions with this MockConfigFile (and the bridge, if given): yields its endpoint."""
    interpreter = python()
    with tempfile.TemporaryDirectory(prefix="greenlight-localstack-") as folder:
        work, port = Path(folder), free_port()
        environment = {
            "PATH": os.environ.get("PATH", ""),
            "HOME": folder,
            "SERVICES": "stepfunctions,sts",  # sts: aws-sdk tasks of LocalStack's own services get their credentials
            "EAGER_SERVICE_LOADING": "1",
            "SFN_MOCK_CONFIG": str(mock_config),
            "GATEWAY_LISTEN": f"127.0.0.1:{port}",
            "LOCALSTACK_VOLUME_DIR": str(work / "volume"),
            "FILESYSTEM_ROOT": str(work / "filesystem"),
            "GREENLIGHT_LOCALSTACK_FOLDER": folder,  # removed by its watchdog if this process dies first
            **QUIET,
            **({"GREENLIGHT_BRIDGE_URL": bridge_url} if bridge_url else {}),
        }
        log = work / "localstack.log"
        with log.open("wb") as output:
            process = subprocess.Popen(
                [interpreter, "-I", INSIDE], env=environment, cwd=folder, stdout=output, stderr=subprocess.STDOUT
            )
        try:
            endpoint = f"http://127.0.0.1:{port}"
            _wait_ready(process, endpoint, log)
            yield endpoint
        finally:
            stop(process)
            if process.returncode not in (0, -15):
                sys.stderr.write(f"LocalStack (pid {process.pid}) ended with {process.returncode}:\n{_tail(log)}\n")
