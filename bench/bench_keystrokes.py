"""Keys and clicks a clerk spends on three cases, driving the real window (offscreen) with QTest.

The clerk opens the bundle from the picker by its pinyin initials, keeps the default situation answers, walks the
merged form in its Tab order typing what the applicant wrote, marks the checklist with the digit keys and decides
with Alt+digit and Enter:

- 新生儿出生, 受理: the mother applies; the newborn settles at her household address;
- 企业开办, 容缺受理: the legal representative is also the company's contact and liaison, the premises proof is
  deferred;
- 公民身后一件事, 一次性告知: a son applies for his father, who died at home; two materials are missing.

Both runs drive the same window code in the same process, each on its own store.

The baseline clerk works on the plain form (the window's ``intake_assists`` off: no copies, no defaults, no
proposals, option keys or short dates, produced fields still Tab stops; every division code typed in full, every
repeated person and address typed again) and presses Ctrl+N for each case. The derived 性别 is no Tab stop on
either form (on the window before issue 12 it cost the baseline one more Tab in the third case).

The assisted clerk uses what the form offers:
- the region picker (pinyin initials, the hall's own division pre-filled);
- 同申请人 / 同法定代表人 / 同户籍地址 (Ctrl+D);
- word lists (``hz`` Enter → 汉族), option keys (``2`` → 女, ``f`` → 父母);
- short dates (``DD`` this month, ``MMDD`` this year);
- the bundle search, which has the cursor after a case.

Both type the same values and must store the same case values. Recorded on the first run, before any of it:
291 / 350 / 266 keys (the baseline here, the same clerk on the plain form: 292 / 363 / 275 with the values as now
typed, e.g. 中国工商银行 in full).

Counting: every key press counts one, a modifier held with it one more (Ctrl+D is two); a mouse click counts one.
Chinese text goes through the input method: a run of Chinese costs its full pinyin letters plus one key to commit it.
Focus moves only by the clerk's keys: a field in the Tab order that the clerk does not need still costs a Tab; both
clerks stop once every value is in (optional fields left at the end cost nothing). Switching the input method
between pinyin and Latin letters (for initials) is not counted, for either clerk.

Target: assisted ÷ baseline ≤ 0.67 for each case. ``--json`` prints bench/report.py's shape as the last line.

    .venv/bin/python bench/bench_keystrokes.py [--json] [--verbose]
"""

from __future__ import annotations

import datetime as dt
import os
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from pypinyin import lazy_pinyin
from PySide6.QtCore import QCoreApplication, QDeadlineTimer, Qt
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QComboBox, QLineEdit, QWidget
from stdnum.cn import ric

from bench.report import Figure, emit, wants_json
from desktop import settings as settings_mod
from desktop.cases.clock import Clock
from desktop.cases.states import Decision
from desktop.services.demo import DEMO_PROFILE
from desktop.ui.fonts import install_font
from desktop.ui.intake.suggest import initials
from desktop.ui.main_window import MainWindow

TARGET = 0.67
MOD = Qt.KeyboardModifier
KEY = Qt.Key


def _id(body: str) -> str:
    """A valid 18-character ID number from its first 17 digits."""
    return body + ric.calc_check_digit(body + "0")


def _cjk(ch: str) -> bool:
    return "\u3000" <= ch <= "\u9fff" or "\uff00" <= ch <= "\uffef"


@dataclass
class Address:
    division: str  # the code the case must end with
    detail: str
    query: str = ""  # what the assisted clerk types into the region picker ("" : the code is pre-filled)
    township: str = ""  # the 3 digits typed after a county picked by query


@dataclass
class Script:
    """One case as the clerk takes it."""

    name: str
    search: str  # typed into the bundle picker
    values: dict[str, Any]  # element code -> what the applicant wrote (str, or an Address)
    copies: dict[str, str] = field(default_factory=dict)  # group's first field -> copy used (assisted clerk)
    # field -> what the assisted clerk types to have the field's word list propose the value (then Enter)
    proposals: dict[str, str] = field(default_factory=dict)
    marks: Callable[[int, Any], Qt.Key] = lambda _row, _entry: KEY.Key_2
    decision: Decision = Decision.ACCEPT


def scripts(today: dt.date) -> list[Script]:
    def days_ago(n: int) -> str:
        """A recent event, in this month of the hall's (so the short dates apply alike on any day)."""
        return (today - dt.timedelta(days=min(n, today.day - 1))).strftime("%Y%m%d")

    born, died, cremated = days_ago(10), days_ago(3), days_ago(1)
    home = Address("210102004", "南湖路12号3单元")
    mother = ("刘芳", _id("21010219940315002"))
    newborn = Script(
        "新生儿出生",
        "xse",
        {
            "applicant.name": mother[0],
            "applicant.id_number": mother[1],
            "applicant.phone": "13904051234",
            "applicant.household_address": home,
            "applicant.relationship": "父母",
            "newborn.name": "王子涵",
            "newborn.sex": "女",
            "newborn.birth_date": born,
            "newborn.birth_place": Address("210102", "三好街36号", query="hp"),
            "newborn.ethnicity": "汉族",
            "newborn.gestation_weeks": "39",
            "newborn.birth_weight": "3350",
            "newborn.birth_length": "50",
            "newborn.birth_institution": "盛京医院",
            "newborn.hukou_with": "随母",
            "newborn.hukou_address": home,
            "mother.name": mother[0],
            "mother.id_number": mother[1],
            "mother.ethnicity": "汉族",
            "father.name": "王磊",
            "father.id_number": _id("21010319920708003"),
            "father.ethnicity": "汉族",
        },
        copies={"newborn.hukou_address": "同户籍地址", "mother.name": "同申请人"},
        proposals={"newborn.ethnicity": "hz", "mother.ethnicity": "hz", "father.ethnicity": "hz"},
    )
    rep = ("王强", _id("21010219880612001"), "13804056789")
    enterprise = Script(
        "企业开办",
        "kgs",
        {
            "enterprise.name": "沈阳恒远科技有限公司",
            "enterprise.type": "有限责任公司",
            "enterprise.address": Address("210112", "创新路100号", query="hn"),
            "enterprise.phone": "02423456789",
            "enterprise.registered_capital": "100",
            "enterprise.business_scope": "软件开发",
            "enterprise.employee_count": "5",
            "enterprise.shareholders": "王强100万元",
            "enterprise.taxpayer_kind": "小规模纳税人",
            "enterprise.invoice_kinds": "数电发票(普通发票)",
            "enterprise.finance_manager_name": "赵敏",
            "enterprise.finance_manager_id_number": _id("21010419900101002"),
            "enterprise.finance_manager_phone": "13700001111",
            "enterprise.seal_kinds": "公章1枚",
            "enterprise.capital_due_years": "5",
            "legal_rep.name": rep[0],
            "legal_rep.id_number": rep[1],
            "legal_rep.phone": rep[2],
            "liaison.name": rep[0],
            "liaison.id_number": rep[1],
            "liaison.phone": rep[2],
            "contact.name": rep[0],
            "contact.id_number": rep[1],
            "contact.phone": rep[2],
            "employment.housing_fund_rate": "5%",
        },
        copies={"liaison.name": "同法定代表人", "contact.name": "同法定代表人"},
        proposals={"enterprise.invoice_kinds": "sd", "enterprise.seal_kinds": "gz"},
        marks=lambda _row, entry: KEY.Key_5 if entry.code == "premises_proof" else KEY.Key_2,
        decision=Decision.DEFER,
    )
    son = ("张伟", _id("21010219700203001"))
    father_home = Address("210102004", "南湖路8号1单元")
    death = Script(
        "公民身后一件事",
        "sw",
        {
            "applicant.name": son[0],
            "applicant.id_number": son[1],
            "applicant.phone": "13504052222",
            "applicant.relationship": "子女",
            "deceased.name": "张建国",
            "deceased.id_number": _id("21010219450910001"),
            "deceased.death_date": died,
            "deceased.death_place": father_home,
            "deceased.household_address": father_home,
            "deceased.death_cause": "病故",
            "deceased.funeral_home": "回龙岗殡仪馆",
            "deceased.cremation_date": cremated,
            "employment.pension_insurance_kind": "企业职工基本养老保险(单位参保)",
            "bank.account_name": son[0],
            "bank.bank_name": "中国工商银行",
            "bank.account_no": "6222020402001234567",
        },
        copies={"deceased.household_address": "同死亡地点", "bank.account_name": "同申请人"},
        proposals={"deceased.death_cause": "bg", "bank.bank_name": "gs"},
        marks=lambda row, _entry: KEY.Key_4 if row < 2 else KEY.Key_2,
        decision=Decision.NOTIFY,
    )
    return [newborn, enterprise, death]


class Clerk:
    """Presses keys on whatever has the keyboard focus and counts them."""

    def __init__(self, verbose: bool = False) -> None:
        self.keys = 0
        self.clicks = 0
        self.verbose = verbose

    @property
    def total(self) -> int:
        return self.keys + self.clicks

    def focus(self) -> QWidget:
        widget = QApplication.focusWidget() or QApplication.activeWindow()  # a window's own shortcuts need no focus
        if widget is None:
            raise RuntimeError("no window has the keyboard")
        return widget

    def press(self, key: Qt.Key, modifiers: Qt.KeyboardModifier = MOD.NoModifier, times: int = 1) -> None:
        held = bin(modifiers.value).count("1")
        for _ in range(times):
            QTest.keyClick(self.focus(), key, modifiers)
            self.keys += 1 + held
            settle()

    def type(self, text: str) -> None:
        """ASCII key by key; Chinese through the input method (pinyin letters and one key to commit)."""
        run = ""
        for ch in [*text, ""]:
            if ch and _cjk(ch):
                run += ch
                continue
            if run:
                event = QInputMethodEvent()
                event.setCommitString(run)
                QApplication.sendEvent(self.focus(), event)
                self.keys += sum(len(p) for p in lazy_pinyin(run)) + 1
                run = ""
            if ch:
                QTest.keyClicks(self.focus(), ch)
                self.keys += 1
        settle()


def settle() -> None:
    """Let the window react. The offscreen platform leaves a closed proposal list the active window (a desktop
    gives the activation back to the window under it): give it back, as the desktop would."""
    QCoreApplication.processEvents()
    active = QApplication.activeWindow()
    if active is not None and not active.isVisible():
        under = next((w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow) and w.isVisible()), None)
        if under is not None:
            under.activateWindow()
            QCoreApplication.processEvents()


def wait_until(done: Callable[[], bool], timeout_ms: int = 30_000) -> None:
    deadline = QDeadlineTimer(timeout_ms)
    while not done():
        if deadline.hasExpired():
            raise TimeoutError("the window did not get there in time")
        QCoreApplication.processEvents()
        QTest.qWait(5)


class Run:
    """One clerk's three cases on one window."""

    def __init__(self, window: MainWindow, assisted: bool, verbose: bool) -> None:
        self.window = window
        self.today = Clock().today()
        self.assisted = assisted
        self.verbose = verbose

    def case(self, script: Script) -> tuple[int, dict[str, Any]]:
        clerk = Clerk(self.verbose)
        window = self.window
        decided: list[Any] = []
        window.case_decided.connect(decided.append)
        window.activateWindow()
        wait_until(lambda: QApplication.activeWindow() is window)
        if not (self.assisted and window.picker.search.hasFocus()):  # after a case the search has the cursor
            clerk.press(KEY.Key_N, MOD.ControlModifier)
        clerk.type(script.search)
        clerk.press(KEY.Key_Return)
        wait_until(lambda: window.intake is not None)
        intake = window.intake
        assert intake is not None and intake.session.bundle.name == script.name, script.name
        clerk.press(KEY.Key_PageDown, MOD.ControlModifier)  # situations keep their defaults: on to the form
        self.fill_form(clerk, intake, script)
        clerk.press(KEY.Key_PageDown, MOD.ControlModifier)  # the checklist
        page = intake.widget.checklist
        for row in range(page.model.rowCount()):
            clerk.press(script.marks(row, page.model.entry(row)))
        clerk.press(KEY.Key_PageDown, MOD.ControlModifier)  # the decision
        digit = {Decision.ACCEPT: KEY.Key_1, Decision.DEFER: KEY.Key_2, Decision.NOTIFY: KEY.Key_3}[script.decision]
        clerk.press(digit, MOD.AltModifier)
        values = dict(intake.session.submitted_values())
        clerk.press(KEY.Key_Return)
        wait_until(lambda: bool(decided))
        window.case_decided.disconnect(decided.append)
        case = decided[0]
        if case.decision is not script.decision:
            raise RuntimeError(f"{script.name}: decided {case.decision}, not {script.decision}")
        flow = window.result_flow
        assert flow is not None
        wait_until(lambda: flow.dialog is not None and flow.dialog.isVisible())
        clerk.press(KEY.Key_Escape)  # the result dialog: its documents were printed, back to the window
        wait_until(lambda: flow.dialog is None or not flow.dialog.isVisible())
        return clerk.total, values

    def fill_form(self, clerk: Clerk, intake: Any, script: Script) -> None:
        view = intake.widget.form
        wanted = dict(script.values)
        visited: set[tuple[str, int]] = set()
        for _step in range(400):
            if all(_stored(v) == intake.session.values.get(c) for c, v in wanted.items()):
                break  # nothing more to type: the fields left are optional and stay empty
            held = view.editor_holding(QApplication.focusWidget())
            if held is None:
                break
            code, editor = held
            part = editor.inputs.index(clerk.focus()) if clerk.focus() in editor.inputs else 0
            if (code, part) in visited:
                break  # the Tab order came round again
            visited.add((code, part))
            copy = script.copies.get(code) if self.assisted and part == 0 else None
            if copy is not None:
                if copy not in intake.widget.assist.labels_at(code):  # the window does not offer it here
                    raise RuntimeError(f"{script.name}: no {copy} at {code}")
                clerk.press(KEY.Key_D, MOD.ControlModifier)
                continue
            before = clerk.total
            moved = self.enter(clerk, editor, part, wanted.get(code), script.proposals.get(code))
            if not moved:
                clerk.press(KEY.Key_Tab)
            if self.verbose:
                print(f"    {code}[{part}] {clerk.total - before}")
        missing = {c: v for c, v in wanted.items() if _stored(v) != intake.session.values.get(c)}
        if missing:
            raise RuntimeError(f"{script.name}: the form did not get {missing}")

    def enter(self, clerk: Clerk, editor: Any, part: int, value: Any, proposal: str | None) -> bool:
        """Type ``value`` into the focused part of ``editor``; True when that already moved the cursor on."""
        widget = clerk.focus()
        if value is None:
            return False
        if isinstance(widget, QComboBox):
            target = widget.findText(str(value))
            if target < 0:
                raise RuntimeError(f"no option {value!r}")
            downs = target - widget.currentIndex()
            letters = self.initials_for(widget, target) if self.assisted else None
            digit = (
                self.assisted
                and 0 < target < 10
                and not any(widget.itemText(i)[:1].isdigit() for i in range(widget.count()))
            )
            if digit and downs > 1 and (letters is None or len(letters) > 1):
                clerk.type(str(target))  # the n-th option
            elif letters is not None and len(letters) < downs:
                clerk.type(letters)
            else:
                clerk.press(KEY.Key_Down, times=downs)
            if widget.currentIndex() != target:
                raise RuntimeError(f"the drop-down shows {widget.currentText()!r}, not {value!r}")
        elif isinstance(value, Address):
            if part == 1:
                clerk.type(value.detail)
                return False
            assert isinstance(widget, QLineEdit)
            if not self.assisted:
                clerk.type(value.division)
            elif widget.text() != value.division:
                clerk.type(value.query + value.township)
                clerk.press(KEY.Key_Return)  # takes the county (and township) and moves on to the street
                if widget.text() != value.division:
                    raise RuntimeError(f"the region picker gave {widget.text()}, not {value.division}")
                return True
        elif self.assisted and proposal:
            clerk.type(proposal)
            clerk.press(KEY.Key_Return)  # takes the proposal and moves on
            return True
        elif self.assisted and editor.kind == "date" and str(value).startswith(self.today.strftime("%Y%m")):
            clerk.type(str(int(str(value)[6:])))  # D or DD: this month's date
        elif self.assisted and editor.kind == "date" and str(value).startswith(str(self.today.year)):
            clerk.type(str(value)[4:])  # MMDD: this year's date
        else:
            clerk.type(str(value))
        return False

    @staticmethod
    def initials_for(combo: QComboBox, target: int) -> str | None:
        """The fewest letters (pinyin initials) that choose option ``target``, if the option has any."""
        options = [initials(combo.itemText(i)) if combo.itemText(i) else "" for i in range(combo.count())]
        word = options[target]
        for n in range(1, len(word) + 1):
            first = next((i for i, o in enumerate(options) if o and o.startswith(word[:n])), -1)
            if first == target and word[:n].isalpha():
                return word[:n]
        return None


def _stored(value: Any) -> Any:
    if isinstance(value, Address):
        return {"division": value.division, "detail": value.detail}
    if isinstance(value, str) and len(value) == 8 and value.isdigit():
        return f"{value[:4]}-{value[4:6]}-{value[6:]}"
    return value


def open_window(folder: Path) -> MainWindow:
    s = settings_mod.Settings()
    s.center_name, s.division_code, s.window_code, s.clerk = DEMO_PROFILE
    s.scanner_wedge = False  # QTest types faster than any person: the wedge would take it for a scanner
    settings_mod.save(s, folder / "settings.json")
    window = MainWindow(s, folder / "cases.sqlite3", folder / "settings.json")
    window.offer_drafts_on_start = False
    window.resize(1366, 768)
    window.show()
    ready: list[bool] = []
    window.catalog_ready.connect(lambda: ready.append(True))
    window.start_loading()
    wait_until(lambda: bool(ready) and window.hall is not None)
    return window


def main() -> int:
    as_json = wants_json()
    verbose = "--verbose" in sys.argv
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(sys.argv[:1])
    install_font(app)
    today = Clock().today()
    counts: dict[bool, list[int]] = {}
    stored: dict[bool, list[dict[str, Any]]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for assisted in (False, True):
            folder = Path(tmp) / ("assisted" if assisted else "baseline")
            folder.mkdir()
            window = open_window(folder)
            window.intake_assists = assisted
            run = Run(window, assisted, verbose)
            results = []
            for script in scripts(today):
                results.append(run.case(script))
                if verbose:
                    print(f"{'assisted' if assisted else 'baseline'} {script.name}: {results[-1][0]}", flush=True)
            counts[assisted] = [n for n, _v in results]
            stored[assisted] = [v for _n, v in results]
            window.store_pool.waitForDone(10_000)
            assert window.hall is not None
            window.hall.close()
            window.close()
    if stored[False] != stored[True]:
        raise SystemExit("the two clerks' cases differ: the shortcuts changed what was entered")
    figures = []
    print(f"{'case':<16}{'baseline':>10}{'assisted':>10}{'ratio':>8}")
    for script, before, after in zip(scripts(today), counts[False], counts[True], strict=True):
        ratio = after / before
        print(f"{script.name:<16}{before:>10}{after:>10}{ratio:>8.2f}")
        figures.append(Figure(f"keys and clicks: {script.name}", after, "keys", ratio, TARGET))
    if as_json:
        emit("keystrokes", figures)
    return 0 if all(f.met() for f in figures) else 1


if __name__ == "__main__":
    sys.exit(main())
