"""Sync on the command line: the reference platform's operator commands, enrolment, one sync run, transfer files.

``yishi platform serve|import|enroll-code|set-status``, ``yishi enroll``, ``yishi sync``, ``yishi export-transfer``,
``yishi import-transfer``. Messages are English; bad input and an unreachable platform exit non-zero.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from desktop import settings as settings_mod
from desktop.cases.clock import Clock
from desktop.cli.common import fail as _fail
from desktop.cli.common import open_hall
from desktop.paths import db_path_from
from desktop.services import sync as sync_service
from sync.protocol import PlatformStatus
from sync.transfer import TransferError

# 中文 status words an operator may type instead of the API's English ones
STATUS_WORDS = {"受理": "accepted", "在办": "accepted", "办结": "completed", "退件": "returned", "不予受理": "rejected"}


def _print_json(data: Any) -> None:
    json.dump(data, sys.stdout, ensure_ascii=False, indent=2)
    print()


def platform_db(args: argparse.Namespace) -> str:
    """``--db`` (a URL or a SQLite path), else ``YISHI_PLATFORM_DB``, else ``platform.sqlite3`` in the data dir."""
    chosen = args.platform_db or os.environ.get("YISHI_PLATFORM_DB")
    return chosen or str(sync_service.data_dir() / "platform.sqlite3")


def case_db(args: argparse.Namespace) -> Path | str:
    return db_path_from(args, settings_mod.load())


def hall_clock() -> Clock:
    return Clock.for_zone(settings_mod.load().time_zone)


def device_folder(args: argparse.Namespace) -> Path:
    return Path(args.device_dir) if getattr(args, "device_dir", None) else sync_service.device_dir()


# -- platform operator ------------------------------------------------------------------------------------------


def _platform_command(handler: Callable[[argparse.Namespace], int]) -> Callable[[argparse.Namespace], int]:
    """A platform command whose database cannot be opened as configured (psycopg missing, a bad URL, an unreachable
    server, a key-file problem) ends in one English line, not a traceback."""

    def run(args: argparse.Namespace) -> int:
        from sync.platform.db import PlatformSetupError  # noqa: PLC0415 - platform code loads only for its commands

        try:
            return handler(args)
        except PlatformSetupError as exc:
            return _fail(str(exc))

    return run


def platform_serve(args: argparse.Namespace) -> int:
    from sync.platform.server import serve  # noqa: PLC0415 - platform code loads only for its own commands

    if bool(args.tls_cert) != bool(args.tls_key):
        return _fail("--tls-cert and --tls-key go together")
    cert, key = (Path(args.tls_cert), Path(args.tls_key)) if args.tls_cert else (None, None)
    try:
        serve(platform_db(args), args.host, args.port, tls_cert=cert, tls_key=key)
    except OSError as exc:
        return _fail(f"cannot serve on {args.host}:{args.port}: {exc}")
    return 0


def platform_import(args: argparse.Namespace) -> int:
    from sync.platform.transfers import import_transfer  # noqa: PLC0415 - platform code loads only for its own commands

    try:
        result = import_transfer(platform_db(args), Path(args.file))
    except TransferError as exc:
        return _fail(f"transfer file refused: {exc}")
    _print_json(result)
    return 0


def platform_enroll_code(args: argparse.Namespace) -> int:
    from sync.platform.operator import create_enrollment_code, open_platform  # noqa: PLC0415 - platform code loads only for its own commands

    if not args.label.strip():
        return _fail("LABEL must not be empty (e.g. the window's name)")
    platform = open_platform(platform_db(args))
    try:
        code = create_enrollment_code(platform, args.label.strip(), valid_hours=args.valid_hours)
    finally:
        platform.engine.dispose()
    print(code)
    return 0


def platform_set_status(args: argparse.Namespace) -> int:
    from sync.platform.operator import open_platform, set_status  # noqa: PLC0415 - platform code loads only for its own commands
    from sync.platform.service import ApiError  # noqa: PLC0415 - platform code loads only for its own commands

    status = STATUS_WORDS.get(args.status, args.status)
    allowed = [s.value for s in PlatformStatus if s is not PlatformStatus.RECEIVED]
    if status not in allowed:
        return _fail(f"STATUS must be one of {', '.join(allowed)} (or 受理/办结/退件/不予受理), got {args.status!r}")
    platform = open_platform(platform_db(args))
    try:
        result = set_status(platform, args.case, status, args.reason)
    except ApiError as exc:
        return _fail(exc.message)
    finally:
        platform.engine.dispose()
    _print_json(result)
    return 0


# -- this PC ------------------------------------------------------------------------------------------------------


def enroll(args: argparse.Namespace) -> int:
    folder = device_folder(args)
    label = args.label or _window_label(settings_mod.load())
    try:
        identity = sync_service.enroll(args.url, args.code, folder, label, ca_file=_ca(args))
    except ValueError as exc:
        return _fail(str(exc))
    except sync_service.PlatformError as exc:
        return _fail(f"enrolment failed: {exc}")
    print(f"enrolled as {identity.device_id} ({label}); identity kept in {folder}")
    return 0


def _window_label(s: Any) -> str:
    if s.center_name:
        return f"{s.center_name} {s.window_code}号窗口"
    return "yishi 窗口"


def _ca(args: argparse.Namespace) -> Path | None:
    return Path(args.ca_file) if getattr(args, "ca_file", None) else None


def sync(args: argparse.Namespace) -> int:
    folder = device_folder(args)
    if not sync_service.is_enrolled(folder):
        return _fail(f"this PC is not enrolled (no identity in {folder}); run: yishi enroll URL CODE", 2)
    outcome = sync_service.run_sync(
        case_db(args), folder, sync_service.data_dir(), clock=hall_clock(), timeout=args.timeout
    )
    print(sync_service.outcome_json(outcome))
    if outcome.report is not None and outcome.report.stopped:
        print(f"error: sync stopped: {outcome.report.stopped}", file=sys.stderr)
        return 3
    return 0


def export_transfer(args: argparse.Namespace) -> int:
    folder = device_folder(args)
    hall = open_hall(args, settings_mod.load())
    try:
        envelope = sync_service.export_field_transfer(hall.store, Path(args.file), folder)
    except sync_service.NotEnrolledError:
        return _fail(f"this PC is not enrolled (no identity in {folder}); enrol it once while online", 2)
    except TransferError as exc:
        return _fail(str(exc))
    except OSError as exc:
        return _fail(f"cannot write {args.file}: {exc.strerror}")
    finally:
        hall.close()
    print(f"{args.file}: {envelope.case_count} case revision(s), transfer {envelope.transfer_id}")
    return 0


def import_transfer(args: argparse.Namespace) -> int:
    hall = open_hall(args, settings_mod.load())
    try:
        envelope = sync_service.import_field_transfer(hall.store, Path(args.file))
    except TransferError as exc:
        return _fail(f"transfer file refused: {exc}")
    finally:
        hall.close()
    print(
        f"{args.file}: {envelope.case_count} case revision(s) from {envelope.device_id} queued for upload "
        f"(transfer {envelope.transfer_id}); the next sync sends it"
    )
    return 0


# -- parser ---------------------------------------------------------------------------------------------------------


def _platform_db_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--db", dest="platform_db", metavar="URL_OR_PATH", help="platform database (default: platform.sqlite3)"
    )


def _device_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--device-dir", help="this PC's identity folder (env YISHI_DEVICE_DIR)")


def register(sub: Any) -> None:
    """Add the sync commands to the ``yishi`` subcommand parser ``sub``."""
    plat = sub.add_parser("platform", help="run or operate the reference provincial platform")
    psub = plat.add_subparsers(dest="platform_command", required=True)
    serve = psub.add_parser("serve", help="serve API v1 (loopback unless told otherwise)")
    _platform_db_option(serve)
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8443)
    serve.add_argument("--tls-cert", metavar="F")
    serve.add_argument("--tls-key", metavar="F")
    serve.set_defaults(func=_platform_command(platform_serve))
    imp = psub.add_parser("import", help="import a transfer file into the platform database; prints the result")
    imp.add_argument("file", metavar="FILE")
    _platform_db_option(imp)
    imp.set_defaults(func=_platform_command(platform_import))
    code = psub.add_parser("enroll-code", help="print a one-time enrolment code for a window or field laptop")
    code.add_argument("label", metavar="LABEL")
    code.add_argument("--valid-hours", type=int, default=72)
    _platform_db_option(code)
    code.set_defaults(func=_platform_command(platform_enroll_code))
    status = psub.add_parser("set-status", help="move a case (UUID or platform number) to a new status")
    status.add_argument("case", metavar="CASE")
    status.add_argument("status", metavar="STATUS", help="accepted | completed | returned | rejected")
    status.add_argument("--reason", help="reason shown to the window (退件 / 不予受理)")
    _platform_db_option(status)
    status.set_defaults(func=_platform_command(platform_set_status))

    enr = sub.add_parser("enroll", help="enrol this PC with the platform using a one-time code")
    enr.add_argument("url", metavar="URL")
    enr.add_argument("code", metavar="CODE")
    enr.add_argument("--label", help="device label (default: the window profile)")
    enr.add_argument("--ca-file", help="CA certificate to verify the platform's TLS certificate")
    _device_option(enr)
    enr.set_defaults(func=enroll)

    syn = sub.add_parser("sync", help="one sync run; prints the report as JSON")
    syn.add_argument("--timeout", type=float, default=15.0, help="seconds per request")
    _device_option(syn)
    syn.set_defaults(func=sync)

    exp = sub.add_parser("export-transfer", help="field laptop: write the unsent cases to a transfer file")
    exp.add_argument("file", metavar="FILE")
    _device_option(exp)
    exp.set_defaults(func=export_transfer)

    imt = sub.add_parser("import-transfer", help="window: verify a transfer file and queue it for upload")
    imt.add_argument("file", metavar="FILE")
    imt.set_defaults(func=import_transfer)
