"""What every decoding engine hands back: a symbol's symbology, undecoded bytes, ECI segments and outline."""

from __future__ import annotations

from dataclasses import dataclass

from desktop.scan.charset import Segment


@dataclass(frozen=True)
class RawSymbol:
    """One symbol as an engine reports it, before any text decoding.

    ``symbology`` uses zbar's names (QRCODE, CODE128, EAN13, ...). ``data`` is the payload's bytes.
    ``segments`` splits ``data`` where ECI designators switch the character set; an engine that cannot
    see ECI (zbar) gives one segment without ECI. ``points`` outline the symbol in the scanned image.
    """

    symbology: str
    data: bytes
    points: tuple[tuple[int, int], ...]
    segments: tuple[Segment, ...] = ()

    def eci_segments(self) -> tuple[Segment, ...]:
        """The segments to decode: as reported, or all of ``data`` under no ECI."""
        return self.segments or (Segment(None, self.data),)
