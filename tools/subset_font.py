"""Cut the UI's font: WenQuanYi Micro Hei limited to GB2312 and every character the app itself shows.

    .venv/bin/python tools/subset_font.py            # (re)writes resources/fonts/wqy-microhei-ui.ttf
    .venv/bin/python tools/subset_font.py --check    # exit 1, listing them, when the committed subset misses any

The subset is committed (not cut by the frozen build or dev.sh): a checkout runs, tests and benches as it is, and the
frozen build ships ``resources/`` unchanged. tests/ui/test_startup.py fails when the catalog or the app's text gains a
character the subset lacks; run this tool then and commit the new file. The full font stays where it is: every PDF
embeds it, and the UI registers it after the first paint as the fallback for what no list can foresee (a rare
character in an applicant's name, a signed catalog update).

The characters kept: printable ASCII and Latin-1, the GB2312 repertoire (6763 hanzi and its 682 symbols), and every
non-ASCII character of the catalog (``resources/catalog``), of the app's sources (``desktop``, ``sync``, ``printing``:
labels, messages, validation texts) and of python-stdnum's region table (the region shown beside an ID number).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterable
from pathlib import Path

import stdnum
from fontTools import subset
from fontTools.ttLib import TTFont

ROOT = Path(__file__).resolve().parents[1]
FULL_FONT = ROOT / "resources" / "fonts" / "wqy-microhei.ttc"
UI_FONT = ROOT / "resources" / "fonts" / "wqy-microhei-ui.ttf"
UI_FAMILY = "WenQuanYi Micro Hei UI"  # not the full font's family: both are registered, and must stay apart
SOURCE_DIRS = ("desktop", "sync", "printing")
TEXT_SUFFIXES = (".yaml", ".yml", ".json", ".md", ".txt")


def gb2312() -> set[str]:
    """Every character GB2312 encodes (rows 0xA1-0xF7, cells 0xA1-0xFE)."""
    chars = set()
    for row in range(0xA1, 0xF8):
        for cell in range(0xA1, 0xFF):
            try:
                chars.add(bytes((row, cell)).decode("gb2312"))
            except UnicodeDecodeError:
                continue
    return chars


def _files(root: Path) -> Iterable[Path]:
    yield from sorted(p for p in (root / "resources" / "catalog").rglob("*") if p.suffix in TEXT_SUFFIXES)
    for name in SOURCE_DIRS:
        yield from sorted((root / name).rglob("*.py"))
    yield Path(stdnum.__file__).parent / "cn" / "loc.dat"


def app_characters(root: Path = ROOT) -> set[str]:
    """The non-ASCII, printable characters of the catalog, the app's sources and the region table."""
    chars: set[str] = set()
    for path in _files(root):
        chars.update(path.read_text(encoding="utf-8"))
    return {c for c in chars if ord(c) > 0x7F and c.isprintable()}


def wanted(root: Path = ROOT) -> set[str]:
    ascii_latin = {chr(c) for c in range(0x20, 0x7F)} | {chr(c) for c in range(0xA0, 0x100)}
    return ascii_latin | gb2312() | app_characters(root)


def missing(font: Path, chars: Iterable[str]) -> list[str]:
    """The characters of ``chars`` that ``font`` has no glyph for, sorted."""
    with TTFont(str(font), fontNumber=0, lazy=True) as opened:
        cmap = opened.getBestCmap()
    return sorted(c for c in set(chars) if ord(c) not in cmap)


def cut(source: Path = FULL_FONT, target: Path = UI_FONT, root: Path = ROOT) -> tuple[int, int]:
    """Write the subset; returns (characters kept, characters the full font lacks too)."""
    chars = wanted(root)
    lacking = set(missing(source, chars))
    kept = sorted(ord(c) for c in chars if c not in lacking)
    options = subset.Options()
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.notdef_outline = True
    options.layout_features = ["*"]
    options.drop_tables += ["FFTM"]  # FontForge's time stamps: fontTools cannot subset them
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=kept)
    with TTFont(str(source), fontNumber=0) as font:
        subsetter.subset(font)
        _rename(font)
        target.parent.mkdir(parents=True, exist_ok=True)
        font.save(str(target))
    return len(kept), len(lacking)


def _rename(font: TTFont) -> None:
    """The subset's own family name (name IDs 1, 4, 6, 16), so Qt keeps it apart from the full font."""
    table = font["name"]
    for record in table.names:
        if record.nameID in (1, 16):
            record.string = UI_FAMILY
        elif record.nameID == 4:
            record.string = f"{UI_FAMILY} Regular" if "Regular" in record.toUnicode() else UI_FAMILY
        elif record.nameID == 6:
            record.string = UI_FAMILY.replace(" ", "") + "-Regular"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only check the committed subset; exit 1 if it misses")
    args = parser.parse_args(argv)
    if args.check:
        chars = wanted()
        absent = set(missing(FULL_FONT, chars))  # no font of ours has these: nothing to ask of the subset
        lacking = [c for c in missing(UI_FONT, chars) if c not in absent]
        if lacking:
            print(f"{UI_FONT.name} lacks {len(lacking)}: {''.join(lacking)}; run tools/subset_font.py", file=sys.stderr)
            return 1
        print(f"{UI_FONT.name} covers every character the app shows")
        return 0
    kept, not_in_font = cut()
    size = UI_FONT.stat().st_size / 1e6
    print(f"{UI_FONT.relative_to(ROOT)}: {kept} characters, {size:.2f} MB ({not_in_font} wanted ones not in the font)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
