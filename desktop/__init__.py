"""yishi — 一件事一次办 window intake."""

__version__ = "0.1.0"
