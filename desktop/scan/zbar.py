"""Direct use of the zbar library that pyzbar loads, with the scanner settings pyzbar cannot pass.

pyzbar.decode() creates its scanner internally, so it cannot turn on ZBAR_CFG_BINARY for QR codes.
Without it zbar guesses the text encoding of byte-mode QR data (often Shift-JIS) and hands back
re-encoded text that garbles about a third of short Chinese payloads. With it zbar returns the raw
bytes and we choose the encoding ourselves (charset.py). zbar does not tell where ECI designators were.
"""

from __future__ import annotations

from ctypes import string_at
from typing import Any

from pyzbar import wrapper as zw

from desktop.scan.symbol import RawSymbol

# zbar_config_e in zbar 0.23 (zbar.h): ENABLE 0, ADD_CHECK 1, EMIT_CHECK 2, ASCII 3, BINARY 4, NUM 5, ...
ZBAR_CFG_BINARY = 4
ZBAR_CFG_TEST_INVERTED = 0x81  # since 0.23.1: retry a frame inverted (white-on-black codes)
ZBAR_CFG_X_DENSITY = 0x100  # scan every n-th column (1 = all); fewer lines, proportionally less time
ZBAR_CFG_Y_DENSITY = 0x101  # scan every n-th row
_Y800 = 808466521  # fourcc 'Y800': 8-bit grayscale
# Not printed on anything a service window sees; DataBar also prints decoder assertions to stderr on noise.
_DISABLED = (
    zw.ZBarSymbol.DATABAR,
    zw.ZBarSymbol.DATABAR_EXP,
    zw.ZBarSymbol.COMPOSITE,
    zw.ZBarSymbol.PDF417,
    zw.ZBarSymbol.SQCODE,
)


def _configure(scanner: Any) -> bool:
    """Turn on binary QR output; returns False when this zbar build does not know the option."""
    binary_ok = bool(zw.zbar_image_scanner_set_config(scanner, zw.ZBarSymbol.QRCODE, ZBAR_CFG_BINARY, 1) == 0)
    for symbology in _DISABLED:
        zw.zbar_image_scanner_set_config(scanner, symbology, zw.ZBarConfig.CFG_ENABLE, 0)
    # Optional: older zbar builds reject it and that is fine.
    zw.zbar_image_scanner_set_config(scanner, zw.ZBarSymbol.NONE, ZBAR_CFG_TEST_INVERTED, 1)
    return binary_ok


def binary_qr_supported() -> bool:
    """Whether the loaded zbar can return raw QR bytes (zbar >= 0.23; the Windows DLLs of pyzbar are 0.10)."""
    scanner = zw.zbar_image_scanner_create()
    try:
        return _configure(scanner)
    finally:
        zw.zbar_image_scanner_destroy(scanner)


def _symbology(code: int) -> str:
    try:
        return str(zw.ZBarSymbol(code).name)
    except ValueError:
        return f"ZBAR_{code}"


def _read_symbols(image: Any) -> list[RawSymbol]:
    found: list[RawSymbol] = []
    symbol = zw.zbar_image_first_symbol(image)
    while symbol:
        data = string_at(zw.zbar_symbol_get_data(symbol), zw.zbar_symbol_get_data_length(symbol))
        points = tuple(
            (int(zw.zbar_symbol_get_loc_x(symbol, i)), int(zw.zbar_symbol_get_loc_y(symbol, i)))
            for i in range(int(zw.zbar_symbol_get_loc_size(symbol)))
        )
        found.append(RawSymbol(_symbology(int(symbol.contents.type)), bytes(data), points))
        symbol = zw.zbar_symbol_next(symbol)
    return found


def scan_gray(pixels: bytes, width: int, height: int, density: int = 1) -> list[RawSymbol]:
    """Scan one 8-bit grayscale frame (row-major, ``width * height`` bytes) for every symbology zbar knows.

    ``density`` n > 1 scans only every n-th row and column: for big frames where codes span many lines.
    """
    if width <= 0 or height <= 0 or len(pixels) != width * height:
        raise ValueError(f"pixel buffer of {len(pixels)} bytes does not match {width}x{height}")
    scanner = zw.zbar_image_scanner_create()
    if not scanner:
        raise MemoryError("zbar could not create an image scanner")
    try:
        _configure(scanner)
        if density > 1:
            zw.zbar_image_scanner_set_config(scanner, zw.ZBarSymbol.NONE, ZBAR_CFG_X_DENSITY, density)
            zw.zbar_image_scanner_set_config(scanner, zw.ZBarSymbol.NONE, ZBAR_CFG_Y_DENSITY, density)
        image = zw.zbar_image_create()
        if not image:
            raise MemoryError("zbar could not create an image")
        try:
            zw.zbar_image_set_format(image, _Y800)
            zw.zbar_image_set_size(image, width, height)
            # zbar only borrows the buffer; `pixels` stays alive until the image is destroyed below.
            zw.zbar_image_set_data(image, pixels, len(pixels), None)
            if zw.zbar_scan_image(scanner, image) < 0:
                raise ValueError("zbar rejected the image format")
            return _read_symbols(image)
        finally:
            zw.zbar_image_destroy(image)
    finally:
        zw.zbar_image_scanner_destroy(scanner)
