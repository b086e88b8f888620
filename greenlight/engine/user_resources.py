"""What a user's AWS account holds that a run reads, played locally: Secrets Manager secrets (a request header's
`{secretsmanager: NAME}`) and CloudWatch alarms (`metrics.alarms`), in the state the user names.

An alarm here stands for the user's own: it watches nothing locally, and holds the state given (`OK`, `ALARM` or
`INSUFFICIENT_DATA`, CloudWatch's `StateValue`) for the whole run.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

ALARM_STATES = ("OK", "ALARM", "INSUFFICIENT_DATA")  # botocore's cloudwatch StateValue enum
# A metric no run publishes: the alarm is only its name and state (PutMetricAlarm needs a metric or metrics).
_STAND_IN_METRIC = {
    "Namespace": "greenlight/local",
    "MetricName": "stand-in",
    "Statistic": "Sum",
    "Period": 60,
    "EvaluationPeriods": 1,
    "Threshold": 0.0,
    "ComparisonOperator": "GreaterThanThreshold",
}


def seed(clients: Mapping[str, Any], secrets: Mapping[str, str], alarms: Mapping[str, str]) -> None:
    """Create each secret with its value (SecretString) and each alarm in its state, before the run starts."""
    for name, value in secrets.items():
        clients["secretsmanager"].create_secret(Name=name, SecretString=value)
    for name, state in alarms.items():
        clients["cloudwatch"].put_metric_alarm(AlarmName=name, **_STAND_IN_METRIC)
        reason = f"set by greenlight local run --alarm {name}={state}"
        clients["cloudwatch"].set_alarm_state(AlarmName=name, StateValue=state, StateReason=reason)
