"""The emulated ALB listener publishes what an ALB publishes, with the dimensions AWS gives each metric."""

from __future__ import annotations

import http.client
import json
import time
import urllib.request
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from moto import mock_aws

from greenlight.engine.balancer.listener import NAMESPACE, ListenerSettings, TestListener
from tests.support.hostile import Hostile, hostile_service
from tests.support.metric_sums import sums as metric_sums
from tests.support.servers import Behaviour, closed_port, serve

GROUP = [{"Name": "TargetGroup", "Value": "targetgroup/g/1"}, {"Name": "LoadBalancer", "Value": "app/lb/2"}]


@pytest.fixture
def cloudwatch() -> Iterator[Any]:
    with mock_aws():
        yield boto3.client("cloudwatch", region_name="us-east-1")


def sums(cloudwatch: Any, name: str, dimensions: list[dict[str, str]]) -> float:
    return metric_sums(cloudwatch, name, dimensions, NAMESPACE)


def send(listener: TestListener, count: int) -> list[int]:
    statuses = []
    for _ in range(count):
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{listener.port}/", timeout=5) as answer:
                statuses.append(answer.status)
        except urllib.error.HTTPError as error:
            statuses.append(error.code)
    return statuses


def test_a_refused_connection_is_a_target_connection_error_and_the_albs_own_502(cloudwatch: Any) -> None:
    listener = TestListener(
        ListenerSettings(upstream=f"http://127.0.0.1:{closed_port()}", dimensions=GROUP), cloudwatch
    ).start()
    try:
        assert send(listener, 3) == [502, 502, 502]
    finally:
        listener.close()
    assert sums(cloudwatch, "TargetConnectionErrorCount", GROUP) == 3
    assert sums(cloudwatch, "RequestCount", GROUP) == 3
    assert sums(cloudwatch, "HTTPCode_ELB_502_Count", GROUP[1:]) == 3  # LoadBalancer only, as AWS publishes it
    assert sums(cloudwatch, "HTTPCode_ELB_502_Count", GROUP) == 0
    assert sums(cloudwatch, "HTTPCode_Target_5XX_Count", GROUP) == 0


def test_a_target_5xx_is_the_targets_own(cloudwatch: Any) -> None:
    with serve(Behaviour(status=503)) as (url, _):
        listener = TestListener(ListenerSettings(upstream=url, dimensions=GROUP), cloudwatch).start()
        try:
            assert send(listener, 2) == [503, 503]
        finally:
            listener.close()
    assert sums(cloudwatch, "HTTPCode_Target_5XX_Count", GROUP) == 2
    assert sums(cloudwatch, "TargetConnectionErrorCount", GROUP) == 0


def test_a_reset_after_connecting_is_the_albs_502_without_a_connection_error(cloudwatch: Any) -> None:
    """The connection was established, so TargetConnectionErrorCount does not count it (ALB metrics page)."""
    with serve(Behaviour(reset=True)) as (url, _):
        listener = TestListener(ListenerSettings(upstream=url, dimensions=GROUP), cloudwatch).start()
        try:
            assert send(listener, 2) == [502, 502]
        finally:
            listener.close()
    assert sums(cloudwatch, "HTTPCode_ELB_502_Count", GROUP[1:]) == 2
    assert sums(cloudwatch, "TargetConnectionErrorCount", GROUP) == 0


def test_no_answer_in_time_is_the_albs_504(cloudwatch: Any) -> None:
    with serve(Behaviour(hang_s=1.0)) as (url, _):
        settings = ListenerSettings(upstream=url, dimensions=GROUP, upstream_timeout=0.2)
        listener = TestListener(settings, cloudwatch).start()
        try:
            assert send(listener, 1) == [504]
        finally:
            listener.close()
    assert sums(cloudwatch, "HTTPCode_ELB_504_Count", GROUP[1:]) == 1
    assert sums(cloudwatch, "TargetConnectionErrorCount", GROUP) == 0


def wait_for_state(listener: TestListener, state: str) -> str:
    """The target's reason once it reaches `state`; the poll has a deadline."""
    deadline = time.monotonic() + 10
    while listener.target.state != state and time.monotonic() < deadline:
        time.sleep(0.02)
    assert listener.target.state == state, listener.target
    return listener.target.reason


@pytest.mark.parametrize("mode", ["bad-status", "big-header", "many-headers"])
def test_a_malformed_answer_is_the_albs_own_502_not_a_connection_error(cloudwatch: Any, mode: str) -> None:
    # GIVEN a target answering with a broken status line or headers over the ALB's 32 KiB
    with hostile_service(Hostile(mode, hostile_health=True)) as url:
        listener = TestListener(ListenerSettings(upstream=url, dimensions=GROUP), cloudwatch).start()
        try:
            assert send(listener, 2) == [502, 502]
            # THEN its health checks fail as an ALB's do on a malformed answer
            assert wait_for_state(listener, "unhealthy") == "Target.FailedHealthChecks"
        finally:
            listener.close()
    assert sums(cloudwatch, "HTTPCode_ELB_502_Count", GROUP[1:]) == 2
    assert sums(cloudwatch, "TargetConnectionErrorCount", GROUP) == 0  # the connection was made


def test_a_head_that_never_completes_is_a_timeout(cloudwatch: Any) -> None:
    with serve(Behaviour(hang_s=1.0)) as (url, _):
        settings = ListenerSettings(upstream=url, dimensions=GROUP, health_timeout=0.2, upstream_timeout=0.3)
        listener = TestListener(settings, cloudwatch).start()
        try:
            assert send(listener, 1) == [504]
            assert wait_for_state(listener, "unhealthy") == "Target.Timeout"
        finally:
            listener.close()


@pytest.mark.parametrize("mode", ["gigabyte", "endless"])
def test_a_huge_or_endless_body_is_relayed_as_it_comes_never_held(cloudwatch: Any, mode: str) -> None:
    # GIVEN a target answering 2 GiB, or without end
    with hostile_service(Hostile(mode)) as url:
        listener = TestListener(ListenerSettings(upstream=url, dimensions=GROUP), cloudwatch).start()
        try:
            # WHEN a client reads the first MiB and goes away
            with urllib.request.urlopen(f"http://127.0.0.1:{listener.port}/api", timeout=5) as answer:
                assert answer.status == 200
                assert len(answer.read(1 << 20)) == 1 << 20
                announced = answer.headers.get("Content-Length")
            # THEN the listener passed the body on as it came (the announced length, or chunks), and still serves
            assert announced == ("2147483648" if mode == "gigabyte" else None)
            with urllib.request.urlopen(f"http://127.0.0.1:{listener.port}/health", timeout=5) as answer:
                assert answer.status == 200
        finally:
            listener.close()
    assert sums(cloudwatch, "RequestCount", GROUP) >= 1


def test_bodies_and_lengths_pass_through_unchanged(cloudwatch: Any) -> None:
    body = {"status": "ok", "items": [{"id": n} for n in range(2000)]}
    with serve(Behaviour(body=body)) as (url, _):
        listener = TestListener(ListenerSettings(upstream=url, dimensions=GROUP), cloudwatch).start()
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{listener.port}/", timeout=5) as answer:
                received, length = answer.read(), answer.headers["Content-Length"]
        finally:
            listener.close()
    assert json.loads(received) == body and int(length) == len(received)


def test_a_body_cut_short_by_the_target_reaches_the_client_cut_short(cloudwatch: Any) -> None:
    # GIVEN a target announcing 1000 bytes and closing after 4
    with hostile_service(Hostile("truncated")) as url:
        listener = TestListener(ListenerSettings(upstream=url, dimensions=GROUP), cloudwatch).start()
        try:
            # THEN the client sees the connection end early instead of waiting for bytes that never come
            with (
                urllib.request.urlopen(f"http://127.0.0.1:{listener.port}/api", timeout=5) as answer,
                pytest.raises(http.client.IncompleteRead),
            ):
                answer.read()
        finally:
            listener.close()


def test_connections_to_the_target_are_kept_open_and_reused(cloudwatch: Any) -> None:
    # GIVEN a target that records which client port each request came from
    with serve() as (url, behaviour):
        listener = TestListener(ListenerSettings(upstream=url, health_interval=60, dimensions=GROUP), cloudwatch)
        listener.start()
        try:
            # WHEN requests pass through the listener one after the other
            assert send(listener, 20) == [200] * 20
        finally:
            listener.close()
    # THEN they travelled on one kept-alive connection to the target, as an ALB's would: it is back in the pool
    # before the client has its answer, so the next request finds it however slow the machine
    ports = [request["client_port"] for request in behaviour.requests]
    assert len(set(ports)) == 1, ports


def test_a_kept_connection_the_target_closed_is_replaced_without_an_error(cloudwatch: Any) -> None:
    with serve() as (url, behaviour):
        listener = TestListener(ListenerSettings(upstream=url, health_interval=60, dimensions=GROUP), cloudwatch)
        listener.start()
        try:
            assert send(listener, 1) == [200]
            # GIVEN the target closes its idle connections (a restart, an idle timeout)
            behaviour.close_after = True
            assert send(listener, 3) == [200] * 3
        finally:
            listener.close()
    # THEN no request failed: the second reused the first connection, which the target then closed, and each
    # later one found its kept connection closed and made a new one
    ports = [request["client_port"] for request in behaviour.requests]
    assert ports[0] == ports[1] and len(set(ports)) == 3
    assert sums(cloudwatch, "HTTPCode_ELB_5XX_Count", GROUP[1:]) == 0
