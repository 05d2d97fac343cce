"""Scanned material files: which ones the window takes, and storing one with its case. Qt-free.

The file comes from a file dialog, so it may be anything: a directory, a FIFO that blocks reading,
a 4 GB video. Only regular files of a known scan type and at most ``max_bytes`` are stored.
"""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

PICTURE_SUFFIXES = frozenset({".png", ".jpg", ".jpeg", ".bmp", ".tif", ".tiff", ".gif", ".webp"})
DOCUMENT_SUFFIXES = frozenset({".pdf"})
PICTURE_FILTER = "图片 (*.png *.jpg *.jpeg *.bmp *.tif *.tiff *.gif *.webp)"
ATTACHMENT_FILTER = f"扫描件 (*.png *.jpg *.jpeg *.bmp *.tif *.tiff *.gif *.webp *.pdf);;{PICTURE_FILTER};;PDF (*.pdf)"


class AttachmentRefusedError(ValueError):
    """The file cannot be taken as a scanned material; ``str(exc)`` is Chinese, for the clerk."""


def is_picture(path: Path) -> bool:
    """Whether the file name says it is an image (worth decoding for codes)."""
    return path.suffix.lower() in PICTURE_SUFFIXES


def attachment_problem(path: Path, max_bytes: int) -> str | None:
    """Why ``path`` cannot be attached, in Chinese; None when it can."""
    if path.suffix.lower() not in PICTURE_SUFFIXES | DOCUMENT_SUFFIXES:
        return "只能附加图片或PDF文件"
    try:
        if not path.is_file():
            return "所选路径不是普通文件"
        size = path.stat().st_size
    except OSError:
        return "无法读取该文件"
    if size == 0:
        return "文件为空"
    if size > max_bytes:
        return f"文件过大（{size / 1048576:.0f} MB），扫描件不能超过 {max_bytes // 1048576} MB"
    return None


def store_attachment(store: Any, case_id: uuid.UUID, material_code: str, path: Path, max_bytes: int) -> Any:
    """Runs on the store pool: check the file, then copy it in with its sha256 (Store.add_attachment)."""
    problem = attachment_problem(path, max_bytes)
    if problem:
        raise AttachmentRefusedError(problem)
    return store.add_attachment(case_id, material_code, path)
