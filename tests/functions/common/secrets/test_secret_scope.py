"""Which secrets a config layer may name (common.secrets.scope): its own deployment group's; shared ones only from the
platform's default layer; never another team's."""

from __future__ import annotations

import pytest

from common.config import SecretRef
from common.config.sources import Layer, effective
from common.secrets.scope import Namespaces, SecretScopeError, grant, refusal

SPACES = Namespaces("/greenlight", "greenlight/")
ORDERS = ("orders", "orders-dg")
DEFAULT, GROUP = "ssm:/greenlight/default", "ssm:/greenlight/orders/orders-dg"


def ssm(name: str) -> SecretRef:
    return SecretRef(ssm=name)


def secret(name: str) -> SecretRef:
    return SecretRef(secretsmanager=name)


@pytest.mark.parametrize(
    "reference",
    [
        ssm("/greenlight/tenants/orders/orders-dg/api-key"),
        ssm("/greenlight/tenants/orders/orders-dg/nested/api-key:3"),  # a version selector
        ssm("/greenlight/tenants/orders/orders-dg/api-key:live"),  # a label
        secret("greenlight/tenants/orders/orders-dg/api-key"),
    ],
)
@pytest.mark.parametrize("platform", [True, False])
def test_a_layer_may_name_its_own_groups_secrets(reference: SecretRef, platform: bool) -> None:
    assert refusal(reference, platform, *ORDERS, SPACES) is None


@pytest.mark.parametrize(
    ("reference", "why"),
    [
        # another team's: the reproduction
        (ssm("/greenlight/tenants/payments/payments-dg/api-key"), "outside the deployment group's namespace"),
        (secret("greenlight/tenants/payments/payments-dg/api-key"), "outside the deployment group's namespace"),
        # a group whose name starts like ours is not ours
        (ssm("/greenlight/tenants/orders/orders-dg-2/api-key"), "outside the deployment group's namespace"),
        # the config layers and the bypass are no secrets
        (ssm("/greenlight/payments/payments-dg"), "outside the deployment group's namespace"),
        (ssm("/greenlight/bypass/all"), "outside the deployment group's namespace"),
        (ssm("/greenlight/tenants/orders/orders-dg"), "outside the deployment group's namespace"),
        # the shared namespace is the platform's
        (ssm("/greenlight/shared/db-password"), "only the platform's default layer"),
        (secret("greenlight/shared/db-password"), "only the platform's default layer"),
        # spellings that would escape the prefix check or name another store's object
        (ssm("/greenlight/tenants/orders/orders-dg/../../payments/payments-dg/key"), "is not an SSM parameter name"),
        (ssm("/greenlight/tenants/orders/orders-dg//key"), "is not an SSM parameter name"),
        (ssm("greenlight/tenants/orders/orders-dg/key"), "is not an SSM parameter name"),
        (ssm("arn:aws:ssm:us-east-1:123456789012:parameter/greenlight/tenants/orders/orders-dg/k"), "not an SSM"),
        (ssm("/greenlight/tenants/orders/orders-dg/key:"), "is not an SSM parameter name"),
        (secret("arn:aws:secretsmanager:us-east-1:123456789012:secret:greenlight/tenants/orders/orders-dg/k"), "ARN"),
        (secret("greenlight/tenants/orders/orders-dg//k"), "not a Secrets Manager secret name"),
        (secret("greenlight/tenants/orders/orders-dg/../../payments/payments-dg/k"), "not a Secrets Manager secret"),
        # a final line break, which Python's `$` lets through
        (ssm("/greenlight/tenants/orders/orders-dg/key\n"), "is not an SSM parameter name"),
        (ssm("/greenlight/tenants/orders/orders-dg/key:1\n"), "is not an SSM parameter name"),
        (secret("greenlight/tenants/orders/orders-dg/key\n"), "not a Secrets Manager secret name"),
    ],
)
def test_a_team_layer_is_refused_everything_else_naming_the_reference(reference: SecretRef, why: str) -> None:
    refused = refusal(reference, False, *ORDERS, SPACES)
    assert refused is not None and why in refused and reference.label() in refused


def test_only_the_platform_layer_may_name_shared_secrets() -> None:
    assert refusal(ssm("/greenlight/shared/db-password"), True, *ORDERS, SPACES) is None
    assert refusal(secret("greenlight/shared/db-password"), True, *ORDERS, SPACES) is None
    # ... and even the platform's layer may not name one team's secret for every team
    assert refusal(ssm("/greenlight/tenants/payments/payments-dg/api-key"), True, *ORDERS, SPACES) is not None


@pytest.mark.parametrize("group", ["a/b", "..", "with space", "x" * 101, "ünïcode", "orders-dg\n"])
def test_a_group_name_a_namespace_cannot_hold_names_no_secret(group: str) -> None:
    refused = refusal(ssm(f"/greenlight/tenants/orders/{group}/k"), False, "orders", group, SPACES)
    assert refused is not None and "may name no secret" in refused


def _layers(default: str, group: str) -> list[Layer]:
    return [Layer(DEFAULT, default), Layer(GROUP, group)]


def headers(**values: dict[str, str]) -> str:
    requests = [{"path": "/", "headers": dict(values.items())}]
    return str({"synthetic": {"requests": requests}}).replace("'", '"')


def test_prepare_refuses_a_cross_tenant_reference_naming_it_and_its_layer() -> None:
    layers = _layers("", headers(Authorization={"ssm": "/greenlight/tenants/payments/payments-dg/api-key"}))
    config, _, sources = effective(layers)
    with pytest.raises(SecretScopeError) as refused:
        grant(config, sources, *ORDERS, SPACES)
    message = str(refused.value)
    assert "synthetic.requests.0.headers.Authorization (from ssm:/greenlight/orders/orders-dg)" in message
    assert "{ssm: /greenlight/tenants/payments/payments-dg/api-key}" in message


def test_the_grant_lists_the_shared_names_the_platform_layer_uses_and_only_those() -> None:
    default = headers(
        Authorization={"ssm": "/greenlight/shared/token"}, X_Key={"secretsmanager": "greenlight/shared/k"}
    )
    config, _, sources = effective([Layer(DEFAULT, default)])
    granted = grant(config, sources, *ORDERS, SPACES)
    assert granted is not None and (granted.application, granted.deployment_group) == ORDERS
    assert granted.shared_ssm == ["/greenlight/shared/token"] and granted.shared_secretsmanager == [
        "greenlight/shared/k"
    ]


def test_a_team_layer_copying_the_platforms_shared_reference_is_refused() -> None:
    default = headers(Authorization={"ssm": "/greenlight/shared/token"})
    team = headers(Authorization={"ssm": "/greenlight/shared/token"})  # the same name, now in the team's own request
    config, _, sources = effective(_layers(default, team))
    with pytest.raises(SecretScopeError, match="only the platform's default layer"):
        grant(config, sources, *ORDERS, SPACES)


def test_a_config_without_secrets_grants_nothing() -> None:
    config, _, sources = effective(_layers("", "synthetic: {total_requests: 5}"))
    assert grant(config, sources, *ORDERS, SPACES) is None


def test_a_layer_read_from_s3_or_appconfig_has_the_authority_of_the_parameter_pointing_at_it() -> None:
    # GIVEN the platform's default layer and a team's layer, each read from S3 through its SSM parameter
    shared = headers(Authorization={"ssm": "/greenlight/shared/token"})
    platform = Layer(f"{DEFAULT} -> s3://configs/default.yaml?versionId=7", shared, large=True)
    config, _, sources = effective([platform])
    # THEN the default layer may still name the shared namespace
    granted = grant(config, sources, *ORDERS, SPACES)
    assert granted is not None and granted.shared_ssm == ["/greenlight/shared/token"]
    # ... and a team's layer, wherever it is read from, may not
    team = Layer(f"{GROUP} -> s3://configs/default.yaml?versionId=7", shared, large=True)
    config, _, sources = effective([team])
    with pytest.raises(SecretScopeError, match="only the platform's default layer"):
        grant(config, sources, *ORDERS, SPACES)


def test_a_webhook_header_names_its_groups_secrets_only() -> None:
    own = '{"webhooks": [{"name": "smoke", "url": "https://x.example/", "headers": {"T": {"ssm": "%s"}}}]}'
    config, _, sources = effective([Layer(GROUP, own % "/greenlight/tenants/orders/orders-dg/token")])
    assert grant(config, sources, *ORDERS, SPACES) is not None
    config, _, sources = effective([Layer(GROUP, own % "/greenlight/tenants/payments/payments-dg/token")])
    with pytest.raises(SecretScopeError, match=r"webhooks.0.headers.T \(from ssm:/greenlight/orders/orders-dg\)"):
        grant(config, sources, *ORDERS, SPACES)
