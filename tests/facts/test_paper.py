"""Photos of paper: a phone photo of a printed, sealed notice is a document (checked for the red
header, number and seal), never an activity photo missing its watermark stamp; real camera photos
and stamped activity photos are not paper."""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path

import numpy as np
import pypdfium2 as pdfium
import pytest
from PIL import Image, ImageDraw, ImageFilter

from credit_check.catalogue import load_catalogue
from credit_check.checks import CheckContext, doc_elements, photos
from credit_check.discover import Discovered
from credit_check.facts import ExtractOptions, extract
from credit_check.facts.paper import find_sheet
from credit_check.facts.stamp import reduced
from credit_check.facttypes import DocumentFacts, PhotoFacts
from credit_check.model import Kind, Period
from credit_check.records import build_record
from tests.builders.documents import Gongwen, build_pdf
from tests.builders.photos import exif_bytes, save_jpeg, scene

CAT = load_catalogue()
CTX = CheckContext(catalogue=CAT, period=Period(start=dt.date(2024, 1, 1), end=dt.date(2024, 12, 31)),
                   audit_date=dt.date(2025, 1, 1))
NO_OCR = ExtractOptions(ocr=False)


def page_picture(pdf: Path, dpi: int = 150) -> Image.Image:
    doc = pdfium.PdfDocument(str(pdf))
    try:
        return doc[0].render(scale=dpi / 72).to_pil().convert("RGB")
    finally:
        doc.close()


def phone_photo(page: Image.Image, out: Path, *, seed: int = 3, angle: float = 2.5, cover: float = 0.72,
                light: float = 0.85) -> Path:
    """The page lying on a desk, photographed from above: a wood-coloured, noisy background, the
    sheet a little turned, uneven light, JPEG with a phone's EXIF."""
    rng = np.random.default_rng(seed)
    w, h = 1800, 2400
    desk = np.zeros((h, w, 3), np.float32)
    desk[...] = (120, 86, 60)
    desk += rng.normal(0, 12, (h, w, 1)).astype(np.float32)
    desk[..., 0] += (np.sin(np.arange(w) / 37.0) * 8).astype(np.float32)
    photo = Image.fromarray(np.clip(desk, 0, 255).astype(np.uint8))
    sheet_w = int(w * cover)
    sheet = page.resize((sheet_w, int(sheet_w * page.height / page.width)), Image.Resampling.LANCZOS)
    sheet = sheet.convert("RGBA").rotate(angle, expand=True, resample=Image.Resampling.BICUBIC)
    photo.paste(sheet, ((w - sheet.width) // 2, (h - sheet.height) // 2), sheet)
    shade = np.linspace(light, 1.0, h, dtype=np.float32)[:, None, None]
    lit = np.clip(np.asarray(photo, np.float32) * shade, 0, 255).astype(np.uint8)
    picture = Image.fromarray(lit).filter(ImageFilter.GaussianBlur(0.8))
    exif = exif_bytes(taken=dt.datetime(2024, 5, 20, 10, 15), make="HUAWEI", model="HUAWEI P40")
    return save_jpeg(picture, out, exif=exif, quality=85)


@pytest.fixture(scope="module")
def sealed_notice(tmp_path_factory: pytest.TempPathFactory) -> Image.Image:
    folder = tmp_path_factory.mktemp("notice")
    return page_picture(build_pdf(folder / "notice.pdf", Gongwen()))


def record_of(path: Path, name: str) -> object:
    item = Discovered(path=f"1.1 领导小组/{name}", abs_path=path, size=path.stat().st_size, task="1.1")
    return build_record(item, "0" * 64, extract(path, NO_OCR), CAT)


def test_a_photo_of_a_sealed_notice_is_a_document(tmp_path: Path, sealed_notice: Image.Image) -> None:
    path = phone_photo(sealed_notice, tmp_path / "IMG_20240520.jpg")
    got = extract(path, NO_OCR)
    assert got.kind is Kind.PHOTO and isinstance(got.facts, DocumentFacts) and got.facts.paper_picture
    assert got.facts.red_header is True and got.facts.seal is True, (got.facts.red_header_reason, got.facts.seal_reason)
    assert got.facts.doc_number_status == "undetermined"  # without OCR the number cannot be read: not "missing"
    record = build_record(Discovered(path="1.1 领导小组/关于成立领导小组的通知.jpg", abs_path=path,
                                     size=path.stat().st_size, task="1.1"), "0" * 64, got, CAT)
    assert isinstance(record.facts, DocumentFacts) and record.facts.issued is True
    assert list(photos.check([record], CTX)) == []  # no D7 "no watermark stamp"
    checks = {f.check for f in doc_elements.check([record], CTX)}
    assert "red_header" not in checks and "seal" not in checks and "doc_number-undetermined" in checks


def test_a_photo_of_an_unsealed_plain_page_lacks_the_seal_and_header(tmp_path: Path) -> None:
    folder = tmp_path / "p"
    folder.mkdir()
    plain = page_picture(build_pdf(folder / "plain.pdf", Gongwen(header=False, seal=None, number=None)))
    got = extract(phone_photo(plain, tmp_path / "scan.jpg", angle=-1.5, cover=0.8), NO_OCR)
    assert isinstance(got.facts, DocumentFacts)
    assert got.facts.red_header is False and got.facts.seal is False


def test_activity_photos_are_not_paper(tmp_path: Path) -> None:
    for seed in range(6):
        path = save_jpeg(scene(seed, (1600, 1200), banner="信用交通宣传月" if seed % 2 else None), tmp_path / f"{seed}.jpg")
        got = extract(path, NO_OCR)
        assert isinstance(got.facts, PhotoFacts), seed


def test_real_camera_photos_are_not_paper(corpus: Path) -> None:
    seen = 0
    for path in sorted((corpus / "photos").rglob("*")):
        if path.suffix.lower() not in (".jpg", ".jpeg") or path.stat().st_size < 20_000:
            continue
        try:
            with Image.open(path) as image:
                small = reduced(image)
        except Exception:
            continue
        seen += 1
        assert find_sheet(np.asarray(small)) is None, path.name
    assert seen >= 5


def test_a_page_shaped_scan_saved_as_png_is_a_document(tmp_path: Path, sealed_notice: Image.Image) -> None:
    scan = sealed_notice.resize((1240, 1754))
    path = tmp_path / "scan.png"
    scan.save(path)
    got = extract(path, NO_OCR)
    assert got.kind is Kind.IMAGE and isinstance(got.facts, DocumentFacts) and got.facts.seal is True


def test_screenshots_stay_images(tmp_path: Path) -> None:
    shot = Image.new("RGB", (1920, 1080), "white")
    draw = ImageDraw.Draw(shot)
    for i in range(30):
        draw.rectangle((100, 60 + i * 30, 100 + int(1500 * abs(math.sin(i))) + 200, 72 + i * 30), fill=(40, 40, 40))
    path = tmp_path / "网站截图.png"
    shot.save(path)
    assert extract(path, NO_OCR).facts.record == "image"
