from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from credit_check.catalogue import CatalogueError, load_catalogue
from credit_check.catalogue.loader import default_catalogue_path
from tests.conftest import REPO_ROOT

EXPECTED_TASKS = ["1.1", "1.2", "1.3", "1.4", "2.1", "2.2", "3.1", "3.2", "4.1", "4.2", "4.3", "4.4", "4.5",
                  "5.1", "5.2", "5.3", "5.4", "6.1", "6.2", "6.3", "7.1", "7.2", "7.3", "7.4"]


def test_shipped_catalogue_has_every_task_bonus_and_deduction() -> None:
    cat = load_catalogue()
    assert [t.id for t in cat.tasks] == EXPECTED_TASKS
    assert [b.id for b in cat.bonus] == [f"B{i}" for i in range(1, 8)]
    assert [d.id for d in cat.deductions] == [f"D{i}" for i in range(1, 8)]
    assert cat.deduction("D1") is not None and cat.deduction("D1").disqualify
    assert all(t.requirements for t in cat.tasks)
    assert set(cat.domains) == {"公路工程建设", "水运工程建设", "道路运输", "水路运输", "安全生产"}


def test_packaged_and_top_level_catalogue_are_the_same_file() -> None:
    assert default_catalogue_path().read_bytes() == (REPO_ROOT / "indicators.yaml").read_bytes()


def _write(tmp_path: Path, mutate) -> Path:
    data = yaml.safe_load((REPO_ROOT / "indicators.yaml").read_text(encoding="utf-8"))
    mutate(data)
    path = tmp_path / "cat.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


@pytest.mark.parametrize(("mutate", "expected"), [
    (lambda d: d["tasks"][2].update(pointz=3), "tasks[2](id 1.3).pointz"),
    (lambda d: d["tasks"][0].update(points="many"), "tasks[0](id 1.1).points"),
    (lambda d: d["tasks"][1].update(id="1.1"), "duplicate id '1.1'"),
    (lambda d: d["settings"].update(pass_mark=None), "settings.pass_mark"),
    (lambda d: d["tasks"][0]["requirements"][0].update(cadence="weekly"), "requirements[0](id group-doc).cadence"),
    (lambda d: d["tasks"][0].update(units=["不存在科"]), "不存在科"),
])
def test_catalogue_mistakes_name_the_file_and_yaml_path(tmp_path: Path, mutate, expected: str) -> None:
    path = _write(tmp_path, mutate)
    with pytest.raises(CatalogueError) as err:
        load_catalogue(path)
    assert str(path) in str(err.value)
    assert expected in str(err.value)
    assert "fix" in str(err.value)


def test_yaml_syntax_error_gives_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("version: 1\ntasks: [\n  - a: b\n", encoding="utf-8")
    with pytest.raises(CatalogueError, match="line"):
        load_catalogue(path)


def test_missing_catalogue_file(tmp_path: Path) -> None:
    with pytest.raises(CatalogueError, match="cannot read"):
        load_catalogue(tmp_path / "nope.yaml")


def test_shipped_catalogue_has_english_for_every_item() -> None:
    cat = load_catalogue()
    assert cat.title_en and set(cat.units_en) == set(cat.units)
    for task in cat.tasks:
        assert task.title_en and task.text_en and task.primary_en and task.secondary_en, task.id
    for item in (*cat.bonus, *cat.deductions):
        assert item.title_en and item.text_en, item.id
    for item in cat.scored_items():
        assert all(req.label_en for req in item.requirements), item.id
    # English text is English: no Chinese characters crept in.
    english = [cat.title_en, *cat.units_en.values()] + [
        text for item in (*cat.tasks, *cat.bonus, *cat.deductions) for text in (item.title_en, item.text_en)]
    assert not [text for text in english if any("\u4e00" <= ch <= "\u9fff" for ch in text)]


def test_english_fields_are_optional_and_checked(tmp_path: Path) -> None:
    def strip(d: dict) -> None:
        d.pop("title_en")
        d.pop("units_en")
        for item in d["tasks"] + d["bonus"] + d["deductions"]:
            for key in ("title_en", "text_en", "primary_en", "secondary_en"):
                item.pop(key, None)

    plain = load_catalogue(_write(tmp_path, strip))
    assert plain.tasks[0].title_en == "" and plain.units_en == {}
    path = _write(tmp_path, lambda d: d["units_en"].update({"不存在科": "Nowhere"}))
    with pytest.raises(CatalogueError, match="units_en"):
        load_catalogue(path)


def test_the_wheel_ships_the_top_level_catalogue() -> None:
    import tomllib

    build = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["hatch"]["build"]
    assert build["targets"]["wheel"]["force-include"]["indicators.yaml"] == "credit_check/indicators.yaml"
    assert not (REPO_ROOT / "credit_check" / "indicators.yaml").exists()  # one file, no copy to drift
