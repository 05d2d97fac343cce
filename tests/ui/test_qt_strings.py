"""Qt's file dialogs speak Chinese: the strings qtbase_zh_CN lacks under Qt 6 come from our own translation."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator

import pytest
from PySide6.QtCore import QCoreApplication, QTranslator
from PySide6.QtWidgets import QApplication, QFileDialog

from desktop import paths
from desktop.ui.fonts import install_translations

FOLDER = paths.resources_dir() / "translations"


@pytest.fixture
def translators(qapp: QApplication) -> Iterator[list[QTranslator]]:
    installed = install_translations(qapp)
    yield installed
    for translator in installed:
        qapp.removeTranslator(translator)


def _messages() -> list[tuple[str, str, str]]:
    root = ET.parse(FOLDER / "qt_missing_zh_CN.ts").getroot()
    return [
        (context.findtext("name", ""), m.findtext("source", ""), m.findtext("translation", ""))
        for context in root.iter("context")
        for m in context.iter("message")
    ]


def test_the_compiled_translation_says_what_its_source_says() -> None:
    translator = QTranslator()
    assert translator.load("qt_missing_zh_CN", str(FOLDER))
    messages = _messages()
    assert len(messages) >= 2
    for context, source, text in messages:
        assert translator.translate(context, source) == text


def test_the_file_dialog_labels_are_chinese(translators: list[QTranslator]) -> None:
    assert len(translators) == 2
    dialog = QFileDialog(None, "扫描图片识别", "", "图片 (*.png)")
    dialog.setOption(QFileDialog.Option.DontUseNativeDialog, True)
    labels = [re.sub(r"\(&\w\)", "", dialog.labelText(label)) for label in QFileDialog.DialogLabel]  # 打开(&O)
    assert labels and not [t for t in labels if re.search("[A-Za-z]", t)], labels
    assert QCoreApplication.translate("QAbstractFileIconProvider", "Folder") == "文件夹"
    dialog.deleteLater()
