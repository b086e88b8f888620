"""What an Amazon ECS native deployment adds to the payloads: the hook's context, and how test requests reach GREEN."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Engine = Literal["codedeploy", "ecs"]
SERVICE_DEPLOYMENT_MARKER = ":service-deployment/"  # ECS service deployment ARNs; CodeDeploy ids are d-XXXXXXXXX


def engine_of(deployment_id: str) -> Engine:
    """Which engine runs a deployment, from its id alone (the ASL's error paths keep only the id)."""
    return "ecs" if deployment_id.startswith("arn:") and SERVICE_DEPLOYMENT_MARKER in deployment_id else "codedeploy"


def ecs_names(deployment_arn: str) -> tuple[str | None, str | None]:
    """The cluster and service of a service deployment ARN (service-deployment/<cluster>/<service>/<id>): the config's
    and the bypass's two levels, as CodeDeploy's application and deployment group are."""
    parts = deployment_arn.split(SERVICE_DEPLOYMENT_MARKER, 1)[-1].split("/")
    return (parts[0], parts[1]) if len(parts) == 3 else (None, None)


class EcsContext(BaseModel):
    """What ECS told the hook: the stage it runs and the traffic weights per service revision."""

    model_config = ConfigDict(extra="ignore")

    lifecycle_stage: str
    service_arn: str
    target_service_revision_arn: str
    test_traffic_weights: dict[str, float] = Field(default_factory=dict)
    production_traffic_weights: dict[str, float] = Field(default_factory=dict)


class TestRequest(BaseModel):
    """What every health and synthetic request sends so the listener rule's conditions send it to GREEN."""

    __test__ = False  # not a pytest test class, whatever its name
    model_config = ConfigDict(extra="ignore")

    rule_arn: str = ""
    host: str | None = None  # the Host header a host-header condition needs
    headers: dict[str, str] = Field(default_factory=dict)
    query: dict[str, str] = Field(default_factory=dict)
    path_patterns: list[str] = Field(default_factory=list)  # the paths requested must match one of these
    ignored: list[str] = Field(default_factory=list)  # conditions a request cannot choose to meet (source-ip)

    def all_headers(self) -> dict[str, str]:
        return self.headers | ({"Host": self.host} if self.host else {})
