"""Reading the secrets a check sends (synthetic and webhook headers), through a session AWS scopes to the group.

The function's own role reads no secret. For a check whose config names secrets, it assumes SecretReaderRole once
(common.secrets.scope explains the namespaces), passing:
- session tags `greenlight-application` and `greenlight-deployment-group` from the plan (what CodeDeploy or ECS
  named, never the config's text): the role's policy names the group's namespace through them;
- a session policy allowing only that namespace and the exact shared names the platform's default layer uses:
  the session's permissions are the intersection of the two (IAM User Guide, "Session policies").
So a reference Prepare let through by mistake is still AccessDenied by AWS.
"""

from __future__ import annotations

import json
import os
from typing import Any

import boto3

from common.config import SecretRef
from common.payload.models import SecretGrant
from common.runtime.aws import CLIENT_CONFIG
from common.secrets.scope import Namespaces, name_of

TAG_APPLICATION, TAG_GROUP = "greenlight-application", "greenlight-deployment-group"
SESSION_SECONDS = 900  # STS's minimum; secrets are read before the first request is sent
SESSION_POLICY_LIMIT = 2048  # STS: the plaintext of a session policy is at most 2,048 characters


class SecretAccessError(RuntimeError):
    """No secret can be read for this check (no grant, no reader role, or too many shared names)."""


def session_policy(grant: SecretGrant, spaces: Namespaces, role_arn: str, region: str) -> str:
    """The session policy: the group's namespace in both stores, and the exact shared names."""
    _, partition, _, _, account, _ = role_arn.split(":", 5)
    parameter = f"arn:{partition}:ssm:{region}:{account}:parameter"
    secret = f"arn:{partition}:secretsmanager:{region}:{account}:secret:"
    own_ssm, own_secret = spaces.tenant(grant.application, grant.deployment_group)
    statements = [
        {
            "Effect": "Allow",
            "Action": "ssm:GetParameter",
            "Resource": [f"{parameter}{own_ssm}*", *(f"{parameter}{name}" for name in grant.shared_ssm)],
        },
        {
            "Effect": "Allow",
            "Action": "secretsmanager:GetSecretValue",
            # A secret's ARN ends in a hyphen and six random characters (Secrets Manager User Guide, "Permissions
            # policy examples"): -?????? names exactly one secret, where * would also match a longer name.
            "Resource": [f"{secret}{own_secret}*", *(f"{secret}{name}-??????" for name in grant.shared_secretsmanager)],
        },
    ]
    policy = json.dumps({"Version": "2012-10-17", "Statement": statements}, separators=(",", ":"))
    if len(policy) > SESSION_POLICY_LIMIT:
        raise SecretAccessError(
            f"the default layer names {len(grant.shared_ssm) + len(grant.shared_secretsmanager)} shared secrets, more "
            f"than a session policy of {SESSION_POLICY_LIMIT} characters can list: name fewer"
        )
    return policy


class SecretReader:
    """Reads the plan's secrets through one scoped session, assumed on the first read."""

    def __init__(self, grant: SecretGrant | None, spaces: Namespaces, role_arn: str, sts: Any = None) -> None:
        self._grant, self._spaces, self._role_arn, self._sts = grant, spaces, role_arn, sts
        self._session: boto3.Session | None = None

    def _scoped(self) -> boto3.Session:
        if self._session is not None:
            return self._session
        if self._grant is None:
            raise SecretAccessError("the plan grants no secret (Prepare found none in the config)")
        if not self._role_arn:
            raise SecretAccessError("SECRET_READER_ROLE_ARN is not set: the stack gives this function no secret reader")
        region = os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or "us-east-1"
        sts = self._sts or boto3.client("sts", config=CLIENT_CONFIG)
        credentials = sts.assume_role(
            RoleArn=self._role_arn,
            RoleSessionName=f"greenlight-synthetic-{os.getpid()}",
            DurationSeconds=SESSION_SECONDS,
            Policy=session_policy(self._grant, self._spaces, self._role_arn, region),
            Tags=[
                {"Key": TAG_APPLICATION, "Value": self._grant.application},
                {"Key": TAG_GROUP, "Value": self._grant.deployment_group},
            ],
        )["Credentials"]
        self._session = boto3.Session(
            aws_access_key_id=credentials["AccessKeyId"],
            aws_secret_access_key=credentials["SecretAccessKey"],
            aws_session_token=credentials["SessionToken"],
            region_name=region,
        )
        return self._session

    def read(self, reference: SecretRef) -> str:
        store, name = name_of(reference)
        session = self._scoped()
        if store == "ssm":
            ssm = session.client("ssm", config=CLIENT_CONFIG)
            return str(ssm.get_parameter(Name=str(reference.ssm), WithDecryption=True)["Parameter"]["Value"])
        secrets = session.client("secretsmanager", config=CLIENT_CONFIG)
        return str(secrets.get_secret_value(SecretId=name)["SecretString"])
