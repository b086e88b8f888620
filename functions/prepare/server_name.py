"""The name an HTTPS listener answers to: what health and synthetic requests verify its certificate against and send
as SNI and Host. An ALB's certificate names the service's domain, not `*.elb.amazonaws.com`, so the load balancer's
DNS name would fail every verification.

Where AWS exposes it, without configuration: the host-header condition of the listener rule that forwards to GREEN
(requests must carry it to reach GREEN at all), else the name on the listener's default certificate when it is an
ACM certificate (DescribeCertificate: DomainName, then SubjectAlternativeNames). A wildcard names no one host, so
it is skipped; with nothing left, the config must say (`tls.server_name`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from mypy_boto3_acm import ACMClient
    from mypy_boto3_elbv2 import ElasticLoadBalancingv2Client

HOST_HEADER = "host-header"  # elbv2 rule condition Field
MAX_RULES_PAGE = 400  # DescribeRules PageSize maximum


def exact_name(names: list[str]) -> str | None:
    """The first name that is one host: wildcards (`*`, `?`) match many and can be verified for none."""
    return next((name for name in names if name and not set(name) & {"*", "?"}), None)


def _forwards_to(rule: dict[str, Any], target_group_arn: str) -> bool:
    for action in rule.get("Actions", []):
        weighted = action.get("ForwardConfig", {}).get("TargetGroups", [])
        if action.get("TargetGroupArn") == target_group_arn or any(
            group.get("TargetGroupArn") == target_group_arn for group in weighted
        ):
            return True
    return False


def from_rules(elbv2: ElasticLoadBalancingv2Client, listener_arn: str, target_group_arn: str) -> str | None:
    """The exact host of a host-header condition on a rule forwarding to GREEN's target group, by rule priority."""
    rules = elbv2.describe_rules(ListenerArn=listener_arn, PageSize=MAX_RULES_PAGE)["Rules"]
    ordered = sorted(rules, key=lambda rule: int(rule["Priority"]) if rule["Priority"].isdigit() else 1 << 30)
    for rule in ordered:
        if not _forwards_to(dict(rule), target_group_arn):
            continue
        for condition in rule.get("Conditions", []):
            if condition.get("Field") == HOST_HEADER:
                values = condition.get("HostHeaderConfig", {}).get("Values") or condition.get("Values", [])
                if name := exact_name(list(values)):
                    return name
    return None


def from_certificate(acm: ACMClient, certificate_arns: list[str]) -> str | None:
    """The host named on the listener's default certificate, when ACM holds it (an IAM server certificate is not)."""
    managed = [arn for arn in certificate_arns if ":acm:" in arn]
    if not managed:
        return None
    certificate = acm.describe_certificate(CertificateArn=managed[0])["Certificate"]
    return exact_name([certificate.get("DomainName", ""), *certificate.get("SubjectAlternativeNames", [])])
