from datetime import date

import pytest
from hall_cases import decided, staff

from desktop.cases.ratings import FollowUpKind
from desktop.cases.roles import NotPermitted
from desktop.cases.states import CaseState, Decision
from desktop.services import ratings
from desktop.services.hall import Hall
from desktop.store.ratings import RatingError


def latest_payload(hall: Hall) -> dict[str, object]:
    entries = hall.store.pending_outbox(hall.clock.now())
    return entries[-1].payload


def test_a_rating_is_stored_with_the_case_and_queued_for_the_platform(hall: Hall) -> None:
    people = staff(hall)
    case = decided(hall, Decision.ACCEPT)
    rating = ratings.rate(hall, case.id, 5, people["wangf"])
    assert (rating.level, rating.clerk, rating.reason) == (5, "wangf", None)
    payload = latest_payload(hall)
    assert payload["revision"] == 2
    assert payload["rating"] == {
        "level": 5,
        "label": "非常满意",
        "reason": None,
        "note": "",
        "clerk": "wangf",
        "rated_at": rating.rated_at.isoformat(),
        "follow_up": None,
    }
    with pytest.raises(RatingError, match="rated already"):
        ratings.rate(hall, case.id, 4, people["wangf"])


def test_a_bad_rating_needs_a_reason_from_the_categories(hall: Hall) -> None:
    people = staff(hall)
    case = decided(hall, Decision.ACCEPT)
    with pytest.raises(ValueError, match="needs a reason"):
        ratings.rate(hall, case.id, 1, people["wangf"])
    with pytest.raises(ValueError, match="needs a reason"):
        ratings.rate(hall, case.id, 2, people["wangf"], reason="made-up")
    with pytest.raises(ValueError, match="1–5"):
        ratings.rate(hall, case.id, 6, people["wangf"])
    assert hall.store.rating_of(case.id) is None
    ratings.rate(hall, case.id, 2, people["wangf"], reason="efficiency", note="等了四十分钟")
    assert [r.case_id for r in hall.store.bad_ratings(open_only=True)] == [case.id]


def test_only_a_supervisor_records_the_follow_up_of_a_bad_rating(hall: Hall) -> None:
    people = staff(hall)
    case = decided(hall, Decision.ACCEPT)
    good = decided(hall, Decision.ACCEPT, clerk="lq")
    ratings.rate(hall, case.id, 1, people["wangf"], reason="attitude")
    ratings.rate(hall, good.id, 4, people["lq"])
    with pytest.raises(NotPermitted):
        ratings.follow_up(
            hall, case.id, people["wangf"], kind=FollowUpKind.VISIT, on=date(2026, 11, 29), note="已电话回访"
        )
    with pytest.raises(NotPermitted):
        hall.store.follow_up(case.id, FollowUpKind.VISIT, date(2026, 11, 29), "已电话回访", actor="wangf")
    with pytest.raises(RatingError, match="only a 差评"):
        ratings.follow_up(hall, good.id, people["zhaom"], kind=FollowUpKind.VISIT, on=date(2026, 11, 29), note="回访")
    ratings.follow_up(
        hall, case.id, people["zhaom"], kind=FollowUpKind.RECTIFY, on=date(2026, 11, 30), note="窗口服务规范培训"
    )
    assert hall.store.bad_ratings(open_only=True) == []
    follow = latest_payload(hall)["rating"]
    assert isinstance(follow, dict)
    assert follow["follow_up"] == {"kind": "rectify", "on": "2026-11-30", "note": "窗口服务规范培训", "by": "zhaom"}
    summary = ratings.rating_summary(hall, {})
    assert [(b.number, b.follow_up) for b in summary.bad] == [(case.number, "整改 2026-11-30：窗口服务规范培训")]


def test_a_supervisor_voids_a_case_with_a_reason_and_it_is_kept(hall: Hall) -> None:
    people = staff(hall)
    case = decided(hall, Decision.ACCEPT)
    with pytest.raises(NotPermitted):
        ratings.void(hall, case.id, "录入错误", people["wangf"])
    with pytest.raises(RatingError, match="needs a reason"):
        ratings.void(hall, case.id, "  ", people["zhaom"])
    voided = ratings.void(hall, case.id, "重复录入", people["zhaom"])
    assert (voided.voided_by, voided.void_reason) == ("zhaom", "重复录入")
    assert hall.store.get(case.id).case.state is CaseState.QUEUED
    assert latest_payload(hall)["void"] == {
        "at": voided.voided_at.isoformat() if voided.voided_at else None,
        "by": "zhaom",
        "reason": "重复录入",
    }
    with pytest.raises(RatingError, match="void already"):
        ratings.void(hall, case.id, "again", people["zhaom"])
    with pytest.raises(RatingError, match="not voided"):
        ratings.rate(hall, case.id, 5, people["wangf"])
    assert [e.action for e in hall.store.audit_trail(case.id)][-2:] == ["void", "queue"]
