"""credit_check.fonts: the CJK font is found, not assumed; without one, pictures still get drawn."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from PIL import Image, ImageDraw, ImageFont

from credit_check import fonts
from credit_check.fonts import ENV_VAR, draws_cjk, find_cjk_font, has_cjk_font, load_font


def _ink_box(font: ImageFont.FreeTypeFont | ImageFont.ImageFont, text: str) -> tuple[int, int, int, int] | None:
    img = Image.new("L", (200, 80))
    ImageDraw.Draw(img).text((10, 10), text, font=font, fill=255)
    return img.getbbox()


def test_none_pretends_no_cjk_font_and_load_font_still_draws(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ENV_VAR, "none")
    assert find_cjk_font() is None and not has_cjk_font()
    font = load_font(20)
    assert _ink_box(font, "seal 42") is not None  # Pillow's default font, ASCII at least
    assert load_font(0) is not None and load_font(-3) is not None  # never raises


def test_env_path_overrides_and_a_wrong_path_is_ignored(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv(ENV_VAR, raising=False)
    searched = find_cjk_font()
    chosen = tmp_path / "my font.ttf"
    chosen.write_bytes(b"not really a font")
    monkeypatch.setenv(ENV_VAR, str(chosen))
    assert find_cjk_font() == chosen and not has_cjk_font()  # named, but it does not open: labels stay ASCII
    assert _ink_box(load_font(20), "ok") is not None  # an unreadable font file falls back to the default
    monkeypatch.setenv(ENV_VAR, str(tmp_path / "missing.ttc"))
    with pytest.warns(UserWarning, match=ENV_VAR):
        assert find_cjk_font() == searched


def test_known_file_names_are_found_in_font_folders(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    (tmp_path / "truetype" / "wqy").mkdir(parents=True)
    (tmp_path / "truetype" / "wqy" / "wqy-zenhei.ttc").write_bytes(b"")
    (tmp_path / "Fonts").mkdir()
    (tmp_path / "Fonts" / "MSYH.TTC").write_bytes(b"")  # Windows: any case
    (tmp_path / "Fonts" / "arial.ttf").write_bytes(b"")
    monkeypatch.setattr(fonts, "_font_dirs", lambda: [tmp_path / "Fonts", tmp_path])
    assert fonts._known_file() == tmp_path / "truetype" / "wqy" / "wqy-zenhei.ttc"  # the better-ranked one
    (tmp_path / "truetype" / "wqy" / "wqy-zenhei.ttc").unlink()
    assert fonts._known_file() == tmp_path / "Fonts" / "MSYH.TTC"
    monkeypatch.setattr(fonts, "_font_dirs", lambda: [tmp_path / "nothing here"])
    assert fonts._known_file() is None


def test_fontconfig_missing_or_stuck_is_no_answer(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(shutil, "which", lambda _name: None)
    assert fonts._fontconfig_files() == []
    monkeypatch.setattr(shutil, "which", lambda _name: "/usr/bin/fc-list")

    def stuck(*_args: object, **_kwargs: object) -> subprocess.CompletedProcess[str]:
        raise subprocess.TimeoutExpired("fc-list", 5)

    monkeypatch.setattr(subprocess, "run", stuck)
    assert fonts._fontconfig_files() == []

    def answer(*_args: object, **_kwargs: object) -> subprocess.CompletedProcess[str]:
        out = "/x/NotoSansCJK-Bold.ttc: \n/x/NotoSansCJK-Regular.ttc: \n/x/readme.txt: \n"
        return subprocess.CompletedProcess(["fc-list"], 0, out, "")

    monkeypatch.setattr(subprocess, "run", answer)
    assert fonts._fontconfig_files() == [Path("/x/NotoSansCJK-Regular.ttc"), Path("/x/NotoSansCJK-Bold.ttc")]


def test_a_latin_font_or_a_non_font_is_not_taken_for_cjk(tmp_path: Path) -> None:
    junk = tmp_path / "junk.ttf"
    junk.write_bytes(b"\0" * 64)
    assert not draws_cjk(junk) and not draws_cjk(tmp_path / "absent.ttf")
    dejavu = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
    if dejavu.is_file():
        assert not draws_cjk(dejavu)


@pytest.mark.needs_cjk_font
def test_the_found_font_draws_chinese(cjk_font_path: Path) -> None:
    assert draws_cjk(cjk_font_path)
    font = load_font(32)
    assert isinstance(font, ImageFont.FreeTypeFont)
    left, top, right, bottom = font.getbbox("中")
    assert right > left and bottom > top
    assert _ink_box(font, "中") is not None


def test_annotations_without_a_cjk_font(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No CJK font: the annotated pictures are still written (English labels), nothing raises."""
    from credit_check.annotate_doc import annotate_document
    from credit_check.annotate_photo import annotate_photo
    from credit_check.facts import ocr
    from tests.builders.documents import Gongwen, build_pdf
    from tests.builders.photos import PhotoSpec, make_photo

    monkeypatch.setenv(ENV_VAR, "none")
    monkeypatch.setenv(ocr.DISABLE_ENV, "1")
    ocr.reset()
    try:
        # A vector seal in the standard CID font: no font file is needed to build this PDF.
        pdf = build_pdf(tmp_path / "a.pdf", Gongwen(seal="vector"))
        out = tmp_path / "a.png"
        lines = annotate_document(pdf, out)
        assert out.exists(), lines
        photo = make_photo(tmp_path / "p.jpg", PhotoSpec(seed=3, size=(640, 480)))
        notes = annotate_photo(photo, tmp_path / "p.png")
        assert notes and (tmp_path / "p.png").exists()
    finally:
        monkeypatch.delenv(ocr.DISABLE_ENV)
        ocr.reset()
