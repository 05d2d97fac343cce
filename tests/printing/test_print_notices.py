"""Notices complete in law and practice (《行政许可法》§§30–32): each item's outcome, grounds, remedies and issuer."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from print_helpers import flat, pdf_text

from desktop.cases.states import Decision
from printing.documents import one_time_notice_pdf, receipt_pdf, rejection_notice_pdf, transfer_slip_pdf
from printing.model import DocCase, DocItem

LICENSING_32_4 = "根据《中华人民共和国行政许可法》第三十二条第一款第（四）项的规定"
GENERAL_RULE = "政务服务“首问负责、一次性告知、限时办结”制度"


def _items(doc: DocCase, **by_name: DocItem) -> DocCase:
    return replace(doc, items=tuple(by_name.get(i.name, i) for i in doc.items))


def _set(doc: DocCase, name: str, **changes: object) -> DocCase:
    item = next(i for i in doc.items if i.name == name)
    return _items(doc, **{name: replace(item, **changes)})  # type: ignore[arg-type]


# --- 一次性告知书 --------------------------------------------------------------------------------------------


def test_one_time_notice_of_a_licence_cites_article_32_and_of_a_service_the_general_rule(doc: DocCase) -> None:
    name = "城乡居民基本医疗保险参保登记"
    service = _set(doc, name, outcome=Decision.NOTIFY, kind="公共服务")
    text = flat(pdf_text(one_time_notice_pdf(service)))
    assert GENERAL_RULE in text and "行政许可法" not in text
    licence = _set(doc, name, outcome=Decision.NOTIFY, kind="行政许可")
    text = flat(pdf_text(one_time_notice_pdf(licence)))
    assert LICENSING_32_4 in text and GENERAL_RULE not in text


def test_one_time_notice_over_a_licence_and_a_service_cites_each_for_its_own(doc: DocCase) -> None:
    both = _set(doc, "城乡居民基本医疗保险参保登记", outcome=Decision.NOTIFY, kind="行政给付")
    both = _set(both, "出生医学证明办理", outcome=Decision.NOTIFY, kind="行政许可")
    text = flat(pdf_text(one_time_notice_pdf(both)))
    assert "对行政许可事项（“出生医学证明办理”）" in text
    assert "《中华人民共和国行政许可法》第三十二条第一款第（四）项" in text and GENERAL_RULE in text


def test_one_time_notice_tells_every_defect_of_every_notified_item_at_once(doc: DocCase) -> None:
    told = _set(
        doc, "城乡居民基本医疗保险参保登记", outcome=Decision.NOTIFY, outcome_reason="申请表未签名，不符合法定形式"
    )
    told = _set(told, "社会保障卡申领", outcome=Decision.NOTIFY)
    told = replace(told, reason="照片底色应为白色")
    text = flat(pdf_text(one_time_notice_pdf(told)))
    assert "“城乡居民基本医疗保险参保登记”、“社会保障卡申领”的申请材料不齐全或者不符合法定形式" in text
    assert "缺少材料：参保人银行账户信息（复印件）；其他需补正：申请表未签名，不符合法定形式" in text
    assert "社会保障卡申领本事项材料已齐，待本件其他材料补正后一并受理" in text
    assert "其他需要补正的内容照片底色应为白色" in text
    assert "需本人签字" in text  # the material's own note, in the requirements table
    assert "出生医学证明办理" not in text.split("一、各事项需要补正的内容")[1].split("二、")[0]  # accepted: not told
    assert "告知人（签字）：李娜" in text and "申请人（签收）" in text
    assert "扫描本告知书上的条码或二维码即可调取原申请" in text


# --- 不予受理通知书 -----------------------------------------------------------------------------------------


def _refused(doc: DocCase, name: str, **changes: object) -> DocCase:
    return _set(doc, name, outcome=Decision.REJECT, **changes)


def test_rejection_names_only_the_refused_items_with_reason_and_grounds_and_no_dates(doc: DocCase) -> None:
    refused = _refused(
        doc,
        "社会保障卡申领",
        outcome_reason="申请人已持有有效社会保障卡",
        basis=("《社会保障卡管理办法》第十条",),
        kind="公共服务",
    )
    text = flat(pdf_text(rejection_notice_pdf(refused)))
    assert "申请办理的“新生儿出生一件事”中的“社会保障卡申领”，经审查，决定不予受理" in text
    assert "申请人已持有有效社会保障卡" in text and "《社会保障卡管理办法》第十条" in text
    assert "行政许可法" not in text  # not a licence
    assert "承诺办结日期" not in text and "2025年10月16日" not in text  # no promised date for a refused item
    assert "本件其他事项（“出生医学证明办理”" in text and "已受理，详见《受理回执》" in text
    assert "申请人（签收）" in text and "经办人（签字）：李娜" in text


def test_a_licence_not_this_organs_says_where_to_apply_under_article_32_1_2(doc: DocCase) -> None:
    refused = _refused(
        doc,
        "户口登记（出生登记）",
        kind="行政许可",
        outcome_reason="新生儿户籍地不在本辖区",
        refer_to="新生儿父母户籍所在地公安派出所",
    )
    text = flat(pdf_text(rejection_notice_pdf(refused)))
    assert "该申请事项依法不属于本机关职权范围，请向新生儿父母户籍所在地公安派出所申请" in text
    assert "《中华人民共和国行政许可法》第三十二条第一款第（二）项" in text


def test_rejection_names_the_reviewing_organ_and_court_with_60_days_and_6_months(doc: DocCase) -> None:
    refused = _refused(doc, "社会保障卡申领", outcome_reason="不符合条件")
    text = flat(pdf_text(rejection_notice_pdf(refused)))
    assert (
        "可以自收到本通知书之日起六十日内，依照《中华人民共和国行政复议法》的规定向沈阳市和平区人民政府申请行政复议"
        in text
    )
    assert (
        "自收到本通知书之日起六个月内，依照《中华人民共和国行政诉讼法》的规定向沈阳市和平区人民法院提起行政诉讼" in text
    )
    anonymous = replace(refused, hall=replace(refused.hall, review_organ="", court=""))
    text = flat(pdf_text(rejection_notice_pdf(anonymous)))
    assert "向依法有管辖权的行政复议机关申请行政复议" in text and "向有管辖权的人民法院提起行政诉讼" in text


def test_an_item_reviewed_elsewhere_gets_its_own_remedy_sentence(doc: DocCase) -> None:
    refused = _refused(doc, "社会保障卡申领", outcome_reason="不符合条件")
    refused = _refused(refused, "城乡居民基本医疗保险参保登记", outcome_reason="已参保", review_organ="上一级税务机关")
    text = flat(pdf_text(rejection_notice_pdf(refused)))
    assert "对“社会保障卡申领”的决定不服的" in text and "向沈阳市和平区人民政府申请行政复议" in text
    assert "对“城乡居民基本医疗保险参保登记”的决定不服的" in text and "向上一级税务机关申请行政复议" in text


def test_a_utilitys_refusal_offers_no_review_but_a_line_to_object(doc: DocCase) -> None:
    refused = _refused(doc, "社会保障卡申领", outcome_reason="户名不符", reviewable=False, hotline="95598")
    text = flat(pdf_text(rejection_notice_pdf(refused)))
    assert "申请行政复议" not in text and "提起行政诉讼" not in text
    assert "不属于行政行为；如有异议，可拨打95598反映" in text


def test_notices_are_issued_for_the_competent_organ_the_center_acts_for(doc: DocCase) -> None:
    organ = "沈阳市公安局交通警察支队"
    refused = _refused(doc, "户口登记（出生登记）", outcome_reason="不符合条件", competent_organ=organ)
    text = flat(pdf_text(rejection_notice_pdf(refused)))
    assert text.startswith(organ + "（沈阳市和平区政务服务中心受委托办理）不予受理通知书")
    assert "（印章）" + organ in text  # the seal is the organ's
    # A receipt for items with no competent organ of their own is the center's.
    assert flat(pdf_text(receipt_pdf(doc))).startswith("沈阳市和平区政务服务中心受理回执")


# --- 受理回执 and 流转单 under per-item outcomes --------------------------------------------------------------


def test_receipt_lists_accepted_and_deferred_items_only(doc: DocCase) -> None:
    mixed = _set(doc, "社会保障卡申领", outcome=Decision.REJECT)
    mixed = _set(mixed, "出生医学证明办理", outcome=Decision.DEFER)
    mixed = _set(mixed, "预防接种证办理", outcome=Decision.NOTIFY)
    text = flat(pdf_text(receipt_pdf(mixed)))
    table = text.split("一、受理事项及承诺办结日期")[1].split("另有")[0]
    assert "出生医学证明办理（容缺受理）" in table and "户口登记（出生登记）" in table
    assert "社会保障卡申领" not in table and "预防接种证办理" not in table
    assert "另有“预防接种证办理”（一次性告知补正）、“社会保障卡申领”（不予受理）本次未予受理" in text
    assert "详见《一次性告知书》《不予受理通知书》" in text


def test_slips_go_only_to_departments_of_accepted_items(doc: DocCase) -> None:
    mixed = _set(doc, "社会保障卡申领", outcome=Decision.REJECT)
    assert "沈阳市和平区人力资源和社会保障局" not in mixed.departments
    text = flat(pdf_text(transfer_slip_pdf(mixed)))
    assert "接收部门：沈阳市和平区人力资源和社会保障局" not in text


@pytest.mark.parametrize("outcome", [Decision.NOTIFY, Decision.REJECT])
def test_a_result_is_not_passed_to_an_item_that_does_not_go_ahead(doc: DocCase, outcome: Decision) -> None:
    stopped = _set(doc, "户口登记（出生登记）", outcome=outcome)
    [flow] = stopped.flows
    assert "户口登记（出生登记）" not in flow.to_items
    assert flow.to_items == ("城乡居民基本医疗保险参保登记",)


def test_estimated_and_known_dates_keep_their_marks(doc: DocCase) -> None:
    item = DocItem("测试事项", "测试部门", 3, date(2027, 1, 6), estimated=True, statutory_days=20)
    assert "2027年1月6日（预计）" in flat(pdf_text(receipt_pdf(replace(doc, items=(item,)))))
