"""A certificate made at run time for the local HTTPS test listener, as an ACM certificate for the service's domain.

The certificate is issued by a throwaway CA (trustme) for the service's name, imported into the local ACM (so
Prepare reads its DomainName as on AWS) and served by the emulated listener. The functions trust that CA through
GREENLIGHT_CA_BUNDLE for the run only; on Lambda the variable is unset and the system's CAs apply.
"""

from __future__ import annotations

import contextlib
import ssl
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from greenlight.engine.core import process

CA_BUNDLE_VARIABLE = "GREENLIGHT_CA_BUNDLE"  # the functions' common.http.client reads it


@dataclass(frozen=True)
class LocalCertificate:
    server_name: str
    certificate_arn: str  # in the local ACM
    server_context: ssl.SSLContext  # what the emulated listener serves


def issue(acm: Any, server_name: str) -> tuple[LocalCertificate, bytes]:
    """A certificate for `server_name`, imported into the local ACM; returns it and the CA's PEM to trust."""
    import trustme  # with cryptography, a twentieth of a second: only runs with --https need it

    authority = trustme.CA()
    leaf = authority.issue_cert(server_name, common_name=server_name)
    arn = acm.import_certificate(
        Certificate=leaf.cert_chain_pems[0].bytes(),
        PrivateKey=leaf.private_key_pem.bytes(),
        CertificateChain=authority.cert_pem.bytes(),
    )["CertificateArn"]
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    leaf.configure_cert(context)
    return LocalCertificate(server_name, str(arn), context), authority.cert_pem.bytes()


@contextlib.contextmanager
def trusted(ca_pem: bytes) -> Iterator[Path]:
    """The functions trust this CA while the context lasts (a file only this run uses, removed after)."""
    with tempfile.TemporaryDirectory(prefix="greenlight-ca-") as directory:
        path = Path(directory) / "ca.pem"
        path.write_bytes(ca_pem)
        with process.environment({CA_BUNDLE_VARIABLE: str(path)}):
            yield path
