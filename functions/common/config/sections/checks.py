"""The config's custom checks: webhooks and Lambda functions a service team owns, run beside the built-in validations.

Each check receives the same JSON document (payload.check_contract.CheckRequest) and answers `passed`, `failed` or
`inconclusive` with a reason (CheckAnswer), or has a JSON path of its answer judged by `expect`, as synthetic
expectations do. A check starts in dry run: it runs and reports, but fails nothing until its owner trusts it.
"""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import AfterValidator, ConfigDict, Field, ValidationInfo, field_validator, model_validator
from yarl import URL

from common.config.base import Section, ValidationConfig
from common.config.requests import HeaderSource, JsonAssertion
from common.config.types import RequestHeaderName
from common.http import addresses

CHECK_NAME_PATTERN = r"^[a-z][a-z0-9_-]{0,47}$"
MAX_CHECKS = (
    10  # webhooks and Lambda checks together; each result is bounded (common.payload.limits), so the plan's is too
)
CHECK_DEADLINE_SECONDS = 600  # the custom checks function's Lambda timeout is 660 s
DEFAULT_CHECK_TIMEOUT_SECONDS = 30.0
MAX_URL_LENGTH = 2048
# The stack parameter CheckFunctionPrefix: the only functions its role may invoke. Config validation is told the
# stack's value through the validation context under this key; without it, the parameter's default applies.
DEFAULT_CHECK_FUNCTION_PREFIX = "greenlight-check-"
CHECK_FUNCTION_PREFIX_CONTEXT = "check_function_prefix"
FUNCTION_PATTERN = re.compile(r"^([A-Za-z0-9_-]{1,64})(?::(\$LATEST|[A-Za-z0-9_-]{1,128}))?$")
# Set by greenlight for every webhook request (the hop-by-hop and framing headers RequestHeaderName refuses too).
WEBHOOK_OWN_HEADERS = frozenset({"host", "content-type"})


def _webhook_url(url: str) -> str:
    """An http(s) URL with a host that is not a forbidden address; no user info, no fragment."""
    if any(character.isspace() or ord(character) < 0x20 or ord(character) == 0x7F for character in url):
        raise ValueError("a webhook URL has no spaces, line breaks or control characters")
    try:
        parsed = URL(url)
    except ValueError as error:
        raise ValueError(f"{url[:100]!r} is not a URL") from error
    if parsed.scheme not in ("http", "https") or not parsed.host:
        raise ValueError(f"{url[:100]!r} is not an http:// or https:// URL with a host")
    if parsed.user is not None or parsed.password is not None:
        raise ValueError("a webhook URL carries no user or password; send credentials as a header from a secret")
    if parsed.fragment:
        raise ValueError("a webhook URL has no #fragment (it is never sent)")
    try:
        reason = addresses.forbidden_host(parsed.host)
    except addresses.AddressError as error:
        raise ValueError(str(error)) from error
    if reason:
        raise ValueError(f"a webhook may not call it: {reason}")
    return url


WebhookUrl = Annotated[
    str,
    AfterValidator(_webhook_url),
    Field(
        max_length=MAX_URL_LENGTH,
        description="http:// or https:// URL the check's document is POSTed to; its host is the only one this webhook "
        "may reach (link-local, metadata and unspecified addresses never).",
    ),
]
CheckName = Annotated[
    str,
    Field(
        pattern=CHECK_NAME_PATTERN,
        description="Names the check's result in the report, the verdict, the event and the metrics (lower case, "
        "digits, '-' and '_'; at most 48 characters).",
    ),
]


class CheckExpectation(Section):
    """Judge the check's JSON answer with assertions, as synthetic expectations judge a body, instead of reading
    `status` and `reason` from it: every assertion holds, `passed`; one does not, `failed`."""

    json_body: list[JsonAssertion] = Field(alias="json", min_length=1, max_length=20)

    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class CheckConfig(ValidationConfig):
    """What webhooks and Lambda checks share. A new check starts in dry run."""

    name: CheckName
    dry_run: bool = Field(True, description="Run and report, but never fail the deployment (a new check starts so).")
    timeout_seconds: float = Field(
        DEFAULT_CHECK_TIMEOUT_SECONDS,
        gt=0,
        le=CHECK_DEADLINE_SECONDS,
        description="Deadline of the check: no complete answer by then is an `error` saying so.",
    )
    expect: CheckExpectation | None = Field(
        None, description="Judge a JSON path of the answer instead of reading its status and reason."
    )


class WebhookCheck(CheckConfig):
    url: WebhookUrl
    headers: dict[RequestHeaderName, HeaderSource] = Field(
        default_factory=dict,
        max_length=50,
        description="Sent with the document: a value, or a secret read at run time: {ssm: name} or {secretsmanager: "
        "id}, never logged or reported.",
    )

    @field_validator("headers")
    @classmethod
    def no_header_greenlight_sets(cls, headers: dict[str, object]) -> dict[str, object]:
        for name in headers:
            if name.lower() in WEBHOOK_OWN_HEADERS:
                raise ValueError(
                    f"header {name} is set by greenlight (the URL names the host, the document is JSON); remove it"
                )
        return headers


class LambdaCheck(CheckConfig):
    function: str = Field(
        max_length=200,
        description="The function's name (optionally name:alias or name:version) in the stack's account and region; "
        "it must start with the stack's CheckFunctionPrefix (default greenlight-check-), the only functions the "
        "stack may invoke.",
    )

    @model_validator(mode="after")
    def function_under_the_prefix(self, info: ValidationInfo) -> LambdaCheck:
        prefix = (info.context or {}).get(CHECK_FUNCTION_PREFIX_CONTEXT, DEFAULT_CHECK_FUNCTION_PREFIX)
        match = FUNCTION_PATTERN.match(self.function)
        if match is None:
            raise ValueError(
                f"function {self.function[:100]!r} is not a Lambda function name (letters, digits, '-' and '_', at "
                "most 64), optionally with :alias or :version; give the name, not an ARN"
            )
        if not match.group(1).startswith(prefix):
            raise ValueError(
                f"function {match.group(1)} does not start with {prefix}, the stack's CheckFunctionPrefix: the stack "
                f"may invoke only functions named {prefix}*, so a config cannot invoke any other"
            )
        return self


CheckKind = Literal["webhook", "lambda"]
