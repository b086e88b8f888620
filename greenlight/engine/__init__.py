"""The embedded local engine: the real state machine on moto's interpreter, the real handlers in-process.

Its public names are here, each imported on first use: importing the engine (moto, its interpreter, boto3) takes a
second or more, and `greenlight --help` or a usage error must not pay for it (`interface.py` holds what the
command line needs before a run, without moto). The subpackages, by role, each using only those after it (an
import-linter contract): `run` (the engine, a local run, ECS's hook calls), `standins` (CodeDeploy's and Amazon
ECS's part of a deployment), `balancer` (the emulated ALB) and `patches` (what the engine changes in moto), `guards`
(conformance, egress, IAM), `core` (the running engine's settings, botocore's models, a run's lifetime).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from greenlight.engine.interface import DEFAULT_DEADLINE_S, DEFAULT_TIME_SCALE, LocalRunError, MockConfigError

if TYPE_CHECKING:
    from greenlight.engine.run.local_engine import LocalEngine
    from greenlight.engine.run.local_run import run_local
    from greenlight.engine.run.results import LocalRunResult
    from greenlight.engine.run.run_config import LocalRunOptions, read_config
    from greenlight.engine.standins.codedeploy import LocalDeployment
    from greenlight.engine.standins.ecs import EcsDeployment

_LAZY = {
    "LocalEngine": "greenlight.engine.run.local_engine",
    "LocalRunOptions": "greenlight.engine.run.run_config",
    "run_local": "greenlight.engine.run.local_run",
    "read_config": "greenlight.engine.run.run_config",
    "LocalRunResult": "greenlight.engine.run.results",
    "LocalDeployment": "greenlight.engine.standins.codedeploy",
    "EcsDeployment": "greenlight.engine.standins.ecs",
}

__all__ = [
    "DEFAULT_DEADLINE_S",
    "DEFAULT_TIME_SCALE",
    "EcsDeployment",
    "LocalDeployment",
    "LocalEngine",
    "LocalRunError",
    "LocalRunOptions",
    "LocalRunResult",
    "MockConfigError",
    "read_config",
    "run_local",
]


def __getattr__(name: str) -> Any:
    """A public name of the engine, its module imported now (the first use pays for moto, not the import)."""
    if name not in _LAZY:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(_LAZY[name]), name)
    globals()[name] = value
    return value
