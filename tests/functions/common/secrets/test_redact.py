"""Secrets never leave: whatever a check reports or logs, every form of every secret it used is cut out."""

from __future__ import annotations

import base64
import json
from urllib.parse import quote

import pytest

from common.payload.models import ValidationStatus
from common.payload.validation import Outcome, run
from common.secrets.redact import MARK, Redactor, ShortSecretError

SECRET = 'Bearer s3cr3t/"quoted"+\\back'


def redactor() -> Redactor:
    redactor = Redactor()
    assert redactor.add(SECRET) == SECRET  # registering hands the value back unchanged
    return redactor


@pytest.mark.parametrize(
    "quoted",
    [
        SECRET,
        json.dumps(SECRET),
        repr(SECRET),
        quote(SECRET, safe=""),
        base64.b64encode(SECRET.encode()).decode(),
        base64.urlsafe_b64encode(SECRET.encode()).decode(),
    ],
)
def test_each_form_a_report_may_quote_is_cut(quoted: str) -> None:
    text = redactor().text(f"header X-Echo = {quoted} does not match /^v2/")
    assert MARK in text and SECRET not in text and quoted not in text


def test_secrets_are_cut_from_keys_values_and_lists_however_deep() -> None:
    observed = {"first_failures": [{"problem": f"json echo = {SECRET!r}", SECRET: [SECRET]}], "count": 3}
    scrubbed = redactor().scrub(observed)
    assert SECRET not in json.dumps(scrubbed) and scrubbed["count"] == 3


def test_nothing_registered_changes_nothing() -> None:
    value = {"reason": "fine"}
    assert Redactor().scrub(value) is value


def test_run_cuts_secrets_from_the_result() -> None:
    outcome = Outcome(ValidationStatus.FAILED, f"saw {SECRET}", {"sample": SECRET}, {"header": SECRET})
    result = run("synthetic", False, lambda: outcome, redactor())
    assert SECRET not in json.dumps(result)
    assert result["reason"] == f"saw {MARK}" and result["observed"] == {"sample": MARK}


def test_run_cuts_secrets_from_an_exception_and_its_log(caplog: pytest.LogCaptureFixture) -> None:
    def check() -> Outcome:
        raise ValueError(f"the service said {SECRET}")

    result = run("synthetic", False, check, redactor())
    assert result["status"] == "error" and MARK in result["reason"] and SECRET not in result["reason"]
    [record] = [r for r in caplog.records if r.getMessage() == "Validation could not run"]
    logged = json.dumps(record.__dict__, default=str)
    assert "ValueError: the service said" in logged and MARK in logged
    assert SECRET not in logged and json.dumps(SECRET)[1:-1] not in logged


QUOTED = "tok'en-7Fq2x9"  # a quote inside: repr escapes it when the whole value also holds a double quote


def pieces(secret: str, size: int = 6) -> list[str]:
    return [secret[i : i + size] for i in range(len(secret) - size + 1)]


def test_a_reason_cut_mid_secret_keeps_no_piece_of_it() -> None:
    """Issue 24, item 1: the synthetic check cuts its most common failure to 200 characters before run() sees it."""
    from common.config import SyntheticConfig
    from validate_synthetic.checks import judge
    from validate_synthetic.traffic import Sample

    redactor = Redactor()
    echoed = "x" * 168 + QUOTED + "y" * 100  # the cut at 200 falls inside the secret (8 of its 13 characters before)
    samples = [Sample("#0 GET /", 200, 5.0, None, [f"header X-Echo = {echoed!r} does not match /^v2/"])] * 3

    def check() -> Outcome:
        redactor.add(QUOTED)  # registered during the check, as the synthetic function does when it reads it
        return judge(samples, SyntheticConfig(total_requests=3))

    result = run("synthetic", False, check, redactor)
    assert result["status"] == "failed" and "x" * 150 in result["reason"]
    text = json.dumps(result)
    assert [piece for piece in pieces(QUOTED) if piece in text] == []


@pytest.mark.parametrize(
    "spelled",
    [
        repr(f"""say "hi" {QUOTED}""")[1:-1],  # item 2: repr picked ' quotes and escaped the secret's own '
        repr({"a": f'"{QUOTED}'}),
        json.dumps(QUOTED),
        QUOTED.upper(),  # item 3: case
        QUOTED.lower(),
        QUOTED.encode().hex(),
        QUOTED.encode().hex().upper(),
        quote(QUOTED, safe="").lower(),
        "&#39;".join(QUOTED.split("'")),  # markupsafe's entity for '
        "&#x27;".join(QUOTED.split("'")),  # html.escape's
        base64.b64encode(f"user:{QUOTED}".encode()).decode(),  # HTTP Basic
        base64.b64encode(f"an-admin:{QUOTED}".encode()).decode(),
        base64.urlsafe_b64encode(f"u:{QUOTED}".encode()).decode(),
        base64.b64encode(QUOTED.encode()).decode(),
    ],
)
def test_every_spelling_of_the_secret_is_cut(spelled: str) -> None:
    redactor = Redactor()
    redactor.add(QUOTED)
    text = redactor.text(f"echo = {spelled} (end)")
    assert MARK in text and spelled not in text
    assert [piece for piece in pieces(QUOTED.lower()) if piece in text.lower()] == []


@pytest.mark.parametrize(("secret", "refused"), [("r", True), ("1234567", True), ("12345678", False)])
def test_a_secret_under_eight_characters_is_refused_saying_why_never_what(secret: str, refused: bool) -> None:
    redactor = Redactor()
    if not refused:
        assert redactor.add(secret, "the secret {ssm: /x}") == secret
        return
    with pytest.raises(ShortSecretError) as error:
        redactor.add(secret, "the secret {ssm: /x}")
    assert str(error.value).startswith(f"the secret {{ssm: /x}} holds {len(secret)} characters; a secret must")
    assert not redactor and redactor.text("requests") == "requests"


def test_a_line_logged_during_the_check_is_scrubbed(caplog: pytest.LogCaptureFixture) -> None:
    from common.runtime.observability import logger

    redactor = Redactor()

    def check() -> Outcome:
        redactor.add(QUOTED)
        logger.info(f"the service said {QUOTED.upper()}", extra={"body": {"echo": QUOTED}})
        return Outcome(ValidationStatus.PASSED, "fine")

    run("synthetic", False, check, redactor)
    [record] = [r for r in caplog.records if r.getMessage().startswith("the service said")]
    assert record.getMessage() == f"the service said {MARK}" and record.__dict__["body"] == {"echo": MARK}


# A base64-like token with the characters other encoders escape: PHP's json_encode writes / as \/, Go's encoding/json
# writes < > & as \u003c \u003e \u0026, and a service may cut or mask what it echoes.
TOKEN = "Ab/Cd+Ef/GhIj&Kl<Mn>Op1Qr2St"


@pytest.mark.parametrize(
    "echoed",
    [
        json.dumps({"auth": TOKEN}).replace("/", "\\/"),  # PHP
        json.dumps({"auth": TOKEN}).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"),  # Go
        f"token {TOKEN[:12]}...",  # the service cuts it
        TOKEN[:-4] + "****",  # or masks its end
        " ".join(TOKEN[i : i + 8] for i in range(0, len(TOKEN), 8)),  # or folds it
        f"{TOKEN[:14]}' + '{TOKEN[14:]}",  # or it arrives in two parts of a reason
    ],
)
def test_a_spelling_the_redactor_does_not_model_keeps_no_six_character_piece(echoed: str) -> None:
    """An echo changed in one place (an escape, a cut, a mask) still holds long runs of the secret as it is."""
    redactor = Redactor()
    redactor.add(TOKEN)
    text = redactor.text(f"header X-Echo = {echoed!r} does not match /^v2/")
    assert MARK in text and [piece for piece in pieces(TOKEN.lower()) if piece in text.lower()] == []
    assert text.startswith("header X-Echo = ") and text.endswith(" does not match /^v2/")


def test_pieces_are_cut_from_values_but_fixed_keys_stay() -> None:
    """A secret sharing six characters with a key the report reads (`requests`) must not rename that key."""
    redactor = Redactor()
    redactor.add("requests-token-9Zq")
    scrubbed = redactor.scrub({"requests": 3, "echo": "requests-tok"})
    assert scrubbed == {"requests": 3, "echo": MARK}


def test_cutting_twice_changes_nothing_more() -> None:
    """Every cut redacts again (cut_text, run, the log filter): a mark is never cut into a second one."""
    redactor = Redactor()
    redactor.add("unredacted-key-Zq9")
    once = redactor.text("saw unredacted-key-Zq9 and unredact")
    assert once == f"saw {MARK} and {MARK}" and redactor.text(once) == once


def test_a_secret_with_white_space_around_it_is_cut_as_the_service_receives_it() -> None:
    """HTTP drops a field value's leading and trailing white space (RFC 9110 section 5.5): the service echoes the
    value without it."""
    redactor = Redactor()
    redactor.add("  Tr4il1ngSp4ce\t ")
    assert redactor.text("header X-Echo = 'Tr4il1ngSp4ce' does not match") == f"header X-Echo = '{MARK}' does not match"


def test_a_short_secret_padded_with_white_space_is_refused() -> None:
    with pytest.raises(ShortSecretError, match="holds 3 characters"):
        Redactor().add("abc     ", "the secret {ssm: /x}")


def test_a_long_secret_is_cut_in_pieces_too() -> None:
    """Over FIND_EACH_PIECE_UP_TO pieces (a JWT), the pieces are found by position, not one search each."""
    from common.secrets.redact import FIND_EACH_PIECE_UP_TO, PIECE_LENGTH

    jwt = "eyJhbGciOiJIUzI1NiJ9." + "".join(f"{i:04d}Zq" for i in range(40)) + ".sig"
    assert len(jwt) - PIECE_LENGTH + 1 > FIND_EACH_PIECE_UP_TO
    redactor = Redactor()
    redactor.add(jwt)
    text = redactor.text(f"header X-Echo = 'Bearer {jwt[:-10]}****' and {jwt[30:90]!r}")
    assert text == f"header X-Echo = 'Bearer {MARK}****' and '{MARK}'"
