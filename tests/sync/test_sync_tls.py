"""TLS: the client talks to a platform whose certificate its CA file vouches for, and to no other."""

from __future__ import annotations

import datetime as dt
import ipaddress
import threading
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from sync.client import PlatformClient, TransientError
from sync.platform.server import make_server


def _cert(tmp_path: Path) -> tuple[Path, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "platform.test")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = tmp_path / "cert.pem", tmp_path / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return cert_path, key_path


def test_client_verifies_the_platform_certificate(tmp_path: Path) -> None:
    cert, key = _cert(tmp_path)
    server = make_server(f"sqlite:///{tmp_path / 'p.sqlite3'}", "127.0.0.1", 0, tls_cert=cert, tls_key=key)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    url = f"https://127.0.0.1:{server.server_address[1]}"
    try:
        trusting = PlatformClient(url, None, timeout=5, ca_file=cert)
        assert trusting.health()["ok"] is True
        trusting.close()
        stranger = PlatformClient(url, None, timeout=5)  # system CAs only: must not trust a self-signed platform
        with pytest.raises(TransientError, match="CERTIFICATE_VERIFY_FAILED"):
            stranger.health()
        stranger.close()
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
        server.platform.engine.dispose()
