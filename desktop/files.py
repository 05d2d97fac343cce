"""Owner-only files and folders, whatever the umask: every file the window app makes goes through these.

Folders are 0700, files 0600. A SQLite database is created empty at 0600 before SQLite opens it, because SQLite
gives its ``-wal``, ``-shm`` and ``-journal`` files the mode of the database file. Folders that already exist
above the ones made here (``/home``, a mounted stick) are left as they are.

Nothing here imports from the rest of the app: any layer may use it.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

DIR_MODE = 0o700
FILE_MODE = 0o600
SQLITE_SIDECARS = ("-wal", "-shm", "-journal")


def private_dir(path: Path) -> Path:
    """Create ``path`` and its missing parents 0700; an existing ``path`` made by the app is tightened too."""
    missing = [p for p in (path, *path.parents) if not p.exists()]
    path.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
    for folder in missing:
        os.chmod(folder, DIR_MODE)
    return path


def private_file(path: Path) -> Path:
    """``path`` exists and is 0600 (created empty if missing; an existing file keeps its content). An existing
    file is never opened here: closing a descriptor of a SQLite file drops every POSIX lock this process holds
    on it, so only ``chmod`` touches it."""
    private_dir(path.parent)
    with contextlib.suppress(FileExistsError):
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE))
    os.chmod(path, FILE_MODE)  # an existing file, or a umask that took more than group and other bits
    return path


def write_private(path: Path, data: bytes, *, exclusive: bool = False) -> bool:
    """Write ``data`` to ``path`` 0600 through a synced temp file and an atomic rename (a crash leaves the old
    file or the new one, never half of one). ``exclusive``: only when ``path`` does not exist yet (a hard link,
    atomic between processes); returns False, writing nothing, when another writer was first."""
    private_dir(path.parent)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{os.urandom(4).hex()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), FILE_MODE)
    try:
        os.chmod(tmp, FILE_MODE)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if exclusive:
            try:
                os.link(tmp, path)
            except FileExistsError:
                return False
        else:
            os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    sync_dir(path.parent)
    return True


def private_sqlite(path: Path) -> Path:
    """Prepare a SQLite file: folder 0700, the file 0600 (created empty if missing, which SQLite reads as an
    empty database) and any sidecar left from an older, looser install tightened to 0600."""
    private_file(path)
    for suffix in SQLITE_SIDECARS:
        sidecar = path.with_name(path.name + suffix)
        if sidecar.exists():
            os.chmod(sidecar, FILE_MODE)
    return path


def tighten_tree(root: Path) -> int:
    """Make an existing tree owner-only (folders 0700, files 0600); returns how many entries changed. For data
    written by an older version before these rules."""
    if not root.exists():
        return 0
    changed = 0
    if root.is_dir() and root.stat().st_mode & 0o777 != DIR_MODE:
        os.chmod(root, DIR_MODE)
        changed += 1
    for folder, dirs, files in os.walk(root):
        entries = [(Path(folder) / d, DIR_MODE) for d in dirs]
        entries += [(Path(folder) / f, FILE_MODE) for f in files]
        for entry, mode in entries:
            if entry.is_symlink():
                continue
            if entry.stat().st_mode & 0o777 != mode:
                os.chmod(entry, mode)
                changed += 1
    return changed


def fsync_file(path: Path) -> None:
    """fsync a file written by someone else (SQLite, a copy) before it is renamed into place."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def sync_dir(folder: Path) -> None:
    """fsync a folder, so a rename inside it survives a power cut (Windows has no directory fsync; NTFS
    journals renames)."""
    if os.name != "posix":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
