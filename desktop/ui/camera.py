"""Document-camera capture, only where QtMultimedia exists.

PySide6-Essentials (what the app ships with) has no QtMultimedia, so ``camera_available()`` is False
and the 拍摄材料… action is not shown. With PySide6-Addons installed and a camera attached, the dialog
shows the live picture and 拍摄 saves one frame as a PNG file that goes through the same path as a
chosen file (stored as an attachment and decoded).
"""

from __future__ import annotations

import importlib.util
import os
import tempfile
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QDialog, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget


def _has_multimedia() -> bool:
    try:
        return importlib.util.find_spec("PySide6.QtMultimedia") is not None and (
            importlib.util.find_spec("PySide6.QtMultimediaWidgets") is not None
        )
    except (ImportError, ValueError):
        return False


def camera_available() -> bool:
    """Whether QtMultimedia is installed and sees at least one camera."""
    if not _has_multimedia():
        return False
    try:
        from PySide6.QtMultimedia import QMediaDevices  # noqa: PLC0415 - QtMultimedia is optional (PySide6-Addons) and slow to load

        return bool(QMediaDevices.videoInputs())
    except Exception:  # a broken multimedia backend must not stop the window
        return False


class CaptureDialog(QDialog):
    """Live view of the document camera with a 拍摄 button; ``path`` is the saved frame after accept()."""

    def __init__(self, parent: QWidget | None = None) -> None:
        from PySide6.QtMultimedia import QCamera, QImageCapture, QMediaCaptureSession  # noqa: PLC0415 - QtMultimedia is optional (PySide6-Addons) and slow to load
        from PySide6.QtMultimediaWidgets import QVideoWidget  # noqa: PLC0415 - QtMultimedia is optional (PySide6-Addons) and slow to load

        super().__init__(parent)
        self.setWindowTitle("拍摄材料")
        self.path: Path | None = None
        self.camera = QCamera(self)
        self.capture = QImageCapture(self)
        self.session = QMediaCaptureSession(self)
        self.session.setCamera(self.camera)
        self.session.setImageCapture(self.capture)
        view = QVideoWidget()
        view.setMinimumSize(640, 480)
        self.session.setVideoOutput(view)
        self.status = QLabel("将材料放在拍摄区域内，按“拍摄”")
        shoot = QPushButton("拍摄")
        shoot.setDefault(True)
        shoot.clicked.connect(self.capture.capture)
        cancel = QPushButton("取消")
        cancel.clicked.connect(self.reject)
        row = QHBoxLayout()
        row.addWidget(self.status, 1)
        row.addWidget(shoot)
        row.addWidget(cancel)
        layout = QVBoxLayout(self)
        layout.addWidget(view, 1)
        layout.addLayout(row)
        self.capture.imageCaptured.connect(self._captured)
        self.capture.errorOccurred.connect(lambda *_a: self.status.setText("拍摄失败，请重试"))
        self.camera.start()

    def _captured(self, _id: int, image: Any) -> None:
        fd, name = tempfile.mkstemp(prefix="yishi-capture-", suffix=".png")
        os.close(fd)
        if image.save(name, "PNG"):
            self.path = Path(name)
            self.accept()
        else:
            self.status.setText("无法保存拍摄的图片")

    def done(self, result: int) -> None:
        self.camera.stop()
        super().done(result)


def capture_picture(parent: QWidget | None = None) -> Path | None:
    """One frame from the document camera as a PNG file, or None (cancelled / no QtMultimedia)."""
    if not camera_available():
        return None
    dialog = CaptureDialog(parent)
    return dialog.path if dialog.exec() else None
