"""The config sections that send HTTP through the test listener: health and synthetic."""

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

from common.config.base import ReadLimitsConfig, Section
from common.config.types import (
    SECRET_TAG,
    TEXT_TAG,
    HeaderName,
    HeaderValue,
    HealthPath,
    HttpPath,
    Pattern,
    RequestHeaderName,
    TargetHost,
    check_host_header,
)
from common.http.json_paths import normalise

DEFAULT_SLOW_RATIO = 0.01  # with max_latency_ms, the share of slow answers a request tolerates unless it says
MIN_INTERVAL_SECONDS = 1.0  # a faster poll is a load test of the service, not a health check
# Bodies of answers in flight at once: concurrency x max_body_bytes, well inside the synthetic function's 512 MB.
BODY_BUFFER_BUDGET_BYTES = 256 << 20
SYNTHETIC_DEADLINE_SECONDS = 630  # the synthetic function's Lambda timeout is 660 s


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


class HealthConfig(ReadLimitsConfig):
    path: HealthPath = Field("/", description="Path requested through the test listener.")
    healthy_status_codes: list[Annotated[int, Field(ge=100, le=599)]] = Field(
        default_factory=lambda: [200], min_length=1
    )
    consecutive_successes: int = Field(3, ge=1, le=100)
    request_timeout_seconds: float = Field(
        2.0, gt=0, le=60, description="Deadline of one request: connection, status line, headers and body."
    )
    interval_seconds: float = Field(2.0, ge=MIN_INTERVAL_SECONDS, le=60)
    timeout_seconds: int = Field(120, ge=1, le=780, description="Deadline for targets and HTTP to become healthy.")
    check_targets: bool = Field(True, description="Also require every GREEN target to be healthy in its target group.")
    check_http: bool = Field(
        True,
        description="Probe `path` through the listener that routes to GREEN; off, only target health is checked "
        "(what AfterInstall allows, before any listener routes to GREEN).",
    )
    min_healthy_targets: int | None = Field(
        None,
        ge=1,
        le=10_000,
        description="Targets that must be registered and healthy; default: the GREEN task set's desired count.",
    )

    @field_validator("healthy_status_codes", mode="before")
    @classmethod
    def one_code_is_a_list_of_one(cls, given: Any) -> Any:
        """`healthy_status_codes: 200` means `[200]`."""
        return [given] if isinstance(given, int) and not isinstance(given, bool) else given

    def needs(self) -> tuple[bool, bool]:
        return True, self.check_http

    def settings_hint(self) -> str:
        return "set health.check_http: false there to check only the GREEN target group's target health"

    @model_validator(mode="after")
    def something_to_check(self) -> HealthConfig:
        if not (self.check_http or self.check_targets):
            raise ValueError("health.check_http and health.check_targets are both false: nothing left to check")
        return self

    @model_validator(mode="after")
    def request_fits_the_deadline(self) -> HealthConfig:
        if self.request_timeout_seconds > self.timeout_seconds:
            raise ValueError(
                f"health.request_timeout_seconds ({self.request_timeout_seconds:g}) must not exceed "
                f"health.timeout_seconds ({self.timeout_seconds}): one request cannot outlast the whole check"
            )
        return self


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


class CompareWithBlueConfig(Section):
    """The scenario also sent to BLUE through the production listener, in the same window, and GREEN's latencies
    compared with BLUE's answers to the same requests: the centre by a rank-sum test (Mann-Whitney U), as Kayenta
    does, and the tail (p95, p99) by exact bootstrap confidence bounds of GREEN's quantile over BLUE's."""

    alpha: float = Field(0.01, gt=0, lt=1, description="GREEN is slower only when the test's p-value is below this.")
    max_slower_probability: float = Field(
        0.6,
        ge=0.5,
        le=1,
        description="And when a GREEN answer is slower than a BLUE one with a probability above this (0.5: even).",
    )
    min_samples: int = Field(20, ge=5, le=100_000, description="Fewer good answers from either: inconclusive.")
    max_tail_ratio: float = Field(
        1.5,
        ge=1,
        le=1000,
        description="GREEN's p95 and p99 may be at most this many times BLUE's: GREEN fails when the one-sided "
        "lower confidence bound (1 - alpha, exact bootstrap) of GREEN's quantile over BLUE's is above this.",
    )
    min_tail_increase_ms: float = Field(
        25,
        ge=0,
        le=3_600_000,
        description="And when GREEN's p95 or p99 is more than this above BLUE's: a smaller difference never matters.",
    )
    no_blue_data: Literal["ignore", "inconclusive", "fail"] = Field(
        "ignore",
        description="When no listener routes to BLUE at this event (at AfterAllowTraffic production already routes "
        "to GREEN; no BLUE task set or production listener): ignore (reported as not judged; GREEN is still held to "
        "the absolute limits), inconclusive (follows inconclusive_policy) or fail.",
    )


class SyntheticConfig(ReadLimitsConfig):
    requests: list[RequestSpec] = Field(
        default_factory=list, max_length=100, description="The scenario; empty means GET the health path."
    )
    total_requests: int = Field(300, ge=1, le=100_000)
    duration_seconds: float | None = Field(None, gt=0, le=600, description="Send for this long instead of a count.")
    concurrency: int = Field(10, ge=1, le=256)
    request_timeout_seconds: float = Field(
        5.0, gt=0, le=60, description="Deadline of one request: connection, status line, headers and body."
    )
    timeout_seconds: float = Field(
        SYNTHETIC_DEADLINE_SECONDS,
        gt=0,
        le=SYNTHETIC_DEADLINE_SECONDS,
        description="Deadline of the whole check: traffic still in flight then counts as timed out.",
    )
    min_success_ratio: float = Field(0.99, ge=0, le=1)
    max_p99_ms: float = Field(1000.0, gt=0, le=3_600_000)
    compare_with_blue: CompareWithBlueConfig | None = Field(
        None, description="Send the scenario to BLUE too, through the production listener, and compare latencies."
    )
    allowed_hosts: list[TargetHost] = Field(
        default_factory=list,
        max_length=100,
        description="Hosts besides the test listener's that requests may reach; link-local, metadata and "
        "unspecified addresses are refused even here.",
    )

    @model_validator(mode="after")
    def names_and_latency_limits_can_work(self) -> SyntheticConfig:
        """Each request's figures and limits are reported under its name, and no answer outlasts its deadline."""
        seen: dict[str, int] = {}
        deadline_ms = self.request_timeout_seconds * 1000
        for index, spec in enumerate(self.requests):
            if spec.name is not None and spec.name in seen:
                raise ValueError(
                    f"requests.{index}.name {spec.name!r} is also requests.{seen[spec.name]}'s: each "
                    "request's latency, limits and failures are reported under its name, so names must differ"
                )
            if spec.name is not None:
                seen[spec.name] = index
            for field in ("max_latency_ms", "max_p99_ms"):
                limit = getattr(spec.expect, field)
                if limit is not None and limit > deadline_ms:
                    raise ValueError(
                        f"requests.{index}.expect.{field} ({limit:g} ms) is over "
                        f"request_timeout_seconds ({self.request_timeout_seconds:g} s): no request waits "
                        "that long, so it can never be broken; lower it, or raise request_timeout_seconds"
                    )
        return self

    @model_validator(mode="after")
    def traffic_fits_the_deadline_and_memory(self) -> SyntheticConfig:
        needed = (self.duration_seconds or 0) + self.request_timeout_seconds
        if needed > self.timeout_seconds:
            raise ValueError(
                f"synthetic.duration_seconds + synthetic.request_timeout_seconds ({needed:g}) must fit in "
                f"synthetic.timeout_seconds ({self.timeout_seconds:g}), the deadline of the whole check"
            )
        if self.concurrency * self.max_body_bytes > BODY_BUFFER_BUDGET_BYTES:
            raise ValueError(
                f"synthetic.concurrency x synthetic.max_body_bytes ({self.concurrency} x {self.max_body_bytes}) is "
                f"over the {BODY_BUFFER_BUDGET_BYTES >> 20} MiB of answers the synthetic function may hold at once; "
                "lower either"
            )
        return self
