"""Fixtures of the fuzz suite (see fuzz_helpers)."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "sync"))  # transfer_forge, shared with tests/sync

from fuzz_helpers import fuzzed

__all__ = ["fuzzed"]
