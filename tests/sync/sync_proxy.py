"""A fault-injecting HTTP/1.1 proxy between the sync client and the platform.

Each request gets one fault drawn at random: reset before or after the server commits, 500s (with or
without the request reaching the server), a stalled answer (client timeout), a truncated answer, a slow
trickled answer, or a duplicated request. It understands just enough HTTP (Content-Length framing) to
know where one request or response ends.
"""

from __future__ import annotations

import contextlib
import random
import socket
import struct
import threading
import time
from collections import Counter
from dataclasses import dataclass, field

FAULTS = ("reset_before", "reset_after", "error_before", "error_after", "stall", "truncate", "trickle", "duplicate")


@dataclass
class FaultPlan:
    """Probability of each fault per request; ``stall_seconds`` must exceed the client's timeout."""

    rates: dict[str, float] = field(default_factory=dict)
    stall_seconds: float = 0.6
    seed: int = 0


def _read_message(sock: socket.socket, buf: bytearray, *, head_only: bool = False) -> bytes | None:
    """One HTTP message (head + Content-Length body) from ``sock``; ``None`` at EOF."""
    while b"\r\n\r\n" not in buf:
        chunk = sock.recv(65536)
        if not chunk:
            return None
        buf.extend(chunk)
    end = buf.index(b"\r\n\r\n") + 4
    head = bytes(buf[:end])
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value.strip())
    if head_only:
        length = 0
    while len(buf) < end + length:
        chunk = sock.recv(65536)
        if not chunk:
            return None
        buf.extend(chunk)
    message = bytes(buf[: end + length])
    del buf[: end + length]
    return message


def _reset(sock: socket.socket) -> None:
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    sock.close()


_ERROR = b"HTTP/1.1 500 Internal Server Error\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}"


class FaultProxy:
    """Listens on a loopback port and forwards to ``upstream`` (host, port), injecting faults."""

    def __init__(self, upstream: tuple[str, int], plan: FaultPlan) -> None:
        self.upstream = upstream
        self.plan = plan
        self.rng = random.Random(plan.seed)
        self.lock = threading.Lock()
        self.injected: Counter[str] = Counter()
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self._stop = False
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def close(self) -> None:
        self._stop = True
        self.listener.close()
        self._thread.join(timeout=5)

    def _accept(self) -> None:
        while not self._stop:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(client,), daemon=True).start()

    def _draw(self) -> str:
        with self.lock:
            roll = self.rng.random()
            for name, rate in self.plan.rates.items():
                if roll < rate:
                    self.injected[name] += 1
                    return name
                roll -= rate
        return "pass"

    def _serve(self, client: socket.socket) -> None:
        upstream = socket.create_connection(self.upstream)
        for sock in (client, upstream):
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        cbuf, ubuf = bytearray(), bytearray()
        try:
            while True:
                request = _read_message(client, cbuf)
                if request is None:
                    return
                if not self._exchange(client, upstream, request, ubuf):
                    return
        except OSError:
            return
        finally:
            upstream.close()
            with contextlib.suppress(OSError):
                client.close()

    def _forward(self, upstream: socket.socket, request: bytes, ubuf: bytearray) -> bytes | None:
        upstream.sendall(request)
        return _read_message(upstream, ubuf, head_only=request.startswith(b"HEAD "))

    def _exchange(self, client: socket.socket, upstream: socket.socket, request: bytes, ubuf: bytearray) -> bool:
        """Handle one request; False closes the connection."""
        fault = self._draw()
        if fault == "reset_before":
            _reset(client)
            return False
        if fault == "error_before":
            client.sendall(_ERROR)
            return False
        response = self._forward(upstream, request, ubuf)
        if response is None:
            return False
        if fault == "duplicate":
            # The copy reaches the server too (the server must refuse it as a replay); the client sees the original.
            self._forward(upstream, request, ubuf)
        if fault == "reset_after":
            _reset(client)
            return False
        if fault == "error_after":
            client.sendall(_ERROR)
            return False
        if fault == "stall":
            time.sleep(self.plan.stall_seconds)
            return False
        if fault == "truncate":
            client.sendall(response[: max(1, len(response) - 1 - self.rng.randrange(len(response) // 2 + 1))])
            _reset(client)
            return False
        if fault == "trickle":
            for i in range(0, len(response), 64):
                client.sendall(response[i : i + 64])
                time.sleep(0.001)
            return True
        client.sendall(response)
        return True
