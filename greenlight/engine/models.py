"""One botocore session for the whole process, so each AWS service model is read from disk once.

Each botocore session reads the service models it needs (JSON files, several MB for some) and keeps them; a new
session reads them again. The conformance check, the ASL patches, the engine's own clients, moto's lists of regions
and, while an engine runs, the functions' clients (boto3's default session) all use this one.
"""

from __future__ import annotations

import importlib
import sys
import threading
from functools import cache
from typing import Any

import boto3.session
import botocore.session
from botocore.model import ServiceModel

_LOCK = threading.Lock()
REGION = "us-east-1"  # the local engine's (greenlight.engine.standin)
# The services the engine itself calls (the stand-in's setup, the recorded events, the run's reads).
CLIENTS = (
    "stepfunctions",
    "lambda",
    "iam",
    "codedeploy",
    "elbv2",
    "cloudwatch",
    "ssm",
    "logs",
    "events",
    "sqs",
    "acm",
    "s3",
    "secretsmanager",
    "sts",
    "ecs",
)
_CLIENTS: dict[str, Any] = {}
_CLIENTS_LOCK = threading.Lock()


@cache
def shared_botocore_session() -> botocore.session.Session:
    return botocore.session.get_session()


@cache
def shared_boto3_session(region: str) -> boto3.session.Session:
    """The boto3 session over the shared botocore session (one: each registers its handlers on it); credentials
    from the environment of the first engine that asks."""
    with _LOCK:
        return boto3.session.Session(botocore_session=shared_botocore_session(), region_name=region)


@cache
def service_model(service: str) -> ServiceModel:
    with _LOCK:
        return shared_botocore_session().get_service_model(service)


def engine_clients() -> dict[str, Any]:
    """The engine's own clients, made once per process and shared by every engine it runs.

    moto gives each mock a new default boto3 session, so clients made per engine reload every service model
    (about half a second); these come from the shared session. They reach moto whichever engine runs, since moto's
    hook is in every session made after moto was imported (and the conformance check with it).
    """
    with _CLIENTS_LOCK:
        if not _CLIENTS:
            session = shared_boto3_session(REGION)  # credentials: the first engine's LOCAL_ENVIRONMENT
            _CLIENTS.update({name: session.client(name) for name in CLIENTS})  # type: ignore[call-overload]
        return dict(_CLIENTS)


def _shared_for_moto(*args: Any, **kwargs: Any) -> boto3.session.Session:
    return shared_boto3_session(REGION)


def import_moto_with_shared_sessions() -> None:
    """Import moto's EC2 models (which ELBv2's and ECS's import) with boto3.Session standing for the shared session,
    and have every moto backend list its regions through it: moto makes sessions of its own for that (three at
    import, each reading the 4.5 MB EC2 model again; one per backend class), about a second of a run's start."""
    if "moto.ec2.models" not in sys.modules:
        original = boto3.Session
        boto3.Session = _shared_for_moto  # type: ignore[assignment,misc]
        try:
            importlib.import_module("moto.ec2.models")
        finally:
            boto3.Session = original  # type: ignore[misc]
    from moto.core.base_backend import AccountSpecificBackend

    AccountSpecificBackend.get_session = classmethod(_shared_for_moto)  # type: ignore[assignment,method-assign]
