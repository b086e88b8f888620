"""Hosts as the connection will use them (common.addresses): a name the resolver would refuse is refused where the
config is checked, with the reason, not as an error of the check at run time."""

from __future__ import annotations

import pytest

from common.config import SyntheticConfig
from common.http.addresses import AddressError, normalise_host
from common.http.guard import HostNotAllowedError
from validate_synthetic.traffic import prepare_requests

LONG_LABEL = "a" * 64 + ".example"  # one label over RFC 1035's 63 octets


@pytest.mark.parametrize("host", [LONG_LABEL, "orders..example", "x." + LONG_LABEL])
def test_a_name_with_a_label_the_resolver_refuses_is_refused(host: str) -> None:
    with pytest.raises(AddressError, match="empty label or one longer than 63"):
        normalise_host(host)


def test_a_label_of_63_characters_and_addresses_pass() -> None:
    name = "a" * 63 + ".example"
    assert [normalise_host(host) for host in (name, "0x7f.1", "[::1]")] == [name, "127.0.0.1", "::1"]


def test_config_check_refuses_it_where_a_run_would_fail() -> None:
    with pytest.raises(ValueError, match="longer than 63"):
        SyntheticConfig.model_validate({"allowed_hosts": [LONG_LABEL]})
    with pytest.raises(ValueError, match="longer than 63"):
        SyntheticConfig.model_validate({"requests": [{"host": LONG_LABEL, "path": "/", "expect": {"status": [200]}}]})


def test_the_traffic_never_meets_it_unchecked() -> None:
    # GIVEN a config built without validation (as a test or an old plan could carry it)
    config = SyntheticConfig.model_construct(allowed_hosts=[LONG_LABEL])
    # THEN the requests are refused when prepared (before: the idna codec's UnicodeError in the middle of the traffic)
    with pytest.raises(HostNotAllowedError, match="longer than 63"):
        prepare_requests(f"http://{LONG_LABEL}:9/", config, "/", lambda _: "")
