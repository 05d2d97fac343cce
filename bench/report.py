"""The one JSON shape every bench prints as its last line with ``--json``.

``{"bench": NAME, "figures": [{"name", "value", "unit", "ratio", "target", "met"}]}``: ``ratio`` is against the
baseline measured in the same run (null where a figure has none); ``target`` is null where there is none, and
``met`` then is null too. A target is met when the ratio (or, for figures without a ratio, the value) is at most
the target, unless ``higher_is_better`` says the opposite.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass


@dataclass(frozen=True)
class Figure:
    name: str
    value: float
    unit: str
    ratio: float | None = None
    target: float | None = None
    higher_is_better: bool = False

    def met(self) -> bool | None:
        if self.target is None:
            return None
        measured = self.value if self.ratio is None else self.ratio
        return measured >= self.target if self.higher_is_better else measured <= self.target

    def as_json(self) -> dict[str, object]:
        return {
            "name": self.name,
            "value": round(self.value, 4),
            "unit": self.unit,
            "ratio": None if self.ratio is None else round(self.ratio, 4),
            "target": self.target,
            "met": self.met(),
        }


def wants_json(argv: list[str] | None = None) -> bool:
    """``--json`` on the command line (removed from ``argv`` so positional arguments keep working)."""
    args = sys.argv if argv is None else argv
    if "--json" in args:
        args.remove("--json")
        return True
    return False


def emit(bench: str, figures: list[Figure]) -> None:
    """Print the bench's JSON object as the last line of its output."""
    print(json.dumps({"bench": bench, "figures": [f.as_json() for f in figures]}, ensure_ascii=False))
