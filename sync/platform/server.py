"""HTTP front of the reference platform: stdlib ThreadingHTTPServer, HTTP/1.1 keep-alive, optional TLS."""

from __future__ import annotations

import json
import logging
import ssl
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from sqlalchemy import Connection

from sync.platform.db import open_engine
from sync.platform.service import ApiError, Platform, Result, parse_json_object
from sync.protocol import MAX_ATTACHMENT, MAX_JSON_BODY, MAX_TRANSFER, UUID_RE

log = logging.getLogger(__name__)


def _query(path: str) -> dict[str, str]:
    return {k: v[-1] for k, v in parse_qs(urlsplit(path).query).items()}


def _int_arg(args: dict[str, str], name: str, default: int) -> int:
    raw = args.get(name)
    if raw is None:
        return default
    if not raw.isdigit():
        raise ApiError(400, "bad_request", f"{name} must be a non-negative integer")
    return int(raw)


def dispatch(platform: Platform, method: str, target: str, headers: dict[str, str], body: bytes) -> Result:
    """Route one request to the platform; ``target`` is the raw request path with its query."""
    path = urlsplit(target).path
    parts = path.strip("/").split("/")
    if parts[:1] != ["v1"]:
        raise ApiError(404, "not_found", "unknown path (API is under /v1)")
    route = parts[1:]
    if route == ["health"] and method == "GET":
        return Result(200, {"ok": True, "api": "v1", "time": platform.clock()})
    if route == ["platform-key"] and method == "GET":
        return Result(200, platform.platform_key())
    if route == ["devices"] and method == "POST":
        return platform.run(lambda c: platform.enroll(c, target, headers, body))
    op = _authenticated_route(platform, method=method, target=target, route=route, body=body, headers=headers)
    if op is None:
        raise ApiError(
            404 if method in ("GET", "HEAD", "PUT", "POST") else 405, "not_found", f"no route {method} {path}"
        )

    def run(conn: Connection) -> Result:
        device = platform.authenticate(conn, method, target, headers, body)
        return op(conn, device)

    return platform.run(run)


_Op = Callable[[Connection, str], Result]


def _authenticated_route(
    platform: Platform, *, method: str, target: str, route: list[str], body: bytes, headers: dict[str, str]
) -> _Op | None:
    args = _query(target)
    match (method, route):
        case ("PUT", ["cases", case_id]):
            data = parse_json_object(body)
            return lambda c, d: platform.submit_case(c, d, case_id, data)
        case ("GET", ["cases", case_id]) if UUID_RE.match(case_id):
            return lambda c, d: platform.get_case(c, d, case_id)
        case ("HEAD", ["attachments", sha]):
            return lambda c, d: platform.attachment_head(c, sha)
        case ("PUT", ["attachments", sha]):
            media = {k.lower(): v for k, v in headers.items()}.get("content-type", "application/octet-stream")
            return lambda c, d: platform.put_attachment(c, sha, body, media)
        case ("GET", ["status"]):
            cursor, limit = _int_arg(args, "after", 0), _int_arg(args, "limit", 200)
            return lambda c, d: platform.status_updates(c, d, cursor, limit)
        case ("GET", ["catalog"]):
            newer_than = args.get("after")
            return lambda c, d: platform.latest_catalog(c, newer_than)
        case ("POST", ["transfers"]):
            from sync.platform.transfers import import_transfer_bytes

            return lambda c, d: Result(200, import_transfer_bytes(platform, c, body))
    return None


def _body_limit(method: str, path: str) -> int:
    if "/attachments/" in path:
        return MAX_ATTACHMENT
    if path.rstrip("/").endswith("/transfers"):
        return MAX_TRANSFER
    return MAX_JSON_BODY if method in ("PUT", "POST") else 0


class Handler(BaseHTTPRequestHandler):
    """One HTTP exchange; the platform is attached to the server object."""

    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body go in separate writes; Nagle + delayed ACK would add 40 ms
    server: PlatformHTTPServer

    timeout = 60  # an idle keep-alive connection is closed after a minute

    def setup(self) -> None:
        if isinstance(self.request, ssl.SSLSocket):
            self.request.settimeout(self.timeout)
            self.request.do_handshake()  # here, in the connection's thread, not in the accept loop
        super().setup()

    def do_GET(self) -> None:
        self._handle()

    def do_HEAD(self) -> None:
        self._handle()

    def do_PUT(self) -> None:
        self._handle()

    def do_POST(self) -> None:
        self._handle()

    def _handle(self) -> None:
        try:
            body = self._read_body()
            result = dispatch(self.server.platform, self.command, self.path, dict(self.headers.items()), body)
        except ApiError as exc:
            result = Result(exc.status, exc.body())
        except Exception:
            log.exception("internal error on %s %s", self.command, self.path)
            result = Result(500, {"error": "internal", "message": "internal server error"})
        self._send(result)

    def _read_body(self) -> bytes:
        length = self.headers.get("Content-Length")
        if length is None:
            if self.command in ("PUT", "POST"):
                self.close_connection = True
                raise ApiError(411, "length_required", "Content-Length is required")
            return b""
        if not length.isdigit():
            self.close_connection = True
            raise ApiError(400, "bad_request", "bad Content-Length")
        size = int(length)
        if size > _body_limit(self.command, self.path):
            self.close_connection = True
            raise ApiError(413, "too_large", "request body too large")
        return self.rfile.read(size)

    def _send(self, result: Result) -> None:
        payload = b"" if result.body is None else json.dumps(result.body, ensure_ascii=False).encode()
        self.send_response(result.status)
        for name, value in result.headers.items():
            self.send_header(name, value)
        if result.body is not None:
            self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(payload)

    def log_message(self, format: str, *args: Any) -> None:
        log.debug("%s " + format, self.address_string(), *args)


class PlatformHTTPServer(ThreadingHTTPServer):
    """ThreadingHTTPServer carrying the :class:`Platform` it serves."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], platform: Platform, ssl_context: ssl.SSLContext | None = None) -> None:
        super().__init__(address, Handler)
        self.platform = platform
        self.ssl_context = ssl_context

    def get_request(self) -> tuple[Any, Any]:
        sock, addr = self.socket.accept()
        if self.ssl_context is not None:
            sock = self.ssl_context.wrap_socket(sock, server_side=True, do_handshake_on_connect=False)
        return sock, addr

    def handle_error(self, request: Any, client_address: Any) -> None:
        log.debug("connection from %s failed", client_address, exc_info=True)  # resets and bad TLS are routine


def make_server(
    db_url: str, host: str = "127.0.0.1", port: int = 8443, *, tls_cert: Path | None = None, tls_key: Path | None = None
) -> PlatformHTTPServer:
    """A bound server ready for ``serve_forever()``; port 0 picks a free port (see ``server_address``)."""
    ctx = None
    if tls_cert is not None:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.minimum_version = ssl.TLSVersion.TLSv1_2
        ctx.load_cert_chain(tls_cert, tls_key)
    return PlatformHTTPServer((host, port), Platform(open_engine(db_url)), ctx)


def serve(
    db_url: str, host: str = "127.0.0.1", port: int = 8443, *, tls_cert: Path | None = None, tls_key: Path | None = None
) -> None:
    """Run the reference platform until interrupted (``yishi platform serve``). Loopback unless told otherwise."""
    server = make_server(db_url, host, port, tls_cert=tls_cert, tls_key=tls_key)
    scheme = "https" if tls_cert else "http"
    print(f"platform listening on {scheme}://{host}:{server.server_address[1]}/v1 (database {db_url})", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
