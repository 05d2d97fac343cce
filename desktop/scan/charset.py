"""Turn the bytes of a barcode into text: honour ECI, otherwise guess UTF-8, Shift_JIS, GB18030 or ISO-8859-1.

Every engine hands us raw bytes (zxing-cpp also says where ECI designators switch the character set),
and this one module turns them into text, so both engines agree on what a payload says.

Without ECI a QR code says nothing about its character set. Valid UTF-8 is taken as UTF-8 (random
legacy bytes almost never are). Otherwise each candidate reading is scored by how ordinary its
characters are for text in that encoding, in rough log-likelihood units per character:

* GB18030: the 3755 first-level GB2312 hanzi and GB2312 punctuation are ordinary; second-level hanzi
  are rare; GBK extension characters (what Shift_JIS kana and kanji turn into, e.g. ``儌僶僀儖``) and
  four-byte sequences almost never occur in a payload.
* Shift_JIS: kana, first-level kanji and full-width punctuation are ordinary; second-level kanji are
  rare. Half-width katakana (single bytes A1-DF, which GB text also produces, two per hanzi) are
  slightly less likely than a first-level hanzi per byte pair, unless Japanese spelling rules show:
  a voiced sound mark right after a kana that takes one is strong evidence, one anywhere else counts
  against.
* ISO-8859-1: an accented letter among ASCII is ordinary; runs of high bytes and C1 controls are not.

The highest total wins, but Shift_JIS must beat GB18030 by JAPANESE_MARGIN: the window is in China,
so one lucky sound mark (``赁`` is C1 DE, also ``ﾁﾞ``) is not enough. Ties go to GB18030, then Shift_JIS.
Short half-width katakana without any spelling evidence (``ｶﾀｶﾅ``) therefore read as GB18030 hanzi.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

UTF8 = "utf-8"
SHIFT_JIS = "shift_jis"
CP932 = "cp932"  # Windows Shift_JIS with the NEC/IBM extensions (circled numbers, ㈱)
GB18030 = "gb18030"
LATIN1 = "latin-1"
BINARY = "binary"

# ECI assignment numbers (AIM ITS/04-001) → Python codecs. 0-3 are the code-page and Latin-1 defaults.
ECI_CODECS: dict[int, str] = {
    0: "cp437",
    1: LATIN1,
    2: "cp437",
    3: LATIN1,
    4: "iso-8859-2",
    5: "iso-8859-3",
    6: "iso-8859-4",
    7: "iso-8859-5",
    8: "iso-8859-6",
    9: "iso-8859-7",
    10: "iso-8859-8",
    11: "iso-8859-9",
    12: "iso-8859-10",
    13: "iso-8859-11",
    15: "iso-8859-13",
    16: "iso-8859-14",
    17: "iso-8859-15",
    18: "iso-8859-16",
    20: SHIFT_JIS,
    21: "cp1250",
    22: "cp1251",
    23: "cp1252",
    24: "cp1256",
    25: "utf-16-be",
    26: UTF8,
    27: "ascii",
    28: "big5",
    29: GB18030,  # registered as GB2312; GB18030 is a superset and decodes the same bytes the same way
    30: "euc-kr",
    31: "gbk",
    32: GB18030,
    33: "utf-16-le",
    34: "utf-32-be",
    35: "utf-32-le",
    170: "ascii",
    899: BINARY,
}

# Scores per character (see the module docstring); ASCII scores 0 in every reading.
ORDINARY = 0.0
RARE = -2.0
FOREIGN = -5.0  # a character that text in this encoding practically never contains
FOUR_BYTE = -8.0
HALF_WIDTH_KANA = -0.3
SOUND_MARK_RIGHT = 3.0
SOUND_MARK_WRONG = -3.0
HIGH_RUN = -3.0  # ISO-8859-1: a high byte right after another
C1_CONTROL = -8.0
JAPANESE_MARGIN = 3.0  # what a Shift_JIS reading must score above the GB18030 one

_HALF_VOICED = "\uff9e"  # ﾞ
_HALF_SEMI_VOICED = "\uff9f"  # ﾟ
_TAKES_VOICED = frozenset("ｳｶｷｸｹｺｻｼｽｾｿﾀﾁﾂﾃﾄﾊﾋﾌﾍﾎ")
_TAKES_SEMI_VOICED = frozenset("ﾊﾋﾌﾍﾎ")
_HALF_KANA_FIRST, _HALF_KANA_LAST = 0xFF66, 0xFF9D  # ｦ .. ﾝ
_HALF_SMALL_Y = frozenset("ｬｭｮ")
_TAKES_SMALL_Y = frozenset("ｷｼﾁﾆﾋﾐﾘ")  # i-row kana: ｷｮ, ｼｭ, ﾋﾟｬ
_HALF_SMALL_VOWEL = frozenset("ｧｨｩｪｫ")
_TAKES_SMALL_VOWEL = frozenset("ｲｳｸｼﾁﾂﾃﾄﾌ")  # loanword syllables: ﾌｧ, ﾃｨ, ｳｫ, ｼｪ, ﾃﾞｨ
_AFTER_ANY_KANA = frozenset("ｯｰ")  # small tsu, long vowel mark


@dataclass(frozen=True)
class Segment:
    """Bytes under one character set: ``eci`` is the ECI number in force, or None where none was given."""

    eci: int | None
    data: bytes


def _gb_char_score(ch: str) -> float:
    raw = ch.encode(GB18030)
    if len(raw) == 1:
        return ORDINARY
    if len(raw) == 4:
        return FOUR_BYTE
    lead, trail = raw
    if trail < 0xA1 or lead < 0xA1:
        return FOREIGN  # GBK extension area, outside GB2312
    if 0xB0 <= lead <= 0xD7:
        return ORDINARY  # first-level hanzi
    if 0xD8 <= lead <= 0xF7:
        return RARE  # second-level hanzi
    if lead in (0xA1, 0xA3):
        return ORDINARY  # punctuation, full-width ASCII
    return RARE  # kana, Greek, Cyrillic, pinyin, box drawing, user-defined rows


def _gb_score(text: str) -> float:
    return sum(_gb_char_score(ch) for ch in text if not ch.isascii())


def _is_half_kana(ch: str) -> bool:
    return len(ch) == 1 and _HALF_KANA_FIRST <= ord(ch) <= _HALF_KANA_LAST


def _half_width_score(ch: str, previous: str, before: str) -> float:
    """Score of half-width ``ch`` after ``previous`` (itself after ``before``): Japanese spelling rules."""
    if ch == _HALF_VOICED:
        return SOUND_MARK_RIGHT if previous in _TAKES_VOICED else SOUND_MARK_WRONG
    if ch == _HALF_SEMI_VOICED:
        return SOUND_MARK_RIGHT if previous in _TAKES_SEMI_VOICED else SOUND_MARK_WRONG
    # A small kana belongs to the syllable before it, sound mark included (ｼﾞｮ, ﾃﾞｨ).
    syllable = before if previous in (_HALF_VOICED, _HALF_SEMI_VOICED) else previous
    if ch in _HALF_SMALL_Y:
        return SOUND_MARK_RIGHT if syllable in _TAKES_SMALL_Y else SOUND_MARK_WRONG
    if ch in _HALF_SMALL_VOWEL:
        return HALF_WIDTH_KANA if syllable in _TAKES_SMALL_VOWEL else SOUND_MARK_WRONG
    if ch in _AFTER_ANY_KANA:
        return ORDINARY if _is_half_kana(syllable) else SOUND_MARK_WRONG
    return HALF_WIDTH_KANA


def _sjis_char_score(ch: str, codec: str) -> float:
    try:
        raw = ch.encode(SHIFT_JIS)
    except UnicodeEncodeError:
        # cp932 only: NEC row 13 (①, ㈱, Roman numerals) is common; IBM kanji and user-defined areas are not.
        return RARE if ch.encode(codec)[0] == 0x87 else FOREIGN
    lead, trail = raw[0], raw[1] if len(raw) > 1 else 0
    if lead in (0x81, 0x82, 0x83):
        return ORDINARY  # punctuation, full-width alphanumerics, hiragana, katakana
    if 0x88 <= lead <= 0x97 or (lead == 0x98 and trail <= 0x72):
        return ORDINARY  # first-level kanji
    return RARE  # second-level kanji, Greek, Cyrillic, box drawing


def _sjis_score(text: str, codec: str) -> float:
    score = 0.0
    previous = before = ""
    for ch in text:
        if ch.isascii():
            pass
        elif 0xFF61 <= ord(ch) <= 0xFF9F:
            score += _half_width_score(ch, previous, before)
            if _is_half_kana(before) and previous.isascii() and previous.isalnum():
                score += SOUND_MARK_WRONG / 2  # ﾔSﾔ: one letter inside a kana word is a GBK trail byte
        else:
            score += _sjis_char_score(ch, codec)
        previous, before = ch, previous
    return score


def _latin1_score(raw: bytes) -> float:
    score = 0.0
    previous_high = False
    for byte in raw:
        high = byte >= 0x80
        if 0x80 <= byte <= 0x9F:
            score += C1_CONTROL
        elif high and previous_high:
            score += HIGH_RUN
        elif high and not unicodedata.category(chr(byte)).startswith("L"):
            score += RARE  # symbols: ¤ ¦ ¨ ...
        previous_high = high
    return score


def _decodes(raw: bytes, codec: str) -> str | None:
    try:
        return raw.decode(codec)
    except UnicodeDecodeError:
        return None


def guess_charset(raw: bytes) -> str:
    """The Python codec that most plausibly wrote ``raw`` (no ECI): utf-8, gb18030, shift_jis, cp932 or latin-1."""
    if _decodes(raw, UTF8) is not None:
        return UTF8
    scored: list[tuple[float, int, str]] = []  # (score, preference, codec); higher wins
    gb = _decodes(raw, GB18030)
    if gb is not None:
        scored.append((_gb_score(gb) + JAPANESE_MARGIN, 2, GB18030))
    for codec in (SHIFT_JIS, CP932):
        sjis = _decodes(raw, codec)
        if sjis is not None:
            scored.append((_sjis_score(sjis, codec), 1, codec))
            break
    scored.append((_latin1_score(raw), 0, LATIN1))
    return max(scored)[2]


def decode_bytes(raw: bytes, eci: int | None = None) -> tuple[str, str]:
    """Text of ``raw`` and the codec used: the ECI's character set when given and valid, else the guess."""
    codec = ECI_CODECS.get(eci) if eci is not None else None
    if codec == BINARY:
        return raw.decode(LATIN1), BINARY
    if codec is not None:
        text = _decodes(raw, codec)
        if text is not None:
            return text, codec
    codec = guess_charset(raw)
    return raw.decode(codec), codec


def decode_segments(segments: Iterable[Segment]) -> tuple[str, str]:
    """Text of a payload made of ECI segments and the codecs used, joined by '+' when they differ."""
    texts: list[str] = []
    codecs: list[str] = []
    for segment in segments:
        if not segment.data:
            continue
        text, codec = decode_bytes(segment.data, segment.eci)
        texts.append(text)
        if codec not in codecs:
            codecs.append(codec)
    return "".join(texts), "+".join(codecs) or UTF8
