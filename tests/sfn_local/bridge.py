"""The test process's half of the bridge: Lambda's Invoke and CodeDeploy's API on loopback, answered by an engine.

LocalStack's Step Functions (tests/sfn_local/inside_localstack.py) sends its Lambda tasks and its aws-sdk CodeDeploy
tasks here, over the services' own wire protocols (a boto3 client with this endpoint). Each request is passed to the
embedded engine attached at that moment, through boto3 clients made inside it: so the real handlers run in
process as on the embedded engine, with the same AWS stand-in behind them (moto with greenlight's patches, every
answer conformance-checked, the same injected faults), and the answer goes back as the service would send it.
"""

from __future__ import annotations

import json
import re
import threading
import uuid
from datetime import datetime
from http.server import BaseHTTPRequestHandler
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from botocore import xform_name
from botocore.config import Config
from botocore.exceptions import ClientError

from greenlight.engine import LocalEngine
from greenlight.engine.balancer.loopback import LoopbackServer
from greenlight.engine.core.botocore_models import shared_boto3_session
from greenlight.engine.standins.codedeploy import REGION

# Lambda Invoke (REST-JSON): POST /2015-03-31/functions/{FunctionName}/invocations
INVOKE_PATH = re.compile(r"/2015-03-31/functions/(?P<name>[^/]+)/invocations")
# CodeDeploy (JSON 1.1): POST / with X-Amz-Target: CodeDeploy_20141006.<Operation>
CODEDEPLOY_TARGET = "CodeDeploy_20141006."
BRIDGED = ("lambda", "codedeploy")
ONE_ATTEMPT = Config(retries={"total_max_attempts": 1})


def _json_default(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.timestamp()  # the JSON protocols' timestamp: epoch seconds
    raise TypeError(f"cannot encode {type(value).__name__}")


class Bridge:
    """Use as a context manager; `attach(engine)` gives the engine whose handlers answer, `detach()` takes it away."""

    def __init__(self) -> None:
        self.engine: LocalEngine | None = None
        self.clients: dict[str, Any] = {}
        self.requests: list[str] = []  # what was bridged, in order: "lambda:<function>", "codedeploy:<Operation>"
        self._lock = threading.Lock()
        self._server = LoopbackServer(type("Handler", (BridgeHandler,), {"bridge": self}))

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.port}"

    def __enter__(self) -> Bridge:
        threading.Thread(target=self._server.serve_forever, daemon=True, name="greenlight-bridge").start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    def attach(self, engine: LocalEngine, deployment: object = None) -> None:
        """From now on `engine` answers (a run's before_start step); what was bridged is recorded afresh.

        Its clients are made here, inside the engine (moto answers them), with one attempt each: a relay must not
        retry what the caller would see fail (LocalStack's own clients make one attempt too)."""
        session = shared_boto3_session(REGION)  # the engine's: its service models are read already
        clients = {service: session.client(service, config=ONE_ATTEMPT) for service in BRIDGED}
        with self._lock:
            self.engine, self.clients, self.requests = engine, clients, []

    def detach(self) -> None:
        with self._lock:
            self.engine, self.clients = None, {}


class BridgeHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    bridge: Bridge

    def log_message(self, format: str, *args: Any) -> None:
        """Requests are recorded in `bridge.requests`, not printed."""

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        clients = self.bridge.clients
        url = urlsplit(self.path)
        target = self.headers.get("X-Amz-Target", "")
        if not clients:
            self._send(503, {"message": "no local engine is attached to the bridge"})
        elif match := INVOKE_PATH.fullmatch(url.path):
            self._invoke(clients["lambda"], unquote(match["name"]), body, parse_qs(url.query))
        elif target.startswith(CODEDEPLOY_TARGET):
            self._codedeploy(clients["codedeploy"], target.removeprefix(CODEDEPLOY_TARGET), body)
        else:
            self._send(404, {"message": f"the bridge serves no {self.command} {url.path} {target}"})

    def _invoke(self, client: Any, function: str, body: bytes, query: dict[str, list[str]]) -> None:
        self.bridge.requests.append(f"lambda:{function.rsplit(':', 1)[-1]}")
        parameters: dict[str, Any] = {"FunctionName": function, "Payload": body}
        if "Qualifier" in query:
            parameters["Qualifier"] = query["Qualifier"][0]
        if invocation_type := self.headers.get("X-Amz-Invocation-Type"):
            parameters["InvocationType"] = invocation_type
        try:
            answer = client.invoke(**parameters)
        except ClientError as error:
            self._error(error, rest=True)
            return
        headers = {"X-Amz-Executed-Version": answer.get("ExecutedVersion", "$LATEST")}
        if answer.get("FunctionError"):
            headers["X-Amz-Function-Error"] = answer["FunctionError"]
        self._send(answer["StatusCode"], answer["Payload"].read(), headers)

    def _codedeploy(self, client: Any, operation: str, body: bytes) -> None:
        self.bridge.requests.append(f"codedeploy:{operation}")
        if operation not in client.meta.service_model.operation_names:
            self._send(400, {"__type": "UnknownOperationException", "message": operation})
            return
        try:
            answer = getattr(client, xform_name(operation))(**json.loads(body or b"{}"))
        except ClientError as error:
            self._error(error, rest=False)
            return
        answer.pop("ResponseMetadata", None)
        self._send(200, answer)

    def _error(self, error: ClientError, rest: bool) -> None:
        """The error as the service's protocol carries it, so botocore parses the same code and message."""
        code, message = error.response["Error"].get("Code", ""), error.response["Error"].get("Message", "")
        status = error.response["ResponseMetadata"].get("HTTPStatusCode", 400)
        if rest:
            self._send(status, {"message": message}, {"X-Amzn-ErrorType": code})
        else:
            self._send(status, {"__type": code, "message": message})

    def _send(self, status: int, body: bytes | dict[str, Any], headers: dict[str, str] | None = None) -> None:
        data = body if isinstance(body, bytes) else json.dumps(body, default=_json_default).encode()
        self.send_response(status)
        # Every AWS answer carries its request id; LocalStack's reading of an error needs it, as botocore's does.
        common = {"Content-Type": "application/json", "x-amzn-RequestId": str(uuid.uuid4())}
        for name, value in {**common, **(headers or {})}.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)
