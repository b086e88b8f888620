"""One botocore session for the whole process, so each AWS service model is read from disk once.

Each botocore session reads the service models it needs (JSON files, several MB for some) and keeps them; a new
session reads them again. The conformance check, the ASL patches, the engine's own clients and, while an engine
runs, the functions' clients (boto3's default session) all use this one.
"""

from __future__ import annotations

import threading
from functools import cache

import boto3.session
import botocore.session
from botocore.model import ServiceModel

_LOCK = threading.Lock()


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
