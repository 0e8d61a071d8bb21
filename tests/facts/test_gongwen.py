"""The shared 公文 analysis: document numbers, titles, 成文日期, seal and header pixels, issued rule, OCR."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw

from credit_check.catalogue import load_catalogue
from credit_check.classify import decide_issued
from credit_check.facts import ExtractOptions, docnumber, extract, gongwen, pixels
from credit_check.facts.gongwen import names_organ
from credit_check.facttypes import DocumentFacts
from tests.builders.documents import RED, bar_chart, header_image, pie_chart, seal_image


@pytest.mark.parametrize(("line", "canonical", "problems"), [
    ("莱芜区交字〔2024〕19号", "莱芜区交字〔2024〕19号", 0),
    ("莱芜区交字[2024]19号", "莱芜区交字〔2024〕19号", 1),
    ("莱芜区交字(2024)19号", "莱芜区交字〔2024〕19号", 1),
    ("莱芜区交字（2024）19 号", "莱芜区交字〔2024〕19号", 1),
    ("莱芜区交字〔2024〕第19号", "莱芜区交字〔2024〕19号", 1),
    ("莱芜区交字〔2024〕019号", "莱芜区交字〔2024〕19号", 1),
    ("莱交发〔2023〕7号          签发人：王建国", "莱交发〔2023〕7号", 0),
])
def test_doc_number_forms(line: str, canonical: str, problems: int) -> None:
    page = f"济南市莱芜区城乡交通运输局文件\n{line}\n关于开展信用宣传的通知\n"
    got = docnumber.find_doc_number(page)
    assert got is not None and got.canonical == canonical and len(got.problems) == problems
    assert got.format_ok is (problems == 0)


def test_cited_number_in_body_is_not_the_documents_number() -> None:
    page = "关于做好双公示工作的通知\n各单位：\n根据《国务院办公厅关于运用大数据加强对市场主体服务和监管的若干意见》（国办发〔2015〕51号）要求，现通知如下。"
    assert docnumber.find_doc_number(page) is None


def test_lenient_brackets_for_ocr() -> None:
    got = docnumber.find_doc_number("莱交发(2024]7号", lenient_brackets=True)
    assert got is not None and got.format_ok


def test_title_joined_over_two_lines_and_date_at_end() -> None:
    page1 = "某某局文件\n某交发〔2024〕1号\n关于印发《信用交通县创建工作方\n案》的通知\n各单位：\n正文。"
    assert docnumber.find_title(page1, after_line=1) == "关于印发《信用交通县创建工作方案》的通知"
    pages = [page1, "请于2024年12月31日前报送。\n某某局\n2024年4月28日\n"]
    assert docnumber.find_issued_on(pages) == dt.date(2024, 4, 28)
    assert docnumber.find_issued_on(["某某局\n二〇二四年五月六日"]) == dt.date(2024, 5, 6)


def test_title_of_material_that_is_not_a_gongwen() -> None:
    page1 = "莱芜区交通运输局信用工作信息（1-2）\n各科室：\n　　执法大队推行“双书同达”，处罚决定\n书同步送达。"
    assert docnumber.find_title(page1) == "莱芜区交通运输局信用工作信息（1-2）"
    assert docnumber.find_title("济南市莱芜区城乡交通运输局\n莱芜区信用交通县创建工作方案\n为……，制定本方案。") \
        == "莱芜区信用交通县创建工作方案"


def test_year_mismatch_and_format_warning_in_facts() -> None:
    none = gongwen.undetermined("x")
    facts, issued_on = gongwen.document_facts(
        pages=["某局文件\n某交发[2023]5号\n关于开展检查的通知\n正文\n某局\n2024年3月1日"], page_count=1, scanned=False,
        header=none, seal=none, ocr_state=False, text_known=True, from_ocr=False)
    assert issued_on == dt.date(2024, 3, 1)
    assert facts.doc_number_issues == ("format", "year")
    assert "2023" in facts.doc_number_issue and "〔" in facts.doc_number_issue
    assert facts.red_header is None and facts.seal is None and facts.seal_blank is None


def _page(mm_per_px: float, stamp: Image.Image | None, at_mm: tuple[float, float], size_mm: float) -> np.ndarray:
    page = Image.new("RGB", (int(210 / mm_per_px), int(297 / mm_per_px)), "white")
    d = ImageDraw.Draw(page)
    for i in range(12):
        y = int((150 + i * 8) / mm_per_px)
        d.rectangle([int(28 / mm_per_px), y, int(180 / mm_per_px), y + int(3 / mm_per_px)], fill=(30, 30, 30))
    if stamp is not None:
        px = int(size_mm / mm_per_px)
        s = stamp.resize((px, int(px * stamp.height / stamp.width)))
        page.paste(s, (int(at_mm[0] / mm_per_px), int(at_mm[1] / mm_per_px)), s if s.mode == "RGBA" else None)
    return np.asarray(page)


@pytest.mark.parametrize(("shape", "expected"), [("round", "round"), ("oval", "oval"), ("square", "square")])
def test_seal_shapes_found_in_pixels(shape: str, expected: str) -> None:
    mm = 25.4 / 100
    page = _page(mm, seal_image(shape=shape), (110, 160), 42)
    hits = pixels.find_seals(page, mm)
    assert len(hits) == 1 and hits[0].shape == expected
    assert 38 <= hits[0].width_mm <= 44 and hits[0].covers_text is True


def test_seal_size_must_be_plausible() -> None:
    mm = 25.4 / 100
    assert pixels.find_seals(_page(mm, seal_image(), (110, 40), 12), mm) == []  # a 12 mm red logo
    assert pixels.find_seals(_page(mm, seal_image(), (20, 20), 120), mm) == []  # a 120 mm round emblem


def test_red_look_alikes_are_not_seals() -> None:
    mm = 25.4 / 100
    for picture in (bar_chart(), pie_chart(), header_image("济南市莱芜区城乡交通运输局")):
        assert pixels.find_seals(_page(mm, picture.convert("RGBA"), (40, 40), 50), mm) == []
    grid = Image.new("RGBA", (400, 400), (255, 255, 255, 0))
    d = ImageDraw.Draw(grid)
    for k in range(0, 400, 80):  # a red table grid
        d.line([(k, 0), (k, 399)], fill=(*RED, 255), width=3)
        d.line([(0, k), (399, k)], fill=(*RED, 255), width=3)
    d.line([(399, 0), (399, 399)], fill=(*RED, 255), width=3)
    d.line([(0, 399), (399, 399)], fill=(*RED, 255), width=3)
    assert pixels.find_seals(_page(mm, grid, (60, 60), 45), mm) == []
    banner = Image.new("RGBA", (600, 90), (*RED, 255))
    assert pixels.find_seals(_page(mm, banner, (20, 20), 160), mm) == []


def test_blank_seal_covers_no_text() -> None:
    mm = 25.4 / 100
    hits = pixels.find_seals(_page(mm, seal_image(), (110, 40), 42), mm)
    assert len(hits) == 1 and hits[0].covers_text is False


def test_red_header_pixels_and_greyscale() -> None:
    mm = 25.4 / 60
    page = Image.new("RGB", (int(210 / mm), int(297 / mm)), "white")
    head = header_image("济南市莱芜区城乡交通运输局").resize((int(156 / mm), int(16 / mm)))
    page.paste(head, (int(27 / mm), int(35 / mm)))
    rgb = np.asarray(page)
    hit = pixels.find_red_header(rgb, mm)
    assert hit is not None and hit.box.w * mm > 100
    grey = np.asarray(page.convert("L").convert("RGB"))
    assert pixels.is_greyscale(grey) and not pixels.is_greyscale(rgb)
    assert pixels.find_red_header(grey, mm) is None


def test_ocr_image_text() -> None:
    pytest.importorskip("rapidocr_onnxruntime")
    if os.environ.get("CREDIT_CHECK_NO_OCR"):
        pytest.skip("OCR disabled")
    from tests.builders.fonts import cjk_font

    img = Image.new("RGB", (900, 160), "white")
    ImageDraw.Draw(img).text((20, 40), "莱芜区交字〔2024〕19号", font=cjk_font(56), fill="black")
    text, reason = gongwen.ocr_image_text(img)
    assert reason is None and text is not None and "2024" in text and "19号" in text


def test_ocr_unavailable_gives_a_reason(monkeypatch: pytest.MonkeyPatch) -> None:
    from credit_check.facts import ocr

    monkeypatch.setenv(ocr.DISABLE_ENV, "1")
    ocr.reset()
    try:
        text, reason = gongwen.ocr_image_text(Image.new("RGB", (50, 50), "white"))
    finally:
        monkeypatch.delenv(ocr.DISABLE_ENV)
        ocr.reset()
    assert text is None and reason == ocr.UNAVAILABLE_REASON



@pytest.mark.parametrize(("path", "title", "expected"), [
    ("一、1/关于成立信用交通县创建工作领导小组的通知.pdf", "关于成立信用交通县创建工作领导小组的通知", True),
    ("一、2/创建工作方案.pdf", "", True),
    ("一、2/领导小组会议纪要.pdf", "领导小组第一次会议纪要", False),
    ("五、1/宣传报道.pdf", "我局开展信用宣传月活动", False),
    ("五、1/活动总结.docx", "信用宣传月活动总结", False),
    ("五、1/关于报送活动总结的通知.pdf", "关于报送活动总结的通知", True),
    ("二、1/月度台账.pdf", "2024年3月工作台账", False),
    ("一、1/人员名单.pdf", "专班人员名单", False),
    ("三、1/网站截图.png", "", False),
    ("三、1/2024-02-12 信用工作信息1-2.pdf", "莱芜区交通运输局信用工作信息（1-2）", False),
    ("四、2/评价办法.pdf", "道路货运企业信用评价实施方案（试行）", True),
])
def test_decide_issued_by_title_and_name(path: str, title: str, expected: bool) -> None:
    catalogue = load_catalogue()
    assert decide_issued(path=path, title=title, text="", doc_number=None, task=None, catalogue=catalogue) is expected


def test_decide_issued_number_overrides_and_task(tmp_path: Path) -> None:
    catalogue = load_catalogue()
    assert decide_issued(path="x/材料.pdf", title="", text="", doc_number="某交发〔2024〕1号",
                         task=None, catalogue=catalogue) is True
    assert decide_issued(path="x/材料.pdf", title="", text="", doc_number=None, task=None, catalogue=catalogue) is False
    from credit_check.catalogue.models import PathOverride

    over = catalogue.model_copy(update={"overrides": (PathOverride(glob="x/*", issued=True),
                                                      PathOverride(glob="x/纪要*", issued=False))})
    assert decide_issued(path="x/材料.pdf", title="", text="", doc_number=None, task=None, catalogue=over) is True
    assert decide_issued(path="x/纪要1.pdf", title="通知", text="", doc_number=None, task=None, catalogue=over) is False
    task = catalogue.tasks[0].model_copy(update={"issued": False})
    assert decide_issued(path="y/关于X的通知.pdf", title="关于X的通知", text="", doc_number=None, task=task,
                         catalogue=catalogue) is False


@pytest.mark.parametrize(("red", "organ"), [
    ("济南市莱芜区城乡交通运输局文件", True), ("江 苏 省 能 源 局 文 件", True),
    ("江 苏 省 发 展 和 改 革\n委 员 会", True), ("莱芜区人民政府办公室", True),
    ("江苏省机关单位发电", False), ("北京幻想科技销售合同", False), ("智慧交通产品手册", False),
    ("信用交通宣传月", False), ("局", False),
])
def test_red_text_counts_as_a_header_only_when_it_names_an_organ(red: str, organ: bool) -> None:
    assert names_organ(red) is organ


def test_a_brochure_title_in_red_is_not_a_red_header(tmp_path: Path) -> None:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    if "STSong-Light" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    path = tmp_path / "brochure.pdf"
    c = canvas.Canvas(str(path), pagesize=A4)
    c.setFillColorRGB(0.85, 0.05, 0.05)
    c.setFont("STSong-Light", 30)
    c.drawCentredString(A4[0] / 2, 760, "智慧交通信用产品手册")
    c.setFillColorRGB(0, 0, 0)
    c.setFont("STSong-Light", 14)
    for i, line in enumerate(["产品介绍", "本手册介绍信用监管平台的主要功能。", "一、平台概述", "二、功能模块"]):
        c.drawString(80, 700 - 26 * i, line)
    c.save()
    facts = extract(path, ExtractOptions(ocr=False)).facts
    assert isinstance(facts, DocumentFacts)
    assert facts.red_header is False and "不是发文机关标志" in (facts.red_header_reason or "")


def test_a_number_cited_in_brackets_on_a_wrapped_line_is_not_the_documents_own() -> None:
    page1 = "建设项目用地预审与选址意见书\n用地项目名称：某公路工程，依据《关于某公路工程的批复（临翔发改复[2018]172号）\n核发机关"
    assert docnumber.find_doc_number(page1) is None
    assert docnumber.find_doc_number("莱芜区交通运输局文件\n莱芜区交字〔2024〕19号\n关于X的通知") is not None


def test_an_unfilled_number_line_is_missing_with_its_reason_for_every_reader() -> None:
    page1 = "江苏省能源局文件\n苏能源 发〔2012〕 号\n省能源局关于 的批复\n正文"
    facts, _ = gongwen.document_facts(pages=[page1], page_count=1, scanned=False,
                                      header=gongwen.undetermined("x"), seal=gongwen.undetermined("x"),
                                      ocr_state=False, text_known=True, from_ocr=False)
    assert facts.doc_number is None and facts.doc_number_status == "missing"
    assert "没有序号" in (facts.doc_number_reason or "") and facts.title == "省能源局关于 的批复"
