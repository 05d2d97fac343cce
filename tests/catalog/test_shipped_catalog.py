"""The shipped catalog: the seed's 35 bundles verbatim, one code per item, and guides complete."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from desktop.catalog.check import problems
from desktop.catalog.export import bundles_json, load_index
from desktop.catalog.index import CatalogIndex
from desktop.catalog.loader import load
from desktop.catalog.seed import SEED_BUNDLES
from desktop.forms.situations import applicable_items
from desktop.paths import catalog_dir

SEED = json.loads((Path(__file__).parent.parent / "data" / "seed_bundles.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def idx() -> CatalogIndex:
    return load_index()


def test_shipped_catalog_has_no_problems() -> None:
    assert problems(load(catalog_dir()).catalog) == []


def test_json_export_matches_the_seed_list_verbatim(idx: CatalogIndex) -> None:
    exported = bundles_json(idx)
    assert len(exported) == 35
    assert sum(len(b["items"]) for b in exported) == 139
    for ours, seed in zip(exported, SEED, strict=True):
        assert (ours["name"], ours["category"], ours["lead_departments"]) == (
            seed["name"],
            seed["category"],
            seed["lead_departments"],
        )
        assert [(i["name"], i["department"]) for i in ours["items"]] == [
            (i["name"], i["department"]) for i in seed["items"]
        ]


def test_an_item_in_several_bundles_has_one_code(idx: CatalogIndex) -> None:
    codes_by_name: dict[str, set[str]] = {}
    for bundle in bundles_json(idx):
        for item in bundle["items"]:
            codes_by_name.setdefault(item["name"], set()).add(item["code"])
    assert all(len(codes) == 1 for codes in codes_by_name.values())
    assert len(codes_by_name["社会保障卡申领"]) == 1
    uses = Counter(e.item for b in idx.catalog.bundles for e in b.items)
    assert uses[next(iter(codes_by_name["社会保障卡申领"]))] == 4


def test_department_variants_resolve_to_one_canonical_name(idx: CatalogIndex) -> None:
    assert idx.department_by_name["省医保局"] is idx.department_by_name["省医疗保障局"]
    assert idx.department_by_name["省文化旅游厅"] is idx.department_by_name["省文化和旅游厅"]


def test_every_item_has_a_complete_service_guide(idx: CatalogIndex) -> None:
    for item in idx.catalog.items:
        g = item.guide
        assert g.fee.strip(), item.code
        assert g.basis and all(b.strip() for b in g.basis), item.code
        assert 0 <= g.promised_days <= g.statutory_days, item.code
        assert item.materials, item.code
        assert item.fields, item.code


def test_every_bundle_asks_situation_questions(idx: CatalogIndex) -> None:
    for bundle in idx.catalog.bundles:
        assert bundle.questions, bundle.name


def test_death_bundle_picks_the_death_certificate_item_of_the_situation(idx: CatalogIndex) -> None:
    bundle = next(b for b in idx.catalog.bundles if b.name == "公民身后一件事")
    certificates = {"出具死亡证明(正常死亡)", "出具死亡证明(非正常死亡)"}
    picked = {
        value: {idx.items[c].name for c in applicable_items(idx, bundle.code, {"death_kind": value})} & certificates
        for value in (o.value for o in idx.questions["death_kind"].options)
    }
    # 宣告死亡: a court judgment stands in for both certificates (and there is no body to cremate).
    assert picked == {"normal": {"出具死亡证明(正常死亡)"}, "abnormal": {"出具死亡证明(非正常死亡)"}, "declared": set()}
    declared = applicable_items(idx, bundle.code, {"death_kind": "declared"})
    assert "MZ002" not in declared and "GA005" in declared


def test_catalog_version_and_checksum_are_stable() -> None:
    a, b = load(catalog_dir()), load(catalog_dir())
    assert a.catalog.version and a.checksum == b.checksum and len(a.checksum) == 64


def test_the_seed_list_the_check_ships_is_the_seeds() -> None:
    assert [(s.seq, s.name) for s in SEED_BUNDLES] == [(b["seq"], b["name"]) for b in SEED]
    assert [s.code for s in SEED_BUNDLES] == [f"LNYJS{b['seq']:03d}" for b in SEED]
