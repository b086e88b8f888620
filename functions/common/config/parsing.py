"""Reading a config document, strictly: a text written by people and read by a gate is refused clearly or used.

YAML is read with PyYAML's safe loader, narrowed: no aliases (a few hundred bytes of them can expand into
gigabytes), no duplicate keys (YAML's last-wins would silently switch a check off), no merge keys, no binary,
set or timestamp values (dates stay the text written), only string keys, integers that fit in 64 bits, finite
floats, and nesting at most `MAX_DEPTH` deep. The document itself must be UTF-8 and at most `MAX_CONFIG_BYTES` (an
SSM parameter's value), or `MAX_LAYER_BYTES` for a layer read from S3 or AWS AppConfig (common.config.layers).
"""

from __future__ import annotations

import math
from typing import Any

import yaml
from yaml.events import AliasEvent
from yaml.nodes import MappingNode, Node, ScalarNode

# The config lives in an SSM parameter, whose value holds at most 4 KB (standard tier) or 8 KB (advanced tier):
# a larger document could never be deployed there, so it is refused everywhere, the CLI included.
MAX_CONFIG_BYTES = 8192
STANDARD_TIER_CHARACTERS = 4096
SSM_LIMIT_WHY = "an SSM parameter's 8 KB"
# A layer an SSM parameter points at, in S3 or AWS AppConfig: large enough for a scenario of 100 requests, small
# enough that the plan built from it stays far below Step Functions' 256 KiB (Prepare also bounds the plan).
MAX_LAYER_BYTES = 64 * 1024
STORE_LIMIT_WHY = "a layer from S3 or AppConfig: 64 KiB"
MAX_DEPTH = 32
MAX_INTEGER = (1 << 63) - 1
MERGE_TAG = "tag:yaml.org,2002:merge"
REFUSED_TAGS = ("binary", "set", "omap", "pairs", "timestamp")


class ConfigTextError(ValueError):
    """The document cannot be read as a config; the message says why, on one line."""


def _where(node_or_mark: Any) -> str:
    mark = getattr(node_or_mark, "start_mark", node_or_mark)
    return f" (line {mark.line + 1}, column {mark.column + 1})" if mark is not None else ""


class StrictLoader(yaml.SafeLoader):
    """SafeLoader without the parts of YAML a config has no use for and an attacker has."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._depth = 0

    def compose_node(self, parent: Node | None, index: Any) -> Node | None:
        if self.check_event(AliasEvent):
            event = self.peek_event()  # type: ignore[no-untyped-call]
            raise ConfigTextError(
                f"uses the YAML alias *{event.anchor}{_where(event)}; aliases are refused (a few hundred bytes of "
                "them expand into gigabytes): write the value out"
            )
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                event = self.peek_event()  # type: ignore[no-untyped-call]
                raise ConfigTextError(f"nests deeper than {MAX_DEPTH} levels{_where(event)}")
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def construct_mapping(self, node: MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[str] = set()
        for key_node, _ in node.value:
            if key_node.tag == MERGE_TAG:
                raise ConfigTextError(f"uses a YAML merge key (<<){_where(key_node)}; write the keys out")
            key = self.construct_object(key_node, deep=True)
            if not isinstance(key, str):
                raise ConfigTextError(f"has a key that is not a string: {key!r}{_where(key_node)}")
            if key in seen:
                raise ConfigTextError(f"has the key {key!r} twice{_where(key_node)}; YAML would keep only the last")
            seen.add(key)
        return super().construct_mapping(node, deep=deep)

    def construct_yaml_int(self, node: ScalarNode) -> int:
        text = str(self.construct_scalar(node))
        if sum(c.isalnum() for c in text) > 20:  # before int() parses it: int("9" * 5000) costs and is refused
            raise ConfigTextError(f"has a number out of range: {text[:20]}…{_where(node)}")
        value = super().construct_yaml_int(node)
        if abs(value) > MAX_INTEGER:
            raise ConfigTextError(f"has a number out of range: {text}{_where(node)}")
        return value

    def construct_yaml_float(self, node: ScalarNode) -> float:
        value = super().construct_yaml_float(node)
        if not math.isfinite(value):
            text = self.construct_scalar(node)
            raise ConfigTextError(f"has {text}{_where(node)}: NaN and infinities are not numbers a config can use")
        return value

    def refuse_tag(self, node: Node) -> Any:
        raise ConfigTextError(f"uses the YAML tag {node.tag}{_where(node)}, which a config has no use for")


# Timestamps read as the text written: a date in `equals` must compare as the string the service sends.
StrictLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
StrictLoader.add_constructor("tag:yaml.org,2002:int", StrictLoader.construct_yaml_int)
StrictLoader.add_constructor("tag:yaml.org,2002:float", StrictLoader.construct_yaml_float)
for _name in REFUSED_TAGS:
    StrictLoader.add_constructor(f"tag:yaml.org,2002:{_name}", StrictLoader.refuse_tag)


def decode(data: bytes, limit: int = MAX_CONFIG_BYTES, why: str = SSM_LIMIT_WHY) -> str:
    """The document as text: refused when over the size limit (`why` says whose) or not UTF-8."""
    if len(data) > limit:
        raise ConfigTextError(f"is over the {limit} bytes a config may have ({why})")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ConfigTextError(f"is not UTF-8 text (byte 0x{data[error.start]:02x} at offset {error.start})") from error


def load_text(text: str, limit: int = MAX_CONFIG_BYTES, why: str = SSM_LIMIT_WHY) -> Any:
    """The document, read strictly; ConfigTextError says what is wrong with it, on one line."""
    size = len(text.encode("utf-8", errors="surrogatepass"))
    if size > limit:
        raise ConfigTextError(f"is {size} bytes, over the {limit} bytes a config may have ({why})")
    loader: StrictLoader | None = None
    try:
        loader = StrictLoader(text)  # the reader refuses control characters here already
        return loader.get_single_data()
    except yaml.MarkedYAMLError as error:
        problem = " ".join(part for part in (error.context, error.problem) if part)
        raise ConfigTextError(f"is not valid YAML or JSON: {problem}{_where(error.problem_mark)}") from error
    except yaml.YAMLError as error:
        raise ConfigTextError(f"is not valid YAML or JSON: {error}".replace("\n", " ")) from error
    except RecursionError as error:  # unreachable with the depth bound; kept so nothing escapes as a traceback
        raise ConfigTextError(f"nests deeper than {MAX_DEPTH} levels") from error
    finally:
        if loader is not None:
            loader.dispose()
