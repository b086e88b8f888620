"""Everything the local engine changes in moto, by what it patches, pinned to one moto version.

The interpreter: `lambda_invoke` (handlers in-process), `waits` (scaled time), `asl` (JSONPath, aws-sdk names, errors
and limits as on AWS), `stepfunctions` (MockConfigFile cases, StopExecution), `definitions` (a definition parsed once),
`progress` (an execution's events wake who follows it), `mock_config` (Step Functions Local's MockConfigFile, whose
loader moto stubs). The services: `codedeploy`, `ecs`, `elbv2`, `cloudwatch`, `ssm` (who wrote a parameter),
`appconfigdata` (which moto lacks). And `faults` (injected error answers), `access` (IAM for the template's own roles:
the scoped secret reading). Each patch closes a gap measured in moto 5.2.5 (docs/local-engine.md) and reads the running
engine's settings (`greenlight.engine.core.context`); outside an engine moto behaves as shipped.
tests/greenlight/engine/patches/test_moto_canaries.py fails the day an upgrade moves or fixes what a patch touches.
"""

from __future__ import annotations

import threading
from importlib.metadata import version

from greenlight.engine.core.botocore_models import import_moto_with_shared_sessions

import_moto_with_shared_sessions()  # before the patches import moto's services (botocore_models says why)

from greenlight.engine.guards import conformance, egress  # noqa: E402
from greenlight.engine.patches import (  # noqa: E402
    access,
    appconfigdata,
    asl,
    cloudwatch,
    codedeploy,
    definitions,
    ecs,
    elbv2,
    faults,
    lambda_invoke,
    progress,
    ssm,
    stepfunctions,
    waits,
)
from greenlight.engine.patches.originals import ORIGINALS, PINNED_MOTO  # noqa: E402

# access wraps the response entry point after faults has replaced it: a refused read is refused before any fault.
MODULES = (
    lambda_invoke,
    waits,
    asl,
    stepfunctions,
    definitions,
    progress,
    codedeploy,
    ecs,
    elbv2,
    cloudwatch,
    ssm,
    faults,
    access,
    appconfigdata,
)
_LOCK = threading.Lock()
_applied: list[bool] = []


def apply() -> None:
    """Apply every patch once per process; refuse a moto version the patches were not measured against."""
    with _LOCK:
        if _applied:
            return
        if version("moto") != PINNED_MOTO:
            raise RuntimeError(f"greenlight's local engine is pinned to moto {PINNED_MOTO}, found {version('moto')}")
        for module in MODULES:
            for owner, attribute, replacement in module.PATCHES:
                setattr(owner, attribute, replacement)
            for extra in getattr(module, "EXTRA", []):
                extra()
        conformance.install()
        egress.install()
        _applied.append(True)


__all__ = ["ORIGINALS", "PINNED_MOTO", "apply"]
