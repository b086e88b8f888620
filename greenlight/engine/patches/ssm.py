"""SSM's parameter history names who wrote each version (`LastModifiedUser`, an ARN on AWS); moto says "N/A".

Locally the writer is the person running the run (the bypass audit shows it), named as the local account's user.
"""

from __future__ import annotations

from typing import Any

from moto.core.models import DEFAULT_ACCOUNT_ID
from moto.ssm.models import Parameter

from greenlight.engine.patches.originals import ORIGINALS, PatchList

LOCAL_WRITER = f"arn:aws:iam::{DEFAULT_ACCOUNT_ID}:user/local"


def describe_response_object(self: Parameter, *args: Any, **kwargs: Any) -> dict[str, Any]:
    answer: dict[str, Any] = ORIGINALS["ssm_describe"](self, *args, **kwargs)
    if answer.get("LastModifiedUser") == "N/A":
        answer["LastModifiedUser"] = LOCAL_WRITER
    return answer


PATCHES: PatchList = [(Parameter, "describe_response_object", describe_response_object)]
