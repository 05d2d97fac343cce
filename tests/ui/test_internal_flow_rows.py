"""Results another item of the case produces (内部流转) show in the intake: greyed, unmarkable checklist rows, and a
form field's source (由「X」产生); nothing the clerk marks reaches them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from desktop.cases.clock import Clock
from desktop.cases.decisions import MaterialStatus
from desktop.catalog.index import CatalogIndex
from desktop.forms.session import IntakeSession
from desktop.services.catalogs import Catalogs
from desktop.ui.intake.form_view import FormView
from desktop.ui.intake.models import FormModel
from desktop.ui.intake.widget import ChecklistPage

BIRTH = "LNYJS001"  # 新生儿出生: 出生医学证明办理 issues the 出生医学证明 that 落户 asks for
FIRM = "LNYJS033"  # 企业开办: 企业设立登记 issues the credit code the other items ask for


@pytest.fixture(scope="module")
def idx(tmp_path_factory: pytest.TempPathFactory) -> CatalogIndex:
    return Catalogs(Path(tmp_path_factory.mktemp("data"))).current().index


def _rows(page: ChecklistPage) -> list[tuple[str, str, bool]]:
    """(material code, status column, internal) per row."""
    m = page.model
    return [(m.entry(r).code, m.index(r, m.STATUS_COL).data(), m.entry(r).internal) for r in range(m.rowCount())]


def test_a_material_another_item_produces_is_a_greyed_row_nobody_can_mark(
    qtbot: QtBot, idx: CatalogIndex, qtmodeltester: Any
) -> None:
    session = IntakeSession(idx, BIRTH, clock=Clock())
    page = ChecklistPage(session)
    qtbot.addWidget(page)
    page.show()
    rows = _rows(page)
    internal = [r for r in rows if r[2]]
    assert [code for code, _s, _i in internal] == ["birth_medical_cert"]
    producer = next(i.name for i in idx.items.values() if "birth_medical_cert" in i.produces)
    assert internal[0][1] == f"内部流转（由「{producer}」产生）"
    row = [code for code, _s, _i in rows].index("birth_medical_cert")
    model = page.model
    assert model.flags(model.index(row, model.STATUS_COL)) == Qt.ItemFlag.NoItemFlags
    assert model.index(row, 0).data(Qt.ItemDataRole.ForegroundRole).color().name() == "#8a8a8a"
    assert len(rows) == len(session.checklist) + 1  # every row the clerk marks is still there

    # keys 1–5 mark the current row; on the internal row they mark nothing
    page.table.setFocus()
    page.table.setCurrentIndex(model.index(row, 0))
    qtbot.keyClick(page.table, Qt.Key.Key_2)
    assert not page.set_status(row, MaterialStatus.CHECKED)
    page.mark_rest_checked()
    assert "birth_medical_cert" not in session.marks
    assert all(session.mark(e.code).status is MaterialStatus.CHECKED for e in session.checklist)
    assert "birth_medical_cert" not in session.to_draft()["marks"]
    qtmodeltester.check(model)


def test_a_field_whose_value_another_item_issues_says_where_it_comes_from(qtbot: QtBot, idx: CatalogIndex) -> None:
    session = IntakeSession(idx, FIRM, clock=Clock())
    model = FormModel(session)
    view = FormView(model)
    qtbot.addWidget(view)
    produced = session.form.field("enterprise.uscc")
    assert produced is not None and produced.produced_by is not None
    expected = f"由「{idx.items[produced.produced_by].name}」产生"
    spec = next(s for s in model.field_specs() if s.code == "enterprise.uscc")
    assert spec.hint == expected
    assert view.editors["enterprise.uscc"].inputs[0].placeholderText() == expected
    produced_codes = {f.code for f in session.form.fields if f.produced_by}
    assert {s.code for s in model.field_specs() if s.hint.startswith("由「")} == produced_codes
