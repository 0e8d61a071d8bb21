from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from credit_check.checks import personal_data
from credit_check.facts import ExtractOptions, extract
from credit_check.model import EvidenceFile, Finding, Kind, Severity
from tests.builders.sheets import (
    check_context,
    credit_code,
    doc_file,
    luhn_complete,
    resident_id,
    sheet_file,
    write_xlsx,
    wrong_check,
)

ID1 = resident_id("370116", dt.date(1985, 11, 2), "031")
ID2 = resident_id("370102", dt.date(1972, 1, 30), "442")


def run(files: list[EvidenceFile]) -> list[Finding]:
    return list(personal_data.check(files, check_context()))


def test_published_list_with_ids_is_an_error_and_masked() -> None:
    f = sheet_file("5.2 诚信典范/公示名单.xlsx", {"Sheet1": [
        ["姓名", "身份证号", "联系电话"], ["张三", ID1, "13812345678"], ["李四", ID2, "13912345678"]]})
    [finding] = run([f])
    assert finding.severity is Severity.ERROR and finding.rule == "D2" and finding.check == "published"
    assert "身份证号 2 处" in finding.message and "手机号 2 处" in finding.message
    assert "Sheet1!B2" in finding.message and "Sheet1!C3" in finding.message
    assert ID1[:6] + "********" + ID1[-4:] in finding.message
    for text in (finding.message, finding.message_en, finding.fix):
        assert ID1 not in text and ID2 not in text and "13812345678" not in text


def test_internal_record_is_a_warning_with_page() -> None:
    f = doc_file("1.4 会议/第二季度会议签到.pdf", ["签到表", f"张三 身份证 {ID1}"])
    [finding] = run([f])
    assert finding.severity is Severity.WARNING and finding.check == "internal"
    assert finding.page == 2 and "第2页" in finding.message


def test_published_by_title_inside_document() -> None:
    f = doc_file("4.2/结果.pdf", [f"关于信用评价结果的公示\n王五 {ID2}"])
    assert run([f])[0].severity is Severity.ERROR


def test_uncertain_values_in_published_material_are_only_warnings() -> None:
    f = doc_file("公告/名单.pdf", ["序号 13812345678 张三"])  # a bare mobile-like number, no context word
    [finding] = run([f])
    assert finding.severity is Severity.WARNING and finding.check == "uncertain"


@pytest.mark.parametrize("text", [
    "身份证号 370116********1234 电话 138****5678",
    f"统一社会信用代码 {credit_code()}",
    f"订单号 {wrong_check(ID1)}",
    f"发票号码 {wrong_check(ID2)}",
    "莱芜区交字〔2024〕19号 2024年5月6日",
])
def test_negatives_give_no_finding(text: str) -> None:
    assert run([doc_file("5.2/公示.pdf", [text])]) == []


def test_one_finding_per_file_counts_all_kinds() -> None:
    card = luhn_complete("621700123456789012")
    f = doc_file("公示/名单.pdf", [f"{ID1} 手机13812345678", f"银行卡 {card}", f"{ID2}"])
    [finding] = run([f])
    assert "身份证号 2 处" in finding.message and "手机号 1 处" in finding.message and "银行卡号 1 处" in finding.message
    assert card not in finding.message


def test_real_xlsx_through_the_extractor(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "公示.xlsx", {"名单": [["姓名", "身份证号码"], ["张三", ID1], ["李四", "370116********1234"]]})
    extracted = extract(path, ExtractOptions())
    f = EvidenceFile(path="5.2/公示.xlsx", abs_path=path, size=path.stat().st_size, task="5.2",
                     kind=Kind.SPREADSHEET, sheets=extracted.sheets)
    [finding] = run([f])
    assert "身份证号 1 处" in finding.message and "名单!B2" in finding.message


def test_pii_in_file_name() -> None:
    f = doc_file(f"6.2/张三{ID1}.pdf", ["培训心得"])
    [finding] = run([f])
    assert "文件名" in finding.message and ID1 not in finding.message


def _evidence(path: Path, rel: str) -> EvidenceFile:
    extracted = extract(path, ExtractOptions())
    assert extracted.error is None, extracted.error
    return EvidenceFile(path=rel, abs_path=path, size=path.stat().st_size, task="5.2", kind=extracted.kind,
                        pages=extracted.pages, sheets=extracted.sheets)


LINES = ["关于2024年度诚信典型企业负责人的公示", f"张三 身份证号：{ID1}", "联系电话：13812345678",
         "李四 身份证号：370116********1234", f"统一社会信用代码：{credit_code()}", f"订单号：{wrong_check(ID2)}"]


def _check_list_finding(findings: list[Finding]) -> None:
    [finding] = findings
    assert finding.severity is Severity.ERROR
    assert "身份证号 1 处" in finding.message and "手机号 1 处" in finding.message
    assert ID1 not in finding.message and "13812345678" not in finding.message


def test_real_pdf(tmp_path: Path) -> None:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    path = tmp_path / "公示.pdf"
    c = canvas.Canvas(str(path), pagesize=A4)
    c.setFont("STSong-Light", 12)
    for i, line in enumerate(LINES):
        c.drawString(60, 780 - 24 * i, line)
    c.save()
    _check_list_finding(run([_evidence(path, "5.2/公示.pdf")]))


def test_real_docx_with_table(tmp_path: Path) -> None:
    import docx

    document = docx.Document()
    document.add_paragraph(LINES[0])
    table = document.add_table(rows=0, cols=2)
    for line in LINES[1:]:
        name, _, value = line.partition("：")
        cells = table.add_row().cells
        cells[0].text, cells[1].text = name, value
    path = tmp_path / "公示.docx"
    document.save(str(path))
    _check_list_finding(run([_evidence(path, "5.2/公示.docx")]))


def test_scanned_list_with_ocr(tmp_path: Path) -> None:
    pytest.importorskip("rapidocr_onnxruntime")
    from PIL import Image, ImageDraw

    from tests.builders.fonts import cjk_font

    font = cjk_font(36)
    img = Image.new("RGB", (1400, 80 * len(LINES) + 80), "white")
    draw = ImageDraw.Draw(img)
    for i, line in enumerate(LINES):
        draw.text((60, 50 + 80 * i), line, fill="black", font=font)
    path = tmp_path / "公示截图.png"
    img.save(path)
    f = _evidence(path, "5.2/公示截图.png")
    if not f.pages:
        pytest.skip("image extractor gives no OCR text")
    _check_list_finding(run([f]))
