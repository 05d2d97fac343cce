"""The status bar's data on withheld platform statuses (desktop.services.sync.read_status), built by the real worker
against the reference platform: each names the case's number, the platform's status and reason, and why it waits."""

from __future__ import annotations

from sync_helpers import Clock, Running, queue_case, queue_deferred_case

from desktop.services.sync import SyncOutcome, outcome_json, read_status
from desktop.store.repo import Store
from sync.client import PlatformClient
from sync.platform.operator import set_status
from sync.protocol import PlatformStatus
from sync.state import state_path
from sync.worker import sync_once


def test_a_status_a_reopened_case_cannot_take_is_listed_with_its_number_the_platform_reason_and_why(
    store: Store, client: PlatformClient, running: Running, clock: Clock
) -> None:
    cid = queue_case(store, "赵六")
    sync_once(store, client, clock.now)
    set_status(running.platform, str(cid), PlatformStatus.RETURNED, "缺少死亡证明")
    sync_once(store, client, clock.now)
    store.reopen(cid)
    store.save_draft(cid, {"death_kind": "normal"}, {"applicant.name": "赵六", "applicant.phone": "13800000000"})
    set_status(running.platform, str(cid), PlatformStatus.REJECTED, "不符合受理条件")
    assert read_status(store).withheld == ()
    assert sync_once(store, client, clock.now).withheld == [cid]
    [held] = read_status(store).withheld
    number = store.get(cid).case.number
    assert number and held.number == number and held.case_id == str(cid)
    assert (held.status, held.status_label, held.reason) == ("rejected", "平台不予受理", "不符合受理条件")
    assert "已告知补正" in held.why and "不能直接改为“平台不予受理”" in held.why
    assert "不符合受理条件" in outcome_json_of(store)


def outcome_json_of(store: Store) -> str:
    """What ``yishi sync`` prints of the outbox figures (withheld statuses included)."""
    return outcome_json(SyncOutcome(True, None, None, read_status(store)))


def test_a_status_waiting_for_unsent_local_changes_says_so_and_leaves_the_list_once_applied(
    store: Store, client: PlatformClient, running: Running, clock: Clock
) -> None:
    case = queue_deferred_case(store)
    sync_once(store, client, clock.now)
    set_status(running.platform, str(case.id), PlatformStatus.ACCEPTED, "已分办")
    store.supply_deferred(case.id, ["hukou"])  # revision 2 waits in the outbox
    sync_once(store, client, clock.now, batch=0)
    [held] = read_status(store).withheld
    assert (held.status_label, held.reason) == ("在办", "已分办")
    assert "未上报的修改" in held.why
    sync_once(store, client, clock.now)  # revision 2 goes, then the status applies
    assert read_status(store).withheld == ()


def test_reading_the_figures_of_a_store_never_synced_creates_no_state_file(store: Store) -> None:
    status = read_status(store)
    assert status.withheld == () and not state_path(store.path).exists()
