"""Prepare: discover what to test, load and validate the config, emit the plan."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from aws_lambda_powertools.utilities.typing import LambdaContext
from botocore.exceptions import ClientError

from common import config as greenlight_config
from common.config import sources as config_sources
from common.config.layers import LayerStores
from common.payload.models import HookRequest, Plan, PrepareOutput, SecretGrant, ValidationResult, ValidationStatus
from common.runtime.aws import client
from common.runtime.aws_errors import on_aws_side
from common.runtime.environment import DEFAULT_SECRETS_PREFIX, PrepareSettings
from common.runtime.observability import bind_request, logger, tracer
from common.secrets import scope as secret_scope
from prepare import server_name
from prepare.discovery import Discovery, DiscoveryError, discover, production_url
from prepare.ecs_discovery import EcsDiscovery, discover_ecs
from prepare.ecs_plan import complete
from prepare.ecs_stages import runs_at
from prepare.planning import plan_too_large, planned_checks

if TYPE_CHECKING:
    from mypy_boto3_acm import ACMClient
    from mypy_boto3_codedeploy import CodeDeployClient
    from mypy_boto3_ecs import ECSClient
    from mypy_boto3_elbv2 import ElasticLoadBalancingv2Client
    from mypy_boto3_ssm import SSMClient


class TransientError(Exception):
    """An AWS call was throttled or failed on AWS's side; the state machine's Retry takes it from here."""


def not_ready(request: HookRequest, reason: str) -> PrepareOutput:
    logger.error("Cannot validate this deployment", extra={"reason": reason})
    result = ValidationResult(name="prepare", status=ValidationStatus.ERROR, reason=reason)
    return PrepareOutput(request=request, ready=False, results=[result])


def find(
    request: HookRequest, codedeploy: CodeDeployClient, elbv2: ElasticLoadBalancingv2Client, ecs: Any
) -> Discovery:
    if request.engine == "ecs":
        pause = request.lifecycle_event_hook_execution_id if request.hook_type == "PAUSE" else None
        return discover_ecs(ecs, elbv2, request.deployment_id, request.ecs, pause)
    return discover(codedeploy, elbv2, request.deployment_id)


class NoServerNameError(Exception):
    """An HTTPS listener whose certificate's name neither the config nor AWS gives."""


def server_name_for(
    found: Discovery,
    config: greenlight_config.GreenlightConfig,
    elbv2: ElasticLoadBalancingv2Client,
    acm: ACMClient | None,
) -> str | None:
    """For an HTTPS listener, the name to verify and send as SNI and Host: the config's, else what AWS exposes."""
    if not found.https:
        return None
    name = config.tls.server_name
    if name is None and found.green is not None:
        name = server_name.from_rules(elbv2, found.listener_arn, found.green.arn)
    if name is None and acm is not None:
        name = server_name.from_certificate(acm, found.certificate_arns)
    if name is None and config.tls.verify:
        raise NoServerNameError(
            f"the listener {found.test_url} is HTTPS and AWS names no single host for its certificate (no host-header "
            "rule forwarding to GREEN, no ACM certificate with a name that is not a wildcard): set tls.server_name "
            "to the name on its certificate, or tls.verify: false"
        )
    return name


def planned_validations(found: Discovery, config: greenlight_config.GreenlightConfig) -> dict[str, bool]:
    """Config validation keeps each validation to the events where it can run (runtime.lifecycle); an ECS stage runs
    what names it or its CodeDeploy equivalent; without a GREEN task set nothing that judges GREEN is planned, and
    a plan with nothing planned is Succeeded."""
    stage = getattr(found, "stage", None)
    sections = {name: getattr(config, name) for name in greenlight_config.VALIDATIONS}
    return {
        name: s.enabled and runs_at(s.lifecycle_events, found.lifecycle_event, stage) and found.green is not None
        for name, s in sections.items()
    }


def load_config(
    ssm: SSMClient, spaces: secret_scope.Namespaces, found: Discovery, check_function_prefix: str, stores: LayerStores
) -> tuple[greenlight_config.GreenlightConfig, list[str], SecretGrant | None]:
    """The config of this deployment group, its sources, and the secrets it may read (SecretScopeError if it names
    one its layer may not: common.secrets.scope). A layer may come from S3 or AppConfig (common.config.layers)."""
    application, group = found.application_name, found.deployment_group_name
    if collision := secret_scope.layer_refusal(application, group, spaces):
        raise secret_scope.SecretScopeError(collision)
    layers = config_sources.read_layers(ssm, spaces.config_prefix, application, group, stores)
    config, _, leaf_sources = config_sources.effective(layers, check_function_prefix)
    secrets = secret_scope.grant(config, leaf_sources, application, group, spaces)
    return config, config_sources.label(layers).split(" + "), secrets


def prepare(
    request: HookRequest,
    codedeploy: CodeDeployClient,
    elbv2: ElasticLoadBalancingv2Client,
    ssm: SSMClient,
    prefix: str,
    ecs: ECSClient | None = None,
    acm: ACMClient | None = None,
    secrets_prefix: str = DEFAULT_SECRETS_PREFIX,
    check_function_prefix: str = greenlight_config.DEFAULT_CHECK_FUNCTION_PREFIX,
    stores: LayerStores | None = None,
) -> PrepareOutput:
    """`acm` reads the HTTPS listener's certificate for its name; without it only the config and the rules say.
    `check_function_prefix` is the stack's CheckFunctionPrefix, which a Lambda check's function must start with;
    `stores`, where config layers past 8 KB may be read (none when not given)."""
    try:
        found = find(request, codedeploy, elbv2, ecs)
        spaces = secret_scope.Namespaces(prefix, secrets_prefix)
        config, sources, secrets = load_config(ssm, spaces, found, check_function_prefix, stores or LayerStores())
        planned = planned_validations(found, config)
        checks = planned_checks(found, config)
        anything = any(planned.values()) or any(check.planned for check in checks)
        name = server_name_for(found, config, elbv2, acm) if anything else None
        compares = planned["synthetic"] and config.synthetic.compare_with_blue is not None and found.blue is not None
        blue_url = production_url(elbv2, found) if compares else None
    except (DiscoveryError, greenlight_config.ConfigError, NoServerNameError, secret_scope.SecretScopeError) as error:
        return not_ready(request, str(error))
    except ClientError as error:
        if on_aws_side(error):  # throttled or a service fault: the workflow retries Prepare
            raise TransientError(str(error)) from error
        return not_ready(request, f"AWS refused a discovery call: {error}")

    plan = Plan(
        request=request,
        lifecycle_event=found.lifecycle_event,
        application_name=found.application_name,
        deployment_group_name=found.deployment_group_name,
        green=found.green,
        blue=found.blue,
        test_url=found.test_url,
        server_name=name,
        blue_url=blue_url,
        config=greenlight_config.dump(config),
        config_source=sources,
        planned=planned,
        checks=checks,
        secrets=secrets,
    )
    if isinstance(found, EcsDiscovery) and (problem := complete(plan, found, config)):
        return not_ready(request, problem)
    if problem := plan_too_large(plan):
        return not_ready(request, problem)
    logger.info("Plan ready", extra={"plan": plan.model_dump(mode="json", exclude={"config"})})
    return PrepareOutput(request=request, ready=True, plan=plan)


def layer_stores(settings: PrepareSettings) -> LayerStores:
    """The stack's bucket and AppConfig application for layers past 8 KB, with a client for each one configured."""
    bucket, application = settings.config_bucket_name, settings.config_appconfig_application_id
    return LayerStores(
        bucket=bucket,
        appconfig_application=application,
        bucket_owner=settings.config_bucket_owner,
        s3=client("s3") if bucket else None,
        appconfig=client("appconfigdata") if application else None,
    )


@logger.inject_lambda_context(clear_state=True)
@tracer().capture_lambda_handler
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    request = HookRequest.model_validate(event)
    bind_request(request.deployment_id, request.lifecycle_event_hook_execution_id)
    settings = PrepareSettings.from_environment()
    output = prepare(
        request,
        client("codedeploy"),
        client("elbv2"),
        client("ssm"),
        settings.config_parameter_prefix,
        ecs=client("ecs"),
        acm=client("acm"),
        secrets_prefix=settings.secrets_prefix,
        check_function_prefix=settings.check_function_prefix,
        stores=layer_stores(settings),
    )
    return output.model_dump(mode="json")
