"""The shipped CJK font and Qt's own Chinese translations.

The first paint uses a subset of WenQuanYi Micro Hei (resources/fonts/wqy-microhei-ui.ttf: GB2312 and every character
the catalog and the app's text use, cut by tools/subset_font.py). After the first paint the full font is registered
as its fallback, for what the subset cannot foresee (a rare character in a name, a catalog update); the printed
documents always embed the full font (printing/fonts.py).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication

from desktop import paths

if TYPE_CHECKING:
    from PySide6.QtCore import QTranslator

UI_FAMILY = "WenQuanYi Micro Hei UI"  # the subset's own name (tools/subset_font.py), apart from the full font's
FULL_FAMILY = "WenQuanYi Micro Hei"
POINT_SIZE = 10


def ui_font_path() -> Path:
    return paths.resources_dir() / "fonts" / "wqy-microhei-ui.ttf"


def _register(path: Path, expected: str) -> str:
    font_id = QFontDatabase.addApplicationFont(str(path))
    families = QFontDatabase.applicationFontFamilies(font_id) if font_id >= 0 else []
    return families[0] if families else expected


def install_font(app: QApplication) -> str:
    """Load the subset and make it the application font; returns its family name."""
    family = _register(ui_font_path(), UI_FAMILY)
    app.setFont(QFont(family, POINT_SIZE))
    return family


def install_fallback_font(family: str = UI_FAMILY) -> str:
    """Register the full font (after the first paint) and let it supply what ``family`` lacks; returns its name."""
    full = _register(paths.font_path(), FULL_FAMILY)
    QFont.insertSubstitution(family, full)
    return full


def install_translations(app: QApplication) -> list[QTranslator]:
    """Qt's dialog buttons (确定/取消…) in Chinese. Not needed for the first paint, so called after it."""
    # Locale and translator types cost the first paint several milliseconds (their enums); they load here.
    from PySide6.QtCore import QLibraryInfo, QLocale, QTranslator  # noqa: PLC0415 - off the first paint

    QLocale.setDefault(QLocale(QLocale.Language.Chinese, QLocale.Country.China))
    installed: list[QTranslator] = []
    directory = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    # Qt's catalogue, then the strings it lacks under Qt 6 (the file dialogs' 查找范围/文件类型), which win
    ours = str(paths.resources_dir() / "translations")
    for name, folder in (("qtbase_zh_CN", directory), ("qt_missing_zh_CN", ours)):
        translator = QTranslator(app)
        if translator.load(name, folder):
            app.installTranslator(translator)
            installed.append(translator)
    return installed
