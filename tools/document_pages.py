"""Render every document of three typical cases to PNG pages in docs/screenshots/ (to look at, and for reviewers).

新生儿出生 受理; 企业开办 with four items 受理 and one 一次性告知; 企业职工退休 受理 with its internal results.
Each case is taken through the real services into a throwaway store, its documents written as `yishi print`
writes them, and the first page of each turned into a PNG with pdftoppm.

Run: .venv/bin/python tools/document_pages.py [OUT_DIR]
"""

from __future__ import annotations

import random
import subprocess
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from desktop.cases.clock import stepping_clock
from desktop.cases.decisions import case_decision
from desktop.cases.profile import Profile
from desktop.cases.states import Decision
from desktop.services import demo
from desktop.services.cases import print_case
from desktop.services.catalogs import CatalogInUse
from desktop.services.hall import Hall
from desktop.services.intake import decide, open_intake
from desktop.settings import Settings

PROFILE = Profile(*demo.DEMO_PROFILE)
SETTINGS = Settings(
    center_name=demo.DEMO_PROFILE[0],
    center_address="沈阳市和平区南湖街道文化路12号",
    center_hours="周一至周五 8:30–11:30，13:00–17:00",
    review_organ="沈阳市和平区人民政府",
    court="沈阳市和平区人民法院",
    receipt_base_url="https://zwfw.example.cn",
)
# (file prefix, bundle name, the outcome of the odd item or None, its reason, values a clerk would type)
CASES = (
    ("90-newborn", "新生儿出生", None, "", {}),
    ("91-company", "企业开办", Decision.NOTIFY, "单位缴存登记表未加盖公章", {}),
    # a man born in March 1964 who reached 60 and some months under the 2024 decision, retiring last month
    (
        "92-retirement",
        "企业职工退休",
        None,
        "",
        {
            "applicant.id_number": "210102196403150033",
            "employment.work_start_date": "1984-07-01",
            "employment.retire_date": "2026-10-31",
        },
    ),
)


def _decided(hall: Hall, catalog: CatalogInUse, case: tuple[str, Decision | None, str, dict[str, str]]) -> str:
    bundle, odd, why, typed = case
    code = next(b.code for b in catalog.index.catalog.bundles if b.name == bundle)
    session = demo.sample_session(catalog, code, hall.clock, 3)
    for field, value in typed.items():
        session.set_value(field, value)
    demo.mark_all(session, "accept", random.Random(3))
    outcomes = dict.fromkeys(session.items, Decision.ACCEPT)
    reasons = {}
    if odd is not None:
        last = session.items[-1]
        outcomes[last], reasons[last] = odd, why
    opened = open_intake(hall, catalog, code, PROFILE)
    decision = case_decision(outcomes.values())
    case = decide(hall, opened.case_id, session, decision, PROFILE, outcomes=outcomes, outcome_reasons=reasons)
    assert case.number is not None
    return case.number


def main(out: Path) -> None:
    clock = stepping_clock(datetime(2026, 11, 30, 2, 0, tzinfo=UTC))
    with tempfile.TemporaryDirectory() as tmp:
        hall = Hall.open(Path(tmp) / "cases.sqlite3", SETTINGS, Path(tmp) / "data", clock=clock)
        catalog = hall.catalogs.current()
        for prefix, bundle, odd, why, typed in CASES:
            number = _decided(hall, catalog, (bundle, odd, why, typed))
            for pdf in print_case(hall, catalog, number, SETTINGS, Path(tmp) / prefix):
                name = f"{prefix}-{pdf.stem.split('-', 5)[-1]}"  # the stem is <grouped number>-<kind>
                subprocess.run(
                    ["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", "-singlefile", str(pdf), str(out / name)],
                    check=True,
                )
                print(out / f"{name}.png")
        hall.close()


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parents[1] / "docs" / "screenshots")
