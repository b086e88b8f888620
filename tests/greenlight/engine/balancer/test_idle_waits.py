"""A waiting run's threads sleep until something happens: the loopback server until a connection or its shutdown,
the emulated listener's metrics thread until a data point is recorded (no timer wakes either)."""

from __future__ import annotations

import threading
import time
import urllib.request
from http.server import BaseHTTPRequestHandler
from typing import Any

from greenlight.engine.balancer.listener import FLUSH_BATCH_S, ListenerSettings, TestListener
from greenlight.engine.balancer.loopback import LoopbackServer
from tests.support.servers import serve

IDLE_S = 0.5


class Hello(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        self.send_response(200)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, format: str, *args: Any) -> None:
        return


class CountingServer(LoopbackServer):
    """Counts the turns of its serving loop (socketserver calls service_actions once a turn)."""

    turns = 0

    def service_actions(self) -> None:
        self.turns += 1


def test_the_loopback_server_sleeps_until_a_connection_or_its_shutdown() -> None:
    # GIVEN a server serving with socketserver's 20 ms poll interval asked for (what the listener asks)
    server = CountingServer(Hello)
    thread = threading.Thread(target=server.serve_forever, args=(0.02,), daemon=True)
    thread.start()
    try:
        # WHEN nothing arrives for a while
        time.sleep(IDLE_S)
        idle_turns = server.turns
        # AND then a request does
        with urllib.request.urlopen(f"http://127.0.0.1:{server.port}/", timeout=5) as answer:
            assert answer.read() == b"ok"
    finally:
        # THEN shutdown wakes it at once
        server.shutdown()
        server.server_close()
    thread.join(timeout=5)
    assert not thread.is_alive()
    # AND it never turned while nothing arrived (socketserver's loop turns 25 times in 0.5 s), once for the request
    assert idle_turns == 0
    assert 1 <= server.turns <= 3


def test_a_server_shut_down_before_it_serves_does_not_hang() -> None:
    server = LoopbackServer(Hello)
    server.shutdown()
    server.server_close()
    server.server_close()  # twice is harmless


class CountingCloudWatch:
    def __init__(self) -> None:
        self.calls: list[int] = []

    def put_metric_data(self, Namespace: str, MetricData: list[dict[str, Any]]) -> None:  # noqa: N803  (boto3's)
        self.calls.append(len(MetricData))


class CountingListener(TestListener):
    """Counts each time its metrics thread goes to publish (on a 50 ms timer it went 20 times a second)."""

    flushes = 0

    def flush(self) -> None:
        self.flushes += 1
        super().flush()


def test_the_listeners_metrics_thread_wakes_only_to_publish() -> None:
    with serve() as (url, _):
        # GIVEN a listener whose target has settled, with no health check due for an hour
        cloudwatch = CountingCloudWatch()
        settings = ListenerSettings(upstream=url, health_interval=0.01, settled_health_interval=3600.0)
        listener = CountingListener(settings, cloudwatch)
        listener.start()
        try:
            deadline = time.monotonic() + 10
            while listener.target.state != "healthy" and time.monotonic() < deadline:
                time.sleep(0.01)
            time.sleep(FLUSH_BATCH_S * 4)
            published, flushes = len(cloudwatch.calls), listener.flushes
            # WHEN nothing is recorded for a while
            time.sleep(IDLE_S)
            # THEN its metrics thread did not even look (a 50 ms timer looked 10 times)
            assert (len(cloudwatch.calls), listener.flushes) == (published, flushes)
            # AND a request's data points are published within the batch time
            with urllib.request.urlopen(f"http://127.0.0.1:{listener.port}/", timeout=5) as answer:
                answer.read()
            deadline = time.monotonic() + 10
            while len(cloudwatch.calls) == published and time.monotonic() < deadline:
                time.sleep(0.01)
            assert len(cloudwatch.calls) == published + 1
        finally:
            listener.close()
    assert listener.target.state == "healthy"
