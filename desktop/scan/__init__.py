"""Barcode and QR scanning: decode images (zbar), classify payloads, validate e-licence identifiers. Qt-free."""
