"""The shipped CJK font and Qt's own Chinese translations."""

from __future__ import annotations

from PySide6.QtCore import QLibraryInfo, QLocale, QTranslator
from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication

from desktop import paths

FAMILY = "WenQuanYi Micro Hei"


def install_font(app: QApplication) -> str:
    """Load the bundled font and make it the application font; returns its family name."""
    font_id = QFontDatabase.addApplicationFont(str(paths.font_path()))
    families = QFontDatabase.applicationFontFamilies(font_id) if font_id >= 0 else []
    family = families[0] if families else FAMILY
    font = QFont(family, 10)
    app.setFont(font)
    return family


def install_translations(app: QApplication) -> list[QTranslator]:
    """Qt's dialog buttons (确定/取消…) in Chinese."""
    QLocale.setDefault(QLocale(QLocale.Language.Chinese, QLocale.Country.China))
    installed = []
    directory = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    for name in ("qtbase_zh_CN",):
        translator = QTranslator(app)
        if translator.load(name, directory):
            app.installTranslator(translator)
            installed.append(translator)
    return installed
