"""Key handling and the few primitives the protocol uses (Ed25519, X25519 + HKDF + AES-GCM)."""

from __future__ import annotations

import base64
import hashlib
from pathlib import Path

from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from desktop.files import write_private

__all__ = [
    "DecryptError",
    "Ed25519PrivateKey",
    "Ed25519PublicKey",
    "InvalidSignature",
    "X25519PrivateKey",
    "X25519PublicKey",
]


class DecryptError(Exception):
    """Authenticated decryption failed (wrong key or altered ciphertext)."""


def b64e(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def b64d(text: str) -> bytes:
    return base64.b64decode(text.encode("ascii"), validate=True)


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def raw_public(key: Ed25519PublicKey | X25519PublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def raw_private(key: Ed25519PrivateKey | X25519PrivateKey) -> bytes:
    return key.private_bytes(serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption())


def key_id(public_raw: bytes) -> str:
    """Short fingerprint naming a public key in headers and files."""
    return sha256_hex(public_raw)[:16]


def ed25519_public_from_b64(text: str) -> Ed25519PublicKey:
    return Ed25519PublicKey.from_public_bytes(b64d(text))


def x25519_public_from_b64(text: str) -> X25519PublicKey:
    return X25519PublicKey.from_public_bytes(b64d(text))


def verify(public: Ed25519PublicKey, signature: bytes, message: bytes) -> bool:
    try:
        public.verify(signature, message)
    except InvalidSignature:
        return False
    return True


def private_key_pem(key: Ed25519PrivateKey | X25519PrivateKey) -> bytes:
    encoding, fmt = serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8
    return key.private_bytes(encoding, fmt, serialization.NoEncryption())


def write_private_key(path: Path, key: Ed25519PrivateKey | X25519PrivateKey) -> None:
    """PEM, owner-only, replacing ``path`` atomically."""
    write_private(path, private_key_pem(key))


def read_ed25519_private(path: Path) -> Ed25519PrivateKey:
    key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise ValueError(f"{path}: not an Ed25519 private key")
    return key


def read_x25519_private(path: Path) -> X25519PrivateKey:
    """Raises ValueError (English) when ``path`` holds no PEM X25519 private key."""
    try:
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    except (ValueError, TypeError):
        raise ValueError(f"{path}: not a PEM private key") from None
    if not isinstance(key, X25519PrivateKey):
        raise ValueError(f"{path}: not an X25519 private key")
    return key


def write_public_key(path: Path, key: Ed25519PublicKey | X25519PublicKey) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(key.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo))


def read_ed25519_public(path: Path) -> Ed25519PublicKey:
    key = serialization.load_pem_public_key(path.read_bytes())
    if not isinstance(key, Ed25519PublicKey):
        raise ValueError(f"{path}: not an Ed25519 public key")
    return key


def _derive(shared: bytes, eph_pub: bytes, recipient_pub: bytes, info: bytes) -> bytes:
    hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=eph_pub + recipient_pub, info=info)
    return hkdf.derive(shared)


def seal(
    recipient: X25519PublicKey,
    plaintext: bytes,
    *,
    aad: bytes,
    info: bytes,
    ephemeral: X25519PrivateKey,
    nonce: bytes,
) -> bytes:
    """Encrypt to ``recipient`` with a single-use ephemeral key (its public half travels in the clear)."""
    eph_pub = raw_public(ephemeral.public_key())
    key = _derive(ephemeral.exchange(recipient), eph_pub, raw_public(recipient), info)
    return AESGCM(key).encrypt(nonce, plaintext, aad)


def open_sealed(
    recipient: X25519PrivateKey, *, eph_pub: bytes, nonce: bytes, ciphertext: bytes, aad: bytes, info: bytes
) -> bytes:
    try:
        shared = recipient.exchange(X25519PublicKey.from_public_bytes(eph_pub))
    except ValueError:  # a low-order point: no shared key exists
        raise DecryptError("decryption failed: the file's ephemeral key is unusable") from None
    key = _derive(shared, eph_pub, raw_public(recipient.public_key()), info)
    try:
        return AESGCM(key).decrypt(nonce, ciphertext, aad)
    except InvalidTag:
        raise DecryptError("decryption failed: the file was altered or is for another platform key") from None
