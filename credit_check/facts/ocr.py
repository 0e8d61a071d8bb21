"""Optional Chinese OCR through RapidOCR (the `ocr` extra): `rapidocr-onnxruntime` 1.x where it is
installed (Python <= 3.12), else its successor `rapidocr` 3 with onnxruntime (Python 3.13+; see
docs/ocr.md for how the two compare). Both ship their models inside the wheel; rapidocr 3 is
pointed at those files by name, so nothing is downloaded, ever.

`engine()` returns a process-wide engine, or None when the extra is not installed or was turned
off; callers must then report "could not determine" (`UNAVAILABLE_REASON`), never "missing".
"""

from __future__ import annotations

import contextlib
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
_crop_engines: dict[int, OcrEngine | None] = {}  # the same, for `crop_engine`


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


# RapidOCR's own scaling (its config.yaml): the long side down to 2000 px, the short side up to 30,
# a letterbox for strips wider than 8:1, then the detector scales the short side UP to 736 px. A
# thin strip (1 × 65,535 px) would become a detector input of hundreds of millions of pixels, so
# pictures are read in tiles of at most `MAX_ASPECT`, and every call is checked against
# `MAX_DET_PIXELS` after that scaling, before the library sees it.
RAPID_MAX_SIDE, RAPID_MIN_SIDE, RAPID_LETTERBOX_RATIO, RAPID_MIN_HEIGHT, DET_SIDE = 2000, 30, 8, 30, 736
MAX_ASPECT = 3.0  # long side ÷ short side of one tile
MAX_TILES = 8  # tiles read per picture (the rest of an endless strip is not read)
MIN_TEXT_SIDE = 8  # pixels: a thinner picture holds no readable text
MAX_DET_PIXELS = 4_200_000  # detector input after RapidOCR's scaling (2016² for a 2000-px square, 736 × 2208 for a tile)
MAX_INPUT_PIXELS = 40_000_000  # a picture larger than this is never handed over (callers scale first)


class OcrInputTooLarge(ValueError):
    """A picture whose detector input would pass `MAX_DET_PIXELS` after RapidOCR's own scaling."""


def _round32(value: float) -> int:
    return int(round(int(value) / 32) * 32)


def detector_input(width: int, height: int, upscale: bool = True) -> tuple[int, int]:
    """The size (width, height) RapidOCR's detector would run at for a `width` × `height` picture,
    following its preprocessing step by step (rapidocr_onnxruntime main.py and ch_ppocr_det).
    `upscale=False`: the crop engine's detector, which keeps a picture's own scale (long sides
    over 960/1500/2000 px are scaled down to those, as RapidOCR's "max" limit does)."""
    w, h = float(width), float(height)
    if max(w, h) > RAPID_MAX_SIDE:
        ratio = RAPID_MAX_SIDE / max(w, h)
        w, h = _round32(w * ratio), _round32(h * ratio)
    if min(w, h) < RAPID_MIN_SIDE:
        ratio = RAPID_MIN_SIDE / max(1.0, min(w, h))
        w, h = _round32(w * ratio), _round32(h * ratio)
    w, h = max(w, 1.0), max(h, 1.0)
    if h <= RAPID_MIN_HEIGHT or w / h > RAPID_LETTERBOX_RATIO:
        new_h = max(int(w / RAPID_LETTERBOX_RATIO), RAPID_MIN_HEIGHT) * 2
        h += 2 * int(abs(new_h - h) / 2)
    if not upscale:
        limit = 960 if max(w, h) < 960 else 1500 if max(w, h) < 1500 else 2000
        ratio = min(1.0, limit / max(w, h))
        w, h = w * ratio, h * ratio
    elif min(w, h) < DET_SIDE:
        ratio = DET_SIDE / min(w, h)
        w, h = w * ratio, h * ratio
    return max(32, _round32(w)), max(32, _round32(h))


def tiles(width: int, height: int) -> list[tuple[int, int, int, int]]:
    """Boxes (left, top, right, bottom) that cover a picture in pieces no longer than `MAX_ASPECT`
    times their width, overlapping by a quarter of the short side (a line cut by one border is
    whole in the next tile); at most `MAX_TILES`, from the top or left."""
    short, long_ = min(width, height), max(width, height)
    if short < MIN_TEXT_SIDE:
        return []
    if long_ <= short * MAX_ASPECT:
        return [(0, 0, width, height)]
    span = int(short * MAX_ASPECT)
    step = span - max(1, short // 4)
    out: list[tuple[int, int, int, int]] = []
    start = 0
    while len(out) < MAX_TILES:
        end = min(long_, start + span)
        out.append((0, start, width, end) if height >= width else (start, 0, end, height))
        if end >= long_:
            break
        start += step
    return out


class OcrEngine:
    def __init__(self, impl: Any, upscale: bool = True) -> None:
        self._impl = impl
        self.upscale = upscale  # False: the crop engine (`crop_engine`)

    def read(self, image: Image.Image) -> list[OcrLine]:
        """Text lines of `image`, top to bottom. Long strips are read in tiles (`tiles`); no call
        reaches the library whose detector input would pass `MAX_DET_PIXELS`."""
        width, height = image.size
        if width * height > MAX_INPUT_PIXELS:
            raise OcrInputTooLarge(f"{width}×{height} px")
        boxes = tiles(width, height)
        lines: list[OcrLine] = []
        for n, (left, top, right, bottom) in enumerate(boxes):
            part = image if len(boxes) == 1 else image.crop((left, top, right, bottom))
            found = self._read_one(part)
            if len(boxes) > 1:  # each tile keeps the lines centred in its own share of the overlaps
                vertical = height >= width
                lo = (boxes[n - 1][3 if vertical else 2] + (top if vertical else left)) / 2 if n else 0
                hi = ((bottom if vertical else right) + boxes[n + 1][1 if vertical else 0]) / 2 \
                    if n + 1 < len(boxes) else float("inf")
                shifted = [OcrLine(text=ln.text, box=(ln.box[0] + left, ln.box[1] + top, ln.box[2] + left,
                                                      ln.box[3] + top), score=ln.score) for ln in found]
                found = [ln for ln in shifted
                         if lo <= ((ln.box[1] + ln.box[3]) / 2 if vertical else (ln.box[0] + ln.box[2]) / 2) < hi]
            lines.extend(found)
        lines.sort(key=lambda ln: (ln.box[1], ln.box[0]))
        return lines

    def _read_one(self, image: Image.Image) -> list[OcrLine]:
        import numpy as np

        det_w, det_h = detector_input(*image.size, upscale=self.upscale)
        if det_w * det_h > MAX_DET_PIXELS:
            raise OcrInputTooLarge(f"{image.width}×{image.height} px → {det_w}×{det_h} px")
        arr = np.asarray(image.convert("RGB"))[:, :, ::-1]  # RapidOCR expects BGR like OpenCV
        result, _ = self._impl(arr)
        lines: list[OcrLine] = []
        for quad, text, score in result or ():
            xs = [float(p[0]) for p in quad]
            ys = [float(p[1]) for p in quad]
            lines.append(OcrLine(text=str(text), box=(min(xs), min(ys), max(xs), max(ys)), score=float(score)))
        return lines


def engine() -> OcrEngine | None:
    """The OCR engine of this process (loaded once), or None when OCR is unavailable or disabled.

    Keyed by process id: an engine inherited through fork is never used or destroyed in the
    child, because an onnxruntime session torn down without its threads can hang."""
    pid = os.getpid()
    if pid not in _engines:
        _engines[pid] = _load()
    return _engines[pid]


def crop_engine() -> OcrEngine | None:
    """An engine for small crops of a picture (a watermark stamp located by its pixels): its
    detector works at the crop's own scale instead of enlarging it to 736 px (the main engine's
    detector input is never smaller than 736 × 736, whatever it is given), and its recogniser
    takes one line at a time (a batch pads every line to the longest). Same models, same
    settings otherwise; None when OCR is unavailable. Loaded once per process, like `engine`."""
    pid = os.getpid()
    if pid not in _crop_engines:
        _crop_engines[pid] = _load(crop=True) if engine() is not None else None
    return _crop_engines[pid]


def reset() -> None:
    """Forget this process's engine (it is loaded again on next use): for tests and settings changes."""
    _engines.pop(os.getpid(), None)
    _crop_engines.pop(os.getpid(), None)


# The models inside the `rapidocr` 3 wheel (its default PP-OCRv6 small detector and recogniser,
# the v2.0 mobile direction classifier). Named explicitly: without a model path rapidocr looks
# them up by its own routing table and downloads what it does not find.
RAPIDOCR_MODELS = {"Det": "PP-OCRv6_det_small.onnx", "Cls": "ch_ppocr_mobile_v2.0_cls_mobile.onnx",
                   "Rec": "PP-OCRv6_rec_small.onnx"}


class _RapidOcr3:
    """`rapidocr` 3 behind the call of `rapidocr_onnxruntime`: `(lines, elapsed)`, each line
    `(quad, text, score)`. Runs only on the model files bundled in its wheel (`RAPIDOCR_MODELS`):
    if one is missing it fails here, and OCR is reported unavailable, instead of downloading."""

    def __init__(self, threads: int | None, crop: bool = False) -> None:
        from pathlib import Path

        import rapidocr  # type: ignore[import-not-found,unused-ignore]

        folder = Path(rapidocr.__file__).parent / "models"
        params: dict[str, Any] = {"Global.log_level": "error"}
        for stage, name in RAPIDOCR_MODELS.items():
            model = folder / name
            if not model.is_file():
                raise FileNotFoundError(f"rapidocr model not bundled: {model}")
            params[f"{stage}.model_path"] = str(model)
        if threads:
            params["EngineConfig.onnxruntime.intra_op_num_threads"] = threads
        if crop:
            params.update(CROP_PARAMS_3)
        self._impl = rapidocr.RapidOCR(params=params)

    def __call__(self, image: Any) -> tuple[list[tuple[Any, str, float]], None]:
        out = self._impl(image)
        boxes, texts, scores = getattr(out, "boxes", None), getattr(out, "txts", None), getattr(out, "scores", None)
        if boxes is None or texts is None or scores is None:
            return [], None
        return [(quad.tolist(), str(text), float(score)) for quad, text, score in zip(boxes, texts, scores, strict=False)], None


# `crop_engine`: the detector keeps the crop's scale ("max" limit), the recogniser reads one line at a time.
CROP_PARAMS_1 = {"det_limit_type": "max", "det_limit_side_len": 960, "rec_batch_num": 1}
CROP_PARAMS_3 = {"Det.limit_type": "max", "Det.limit_side_len": 960, "Rec.rec_batch_num": 1}


def _load(crop: bool = False) -> OcrEngine | None:
    if os.environ.get(DISABLE_ENV):
        return None
    # onnxruntime (1.2x+) sends usage telemetry to Microsoft and keeps a device id and an event
    # store under ~/.cache/Microsoft unless told not to: evidence audits must not phone home.
    os.environ.setdefault("ORT_DISABLE_TELEMETRY", "1")
    try:
        import onnxruntime  # both packages run on it; a broken install fails here
    except Exception:
        return None
    with contextlib.suppress(Exception):
        onnxruntime.disable_telemetry_events()  # the platform's own channel (ETW on Windows)
    # The 1.x engine first where it is installed (Python <= 3.12): the stamp reader is tuned to it
    # and rapidocr 3 reads some stamps worse (docs/ocr.md); rapidocr 3 where it is not (3.13+).
    try:
        from rapidocr_onnxruntime import RapidOCR  # type: ignore[import-not-found,unused-ignore]
    except ImportError:
        pass
    except Exception:  # installed, but its native libraries failed to load
        return None
    else:
        settings: dict[str, Any] = {**({"intra_op_num_threads": _threads} if _threads else {}),
                                    **(CROP_PARAMS_1 if crop else {})}
        try:
            return OcrEngine(RapidOCR(**settings), upscale=not crop)
        except Exception:
            return None
    try:
        return OcrEngine(_RapidOcr3(_threads, crop), upscale=not crop)
    except Exception:  # not installed, a bundled model missing, or native libraries failed
        return None


def installed() -> str | None:
    """The OCR package this process would use ("rapidocr-onnxruntime" or "rapidocr"), without
    loading it; None when neither is installed."""
    from importlib.util import find_spec

    for module, name in (("rapidocr_onnxruntime", "rapidocr-onnxruntime"), ("rapidocr", "rapidocr")):
        if find_spec(module) is not None:
            return name
    return None
