"""A made-up case for previews, tests and the benchmark (names and numbers are fictitious)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from desktop.cases.decisions import MaterialStatus
from desktop.cases.workdays import WorkCalendar
from desktop.catalog.schema import MaterialForm
from printing.model import DocCase, DocItem, DocMaterial, HallInfo

SAMPLE_HALL = HallInfo(
    consult_phone="024-22863000",
    supervise_phone="024-22863100",
    address="沈阳市和平区南京南街1号",
    hours="周一至周五 8:30—11:30，13:00—17:00（法定节假日除外）",
    review_organ="沈阳市和平区人民政府",
    court="沈阳市和平区人民法院",
    receipt_base_url="https://zwfw.example.cn/yjs",
)


def _item(name: str, department: str, days: int, statutory: int, start: date, **extra: Any) -> DocItem:
    deadline = WorkCalendar().add_working_days(start, days)
    return DocItem(name, department, days, deadline.date, deadline.estimated, statutory, **extra)


BEIJING = ZoneInfo("Asia/Shanghai")


def sample_case(decided_at: datetime = datetime(2025, 9, 26, 10, 30, tzinfo=BEIJING)) -> DocCase:
    """新生儿出生一件事, decided just before 国庆 2025 so the dates show the holiday."""
    start = decided_at.date()
    items = (
        _item(
            "出生医学证明办理",
            "沈阳市和平区卫生健康局",
            1,
            20,
            start,
            kind="公共服务",
            fee="不收费",
            produces=("出生医学证明",),
        ),
        _item("预防接种证办理", "沈阳市和平区卫生健康局", 0, 1, start, kind="公共服务", fee="不收费"),
        _item(
            "户口登记（出生登记）", "沈阳市公安局和平分局", 5, 20, start, kind="行政确认", fee="不收费", hotline="110"
        ),
        _item(
            "城乡居民基本医疗保险参保登记",
            "沈阳市和平区医疗保障局",
            3,
            15,
            start,
            kind="公共服务",
            fee="不收费（城乡居民医保个人缴费按统筹地区当年度标准另行缴纳）",
            hotline="12393",
        ),
        _item(
            "社会保障卡申领",
            "沈阳市和平区人力资源和社会保障局",
            10,
            20,
            start,
            kind="公共服务",
            fee="首次申领免收证件工本费",
            hotline="12333",
        ),
    )
    supplement_by = WorkCalendar().add_working_days(start, 5).date
    materials = (
        DocMaterial("父母双方居民身份证", MaterialForm.ORIGINAL_CHECKED, 1, MaterialStatus.CHECKED),
        DocMaterial("居民户口簿", MaterialForm.ORIGINAL_CHECKED, 1, MaterialStatus.CHECKED),
        DocMaterial("结婚证", MaterialForm.ELICENCE, 1, MaterialStatus.ELICENCE, item_names=("户口登记（出生登记）",)),
        DocMaterial(
            "出生医学证明申请表",
            MaterialForm.ORIGINAL_KEPT,
            1,
            MaterialStatus.RECEIVED,
            item_names=("出生医学证明办理",),
        ),
        DocMaterial(
            "新生儿近期免冠彩色照片",
            MaterialForm.ORIGINAL_KEPT,
            2,
            MaterialStatus.RECEIVED,
            item_names=("社会保障卡申领",),
        ),
        DocMaterial(
            "分娩医院出具的住院病历首页",
            MaterialForm.COPY,
            1,
            MaterialStatus.DEFERRED,
            deadline=supplement_by,
            item_names=("出生医学证明办理",),
        ),
        DocMaterial(
            "参保人银行账户信息",
            MaterialForm.COPY,
            1,
            MaterialStatus.MISSING,
            item_names=("城乡居民基本医疗保险参保登记",),
            note="需本人签字",
        ),
        DocMaterial(
            "出生医学证明",
            MaterialForm.ELICENCE,
            1,
            MaterialStatus.ELICENCE,
            item_names=("户口登记（出生登记）", "城乡居民基本医疗保险参保登记"),
            produced_by="出生医学证明办理",
        ),
    )
    return DocCase(
        case_number="210102000-03-250926-0012-O",
        query_code="583920",
        bundle_name="新生儿出生一件事",
        bundle_code="LN-YJS-0001",
        applicant_name="张晓明",
        applicant_id_masked="11010519491231002X",
        phone="13800001234",
        center_name="沈阳市和平区政务服务中心",
        division_code="210102",
        window="3号综合窗口",
        clerk="李娜",
        decided_at=decided_at,
        catalog_version="2025.09-sample",
        items=items,
        materials=materials,
        reason="申请人所提交的出生医学证明与医院登记信息不一致，且不属于本中心受理范围的情形，请向分娩医院核实。",
        hall=SAMPLE_HALL,
        applicant_id="11010519491231002X",
        identifiers=(("父亲公民身份号码", "11010519491231002X"), ("母亲公民身份号码", "440524188001010014")),
        delivery_method="邮寄送达",
        delivery_address="辽宁省沈阳市和平区中山路88号2单元",
    )
