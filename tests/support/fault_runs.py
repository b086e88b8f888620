"""Running a fault of the matrix (tests/support/faults.py) on the embedded engine: the service it needs, the team's
webhook of a check fault, and what the run gave (tests/statemachines/test_fault_matrix.py and the parity tier run
each row so)."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from greenlight.engine import LocalEngine, LocalRunOptions, run_local
from greenlight.engine.standins.codedeploy import LocalDeployment
from greenlight.project import Project
from greenlight.samples.service import GOOD, SampleService
from tests.support.fault_setups import Setup
from tests.support.faults import Fault
from tests.support.hostile import Hostile, hostile_service
from tests.support.quick_config import QUICK_RUN, quick_config
from tests.support.servers import Behaviour, closed_port, serve

if TYPE_CHECKING:
    from greenlight.engine.run.results import Callback, LocalRunResult


@dataclass
class FaultOutcome:
    result: LocalRunResult
    seconds: float

    @property
    def callbacks(self) -> list[Callback]:
        return self.result.callbacks

    @property
    def accepted(self) -> list[str]:
        return [c.status.value for c in self.callbacks if c.accepted]


@contextmanager
def _served(service: Behaviour | Hostile) -> Iterator[str]:
    """The URL of a fault-mode server or of a service built to break the validators, while it serves."""
    if isinstance(service, Hostile):
        with hostile_service(service) as url:
            yield url
    else:
        with serve(service) as (url, _):
            yield url


@contextmanager
def _target(fault: Fault) -> Iterator[str]:
    served = fault.hostile if fault.hostile is not None else fault.service
    if fault.refuse_connections:
        yield f"http://127.0.0.1:{closed_port()}"
    elif served is not None:
        with _served(served) as url:
            yield url
    else:
        with SampleService(GOOD) as service:
            yield service.url


@contextmanager
def _webhook(fault: Fault) -> Iterator[str]:
    """The team's webhook service of a check fault (none for the other faults)."""
    if fault.webhook is None:
        yield ""
    else:
        with _served(fault.webhook) as url:
            yield url


def run_fault(
    fault: Fault,
    project: Project,
    engine_setup: Setup | None = None,
    on_state: Callable[[dict[str, Any]], None] | None = None,
    **overrides: Any,
) -> FaultOutcome:
    """Run the fault on the embedded engine; `engine_setup` runs after the fault's own setup, and `overrides` set
    LocalRunOptions after the fault's options (the parity tier runs the same faults on LocalStack so)."""
    started = time.monotonic()

    def setup(engine: LocalEngine, deployment: LocalDeployment) -> None:
        for step in (fault.setup, engine_setup):
            if step is not None:
                step(engine, deployment)

    with _target(fault) as url, _webhook(fault) as webhook:
        config_text = quick_config(**fault.config)
        options = LocalRunOptions(target_url=url, config_text=config_text, **QUICK_RUN, deadline_s=60.0)
        for key, value in (fault.options | overrides).items():
            setattr(options, key, value)
        # The webhook's URL once the config is final (the parity tier gives its own config text).
        options.config_text = options.config_text.replace("{webhook}", webhook)
        result = run_local(options, project, on_state=on_state, before_start=setup)
    return FaultOutcome(result, time.monotonic() - started)
