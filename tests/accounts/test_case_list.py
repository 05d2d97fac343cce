"""The hall's case list: bundle names in the search box, a bundle filter with local days, a case's detail with its
timeline from the audit log on the hall's clock, and deleting a draft (audited, never a decided case)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from hall_cases import WINDOW, decided, set_time, staff

from desktop.cases.profile import Profile
from desktop.cases.states import CaseState, Decision
from desktop.services.case_list import bundle_codes_for, case_record, delete_draft, resolve_filter, timeline
from desktop.services.cases import CaseFilter, drafts, list_cases
from desktop.services.hall import Hall
from desktop.store.audit_log import UnknownOperator
from desktop.store.models import Case
from desktop.store.repo import NotEditable

# 2026-11-28 23:30 Beijing time is 15:30 UTC; 00:30 on the 29th is 16:30 UTC on the 28th
LATE_28 = datetime(2026, 11, 28, 15, 30, tzinfo=UTC)
EARLY_29 = datetime(2026, 11, 28, 16, 30, tzinfo=UTC)


def a_draft(hall: Hall, clerk: str = "wangf", bundle: str = "LNYJS003") -> Case:
    profile = Profile(WINDOW.center_name, WINDOW.division_code, WINDOW.window_code, clerk)
    draft = hall.store.new_draft(bundle, "2026.1", profile)
    hall.store.save_draft(draft.id, {}, {"applicant.name": "孙丽", "applicant.id_number": "11010519491231002X"})
    return draft


def test_a_deleted_draft_is_erased_leaves_every_list_and_the_audit_chain_still_verifies(hall: Hall) -> None:
    staff(hall)
    kept = decided(hall, Decision.ACCEPT)
    draft = a_draft(hall)
    assert {c.id for c in drafts(hall)} == {draft.id}

    delete_draft(hall, draft.id, "wangf")

    assert [c.id for c in list_cases(hall)] == [kept.id]
    assert drafts(hall) == []
    assert list_cases(hall, CaseFilter(text="孙丽")) == []
    gone = hall.store.get(draft.id).case
    assert gone.state is CaseState.DISCARDED
    assert (gone.values, gone.applicant_name, gone.applicant_id) == ({}, None, None)
    checked, broken = hall.store.verify_audit()
    assert broken is None and checked > 0
    last = hall.store.audit_trail(draft.id)[-1]
    assert (last.action, last.actor) == ("delete_draft", "wangf")
    assert timeline(hall, draft.id)[-1].action == "删除草稿"
    assert timeline(hall, draft.id)[-1].operator == "王芳"


def test_a_decided_case_is_never_deleted(hall: Hall) -> None:
    staff(hall)
    case = decided(hall, Decision.NOTIFY)  # 补正: it has a number and a decision
    before = len(hall.store.audit_trail(case.id))
    with pytest.raises(NotEditable):
        delete_draft(hall, case.id, "wangf")
    assert hall.store.get(case.id).case.state is CaseState.SUPPLEMENT_NOTIFIED
    assert len(hall.store.audit_trail(case.id)) == before


def test_only_an_enabled_account_deletes_a_draft(hall: Hall) -> None:
    staff(hall)
    draft = a_draft(hall)
    with pytest.raises(UnknownOperator):
        delete_draft(hall, draft.id, "nobody")
    assert hall.store.get(draft.id).case.applicant_name == "孙丽"
    assert [c.id for c in drafts(hall)] == [draft.id]


def test_a_bundle_name_or_keyword_searches_by_bundle_and_a_name_stays_a_name(hall: Hall) -> None:
    staff(hall)
    current = hall.catalogs.current()
    death = decided(hall, Decision.ACCEPT, bundle="LNYJS003")
    birth = decided(hall, Decision.ACCEPT, bundle="LNYJS001")
    assert bundle_codes_for(current, "身后") == ("LNYJS003",)
    assert bundle_codes_for(current, "去世") == ("LNYJS003",)
    assert set(bundle_codes_for(current, "户口") or ()) >= {"LNYJS001", "LNYJS003"}
    assert bundle_codes_for(current, "张三") is None  # an applicant's name
    assert bundle_codes_for(current, "11010519491231002X") is None  # an ID number goes to the store

    by_name = resolve_filter(current, CaseFilter(text="公民身后"))
    assert (by_name.text, by_name.bundles) == (None, ("LNYJS003",))
    assert [c.id for c in list_cases(hall, by_name)] == [death.id]
    # a bundle already chosen narrows what the search text names
    assert list_cases(hall, resolve_filter(current, CaseFilter(text="身后", bundles=("LNYJS001",)))) == []
    assert {c.id for c in list_cases(hall, resolve_filter(current, CaseFilter(text="张三")))} == {death.id, birth.id}


def test_the_bundle_filter_keeps_local_days_and_the_clerk(hall: Hall) -> None:
    staff(hall)
    late = decided(hall, Decision.ACCEPT, bundle="LNYJS003", at=LATE_28)
    early = decided(hall, Decision.ACCEPT, bundle="LNYJS003", at=EARLY_29, clerk="lq")
    decided(hall, Decision.ACCEPT, bundle="LNYJS001", at=EARLY_29, clerk="lq")
    on_28 = CaseFilter(first=date(2026, 11, 28), last=date(2026, 11, 28), bundles=("LNYJS003",))
    assert [c.id for c in list_cases(hall, on_28)] == [late.id]
    on_29_lq = CaseFilter(first=date(2026, 11, 29), bundles=("LNYJS003",), clerk="lq")
    assert [c.id for c in list_cases(hall, on_29_lq)] == [early.id]
    assert list_cases(hall, CaseFilter(bundles=())) == []


def test_a_case_record_has_outcomes_reasons_materials_and_a_timeline_on_the_hall_clock(
    hall: Hall, tmp_path: Path
) -> None:
    staff(hall)
    set_time(hall.clock, LATE_28)  # 23:30 in Beijing
    case = decided(hall, Decision.REJECT, bundle="LNYJS003")
    scan = tmp_path / "id-card.png"
    scan.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(3000))
    hall.store.add_attachment(case.id, "id_card", scan)
    hall.store.record("zhaom", "reprint", {"document": "reject"}, case.id)
    hall.store.record("zhaom", "reprint", {"document": "transfer:省公安厅"}, case.id)
    record = case_record(hall, hall.catalogs.current(), case.id)
    assert record.timeline[-1].detail == "部门流转单（省公安厅）"
    assert [(m.name, m.scans) for m in record.materials] == [("居民身份证", 1)]
    assert [a.name for a in record.attachments] == ["居民身份证　image/png，3 KB"]
    assert record.attachments[0].added_at.hour == 23
    assert record.decision_label == "不予受理" and record.printable
    assert record.bundle == "公民身后一件事" and record.applicant == "张三" and record.clerk == "王芳"
    item = record.items[0]
    assert item.outcome == "不予受理" and item.reason
    assert [(m.name, m.status) for m in record.materials] == [("居民身份证", "已核验")]
    actions = [(t.operator, t.action) for t in record.timeline]
    assert actions[:2] == [("王芳", "新建办件"), ("王芳", "作出办理决定")]
    assert ("赵敏", "重新打印文书") in actions
    assert "不予受理通知书" in record.timeline[-2].detail
    first = record.timeline[0].at
    offset = first.utcoffset()
    assert (first.date(), first.hour) == (date(2026, 11, 28), 23)
    assert offset is not None and offset.total_seconds() == 8 * 3600
