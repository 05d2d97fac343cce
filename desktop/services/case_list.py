"""The hall's case list and case detail: filters and the search box (bundle names and keywords of the catalog in use
become bundle codes), one case as the detail view shows it (items with outcomes and reasons, materials and their
scans, the timeline from the audit log on the hall's clock), the clerks a supervisor filters by, deleting a draft."""

from __future__ import annotations

import threading
import uuid
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

from desktop.cases.decisions import MATERIAL_STATUS_LABELS, MaterialStatus
from desktop.cases.numbers import format_number
from desktop.cases.ratings import LEVELS
from desktop.cases.roles import SYSTEM_ACTORS
from desktop.cases.states import DECISION_LABELS, STATE_LABELS, CaseState, Decision
from desktop.catalog.search import SearchKeys, search_keys
from desktop.services.cases import CaseFilter
from desktop.services.catalogs import CatalogInUse
from desktop.services.hall import Hall
from desktop.store.models import AuditEvent
from desktop.store.search import SearchKind, classify

__all__ = [
    "ACTION_LABELS",
    "AttachmentLine",
    "CaseRecord",
    "ItemLine",
    "MaterialLine",
    "TimelineEntry",
    "bundle_codes_for",
    "case_record",
    "clerk_choices",
    "delete_draft",
    "resolve_filter",
    "timeline",
]

MIN_BUNDLE_QUERY = 2  # one character (a surname) is a name, never a bundle

ACTION_LABELS: dict[str, str] = {
    "draft": "新建办件",
    "decide": "作出办理决定",
    "reopen": "重新打开补正",
    "supply_deferred": "补齐容缺材料",
    "queue": "提交上报",
    "sent": "已上报省平台",
    "relayed": "经中心服务器转报",
    "quarantined": "上报被平台拒收",
    "retry": "重新提交上报",
    "platform_state": "平台反馈办理状态",
    "rate": "好差评",
    "rating_follow_up": "差评回访/整改",
    "void": "作废",
    "print": "打印文书",
    "reprint": "重新打印文书",
    "export": "导出PDF",
    "delete_draft": "删除草稿",
}
SYSTEM_NAMES = {"platform": "省平台", "sync": "同步服务", "system": "系统"}


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime  # on the hall's wall clock
    operator: str  # the account's name (李晓梅), or what the system actor is
    action: str  # in Chinese
    detail: str


@dataclass(frozen=True)
class ItemLine:
    code: str
    name: str
    department: str
    applies: bool
    outcome: str  # 受理 / 容缺受理 / 一次性告知补正 / 不予受理, or 不办理
    reason: str  # why the item was decided so (or why it does not apply)
    promised: str  # 2026-12-14 (承诺办结)


@dataclass(frozen=True)
class AttachmentLine:
    material: str
    name: str  # what the detail view lists: 身份证 · 扫描件 1 (jpeg, 120 KB)
    added_at: datetime  # on the hall's wall clock


@dataclass(frozen=True)
class MaterialLine:
    code: str
    name: str
    status: str
    copies: int
    deadline: date | None
    scans: int


@dataclass(frozen=True)
class CaseRecord:
    """One case as the detail view shows it."""

    id: uuid.UUID
    number: str  # grouped for reading; 草稿 for a case without one
    bundle: str
    state: CaseState
    state_label: str
    decision: Decision | None
    decision_label: str
    applicant: str
    applicant_id: str
    phone: str
    clerk: str
    created_at: datetime
    decided_at: datetime | None
    reason: str
    voided: str  # 作废 with its reason, or empty
    items: tuple[ItemLine, ...]
    materials: tuple[MaterialLine, ...]
    attachments: tuple[AttachmentLine, ...]
    timeline: tuple[TimelineEntry, ...]

    @property
    def printable(self) -> bool:
        return self.decision is not None


# -- the search box and the filters ---------------------------------------------------------------------------

_KEYS: dict[int, tuple[CatalogInUse, dict[str, SearchKeys]]] = {}
_KEYS_LOCK = threading.Lock()


def _keys(current: CatalogInUse) -> dict[str, SearchKeys]:
    """The catalog's bundle search keys, made once per catalog (pypinyin is slow: a pool thread pays it)."""
    with _KEYS_LOCK:
        held = _KEYS.get(id(current))
        if held is None or held[0] is not current:
            held = _KEYS[id(current)] = (current, search_keys(current.index.catalog.bundles))
        return held[1]


def bundle_codes_for(current: CatalogInUse, text: str) -> tuple[str, ...] | None:
    """The bundle codes a search text names (a bundle's name or part of it, a keyword, pinyin initials), or None
    when it names no bundle and is a case number, ID, phone or applicant name for the store's search box."""
    typed = text.strip()
    if len(typed) < MIN_BUNDLE_QUERY or classify(typed).kind not in (SearchKind.KEYWORD, SearchKind.PREFIX):
        return None
    codes = tuple(code for code, keys in _keys(current).items() if keys.matches(typed))
    return codes or None


def resolve_filter(current: CatalogInUse | None, chosen: CaseFilter) -> CaseFilter:
    """``chosen`` with a search text that names bundles turned into those bundle codes (kept within a bundle already
    chosen); any other text goes to the store's search box as typed."""
    if current is None or not chosen.text:
        return chosen
    codes = bundle_codes_for(current, chosen.text)
    if codes is None:
        return chosen
    if chosen.bundles is not None:
        codes = tuple(c for c in codes if c in chosen.bundles)
    return replace(chosen, text=None, bundles=codes)


def clerk_choices(hall: Hall) -> list[tuple[str, str]]:
    """(username, name) of every account, for a supervisor's clerk filter."""
    return [(a.username, a.display_name) for a in hall.store.accounts()]


# -- one case ---------------------------------------------------------------------------------------------------


def _names(hall: Hall, actors: set[str]) -> dict[str, str]:
    names = dict(SYSTEM_NAMES)
    for actor in actors - SYSTEM_ACTORS:
        account = hall.store.account(actor)
        names[actor] = actor if account is None else account.display_name
    return names


def _detail_text(event: AuditEvent, titles: dict[str, str]) -> str:
    d: dict[str, Any] = dict(event.detail)
    match event.action:
        case "decide":
            label = DECISION_LABELS.get(Decision(d["decision"]), "") if d.get("decision") else ""
            return f"{label}　办件编号 {format_number(d['number'])}" if d.get("number") else label
        case "platform_state":
            state = STATE_LABELS.get(CaseState(d["state"]), d["state"]) if d.get("state") else ""
            return "　".join(t for t in (state, str(d.get("note") or "")) if t)
        case "queue" | "sent" | "relayed":
            return f"第{d['revision']}版" if d.get("revision") else ""
        case "rate":
            level = LEVELS.get(int(d.get("level") or 0), "")
            return "　".join(t for t in (level, str(d.get("reason") or "")) if t)
        case "void":
            return str(d.get("reason") or "")
        case "print" | "reprint" | "export":  # a document key, or transfer:<department> for one department's slip
            kind, _, department = str(d.get("document", "")).partition(":")
            what = titles.get(kind, kind) + (f"（{department}）" if department else "")
            return f"{what}　{d['path']}" if d.get("path") else what
        case "supply_deferred":
            return f"{len(d.get('materials') or [])}项材料"
        case "quarantined":
            return str(d.get("error") or d.get("reason") or "")
    return ""


def timeline(hall: Hall, case_id: uuid.UUID) -> list[TimelineEntry]:
    """What happened to the case, oldest first, from the audit log: the hall's time, who, what (in Chinese)."""
    from printing.documents import TITLES  # noqa: PLC0415 - reportlab loads with the detail view, not the list

    titles = {kind.value: title for kind, title in TITLES.items()} | {"pdf": "PDF文件"}
    events = hall.store.audit_trail(case_id)
    names = _names(hall, {e.actor for e in events})
    return [
        TimelineEntry(
            hall.clock.local(e.at),
            names.get(e.actor, e.actor),
            ACTION_LABELS.get(e.action, e.action),
            _detail_text(e, titles),
        )
        for e in events
    ]


def case_record(hall: Hall, current: CatalogInUse, case_id: uuid.UUID) -> CaseRecord:
    """The case whole for the detail view, named by the catalog it began under (or the one in use)."""
    detail = hall.store.get(case_id)
    case = detail.case
    idx = hall.catalogs.for_version(case.catalog_version, current).index
    item_names = {code: item.name for code, item in idx.items.items()}
    departments = {code: d.name for code, d in idx.departments.items()}
    items = tuple(
        ItemLine(
            i.item_code,
            item_names.get(i.item_code, i.item_code),
            departments.get(i.department, i.department),
            i.applies,
            (DECISION_LABELS[i.outcome] if i.outcome else ("" if i.applies else "不办理")),
            i.outcome_reason or i.reason or "",
            i.promised_date.isoformat() if i.promised_date else "",
        )
        for i in detail.items
    )
    scans: dict[str, int] = {}
    for a in detail.attachments:
        scans[a.material_code] = scans.get(a.material_code, 0) + 1
    materials = tuple(
        MaterialLine(
            m.material_code,
            m.name,
            MATERIAL_STATUS_LABELS.get(MaterialStatus(m.status), str(m.status)),
            m.copies,
            m.deadline,
            scans.get(m.material_code, 0),
        )
        for m in detail.materials
    )
    material_names = {m.material_code: m.name for m in detail.materials}
    attachments = tuple(
        AttachmentLine(
            a.material_code,
            f"{material_names.get(a.material_code, a.material_code)}　{a.media_type}，{_size(a.size)}",
            hall.clock.local(a.added_at),
        )
        for a in detail.attachments
    )
    clerk = _names(hall, {case.clerk}).get(case.clerk, case.clerk)
    voided = f"{case.void_reason or ''}" if case.voided_at is not None else ""
    return CaseRecord(
        id=case.id,
        number=format_number(case.number) if case.number else "（草稿）",
        bundle=idx.bundles[case.bundle_code].name if case.bundle_code in idx.bundles else case.bundle_code,
        state=case.state,
        state_label=STATE_LABELS.get(case.state, case.state.value),
        decision=case.decision,
        decision_label=DECISION_LABELS[case.decision] if case.decision else "",
        applicant=case.applicant_name or "",
        applicant_id=case.applicant_id or "",
        phone=case.applicant_phone or "",
        clerk=clerk,
        created_at=hall.clock.local(case.created_at),
        decided_at=hall.clock.local(case.decided_at) if case.decided_at else None,
        reason=case.reason or "",
        voided=voided,
        items=items,
        materials=materials,
        attachments=attachments,
        timeline=tuple(timeline(hall, case_id)),
    )


def _size(n: int) -> str:
    return f"{n / 1024:.0f} KB" if n < 1024 * 1024 else f"{n / 1024 / 1024:.1f} MB"


def delete_draft(hall: Hall, case_id: uuid.UUID, operator: str) -> None:
    """删除草稿: erase an undecided draft, audited under ``operator`` (raises ``NotEditable`` for any other case,
    ``UnknownOperator`` for an operator who is not an enabled account)."""
    hall.store.delete_draft(case_id, actor=operator)
