"""`yishi catalog check` on the form's assists: copies between parties, same_as elements and word lists."""

from __future__ import annotations

import shutil
from pathlib import Path

import yaml

from desktop.catalog.export import check_path
from desktop.paths import catalog_dir


def _edited(tmp_path: Path, name: str, change: object) -> Path:
    root = tmp_path / "catalog"
    shutil.copytree(catalog_dir(), root)
    path = root / name
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)  # type: ignore[operator]
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return root


def test_the_shipped_catalog_passes() -> None:
    assert check_path(catalog_dir()) == []


def test_a_copy_from_an_unknown_party_is_an_error(tmp_path: Path) -> None:
    def change(data: dict) -> None:  # type: ignore[type-arg]
        mother = next(p for p in data["parties"] if p["code"] == "mother")
        mother["copy_from"] = [{"party": "nobody"}]

    errors = check_path(_edited(tmp_path, "catalog.yaml", change))
    assert any("party mother: copy_from names unknown party 'nobody'" in e for e in errors)


def test_same_as_needs_an_element_of_the_same_kind_and_suggest_a_known_list(tmp_path: Path) -> None:
    def change(data: list) -> None:  # type: ignore[type-arg]
        element = next(e for e in data if e["code"] == "deceased.death_place")
        element["same_as"] = ["deceased.name"]
        element["suggest"] = "no_such_list"

    errors = "\n".join(check_path(_edited(tmp_path, "elements/common.yaml", change)))
    assert "element deceased.death_place: same_as 'deceased.name' is no element of the same kind" in errors
    assert "element deceased.death_place: unknown word list 'no_such_list'" in errors
