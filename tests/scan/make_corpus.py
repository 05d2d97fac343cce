"""Regenerate the committed decoding corpus in tests/data/scan/corpus/ (run from the repo root).

    .venv/bin/python tests/scan/make_corpus.py

Every image is made here (scan_synth.py's photo model: textured paper, perspective, rotation, blur,
uneven light, noise, JPEG), so the corpus is ours to commit. It covers what public test images
rarely do: Chinese payloads in GB18030 without ECI, Shift_JIS without ECI (byte mode, kanji mode,
half-width katakana), ECI, control characters, Latin-1, 1-D codes, and photos turned far off upright.
expected.json records each file's symbology, payload bytes (hex) and text.
"""

from __future__ import annotations

import io
import json
import random
import sys
from pathlib import Path

import segno
from PIL import Image

sys.path.insert(0, str(Path(__file__).parent))

from scan_synth import barcode_image, photo_like

CORPUS = Path(__file__).parents[1] / "data" / "scan" / "corpus"

# name, payload (text or bytes), how the QR stores it, tags
QR_PAYLOADS: list[tuple[str, str | bytes, str, tuple[str, ...]]] = [
    ("gb-hall", "沈阳市和平区政务服务中心", "gb18030", ("gb18030, no ECI",)),
    ("gb-name", "张三", "gb18030", ("gb18030, no ECI", "short")),
    ("gb-one", "阿", "gb18030", ("gb18030, no ECI", "short")),
    (
        "gb-contact",
        "姓名：李四；电话：13800138000；地址：辽宁省大连市中山区人民路１号",
        "gb18030",
        ("gb18030, no ECI",),
    ),
    ("gb-materials", "出生医学证明、户口簿、结婚证", "gb18030", ("gb18030, no ECI",)),
    ("gb-url", "办件查询 http://zwfw.example.cn/q?n=2101020010326112800074", "gb18030", ("gb18030, no ECI",)),
    ("gb-eci", "不动产登记中心", "gb18030+eci", ("eci",)),
    ("utf8-plain", "一件事一次办：新生儿出生", "utf-8", ("utf-8, no ECI",)),
    ("utf8-eci", "婚姻登记 预约成功", "utf-8+eci", ("eci",)),
    ("sjis-mixed", "東京都港区 お問い合わせ\r\nhttp://example.jp/", "shift_jis", ("shift_jis, no ECI",)),
    ("sjis-katakana", "Google モバイル\r\nhttp://example.jp/", "shift_jis", ("shift_jis, no ECI",)),
    ("sjis-kanji-mode", "漢字モードの見本", "kanji", ("shift_jis, no ECI", "kanji mode")),
    ("sjis-half-width", "ﾃﾞｼﾞﾀﾙﾁｹｯﾄ\r\nhttp://example.jp/", "shift_jis", ("shift_jis, no ECI", "half-width katakana")),
    ("control-iso15434", b"[)>\x1e06\x1dP12345\x1dQ10\x1e\x04", "bytes", ("control characters",)),
    ("control-soh", b"\x01\x10ID:2101\x1d0074", "bytes", ("control characters",)),
    ("latin1", "Müller Straße 5", "latin-1", ("latin-1, no ECI",)),
    ("receipt", "YISHI:1;N=2101020010326112800074;Q=583920", "utf-8", ("ascii",)),
]
LINEAR: list[tuple[str, str, str, str]] = [
    # name, reportlab kind, value, zbar symbology
    ("code128-case", "Code128", "2101020010326112800074", "CODE128"),
    ("ean13", "EAN13", "690123456789", "EAN13"),
]
# (suffix, extra rotation before the photo model's own ±25°, photo options)
VARIANTS: list[tuple[str, float, dict[str, float]]] = [
    ("", 0.0, {"blur": 1.0}),
    ("-turned", 0.0, {"blur": 1.3, "noise": 14.0, "light": 120}),
]
TURNED = {
    "gb-hall": 40.0,
    "sjis-katakana": 65.0,
    "control-iso15434": 120.0,
    "utf8-eci": 150.0,
    "gb-contact": 35.0,
    "ean13": 80.0,
}


def _qr(payload: str | bytes, how: str) -> tuple[Image.Image, bytes]:
    """The QR image and the bytes it carries."""
    if how == "kanji":
        assert isinstance(payload, str)
        qr = segno.make(payload, mode="kanji", error="m", micro=False)
        data = payload.encode("shift_jis")
    elif how.endswith("+eci"):
        assert isinstance(payload, str)
        codec = how.removesuffix("+eci")
        qr = segno.make(payload, mode="byte", encoding=codec, eci=True, error="m", micro=False)
        data = payload.encode(codec)
    else:
        data = payload if isinstance(payload, bytes) else payload.encode(how)
        qr = segno.make(data, mode="byte", error="m", micro=False)
    buf = io.BytesIO()
    qr.save(buf, kind="png", scale=6, border=4)
    return Image.open(io.BytesIO(buf.getvalue())).convert("L"), data


def _photo(code: Image.Image, seed: int, turn: float, options: dict[str, float]) -> bytes:
    if turn:
        code = code.rotate(turn, resample=Image.Resampling.BICUBIC, expand=True, fillcolor=255)
    return photo_like(code, random.Random(seed), out_size=(640, 480), quality=70, **options)  # type: ignore[arg-type]


def main() -> None:
    CORPUS.mkdir(parents=True, exist_ok=True)
    entries = []
    codes: list[tuple[str, Image.Image, str, bytes, str | None, tuple[str, ...]]] = []
    for name, payload, how, tags in QR_PAYLOADS:
        image, data = _qr(payload, how)
        text = (
            None
            if isinstance(payload, bytes) and not payload.isascii()
            else (payload.decode("ascii") if isinstance(payload, bytes) else payload)
        )
        codes.append((name, image, "QRCODE", data, text, tags))
    for name, kind, value, symbology in LINEAR:
        image = barcode_image(kind, value)
        full = value if kind != "EAN13" else value + _ean_check(value)
        codes.append((name, image, symbology, full.encode(), full, ("1-D",)))
    seed = 0
    for name, image, symbology, data, text, tags in codes:
        for suffix, _turn, variant in VARIANTS:
            if suffix == "-turned" and name not in TURNED:
                continue
            seed += 1
            turn = TURNED.get(name, 0.0) if suffix else 0.0
            file = f"{name}{suffix}.jpg"
            options = dict(variant)
            if symbology != "QRCODE":  # bars need the frame filled to keep two pixels per module
                options.update(fill=0.95, blur=min(variant["blur"], 0.9))
            (CORPUS / file).write_bytes(_photo(image, seed, turn, options))
            entry_tags = (*tags, "rotated photo") if turn else tags
            entries.append(
                {
                    "file": file,
                    "symbology": symbology,
                    "hex": data.hex(),
                    "text": text,
                    "tags": list(entry_tags),
                    "source": "made by tests/scan/make_corpus.py",
                    "licence": "this project's",
                }
            )
    (CORPUS / "expected.json").write_text(json.dumps(entries, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"{len(entries)} images in {CORPUS}")


def _ean_check(digits: str) -> str:
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(digits))
    return str((10 - total % 10) % 10)


if __name__ == "__main__":
    main()
