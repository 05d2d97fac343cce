"""Payload bytes → text: ECI first, else UTF-8, Shift_JIS, GB18030 or Latin-1 from byte statistics; both engines."""

from __future__ import annotations

import io
import random
from pathlib import Path

import pytest
import segno
from PIL import Image
from scan_synth import qr_image

from desktop.scan.charset import Segment, decode_bytes, decode_segments, guess_charset
from desktop.scan.decode import ZBAR, ZXING, bytes_to_text, decode_image
from desktop.scan.job import scan_picture
from desktop.scan.payload import PayloadKind
from desktop.scan.zxing import eci_segments

CATALOG = Path(__file__).parents[2] / "resources" / "catalog"
JAPANESE = [
    "Google モバイル",
    "今度のバージョンでは文章の暗号化ができます。",
    "東京都千代田区丸の内一丁目",
    "お問い合わせはこちら",
    "株式会社サンプル 営業部",
    "ありがとうございました",
    "電話番号 03-1234-5678",
    "予約確認メール",
    "ﾃﾞｻﾞｲﾝQR",
    "*ﾀﾞﾌﾞﾙQR*",
    "ﾊﾟｽﾎﾟｰﾄ",
    "ﾎﾟｲﾝﾄｶｰﾄﾞ",
    "ﾄｳｷｮｳﾄ ﾁﾖﾀﾞｸ",
    "ｼｮｯﾋﾟﾝｸﾞ",
    "ﾃﾞｨｽｶｳﾝﾄ ｾｰﾙ",
    "ｲﾗｽﾄ入りｶﾗｰQRｺｰﾄﾞ",
    "漢字",
    "カタカナ",
    "ひらがな",
]


def _qr(payload: bytes | str, **options: object) -> Image.Image:
    qr = segno.make(payload, micro=False, **options)  # type: ignore[arg-type]
    buf = io.BytesIO()
    qr.save(buf, kind="png", scale=4, border=4)
    return Image.open(io.BytesIO(buf.getvalue())).convert("L")


def _catalog_chinese() -> str:
    """Every CJK character of the catalog's Chinese text, in order: real window vocabulary."""
    text = []
    for path in sorted(CATALOG.rglob("*")):
        if path.is_file() and path.suffix in (".json", ".yaml", ".yml"):
            text.append("".join(ch for ch in path.read_text(encoding="utf-8") if ord(ch) >= 0x2E80))
    return "".join(text)


def test_shift_jis_without_eci_reads_as_japanese_not_as_gbk_hanzi() -> None:
    raw = "Google モバイル".encode("shift_jis")
    assert raw.decode("gb18030") == "Google 儌僶僀儖"  # what the old UTF-8-then-GB18030 rule showed
    assert decode_bytes(raw) == ("Google モバイル", "shift_jis")


@pytest.mark.parametrize("text", JAPANESE)
def test_japanese_in_shift_jis_is_recognised(text: str) -> None:
    assert decode_bytes(text.encode("shift_jis")) == (text, "shift_jis")


def test_chinese_window_text_in_gb18030_without_eci_is_recognised() -> None:
    source = _catalog_chinese()
    assert len(source) > 5000
    rng = random.Random(12)
    wrong = []
    for _ in range(2000):
        start = rng.randrange(len(source) - 16)
        text = source[start : start + rng.randint(1, 16)]
        raw = text.encode("gb18030")
        if guess_charset(raw) == "utf-8":
            continue  # these bytes are also valid UTF-8; UTF-8 wins by rule
        if decode_bytes(raw) != (text, "gb18030"):
            wrong.append((text, decode_bytes(raw)))
    assert wrong == []


@pytest.mark.parametrize(
    ("raw", "text", "encoding"),
    [
        ("一件事".encode(), "一件事", "utf-8"),
        ("モバイル".encode(), "モバイル", "utf-8"),  # valid UTF-8 stays UTF-8 whatever the script
        ("一件事".encode("gb18030"), "一件事", "gb18030"),
        ("中文".encode("gb18030"), "中文", "gb18030"),  # D6D0 CEC4 is also four half-width kana: ﾖﾐﾎﾄ
        ("阿".encode("gb18030"), "阿", "gb18030"),
        ("Müller Straße".encode("latin-1"), "Müller Straße", "latin-1"),
        (b"\xff\xfe\x80", "\xff\xfe\x80", "latin-1"),
        (b"ABC-123", "ABC-123", "utf-8"),
    ],
)
def test_bytes_without_eci_are_read_in_the_likeliest_charset(raw: bytes, text: str, encoding: str) -> None:
    assert bytes_to_text(raw) == (text, encoding)


@pytest.mark.parametrize(("raw", "text"), [("ｶﾀｶﾅ".encode("shift_jis"), "独杜"), ("赁".encode("gb18030"), "赁")])
def test_half_width_katakana_without_spelling_evidence_reads_as_chinese(raw: bytes, text: str) -> None:
    assert decode_bytes(raw) == (text, "gb18030")


def test_control_characters_stay_characters() -> None:
    assert decode_bytes(b"[)>\x1e06\x1dP1\x04") == ("[)>\x1e06\x1dP1\x04", "utf-8")


@pytest.mark.parametrize(
    ("segments", "text", "encoding"),
    [
        ((Segment(26, "一件事".encode()),), "一件事", "utf-8"),
        ((Segment(29, "一件事".encode("gb18030")),), "一件事", "gb18030"),
        ((Segment(20, "モバイル".encode("shift_jis")),), "モバイル", "shift_jis"),
        # ECI wins over the guess: these bytes are valid UTF-8 (é) but the symbol says Latin-1.
        ((Segment(3, "é".encode()),), "Ã©", "latin-1"),
        ((Segment(9, "Ωα".encode("iso-8859-7")),), "Ωα", "iso-8859-7"),
        (
            (Segment(None, b"No: "), Segment(26, "一".encode()), Segment(20, "カ".encode("shift_jis"))),
            "No: 一カ",
            "utf-8+shift_jis",
        ),
        # Bytes the ECI's charset cannot decode fall back to the guess rather than failing.
        ((Segment(26, "一件".encode("gb18030")),), "一件", "gb18030"),
        ((Segment(899, b"\x00\xff"),), "\x00\xff", "binary"),
    ],
)
def test_eci_segments_are_decoded_in_their_charset(segments: tuple[Segment, ...], text: str, encoding: str) -> None:
    assert decode_segments(segments) == (text, encoding)


@pytest.mark.parametrize(
    ("protocol", "data", "segments"),
    [
        (b"abc", b"abc", (Segment(None, b"abc"),)),
        (b"a\\b", b"a\\b", (Segment(None, b"a\\b"),)),  # no ECI: backslashes are not doubled
        (b"\\000026a\\\\b", b"a\\b", (Segment(26, b"a\\b"),)),
        (
            b"No\\000026\xe4\xb8\x80\\000020\x83J",
            b"No\xe4\xb8\x80\x83J",
            (Segment(None, b"No"), Segment(26, b"\xe4\xb8\x80"), Segment(20, b"\x83J")),
        ),
        (b"\\000026xyz", b"abc", (Segment(None, b"abc"),)),  # does not add up: taken as one plain segment
    ],
)
def test_zxing_eci_protocol_text_is_split_into_segments(
    protocol: bytes, data: bytes, segments: tuple[Segment, ...]
) -> None:
    assert eci_segments(protocol, data) == segments


ENGINE_CHOICES = [(ZXING,), (ZBAR,)]


@pytest.mark.parametrize("engines", ENGINE_CHOICES, ids=["zxing-cpp", "zbar"])
@pytest.mark.parametrize(
    ("payload", "options", "text"),
    [
        ("Google モバイル".encode("shift_jis"), {"mode": "byte"}, "Google モバイル"),
        ("ﾃﾞｼﾞﾀﾙﾁｹｯﾄ".encode("shift_jis"), {"mode": "byte"}, "ﾃﾞｼﾞﾀﾙﾁｹｯﾄ"),
        ("漢字モード", {"mode": "kanji"}, "漢字モード"),
        ("沈阳市和平区政务服务中心".encode("gb18030"), {"mode": "byte"}, "沈阳市和平区政务服务中心"),
        ("不动产登记", {"mode": "byte", "encoding": "gb18030", "eci": True}, "不动产登记"),
        ("婚姻登记", {"mode": "byte", "encoding": "utf-8", "eci": True}, "婚姻登记"),
    ],
)
def test_each_engine_reads_charsets_the_same_way(
    engines: tuple[str, ...], payload: bytes | str, options: dict[str, object], text: str
) -> None:
    found = decode_image(_qr(payload, **options), engines=engines)
    assert [d.text for d in found] == [text]


def test_eci_decides_over_the_guess_when_zxing_reads_it() -> None:
    # "ĂŠ" in ISO-8859-2 is C3 A9, which is also valid UTF-8 ("é"): only the ECI designator tells them apart.
    image = _qr("ĂŠ 1", mode="byte", encoding="iso-8859-2", eci=True)
    found = decode_image(image, engines=(ZXING,))
    assert [(d.text, d.encoding) for d in found] == [("ĂŠ 1", "iso-8859-2")]


@pytest.mark.parametrize("engines", ENGINE_CHOICES, ids=["zxing-cpp", "zbar"])
def test_control_characters_come_back_as_characters_not_names(engines: tuple[str, ...]) -> None:
    payload = b"[)>\x1e06\x1dP12345\x1e\x04"
    found = decode_image(_qr(payload, mode="byte"), engines=engines)
    assert [(d.text, d.raw) for d in found] == [(payload.decode("ascii"), payload)]
    assert "<GS>" not in found[0].text


def test_scanned_control_characters_are_refused_by_the_classifier() -> None:
    report = scan_picture(_qr(b"ID\x01\x10AD:SUB:" + "阿".encode("gb18030"), mode="byte"))
    assert [h.decoded.text for h in report.hits] == ["ID\x01\x10AD:SUB:阿"]
    assert [h.payload.kind for h in report.hits] == [PayloadKind.INVALID]


def test_utf8_qr_with_and_without_eci_round_trips_through_both_engines() -> None:
    for eci in (True, False):
        image = qr_image("一件事一次办", scale=4, eci=eci)
        for engines in ENGINE_CHOICES:
            assert [d.text for d in decode_image(image, engines=engines)] == ["一件事一次办"]
