"""The one call the UI makes from a worker thread to scan a picture: decode, classify, never raise.

Usage from Qt: run ``scan_picture(path)`` in a QThreadPool/QRunnable (or concurrent.futures) and
hand the returned ScanReport back to the UI thread with a queued signal. Nothing here touches Qt.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PIL import Image

from desktop.scan.decode import Decoded, ScanError, decode_image
from desktop.scan.payload import Payload, PayloadKind, classify


@dataclass(frozen=True)
class ScanHit:
    """One symbol found in the picture and what its text is."""

    decoded: Decoded
    payload: Payload


@dataclass(frozen=True)
class ScanReport:
    """Result of scanning one picture; ``error`` (Chinese, for the clerk) is set when the picture was unreadable."""

    hits: tuple[ScanHit, ...] = ()
    error: str = ""

    @property
    def message(self) -> str:
        """One line for the status bar."""
        if self.error:
            return self.error
        if not self.hits:
            return "未识别到条码或二维码，请调整角度或光线后重拍"
        return f"识别到{len(self.hits)}个条码/二维码"

    def recognised(self) -> tuple[ScanHit, ...]:
        """Hits whose payload is one of the identifiers the app acts on."""
        return tuple(h for h in self.hits if h.payload.kind not in (PayloadKind.UNKNOWN, PayloadKind.INVALID))


def scan_picture(source: Image.Image | Path | bytes) -> ScanReport:
    """Decode every code in ``source`` and classify its text; any failure becomes ``ScanReport.error``."""
    try:
        decoded = decode_image(source)
    except ScanError as exc:
        return ScanReport(error=exc.clerk_message)
    except Exception:
        # A worker thread must hand back a report, not an exception nobody catches.
        return ScanReport(error="识别时发生意外错误，请重试")
    return ScanReport(hits=tuple(ScanHit(d, classify(d.text)) for d in decoded))
