"""AWS's half of tenant scoping: template.yaml's SecretReaderRole and the session policy the synthetic function
passes, evaluated offline as IAM's documented logic evaluates them (greenlight.engine.iam)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from common.payload.models import SecretGrant
from common.secrets.reader import TAG_APPLICATION, TAG_GROUP, session_policy
from common.secrets.scope import Namespaces
from greenlight.engine import iam
from greenlight.engine.project import Project, rendered
from tests.conftest import ROOT

ACCOUNT, REGION = "123456789012", "eu-west-1"
SYNTHETIC_ROLE = f"arn:aws:iam::{ACCOUNT}:role/stack-ValidateSyntheticFunctionRole-ABC"
CHECKS_ROLE = f"arn:aws:iam::{ACCOUNT}:role/stack-CustomChecksFunctionRole-DEF"  # webhook headers read secrets too
READER_ROLE = f"arn:aws:iam::{ACCOUNT}:role/greenlight-secret-reader/stack/stack-SecretReaderRole-XYZ"
REFS = {
    "AWS::Partition": "aws",
    "AWS::Region": REGION,
    "AWS::AccountId": ACCOUNT,
    "AWS::StackName": "stack",
    "ConfigParameterPrefix": "/greenlight",
    "SecretsPrefix": "greenlight/",
    "ValidateSyntheticFunctionRole.Arn": SYNTHETIC_ROLE,
    "CustomChecksFunctionRole.Arn": CHECKS_ROLE,
}
SPACES = Namespaces("/greenlight", "greenlight/")
ORDERS = {TAG_APPLICATION: "orders", TAG_GROUP: "orders-dg"}
GRANT = SecretGrant(
    application="orders",
    deployment_group="orders-dg",
    shared_ssm=["/greenlight/shared/token"],
    shared_secretsmanager=["greenlight/shared/db"],
)


@pytest.fixture(scope="module")
def reader() -> dict[str, Any]:
    properties = rendered(Project.find(ROOT).resources["SecretReaderRole"]["Properties"], REFS)
    return dict(properties)


def parameter(name: str) -> str:
    return f"arn:aws:ssm:{REGION}:{ACCOUNT}:parameter{name}"


def secret(name: str, suffix: str = "-AbCdEf") -> str:
    return f"arn:aws:secretsmanager:{REGION}:{ACCOUNT}:secret:{name}{suffix}"


def allowed(
    reader: dict[str, Any], action: str, resource: str, tags: dict[str, str], grant: SecretGrant | None
) -> bool:
    policies = [policy["PolicyDocument"] for policy in reader["Policies"]]
    session = json.loads(session_policy(grant, SPACES, READER_ROLE, REGION)) if grant else None
    context = {f"aws:PrincipalTag/{key}": value for key, value in tags.items()}
    return iam.session_allows(policies, session, iam.Request(action, resource, context))


def test_the_template_writes_policy_variables_for_iam_not_for_cloudformation(reader: dict[str, Any]) -> None:
    resources = json.dumps(reader["Policies"])
    assert "${aws:PrincipalTag/greenlight-application}/${aws:PrincipalTag/greenlight-deployment-group}/*" in resources
    assert "${!" not in resources


@pytest.mark.parametrize(
    ("action", "resource"),
    [
        ("ssm:GetParameter", parameter("/greenlight/tenants/orders/orders-dg/api-key")),
        ("ssm:GetParameter", parameter("/greenlight/tenants/orders/orders-dg/deeper/api-key")),
        ("secretsmanager:GetSecretValue", secret("greenlight/tenants/orders/orders-dg/api-key")),
        ("ssm:GetParameter", parameter("/greenlight/shared/token")),
        ("secretsmanager:GetSecretValue", secret("greenlight/shared/db")),
    ],
)
def test_a_session_tagged_with_its_group_reads_its_own_and_the_granted_shared_secrets(
    reader: dict[str, Any], action: str, resource: str
) -> None:
    assert allowed(reader, action, resource, ORDERS, GRANT)


@pytest.mark.parametrize(
    ("action", "resource"),
    [
        # another team's secret: the cross-tenant read
        ("ssm:GetParameter", parameter("/greenlight/tenants/payments/payments-dg/api-key")),
        ("secretsmanager:GetSecretValue", secret("greenlight/tenants/payments/payments-dg/api-key")),
        ("ssm:GetParameter", parameter("/greenlight/tenants/orders/orders-dg-2/api-key")),
        # config layers and the bypass, which the function's old policy could read
        ("ssm:GetParameter", parameter("/greenlight/payments/payments-dg")),
        ("ssm:GetParameter", parameter("/greenlight/bypass/all")),
        # a shared secret the platform's layer does not name
        ("ssm:GetParameter", parameter("/greenlight/shared/other")),
        ("secretsmanager:GetSecretValue", secret("greenlight/shared/db-admin")),  # -?????? is one secret, not a prefix
        ("secretsmanager:GetSecretValue", secret("greenlight/shared/other")),
        # another region or account
        ("ssm:GetParameter", parameter("/greenlight/tenants/orders/orders-dg/k").replace(REGION, "us-east-1")),
        ("ssm:PutParameter", parameter("/greenlight/tenants/orders/orders-dg/k")),
    ],
)
def test_nothing_else_is_readable_whatever_greenlights_own_check_decided(
    reader: dict[str, Any], action: str, resource: str
) -> None:
    assert not allowed(reader, action, resource, ORDERS, GRANT)


def test_the_role_alone_still_keeps_teams_apart_if_the_session_policy_were_wrong(reader: dict[str, Any]) -> None:
    # GIVEN a session policy that allows everything (a bug in the code that writes it)
    def everything(action: str, resource: str) -> bool:
        policies = [policy["PolicyDocument"] for policy in reader["Policies"]]
        context = {f"aws:PrincipalTag/{key}": value for key, value in ORDERS.items()}
        anything = {"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}
        return iam.session_allows(policies, anything, iam.Request(action, resource, context))

    # THEN the role's own policy, through the session tags, still refuses another team's secret
    assert everything("ssm:GetParameter", parameter("/greenlight/tenants/orders/orders-dg/k"))
    assert not everything("ssm:GetParameter", parameter("/greenlight/tenants/payments/payments-dg/k"))
    assert not everything("secretsmanager:GetSecretValue", secret("greenlight/tenants/payments/payments-dg/k"))


def test_a_session_without_tags_reads_no_teams_secret(reader: dict[str, Any]) -> None:
    # A policy variable with no value matches no resource (IAM User Guide, "Policy variables with no value").
    resource = parameter("/greenlight/tenants/orders/orders-dg/api-key")
    assert not allowed(reader, "ssm:GetParameter", resource, {}, None)
    assert not allowed(reader, "ssm:GetParameter", resource, {TAG_APPLICATION: "orders"}, None)


@pytest.mark.parametrize("role", [SYNTHETIC_ROLE, CHECKS_ROLE], ids=["synthetic", "custom-checks"])
def test_only_the_functions_sending_headers_may_assume_it_and_only_with_both_tags(
    reader: dict[str, Any], role: str
) -> None:
    trust = reader["AssumeRolePolicyDocument"]
    assert iam.trust_allows(trust, role, ORDERS)
    assert not iam.trust_allows(trust, f"arn:aws:iam::{ACCOUNT}:role/someone-else", ORDERS)
    assert not iam.trust_allows(trust, role, {})  # no tags: no session at all
    assert not iam.trust_allows(trust, role, {TAG_APPLICATION: "orders"})
    assert not iam.trust_allows(trust, role, ORDERS | {TAG_GROUP: ""})
    assert not iam.trust_allows(trust, role, ORDERS | {"other": "x"})


def test_the_session_policy_fits_sts_limit_or_is_refused() -> None:
    many = GRANT.model_copy(update={"shared_ssm": [f"/greenlight/shared/token-{i:03d}" for i in range(60)]})
    with pytest.raises(Exception, match="more than a session policy of 2048 characters can list"):
        session_policy(many, SPACES, READER_ROLE, REGION)
    assert len(session_policy(GRANT, SPACES, READER_ROLE, REGION)) <= 2048


@pytest.mark.parametrize(
    ("pattern", "value", "context", "expected"),
    [
        ("arn:aws:ssm:r:1:parameter/a/*", "arn:aws:ssm:r:1:parameter/a/b/c", {}, True),  # * spans "/"
        ("arn:aws:ssm:r:1:parameter/a/?", "arn:aws:ssm:r:1:parameter/a/bc", {}, False),
        ("arn:aws:ssm:r:1:parameter/A/*", "arn:aws:ssm:r:1:parameter/a/b", {}, False),  # case-sensitive
        ("p/${aws:PrincipalTag/t}/*", "p/x/y", {"aws:PrincipalTag/t": "x"}, True),
        ("p/${aws:PrincipalTag/t}/*", "p/x/y", {}, False),  # no value: matches nothing
        ("p/${aws:PrincipalTag/t}/y", "p/x/y", {"aws:PrincipalTag/t": "*"}, False),  # a value is never a wildcard
        ("p/${*}", "p/*", {}, True),
        ("p/${*}", "p/x", {}, False),
    ],
)
def test_the_evaluator_matches_as_the_iam_user_guide_says(
    pattern: str, value: str, context: dict[str, str], expected: bool
) -> None:
    policy = {"Statement": [{"Effect": "Allow", "Action": "ssm:GetParameter", "Resource": pattern}]}
    assert (iam.decision(policy, iam.Request("ssm:GetParameter", value, context)) == "Allow") is expected


def test_an_explicit_deny_wins_and_unknown_elements_are_refused_not_guessed() -> None:
    both = {
        "Statement": [
            {"Effect": "Allow", "Action": "ssm:*", "Resource": "*"},
            {"Effect": "Deny", "Action": "ssm:GetParameter", "Resource": "*"},
        ]
    }
    assert iam.decision(both, iam.Request("ssm:GetParameter", "x")) == "Deny"
    with pytest.raises(iam.UnsupportedPolicyError):
        iam.decision({"Statement": [{"Effect": "Allow", "NotAction": "x", "Resource": "*"}]}, iam.Request("a:b"))


class Unresolved(dict[str, str]):
    def __contains__(self, key: object) -> bool:
        return True

    def __missing__(self, key: str) -> str:
        return f"unresolved-{key}"


def test_no_other_role_of_the_stack_can_read_a_secret() -> None:
    """Prepare reads config layers under the same prefix, Finalize the bypass: neither may read the secret
    namespaces (Prepare's policy denies them), so only a SecretReaderRole session ever reads a secret."""
    from tests.support.template import translated

    resources = translated(str(ROOT))["Resources"]
    secrets = [
        ("ssm:GetParameters", parameter("/greenlight/tenants/orders/orders-dg/api-key")),
        ("ssm:GetParameter", parameter("/greenlight/tenants/orders/orders-dg/api-key")),
        ("ssm:GetParameters", parameter("/greenlight/shared/token")),
        ("secretsmanager:GetSecretValue", secret("greenlight/tenants/orders/orders-dg/api-key")),
    ]
    refs = Unresolved(REFS)  # another function's name or ARN: no parameter or secret, whatever it is
    roles = {name: r for name, r in resources.items() if r["Type"] == "AWS::IAM::Role" and name != "SecretReaderRole"}
    assert "PrepareFunctionRole" in roles and "FinalizeFunctionRole" in roles
    readable = []
    for name, role in roles.items():
        # The conditional policies too (Prepare's S3 and AppConfig reads, SAM's VPC access): every branch.
        policies = [c for p in role["Properties"].get("Policies", []) for c in p.get("Fn::If", [None, p])[1:]]
        documents = [
            rendered(p["PolicyDocument"], refs) for p in policies if isinstance(p, dict) and "PolicyDocument" in p
        ]
        readable += [
            f"{name}: {action} {resource}"
            for action, resource in secrets
            if iam.session_allows(documents, None, iam.Request(action, resource))
        ]
    assert readable == []
    # ... while Prepare still reads the config layers
    policies = roles["PrepareFunctionRole"]["Properties"]["Policies"]
    prepare = [rendered(p["PolicyDocument"], refs) for p in policies if "PolicyDocument" in p]
    assert iam.session_allows(
        prepare, None, iam.Request("ssm:GetParameters", parameter("/greenlight/orders/orders-dg"))
    )


def test_prepare_reads_the_layer_of_an_application_named_tenants_but_no_secret_under_it() -> None:
    """A team's secrets lie three names below `tenants/` (application, group, name), a config layer two below the
    prefix: the deny is that narrow, so an application (or ECS cluster) called `tenants` still gets its config."""
    from tests.support.template import translated

    role = translated(str(ROOT))["Resources"]["PrepareFunctionRole"]
    # Every grant in force, those of a stack with a config bucket and an AppConfig application too (Fn::If's first).
    policies = [p["Fn::If"][1] if "Fn::If" in p else p for p in role["Properties"]["Policies"]]
    prepare = [rendered(p["PolicyDocument"], Unresolved(REFS)) for p in policies]

    def reads(name: str) -> bool:
        return iam.session_allows(prepare, None, iam.Request("ssm:GetParameters", parameter(name)))

    assert reads("/greenlight/tenants/orders-dg")
    assert not reads("/greenlight/tenants/orders/orders-dg/api-key")
    assert not reads("/greenlight/tenants/orders/orders-dg/nested/api-key")
    assert not reads("/greenlight/shared/token")
