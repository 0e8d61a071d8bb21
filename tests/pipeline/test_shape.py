"""The contracts between the stages: typed facts, masking only evidence text, findings that name
their check, catalogue aliases, inspect on the audit's own path."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from credit_check.catalogue import load_catalogue
from credit_check.catalogue.loader import default_catalogue_path
from credit_check.checks import CHECKS, CheckContext, reuse
from credit_check.cli import app
from credit_check.discover import Discovered, Tree, discover
from credit_check.explain import explain_item
from credit_check.facttypes import DocumentFacts, PhotoFacts
from credit_check.model import Extracted, Kind, Period
from credit_check.records import build_records
from tests.builders.photos import save_jpeg, scene

CAT = load_catalogue()
PHONE_LIKE = "0d13812345678f00"  # hex digits with an 11-digit run that looks like a mobile number
runner = CliRunner()


def _photo(path: str, task: str) -> Discovered:
    return Discovered(path=path, abs_path=Path("/nowhere") / path, size=1, task=task)


def test_a_hash_that_looks_like_a_phone_number_is_never_masked() -> None:
    facts = PhotoFacts(phash=PHONE_LIKE, phash_middle=PHONE_LIKE, phash_zoom=(PHONE_LIKE,),
                       stamp=True, stamp_text="联系电话 13812345678 2024-05-12 09:30")
    items = (_photo("1.2 会议/a.jpg", "1.2"), _photo("5.1 宣传/b.jpg", "5.1"))
    tree = Tree(root=Path("/nowhere"), files=items, folders=(), unreadable=())
    records = build_records(tree, [("a" * 64, Extracted(kind=Kind.PHOTO, facts=facts))] * 2, CAT)
    for record in records:
        assert isinstance(record.facts, PhotoFacts)
        assert record.facts.phash == PHONE_LIKE and record.facts.phash_zoom == (PHONE_LIKE,)
        assert record.facts.stamp_text is not None and "13812345678" not in record.facts.stamp_text
    ctx = CheckContext(catalogue=CAT, period=Period(start=dt.date(2024, 1, 1), end=dt.date(2024, 12, 31)),
                       audit_date=dt.date(2025, 1, 1))
    found = list(reuse.check(records, ctx))  # crashed (exit 3) when the hash was masked
    # The hashes still match (a candidate); with no pictures to verify it is not conclusive: a warning.
    assert [(f.rule, f.check, f.severity.value) for f in found] == [("D1", "reused-suspected", "warning")]


def test_evidence_text_is_masked_in_every_nested_field() -> None:
    facts = DocumentFacts(title="张三 110101199003078515 的承诺书", notes=("13812345678",), pages=13812345678)
    item = Discovered(path="1.1 x/110101199003078515.pdf", abs_path=Path("/x/a.pdf"), size=1, task="1.1")
    tree = Tree(root=Path("/x"), files=(item,), folders=(), unreadable=())
    [record] = build_records(tree, [("b" * 64, Extracted(kind=Kind.DOCUMENT, facts=facts))], CAT)
    dumped = json.dumps(record.facts.model_dump(mode="json"), ensure_ascii=False) + record.path
    assert "110101199003078515" not in dumped and "13812345678" in str(record.facts.pages)  # numbers stay
    assert "13812345678" not in "".join(record.facts.notes)


def test_typed_facts_read_back_from_json_as_the_same_record() -> None:
    facts = DocumentFacts(title="通知", seal=True, seal_box=(0.1, 0.2, 0.3, 0.4), issued_on=dt.date(2024, 5, 12))
    ex = Extracted(kind=Kind.DOCUMENT, facts=facts)
    again = Extracted.model_validate_json(ex.model_dump_json())
    assert again == ex and isinstance(again.facts, DocumentFacts)


def test_catalogue_aliases_map_folders_to_tasks(tmp_path: Path) -> None:
    data = yaml.safe_load(default_catalogue_path().read_text(encoding="utf-8"))
    for task in data["tasks"]:
        if task["id"] == "1.2":
            task["aliases"] = ["信用工作例会"]
    custom = tmp_path / "cat.yaml"
    custom.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    cat = load_catalogue(custom)
    root = tmp_path / "evidence"
    (root / "信用工作例会（第一季度）").mkdir(parents=True)
    (root / "信用工作例会（第一季度）" / "纪要.txt").write_text("会议纪要", encoding="utf-8")
    (root / "其他").mkdir()
    (root / "其他" / "x.txt").write_text("x", encoding="utf-8")
    known = {t.id for t in cat.tasks}
    tree = discover(root, known, cat.aliases())
    assert {f.path: f.task for f in tree.files} == {"信用工作例会（第一季度）/纪要.txt": "1.2", "其他/x.txt": None}
    assert discover(root, known).files[0].task is None  # without the catalogue's aliases: unfiled


def test_an_alias_given_to_two_tasks_is_a_catalogue_error(tmp_path: Path) -> None:
    data = yaml.safe_load(default_catalogue_path().read_text(encoding="utf-8"))
    data["tasks"][0]["aliases"] = ["例会"]
    data["tasks"][1]["aliases"] = ["例会"]
    custom = tmp_path / "cat.yaml"
    custom.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    result = runner.invoke(app, ["indicators", "--catalogue", str(custom)])
    assert result.exit_code == 2 and "例会" in result.output


@pytest.mark.parametrize("source", [*CHECKS, "evidence"])
def test_every_source_is_explainable(source: str) -> None:
    assert explain_item(CAT, source)


def test_every_finding_names_its_source_and_explain_accepts_it(tmp_path: Path) -> None:
    root = tmp_path / "evidence"
    (root / "1.1 领导小组").mkdir(parents=True)
    (root / "1.1 领导小组" / "关于成立领导小组的通知.txt").write_text("关于成立领导小组的通知\n特此通知", encoding="utf-8")
    (root / "新建文件夹").mkdir()
    (root / "5.1 宣传月").mkdir()
    save_jpeg(scene(3, (320, 240)), root / "5.1 宣传月" / "现场.jpg")
    (root / "5.1 宣传月" / "坏.pdf").write_bytes(b"%PDF-1.4 broken")
    out = runner.invoke(app, ["audit", str(root), "--format", "json", "--no-cache", "--no-ocr"])
    report = json.loads(out.output)
    assert report["findings"]
    sources = {f["source"] for f in report["findings"]}
    assert {"evidence", "read-error", "layout"} <= sources
    for source in sources:
        assert runner.invoke(app, ["explain", source]).exit_code == 0, source
    for f in report["findings"]:  # the ids a report shows: rule/check and the check alone
        assert explain_item(CAT, f"{f['rule']}/{f['check']}") and explain_item(CAT, f["check"]), f


def test_inspect_honours_the_catalogue(tmp_path: Path) -> None:
    data = yaml.safe_load(default_catalogue_path().read_text(encoding="utf-8"))
    data["overrides"] = [{"glob": "*.txt", "issued": True}]
    custom = tmp_path / "cat.yaml"
    custom.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    doc = tmp_path / "ev" / "会议纪要.txt"
    doc.parent.mkdir()
    doc.write_text("会议纪要\n内容", encoding="utf-8")
    plain = json.loads(runner.invoke(app, ["inspect", str(doc), "--json", "--no-ocr"]).output)
    custom_run = json.loads(runner.invoke(app, ["inspect", str(doc), "--json", "--no-ocr", "-c", str(custom)]).output)
    assert plain["facts"]["issued"] is False and custom_run["facts"]["issued"] is True
