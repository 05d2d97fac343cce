"""The applicant's query page (/q/{case number}?c={query code}): what it shows, what it hides, and its guard."""

from __future__ import annotations

import http.client
import sqlite3
import uuid
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from sync_helpers import Running

from desktop.cases.numbers import format_number, make_number
from sync.client import PlatformClient
from sync.platform.operator import open_platform, set_status
from sync.platform.query import QueryLimits, QueryPages, mask_name
from sync.protocol import PlatformStatus

NUMBER = make_number("210102", "03", date(2026, 11, 28), 7)
CODE = "583920"


def _payload(number: str = NUMBER, code: str = CODE) -> dict[str, object]:
    return {
        "schema": 1,
        "number": number,
        "query_code": code,
        "bundle_code": "LNYJS003",
        "decision": "defer",
        "applicant": {"name": "张小三", "id": "11010519491231002X"},
        "center": {"name": "和平区政务服务中心", "division_code": "210102000", "window_code": "03"},
        "clerk": "王芳",
        "decided_at": "2026-11-27T18:10:00+00:00",  # 02:10 on 11月28日 in Beijing
        "values": {"applicant.phone": "13800000000", "address": {"division": "210102", "detail": "和平路1号"}},
        "items": [
            {"item_code": "GA005", "applies": True, "department": "GA", "promised_date": "2026-12-05"},
            {"item_code": "GA006", "applies": False, "department": "GA", "promised_date": None},
        ],
        "materials": [
            {"material_code": "id_card", "name": "居民身份证", "status": "checked", "deadline": None},
            {"material_code": "death_cert", "name": "死亡医学证明", "status": "deferred", "deadline": "2026-12-10"},
        ],
    }


def _submit(client: PlatformClient, **kw: str) -> str:
    case_id = str(uuid.uuid4())
    client.submit_case(case_id, 1, None, _payload(**kw), [])
    return case_id


def _get(running: Running, target: str) -> tuple[int, dict[str, str], str]:
    parts = urlsplit(running.url)
    conn = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=5)
    conn.request("GET", target)
    resp = conn.getresponse()
    body = resp.read().decode()
    conn.close()
    return resp.status, {k.lower(): v for k, v in resp.getheaders()}, body


def test_the_right_code_shows_status_items_and_deadlines_with_only_a_masked_name(
    running: Running, client: PlatformClient
) -> None:
    case_id = _submit(client)
    status, headers, page = _get(running, f"/q/{format_number(NUMBER)}?c={CODE}")
    assert status == 200 and headers["content-type"] == "text/html; charset=utf-8"
    assert "default-src 'none'" in headers["content-security-policy"] and headers["cache-control"] == "no-store"
    assert 'name="viewport"' in page and 'lang="zh-CN"' in page
    for shown in ("张*三", "公民身后一件事", "死亡、宣告死亡办理户口注销", "省公安厅", "2026年12月5日", "已接收"):
        assert shown in page
    assert "死亡医学证明" in page and "2026年12月10日" in page and "居民身份证" not in page  # only what is owed
    assert "2026年11月28日" in page and "容缺受理" in page  # the Beijing day of the decision
    assert "GA006" not in page and "驾驶证" not in page  # an item that does not apply
    for hidden in ("张小三", "11010519491231002X", "13800000000", "和平路1号", "王芳", CODE):
        assert hidden not in page
    set_status(running.platform, case_id, PlatformStatus.RETURNED, "缺少火化证明原件")
    _status, _headers, page = _get(running, f"/q/{NUMBER}?c={CODE}")
    assert "退件（需补正）" in page and "缺少火化证明原件" in page


def test_a_wrong_code_gets_exactly_the_page_an_unknown_case_gets(running: Running, client: PlatformClient) -> None:
    _submit(client)
    other = make_number("210102", "03", date(2026, 11, 28), 8)
    answers = {
        _get(running, target)[::2]
        for target in (
            f"/q/{NUMBER}?c=000000",  # wrong code
            f"/q/{other}?c={CODE}",  # unknown case
            f"/q/{NUMBER}",  # no code
            f"/q/{NUMBER}?c=%C2%B2%C2%B2%C2%B2%C2%B2%C2%B2%C2%B2",  # not ASCII digits
            "/q/%3Cscript%3E?c=1",  # not a number at all
        )
    }
    assert len(answers) == 1
    ((status, page),) = answers
    assert status == 404 and "未查到该办件" in page


def test_a_revised_case_is_found_by_its_number_and_code(running: Running, client: PlatformClient) -> None:
    case_id = _submit(client)
    client.submit_case(case_id, 2, 1, _payload() | {"decision": "accept"}, [])
    _status, _headers, page = _get(running, f"/q/{NUMBER}?c={CODE}")
    assert "<th>窗口结论</th><td>受理</td>" in page


class _Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def pages(running: Running, client: PlatformClient) -> QueryPages:
    _submit(client)
    guarded = QueryPages(running.platform, QueryLimits(failures=3, window_seconds=60))
    guarded.guard.clock = _Clock()
    return guarded


def test_failed_codes_from_one_address_lock_that_address_out_for_a_while(pages: QueryPages) -> None:
    for n in range(3):  # guesses spread over other case numbers: the address is what is counted
        assert pages.answer(make_number("210102", "04", date(2026, 11, 28), n + 1), CODE, "10.0.0.1").status == 404
    blocked = pages.answer(NUMBER, CODE, "10.0.0.1")
    assert blocked.status == 429 and blocked.headers["Retry-After"] == "61" and "查询次数过多" in (blocked.html or "")
    assert pages.answer(NUMBER, CODE, "10.0.0.2").status == 200  # another address is not affected
    assert isinstance(pages.guard.clock, _Clock)
    pages.guard.clock.now += 61
    assert pages.answer(NUMBER, CODE, "10.0.0.1").status == 200


def test_failed_codes_for_one_case_lock_that_case_whatever_the_address(pages: QueryPages) -> None:
    for n in range(3):  # one guess each from many addresses
        assert pages.answer(NUMBER, f"00000{n}", f"10.0.1.{n}").status == 404
    assert pages.answer(NUMBER, CODE, "10.0.2.1").status == 429  # the right code too: guessing cannot go on
    assert pages.answer(format_number(NUMBER), CODE, "10.0.2.1").status == 429  # however the number is written
    other = make_number("210102", "03", date(2026, 11, 28), 9)
    assert pages.answer(other, CODE, "10.0.2.1").status == 404  # other cases answer as usual


def test_the_http_server_answers_429_after_the_default_number_of_failures(running: Running) -> None:
    limits = QueryLimits()
    for _ in range(limits.failures):
        assert _get(running, f"/q/{NUMBER}?c=123456")[0] == 404
    status, headers, page = _get(running, f"/q/{NUMBER}?c={CODE}")
    assert status == 429 and int(headers["retry-after"]) > 0 and "查询过于频繁" in page


def test_cases_from_before_the_query_page_are_indexed_on_open(running: Running, client: PlatformClient) -> None:
    _submit(client)
    path = Path(urlsplit(running.db_url).path)
    with sqlite3.connect(path) as conn:
        conn.execute("DELETE FROM case_query")
    platform = open_platform(running.db_url)
    assert QueryPages(platform).answer(NUMBER, CODE, "10.0.0.1").status == 200
    platform.engine.dispose()


@pytest.mark.parametrize(
    ("name", "masked"),
    [("张三", "张*"), ("张小三", "张*三"), ("欧阳小明", "欧**明"), ("李", "*"), ("", ""), (" 王五 ", "王*")],
)
def test_names_keep_only_their_first_and_last_character(name: str, masked: str) -> None:
    assert mask_name(name) == masked
