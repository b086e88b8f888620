"""Every spelling of a forbidden address, for the SSRF tests and the config fuzz tests."""

from __future__ import annotations

METADATA_V4 = "169.254.169.254"
# Every spelling of a forbidden address the URL library or the socket layer would turn into one.
VECTORS = {
    "metadata": METADATA_V4,
    "ipv4-mapped dotted": "::ffff:169.254.169.254",
    "ipv4-mapped hex": "::ffff:a9fe:a9fe",
    "ipv4-mapped bracketed": "[::ffff:a9fe:a9fe]",
    "ipv4-mapped long form": "0:0:0:0:0:ffff:a9fe:a9fe",
    "ipv4-compatible": "::169.254.169.254",
    "ipv4-translated": "::ffff:0:a9fe:a9fe",
    "6to4": "2002:a9fe:a9fe::1",
    "nat64": "64:ff9b::169.254.169.254",
    "nat64 local use": "64:ff9b:1::a9fe:a9fe",
    "fullwidth digits and dots": "１６９．２５４．１６９．２５４",
    "ideographic full stops": "169。254。169。254",
    "halfwidth ideographic full stops": "169｡254｡169｡254",
    "trailing dot": "169.254.169.254.",
    "decimal": "2852039166",
    "hex": "0xa9fea9fe",
    "dotted hex": "0xa9.0xfe.0xa9.0xfe",
    "dotted octal": "0251.0376.0251.0376",
    "two-part": "169.254.43518",
    "link-local elsewhere": "169.254.170.2",
    "unspecified": "0.0.0.0",
    "unspecified short": "0",
    "this network": "0.1.2.3",
    "ipv6 unspecified": "::",
    "ipv6 metadata": "fd00:ec2::254",
    "ipv6 metadata bracketed": "[fd00:ec2::254]",
    "ipv6 link-local": "fe80::1",
    "ipv6 link-local with zone": "fe80::1%eth0",
}
