"""template.yaml translated offline by aws-sam-translator, as CloudFormation would receive it."""

from __future__ import annotations

import copy
import os
from functools import cache
from pathlib import Path
from typing import Any
from unittest import mock

from samtranslator.translator.transform import transform

from greenlight.project import Project


class OfflinePolicyLoader:
    """Managed policy names to ARNs without calling IAM (the translator asks only for names it references)."""

    def load(self) -> dict[str, str]:
        names = ["AWSXrayWriteOnlyAccess", "AWSLambdaBasicExecutionRole", "AWSLambdaVPCAccessExecutionRole"]
        return {name: f"arn:aws:iam::aws:policy/{name}" for name in names}


def packaged(template: dict[str, Any]) -> dict[str, Any]:
    """What `sam package` does to local paths: they become S3 locations."""
    result = copy.deepcopy(template)
    result.setdefault("Globals", {}).setdefault("Function", {})["CodeUri"] = "s3://bucket/functions.zip"
    for resource in result["Resources"].values():
        props = resource.get("Properties", {})
        if "CodeUri" in props:
            props["CodeUri"] = "s3://bucket/functions.zip"
        if "DefinitionUri" in props:
            props["DefinitionUri"] = "s3://bucket/validation.asl.json"
    return result


@cache
def translated(root: str) -> dict[str, Any]:
    project = Project.find(Path(root))
    with mock.patch.dict(os.environ, {"AWS_DEFAULT_REGION": "us-east-1"}):  # the translator wants a region, any
        return dict(transform(packaged(project.template), {}, OfflinePolicyLoader()))  # type: ignore[arg-type]
