"""The bundle picker's filter: the bundles whose name, pinyin initials, keywords or code match what the clerk types.

Apart from desktop.ui.bundle_picker so that its Qt type (QSortFilterProxyModel) loads with the catalog, after the
window's first paint: the picker's tree has no model until then.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QSortFilterProxyModel

if TYPE_CHECKING:
    from desktop.catalog.search import SearchKeys


class BundleFilter(QSortFilterProxyModel):
    """Keeps bundles whose name, pinyin initials or code contain the query; keeps their group rows. A bundle's code is
    its items' ``code_role`` data, its search keys their ``keys_role`` data (a group row has no code)."""

    def __init__(self, code_role: int, keys_role: int) -> None:
        super().__init__()
        self.query = ""
        self.code_role = code_role
        self.keys_role = keys_role
        self.setRecursiveFilteringEnabled(True)

    def set_query(self, text: str) -> None:
        self.beginFilterChange()
        self.query = text
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, row: int, parent: QModelIndex | QPersistentModelIndex) -> bool:  # noqa: N802
        index = self.sourceModel().index(row, 0, parent)
        code = index.data(self.code_role)
        if code is None:
            return False  # a group row shows only through its matching children
        keys: SearchKeys | None = index.data(self.keys_role)  # build_model's SearchKeys (None: a bundle without them)
        if keys is not None:
            return keys.matches(self.query)
        return self.query.strip().lower() in (str(index.data()) + code).lower()
