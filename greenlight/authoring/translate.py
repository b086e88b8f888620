"""template.yaml translated offline by aws-sam-translator, as CloudFormation receives it after `sam deploy`.

No AWS call is made: local paths become S3 locations (what `sam package` does) and managed policy ARNs are
built from their names. Tests and checkov read IAM from the result.
"""

from __future__ import annotations

import copy
import json
import os
import sys
from pathlib import Path
from typing import Any
from unittest import mock

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


def translate(template: dict[str, Any]) -> dict[str, Any]:
    from samtranslator.translator.transform import transform

    with mock.patch.dict(os.environ, {"AWS_DEFAULT_REGION": "us-east-1"}):  # the translator wants a region, any
        return dict(transform(packaged(template), {}, OfflinePolicyLoader()))


def main(argv: list[str] | None = None) -> int:
    """`python -m greenlight.authoring.translate OUT.json`: write the translated template (for checkov)."""
    args = sys.argv[1:] if argv is None else argv
    output = Path(args[0] if args else ".aws-sam/translated.json")
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(translate(Project.find().template), indent=2, default=str))
    sys.stdout.write(f"wrote {output}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
