"""The bundle picker: 35 bundles grouped 个人/法人, filtered as the clerk types."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QLabel, QLineEdit, QVBoxLayout, QWidget

from desktop.ui.later import Later

if TYPE_CHECKING:
    from PySide6.QtCore import QModelIndex
    from PySide6.QtGui import QStandardItemModel
    from PySide6.QtWidgets import QTreeView

    from desktop.catalog.index import CatalogIndex
    from desktop.catalog.search import SearchKeys
    from desktop.forms.reduction import Reduction
    from desktop.ui.bundle_filter import BundleFilter

# Plain ints (Qt.ItemDataRole.UserRole is 256): reading Qt's enum namespace costs the first paint ~20 ms.
CODE_ROLE = 256 + 1
KEYS_ROLE = 256 + 2


def build_model(idx: CatalogIndex, reductions: dict[str, Reduction], keys: dict[str, SearchKeys]) -> QStandardItemModel:
    """The picker's tree of bundles (built once the catalog is loaded, after the first paint)."""
    from PySide6.QtGui import QStandardItem, QStandardItemModel  # noqa: PLC0415 - off the first paint

    model = QStandardItemModel()
    model.setHorizontalHeaderLabels(["一件事", "合并效果"])
    groups: dict[str, QStandardItem] = {}
    for bundle in idx.bundles_in_order():
        cat = bundle.category.value
        if cat not in groups:
            head = QStandardItem(f"{cat}事项")
            head.setSelectable(False)
            groups[cat] = head
            model.appendRow([head, QStandardItem()])
        name = QStandardItem(f"{bundle.seq:>2}. {bundle.name}")
        name.setData(bundle.code, CODE_ROLE)
        name.setData(keys.get(bundle.code), KEYS_ROLE)
        name.setToolTip(
            f"{bundle.code}　牵头部门：{'、'.join(idx.department_name(d) for d in bundle.lead_departments)}"
        )
        r = reductions.get(bundle.code)
        figures = QStandardItem(
            f"表{r.fields_merged}/{r.fields_separate} 材{r.materials_merged}/{r.materials_separate}" if r else ""
        )
        if r:
            figures.setToolTip(
                f"常见情形下：合并后表单{r.fields_merged}项（分别填写共{r.fields_separate}项），"
                f"材料{r.materials_merged}份（分别提交共{r.materials_separate}份）"
            )
        figures.setData(bundle.code, CODE_ROLE)
        for item in (name, figures):
            item.setEditable(False)
        groups[cat].appendRow([name, figures])
    return model


class BundlePicker(QWidget):
    """Search box over a tree of bundles.

    Signals:
        picked(str): the clerk chose the bundle with this code (double-click or Enter).
    """

    picked = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        # its clear button comes after the first paint (MainWindow._complete_controls)
        self.search = QLineEdit(placeholderText="搜索一件事：名称、拼音首字母或编码")
        self.status = QLabel("正在加载事项目录…")
        self.status.setWordWrap(True)
        self.count = 0
        self.filter: BundleFilter | None = None  # made with the catalog (set_catalog); the tree has no model before
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.search)
        self._tree = Later(layout, self._make_tree, stretch=1)  # empty until the catalog: made after the first paint
        layout.addWidget(self.status)
        self.search.textChanged.connect(self._filter)
        self.search.returnPressed.connect(self._pick_first)

    @property
    def tree(self) -> QTreeView:
        return self._tree.get()

    def _make_tree(self) -> QTreeView:
        from PySide6.QtWidgets import QTreeView  # noqa: PLC0415 - made after the first paint (desktop.ui.later)

        tree = QTreeView()
        tree.setUniformRowHeights(True)
        tree.activated.connect(self._activated)
        return tree

    def set_catalog(self, model: QStandardItemModel, count: int) -> None:
        if self.filter is None:
            from desktop.ui.bundle_filter import BundleFilter  # noqa: PLC0415 - its Qt type loads after the first paint

            self.filter = BundleFilter(CODE_ROLE, KEYS_ROLE)
            self.tree.setModel(self.filter)
        self.filter.setSourceModel(model)
        self.tree.expandAll()
        self.tree.resizeColumnToContents(0)
        self.count = count
        self._filter(self.search.text())

    def _filter(self, text: str) -> None:
        if self.filter is None:
            return  # no catalog yet: set_catalog filters by what was typed
        self.filter.set_query(text)
        self.tree.expandAll()
        shown = sum(self.filter.rowCount(self.filter.index(g, 0)) for g in range(self.filter.rowCount()))
        if not text.strip():
            self.status.setText(f"共{self.count}个一件事")
        elif shown:
            self.status.setText(f"找到{shown}个一件事（Enter 办理第一个）")
        else:
            self.status.setText(f"无结果：没有与“{text.strip()}”相符的一件事，可换用名称、拼音首字母、编码或关键词")

    def _first_bundle(self) -> QModelIndex | None:
        if self.filter is None:
            return None
        for g in range(self.filter.rowCount()):
            group = self.filter.index(g, 0)
            if self.filter.rowCount(group):
                return self.filter.index(0, 0, group)
        return None

    def _pick_first(self) -> None:
        first = self._first_bundle()
        if first is not None:
            self.picked.emit(first.data(CODE_ROLE))

    def _activated(self, index: QModelIndex) -> None:
        code = index.data(CODE_ROLE)
        if code:
            self.picked.emit(code)
