"""What an engine deploys, as `sam deploy` would from template.yaml: the functions (each served in-process by its
real handler), the template's own roles, and the state machine with its DefinitionSubstitutions resolved."""

from __future__ import annotations

import contextlib
import io
import json
import zipfile
from collections.abc import Callable
from typing import Any, Protocol, TextIO

from greenlight.engine.core import process
from greenlight.engine.core.botocore_models import shared_boto3_session
from greenlight.engine.core.context import EngineSettings
from greenlight.engine.run import tracing
from greenlight.engine.standins.codedeploy import ACCOUNT, REGION
from greenlight.engine.standins.eventbus import EventRecorder
from greenlight.project import FunctionSpec, Project, ProjectError, rendered, resolve, substitute

STATE_MACHINE_NAME = "greenlight-validation"
STACK_NAME = "greenlight-local"
# Polls that never wait starve the listener's health-check thread (one GIL): validators keep a sliver of each wait.
VALIDATOR_WAIT_FLOOR = 0.02
LOCAL_ENVIRONMENT = {
    "AWS_DEFAULT_REGION": REGION,
    "AWS_ACCESS_KEY_ID": "local",
    "AWS_SECRET_ACCESS_KEY": "local",
    "POWERTOOLS_TRACE_DISABLED": "true",
    "POWERTOOLS_DEV": "false",
    # moto's EC2 backend makes 1,300 sample AMIs each time it is made, and a mock makes it again when it starts and
    # when it stops: a second and more per run, for images no local run uses (moto's documented setting).
    "MOTO_EC2_LOAD_DEFAULT_AMIS": "false",
}


class Deploying(Protocol):
    """What deploying reads from the engine (greenlight.engine.run.local_engine.LocalEngine) and fills in."""

    project: Project
    parameters: dict[str, str]
    time_scale: float
    settings: EngineSettings
    log: TextIO
    clients: dict[str, Any]
    stepfunctions_endpoint: str | None
    role: str
    function_names: dict[str, str]
    state_machine_arn: str
    environment: dict[str, str]
    event_recorder: EventRecorder | None

    def enter(self, context: contextlib.AbstractContextManager[Any]) -> Any: ...

    def enter_callback(self, callback: Callable[..., Any], *args: Any, **kwargs: Any) -> None: ...


def placeholder_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("placeholder.py", "")
    return buffer.getvalue()


def external_stepfunctions(endpoint: str) -> Any:
    """A client of another Step Functions on loopback; its account is the stand-in's (LocalStack takes a 12-digit
    access key as the account), so every ARN is the one the embedded engine would make."""
    secret = LOCAL_ENVIRONMENT["AWS_SECRET_ACCESS_KEY"]
    return shared_boto3_session(REGION).client(
        "stepfunctions", endpoint_url=endpoint, aws_access_key_id=ACCOUNT, aws_secret_access_key=secret
    )


def shared_environment(functions: dict[str, FunctionSpec], refs: dict[str, str]) -> dict[str, str]:
    """In one process every function shares os.environ, so their variables must not disagree."""
    merged: dict[str, str] = {}
    for spec in functions.values():
        for key, value in spec.environment.items():
            resolved = resolve(value, refs)
            if merged.get(key, resolved) != resolved:
                raise ProjectError(f"functions disagree on environment variable {key}; the local engine shares one")
            merged[key] = resolved
    return merged


def deploy(engine: Deploying) -> None:
    """Create every function and the state machine as the template declares them."""
    functions = engine.project.functions()
    tracing.install()  # before the handlers load: their Tracer needs no X-Ray SDK here
    iam = engine.clients["iam"]
    role = engine.role = iam.create_role(RoleName="greenlight-local", AssumeRolePolicyDocument="{}")["Role"]["Arn"]
    refs: dict[str, str] = {"AWS::Partition": "aws", "AWS::Region": REGION, "AWS::AccountId": ACCOUNT}
    refs["AWS::StackName"] = STACK_NAME
    refs |= engine.parameters
    refs |= {f"{logical_id}Role.Arn": role for logical_id in functions}  # SAM's generated role of each function
    for logical_id, spec in functions.items():
        name = f"greenlight-local-{logical_id}"
        arn = engine.clients["lambda"].create_function(
            FunctionName=name,
            Role=role,
            Runtime="python3.12",
            Handler=spec.handler,
            Timeout=min(spec.timeout, 900),
            Code={"ZipFile": placeholder_zip()},
        )["FunctionArn"]
        engine.function_names[logical_id] = name
        refs |= {logical_id: name, f"{logical_id}.Arn": arn}
        engine.settings.handlers[name] = engine.project.load_handler(spec)
    refs |= template_roles(engine, iam, refs, principal=role)
    engine.state_machine_arn = f"arn:aws:states:{REGION}:{ACCOUNT}:stateMachine:{STATE_MACHINE_NAME}"
    refs |= {"ValidationStateMachine": engine.state_machine_arn, "ValidationStateMachine.Name": STATE_MACHINE_NAME}
    # moto 5.2.5 starts no execution through an alias ARN (StateMachineDoesNotExist): the alias resolves to the
    # state machine itself, whose definition is the one the alias would point at after a deploy.
    alias = engine.project.state_machine_alias()
    if alias:
        refs[alias] = engine.state_machine_arn
    _, substitutions = engine.project.state_machine()
    definition = substitute(engine.project.definition_text(), {k: resolve(v, refs) for k, v in substitutions.items()})
    sfn = engine.clients["stepfunctions"]
    sfn.create_state_machine(name=STATE_MACHINE_NAME, definition=definition, roleArn=role)
    if engine.stepfunctions_endpoint:  # it outlives this engine: the next one creates its own state machine
        engine.enter_callback(sfn.delete_state_machine, stateMachineArn=engine.state_machine_arn)
    # The validators' own waits are scaled through the clock's documented variable (never on Lambda).
    waits = {"GREENLIGHT_TIME_SCALE": str(max(engine.time_scale, VALIDATOR_WAIT_FLOOR))}
    engine.environment = shared_environment(functions, refs) | waits
    engine.enter(process.environment(engine.environment))
    engine.event_recorder = EventRecorder(engine.clients["events"], engine.clients["sqs"]).start()
    from common.runtime.observability import logger  # loaded from the task root by load_handler

    engine.enter(process.stream_of(logger.registered_handler, engine.log))


def template_roles(engine: Deploying, iam: Any, refs: dict[str, str], principal: str) -> dict[str, str]:
    """Create the template's own roles (what the functions assume, e.g. SecretReaderRole), and have their trust and
    permission policies enforced (patches/access). Locally every function runs as `principal`."""
    created = {}
    for logical_id, resource in engine.project.resources.items():
        if resource.get("Type") != "AWS::IAM::Role":
            continue
        properties = rendered(resource["Properties"], refs)
        arn = iam.create_role(
            RoleName=f"greenlight-local-{logical_id}"[:64],
            Path=properties.get("Path", "/"),
            AssumeRolePolicyDocument=json.dumps(properties["AssumeRolePolicyDocument"]),
        )["Role"]["Arn"]
        policies = [policy["PolicyDocument"] for policy in properties.get("Policies", [])]
        trust = properties["AssumeRolePolicyDocument"]
        engine.settings.iam_roles[arn] = {"trust": trust, "principal": principal, "policies": policies}
        created[f"{logical_id}.Arn"] = arn
    return created
