"""Regenerate the committed photo-like fixtures in tests/data/scan/ (run from the repo root).

    .venv/bin/python tests/scan/make_scan_fixtures.py

Every image is synthetic (see scan_synth.py); manifest.json lists each file's symbology and text.
"""

from __future__ import annotations

import json
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from scan_synth import barcode_image, photo_like, qr_image

DATA = Path(__file__).parents[1] / "data" / "scan"

FIXTURES = [
    # name, symbology, text, photo options
    ("qr_receipt.jpg", "QRCODE", "YISHI:1;N=2101020010326112800074;Q=583920", {}),
    (
        "qr_chinese.jpg",
        "QRCODE",
        "沈阳市和平区政务服务中心：新生儿出生一件事，请携带出生医学证明、户口簿。",
        {"blur": 1.2},
    ),
    ("qr_licence_url.jpg", "QRCODE", "http://www.gsxt.gov.cn/index.html?uniscid=91350100M000100Y43", {"warp": 0.12}),
    (
        "qr_elicence.jpg",
        "QRCODE",
        "1.2.156.3005.2.11100000000013338W011.11430000006122244L.20230000403.001.U",
        {"light": 120},
    ),
    ("code128_case_number.jpg", "CODE128", "2101020010326112800074", {"fill": 0.95, "blur": 0.8}),
    ("ean13.jpg", "EAN13", "6901234567892", {"fill": 0.7, "blur": 0.8}),
]


def _code(symbology: str, text: str):  # type: ignore[no-untyped-def]
    if symbology == "QRCODE":
        return qr_image(text)
    if symbology == "CODE128":
        return barcode_image("Code128", text)
    return barcode_image("EAN13", text[:12])


def main() -> None:
    manifest = []
    for seed, (name, symbology, text, options) in enumerate(FIXTURES):
        jpg = photo_like(_code(symbology, text), random.Random(seed), out_size=(640, 480), quality=60, **options)
        (DATA / name).write_bytes(jpg)
        manifest.append({"file": name, "symbology": symbology, "text": text, "source": "synthetic"})
    manifest += [
        {"file": "pyzbar_code128.png", "symbology": "CODE128", "text": "Foramenifera", "source": "pyzbar tests (MIT)"},
        {
            "file": "pyzbar_qrcode_rotated.png",
            "symbology": "QRCODE",
            "text": "Thalassiodracon",
            "source": "pyzbar tests (MIT)",
        },
    ]
    (DATA / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
