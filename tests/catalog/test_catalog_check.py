"""`yishi catalog check` lists every error at once and exits non-zero."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from desktop.catalog.export import check_path
from desktop.entry import main
from desktop.paths import catalog_dir


@pytest.fixture
def copy(tmp_path: Path) -> Path:
    target = tmp_path / "catalog"
    shutil.copytree(catalog_dir(), target)
    return target


def _edit(path: Path, change: object) -> None:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)  # type: ignore[operator]
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")


def _first_item(root: Path) -> Path:
    return sorted((root / "items").glob("*.yaml"))[0]


def test_every_kind_of_error_is_listed_together(copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    item_file = _first_item(copy)
    item = yaml.safe_load(item_file.read_text(encoding="utf-8"))
    # a duplicate item code
    (copy / "items" / "ZZ_duplicate.yaml").write_text(item_file.read_text(encoding="utf-8"), encoding="utf-8")

    def break_item(data: dict) -> None:  # type: ignore[type-arg]
        data["fields"].append({"element": "applicant.no_such_field"})
        data["materials"] = []

    _edit(item_file, break_item)
    bundle_file = sorted((copy / "bundles").glob("*.yaml"))[0]
    _edit(bundle_file, lambda d: d["items"].append({"item": "GA999", "when": "by_agent == 'agent'"}))

    errors = check_path(copy)
    text = "\n".join(errors)
    assert f"duplicate item code {item['code']!r}" in text
    assert "unknown data element 'applicant.no_such_field'" in text
    assert "has no materials" in text
    assert "unknown item 'GA999'" in text

    assert main(["catalog", "check", str(copy)]) == 1
    err = capsys.readouterr().err
    assert "applicant.no_such_field" in err and "GA999" in err and "error(s)" in err


def test_unsafe_expressions_are_refused(copy: Path) -> None:
    bundle_file = sorted((copy / "bundles").glob("*.yaml"))[0]
    _edit(bundle_file, lambda d: d["items"][0].update(when="__import__('os').system('true')"))
    assert any("call not allowed" in e for e in check_path(copy))


def test_schema_errors_name_the_record(copy: Path) -> None:
    item_file = _first_item(copy)
    _edit(item_file, lambda d: d["guide"].pop("fee"))
    code = yaml.safe_load(item_file.read_text(encoding="utf-8"))["code"]
    errors = check_path(copy)
    assert any(f"[{code}]" in e and "fee" in e for e in errors)


def test_the_shipped_catalog_passes_the_cli_check(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["catalog", "check", str(catalog_dir())]) == 0
    assert "OK" in capsys.readouterr().out


def test_a_missing_or_garbled_file_is_a_clear_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["catalog", "check", str(tmp_path / "nope.json")]) == 1
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    assert main(["catalog", "check", str(bad)]) == 1
    assert "cannot read" in capsys.readouterr().err


def test_json_export_is_valid_json_with_the_required_keys(capsys: pytest.CaptureFixture[str]) -> None:
    import json

    assert main(["catalog", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert len(data) == 35
    for bundle in data:
        assert {"code", "name", "category", "lead_departments", "items"} <= bundle.keys()
        for item in bundle["items"]:
            assert {"code", "name", "department"} <= item.keys()


def test_stats_json_gives_merged_and_separate_figures_for_all_35(capsys: pytest.CaptureFixture[str]) -> None:
    import json

    assert main(["catalog", "--stats", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert len(data) == 35
    for row in data:
        assert set(row) == {"code", "fields_merged", "fields_separate", "materials_merged", "materials_separate"}
        assert 0 < row["fields_merged"] <= row["fields_separate"]
        assert 0 < row["materials_merged"] <= row["materials_separate"]
