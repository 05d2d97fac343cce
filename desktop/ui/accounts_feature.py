"""Accounts at the window app: login at start, the idle lock, role-guarded actions, 好差评 after each decision and
the supervisor's workspace, attached to the main window once its hall is open.

This module is imported on the first-paint path, so it imports only Qt; the ORM-backed parts load when the hall is
ready. The logged-in account becomes the window profile's clerk (``settings.clerk``, in memory only), which every
intake call already takes as its operator.
"""

from __future__ import annotations

import uuid
from dataclasses import asdict
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QApplication, QLabel

from desktop.cases.roles import ROLE_LABELS, Permission
from desktop.ui.workers import Op

if TYPE_CHECKING:
    from desktop.services.accounts import AccountInfo
    from desktop.services.cases import Case
    from desktop.ui.login import AccountSession
    from desktop.ui.rating import RatingFlow
    from desktop.ui.supervision.workspace import SupervisorWorkspace
    from desktop.ui.window_api import WindowApi

GUARDED_TOOLBAR = {"窗口档案": "edit_profile", "当日统计": "run_reports"}


class AccountsFeature(QObject):
    """What accounts add to the main window (made by :func:`attach_when_ready`)."""

    def __init__(self, window: WindowApi) -> None:
        from desktop.ui.login import AccountSession  # noqa: PLC0415 - the ORM stays off the first paint

        main = window.qwidget()
        super().__init__(main)
        assert window.hall is not None
        self.window = window
        self.hall = window.hall
        self.rating: RatingFlow | None = None
        self.workspace: SupervisorWorkspace | None = None
        self.session: AccountSession = AccountSession(
            self.hall, main, window.settings.lock_after_minutes, window.store_pool
        )
        self.operator_label = QLabel("未登录")
        window.statusBar().addPermanentWidget(self.operator_label)
        self.supervise_action = QAction("督查工作台", main)
        self.supervise_action.setShortcut(QKeySequence("Ctrl+Shift+D"))
        self.supervise_action.triggered.connect(self.open_workspace)
        self.accounts_action = QAction("账户管理", main)
        self.accounts_action.triggered.connect(self.manage_accounts)
        self.lock_action = QAction("锁定", main)
        self.lock_action.setShortcut(QKeySequence("Ctrl+Shift+L"))
        self.lock_action.triggered.connect(self.session.lock)
        # A toolbar of their own, right of the main one: they stay at the end whatever attaches after them.
        bar = main.addToolBar("账户")
        bar.setMovable(False)
        for action in (self.supervise_action, self.accounts_action, self.lock_action):
            bar.addAction(action)
        self.session.guard(Permission.RUN_REPORTS, self.supervise_action)
        self.session.guard(Permission.MANAGE_ACCOUNTS, self.accounts_action)
        for action in main.findChildren(QAction):
            wanted = GUARDED_TOOLBAR.get(action.text())
            if wanted:
                self.session.guard(Permission(wanted), action)
            if wanted == "edit_profile":  # runs after the window's own (modal) edit: audit what it changed
                action.triggered.connect(self._audit_settings)
        self._settings_seen = asdict(window.settings)
        self.session.signed_in.connect(self._signed_in)
        self.session.unlocked.connect(self._signed_in)
        self.session.cancelled.connect(main.close)
        self.session.locked.connect(window.hide_cases)
        window.case_decided.connect(self.ask_rating)
        credentials, window.store_login = window.store_login, None  # typed once, to unlock an encrypted store
        self.session.login(credentials)

    def _signed_in(self, account: AccountInfo) -> None:
        self.window.settings.clerk = account.username  # the operator of every intake call (not saved)
        self.operator_label.setText(f"{ROLE_LABELS[account.role]}：{account.display_name}（{account.username}）")
        self.rating = None
        self.window.show_profile()
        # clerks see their own work; supervisors and administrators the whole store
        self.window.show_cases_to(None if self.session.may(Permission.SEE_ALL_CASES) else account.username)

    def _audit_settings(self) -> None:
        from desktop.services.accounts import record_settings_change  # noqa: PLC0415 - loaded with the session

        hall, account, before, now = self.hall, self.session.account, self._settings_seen, asdict(self.window.settings)
        if account is not None:
            Op(self.window.store_pool, lambda: record_settings_change(hall, account, before, now)).failure(
                self._not_recorded
            ).run()
        self._settings_seen = now

    def _not_recorded(self, exc: Exception) -> None:
        self.window.statusBar().showMessage(f"设置已保存，但未能记入日志：{exc}", 10_000)

    def ask_rating(self, case: Case) -> None:
        """After each decision: the applicant rates the service on their screen (a second one when attached)."""
        from desktop.ui.rating import RatingFlow  # noqa: PLC0415 - opened after a decision, off the first paint

        account = self.session.account
        if account is None or case.number is None:
            return
        if self.rating is None or self.rating.operator != account:
            self.rating = RatingFlow(self.hall, account, self.window.store_pool)
            self.rating.failed.connect(lambda text: self.window.statusBar().showMessage(text, 15_000))
        main = self.window.qwidget()
        self.rating.ask(case.id, case.number, QApplication.screens(), main.screen())

    def manage_accounts(self) -> None:
        from desktop.ui.accounts_dialog import AccountsDialog  # noqa: PLC0415 - opened rarely

        if self.session.account is not None:
            dialog = AccountsDialog(self.hall, self.session.account, self.window.store_pool, self.window.qwidget())
            actions: Any = getattr(self.window, "case_actions", None)
            if actions is not None:  # the list's clerk filter offers the accounts as they are now
                dialog.finished.connect(lambda _result: actions.reload_clerks())
            dialog.open()

    def open_workspace(self) -> None:
        from desktop.ui.supervision.workspace import SupervisorWorkspace  # noqa: PLC0415 - opened rarely

        account = self.session.account
        if account is None:
            return
        catalog = self.window.catalog
        names = {} if catalog is None else {c: b.name for c, b in catalog.index.bundles.items()}
        workspace = SupervisorWorkspace(
            self.hall, account, self.window.store_pool, center_name=self.window.settings.center_name, bundle_names=names
        )
        workspace.setWindowTitle("督查工作台")
        workspace.setParent(self.window.qwidget(), workspace.windowFlags() | Qt.WindowType.Window)
        workspace.reprint_requested.connect(self.reprint)
        workspace.changed.connect(self.window.refresh_cases)
        workspace.resize(1366, 768)
        workspace.show()
        self.workspace = workspace

    def reprint(self, case_id: uuid.UUID) -> None:
        flow: Any = getattr(self.window, "result_flow", None)
        if flow is not None:
            flow.show_case(case_id)


def attach_when_ready(window: WindowApi) -> None:
    """Attach :class:`AccountsFeature` once the window's hall is open: the login asks for the account while the
    catalog is still loading (the list then shows the signed-in account's cases when it is in)."""
    holder: dict[str, AccountsFeature] = {}

    def ready() -> None:
        if "feature" not in holder and window.hall is not None:
            holder["feature"] = AccountsFeature(window)
            window.qwidget().setProperty("accounts_feature", holder["feature"])

    window.hall_ready.connect(ready)
    ready()  # the hall may be open already
