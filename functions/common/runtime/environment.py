"""Each function's environment, read once through a small model (field names are the variables', lower-cased).

Plain dataclasses, so reading them costs the hook's cold start nothing.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Self


@dataclass(frozen=True)
class FunctionSettings:
    @classmethod
    def from_environment(cls, environ: Mapping[str, str] | None = None) -> Self:
        environ = os.environ if environ is None else environ
        names = {field.name for field in fields(cls)}
        return cls(**{key.lower(): value for key, value in environ.items() if key.lower() in names and value})


@dataclass(frozen=True)
class HookSettings(FunctionSettings):
    state_machine_arn: str = ""  # empty: the stack is misconfigured, and the hook reports Failed saying so
    outage_policy: str = "fail"  # the stack's OutagePolicy: `allow` lets a deployment through an AWS-side outage


DEFAULT_SECRETS_PREFIX = "greenlight/"  # template.yaml's SecretsPrefix default


@dataclass(frozen=True)
class PrepareSettings(FunctionSettings):
    config_parameter_prefix: str = "/greenlight"  # where the config lives in SSM Parameter Store
    secrets_prefix: str = DEFAULT_SECRETS_PREFIX  # Secrets Manager names greenlight may read start with it
    check_function_prefix: str = "greenlight-check-"  # the stack's CheckFunctionPrefix: Lambda checks must start so
    config_bucket_name: str = ""  # the stack's ConfigBucketName: the one bucket config layers may live in
    config_bucket_owner: str = ""  # the stack's account: S3 refuses a read of that bucket owned by any other
    config_appconfig_application_id: str = ""  # the stack's ConfigAppConfigApplicationId, likewise for AppConfig


@dataclass(frozen=True)
class SyntheticSettings(FunctionSettings):
    config_parameter_prefix: str = "/greenlight"
    secrets_prefix: str = DEFAULT_SECRETS_PREFIX
    # The role whose sessions read secrets, tagged with the deployment group; empty: no secret can be read.
    secret_reader_role_arn: str = ""


@dataclass(frozen=True)
class CustomChecksSettings(SyntheticSettings):
    """Webhook headers read secrets as synthetic requests do (the same reader role, scoped to the group)."""

    check_function_prefix: str = "greenlight-check-"  # the stack's CheckFunctionPrefix: the only functions it invokes


@dataclass(frozen=True)
class FinalizeSettings(FunctionSettings):
    config_parameter_prefix: str = "/greenlight"  # bypass parameters live under <prefix>/bypass/


@dataclass(frozen=True)
class EcsHookSettings(FunctionSettings):
    state_machine_arn: str = ""  # empty: the stack is misconfigured, and the hook answers FAILED saying so
    outage_policy: str = "fail"  # as the CodeDeploy hook's, after the hook's own start attempts
    callback_delay_seconds: str = "15"  # how long ECS waits before calling again while the answer is IN_PROGRESS
