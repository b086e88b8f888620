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
    import, each reading the 4.5 MB EC2 model again; one per backend class), about a second of a run's start.
    moto's EC2 instance type offerings (90 gzipped JSON files, 0.08 s of CPU) are read when first asked for."""
    if "moto.ec2.models" not in sys.modules:
        from moto.utilities import utils as resources

        original, read = boto3.Session, resources.load_resource
        boto3.Session = _shared_for_moto  # type: ignore[assignment,misc]
        resources.load_resource = _noting_offerings(read)
        try:
            importlib.import_module("moto.ec2.models")
        finally:
            boto3.Session, resources.load_resource = original, read  # type: ignore[misc]
        _offer_when_asked(read)
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


_OFFERINGS = "ec2/resources/instance_type_offerings/"
_offering_files: dict[str, dict[str, str]] = {}  # location type -> region -> moto's resource path


def _noting_offerings(read: Any) -> Any:
    """moto's resource reader while moto.ec2.models.instance_types is imported: an offerings file is only noted."""

    def load_resource(resource: str) -> Any:
        if not resource.startswith(_OFFERINGS):
            return read(resource)
        location_type, file = resource.removeprefix(_OFFERINGS).split("/")
        _offering_files.setdefault(location_type, {})[file.split(".")[0]] = resource
        return []

    return load_resource


class Offerings(dict[str, Any]):
    """One location type's instance type offerings by region (moto's INSTANCE_TYPE_OFFERINGS[type]), each region's
    file read when first asked for, as moto reads it (each offering marked with its LocationType)."""

    def __init__(self, location_type: str, files: dict[str, str], read: Any) -> None:
        super().__init__()
        self._type, self._files, self._read = location_type, files, read

    def _load(self, region: Any) -> None:
        if region in self._files and not dict.__contains__(self, region):
            offerings = self._read(self._files[region])
            for offering in offerings:
                offering["LocationType"] = self._type
            dict.__setitem__(self, region, offerings)

    def _load_all(self) -> None:
        for region in list(self._files):
            self._load(region)

    def __getitem__(self, region: str) -> Any:
        self._load(region)
        return dict.__getitem__(self, region)

    def get(self, region: str, default: Any = None) -> Any:
        self._load(region)
        return dict.get(self, region, default)

    def __contains__(self, region: object) -> bool:
        return region in self._files or dict.__contains__(self, region)

    def __iter__(self) -> Any:
        self._load_all()
        return dict.__iter__(self)

    def __len__(self) -> int:
        self._load_all()
        return dict.__len__(self)

    def keys(self) -> Any:
        self._load_all()
        return dict.keys(self)

    def values(self) -> Any:
        self._load_all()
        return dict.values(self)

    def items(self) -> Any:
        self._load_all()
        return dict.items(self)


def _offer_when_asked(read: Any) -> None:
    from moto.ec2.models import instance_types

    instance_types.load_resource = read  # type: ignore[attr-defined]
    for location_type, files in _offering_files.items():
        instance_types.INSTANCE_TYPE_OFFERINGS[location_type] = Offerings(location_type, files, read)
