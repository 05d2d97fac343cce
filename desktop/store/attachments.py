"""Scanned materials: content-addressed files in ``attachments/ab/<sha256>`` beside the store, linked to cases."""

from __future__ import annotations

import hashlib
import mimetypes
import os
import shutil
import tempfile
import uuid
from collections.abc import Collection, Iterator
from pathlib import Path

from sqlalchemy import update
from sqlmodel import Session, col, select

from desktop.files import private_dir, write_private
from desktop.store.base import StoreBase
from desktop.store.db import write_session
from desktop.store.encryption import is_sealed, open_sealed, seal, store_key
from desktop.store.models import Attachment
from desktop.store.rows import load_case

HASH_CHUNK = 1 << 20
SHAS_PER_QUERY = 500  # contents named in one IN list (a center's sync run may ask about a thousand revisions' scans)


class Attachments(StoreBase):
    def add_attachment(self, case_id: uuid.UUID, material_code: str, source_path: Path | str) -> Attachment:
        """Copy a file into ``attachments/ab/<sha256>`` (once per content) and link it to the case."""
        source = Path(source_path)
        digest = sha256_of(source)
        relative = blob_relative(digest)
        _store_blob(source, self.attachments_dir / relative, digest, store_key(self.path))
        media_type = mimetypes.guess_type(source.name)[0] or "application/octet-stream"
        with write_session(self.engine) as session:
            load_case(session, case_id)
            existing = session.exec(
                select(Attachment).where(
                    Attachment.case_id == case_id,
                    Attachment.material_code == material_code,
                    Attachment.sha256 == digest,
                )
            ).first()
            if existing is not None:
                return existing
            row = Attachment(
                case_id=case_id,
                material_code=material_code,
                sha256=digest,
                path=relative,
                size=source.stat().st_size,
                media_type=media_type,
                added_at=self.clock.now(),
            )
            session.add(row)
            return row

    def attachment_path(self, attachment: Attachment) -> Path:
        return self.attachments_dir / attachment.path

    def blob_path(self, sha: str) -> Path:
        """Where this PC keeps the content with this sha256 (whether it has it or not)."""
        return self.attachments_dir / blob_relative(sha)

    def blob_bytes(self, path: Path) -> bytes:
        """A stored blob's content (opened with the store key when the store is encrypted); OSError as read."""
        return open_sealed(store_key(self.path), path.read_bytes(), path.name)

    def scans_on_platform(self, shas: Collection[str]) -> dict[str, int]:
        """Of these contents, those the platform acknowledged holding (:meth:`mark_on_platform`), with their size:
        the sync worker neither asks about (HEAD) nor uploads (PUT) them again."""
        held: dict[str, int] = {}
        with Session(self.engine) as session:
            for chunk in _chunks(shas):
                query = select(Attachment.sha256, Attachment.size).where(
                    col(Attachment.sha256).in_(chunk), col(Attachment.on_platform)
                )
                held.update(session.exec(query.distinct()).all())
        return held

    def mark_on_platform(self, sha: str, size: int) -> None:
        """The platform acknowledged holding this content at this size (a HEAD giving it, or an upload it
        confirmed): every scan row of it remembers, for every later sync run of every window on this store. A
        crash before the commit only means the platform is asked once more."""
        rows = col(Attachment.sha256) == sha, col(Attachment.size) == size, ~col(Attachment.on_platform)
        with write_session(self.engine) as session:
            session.exec(update(Attachment).where(*rows).values(on_platform=True))

    def forget_on_platform(self, shas: Collection[str]) -> None:
        """The platform lacks these contents after all (it said so refusing a case): ask it about them again."""
        with write_session(self.engine) as session:
            for chunk in _chunks(shas):
                rows = col(Attachment.sha256).in_(chunk), col(Attachment.on_platform)
                session.exec(update(Attachment).where(*rows).values(on_platform=False))


def _chunks(shas: Collection[str]) -> Iterator[list[str]]:
    """The distinct contents in sorted lists of at most :data:`SHAS_PER_QUERY` (one IN list each)."""
    wanted = sorted(set(shas))
    for start in range(0, len(wanted), SHAS_PER_QUERY):
        yield wanted[start : start + SHAS_PER_QUERY]


def blob_relative(sha: str) -> str:
    """A content's path under ``attachments/`` (two-character fan-out)."""
    return f"{sha[:2]}/{sha}"


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(HASH_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _store_blob(source: Path, target: Path, digest: str, key: bytes | None) -> None:
    """Copy ``source`` to ``target`` via a temp file, verifying the copy's hash before it takes the name; on an
    encrypted store sealed with the store key (AES-GCM, desktop.store.encryption)."""
    if key is not None:
        data = source.read_bytes()
        if hashlib.sha256(data).hexdigest() != digest:
            raise OSError(f"{source} changed while it was read")
        if not target.exists() or not is_sealed(target.read_bytes()):
            write_private(target, seal(key, data, digest))
        return
    if target.exists() and sha256_of(target) == digest:
        return
    private_dir(target.parent)  # 0700 folders, and mkstemp's file is 0600
    fd, tmp_name = tempfile.mkstemp(dir=target.parent, prefix=".incoming-")
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        shutil.copyfile(source, tmp)
        if sha256_of(tmp) != digest:
            raise OSError(f"copy of {source} does not match its sha256 (file changed while copying?)")
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
