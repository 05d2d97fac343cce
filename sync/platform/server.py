"""HTTP front of the reference platform: stdlib ThreadingHTTPServer, HTTP/1.1 keep-alive, optional TLS.

Every answer is JSON except the applicant's query page (``/q/``, HTML). A malformed request gets a 4xx JSON
answer, including the ones http.server refuses itself (bad request line, headers too long, unknown method); a
failure inside gets a 500 JSON answer, and its traceback goes to the server's log only, never to the client.
"""

from __future__ import annotations

import contextlib
import json
import logging
import re
import ssl
from collections.abc import Callable
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from sqlalchemy import Connection

from sync.platform.db import safe_url
from sync.platform.query import QueryLimits, QueryPages
from sync.platform.service import ApiError, Platform, Result, open_platform, parse_json_object
from sync.platform.transfers import import_transfer_bytes
from sync.protocol import MAX_ATTACHMENT, MAX_JSON_BODY, MAX_TRANSFER, UUID_RE, parse_count

log = logging.getLogger(__name__)

_CONTENT_LENGTH_RE = re.compile(r"[0-9]{1,12}")  # ASCII digits only: "²".isdigit() is True, int("²") fails
_MAX_QUERY_FIELDS = 20
_PAGE_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; "
    "form-action 'none'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",  # the query code is in the address: never pass it on
    "Cache-Control": "no-store",
}


def _query(target: str) -> dict[str, str]:
    try:
        parsed = parse_qs(urlsplit(target).query, max_num_fields=_MAX_QUERY_FIELDS)
    except ValueError:
        raise ApiError(400, "bad_request", f"more than {_MAX_QUERY_FIELDS} query parameters") from None
    return {k: v[-1] for k, v in parsed.items()}


def _int_arg(args: dict[str, str], name: str, default: int) -> int:
    raw = args.get(name)
    if raw is None:
        return default
    try:
        return parse_count(raw)
    except ValueError as exc:
        raise ApiError(400, "bad_request", f"{name}: {exc}") from None


def dispatch(
    platform: Platform,
    method: str,
    target: str,
    headers: dict[str, str],
    body: bytes,
    *,
    pages: QueryPages | None = None,
    client: str = "",
) -> Result:
    """Route one request to the platform; ``target`` is the raw request path with its query, ``client`` the
    caller's address (the query page counts failed codes per address)."""
    path = urlsplit(target).path
    parts = path.strip("/").split("/")
    if parts[0] == "q" and len(parts) == 2 and method in ("GET", "HEAD") and pages is not None:
        return pages.answer(unquote(parts[1]), _query(target).get("c", ""), client)
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
            404 if method in ("GET", "HEAD", "PUT", "POST") else 405, "not_found", f"no route {method} {path[:200]}"
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
        case ("GET", ["cases", case_id]) if UUID_RE.fullmatch(case_id):
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
            headers = dict(self.headers.items())
            client = str(self.client_address[0]) if self.client_address else ""
            result = dispatch(
                self.server.platform, self.command, self.path, headers, body, pages=self.server.pages, client=client
            )
        except ApiError as exc:
            result = Result(exc.status, exc.body())
        except Exception:
            log.exception("internal error on %s %s", self.command, self.path[:200])
            result = Result(500, {"error": "internal", "message": "internal server error"})
        self._send(result)

    def _read_body(self) -> bytes:
        lengths = self.headers.get_all("Content-Length") or []
        if self.headers.get("Transfer-Encoding"):
            self.close_connection = True
            raise ApiError(411, "length_required", "send the body with Content-Length, not Transfer-Encoding")
        if not lengths:
            if self.command in ("PUT", "POST"):
                self.close_connection = True
                raise ApiError(411, "length_required", "Content-Length is required")
            return b""
        if len(set(lengths)) > 1 or not _CONTENT_LENGTH_RE.fullmatch(lengths[0].strip()):
            self.close_connection = True
            raise ApiError(400, "bad_request", "bad Content-Length (one header, ASCII digits)")
        size = int(lengths[0])
        if size > _body_limit(self.command, self.path):
            self.close_connection = True
            raise ApiError(413, "too_large", "request body too large")
        try:
            data = self.rfile.read(size)
        except OSError:  # a timeout or a reset while the body trickles in
            self.close_connection = True
            raise ApiError(408, "timeout", "request body not received in time") from None
        if len(data) < size:
            self.close_connection = True
            raise ApiError(400, "bad_request", f"body ended after {len(data)} of {size} bytes")
        return data

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """http.server's own refusals (malformed request line, headers too long, unknown method), as JSON."""
        self.close_connection = True
        if self.request_version == "HTTP/0.9":  # the request line was not understood: answer in HTTP/1.1 anyway
            self.request_version = self.protocol_version
        error = "bad_request"
        if code == HTTPStatus.NOT_IMPLEMENTED:  # a method with no do_<METHOD>
            code, error, message = HTTPStatus.METHOD_NOT_ALLOWED, "method_not_allowed", "method not allowed"
        elif code >= 500:  # 505 for an HTTP version it does not speak: here 5xx means "retry later", this never works
            code = HTTPStatus.BAD_REQUEST
        reason = message or HTTPStatus(code).phrase
        with contextlib.suppress(OSError):
            self._send(Result(code, {"error": error, "message": reason}, {"Connection": "close"}))

    def _send(self, result: Result) -> None:
        headers = dict(result.headers)
        if result.html is not None:
            payload = result.html.encode()
            headers |= {"Content-Type": "text/html; charset=utf-8", **_PAGE_HEADERS}
        elif result.body is not None:
            try:
                payload = json.dumps(result.body, ensure_ascii=False).encode()
            except UnicodeEncodeError:  # a lone surrogate in an echoed value: escape instead of failing
                payload = json.dumps(result.body).encode()
            headers["Content-Type"] = "application/json; charset=utf-8"
        else:
            payload = b""
        self.send_response(result.status)
        for name, value in headers.items():
            self.send_header(name, value)
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

    def __init__(
        self,
        address: tuple[str, int],
        platform: Platform,
        ssl_context: ssl.SSLContext | None = None,
        *,
        query_limits: QueryLimits | None = None,
    ) -> None:
        super().__init__(address, Handler)
        self.platform = platform
        self.pages = QueryPages(platform, query_limits)
        self.ssl_context = ssl_context

    def get_request(self) -> tuple[Any, Any]:
        sock, addr = self.socket.accept()
        if self.ssl_context is not None:
            sock = self.ssl_context.wrap_socket(sock, server_side=True, do_handshake_on_connect=False)
        return sock, addr

    def handle_error(self, request: Any, client_address: Any) -> None:
        log.debug("connection from %s failed", client_address, exc_info=True)  # resets and bad TLS are routine


def make_server(
    db_url: str,
    host: str = "127.0.0.1",
    port: int = 8443,
    *,
    tls_cert: Path | None = None,
    tls_key: Path | None = None,
    key_file: Path | None = None,
    query_limits: QueryLimits | None = None,
) -> PlatformHTTPServer:
    """A bound server ready for ``serve_forever()``; port 0 picks a free port (see ``server_address``).

    Raises :class:`sync.platform.db.PlatformSetupError` when the database or the key file cannot be opened."""
    ctx = None
    if tls_cert is not None:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.minimum_version = ssl.TLSVersion.TLSv1_2
        ctx.load_cert_chain(tls_cert, tls_key)
    platform = open_platform(db_url, key_file=key_file)
    return PlatformHTTPServer((host, port), platform, ctx, query_limits=query_limits)


def serve(
    db_url: str,
    host: str = "127.0.0.1",
    port: int = 8443,
    *,
    tls_cert: Path | None = None,
    tls_key: Path | None = None,
    key_file: Path | None = None,
) -> None:
    """Run the reference platform until interrupted (``yishi platform serve``). Loopback unless told otherwise."""
    server = make_server(db_url, host, port, tls_cert=tls_cert, tls_key=tls_key, key_file=key_file)
    scheme = "https" if tls_cert else "http"
    where = f"{scheme}://{host}:{server.server_address[1]}"
    print(f"platform listening on {where}/v1, query page {where}/q/ (database {safe_url(db_url)})", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
