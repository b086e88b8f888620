"""Which AWS errors are on AWS's side (throttling, a service fault, no connection) rather than ours.

Plain Python, no pydantic: the hook imports it. The codes are the ones botocore's standard retry mode treats
as throttling or transient (`botocore.retries.standard`), plus the 5xx error codes AWS's common errors list;
a test keeps them in step with botocore. Anything else (AccessDenied, a missing state machine, a validation
error, a setting that is not there) is a misconfiguration: ours to fix, never an outage.
"""

from __future__ import annotations

from botocore.exceptions import ClientError, ConnectionError, HTTPClientError

THROTTLING_CODES = frozenset(
    {
        "Throttling",
        "ThrottlingException",
        "ThrottledException",
        "RequestThrottledException",
        "TooManyRequestsException",
        "ProvisionedThroughputExceededException",
        "TransactionInProgressException",
        "RequestLimitExceeded",
        "BandwidthLimitExceeded",
        "LimitExceededException",
        "RequestThrottled",
        "SlowDown",
        "PriorRequestNotComplete",
        "EC2ThrottledException",
        "KmsThrottlingException",
    }
)
SERVICE_FAULT_CODES = frozenset(
    {
        "RequestTimeout",
        "RequestTimeoutException",
        "InternalFailure",
        "InternalError",
        "InternalServerError",
        "InternalServerException",
        "ServiceUnavailable",
        "ServiceUnavailableException",
    }
)
# What the standard retry mode also retries: 429 and 5xx answers whatever their code.
ON_AWS_SIDE_STATUS = frozenset({429, 500, 502, 503, 504})


def on_aws_side(error: BaseException) -> bool:
    """True when the call failed for reasons on AWS's side: throttled, a service fault, or no connection."""
    if isinstance(error, ClientError):
        code = str(error.response.get("Error", {}).get("Code", ""))
        status = error.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
        return code in THROTTLING_CODES or code in SERVICE_FAULT_CODES or status in ON_AWS_SIDE_STATUS
    return isinstance(error, ConnectionError | HTTPClientError)
