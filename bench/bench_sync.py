"""Cases per second to the reference platform: through the sync client (and the full worker with its
case store) as a ratio to a plain keep-alive HTTP loop sending the same payloads to the same server.

Run: .venv/bin/python bench/bench_sync.py [cases] [rounds] [--json]     (target: client ratio >= 0.8)
"""

from __future__ import annotations

import http.client
import json
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from report import Figure, emit, wants_json  # bench/report.py (this script's folder is on sys.path)

from desktop.cases.decisions import ItemEntry, MaterialEntry, MaterialStatus
from desktop.cases.profile import Profile
from desktop.cases.states import Decision
from desktop.store.repo import Store
from sync import auth
from sync.client import DeviceIdentity, PlatformClient
from sync.crypto import Ed25519PrivateKey
from sync.platform.operator import create_enrollment_code, open_platform
from sync.worker import MARK_EVERY, sync_once

PROFILE = Profile("和平区政务服务中心", "210102", "03", "王芳")


def start_server(db_url: str) -> tuple[subprocess.Popen[str], str]:
    code = "from sync.platform.server import serve; import sys; serve(sys.argv[1], '127.0.0.1', 0)"
    proc = subprocess.Popen([sys.executable, "-c", code, db_url], stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    line = proc.stdout.readline()  # "platform listening on http://127.0.0.1:PORT/v1 ..."
    url = line.split()[3].rstrip(",").removesuffix("/v1")
    return proc, url


def make_store(folder: Path, cases: int) -> Store:
    store = Store(folder / "cases.sqlite3")
    for i in range(cases):
        case = store.new_draft("LNYJS003", "2026.11.1", PROFILE)
        store.decide(
            case.id,
            Decision.ACCEPT,
            answers={"death_kind": "normal"},
            values={"applicant.name": f"申请人{i}", "applicant.id_number": "11010519491231002X"},
            items=[ItemEntry("GA001", True, "GA", "正常死亡", 5, date(2026, 12, 5), outcome=Decision.ACCEPT)],
            materials=[MaterialEntry("id_card", "居民身份证", MaterialStatus.CHECKED, items=["GA001"])],
            profile=PROFILE,
        )
    return store


def payloads(store: Store) -> list[dict[str, Any]]:
    return [e.payload for e in store.pending_outbox(datetime.now(UTC) + timedelta(days=1), 1_000_000)]


def plain_loop(url: str, identity: DeviceIdentity, bodies: list[dict[str, Any]]) -> float:
    """Baseline: the same JSON PUTs on one keep-alive connection, signed (the server demands it), nothing else."""
    host, port = url.removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=15)
    start = time.perf_counter()
    for payload in bodies:
        cid = str(uuid.uuid4())
        path = f"/v1/cases/{cid}"
        body = json.dumps({"revision": 1, "base_revision": None, "payload": payload, "attachments": []}).encode()
        headers = {"Content-Type": "application/json", "Content-Length": str(len(body))}
        headers.update(auth.sign_headers(identity.key, identity.device_id, "PUT", path, body))
        conn.request("PUT", path, body=body, headers=headers)
        resp = conn.getresponse()
        resp.read()
        assert resp.status == 201, resp.status
    elapsed = time.perf_counter() - start
    conn.close()
    return len(bodies) / elapsed


def client_loop(url: str, identity: DeviceIdentity, bodies: list[dict[str, Any]]) -> float:
    client = PlatformClient(url, identity)
    start = time.perf_counter()
    for payload in bodies:
        client.submit_case(str(uuid.uuid4()), 1, None, payload, [])
    elapsed = time.perf_counter() - start
    client.close()
    return len(bodies) / elapsed


def worker_run(url: str, identity: DeviceIdentity, store: Store, cases: int) -> float:
    client = PlatformClient(url, identity)
    start = time.perf_counter()
    sent = 0
    while sent < cases:
        report = sync_once(store, client, datetime.now(UTC) + timedelta(days=1), batch=1000, pull_status=False)
        sent += len(report.sent)
        assert report.stopped is None, report.stopped
    elapsed = time.perf_counter() - start
    client.close()
    return cases / elapsed


def main() -> None:
    as_json = wants_json()
    cases = int(sys.argv[1]) if len(sys.argv) > 1 else 300
    rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        db_url = f"sqlite:///{root / 'platform.sqlite3'}"
        code = create_enrollment_code(open_platform(db_url), "bench")
        proc, url = start_server(db_url)
        try:
            enroller = PlatformClient(url, None)
            identity = enroller.enroll(code, Ed25519PrivateKey.generate(), "bench")
            enroller.close()
            template = payloads(make_store(root / "template", cases))
            plain, client, worker = [], [], []
            for r in range(rounds):
                store = make_store(root / f"w{r}", cases)  # built outside the timed loops
                runs = [
                    (plain, lambda: plain_loop(url, identity, template)),
                    (client, lambda: client_loop(url, identity, template)),
                    (worker, lambda: worker_run(url, identity, store, cases)),  # noqa: B023 - run in this round
                ]
                for rates, run in runs[r % 3 :] + runs[: r % 3]:  # each goes first in turn: drift hits all alike
                    rates.append(run())
                store.close()
        finally:
            proc.terminate()
            proc.wait()
    # each round's ratio against the plain loop of the same round, then the median: a shared machine's load
    # drifts between rounds, much less within one
    base = statistics.median(plain)
    client_rate, worker_rate = statistics.median(client), statistics.median(worker)
    client_ratio = statistics.median(c / p for c, p in zip(client, plain, strict=True))
    worker_ratio = statistics.median(w / p for w, p in zip(worker, plain, strict=True))
    print(f"cases per round: {cases}, rounds: {rounds}, server: reference platform on SQLite (synchronous=FULL)")
    print(f"plain HTTP loop        {base:8.1f} cases/s  (baseline)")
    print(f"sync client            {client_rate:8.1f} cases/s  ratio {client_ratio:.2f}")
    print(
        f"sync worker + store    {worker_rate:8.1f} cases/s  ratio {worker_ratio:.2f}"
        f"  (marks sent revisions durably, {MARK_EVERY} per fsynced transaction)"
    )
    if as_json:
        emit(
            "sync",
            [
                Figure("plain keep-alive HTTP loop", base, "cases/s"),
                Figure("sync client", client_rate, "cases/s", client_ratio),
                Figure("sync worker with the store", worker_rate, "cases/s", worker_ratio, 0.8, True),
            ],
        )


if __name__ == "__main__":
    main()
