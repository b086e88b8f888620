"""Generated config files, read as the CLI reads them: every hazard is refused on one line naming its cause.

Each example is a valid config with one hazard worked in at the file level (duplicate keys, aliases, bytes that
are not UTF-8, oversized numbers or documents, deep nesting, NaN and infinities, regexes RE2 refuses, malformed
paths and hosts, forbidden addresses, too-small intervals), written to a file and read by the CLI's own
functions (`read_config`, then `checked_config`); the refusal must be a one-line LocalRunError naming the field or
the cause. Arbitrary bytes and arbitrary YAML-ish text are either a config or such a refusal, never a traceback.
"""

from __future__ import annotations

import string
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from common.config.sources import Layer
from greenlight.engine.run.local_run import LocalRunError, checked_config, read_config
from tests.support.bad_configs import alias_bomb
from tests.support.vectors import VECTORS

EXAMPLES = settings(max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
# A case is the file and what its refusal must name ("a|b": either).
VALID = {
    "health": {"path": "/health", "interval_seconds": 2},
    "synthetic": {"total_requests": 10, "requests": [{"path": "/api", "expect": {"headers": {"X-V": "^v"}}}]},
    "metrics": {"max_p99_seconds": 1.0},
}
FLOAT_FIELDS = [("metrics", "max_p99_seconds"), ("synthetic", "max_p99_ms"), ("metrics", "max_5xx_rate")]
INT_FIELDS = [("synthetic", "total_requests"), ("metrics", "min_request_count"), ("health", "timeout_seconds")]
NOT_FINITE = [".nan", ".NaN", ".NAN", ".inf", "-.inf", "+.Inf", "1e999", "-1e999", '"NaN"', '"Infinity"', '"-inf"']
BAD_PATTERNS = ["(a)\\1", "(?=a)", "(?<!a)b", "[", "a{2,1}", "(", "\\", "(?P<n>a)(?P=n)", "a{1001}"]
BAD_PATHS = ["health", "//health", "/a b", "/a\tb", "/a\\r\\nX: y", "/%zz", "/a#b", "/a\\u0000", "/é"]


def valid_text(section: str = "", key: str = "", value: Any = None) -> bytes:
    """The valid config, with one field set when `section` and `key` are given."""
    document: dict[str, dict[str, Any]] = {name: dict(fields) for name, fields in VALID.items()}
    if section:
        document[section][key] = value
    return yaml.safe_dump(document).encode()


def with_scalar(section: str, key: str, scalar: str) -> bytes:
    """The valid config with one field's value replaced by raw YAML text (so NaN spellings reach the loader)."""
    return valid_text(section, key, "__HAZARD__").replace(b"__HAZARD__", scalar.encode())


def flow(value: Any) -> str:
    return yaml.safe_dump(value, default_flow_style=True).strip()


def hazard_cases() -> st.SearchStrategy[tuple[bytes, str]]:
    valid = valid_text()
    return st.one_of(
        st.sampled_from(sorted(VALID)).map(lambda name: (valid + f"{name}: {{enabled: false}}\n".encode(), "twice")),
        st.integers(2, 9).map(lambda levels: (alias_bomb(levels), "YAML alias")),
        st.tuples(st.integers(0, len(valid)), st.sampled_from([b"\xff", b"\xc3\x28", b"\xe9", b"\x80\x80"])).map(
            lambda cut: (valid[: cut[0]] + cut[1] + valid[cut[0] :], "not UTF-8")
        ),
        st.tuples(st.sampled_from(INT_FIELDS), st.integers(21, 6000)).map(
            lambda field: (with_scalar(*field[0], "9" * field[1]), "out of range")
        ),
        st.integers(33, 300).map(  # deeper ones take longer to scan; 4000 levels are in bad_configs
            lambda depth: (valid + b"x: " + b"[" * depth + b"]" * depth + b"\n", "deeper than 32|8192 bytes")
        ),
        st.tuples(st.sampled_from(FLOAT_FIELDS), st.sampled_from(NOT_FINITE)).map(
            # a YAML NaN is refused by the reader (line and column), a quoted one by the field
            lambda field: (with_scalar(*field[0], field[1]), "NaN and infinities|" + field[0][1])
        ),
        st.sampled_from(BAD_PATTERNS).map(
            lambda regex: (with_scalar("synthetic", "requests", flow([{"expect": {"headers": {"X-V": regex}}}])), "X-V")
        ),
        st.sampled_from(BAD_PATHS).map(lambda path: (with_scalar("health", "path", f'"{path}"'), "health.path")),
        st.sampled_from(sorted(VECTORS.values())).map(
            lambda host: (valid_text("synthetic", "allowed_hosts", [host]), "synthetic.allowed_hosts.0")
        ),
        st.tuples(st.sampled_from(["127.0.0.1", "svc.internal", "10.0.0.8"]), st.integers(1, 65535)).map(
            lambda host: (valid_text("synthetic", "allowed_hosts", [f"{host[0]}:{host[1]}"]), "allowed_hosts")
        ),
        st.floats(-10, 0.999, allow_nan=False).map(
            lambda interval: (valid_text("health", "interval_seconds", interval), "health.interval_seconds")
        ),
        st.integers(8193, 20_000).map(lambda size: (valid + b"#" + b"x" * (size - len(valid)) + b"\n", "8192 bytes")),
    )  # fmt: skip


def cli_read(tmp_path: Path, data: bytes) -> str:
    """What the CLI does with `--config FILE` before anything runs; the health path, or the one-line refusal."""
    path = tmp_path / "config.yaml"
    path.write_bytes(data)
    try:
        return str(checked_config([Layer("--config", read_config(path))], "greenlight-check-").health.path)
    except LocalRunError as error:
        message = str(error)
        assert "\n" not in message and message, message
        return f"refused: {message}"


@EXAMPLES
@given(case=hazard_cases())
def test_every_generated_hazard_is_refused_naming_its_cause(tmp_path: Path, case: tuple[bytes, str]) -> None:
    data, phrase = case
    outcome = cli_read(tmp_path, data)
    assert outcome.startswith("refused: "), (data[:200], outcome)
    assert any(alternative in outcome for alternative in phrase.split("|")), outcome


@EXAMPLES
@given(data=st.binary(max_size=400))
def test_any_bytes_are_a_config_or_a_one_line_refusal(tmp_path: Path, data: bytes) -> None:
    outcome = cli_read(tmp_path, data)
    assert outcome.startswith(("refused: ", "/")), outcome


YAML_ISH = st.text(alphabet=string.ascii_lowercase[:6] + string.digits + " \n\t:-[]{},&*!|>'\"#%@`.<", max_size=300)


@EXAMPLES
@given(text=YAML_ISH)
def test_any_yaml_ish_text_is_a_config_or_a_one_line_refusal(tmp_path: Path, text: str) -> None:
    outcome = cli_read(tmp_path, text.encode())
    assert outcome.startswith(("refused: ", "/")), outcome
