"""What greenlight puts on the default EventBridge bus during a local run, recorded as a rule's target receives it.

moto's PutEvents keeps no event it can be asked for; it matches the bus's rules and delivers to their targets.
So the engine plays a notifications rule, as README shows one (`source: greenlight`), with an SQS queue as its
target, and reads the queue: each recorded event is the envelope EventBridge hands a target (`source`,
`detail-type`, `detail`, ...), matched by moto's own pattern matching.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

RULE = "greenlight-local-notifications"
PATTERN = {"source": ["greenlight"]}


@dataclass
class EventRecorder:
    events: Any  # the engine's EventBridge client
    sqs: Any
    queue_url: str = ""
    received: list[dict[str, Any]] = field(default_factory=list)

    def start(self) -> EventRecorder:
        self.queue_url = self.sqs.create_queue(QueueName=RULE)["QueueUrl"]
        queue_arn = self.sqs.get_queue_attributes(QueueUrl=self.queue_url, AttributeNames=["QueueArn"])["Attributes"][
            "QueueArn"
        ]
        self.events.put_rule(Name=RULE, EventPattern=json.dumps(PATTERN))
        self.events.put_targets(Rule=RULE, Targets=[{"Id": "recorder", "Arn": queue_arn}])
        return self

    def recorded(self) -> list[dict[str, Any]]:
        """Every event the rule matched so far, in order."""
        while True:
            answer = self.sqs.receive_message(QueueUrl=self.queue_url, MaxNumberOfMessages=10)
            messages = answer.get("Messages", [])
            if not messages:
                return list(self.received)
            for message in messages:
                self.received.append(json.loads(message["Body"]))
                self.sqs.delete_message(QueueUrl=self.queue_url, ReceiptHandle=message["ReceiptHandle"])
