import threading
from collections.abc import Callable
from datetime import timedelta

from conftest import ANSWERS, ITEMS, VALUES, WINDOW_3, WINDOW_4, Clock, materials

from desktop.cases.decisions import MaterialStatus, plan_outcomes
from desktop.cases.numbers import parse_number
from desktop.cases.profile import Profile
from desktop.cases.states import Decision
from desktop.store.repo import Store


def accept_new(store: Store, profile: Profile) -> str:
    draft = store.new_draft("birth", "2026.1", profile)
    case = store.decide(
        draft.id,
        Decision.ACCEPT,
        answers=ANSWERS,
        values=VALUES,
        items=plan_outcomes(Decision.ACCEPT, ITEMS, []),
        materials=materials(MaterialStatus.RECEIVED),
        profile=profile,
    )
    assert case.number is not None
    return case.number


def test_two_windows_on_their_own_files_never_collide(make_store: Callable[..., Store]) -> None:
    window3, window4 = make_store("w3/cases.sqlite3"), make_store("w4/cases.sqlite3")
    numbers3 = [accept_new(window3, WINDOW_3) for _ in range(5)]
    numbers4 = [accept_new(window4, WINDOW_4) for _ in range(5)]
    assert len(set(numbers3 + numbers4)) == 10
    assert [parse_number(n).sequence for n in numbers3] == [1, 2, 3, 4, 5]
    assert [parse_number(n).sequence for n in numbers4] == [1, 2, 3, 4, 5]


def test_sequence_restarts_on_the_next_local_day(store: Store, clock: Clock) -> None:
    first = accept_new(store, WINDOW_3)
    clock.now += timedelta(hours=14)  # 10:00 + 14 h = past midnight in Beijing
    second = accept_new(store, WINDOW_3)
    assert parse_number(second).sequence == 1
    assert parse_number(second).day == parse_number(first).day + timedelta(days=1)


def test_threads_on_one_file_get_consecutive_numbers(make_store: Callable[..., Store]) -> None:
    stores = [make_store(), make_store()]  # two Store objects on the same file, as two app instances would
    numbers: list[str] = []
    lock = threading.Lock()

    def work(store: Store) -> None:
        for _ in range(10):
            number = accept_new(store, WINDOW_3)
            with lock:
                numbers.append(number)

    threads = [threading.Thread(target=work, args=(stores[i % 2],)) for i in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(parse_number(n).sequence for n in numbers) == list(range(1, 61))
