"""`credit-check merge`: three counties audited for real, their JSON reports merged into one
province view with the same photo, the same file and the same text found across counties."""

from __future__ import annotations

import datetime as dt
import json
import random
import shutil
from functools import cache
from pathlib import Path

import pytest
from typer.testing import CliRunner

from credit_check.catalogue import load_catalogue
from credit_check.cli import app
from credit_check.merge import merge, render_json
from credit_check.model import Period
from credit_check.pipeline import AuditOptions, run_audit
from credit_check.reporters import json as json_report
from credit_check.reporters import province_html
from tests.builders.documents import Gongwen, build_docx
from tests.builders.photos import PhotoSpec, make_photo, recompressed, resized
from tests.builders.sheets import chinese_text, edit_text

pytestmark = pytest.mark.needs_cjk_font

COUNTIES = ("莱芜区", "钢城区", "章丘区")
WHEN = dt.datetime(2024, 5, 12, 9, 30)


def _doc(path: Path, body: str) -> None:
    build_docx(path, Gongwen(body=(body,), header=False, number=None, seal=None, layout="plain",
                             title="宣传月活动总结"), floating_seal=False)


@cache
def _province(base: str) -> tuple[Path, ...]:
    """Three county trees (real JPEG and DOCX files), audited; returns the JSON reports."""
    root = Path(base)
    rng = random.Random(5)
    copied_text = chinese_text(rng, 900)
    notice = root / "notice.docx"
    _doc(notice, chinese_text(rng, 700))  # a notice from the city, filed by every county
    reports = []
    for n, county in enumerate(COUNTIES):
        tree = root / county
        activity = tree / "5.1 宣传月" / "2024-05-12 宣传活动"
        activity.mkdir(parents=True)
        for k in range(3):  # each county's own photos
            make_photo(activity / f"IMG_{k}.jpg", PhotoSpec(seed=100 * n + k, taken=WHEN))
        _doc(activity / "活动总结.docx", chinese_text(rng, 900))  # its own text
        shutil.copyfile(notice, tree / "5.1 宣传月" / "关于开展宣传月活动的通知.docx")
        reports.append(tree)
    a_photo = reports[0] / "5.1 宣传月" / "2024-05-12 宣传活动" / "IMG_1.jpg"
    shutil.copyfile(a_photo, reports[1] / "5.1 宣传月" / "2024-05-12 宣传活动" / "IMG_copied.jpg")  # same bytes
    b_photo = reports[1] / "5.1 宣传月" / "2024-05-12 宣传活动" / "IMG_2.jpg"
    resized(b_photo, reports[2] / "5.1 宣传月" / "2024-05-12 宣传活动" / "IMG_small.jpg", 0.6)  # same picture
    recompressed(b_photo, root / "recompressed.jpg")
    _doc(reports[0] / "5.1 宣传月" / "2024-05-12 宣传活动" / "工作信息.docx", copied_text)
    _doc(reports[2] / "5.1 宣传月" / "2024-05-12 宣传活动" / "工作信息报送.docx",
         edit_text(copied_text, 0.03, random.Random(9)))  # the same text, lightly edited
    cat = load_catalogue()
    out = []
    for tree in reports:
        options = AuditOptions(root=tree, catalogue=cat, period=Period(start=cat.settings.period_start,
                                                                        end=cat.settings.period_end),
                               audit_date=dt.date(2025, 1, 15), ocr=False, jobs=2)
        path = root / f"{tree.name}.json"
        path.write_text(json_report.render(run_audit(options)), encoding="utf-8")
        out.append(path)
    return tuple(out)


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, ...]:
    return _province(str(tmp_path_factory.mktemp("province")))


def test_reports_carry_sketches_and_hashes(reports: tuple[Path, ...]) -> None:
    data = json.loads(reports[0].read_text(encoding="utf-8"))
    docs = [f for f in data["files"] if f["kind"] == "document"]
    assert docs and all(f["text_sketch"] and len(f["text_sketch"]["minhash"]) == 1024 for f in docs)
    photos = [f for f in data["files"] if f["kind"] == "photo"]
    assert photos and all(f["text_sketch"] is None and f["facts"]["phash"] for f in photos)


def test_table_has_one_row_per_county(reports: tuple[Path, ...]) -> None:
    province = merge(reports)
    assert [c.name for c in province.counties] == list(COUNTIES)
    for row, path in zip(province.counties, reports, strict=True):
        score = json.loads(path.read_text(encoding="utf-8"))["score"]
        assert row.total == score["total"] and row.passed == score["passed"]
        assert row.files == {"莱芜区": 6, "钢城区": 6, "章丘区": 7}[row.name]
        assert set(row.task_status) == {"met", "partial", "missing", "unknown"}
    assert province.deduction_items[:7] == ("D1", "D2", "D3", "D4", "D5", "D6", "D7")


def test_cross_county_findings(reports: tuple[Path, ...]) -> None:
    province = merge(reports)
    by_check: dict[str, list[object]] = {}
    for f in province.cross:
        by_check.setdefault(f.check, []).append(f)
    leads = {(f.check, f.counties) for f in province.cross if not f.common}
    assert ("same-file", ("莱芜区", "钢城区")) in leads  # the copied photo, byte for byte
    assert ("same-photo", ("章丘区", "钢城区")) in leads  # the resized photo
    assert ("same-text", ("章丘区", "莱芜区")) in leads  # the lightly edited text
    same_photo = next(f for f in province.cross if f.check == "same-photo")
    assert {p.path.rsplit("/", 1)[-1] for p in same_photo.places} == {"IMG_2.jpg", "IMG_small.jpg"}
    assert same_photo.severity.value == "error" and same_photo.measure["distance"] <= 6
    # the city's notice is in all three counties: shared material, not a finding against anyone
    common = [f for f in province.cross if f.common]
    assert len(common) == 1 and common[0].check == "same-file" and len(common[0].counties) == 3
    assert common[0].severity.value == "info"
    rows = {c.name: c.cross_findings for c in province.counties}
    assert rows == {"莱芜区": 2, "钢城区": 2, "章丘区": 2}
    # nothing else: the counties' own photos and texts differ
    assert len(province.cross) == 4


def test_json_and_html_outputs(reports: tuple[Path, ...], tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["merge", *map(str, reports), "--output", str(tmp_path / "province.json"),
                                      "--html", str(tmp_path / "province.html")])
    assert result.exit_code == 0, result.output
    data = json.loads((tmp_path / "province.json").read_text(encoding="utf-8"))
    assert data["schema"] == "credit-check/province@1"
    assert [c["name"] for c in data["counties"]] == list(COUNTIES)
    assert (tmp_path / "province.json").read_text(encoding="utf-8") == render_json(merge(reports))
    page = (tmp_path / "province.html").read_text(encoding="utf-8")
    assert all(name in page for name in COUNTIES) and "相同照片" in page and "<script" not in page
    assert "same photo" in province_html.render(merge(reports), "en")


def test_not_a_report_is_refused(reports: tuple[Path, ...], tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"schema": "something-else"}', encoding="utf-8")
    result = CliRunner().invoke(app, ["merge", str(reports[0]), str(bad)])
    assert result.exit_code == 2 and "not a credit-check JSON report" in result.output
    result = CliRunner().invoke(app, ["merge", str(tmp_path / "missing.json")])
    assert result.exit_code == 2


def test_report_without_sketches_is_compared_on_files_and_photos(reports: tuple[Path, ...], tmp_path: Path) -> None:
    data = json.loads(reports[2].read_text(encoding="utf-8"))
    for f in data["files"]:
        f.pop("text_sketch")
    old = tmp_path / "old.json"
    old.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    province = merge([reports[0], reports[1], old])
    assert not any(f.check == "same-text" for f in province.cross)
    assert any(f.check == "same-photo" for f in province.cross)
    assert province.notes and "text sketches" in province.notes[0]


def test_names_from_evidence_are_escaped(reports: tuple[Path, ...], tmp_path: Path) -> None:
    data = json.loads(reports[0].read_text(encoding="utf-8"))
    data["root"] = "/data/<img src=x onerror=alert(1)>区"
    odd = tmp_path / "odd.json"
    odd.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    page = province_html.render(merge([odd, reports[1]]))
    assert "<img" not in page and "&lt;img src=x onerror=alert(1)&gt;区" in page
