"""Which CJK font to draw Chinese with: found on this machine, not assumed.

The annotated pictures (`inspect --annotate`) label what they box in Chinese, and the test
builders draw Chinese text into test images. Neither may assume one font file at one path: a
Debian machine may have WenQuanYi, a Fedora one Noto Sans CJK, a Windows one Microsoft YaHei.

`find_cjk_font()` looks, in this order:

1. the environment variable ``CREDIT_CHECK_FONT``: a font file to use (a path that does not
   exist is ignored with a warning), or ``none`` to pretend no CJK font is installed (to test
   the no-font path);
2. the usual font folders (Linux, Windows, macOS), for the file names of well-known CJK fonts
   (WenQuanYi Micro Hei / Zen Hei, Noto Sans / Serif CJK, Source Han Sans / Serif, Droid Sans
   Fallback, Microsoft YaHei, SimHei, SimSun, PingFang, STHeiti, Hiragino Sans GB);
3. fontconfig (``fc-list :lang=zh file``), when it is installed; a font it names is used only
   if it really draws "中".

The answer is cached (per value of ``CREDIT_CHECK_FONT``). `load_font(size)` gives that font at
a size, or Pillow's default font when there is none: it never raises, and callers that draw
labels should then keep to ASCII (`has_cjk_font()` tells them).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import warnings
from functools import lru_cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

ENV_VAR = "CREDIT_CHECK_FONT"

Font = ImageFont.FreeTypeFont | ImageFont.ImageFont

# Known CJK font files, best first (lower-case: Windows and macOS names vary in case). Regular
# weights before bold ones; simplified-Chinese faces before the other CJK ones.
KNOWN_FILES: tuple[str, ...] = (
    "wqy-microhei.ttc",
    "wqy-zenhei.ttc",
    "notosanscjk-regular.ttc",
    "notosanscjksc-regular.otf",
    "notosanssc-regular.otf",
    "notosanssc-regular.ttf",
    "notosanscjk-medium.ttc",
    "notoserifcjk-regular.ttc",
    "notoserifcjksc-regular.otf",
    "notoserifsc-regular.otf",
    "sourcehansanssc-regular.otf",
    "sourcehansans-regular.ttc",
    "sourcehansanscn-regular.otf",
    "sourcehanserifsc-regular.otf",
    "sourcehanserif-regular.ttc",
    "sourcehanserifcn-regular.otf",
    "droidsansfallbackfull.ttf",
    "droidsansfallback.ttf",
    "msyh.ttc",
    "msyh.ttf",
    "simhei.ttf",
    "simsun.ttc",
    "simsun.ttf",
    "pingfang.ttc",
    "stheiti medium.ttc",
    "stheiti light.ttc",
    "hiragino sans gb.ttc",
    "hiragino sans gb w3.ttc",
    "notosanscjk-bold.ttc",
    "wqy-microhei-lite.ttc",
)

_FC_TIMEOUT = 5.0  # seconds; fontconfig builds its cache on first use
_PROBE = "中"


def _font_dirs() -> list[Path]:
    """The usual font folders of Linux, Windows and macOS that exist here."""
    try:
        home: Path | None = Path.home()
    except RuntimeError:  # no HOME (a service account): the system folders still count
        home = None
    dirs = [Path("/usr/share/fonts"), Path("/usr/local/share/fonts")]
    if home is not None:
        dirs += [home / ".local" / "share" / "fonts", home / ".fonts"]
    for var in ("WINDIR", "SystemRoot"):
        if os.environ.get(var):
            dirs.append(Path(os.environ[var]) / "Fonts")
    dirs.append(Path("C:/Windows/Fonts"))
    if os.environ.get("LOCALAPPDATA"):
        dirs.append(Path(os.environ["LOCALAPPDATA"]) / "Microsoft" / "Windows" / "Fonts")
    dirs += [Path("/System/Library/Fonts"), Path("/System/Library/Fonts/Supplemental"), Path("/Library/Fonts")]
    if home is not None:
        dirs.append(home / "Library" / "Fonts")
    seen: set[Path] = set()
    out: list[Path] = []
    for d in dirs:
        if d not in seen and d.is_dir():
            seen.add(d)
            out.append(d)
    return out


def _known_file() -> Path | None:
    """The best-ranked known CJK font file in the font folders."""
    rank = {name: i for i, name in enumerate(KNOWN_FILES)}
    best: tuple[int, Path] | None = None
    for top in _font_dirs():
        for folder, _subdirs, files in os.walk(top, onerror=lambda _e: None):
            for name in files:
                r = rank.get(name.lower())
                if r is not None and (best is None or r < best[0]):
                    best = (r, Path(folder) / name)
    return best[1] if best else None


def _fontconfig_files() -> list[Path]:
    """Font files fontconfig says cover Chinese (none if fc-list is missing, slow or failing)."""
    exe = shutil.which("fc-list")
    if exe is None:
        return []
    try:
        run = subprocess.run([exe, ":lang=zh", "file"], capture_output=True, text=True, timeout=_FC_TIMEOUT,
                             check=False)
    except (OSError, subprocess.SubprocessError):
        return []
    if run.returncode != 0:
        return []
    files = {Path(line.strip().rstrip(":").strip()) for line in run.stdout.splitlines() if line.strip()}
    heavy = ("bold", "black", "heavy", "light", "thin", "extralight", "semibold", "medium")

    def order(p: Path) -> tuple[bool, str]:  # regular weights first, then by name for a stable choice
        return (any(w in p.name.lower() for w in heavy), str(p))

    return sorted((p for p in files if p.suffix.lower() in {".ttf", ".ttc", ".otf", ".otc"}), key=order)


def _ink(font: ImageFont.FreeTypeFont, text: str) -> bytes:
    img = Image.new("L", (48, 48))
    ImageDraw.Draw(img).text((4, 4), text, font=font, fill=255)
    return img.tobytes()


def draws_cjk(path: Path) -> bool:
    """Whether the font at `path` opens and draws "中" as a glyph of its own (not nothing, and not
    the box every missing character gets)."""
    try:
        font = ImageFont.truetype(str(path), 32)
        glyph = _ink(font, _PROBE)
        missing = _ink(font, "\uffff")  # a noncharacter: no font maps it, so this is the 'missing' glyph
    except (OSError, ValueError):
        return False
    return any(glyph) and glyph != missing


@lru_cache(maxsize=8)
def _find(env_value: str | None) -> Path | None:
    if env_value is not None and env_value.strip():
        value = env_value.strip()
        if value.lower() == "none":
            return None
        path = Path(value).expanduser()
        if path.is_file():
            return path
        warnings.warn(f"{ENV_VAR}={value!r} is not a font file; looking for an installed CJK font instead",
                      stacklevel=3)
    known = _known_file()
    if known is not None:
        return known
    for candidate in _fontconfig_files():
        if candidate.is_file() and draws_cjk(candidate):
            return candidate
    return None


def find_cjk_font() -> Path | None:
    """An installed font file that draws Chinese, or None (see the module docstring for where it looks)."""
    return _find(os.environ.get(ENV_VAR))


def has_cjk_font() -> bool:
    """Whether labels may be drawn in Chinese (else keep them ASCII): a CJK font is found and opens."""
    path = find_cjk_font()
    return path is not None and getattr(_load(path, 16), "path", None) == str(path)


@lru_cache(maxsize=64)
def _load(path: Path | None, size: int) -> Font:
    if path is not None:
        try:
            return ImageFont.truetype(str(path), size)
        except (OSError, ValueError):  # unreadable or not a font after all: the default still draws
            pass
    try:
        return ImageFont.load_default(size)
    except (TypeError, OSError, ValueError):  # Pillow < 10.1, or built without FreeType
        return ImageFont.load_default()


def load_font(size: int) -> Font:
    """The CJK font at `size` pixels, or Pillow's default font (ASCII only) when there is none. Never raises."""
    return _load(find_cjk_font(), max(1, int(size)))
