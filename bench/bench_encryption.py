"""The cost of encryption at rest: deciding and listing cases on a SQLCipher store ÷ the same on a plain store,
both measured in this run on stores filled the same way.

Deciding = new draft + 受理 decision (one durable commit, the receipt may print after it); listing = the case
list's first page (200 rows) and a search by ID number. Each figure is the median of ``rounds`` rounds, the two
stores taking turns.

Run: .venv/bin/python bench/bench_encryption.py [cases] [rounds] [--json]     (budget: each ratio <= 1.5)
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from report import Figure, emit, wants_json  # bench/report.py (this script's folder is on sys.path)

from desktop import keyring
from desktop.cases.decisions import ItemEntry, MaterialEntry, MaterialStatus
from desktop.cases.profile import Profile
from desktop.cases.states import Decision
from desktop.store.encryption import encrypt_store
from desktop.store.repo import Store

PROFILE = Profile("和平区政务服务中心", "210102", "03", "王芳")
BUDGET = 1.5


def decide(store: Store, i: int) -> None:
    case = store.new_draft("LNYJS003", "2026.11.1", PROFILE)
    store.decide(
        case.id,
        Decision.ACCEPT,
        answers={"death_kind": "normal"},
        values={"applicant.name": f"申请人{i}", "applicant.id_number": f"2101021980{i % 10000:04d}123X"},
        items=[ItemEntry("GA001", True, "GA", "正常死亡", 5, date(2026, 12, 5), outcome=Decision.ACCEPT)],
        materials=[MaterialEntry("id_card", "居民身份证", MaterialStatus.CHECKED, items=["GA001"])],
        profile=PROFILE,
    )


def fill(path: Path, cases: int) -> Store:
    store = Store(path)
    for i in range(cases):
        decide(store, i)
    return store


def timed_decide(store: Store, start: int, count: int) -> float:
    began = time.perf_counter()
    for i in range(start, start + count):
        decide(store, i)
    return (time.perf_counter() - began) / count


def timed_list(store: Store, repeat: int = 20) -> float:
    began = time.perf_counter()
    for n in range(repeat):
        store.list_cases(limit=200)
        store.list_cases(text=f"2101021980{n:04d}123X", limit=50)
    return (time.perf_counter() - began) / repeat


def main() -> None:
    as_json = wants_json()
    cases = int(sys.argv[1]) if len(sys.argv) > 1 else 400
    rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 7
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        plain = fill(root / "plain" / "cases.sqlite3", cases)
        sealed_path = root / "sealed" / "cases.sqlite3"
        fill(sealed_path, cases).close()
        encrypt_store(sealed_path, "bench passphrase")  # unlocks the key in this process
        sealed = Store(sealed_path)
        decide_plain, decide_sealed, list_plain, list_sealed = [], [], [], []
        for r in range(rounds):
            decide_plain.append(timed_decide(plain, cases + r * 40, 40))
            decide_sealed.append(timed_decide(sealed, cases + r * 40, 40))
            list_plain.append(timed_list(plain))
            list_sealed.append(timed_list(sealed))
        plain.close()
        sealed.close()
        keyring.lock_all()
    dp, ds = statistics.median(decide_plain) * 1000, statistics.median(decide_sealed) * 1000
    lp, ls = statistics.median(list_plain) * 1000, statistics.median(list_sealed) * 1000
    # each round's ratio (the two stores measured back to back), then the median: load drifts between rounds
    decide_ratio = statistics.median(e / p for e, p in zip(decide_sealed, decide_plain, strict=True))
    list_ratio = statistics.median(e / p for e, p in zip(list_sealed, list_plain, strict=True))
    print(f"stores of {cases} cases, {rounds} rounds (SQLCipher 4, raw 256-bit key; plain SQLite)")
    print(f"decide  plain {dp:7.2f} ms  encrypted {ds:7.2f} ms  ratio {decide_ratio:.2f}")
    print(f"list    plain {lp:7.2f} ms  encrypted {ls:7.2f} ms  ratio {list_ratio:.2f}")
    if as_json:
        emit(
            "encryption",
            [
                Figure("decide, plain store", dp, "ms"),
                Figure("decide, encrypted store", ds, "ms", decide_ratio, BUDGET),
                Figure("list and search, plain store", lp, "ms"),
                Figure("list and search, encrypted store", ls, "ms", list_ratio, BUDGET),
            ],
        )


if __name__ == "__main__":
    main()
