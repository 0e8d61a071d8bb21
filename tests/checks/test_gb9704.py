"""GB/T 9704 text rules on real PDFs (reportlab, the standard STSong-Light CID font: no font file needed)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

from credit_check.catalogue import load_catalogue
from credit_check.checks import CheckContext, gb9704
from credit_check.discover import Discovered
from credit_check.facts import ExtractOptions, extract
from credit_check.model import Period
from credit_check.records import build_record

CAT = load_catalogue()
CTX = CheckContext(catalogue=CAT, period=Period(start=dt.date(2024, 1, 1), end=dt.date(2024, 12, 31)),
                   audit_date=dt.date(2025, 1, 1))


def write_pdf(path: Path, pages: list[list[str]], footer: str | None) -> Path:
    if "STSong-Light" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    c = canvas.Canvas(str(path), pagesize=A4)
    for n, lines in enumerate(pages, start=1):
        c.setFont("STSong-Light", 14)
        y = 780.0
        for line in lines:
            c.drawString(80, y, line)
            y -= 24
        if footer:
            c.drawCentredString(A4[0] / 2, 40, footer.format(n=n, total=len(pages)))
        c.showPage()
    c.save()
    return path


BODY = ["济南市莱芜区城乡交通运输局", "莱芜区交字〔2024〕19号", "关于开展信用宣传月活动的通知", "各科室、各单位：",
        "现将有关事项通知如下。"]


def run(path: Path) -> list[tuple[str, int | None]]:
    item = Discovered(path=f"1.1 x/{path.name}", abs_path=path, size=path.stat().st_size, task="1.1")
    record = build_record(item, "0" * 64, extract(path, ExtractOptions(ocr=False)), CAT)
    assert record.facts.issued is True  # type: ignore[union-attr]
    return sorted((f.check, f.page) for f in gb9704.check([record], CTX))


def test_standard_document_has_no_findings(tmp_path: Path) -> None:
    pages = [BODY, ["特此通知。", "济南市莱芜区城乡交通运输局", "2024年4月28日"]]
    assert run(write_pdf(tmp_path / "关于开展信用宣传月活动的通知.pdf", pages, "— {n} —")) == []


def test_each_rule(tmp_path: Path) -> None:
    pages = [BODY, ["（此页无正文）", "济南市莱芜区城乡交通运输局", "二〇二四年四月二十八日",
                    "抄送：区信用办。", "莱芜区城乡交通运输局办公室  2024年4月20日印发"]]
    found = run(write_pdf(tmp_path / "关于开展信用宣传月活动的通知.pdf", pages, "第{n}页 共{total}页"))
    assert found == [("blank-page-note", 2), ("date-numerals", 2), ("page-number-form", None),
                     ("printed-before-dated", 2)]


def test_printed_after_dated_and_slash_page_numbers_on_one_page_are_fine(tmp_path: Path) -> None:
    pages = [[*BODY, "特此通知。", "济南市莱芜区城乡交通运输局", "2024年4月28日",
              "莱芜区城乡交通运输局办公室  2024年4月29日印发"]]
    assert run(write_pdf(tmp_path / "关于开展信用宣传月活动的通知.pdf", pages, "{n}/{total}")) == []
