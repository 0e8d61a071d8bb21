from __future__ import annotations

from pathlib import Path

import pytest

from credit_check.checks import measures
from credit_check.facts import ExtractOptions, extract
from credit_check.model import EvidenceFile, Finding, Kind, Severity
from tests.builders.sheets import check_context, doc_file, sheet_file, write_xlsx

ROWS = [
    ["序号", "惩戒措施", "设定依据", "实施部门"],
    ["1", "限制参加政府采购", "《中华人民共和国政府采购法》第二十二条", "财政局"],
    ["2", "限制申请财政性资金项目", "《国务院关于建立完善守信联合激励和失信联合惩戒制度的意见》（国发〔2016〕33号）", "发改局"],
    ["3", "从严审核行政许可", "《道路运输条例》第八条", "交通局"],
    ["4", "列为重点监管对象", "", "交通局"],
    ["5", "暂停办理所有业务", "本局研究决定", "交通局"],
    ["6", "限制乘坐高铁", "中共中央办公厅、国务院办公厅印发《关于加快推进社会信用体系建设构建以信用为基础的新型监管机制的指导意见》", "交通局"],
    ["7", "取消评优评先资格", "《山东省交通运输信用管理办法》", "交通局"],
]


def run(files: list[EvidenceFile]) -> list[Finding]:
    return list(measures.check(files, check_context()))


def test_spreadsheet_list() -> None:
    findings = run([sheet_file("联合惩戒措施清单.xlsx", {"清单": ROWS})])
    got = {(f.check, f.message.split("第")[1].split("行")[0]) for f in findings}
    assert got == {("no-basis", "5"), ("weak-basis", "6"), ("weak-basis", "8")}
    assert {f.severity for f in findings if f.check == "no-basis"} == {Severity.ERROR}
    assert {f.severity for f in findings if f.check == "weak-basis"} == {Severity.WARNING}
    assert all(f.rule == "D3" for f in findings)


def test_document_table_across_pages() -> None:
    lines = ["\t".join(r) for r in ROWS]
    f = doc_file("7.4/失信联合惩戒措施清单.docx", ["关于印发失信联合惩戒措施清单的通知\n" + "\n".join(lines[:4]),
                                               "\n".join(lines[4:])])
    findings = run([f])
    assert sorted((f.check, f.page) for f in findings) == [("no-basis", 2), ("weak-basis", 2), ("weak-basis", 2)]


def test_other_files_are_not_read() -> None:
    assert run([sheet_file("4.4/采购台账.xlsx", {"S": ROWS})]) == []


@pytest.mark.parametrize(("basis", "ok"), [
    ("《中华人民共和国行政处罚法》", True),
    ("《公路安全保护条例》第六十条", True),
    ("国办发〔2020〕49号", True),
    ("中发[2019]5号", True),
    ("国务院《关于印发社会信用体系建设规划纲要（2014—2020年）的通知》", True),
    ("交通运输部令2019年第27号", False),
    ("市局要求", False),
])
def test_lawful_basis(basis: str, ok: bool) -> None:
    assert measures.lawful(basis) is ok


def test_real_xlsx(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "惩戒措施.xlsx", {"Sheet1": ROWS})
    extracted = extract(path, ExtractOptions())
    f = EvidenceFile(path="惩戒措施.xlsx", abs_path=path, size=1, task=None, kind=Kind.SPREADSHEET, sheets=extracted.sheets)
    assert len(run([f])) == 3


def test_real_docx_table(tmp_path: Path) -> None:
    import docx

    document = docx.Document()
    document.add_paragraph("交通运输领域失信联合惩戒措施清单")
    table = document.add_table(rows=0, cols=len(ROWS[0]))
    for row in ROWS:
        cells = table.add_row().cells
        for cell, value in zip(cells, row, strict=True):
            cell.text = value
    path = tmp_path / "清单.docx"
    document.save(str(path))
    extracted = extract(path, ExtractOptions())
    f = EvidenceFile(path="7.4/失信惩戒措施清单.docx", abs_path=path, size=1, task="7.4", kind=Kind.DOCUMENT,
                     pages=extracted.pages)
    findings = run([f])
    assert sorted(f.check for f in findings) == ["no-basis", "weak-basis", "weak-basis"]
    assert any("列为重点监管对象" in f.message for f in findings if f.check == "no-basis")
