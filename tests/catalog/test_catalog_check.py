"""`yishi catalog check` lists every error at once and exits non-zero."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import yaml

from desktop.catalog.export import check_path
from desktop.catalog.version import version_key
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
    assert main(["catalog", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert len(data) == 35
    for bundle in data:
        assert {"code", "name", "category", "lead_departments", "items"} <= bundle.keys()
        for item in bundle["items"]:
            assert {"code", "name", "department"} <= item.keys()


def test_stats_json_gives_merged_and_separate_figures_for_all_35(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["catalog", "--stats", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert len(data) == 35
    for row in data:
        assert set(row) == {"code", "fields_merged", "fields_separate", "materials_merged", "materials_separate"}
        assert 0 < row["fields_merged"] <= row["fields_separate"]
        assert 0 < row["materials_merged"] <= row["materials_separate"]


# -- hardening (issue 13): every error listed in clear English, exit 1, never a traceback ---------------------------


def _check_cli(path: Path, capsys: pytest.CaptureFixture[str]) -> str:
    assert main(["catalog", "check", str(path)]) == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err and "error(s)" in err
    return err


@pytest.mark.parametrize("levels", [1_500, 20_000])
def test_a_rule_nested_thousands_of_levels_deep_is_a_clear_error(
    copy: Path, capsys: pytest.CaptureFixture[str], levels: int
) -> None:
    bundle_file = copy / "bundles" / "LNYJS003.yaml"
    _edit(bundle_file, lambda d: d["items"][0].update(when="(" * levels + "death_kind == 'normal'" + ")" * levels))
    _edit(copy / "elements" / "common.yaml", lambda d: d[0].update(derive="not " * levels + "empty(applicant.name)"))
    err = _check_cli(copy, capsys)
    assert err.count("at most 1000 characters") == 2


def test_a_short_rule_nested_too_deeply_is_refused_by_its_depth(copy: Path) -> None:
    _edit(copy / "bundles" / "LNYJS003.yaml", lambda d: d["items"][0].update(when="not " * 200 + "by_agent"))
    assert any("nested 201 levels deep; the limit is 40" in e for e in check_path(copy))


def test_a_catalog_missing_a_seed_bundle_is_refused(copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (copy / "bundles" / "LNYJS017.yaml").unlink()
    _edit(copy / "bundles" / "LNYJS005.yaml", lambda d: d.update(name="公积金贷款还清"))
    err = _check_cli(copy, capsys)
    assert "seed bundle LNYJS017 (申请工伤医疗待遇) is missing" in err
    assert "bundle LNYJS005: name '公积金贷款还清' differs from the seed list's '公积金贷款结清'" in err


@pytest.mark.parametrize("version", ["latest", "2026.01.1", "2026.11.1.0.1", "v2026", ""])
def test_a_version_sync_cannot_order_is_refused(copy: Path, version: str) -> None:
    _edit(copy / "catalog.yaml", lambda d: d.update(version=version))
    assert any(e.startswith("version:") and "dot-separated whole numbers" in e for e in check_path(copy))


def test_the_check_and_sync_order_versions_with_one_parser() -> None:
    assert version_key("2026.11.1") < version_key("2026.11.10") < version_key("2027.1")
    with pytest.raises(ValueError, match="latest"):
        version_key("latest")


def test_an_overlong_text_is_refused_and_not_echoed(copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _edit(copy / "items" / "GA001.yaml", lambda d: d.update(name="名" * 121))
    err = _check_cli(copy, capsys)
    assert "[GA001].name: String should have at most 120 characters" in err
    assert "名" * 121 not in err


def test_a_20_mb_name_is_refused_by_the_file_size_limit(copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = copy / "items" / "GA001.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("name: 新生婴儿出生落户", "name: " + "x" * 20_000_000))
    err = _check_cli(copy, capsys)
    assert "items/GA001.yaml: file is 20,00" in err and "the limit is 1,048,576" in err
    assert len(err) < 2_000


def test_a_json_catalog_over_the_size_limit_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    big = tmp_path / "big.json"
    big.write_text('{"version": "' + "1" * (9 << 20) + '"}', encoding="utf-8")
    assert "the limit is 8,388,608" in _check_cli(big, capsys)


def test_elements_deriving_from_each_other_are_refused(copy: Path) -> None:
    def cycle(elements: list[dict]) -> None:  # type: ignore[type-arg]
        by_code = {e["code"]: e for e in elements}
        by_code["applicant.birth_date"]["derive"] = "applicant.sex"
        by_code["applicant.sex"]["derive"] = "id_sex(applicant.id_number) if empty(applicant.birth_date) else '男'"

    _edit(copy / "elements" / "common.yaml", cycle)
    assert "derivation cycle: applicant.birth_date → applicant.sex → applicant.birth_date" in "\n".join(
        check_path(copy)
    )


def test_items_waiting_for_each_others_results_are_refused(copy: Path) -> None:
    # 退休证 from RS015 to ZJ003 already; ZJ003 now also issues something RS015 asks for.
    _edit(copy / "items" / "ZJ003.yaml", lambda d: d.update(produces=["personnel_file"]))
    errors = "\n".join(check_path(copy))
    assert "bundle LNYJS018 (企业职工退休): production cycle RS015 → ZJ003 → RS015" in errors


def test_an_item_cannot_produce_what_it_asks_for_or_what_does_not_exist(copy: Path) -> None:
    _edit(copy / "items" / "RS015.yaml", lambda d: d.update(produces=["retirement_cert", "id_card", "no_such_thing"]))
    errors = "\n".join(check_path(copy))
    assert "produces 'id_card' and also asks for it" in errors
    assert "produces unknown material or data element 'no_such_thing'" in errors


def test_deferral_on_an_immediate_item_is_refused(copy: Path) -> None:
    def defer(item: dict) -> None:  # type: ignore[type-arg]
        item["guide"]["promised_days"] = 0
        item["materials"][0]["deferrable"] = True

    _edit(copy / "items" / "RS015.yaml", defer)
    assert any("容缺 is never allowed on an 即办 item" in e for e in check_path(copy))


def test_a_notify_commit_form_only_on_an_item_that_uses_it(copy: Path) -> None:
    _edit(copy / "items" / "RS027.yaml", lambda d: d.pop("notify_commit"))
    _edit(copy / "items" / "XF001.yaml", lambda d: d.update(notify_commit="fire_commitment == 'written'"))
    _edit(copy / "items" / "WJW002.yaml", lambda d: d.update(notify_commit="no_such_question == 'x'"))
    errors = "\n".join(check_path(copy))
    assert "item RS027 (人力资源服务许可审批): asks for commitment_letter (告知承诺书) but does not use 告知承诺" in (
        errors
    )
    assert "item WJW002 (生育登记): notify_commit refers to unknown question 'no_such_question'" in errors


def test_yaml_aliases_and_unquoted_dates_are_refused(copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bomb = ["- &a [x, x, x, x, x, x, x, x, x]"]
    bomb += [f"- &{chr(98 + n)} [*{chr(97 + n)}, *{chr(97 + n)}, *{chr(97 + n)}, *{chr(97 + n)}]" for n in range(20)]
    (copy / "materials" / "zz_bomb.yaml").write_text("\n".join(bomb), encoding="utf-8")
    (copy / "questions" / "zz_date.yaml").write_text("- {code: q, text: 2026-01-01, options: []}", encoding="utf-8")
    (copy / "elements" / "zz_key.yaml").write_text("- {1: x}", encoding="utf-8")
    err = _check_cli(copy, capsys)
    assert "materials/zz_bomb.yaml: YAML aliases (*name) are not allowed" in err
    assert "questions/zz_date.yaml: date value '2026-01-01' is not plain data (quote it as text)" in err
    assert "elements/zz_key.yaml: mapping key '1' must be text (quote it)" in err


def test_deeply_nested_data_is_refused_without_a_traceback(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    deep_json = tmp_path / "deep.json"
    deep_json.write_text('{"version": ' + "[" * 50_000 + "]" * 50_000 + "}", encoding="utf-8")
    assert "nested too deeply to read" in _check_cli(deep_json, capsys)
    nested = tmp_path / "nested.json"
    nested.write_text('{"source": ' + "[" * 40 + "]" * 40 + "}", encoding="utf-8")
    assert "data nested more than 12 levels deep" in _check_cli(nested, capsys)


def test_rules_on_the_retirement_table_name_its_schemes(copy: Path) -> None:
    def wrong_scheme(item: dict) -> None:  # type: ignore[type-arg]
        item["checks"][0]["expr"] = "retirement_date(applicant.birth_date, 'male' if by_agent == 'self' else 'woman')"

    _edit(copy / "items" / "RS015.yaml", wrong_scheme)
    _edit(copy / "items" / "RS005.yaml", lambda d: d["checks"][0].update(expr="age(applicant.birth_date, 1, 2) > 1"))
    errors = "\n".join(check_path(copy))
    assert "item RS015 (职工正常退休(职)申请): check names unknown retirement scheme 'woman'" in errors
    assert "age() takes 1 to 2 argument(s), not 3" in errors
    _edit(copy / "catalog.yaml", lambda d: d.pop("retirement"))
    assert "reads the retirement table, but the catalog has none" in "\n".join(check_path(copy))


def test_catalog_text_compared_with_normalized_input_must_be_normalized(copy: Path) -> None:
    # Input is NFKC-normalized: a choice written with full-width （） could never be picked.
    _edit(copy / "elements" / "group_D.yaml", lambda d: d[-1].update(kind="choice", options=["甲（乙）", "丙"]))
    _edit(copy / "items" / "RS007.yaml", lambda d: d["checks"][0].update(expr="employment.contract_end_reason != 'Ａ'"))
    errors = "\n".join(check_path(copy))
    assert "option '甲（乙）' is not NFKC-normalized like the input it is compared with; write '甲(乙)'" in errors
    assert "check text 'Ａ' is not NFKC-normalized" in errors
