"""Step 4 决定, driven by the keyboard: choose 受理 / 容缺受理 / 一次性告知 / 不予受理 (Alt+1…4), adjust each
applying item's outcome, check the summary, press Enter.

Every button's enabled state and the commit ask the one decision rule (:mod:`desktop.cases.decisions`): a
case-level choice through ``why_not``, the plan as it stands (item outcomes included) through
``decision_problems``. The page never decides what the rule would refuse.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass, replace
from html import escape

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from desktop.cases.decisions import (
    DecisionInput,
    ItemEntry,
    MaterialEntry,
    MaterialStatus,
    Problem,
    case_decision,
    decision_problems,
    plan_outcomes,
    why_not,
)
from desktop.cases.states import Decision
from desktop.forms.session import IntakeSession

ORDER = (Decision.ACCEPT, Decision.DEFER, Decision.NOTIFY, Decision.REJECT)
KEYS = {d: str(n) for n, d in enumerate(ORDER, 1)}
NAMES = {
    Decision.ACCEPT: "受理",
    Decision.DEFER: "容缺受理",
    Decision.NOTIFY: "一次性告知",
    Decision.REJECT: "不予受理",
}
COLORS = {Decision.ACCEPT: "#1e7b34", Decision.DEFER: "#b26a00", Decision.NOTIFY: "#1f5fa8", Decision.REJECT: "#b00020"}
RED = "#c0392b"
# Choosing 不予受理 is what asks for its reason: the button is judged as if the reason were given.
REASON_TO_COME = "（理由在选择后填写）"


@dataclass(frozen=True)
class Verdict:
    """What the clerk decided: the case-level decision (what the item outcomes add up to), its reason (不予受理),
    and each applying item's outcome with the defect or refusal told for it."""

    decision: Decision
    reason: str
    outcomes: dict[str, Decision]
    outcome_reasons: dict[str, str]


class OutcomeRow:
    """The widgets of one applying item in the outcome table."""

    def __init__(self, item: ItemEntry, name: str, department: str) -> None:
        self.code = item.item_code
        self.name = QLabel(name)
        self.name.setWordWrap(True)
        self.name.setMinimumWidth(150)
        self.department = QLabel(department)
        self.department.setWordWrap(True)
        self.department.setMaximumWidth(110)
        self.promised = QLabel(_promised(item))
        self.promised.setWordWrap(True)
        self.promised.setMaximumWidth(130)
        self.combo = QComboBox()
        self.combo.addItem("— 请选择 —", None)
        for decision in ORDER:
            self.combo.addItem(NAMES[decision], decision.value)
        self.combo.setAccessibleName(f"{name}的办理结果")
        self.note = QLineEdit()
        self.note.setMinimumWidth(120)
        self.note.setVisible(False)

    def outcome(self) -> Decision | None:
        value = self.combo.currentData()
        return Decision(value) if value else None

    def set_outcome(self, outcome: Decision | None) -> None:
        index = self.combo.findData(outcome.value if outcome else None)
        self.combo.blockSignals(True)
        self.combo.setCurrentIndex(max(0, index))
        self.combo.blockSignals(False)

    def widgets(self) -> tuple[QWidget, ...]:
        return (self.name, self.department, self.promised, self.combo, self.note)


def _promised(item: ItemEntry) -> str:
    if item.promised_days == 0:
        return "即办"
    if item.promised_date is None:
        return ""
    estimate = "（估算）" if item.estimated else ""
    return f"{item.promised_days}个工作日·{item.promised_date:%m月%d日}{estimate}"


class DecisionPage(QWidget):
    """The decision step.

    Signals:
        chosen(object): the clerk confirmed a :class:`Verdict` the rule allows.
        field_requested(str): the clerk followed the link of an invalid form field (its element code).
    """

    chosen = Signal(object)
    field_requested = Signal(str)

    def __init__(self, session: IntakeSession) -> None:
        super().__init__()
        self.session = session
        self.base = DecisionInput([], [])
        self.rows: list[OutcomeRow] = []
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setTextFormat(Qt.TextFormat.RichText)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)
        self.status.linkActivated.connect(self._link)
        self.buttons: dict[Decision, QPushButton] = {}
        button_row = self._decision_buttons()
        self.grid = QGridLayout()
        items_box = self._items_box()
        self.reason_label = QLabel("不予受理理由（必填）：")
        self.reason = QPlainTextEdit(placeholderText="如：申请事项不属于本机关职权范围")
        self.reason.setTabChangesFocus(True)  # Tab leaves the box, never types a tab
        self.reason.setMaximumHeight(70)
        self.reason.textChanged.connect(self._update)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        self.summary.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.problems_label = QLabel()
        self.problems_label.setWordWrap(True)
        self.problems_label.setTextFormat(Qt.TextFormat.RichText)
        self.confirm_button = QPushButton("确认办理结果　Enter")
        self.confirm_button.setMinimumHeight(40)
        self.confirm_button.setAutoDefault(True)
        self.confirm_button.clicked.connect(self.confirm)
        left = QVBoxLayout()
        left.addWidget(items_box, 1)
        left.addWidget(self.reason_label)
        left.addWidget(self.reason)
        summary_box = QGroupBox("确认前核对")
        right = QVBoxLayout(summary_box)
        right.addWidget(self.summary, 1)
        right.addWidget(self.problems_label)
        right.addWidget(self.confirm_button)
        body = QHBoxLayout()
        body.addLayout(left, 2)
        body.addWidget(summary_box, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.status)
        layout.addLayout(button_row)
        layout.addLayout(body, 1)
        self._show_reason(False)

    def _items_box(self) -> QGroupBox:
        """The applying items, one row each: name, department, promised time, outcome, what is told."""
        self.grid.setColumnStretch(0, 1)  # the item's name takes what is left; the others fit their text
        grid_holder = QWidget()
        grid_holder.setLayout(self.grid)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setWidget(grid_holder)
        items_box = QGroupBox("各事项办理结果（默认随上面的选择，可逐项调整）")
        QVBoxLayout(items_box).addWidget(scroll)
        return items_box

    def _decision_buttons(self) -> QHBoxLayout:
        """受理 / 容缺受理 / 一次性告知 / 不予受理, each with its Alt+digit shown on it."""
        button_row = QHBoxLayout()
        for decision in ORDER:
            button = QPushButton(f"{NAMES[decision]}　Alt+{KEYS[decision]}")
            button.setMinimumHeight(40)
            button.setCheckable(True)
            button.setAutoDefault(True)  # Enter on a focused button chooses it
            button.clicked.connect(lambda _c=False, d=decision: self.choose(d))
            QShortcut(
                QKeySequence(f"Alt+{KEYS[decision]}"),
                self,
                lambda d=decision: self.choose(d),
                context=Qt.ShortcutContext.WidgetWithChildrenShortcut,
            )
            self.buttons[decision] = button
            button_row.addWidget(button)
        return button_row

    # -- what the rule looks at -------------------------------------------------------------------------------

    def outcomes(self) -> dict[str, Decision | None]:
        return {row.code: row.outcome() for row in self.rows}

    def case_level(self) -> Decision | None:
        """What the item outcomes add up to; None while an applying item has none."""
        chosen = list(self.outcomes().values())
        if not chosen or any(o is None for o in chosen):
            return None
        return case_decision(o for o in chosen if o is not None)

    def reason_text(self) -> str:
        return self.reason.toPlainText().strip() if self.case_level() is Decision.REJECT else ""

    def outcome_reasons(self) -> dict[str, str]:
        return {row.code: row.note.text().strip() for row in self.rows if not row.note.isHidden() and row.note.text()}

    def plan(self) -> DecisionInput:
        """The decision as it stands: items with the outcomes on screen, the case's reason."""
        outcomes, notes = self.outcomes(), self.outcome_reasons()
        items = [
            replace(i, outcome=outcomes.get(i.item_code), outcome_reason=notes.get(i.item_code, "")) if i.applies else i
            for i in self.base.items
        ]
        return replace(self.base, items=items, reason=self.reason_text() or None)

    def problems(self) -> list[Problem]:
        return decision_problems(self.case_level() or Decision.ACCEPT, self.plan())

    def form_blocks(self, decision: Decision) -> bool:
        """Whether only the form's errors stand in the way of ``decision`` as planned (the rule asked again
        without them)."""
        if not self.base.form_errors:
            return False
        if self.case_level() is decision:
            return not decision_problems(decision, replace(self.plan(), form_errors={}))
        return why_not(decision, replace(self._asked(decision), form_errors={})) is None

    def why_not(self, decision: Decision) -> str | None:
        """Why the case-level ``decision`` cannot be chosen now (the rule's first reason), None when it can."""
        return why_not(decision, self._asked(decision))

    def _asked(self, decision: Decision) -> DecisionInput:
        """The checklist and form as they are, with the reason typed (for 不予受理, the one choosing it asks for)."""
        reason = self.reason.toPlainText().strip() or (REASON_TO_COME if decision is Decision.REJECT else None)
        return replace(self.base, reason=reason)

    # -- refresh from the session -----------------------------------------------------------------------------

    def refresh(self) -> None:
        """Re-read the session (on entering the step). The outcomes set before stay while the same items apply
        (the rule then says what no longer fits); a new set of items starts over from the case-level choice."""
        before = self.case_level()
        self.base = self.session.decision_input()
        applying = [i for i in self.base.items if i.applies]
        if [r.code for r in self.rows] != [i.item_code for i in applying]:
            self._build_rows(applying)
            if before is not None and self.why_not(before) is None:
                self._apply_plan(before)
        self._show_status()
        self._update()

    def enter(self) -> None:
        """Entering the step: refresh, and put the keyboard on the decision buttons."""
        self.refresh()
        chosen = self.case_level()
        target = self.buttons.get(chosen) if chosen else None
        target = target or next((b for b in self.buttons.values() if b.isEnabled()), None)
        (target or self.buttons[Decision.ACCEPT]).setFocus(Qt.FocusReason.TabFocusReason)

    def _build_rows(self, applying: list[ItemEntry]) -> None:
        while self.grid.count():
            taken = self.grid.takeAt(0)
            widget = taken.widget() if taken is not None else None
            if widget is not None:
                widget.deleteLater()
        for col, title in enumerate(("事项", "承办部门", "承诺办结", "办理结果", "告知内容 / 理由")):
            header = QLabel(f"<b>{title}</b>")
            self.grid.addWidget(header, 0, col)
        idx = self.session.idx
        self.rows = []
        for n, item in enumerate(applying, 1):
            row = OutcomeRow(item, idx.items[item.item_code].name, idx.department_name(item.department))
            for col, widget in enumerate(row.widgets()):
                self.grid.addWidget(widget, n, col)
                widget.setVisible(widget is not row.note)  # shown now, not after the next event loop pass
            row.combo.currentIndexChanged.connect(self._update)
            row.note.textChanged.connect(self._update)
            row.note.returnPressed.connect(self.confirm_button.setFocus)
            self.rows.append(row)
        self.grid.setRowStretch(len(applying) + 1, 1)
        chain: list[QWidget] = [self.buttons[d] for d in ORDER]
        for row in self.rows:
            chain += [row.combo, row.note]
        chain += [self.reason, self.confirm_button]
        for first, second in itertools.pairwise(chain):
            QWidget.setTabOrder(first, second)

    # -- choosing and confirming ----------------------------------------------------------------------------------

    def choose(self, decision: Decision) -> None:
        """A case-level choice: every applying item gets it (受理 for items with nothing deferred under 容缺受理)."""
        button = self.buttons[decision]
        if not button.isEnabled():
            button.setChecked(False)
            QApplication.beep()
            self._say(self.why_not(decision) or "")
            return
        self._apply_plan(decision)
        self._update()
        if decision is Decision.REJECT and not self.reason.toPlainText().strip():
            self.reason.setFocus(Qt.FocusReason.ShortcutFocusReason)
        elif self.confirm_button.isEnabled():
            self.confirm_button.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def _apply_plan(self, decision: Decision) -> None:
        planned = {i.item_code: i.outcome for i in plan_outcomes(decision, self.base.items, self.base.materials)}
        for row in self.rows:
            row.set_outcome(planned.get(row.code))

    def confirm(self) -> None:
        """Enter: commit the plan when the rule allows it; otherwise say why (and go to an invalid field the
        rule names)."""
        problems = self.problems()
        decision = self.case_level()
        if problems or decision is None:
            QApplication.beep()
            if decision is not None and self.form_blocks(decision):
                self.field_requested.emit(next(iter(self.session.errors())))
            elif decision is Decision.REJECT and not self.reason_text():
                self.reason.setFocus()
            return
        outcomes = {code: o for code, o in self.outcomes().items() if o is not None}
        self.chosen.emit(Verdict(decision, self.reason_text(), outcomes, self.outcome_reasons()))

    def _link(self, href: str) -> None:
        if href.startswith("field:"):
            self.field_requested.emit(href.removeprefix("field:"))

    # -- showing ------------------------------------------------------------------------------------------------

    def _show_reason(self, on: bool) -> None:
        self.reason_label.setVisible(on)
        self.reason.setVisible(on)

    def refresh_plan(self) -> None:
        """Show the plan as it stands after outcomes were set from code."""
        self._update()

    def _update(self, *_args: object) -> None:
        level = self.case_level()
        self._show_reason(level is Decision.REJECT)
        for row in self.rows:
            outcome = row.outcome()
            told = outcome is Decision.NOTIFY or (outcome is Decision.REJECT and level is not Decision.REJECT)
            row.note.setVisible(told)
            row.note.setPlaceholderText(
                "不予受理理由（必填）" if outcome is Decision.REJECT else "材料以外需补正的问题（可不填）"
            )
        for decision, button in self.buttons.items():
            why = self.why_not(decision)
            button.setEnabled(why is None)
            button.setChecked(decision is level)
            button.setToolTip(why or f"{NAMES[decision]}（Alt+{KEYS[decision]}）")
        problems = self.problems()
        self.confirm_button.setEnabled(level is not None and not problems)
        self.summary.setText(self._summary_html(level))
        if level is None:
            self._say("请选择办理结果：Alt+1 受理　Alt+2 容缺受理　Alt+3 一次性告知　Alt+4 不予受理")
        elif problems:
            self._say("；".join(p.zh for p in problems), error=True)
        else:
            self._say("核对无误后按 Enter 确认")

    def _say(self, text: str, *, error: bool = False) -> None:
        color = RED if error else "#555"
        self.problems_label.setText(f"<p style='color:{color}'>{escape(text)}</p>" if text else "")

    def _show_status(self) -> None:
        """What the step starts from: the form's invalid fields (each a link that goes to it), the checklist."""
        session = self.session
        applying = [i for i in self.base.items if i.applies]
        lines = [f"<b>{escape(session.bundle.name)}</b>　办理事项 {len(applying)} 项"]
        errors = session.errors()
        if errors:
            links = []
            for code, message in errors.items():
                field = session.form.field(code)
                label = field.element.label if field else code
                links.append(f"<a href='field:{escape(code)}'>{escape(label)}</a>（{escape(message)}）")
            lines.append(f"<span style='color:{RED}'>表单还有{len(errors)}处需要填写或更正：</span>{'、'.join(links)}")
        else:
            lines.append("表单：已全部填写正确")
        lines.append(_materials_html(self.base.materials, self._unchecked()))
        self.status.setText("<br>".join(lines))

    def _unchecked(self) -> set[str]:
        return {e.code for e in self.session.checklist if self.session.mark(e.code).status is None}

    def _summary_html(self, level: Decision | None) -> str:
        if level is None and not any(self.outcomes().values()):
            return "<p style='color:#555'>选择办理结果后，这里列出各事项结果、材料与期限，核对后确认。</p>"
        head = (
            f"<p>办件结论：<b style='color:{COLORS[level]}'>{NAMES[level]}</b></p>"
            if level
            else "<p>办件结论：（尚有事项未选择结果）</p>"
        )
        rows = []
        outcomes = self.outcomes()
        for item in self.base.items:
            if not item.applies:
                continue
            outcome = outcomes.get(item.item_code)
            name = escape(self.session.idx.items[item.item_code].name)
            shown = f"<span style='color:{COLORS[outcome]}'>{NAMES[outcome]}</span>" if outcome else "—"
            if outcome in (Decision.ACCEPT, Decision.DEFER):
                when = _promised(item)
            elif outcome is Decision.NOTIFY:
                lacking = [m.name for m in self.base.materials_of(item.item_code) if m.status is MaterialStatus.MISSING]
                when = f"缺：{'、'.join(lacking)}" if lacking else ""
            else:
                when = ""
            rows.append(f"<tr><td>{name}</td><td>{shown}</td><td>{escape(when)}</td></tr>")
        table = f"<table cellspacing=0 cellpadding=2>{''.join(rows)}</table>"
        reason = self.reason_text()
        told = f"<p>理由：{escape(reason)}</p>" if reason else ""
        materials = _materials_html(self.base.materials, self._unchecked(), brief=True)
        return f"{head}{table}<p>{materials}</p>{told}"


def _materials_html(materials: Sequence[MaterialEntry], unchecked: set[str], *, brief: bool = False) -> str:
    present = [m for m in materials if m.status in (MaterialStatus.RECEIVED, MaterialStatus.CHECKED)]
    elicence = [m for m in materials if m.status is MaterialStatus.ELICENCE]
    missing = [m for m in materials if m.status is MaterialStatus.MISSING and m.material_code not in unchecked]
    blank = [m for m in materials if m.material_code in unchecked]
    deferred = [m for m in materials if m.status is MaterialStatus.DEFERRED]
    parts = [f"材料：已收取/核验 {len(present)} 件" + (f"，电子证照 {len(elicence)} 件" if elicence else "")]
    if blank:
        parts.append(f"<span style='color:{RED}'>未核验（按缺件记录）：</span>{_names(blank)}")
    if missing:
        parts.append(f"<span style='color:{RED}'>缺少：</span>{_names(missing)}")
    if deferred:
        dated = "、".join(
            f"{escape(m.name)}（{m.deadline:%m月%d日}前补正）" if m.deadline else f"{escape(m.name)}（未设期限）"
            for m in deferred
        )
        parts.append(f"容缺后补：{dated}")
    if not (blank or missing or deferred) and not brief:
        parts.append("材料齐全")
    return "<br>".join(parts)


def _names(materials: list[MaterialEntry]) -> str:
    return "、".join(escape(m.name) for m in materials)
