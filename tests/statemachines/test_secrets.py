"""Secrets end to end on the real workflow: a service that echoes the secret every way it can leaves no piece of it
anywhere greenlight writes, and a config naming another team's secret never reads it, even when greenlight's own
check is broken (the local engine enforces the template's IAM for the secret reader)."""

from __future__ import annotations

import base64
import html
import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any
from urllib.parse import quote, quote_plus

import pytest

from greenlight.cli.main import main
from greenlight.engine.local_engine import LocalEngine
from greenlight.engine.local_run import LocalRunOptions, run_local
from greenlight.engine.loopback import LoopbackServer
from greenlight.engine.project import Project
from tests.support.quick_config import TIME_SCALE, quick_config

pytestmark = pytest.mark.engine

# Both quote kinds (repr then escapes one of them), a slash, plus and equals (percent-encoding changes them).
SECRET = "Zq'x\"K7v/+=Wm9Lp"
OWN = "/greenlight/tenants/sample-service/sample-service-dg/api-token"
THEIRS, THEIR_SECRET = "/greenlight/tenants/payments/payments-dg/api-key", "payments-secret-Qw8Zr2"


def spellings(value: str) -> dict[str, str]:
    """The secret as a service may send it back: each way the issue names."""
    return {
        "X-Echo": f"""before "double" and 'single' {value} after""",  # a header value with both quote kinds
        "X-Upper": value.upper(),
        "X-Lower": value.lower(),
        "X-Hex": value.encode().hex(),
        "X-Percent": quote(value, safe=""),
        "X-Plus": quote_plus(value).lower(),
        "X-Html": html.escape(value),
        "X-Base64": base64.b64encode(value.encode()).decode(),
        "X-Basic": "Basic " + base64.b64encode(f"user:{value}".encode()).decode(),
        "X-Basic-Urlsafe": base64.urlsafe_b64encode(f"ci-bot:{value}".encode()).decode(),
        # Spellings no list can model, each changed in a place or two: what is left of the secret is cut too
        "X-Php": json.dumps(value).replace("/", "\\/"),  # PHP's json_encode escapes /
        "X-Escaped": json.dumps(value).replace("/", "\\u002f"),  # an encoder escaping more than JSON needs
        "X-Masked": value[:-4] + "****",
        "X-Cut": f"token {value[:10]}...",
    }


class Echo(BaseHTTPRequestHandler):
    """Answers 200 with the Authorization header echoed in every spelling: in headers, and in a JSON body sent in
    chunks that split the secret."""

    protocol_version = "HTTP/1.1"
    received: list[str]

    def do_GET(self) -> None:
        value = self.headers.get("Authorization", "")
        self.received.append(value)
        forms = spellings(value)
        body = json.dumps({"echo": value, "nested": {"deep": [f"token={value};"]}, **forms}).encode()
        self.send_response(200)
        for name, form in forms.items():
            self.send_header(name, form)
        self.send_header("Content-Type", "application/json")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        for start in range(0, len(body), 5):  # 5-byte chunks: every form of the secret is cut across chunks
            piece = body[start : start + 5]
            self.wfile.write(f"{len(piece):x}\r\n".encode() + piece + b"\r\n")
        self.wfile.write(b"0\r\n\r\n")

    def log_message(self, format: str, *args: Any) -> None:
        return


@contextmanager
def echo_service() -> Iterator[tuple[str, list[str]]]:
    received: list[str] = []
    handler = type("EchoHandler", (Echo,), {"received": received})
    server = LoopbackServer(handler)
    thread = threading.Thread(target=server.serve_forever, args=(0.02,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.port}", received
    finally:
        server.shutdown()
        server.server_close()


def scenario(reference: str) -> list[dict[str, Any]]:
    """One request sending the secret, with an expectation on every echo, each failing (so each is quoted)."""
    expect: dict[str, Any] = {
        "headers": {name: "^never$" for name in spellings("x")},
        "json": [{"path": "echo", "equals": "never"}, {"path": "nested.deep.0", "equals": "never"}],
    }
    return [{"path": "/api/items", "headers": {"Authorization": {"ssm": reference}}, "expect": expect}]


def pieces(secret: str, size: int = 6) -> set[str]:
    return {secret[i : i + size] for i in range(len(secret) - size + 1)}


def strings(document: Any) -> Iterator[str]:
    """Every string in a JSON document, keys included, decoded."""
    if isinstance(document, str):
        yield document
    elif isinstance(document, dict):
        for key, value in document.items():
            yield key
            yield from strings(value)
    elif isinstance(document, list):
        for item in document:
            yield from strings(item)


def leaks(text: str) -> list[str]:
    """Each piece of the secret (6 characters or the whole) found in `text`, its JSON strings or its HTML text."""
    found = [piece for piece in pieces(SECRET) | {SECRET} if piece in text or piece in html.unescape(text)]
    try:
        decoded = "\n".join(strings(json.loads(text)))
    except ValueError:
        return found
    return found + [piece for piece in pieces(SECRET) if piece in decoded]


def test_an_echoing_service_leaves_no_piece_of_the_secret_anywhere(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # GIVEN a secret in the deployment group's namespace, and a service echoing it every way, in pieces
    histories: list[Any] = []
    original_wait = LocalEngine.wait

    def wait_and_keep_history(engine: LocalEngine, execution_arn: str, *args: Any, **kwargs: Any) -> Any:
        run = original_wait(engine, execution_arn, *args, **kwargs)
        histories.append(
            engine.clients["stepfunctions"].get_execution_history(executionArn=execution_arn, maxResults=1000)
        )
        return run

    monkeypatch.setattr(LocalEngine, "wait", wait_and_keep_history)
    config, log, page = tmp_path / "greenlight.yaml", tmp_path / "functions.log", tmp_path / "verdict.html"
    config.write_text(quick_config(synthetic={"requests": scenario(OWN)}))
    secret_file = tmp_path / "secret.txt"
    secret_file.write_text(SECRET)
    # WHEN the real workflow runs through the CLI, writing the report as JSON, the page and the functions' log
    with echo_service() as (url, received):
        arguments = ["local", "run", "--target-url", url, "--config", str(config), "--log-file", str(log)]
        arguments += ["--parameter", f"{OWN}=@{secret_file}", "--json", "--report", str(page)]
        code = main(arguments)
    stdout, stderr = capsys.readouterr()
    # THEN the secret was sent and echoed, every expectation failed on it, and the verdict is Failed
    assert set(received) - {""} == {SECRET}  # the health checks send no Authorization
    report = json.loads(stdout)
    [synthetic] = [v for v in report["report"]["validations"] if v["name"] == "synthetic"]
    assert code == 1 and synthetic["status"] == "failed" and "[redacted]" in synthetic["reason"]
    problem = synthetic["observed"]["distinct_failures"][0]["problem"]
    assert problem.count("[redacted]") >= len(spellings(SECRET)) + 2, problem
    # ... and no piece of it is in stdout (report, events), stderr, the page, the logs or the execution history
    assert report["events"], "the verdict event is part of what is checked"
    outputs = {
        "stdout": stdout,
        "stderr": stderr,
        "page": page.read_text(),
        "log": log.read_text(),
        "history": json.dumps(histories, default=str),
    }
    assert all(outputs.values())
    assert {name: leaks(text) for name, text in outputs.items()} == {name: [] for name in outputs}


def test_a_secret_shorter_than_eight_characters_is_refused_before_any_request(project: Project) -> None:
    with echo_service() as (url, received):
        options = LocalRunOptions(
            target_url=url,
            config_text=quick_config(synthetic={"requests": scenario(OWN)}),
            time_scale=TIME_SCALE,
            ssm_parameters={OWN: "abc123"},
        )
        report = run_local(options, project)
    [synthetic] = [v for v in report.validations if v.name == "synthetic"]
    assert synthetic.status == "error" and "holds 6 characters; a secret must have at least 8" in synthetic.reason
    assert "abc123" not in synthetic.reason and report.verdict == "Failed"
    assert set(received) == {""}  # the health checks only: no request carried it


def test_a_cross_tenant_reference_is_refused_by_prepare_and_never_read(project: Project) -> None:
    with echo_service() as (url, received):
        options = LocalRunOptions(
            target_url=url,
            config_text=quick_config(synthetic={"requests": scenario(THEIRS)}),
            time_scale=TIME_SCALE,
            ssm_parameters={THEIRS: THEIR_SECRET},
        )
        report = run_local(options, project)
    assert report.verdict == "Failed" and f"{{ssm: {THEIRS}}} is outside the deployment group's namespace" in (
        report.reason
    )
    assert set(received) <= {""} and THEIR_SECRET not in report.model_dump_json()


def test_with_prepares_check_broken_aws_still_refuses_another_teams_secret(
    project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN greenlight's own check broken: it lets every reference through
    import common.secrets.scope

    monkeypatch.setattr(common.secrets.scope, "refusal", lambda *args, **kwargs: None)
    engines: list[LocalEngine] = []
    with echo_service() as (url, received):
        options = LocalRunOptions(
            target_url=url,
            config_text=quick_config(synthetic={"requests": scenario(THEIRS)}),
            time_scale=TIME_SCALE,
            ssm_parameters={THEIRS: THEIR_SECRET},
        )
        report = run_local(options, project, before_start=lambda engine, _: engines.append(engine))
    # THEN the read through the session tagged sample-service/sample-service-dg is AccessDenied by the role's policy
    [synthetic] = [v for v in report.validations if v.name == "synthetic"]
    assert synthetic.status == "error" and "AccessDeniedException" in synthetic.reason
    assert engines[0].settings.iam_denied == [f"ssm:GetParameter arn:aws:ssm:us-east-1:123456789012:parameter{THEIRS}"]
    assert set(received) <= {""} and THEIR_SECRET not in report.model_dump_json()
