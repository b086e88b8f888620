"""What a request greenlight sends says, as the config gives it: the TLS name, headers (secret ones by reference),
expectations on the answer (status, latency, body patterns, JSON assertions) and the request itself."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import (
    ConfigDict,
    Discriminator,
    Field,
    SerializerFunctionWrapHandler,
    Tag,
    field_validator,
    model_serializer,
    model_validator,
)

from common.config.base import Section
from common.config.types import (
    SECRET_TAG,
    TEXT_TAG,
    HeaderName,
    HeaderValue,
    HttpPath,
    Pattern,
    RequestHeaderName,
    TargetHost,
    check_host_header,
)
from common.http.json_paths import normalise

DEFAULT_SLOW_RATIO = 0.01  # with max_latency_ms, the share of slow answers a request tolerates unless it says


class TlsConfig(Section):
    """How health and synthetic requests meet an HTTPS listener: the name its certificate must carry, sent as SNI and
    Host. An ALB's certificate names the service's domain, never the load balancer's DNS name."""

    server_name: TargetHost | None = Field(
        None,
        description="The name to verify the listener's certificate against and to send as SNI and Host; default: the "
        "host-header condition of the listener rule forwarding to GREEN, else the name on the listener's ACM "
        "certificate (DescribeCertificate DomainName, or a subject alternative name), when not a wildcard.",
    )
    verify: bool = Field(
        True,
        description="Verify the listener's certificate. false: any certificate is accepted (the test listener only); "
        "the report says so.",
    )


class SecretRef(Section):
    """A header value read at run time, never written to logs or reports."""

    ssm: str | None = Field(None, description="SSM parameter name (SecureString is decrypted).")
    secretsmanager: str | None = Field(None, description="Secrets Manager secret id.")

    @model_validator(mode="after")
    def exactly_one_source(self) -> SecretRef:
        if (self.ssm is None) == (self.secretsmanager is None):
            raise ValueError("give exactly one of 'ssm' or 'secretsmanager'")
        return self

    def label(self) -> str:
        """How messages name the reference (never its value): `{ssm: /name}`."""
        return f"{{ssm: {self.ssm}}}" if self.ssm else f"{{secretsmanager: {self.secretsmanager}}}"


def _header_source(value: Any) -> str:
    return SECRET_TAG if isinstance(value, dict | SecretRef) else TEXT_TAG


# Tagged, so an error names the one kind the value is (pydantic would otherwise report a failure for each kind).
HeaderSource = Annotated[
    Annotated[HeaderValue, Tag(TEXT_TAG)] | Annotated[SecretRef, Tag(SECRET_TAG)], Discriminator(_header_source)
]


class JsonAssertion(Section):
    path: str = Field(
        min_length=1,
        max_length=1000,
        description="Dotted path into the JSON body, e.g. 'data.items.0.id' (JSONPath naming one value, e.g. "
        "'$.data.items[0].id', is understood too).",
    )
    equals: Any = Field(None, description="The value must equal this (null included, when given).")
    exists: bool | None = None
    matches: Pattern | None = Field(
        None,
        description="Regular expression (RE2) the value must match: a string as itself, any other value as its JSON "
        "text (true, null, 0.5, [1]).",
    )

    @field_validator("path")
    @classmethod
    def one_value(cls, path: str) -> str:
        return normalise(path)

    @model_validator(mode="after")
    def asserts_something(self) -> JsonAssertion:
        """A path alone checks nothing: every answer would pass it."""
        if "equals" not in self.model_fields_set and self.exists is None and self.matches is None:
            raise ValueError(f"json path {self.path} asserts nothing: give it equals, exists or matches")
        return self

    @model_serializer(mode="wrap")
    def only_given(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        """Keep `equals: null` apart from no `equals` across the plan's round trip."""
        return {key: value for key, value in handler(self).items() if key in self.model_fields_set}


class Expectation(Section):
    status: list[Annotated[int, Field(ge=100, le=599)]] = Field(default_factory=lambda: [200], min_length=1)
    json_body: list[JsonAssertion] | None = Field(None, alias="json", description="Assertions on the JSON body.")
    headers: dict[HeaderName, Pattern] | None = Field(
        None,
        description="Header name to a regular expression (RE2) its value must match; a missing header fails.",
    )
    max_latency_ms: float | None = Field(
        None,
        gt=0,
        le=3_600_000,
        description="An answer slower than this is a slow answer: it still counts as a success for "
        "min_success_ratio, and this request fails when more than max_slow_ratio of its answers are slow (a "
        "request that got no answer in time is slow too).",
    )
    max_slow_ratio: float | None = Field(
        None,
        ge=0,
        le=1,
        description="The share of this request's answers that may be slower than max_latency_ms (0: none); with "
        "max_latency_ms, default 0.01.",
    )
    max_p99_ms: float | None = Field(
        None,
        gt=0,
        le=3_600_000,
        description="This request's own p99 latency must be at most this (a timeout counts at the time waited).",
    )

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    @field_validator("status", mode="before")
    @classmethod
    def one_status_is_a_list_of_one(cls, given: Any) -> Any:
        """`status: 200` means `[200]` (what a person writes first), never "Input should be a valid list"."""
        return [given] if isinstance(given, int) and not isinstance(given, bool) else given

    @model_validator(mode="after")
    def each_part_checks_something(self) -> Expectation:
        """Every part given checks something (what is left out keeps its default: `None`, which checks nothing, so
        the plan's round trip of this section never trips these)."""
        for name, value in (("json", self.json_body), ("headers", self.headers)):
            if value is not None and not value:
                raise ValueError(f"{name} is empty, so it checks nothing: give it an assertion, or leave it out")
        if self.max_latency_ms is None:
            if self.max_slow_ratio is not None:
                raise ValueError(
                    "max_slow_ratio without max_latency_ms checks nothing: an answer is slow only when it takes "
                    "longer than max_latency_ms; give max_latency_ms too"
                )
            return self
        if self.max_slow_ratio is None:
            self.max_slow_ratio = DEFAULT_SLOW_RATIO
        if self.max_slow_ratio >= 1:
            raise ValueError(
                f"max_slow_ratio {self.max_slow_ratio:g} tolerates every answer being slow, so it checks "
                "nothing: give a share below 1 (0.01: 1 %), or leave max_latency_ms out"
            )
        return self


class RequestSpec(Section):
    name: str | None = None
    method: Literal["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"] = "GET"
    path: HttpPath = Field("/", description="Path on the test listener (never a full URL; the query goes in `query`).")
    host: TargetHost | None = Field(
        None, description="Send to this host instead of the listener's; it must be in allowed_hosts."
    )
    query: dict[str, str] = Field(default_factory=dict)
    headers: dict[RequestHeaderName, HeaderSource] = Field(
        default_factory=dict, description="A value, or a secret read at run time: {ssm: name} or {secretsmanager: id}."
    )
    body: Any = None
    expect: Expectation = Field(default_factory=Expectation)

    @field_validator("expect", mode="before")
    @classmethod
    def expect_says_something(cls, given: Any) -> Any:
        if isinstance(given, dict) and not given:
            raise ValueError(
                "expect is empty, so it checks nothing beyond the default: leave it out to expect status 200, or "
                "give status, json, headers, max_latency_ms or max_p99_ms"
            )
        return given

    @model_validator(mode="after")
    def host_header_is_one_allowed_host(self) -> RequestSpec:
        """A Host header written in the config is checked here; one read from a secret, when it is read."""
        for name, value in self.headers.items():
            if name.lower() == "host" and isinstance(value, str):
                check_host_header(value)
        return self
