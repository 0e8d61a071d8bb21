"""Watermark stamps: the text parser (no OCR needed) and a few real pictures through OCR."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from PIL import Image

from credit_check.facts import ExtractOptions, extract
from credit_check.facts.stamp import Line, mask_digits, parse_lines, read_stamp, reduced
from tests.builders.photos import PhotoSpec, Stamp, make_photo, stamped_photo

SIZE = (981, 736)
WHEN = dt.datetime(2024, 5, 12, 14, 30)


def _line(text: str, left: float, top: float, height: float = 30, width: float = 200) -> Line:
    return Line(text=text, box=(left, top, left + width, top + height))


def test_big_time_with_date_and_weekday_bottom_left() -> None:
    lines = [_line("2024年信用交通宣传月", 200, 60), _line("14:30", 20, 600, 60, 150),
             _line("2024.05.12", 180, 605), _line("星期日", 180, 640), _line("山东省济南市莱芜区", 20, 680)]
    got = parse_lines(lines, SIZE)
    assert got.found is True
    assert got.time == "2024-05-12T14:30:00"
    assert got.day == dt.date(2024, 5, 12)
    assert got.text is not None and "2024年信用交通宣传月" not in got.text
    assert got.box == (20, 600, 380, 710)


@pytest.mark.parametrize(("texts", "expected"), [
    (["时间：2024年5月12日 14:30", "地点：莱芜区交通运输局"], "2024-05-12T14:30:00"),
    (["2024.05.1214:30周日"], "2024-05-12T14:30:00"),  # OCR joined date and time
    (["2024-05-12 09:05:33 星期日"], "2024-05-12T09:05:33"),
    (["２０２４/05/12", "09：05"], "2024-05-12T09:05:00"),  # full-width digits and colon
    (["09:05", "周日"], "09:05"),  # no date read: the time of day only
    (["下午 2:05", "2024年5月12日"], "2024-05-12T14:05:00"),
    (["2024/05/12 10:00:00 AM"], "2024-05-12T10:00:00"),
    (["2023-06-1510.23周四"], "2023-06-15T10:23:00"),  # joined, and the colon read as a dot
    (["2024,02.01 12:58 星期四"], "2024-02-01T12:58:00"),  # the first dot read as a comma
    (["2024年7月19日 17:591 星期五"], "2024-07-19T17:59:00"),  # the separator bar read as 1
])
def test_layouts(texts: list[str], expected: str) -> None:
    lines = [_line(t, 30, 600 + 35 * i) for i, t in enumerate(texts)]
    assert parse_lines(lines, SIZE).time == expected


def test_the_date_next_to_the_time_wins_over_a_banner() -> None:
    lines = [_line("2024年6月1日信用交通进企业", 20, 560, width=400), _line("14:30", 20, 610, 50, 150),
             _line("2024.05.12 星期日", 180, 615)]
    assert parse_lines(lines, SIZE).time == "2024-05-12T14:30:00"


def test_a_banner_closer_than_the_date_line_does_not_win() -> None:
    lines = [_line("11:48", 20, 30, 50, 150), _line("2024-05-13星期一", 180, 32, 30, 160),
             _line("济南市莱芜区鹏泉街道", 20, 90), _line("2024年5月12日信用交通进企业", 100, 95, 40, 500)]
    assert parse_lines(lines, SIZE).time == "2024-05-13T11:48:00"


def test_dotted_time_on_its_own_line_after_the_date() -> None:
    lines = [_line("2024.05.12", 20, 600), _line("10.23", 20, 640)]
    assert parse_lines(lines, SIZE).time == "2024-05-12T10:23:00"


def test_date_alone_is_not_a_stamp() -> None:
    got = parse_lines([_line("2024年5月12日信用交通进企业", 200, 80)], SIZE)
    assert got.found is False and got.reason


def test_date_and_weekday_without_readable_time_is_a_stamp() -> None:
    got = parse_lines([_line("1?:3O", 20, 600), _line("2024.05.12 星期日", 20, 640)], SIZE)
    assert got.found is True and got.time is None and got.day == dt.date(2024, 5, 12)


def test_lone_clock_in_the_middle_is_not_a_stamp() -> None:
    assert parse_lines([_line("10:15", 400, 350)], SIZE).found is False
    assert parse_lines([_line("10:15", 20, 650)], SIZE).found is True  # bottom band: a stamp


def test_slide_in_the_middle_is_not_a_stamp() -> None:
    lines = [_line("会议时间：2024年5月12日 14:30", 340, 330, width=300), _line("星期日", 400, 370)]
    assert parse_lines(lines, SIZE).found is False
    stamp = [*lines, _line("09:05 2024.05.12", 20, 660)]
    assert parse_lines(stamp, SIZE).time == "2024-05-12T09:05:00"


def test_no_lines_is_no_stamp() -> None:
    assert parse_lines([], SIZE).found is False


def test_long_digit_runs_are_masked() -> None:
    assert mask_digits("电话13812345678") == "电话138******78"
    assert mask_digits("14:30 2024.05.12") == "14:30 2024.05.12"
    got = parse_lines([_line("14:30 2024.05.12 联系人13812345678", 20, 650)], SIZE)
    assert got.text is not None and "13812345678" not in got.text


def test_reduced_decodes_jpeg_at_draft_size(tmp_path: Path) -> None:
    path = make_photo(tmp_path / "big.jpg", PhotoSpec(seed=3, size=(2400, 1800)))
    with Image.open(path) as image:
        small = reduced(image)
    assert min(small.size) == 736 and small.size[0] > small.size[1]


def test_without_ocr_the_stamp_is_undetermined(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import credit_check.facts.ocr as ocr

    monkeypatch.setattr(ocr, "engine", lambda: None)
    path = stamped_photo(tmp_path / "s.jpg", WHEN)
    with Image.open(path) as image:
        got = read_stamp(reduced(image))
    assert got.found is None and got.reason == ocr.UNAVAILABLE_REASON
    assert extract(path, ExtractOptions(ocr=False)).facts.stamp is None


@pytest.mark.parametrize(("style", "position", "dark"), [
    ("jinri", "bottom-left", False), ("mark", "top-left", True), ("line", "bottom-right", False)])
def test_real_stamp_is_read(tmp_path: Path, style: str, position: str, dark: bool) -> None:
    pytest.importorskip("rapidocr_onnxruntime")
    when = dt.datetime(2024, 9, 3, 8, 47)
    spec = PhotoSpec(seed=41, stamp=Stamp(when=when, style=style, position=position, date_format="dash"),
                     taken=when, dark=dark)
    facts = extract(make_photo(tmp_path / "p.jpg", spec), ExtractOptions()).facts
    assert facts.stamp is True
    assert facts.stamp_time == "2024-09-03T08:47:00"


def test_real_photo_without_stamp(tmp_path: Path) -> None:
    pytest.importorskip("rapidocr_onnxruntime")
    spec = PhotoSpec(seed=42, taken=WHEN, banner="2024年信用交通宣传月活动")
    got = extract(make_photo(tmp_path / "n.jpg", spec), ExtractOptions())
    assert got.facts.stamp is False
    assert got.content_date == WHEN.date()


def test_annotate_boxes_the_stamp(tmp_path: Path) -> None:
    pytest.importorskip("rapidocr_onnxruntime")
    from credit_check.annotate_photo import annotate_photo

    path = stamped_photo(tmp_path / "s.jpg", WHEN, style="jinri_box", position="bottom-right")
    out = tmp_path / "out" / "s.png"
    notes = annotate_photo(path, out)
    assert any("2024-05-12T14:30" in n for n in notes)
    with Image.open(out) as image:
        assert image.format == "PNG" and image.width == 981
        assert image.getpixel((5, image.height - 5)) == (255, 255, 255)  # the text footer


def test_misread_time_is_read_again_on_a_crop(tmp_path: Path) -> None:
    pytest.importorskip("rapidocr_onnxruntime")
    # At full-frame scale the recogniser reads this big "09:00" as "00:60"; the second look fixes it.
    when = dt.datetime(2024, 9, 21, 9, 0)
    spec = PhotoSpec(seed=43, size=(1280, 960), stamp=Stamp(when=when), taken=when)
    facts = extract(make_photo(tmp_path / "p.jpg", spec), ExtractOptions()).facts
    assert facts.stamp_time == "2024-09-21T09:00:00"


@pytest.mark.parametrize(("read", "fixed"), [("202409-03 14:30", "2024-09-03 14:30"), ("2024.05.1214:30", "2024.05.12 14:30"),
                                             ("202413-03", "202413-03"), ("2024,02.01", "2024.02.01")])
def test_ocr_misreadings_of_the_date_are_repaired(read: str, fixed: str) -> None:
    from credit_check.facts.stamp import normalise

    assert normalise(read) == fixed
