"""zxing-cpp, the first decoding engine: raw bytes and ECI segments of every symbol in a grayscale image.

zxing-cpp's own text (its default "HRI" mode) shows control characters as ``<SOH>`` and guesses
character sets without GB18030, so we take its bytes instead. Read in the HexECI text mode, a result
also carries the payload under the ECI protocol (ISO/IEC 15424): the symbology identifier, then the
bytes with ``\\nnnnnn`` wherever an ECI designator switches the character set and every backslash
doubled. That tells us which bytes stand under which ECI; charset.py turns them into text.
"""

from __future__ import annotations

from typing import Any

import zxingcpp
from PIL import Image

from desktop.scan.charset import Segment
from desktop.scan.symbol import RawSymbol

_F = zxingcpp.BarcodeFormat
# zbar's names, so a symbol is named the same whichever engine read it.
SYMBOLOGIES: dict[zxingcpp.BarcodeFormat, str] = {
    _F.QRCode: "QRCODE",
    _F.MicroQRCode: "MICROQR",
    _F.DataMatrix: "DATAMATRIX",
    _F.PDF417: "PDF417",
    _F.Aztec: "AZTEC",
    _F.Code128: "CODE128",
    _F.Code39: "CODE39",
    _F.Code93: "CODE93",
    _F.Codabar: "CODABAR",
    _F.ITF: "I25",
    _F.EAN13: "EAN13",
    _F.EAN8: "EAN8",
    _F.UPCA: "UPCA",
    _F.UPCE: "UPCE",
}
# 2-D codes carry strong error correction, so zxing-cpp reads PDF417 and Aztec too (zbar's PDF417 is off,
# zbar.py). DataBar, MaxiCode and the rest stay off: never on a window's papers, and weak checks misread noise.
FORMATS = zxingcpp.barcode_formats_from_str(",".join(f.name for f in SYMBOLOGIES))
_ECI_DIGITS = 6


def eci_segments(protocol: bytes, data: bytes) -> tuple[Segment, ...]:
    """Split ``data`` at the ECI designators that ``protocol`` (ECI-protocol bytes, identifier removed) shows.

    Without designators (and so without doubled backslashes) ``protocol`` equals ``data``. Anything
    that does not parse back to exactly ``data`` is taken as one segment without ECI.
    """
    if protocol == data:
        return (Segment(None, data),)
    segments: list[Segment] = []
    eci: int | None = None
    current = bytearray()
    i = 0
    while i < len(protocol):
        byte = protocol[i : i + 1]
        if byte == b"\\" and protocol[i + 1 : i + 2] == b"\\":
            current += b"\\"
            i += 2
        elif (
            byte == b"\\"
            and protocol[i + 1 : i + 1 + _ECI_DIGITS].isdigit()
            and len(protocol[i + 1 : i + 1 + _ECI_DIGITS]) == _ECI_DIGITS
        ):
            if current:
                segments.append(Segment(eci, bytes(current)))
            current = bytearray()
            eci = int(protocol[i + 1 : i + 1 + _ECI_DIGITS])
            i += 1 + _ECI_DIGITS
        else:
            current += byte
            i += 1
    if current:
        segments.append(Segment(eci, bytes(current)))
    if b"".join(s.data for s in segments) != data:
        return (Segment(None, data),)
    return tuple(segments)


def _protocol_bytes(hex_text: str) -> bytes:
    try:
        raw = bytes.fromhex(hex_text)
    except ValueError:
        return b""
    # A symbology identifier "]Xm" comes first (ISO/IEC 15424).
    return raw[3:] if raw[:1] == b"]" else raw


def _points(result: Any) -> tuple[tuple[int, int], ...]:
    p = result.position
    return tuple((int(q.x), int(q.y)) for q in (p.top_left, p.top_right, p.bottom_right, p.bottom_left))


def scan_gray(image: Image.Image) -> list[RawSymbol]:
    """Every symbol zxing-cpp finds in 8-bit grayscale ``image``, in any of the four orientations or inverted."""
    results = zxingcpp.read_barcodes(image, formats=FORMATS, text_mode=zxingcpp.TextMode.HexECI)
    found = []
    for result in results:
        data = bytes(result.bytes)
        found.append(
            RawSymbol(
                SYMBOLOGIES.get(result.format, str(result.format).upper()),
                data,
                _points(result),
                eci_segments(_protocol_bytes(result.text), data),
            )
        )
    return found
