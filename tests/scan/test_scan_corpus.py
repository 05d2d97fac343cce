"""Read rate and misreads over the decoding corpus at 0/90/180/270 degrees (counts, never timings).

The committed corpus (tests/data/scan/corpus, made by make_corpus.py) always runs; the public images
from other projects' test suites run where they are on this machine (scan_corpus.public_dir()).
"""

from __future__ import annotations

import pytest
from scan_corpus import CORPUS, ENGINES, ROTATIONS, evaluate, load, public_dir

READ_FLOOR = 0.95
FALLBACK_FLOOR = 0.9  # zbar alone, as when zxing-cpp finds nothing


@pytest.mark.parametrize("degrees", ROTATIONS)
def test_committed_corpus_reads_at_least_95_percent_with_no_misread(degrees: int) -> None:
    tally = evaluate(load(CORPUS), ENGINES["ours"], (degrees,))
    assert tally.images >= 20
    assert tally.wrong == []
    assert tally.read_rate >= READ_FLOOR, tally.missed


def test_corpus_covers_legacy_charsets_control_characters_and_rotated_photos() -> None:
    tags = {tag for entry in load(CORPUS) for tag in entry.tags}
    assert {"gb18030, no ECI", "shift_jis, no ECI", "eci", "control characters", "rotated photo", "1-D"} <= tags


def test_zbar_alone_still_reads_the_committed_corpus() -> None:
    tally = evaluate(load(CORPUS), ENGINES["ours, zbar only"], (0,))
    assert tally.wrong == []
    assert tally.read_rate >= FALLBACK_FLOOR, tally.missed


@pytest.mark.parametrize("degrees", ROTATIONS)
def test_public_corpus_reads_at_least_95_percent_with_no_misread(degrees: int) -> None:
    folder = public_dir()
    if folder is None:
        pytest.skip("public corpus images are not on this machine (see tests/data/scan/corpus/SOURCES.md)")
    tally = evaluate(load(folder), ENGINES["ours"], (degrees,))
    assert tally.wrong == []
    assert tally.read_rate >= READ_FLOOR, tally.missed
