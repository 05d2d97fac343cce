"""The window profile: which center, window and clerk a case is taken at."""

from __future__ import annotations

import re
from dataclasses import dataclass

from desktop.cases.numbers import center_code


@dataclass(frozen=True)
class Profile:
    """Who takes cases here. ``division_code`` is the center's 6-digit (county) or 9-digit (township) code."""

    center_name: str
    division_code: str
    window_code: str
    clerk: str

    def __post_init__(self) -> None:
        center_code(self.division_code)
        if not re.fullmatch(r"\d{2}", self.window_code) or self.window_code == "00":
            raise ValueError(f"window code must be 01–99 (90–99 for field laptops), got {self.window_code!r}")
        if not self.center_name.strip():
            raise ValueError("center name must not be empty")
        if not self.clerk.strip():
            raise ValueError("clerk must not be empty")

    @property
    def center_code(self) -> str:
        """The 9-digit code that starts this center's case numbers."""
        return center_code(self.division_code)

    @property
    def window_key(self) -> str:
        """Center code + window code: the owner of one daily number sequence."""
        return self.center_code + self.window_code

    @property
    def is_field(self) -> bool:
        """Field laptops (帮办代办 / 上门服务) use windows 90–99."""
        return int(self.window_code) >= 90
