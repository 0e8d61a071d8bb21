"""Optional Chinese OCR through `rapidocr-onnxruntime` (the `ocr` extra; models ship in the wheel).

`engine()` returns a process-wide engine, or None when the extra is not installed or was turned
off; callers must then report "could not determine" (`UNAVAILABLE_REASON`), never "missing".
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

from PIL import Image

UNAVAILABLE_REASON = "未安装 OCR 组件，无法识别图片文字（pip install 'credit-check[ocr]'）"
UNAVAILABLE_REASON_EN = "OCR is not installed; install the ocr extra: pip install 'credit-check[ocr]'"

# Set this environment variable to turn OCR off for every run (the CLI's --no-ocr is per run).
DISABLE_ENV = "CREDIT_CHECK_NO_OCR"
_threads: int | None = None  # onnxruntime threads per process; None = its default (all cores)


_engines: dict[int, OcrEngine | None] = {}  # by process id: a forked child never touches its parent's


def configure(threads: int | None) -> None:
    """Threads per OCR session; worker processes get cores ÷ workers so they do not fight.
    Takes effect for engines loaded afterwards (workers call it before loading one)."""
    global _threads
    _threads = threads


@dataclass(frozen=True)
class OcrLine:
    text: str
    box: tuple[float, float, float, float]  # left, top, right, bottom in image pixels
    score: float


class OcrEngine:
    def __init__(self, impl: Any) -> None:
        self._impl = impl

    def read(self, image: Image.Image) -> list[OcrLine]:
        """Text lines of `image`, top to bottom."""
        import numpy as np

        arr = np.asarray(image.convert("RGB"))[:, :, ::-1]  # RapidOCR expects BGR like OpenCV
        result, _ = self._impl(arr)
        lines: list[OcrLine] = []
        for quad, text, score in result or ():
            xs = [float(p[0]) for p in quad]
            ys = [float(p[1]) for p in quad]
            lines.append(OcrLine(text=str(text), box=(min(xs), min(ys), max(xs), max(ys)), score=float(score)))
        lines.sort(key=lambda ln: (ln.box[1], ln.box[0]))
        return lines


def engine() -> OcrEngine | None:
    """The OCR engine of this process (loaded once), or None when OCR is unavailable or disabled.

    Keyed by process id: an engine inherited through fork is never used or destroyed in the
    child, because an onnxruntime session torn down without its threads can hang."""
    pid = os.getpid()
    if pid not in _engines:
        _engines[pid] = _load()
    return _engines[pid]


def reset() -> None:
    """Forget this process's engine (it is loaded again on next use): for tests and settings changes."""
    _engines.pop(os.getpid(), None)


def _load() -> OcrEngine | None:
    if os.environ.get(DISABLE_ENV):
        return None
    try:
        from rapidocr_onnxruntime import RapidOCR  # type: ignore[import-not-found,unused-ignore]
    except Exception:  # not installed, or its native libraries failed to load
        return None
    try:
        return OcrEngine(RapidOCR(intra_op_num_threads=_threads) if _threads else RapidOCR())
    except Exception:
        return None
