"""PySide6's per-module source scan, done cheaply.

Once PySide6.QtCore is imported, shiboken's ``__feature__`` support (its opt-in snake_case / true_property API)
decides for every module imported after it whether the module "uses PySide6": it reads the module's whole source
through ``inspect.getsource``, once per module name, the standard library's included (``os``, ``datetime``… as an
``import`` statement next names each). For the main window that is ~60 modules and ~15 ms of the first paint.

This gives the hook the same answer quicker: a standard-library module never uses PySide6; any other module does
when its source file says "PySide6" (PySide's own test); a module without a source file (the frozen build's) does
not, as before. Should a PySide6 release move the hook, nothing is replaced and the app is only slower
(tests/ui/test_startup.py says so).
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from types import ModuleType

import PySide6.QtCore  # noqa: F401 - installs the import hook whose scan this replaces

_FEATURE = sys.modules.get("shibokensupport.feature")
_STANDARD = sys.stdlib_module_names
pyside_scan: Callable[[ModuleType], bool] | None = getattr(_FEATURE, "_mod_uses_pyside", None)  # PySide's own


def mentions_pyside(module: ModuleType) -> bool:
    """Whether ``module``'s source names PySide6, as PySide's scan answers it."""
    if module.__name__.partition(".")[0] in _STANDARD:
        return False
    path = getattr(module, "__file__", None)
    if not isinstance(path, str) or not path.endswith(".py"):
        return False
    try:
        with open(path, "rb") as source:
            return b"PySide6" in source.read()
    except OSError:
        return False


def _install() -> bool:
    if _FEATURE is None or pyside_scan is None:
        return False
    _FEATURE._mod_uses_pyside = mentions_pyside  # type: ignore[attr-defined]  # the hook looks it up per call
    return True


installed = _install()
