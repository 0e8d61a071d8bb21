"""Fonts for the builders, on top of `credit_check.fonts`: whichever CJK font is installed.

A builder that draws Chinese calls `cjk_font(size)` (Pillow) or `cjk_font_path()`. With no CJK
font installed (or ``CREDIT_CHECK_FONT=none``) the test that asked is skipped, not failed; outside
a test (bench, samples) a clear error is raised. Tests that draw no Chinese never ask, so they run.
"""

from __future__ import annotations

import os
from pathlib import Path

from PIL import ImageFont

from credit_check.fonts import find_cjk_font

NO_CJK_FONT = ("no CJK font installed (e.g. apt-get install fonts-wqy-zenhei, or set CREDIT_CHECK_FONT "
               "to a font file): this test draws Chinese text")

# Latin faces for the watermark-camera digits; any installed CJK font draws digits too.
BOLD_FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"


class NoCJKFont(RuntimeError):
    """No CJK font is installed and a builder needs one (raised outside pytest)."""


def _missing() -> NoCJKFont:
    if "PYTEST_CURRENT_TEST" in os.environ:  # inside a test (or its fixtures): skip it
        import pytest

        pytest.skip(NO_CJK_FONT)
    return NoCJKFont(NO_CJK_FONT)


def cjk_font_path() -> Path:
    """The installed CJK font file; skips the calling test when there is none."""
    path = find_cjk_font()
    if path is None:
        raise _missing()
    return path


def cjk_font(size: int) -> ImageFont.FreeTypeFont:
    """The installed CJK font at `size` pixels; skips the calling test when there is none."""
    return ImageFont.truetype(str(cjk_font_path()), max(1, int(size)))


def latin_font(path: str, size: int) -> ImageFont.FreeTypeFont:
    """A Latin face (DejaVu) when installed, else the CJK font (it has digits and Latin letters)."""
    if Path(path).is_file():
        return ImageFont.truetype(path, max(1, int(size)))
    return cjk_font(size)


def reportlab_cjk_font(name: str = "wqy") -> str:
    """Register the installed CJK font with reportlab as `name` (embedded TrueType) and return `name`.
    Skips the calling test when there is no CJK font, or when it has PostScript outlines (an OTF
    or CFF-based TTC, like Noto Sans CJK), which reportlab cannot embed."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFError, TTFont

    if name in pdfmetrics.getRegisteredFontNames():
        return name
    path = cjk_font_path()
    try:
        pdfmetrics.registerFont(TTFont(name, str(path), subfontIndex=0))
    except TTFError as exc:
        reason = f"the CJK font {path} cannot be embedded by reportlab ({exc}); a TrueType CJK font is needed"
        if "PYTEST_CURRENT_TEST" in os.environ:
            import pytest

            pytest.skip(reason)
        raise NoCJKFont(reason) from exc
    return name
