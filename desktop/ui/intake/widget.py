"""The intake screen: four steps over one :class:`IntakeSession`.

1 情形 (situation answers and which items apply), 2 填表 (the merged form), 3 材料 (the merged
checklist), 4 决定 (受理 / 容缺受理 / 一次性告知 / 不予受理, per item). Keyboard: Ctrl+PgDown / Ctrl+PgUp next
and previous step; in the form, Ctrl+D copies 同申请人 / 同户籍地址 … into the field's group (see
:mod:`desktop.ui.intake.assist`); in the checklist, keys 1–5 set a row's status; on the decision step Alt+1…4
choose, Enter confirms, Ctrl+Enter 受理 at once.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QRadioButton,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop.cases.decisions import MaterialStatus
from desktop.cases.states import Decision
from desktop.forms.session import IntakeSession
from desktop.ui.intake.assist import FormAssist
from desktop.ui.intake.deadline_editor import DeadlineDelegate
from desktop.ui.intake.decision_page import DecisionPage
from desktop.ui.intake.delegates import StatusDelegate
from desktop.ui.intake.form_view import FormView
from desktop.ui.intake.models import ApplicabilityModel, ChecklistModel, FormModel

STATUS_KEYS = {
    Qt.Key.Key_1: MaterialStatus.RECEIVED,
    Qt.Key.Key_2: MaterialStatus.CHECKED,
    Qt.Key.Key_3: MaterialStatus.ELICENCE,
    Qt.Key.Key_4: MaterialStatus.MISSING,
    Qt.Key.Key_5: MaterialStatus.DEFERRED,
}


def _table(model: QObject) -> QTableView:
    view = QTableView()
    view.setModel(model)  # type: ignore[arg-type]
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setAlternatingRowColors(True)
    view.verticalHeader().hide()
    view.setWordWrap(True)
    view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    view.horizontalHeader().setStretchLastSection(True)
    return view


class SituationPage(QWidget):
    """Radio groups for the bundle's questions and the table of items they decide.

    Signals:
        answered(str, str): question code, chosen option value.
    """

    answered = Signal(str, str)

    def __init__(self, session: IntakeSession) -> None:
        super().__init__()
        self.session = session
        self.model = ApplicabilityModel(session)
        layout = QVBoxLayout(self)
        self.groups: dict[str, QButtonGroup] = {}
        questions = QWidget()
        grid = QFormLayout(questions)  # one line a question: the items table below keeps the room for its rows
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setVerticalSpacing(2)
        for code in session.bundle.questions:
            question = session.idx.questions[code]
            box = QWidget()
            row = QHBoxLayout(box)
            row.setContentsMargins(0, 0, 0, 0)
            group = QButtonGroup(self)
            for option in question.options:
                radio = QRadioButton(option.label)
                radio.setProperty("value", option.value)
                radio.setChecked(session.answers[code] == option.value)
                group.addButton(radio)
                row.addWidget(radio)
            row.addStretch(1)
            group.buttonToggled.connect(lambda button, on, c=code: self._toggled(c, button, on))
            self.groups[code] = group
            grid.addRow(QLabel(question.text, wordWrap=True), box)
        layout.addWidget(questions)
        layout.addWidget(QLabel("根据以上情形，本次办理的事项："))
        self.table = _table(self.model)
        # 依据 (why an item applies) wraps instead of widening the table past the window; 承诺时限 (即办) stays whole
        header = self.table.horizontalHeader()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(ApplicabilityModel.HEADERS.index("依据"), QHeaderView.ResizeMode.Stretch)
        self.table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        layout.addWidget(self.table, 1)

    def _toggled(self, code: str, button: QRadioButton, on: bool) -> None:
        if on:  # the button switched off in the same group is not an answer
            self._answer(code, button.property("value"))

    def _answer(self, code: str, value: str) -> None:
        self.session.set_answer(code, value)
        self.model.refresh()
        self.answered.emit(code, value)

    def focus_first(self) -> None:
        if self.groups:
            buttons = next(iter(self.groups.values())).buttons()
            checked = next((b for b in buttons if b.isChecked()), buttons[0])
            checked.setFocus()


class ChecklistPage(QWidget):
    """The merged checklist with keyboard marking (1 收取, 2 核验, 3 电子证照, 4 缺件, 5 容缺).

    Signals:
        marked(str): the mark of this material changed.
        attach_requested(str): the clerk wants to attach a scan to this material.
    """

    marked = Signal(str)
    attach_requested = Signal(str)

    def __init__(self, session: IntakeSession) -> None:
        super().__init__()
        self.session = session
        self.model = ChecklistModel(session)
        self.model.edited.connect(self.marked)
        self.table = _table(self.model)
        self.table.setItemDelegateForColumn(ChecklistModel.STATUS_COL, StatusDelegate(self.table))
        self.deadlines = DeadlineDelegate(session, self.table)
        self.table.setItemDelegateForColumn(ChecklistModel.DEADLINE_COL, self.deadlines)
        self.table.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked | QAbstractItemView.EditTrigger.EditKeyPressed
        )
        self.table.installEventFilter(self)
        self.help = QLabel(
            "快捷键：1 已收取　2 已核验　3 电子证照免提交　4 缺件　5 容缺（设定补正期限）　F2 修改份数/期限"
        )
        self.help.setStyleSheet("color: #555")
        self.refusal = QLabel(wordWrap=True)  # why a deadline was kept within its limit
        self.refusal.setStyleSheet("color: #c0392b")
        self.refusal.hide()
        self.deadlines.refused.connect(self._refused)
        all_checked = QPushButton("其余全部已核验")
        all_checked.clicked.connect(self.mark_rest_checked)
        attach = QPushButton("附加扫描件…")
        attach.clicked.connect(self._attach)
        buttons = QHBoxLayout()
        buttons.addWidget(self.help, 1)
        buttons.addWidget(all_checked)
        buttons.addWidget(attach)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.refusal)
        layout.addLayout(buttons)
        self.model.edited.connect(lambda _c: self.refusal.hide())

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if watched is self.table and event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            status = STATUS_KEYS.get(Qt.Key(event.key()))
            row = self.table.currentIndex().row()
            if status is not None and row >= 0 and not event.modifiers() & Qt.KeyboardModifier.ControlModifier:
                self.set_status(row, status)
                self.table.selectRow(min(row + 1, self.model.rowCount() - 1))
                return True
        return False

    def _refused(self, why: str) -> None:
        self.refusal.setText(why)
        self.refusal.show()

    def set_status(self, row: int, status: MaterialStatus | None) -> bool:
        index = self.model.index(row, ChecklistModel.STATUS_COL)
        return self.model.setData(index, status.value if status else "")

    def mark_rest_checked(self) -> None:
        for row in range(self.model.rowCount()):
            if self.model.entry(row).internal:  # 内部流转: not the applicant's to bring
                continue
            if self.session.mark(self.model.entry(row).code).status is None:
                self.set_status(row, MaterialStatus.CHECKED)

    def _attach(self) -> None:
        row = self.table.currentIndex().row()
        if row >= 0:
            self.attach_requested.emit(self.model.entry(row).code)

    def focus_first(self) -> None:
        self.table.setFocus()
        if self.model.rowCount() and self.table.currentIndex().row() < 0:
            self.table.selectRow(0)


class IntakeWidget(QWidget):
    """One intake from situations to decision.

    Signals:
        changed(): anything the clerk entered changed (autosave the draft).
        decided(object): the clerk confirmed a :class:`Verdict` the decision rule allows.
        attach_requested(str): attach a scan to this material code.
        cancelled(): the clerk left the intake (the draft stays).
    """

    changed = Signal()
    decided = Signal(object)
    attach_requested = Signal(str)
    cancelled = Signal()

    def __init__(
        self, session: IntakeSession, parent: QWidget | None = None, *, home_division: str = "", assists: bool = True
    ) -> None:
        super().__init__(parent)
        self.session = session
        self.situations = SituationPage(session)
        self.form_model = FormModel(session)
        self.form = FormView(self.form_model)
        # copy buttons (Ctrl+D), the hall's own division (the window profile's) in every address, word lists,
        # option initials, short dates; off: the plain form (the keystroke bench's baseline)
        self.assist = FormAssist(self.form, session, home_division) if assists else None
        self.checklist = ChecklistPage(session)
        self.decision = DecisionPage(session)
        self.tabs = QTabWidget()
        for n, (page, title) in enumerate(
            ((self.situations, "情形"), (self.form, "填表"), (self.checklist, "材料"), (self.decision, "决定")), 1
        ):
            self.tabs.addTab(page, f"{n} {title}")
        self.title = QLabel(f"<b>{session.bundle.name}</b>　{session.bundle.code}")
        self.title.setStyleSheet("font-size: 15px")
        back = QPushButton("返回办件列表")
        back.clicked.connect(self.cancelled)
        prev_button = QPushButton("上一步")
        next_button = QPushButton("下一步")
        prev_button.setToolTip("Ctrl+PgUp")
        next_button.setToolTip("Ctrl+PgDown")
        prev_button.clicked.connect(self.previous_step)
        next_button.clicked.connect(self.next_step)
        top = QHBoxLayout()
        top.addWidget(self.title, 1)
        top.addWidget(back)
        bottom = QHBoxLayout()
        bottom.addStretch(1)
        bottom.addWidget(prev_button)
        bottom.addWidget(next_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.tabs, 1)
        layout.addLayout(bottom)
        self.situations.answered.connect(self._answers_changed)
        self.form.edited.connect(lambda _c: self.changed.emit())
        self.checklist.marked.connect(lambda _c: self.changed.emit())
        self.checklist.attach_requested.connect(self.attach_requested)
        self.decision.chosen.connect(self.decided)
        self.decision.field_requested.connect(self.go_to_field)
        self.tabs.currentChanged.connect(self._entered_step)
        for keys, slot in (
            ("Ctrl+PgDown", self.next_step),
            ("Ctrl+PgUp", self.previous_step),
            ("Ctrl+Return", self.accept_shortcut),
            ("Ctrl+Enter", self.accept_shortcut),
        ):
            QShortcut(QKeySequence(keys), self, slot, context=Qt.ShortcutContext.WidgetWithChildrenShortcut)

    def _answers_changed(self, _code: str, _value: str) -> None:
        self.form_model.refresh()
        self.checklist.model.refresh()
        self.changed.emit()

    def next_step(self) -> None:
        self.tabs.setCurrentIndex(min(self.tabs.currentIndex() + 1, self.tabs.count() - 1))

    def previous_step(self) -> None:
        self.tabs.setCurrentIndex(max(self.tabs.currentIndex() - 1, 0))

    def _entered_step(self, step: int) -> None:
        if step == 0:
            self.situations.focus_first()
        elif step == 1:
            self.form.focus_first_field()
        elif step == 2:
            self.checklist.focus_first()
        else:
            self.decision.enter()

    def accept_shortcut(self) -> None:
        """Ctrl+Enter on the decision step: 受理 every applying item and confirm, when the rule allows it."""
        if self.tabs.currentIndex() != 3:
            return
        page = self.decision
        if not page.buttons[Decision.ACCEPT].isEnabled() and page.form_blocks(Decision.ACCEPT):
            self.go_to_field(next(iter(self.session.errors())))
            return
        page.choose(Decision.ACCEPT)
        if page.case_level() is Decision.ACCEPT:
            page.confirm()

    def go_to_field(self, code: str) -> None:
        """Show the form with its errors and put the cursor in the field ``code`` (the first error if it has no
        editor of its own, e.g. a rule across fields)."""
        self.tabs.setCurrentIndex(1)
        first = self.form.focus_first_error()
        editor = self.form.editors.get(code)
        if editor is not None and code != first:
            self.form.ensureWidgetVisible(editor.widget)
            editor.focus()
