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
from pathlib import Path
from typing import Any

import boto3.session
import botocore.session
from botocore.model import ServiceModel

_LOCK = threading.Lock()
REGION = "us-east-1"  # the local engine's (greenlight.engine.standins.codedeploy)
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


class EngineClients(dict[str, Any]):
    """The engine's clients by service name, each made when first asked for (a run that uses no ECS, ACM or
    Secrets Manager reads none of their models), then kept for every engine of the process."""

    def __missing__(self, name: str) -> Any:
        if name not in CLIENTS:
            raise KeyError(name)
        with _CLIENTS_LOCK:
            if name not in _CLIENTS:
                _CLIENTS[name] = shared_boto3_session(REGION).client(name)  # type: ignore[call-overload]
        self[name] = client = _CLIENTS[name]
        return client


def engine_clients() -> EngineClients:
    """The engine's own clients, made once per process and shared by every engine it runs.

    moto gives each mock a new default boto3 session, so clients made per engine reload every service model
    (about half a second); these come from the shared session. They reach moto whichever engine runs, since moto's
    hook is in every session made after moto was imported (and the conformance check with it). Credentials: the
    environment of the first engine that asks (its LOCAL_ENVIRONMENT).
    """
    return EngineClients()


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
    from moto.core import utils
    from moto.core.base_backend import AccountSpecificBackend

    AccountSpecificBackend.get_session = classmethod(_shared_for_moto)  # type: ignore[assignment,method-assign]
    if utils._load_service_model is not _moto_model:
        _MOTO_LOAD.append(utils._load_service_model)
        utils._load_service_model = _moto_model


_MOTO_LOAD: list[Any] = []  # moto's own loader of a model (moto.core.utils._load_service_model)


def _moto_model(service_name: str, model_name: str) -> dict[str, Any]:
    """moto reads a model of each service it answers (to parse requests and serialize answers) with a new loader of
    its own: each a second read of a file the shared session has read. The same file gives the same model, unless
    moto's loader adds moto's extras or leaves out botocore's `sdk` extras: those models moto reads itself."""
    if _extras(service_name, model_name):
        return dict(_MOTO_LOAD[0](service_name, model_name))
    with _LOCK:
        loader = shared_botocore_session().get_component("data_loader")
        return dict(loader.load_service_model(service_name, model_name))


@cache
def _extras(service: str, type_name: str) -> bool:
    from moto.core.loaders import moto_root

    loader = shared_botocore_session().get_component("data_loader")
    version = loader.determine_latest_version(service, type_name)
    folders = [Path(path, service, version) for path in loader.search_paths]
    candidates = [folder / f"{type_name}.sdk-extras.json" for folder in folders]
    candidates.append(Path(moto_root, service.replace("-", ""), version, f"{type_name}.moto-extras.json"))
    return any(path.exists() or path.with_name(path.name + ".gz").exists() for path in candidates)
