"""Text hygiene, personal data in every form, plausible dates, the boundary — and a short
property-based fuzz (hypothesis, ~15 s) over the parsers and readers. `fuzz/run.py` runs the same
properties far longer."""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from credit_check.dates import find_dates, parse_date, parse_day, parse_period
from credit_check.discover import discover, display_name
from credit_check.facts import ExtractOptions, extract
from credit_check.facts.ocr import MAX_DET_PIXELS, detector_input, tiles
from credit_check.facts.runner import check_cache_dir, facts_job
from credit_check.model import Extracted, Kind
from credit_check.pii import find_personal_data, mask_text, pseudonymise
from credit_check.textclean import clean_extracted, clean_text, safe_text, visible_name
from credit_check.workdays import CalendarError, WorkCalendar
from tests.hostile import corpus

# 150 examples each in CI (~15 s in all); fuzz/run.py sets CREDIT_CHECK_FUZZ_EXAMPLES for its long run
FUZZ = settings(max_examples=int(os.environ.get("CREDIT_CHECK_FUZZ_EXAMPLES", "150")), deadline=None,
                suppress_health_check=list(HealthCheck), database=None)


# ----------------------------------------------------------------------------- text hygiene
def test_lone_surrogates_never_reach_the_cache_or_json(tmp_path: Path) -> None:
    pdf = corpus.surrogate_pdf(tmp_path / "s.pdf")
    _sha, result = facts_job(str(pdf), ExtractOptions(ocr=False), str(tmp_path / "cache"))
    text = "".join(result.pages)
    assert not any("\ud800" <= c <= "\udfff" for c in text)
    json.dumps(result.model_dump(mode="json"), ensure_ascii=False).encode("utf-8")  # no surrogate error
    assert list((tmp_path / "cache").rglob("*.json"))  # the cache write did not fail


def test_clean_text_normalises_for_matching() -> None:
    assert clean_text("⼀⼆三 ２０２４年５月６日 ＡＢＣ\x00\x07x") == "一二三 2024年5月6日 ABCx"
    assert clean_text("a\ud800b") == "a\ufffdb"
    assert clean_text("\ud83d\ude00") == "😀"  # a surrogate pair is joined, not replaced


def test_page_text_is_nfkc_and_full_width_dates_parse(tmp_path: Path) -> None:
    path = tmp_path / "n.txt"
    path.write_text("通知\n２０２４年５月６日\n⼯作要点", encoding="utf-8")
    cleaned = clean_extracted(extract(path, ExtractOptions(ocr=False)))
    assert "2024年5月6日" in cleaned.pages[0] and "工作要点" in cleaned.pages[0]


def test_safe_text_and_visible_names_are_inert() -> None:
    hostile = "a\x1b]52;c;ZWNobw==\x07b\x1b[31mc\x1b[0m\x9b31md\u202ee\x1b]0;t\x1b\\f\r\ng"
    assert safe_text(hostile) == "abcdef g"
    for ch in ("\x1b", "\x07", "\x9b", "\u202e", "\r", "\n"):
        assert ch not in safe_text(hostile)
    shown = visible_name("x\x1b[2Jy\x07\x9f\u202ez")
    assert shown == "x␛[2Jy␇\ufffd\ufffdz" and shown.isprintable()


# ---------------------------------------------------------------------------- personal data
def test_full_width_digits_are_found_and_masked() -> None:
    text = f"联系电话：{corpus.FULLWIDTH_MOBILE}，身份证 {corpus.fullwidth(corpus.ID_NUMBERS[0])}"
    assert [h.kind for h in find_personal_data(text)] == ["mobile", "resident_id"]
    masked = mask_text(text)
    assert "１３９****８７６５" in masked and "３７０１０２********" in masked


def test_pseudonyms_keep_what_d2_sees_and_lose_the_number() -> None:
    a, b, c = corpus.ID_NUMBERS
    text = (f"身份证 {a}，电话 {corpus.MOBILES[0]}，卡号 {corpus.CARD}\n证件 {corpus.fullwidth(b)} "
            f"{c[:8]}\n{c[8:]} 手机 {corpus.FULLWIDTH_MOBILE} +86 {corpus.MOBILES[1]}")
    key = os.urandom(32)
    fake = pseudonymise(text, key)
    before = [(h.kind, h.start, h.end, h.masked, h.confident) for h in find_personal_data(text)]
    after = [(h.kind, h.start, h.end, h.masked, h.confident) for h in find_personal_data(fake)]
    assert before == after and len(before) == 7
    assert mask_text(fake) == mask_text(text)
    assert not any(s in fake.replace("\n", "") for s in corpus.SECRETS)
    assert pseudonymise(text, key) == fake  # the same key: the same substitutes (files agree)
    assert pseudonymise(text, os.urandom(32)) != fake


# -------------------------------------------------------------------------------- dates
def test_implausible_years_are_no_dates() -> None:
    assert find_dates("九九九九年十二月三十一日") == []
    assert parse_date("9999-12-31") is None and parse_date(dt.date(9999, 12, 31)) is None
    assert parse_date("二〇二四年五月六日") == dt.date(2024, 5, 6)
    with pytest.raises(ValueError):
        parse_period("2024-01-01..9999-12-31")
    with pytest.raises(ValueError):
        parse_day("9999-12-31")


def test_working_days_never_overflow() -> None:
    calendar = WorkCalendar()
    with pytest.raises(CalendarError):
        calendar.deadline(dt.date(9999, 12, 30), 7)
    with pytest.raises(CalendarError):
        calendar.working_days_between(dt.date(2024, 1, 1), dt.date(9999, 12, 31))


# --------------------------------------------------------------------------- the boundary
def test_special_files_are_never_listed_or_opened(tmp_path: Path) -> None:
    made = corpus.special_files(tmp_path / "tree", tmp_path / "outside")
    tree = discover(tmp_path / "tree", set())
    listed = {f.path: f for f in tree.files}
    assert listed["指向外部的链接.txt"].outside
    for name in ("管道.csv", "套接字.pdf", "设备.xlsx", "loop-a.pdf", "loop-b.pdf", "dangling.docx", "零.pdf",
                 "指向管道.txt"):
        assert name not in listed
    assert not any(p.startswith(("外部文件夹/", "回环/")) for p in listed)
    # a FIFO put where a file was after discovery: refused without blocking
    _sha, result = facts_job(str(made["fifo"]), ExtractOptions(ocr=False), None)
    assert result.error_kind is not None and result.error_kind.value == "unreadable"


def test_check_cache_dir_resolves_links(tmp_path: Path) -> None:
    tree = tmp_path / "tree"
    (tree / "sub").mkdir(parents=True)
    (tmp_path / "link").symlink_to(tree / "sub", target_is_directory=True)
    assert check_cache_dir(tmp_path / "link" / "cache", tree) is not None
    assert check_cache_dir(tree, tree) is not None
    assert check_cache_dir(tmp_path / "cache", tree) is None


def test_ocr_input_is_bounded_after_its_own_scaling() -> None:
    assert detector_input(1, 65535)[0] * detector_input(1, 65535)[1] > 10 * MAX_DET_PIXELS  # why tiles exist
    for size in [(1, 65535), (30, 2000), (240, 65535), (65535, 30), (1080, 20000), (2000, 2000), (4000, 3000)]:
        for left, top, right, bottom in tiles(*size):
            w, h = detector_input(right - left, bottom - top)
            assert w * h <= MAX_DET_PIXELS, (size, w, h)


# ------------------------------------------------------------------------ property fuzzing
@FUZZ
@given(st.text())
def test_fuzz_pii_never_raises_and_masks_whole_values(text: str) -> None:
    hits = find_personal_data(text)
    masked = mask_text(text)
    assert len(masked) == len(text)
    assert find_personal_data(masked) == [] or all(h.kind for h in find_personal_data(masked))
    for h in hits:
        assert 0 <= h.start < h.end <= len(text)


digits = st.text(alphabet="0123456789０１２３４５６７８９ -\n身份证电话卡号银行Xx：", max_size=80)


@FUZZ
@given(digits, st.binary(min_size=8, max_size=32))
def test_fuzz_pseudonymise_preserves_detection(text: str, key: bytes) -> None:
    fake = pseudonymise(text, key)
    assert [(h.kind, h.start, h.end, h.masked, h.confident) for h in find_personal_data(fake)] == \
        [(h.kind, h.start, h.end, h.masked, h.confident) for h in find_personal_data(text)] or \
        fake == mask_text(text)


@FUZZ
@given(st.text())
def test_fuzz_dates_and_numbers(text: str) -> None:
    from credit_check.facts import docnumber

    for day, offset in find_dates(text):
        assert 1990 <= day.year <= 2100 and 0 <= offset < max(1, len(text))
    parse_date(text)
    docnumber.find_issued_on([text])
    docnumber.find_doc_number(text)
    docnumber.find_doc_number(text, lenient_brackets=True)
    docnumber.blank_number(text)
    docnumber.find_title(text)


@FUZZ
@given(st.text())
def test_fuzz_text_cleaning(text: str) -> None:
    cleaned = clean_text(text)
    cleaned.encode("utf-8")
    shown = safe_text(text)
    assert "\x1b" not in shown and "\x07" not in shown and not any("\x80" <= c <= "\x9f" for c in shown)
    shown = visible_name(text)
    assert not any(ord(c) < 0x20 or 0x7F <= ord(c) <= 0x9F or "\u202a" <= c <= "\u202e" for c in shown)
    Extracted(kind=Kind.DOCUMENT, pages=(cleaned,)).model_dump_json()


@FUZZ
@given(st.binary(max_size=400))
def test_fuzz_names_from_any_bytes(raw: bytes) -> None:
    name, _ = display_name(os.fsdecode(raw))
    name.encode("utf-8")


@FUZZ
@given(st.binary(max_size=3000), st.sampled_from([".csv", ".txt", ".html", ".url"]))
def test_fuzz_text_and_csv_readers(tmp_path_factory: pytest.TempPathFactory, data: bytes, suffix: str) -> None:
    folder = tmp_path_factory.mktemp("fuzz", numbered=True)
    path = folder / f"x{suffix}"
    path.write_bytes(data or b"x")
    result = clean_extracted(extract(path, ExtractOptions(ocr=False)))
    result.model_dump_json()
    assert result.error_kind is None or result.error_kind.value in ("corrupt", "empty", "mislabelled")
