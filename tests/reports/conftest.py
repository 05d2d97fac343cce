import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "accounts"))  # the shared hall_cases helpers

from hall_cases import hall

__all__ = ["hall"]
