"""The sync commands of ``yishi``: operator commands, enrolment, one sync run, transfer files; errors exit non-zero."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sync_helpers import FIELD, Running, queue_case

from desktop import entry as cli
from desktop.store.repo import Store


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = cli.main(args)
    out, err = capsys.readouterr()
    return code, out, err


def enroll(running: Running, device: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["platform", "enroll-code", "和平区 03 窗口", "--db", running.db_url], capsys)
    assert code == 0
    status, out, err = run(["enroll", running.url, out.strip(), "--device-dir", str(device)], capsys)
    assert status == 0, err
    assert "enrolled as dev-" in out


def test_sync_without_enrolment_exits_2_with_a_hint(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _out, err = run(["sync", "--device-dir", str(tmp_path / "none")], capsys)
    assert code == 2 and "not enrolled" in err and "yishi enroll" in err


def test_enroll_then_sync_prints_the_report_and_set_status_comes_back(
    running: Running, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db, device = tmp_path / "w" / "cases.sqlite3", tmp_path / "device"
    store = Store(db)
    case_id = queue_case(store)
    store.close()
    enroll(running, device, capsys)
    code, out, err = run(["--db", str(db), "sync", "--device-dir", str(device)], capsys)
    assert code == 0, err
    result = json.loads(out)
    assert [s["case_id"] for s in result["report"]["sent"]] == [str(case_id)]
    assert result["outbox"]["pending"] == 0 and result["outbox"]["last_success"]
    number = result["report"]["sent"][0]["platform_number"]
    code, out, _ = run(["platform", "set-status", number, "办结", "--db", running.db_url], capsys)
    assert code == 0 and json.loads(out)["status"] == "completed"
    code, out, _ = run(["--db", str(db), "sync", "--device-dir", str(device)], capsys)
    assert json.loads(out)["report"]["status_changes"][0]["state"] == "completed"


def test_sync_against_an_unreachable_platform_exits_non_zero(
    running: Running, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    device = tmp_path / "device"
    enroll(running, device, capsys)
    info = device / "device.json"
    data = json.loads(info.read_text())
    data["platform_url"] = "http://127.0.0.1:9"  # discard port: nothing listens
    info.write_text(json.dumps(data))
    code, out, err = run(["--db", str(tmp_path / "c.sqlite3"), "sync", "--device-dir", str(device)], capsys)
    assert code == 3 and "unreachable" in err
    assert json.loads(out)["report"]["stopped"]


def test_set_status_refuses_unknown_status_and_case(running: Running, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(["platform", "set-status", "LN1", "maybe", "--db", running.db_url], capsys)
    assert code == 1 and "STATUS must be one of" in err
    code, _, err = run(["platform", "set-status", "LN1", "completed", "--db", running.db_url], capsys)
    assert code == 1 and "no case" in err


def test_field_laptop_export_window_import_and_platform_import(
    running: Running, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    laptop_db, device, stick = tmp_path / "laptop" / "cases.sqlite3", tmp_path / "laptop-device", tmp_path / "f.yst"
    store = Store(laptop_db)
    ids = {str(queue_case(store, name, profile=FIELD)) for name in ("张三", "李四")}
    store.close()
    enroll(running, device, capsys)
    code, out, err = run(["--db", str(laptop_db), "export-transfer", str(stick), "--device-dir", str(device)], capsys)
    assert code == 0, err
    assert "2 case revision(s)" in out
    window_db = tmp_path / "window" / "cases.sqlite3"
    code, out, err = run(["--db", str(window_db), "import-transfer", str(stick)], capsys)
    assert code == 0 and "queued for upload" in out
    assert len(list((window_db.parent / "transfers").glob("*.yst"))) == 1
    code, out, _ = run(["platform", "import", str(stick), "--db", running.db_url], capsys)
    result = json.loads(out)
    assert code == 0 and result["already_imported"] is False and {c["case_id"] for c in result["cases"]} == ids


def test_damaged_transfer_file_is_refused_with_a_clear_message(
    running: Running, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.yst"
    bad.write_bytes(b"YSTF\x01" + b"\x00" * 40)
    code, out, err = run(["platform", "import", str(bad), "--db", running.db_url], capsys)
    assert code == 1 and out == "" and err.startswith("error: transfer file refused:")
    code, _, err = run(["--db", str(tmp_path / "c.sqlite3"), "import-transfer", str(tmp_path / "missing.yst")], capsys)
    assert code == 1 and "cannot read" in err


def test_export_without_enrolment_or_cases_fails(
    running: Running, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "c.sqlite3"
    code, _, err = run(["--db", str(db), "export-transfer", str(tmp_path / "x.yst"), "--device-dir", "nope"], capsys)
    assert code == 2 and "not enrolled" in err
    enroll(running, tmp_path / "device", capsys)
    args = ["--db", str(db), "export-transfer", str(tmp_path / "x.yst"), "--device-dir", str(tmp_path / "device")]
    code, _, err = run(args, capsys)
    assert code == 1 and "nothing to export" in err


def test_a_platform_database_that_cannot_be_opened_is_one_line_and_exit_1(capsys: pytest.CaptureFixture[str]) -> None:
    code = cli.main(["platform", "enroll-code", "窗口", "--db", "postgresql://nobody@127.0.0.1:1/none"])
    err = capsys.readouterr().err
    assert code == 1
    assert err.startswith("error: cannot open the platform database") and "Traceback" not in err
    assert err.count("\n") == 1
