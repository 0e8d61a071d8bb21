"""Previews: small pictures of the evidence behind findings, for the HTML report.

A stage of its own, run by the CLI after the audit and only when an HTML report is written
(`--html`, `--format html`; `--no-previews` turns it off). It reads evidence files (read only,
like every stage) and returns the report with `Report.previews` filled: finding fingerprint →
`Preview`, one pane or several side by side. Reporters stay pure functions of the report.

**What gets a picture**

- D6 (red header, document number, seal) on a PDF or a picture of a paper page: the page the
  finding names (else the header's page, or the seal's), with what was found boxed in colour and
  what is missing marked by a dashed red box where it belongs (`annotate_doc.marked_page`).
- D7 and photo D1 findings (`edited`, `stamp-mismatch`): the photo, with the watermark stamp boxed
  when OCR is installed (`annotate_photo.draw_stamp`), within a small OCR budget.
- D1 findings with other files involved (`related`: a reused photo and its twins, a copied
  document): the files side by side — pictures for photos and scans; for documents with text,
  the passage both share, marked in each, with some text around it.

**Personal data.** No picture or excerpt is made of a file that has a D2 finding (personal data
in the clear): its pages may show it, and a downscaled picture does not hide an ID number well
enough. Text excerpts pass through the masker (`pii.mask_text`). Everything else a picture
shows is what the reviewers will see in the submission anyway.

**Small and bounded.** Pages are rendered at `PAGE_HEIGHT` pixels, photos at `PHOTO_SIDE` on their
long side, as JPEG (`QUALITY`); at most `MAX_PREVIEWS` findings get pictures (D1 first, then errors,
warnings, notes) and at most `MAX_BYTES` of pictures in all; the rest simply have none. The
pictures are drawn in a separate worker process (`isolate=True`, the default) with a time budget
(`budget_s`): a file that hangs or crashes a renderer costs its own picture and never the report.
Boxing a stamp means reading it again by OCR (the facts keep whether there is a stamp, not where),
so only findings about the stamp (`STAMP_CHECKS`) get the box, within `OCR_SECONDS` in all; later
photos are shown without it.
"""

from __future__ import annotations

import base64
import contextlib
import io
import multiprocessing
import time
import unicodedata
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from PIL import Image

from credit_check.facttypes import DocumentFacts, ImageFacts, PhotoFacts
from credit_check.fingerprint import all_of
from credit_check.model import EvidenceFile, Finding, Kind, Preview, PreviewPane, Report, Severity

PAGE_HEIGHT = 760  # pixels: boxes and headings legible, body text roughly
PHOTO_SIDE = 480
QUALITY = 60
MAX_PREVIEWS = 300
MAX_BYTES = 12_000_000  # all pictures together, as data URIs
MAX_OCR = 40  # photos whose stamp is read again to box it
OCR_SECONDS = 6.0  # …and the time that may take in all (OCR is slow; the rest of the pictures are cheap)
# Findings about the stamp itself: their photos get the stamp boxed (when OCR is installed).
STAMP_CHECKS = frozenset({"stamp-mismatch", "no-exif", "out-of-period", "future-time", "reused"})
EXCERPT = 160  # characters of text shown on each side of a shared passage
D6_CHECKS_PAGE = ("seal", "red_header", "doc_number")  # checks whose finding is about a page's elements
_RANK = {Severity.ERROR: 1, Severity.WARNING: 2, Severity.INFO: 3}


@dataclass(frozen=True)
class PaneJob:
    """One pane to draw: `kind` is "page" (a PDF page with D6 marks), "photo", "picture" (a scan
    or screenshot) or "text" (an excerpt around a passage shared with `other`)."""

    kind: str
    path: str  # the file on disk
    label: str  # the masked relative path (and page) shown under the pane
    page: int = 1
    facts: DocumentFacts | PhotoFacts | None = None
    seal_page: int | None = None
    stamp: bool = False  # box the watermark stamp (needs OCR)
    other: str | None = None  # text panes: the document it shares a passage with
    caption: str = ""
    caption_en: str = ""
    region: tuple[float, float, float, float] | None = None  # photo panes: the region matched in the other picture


@dataclass(frozen=True)
class Job:
    key: str  # the finding's fingerprint
    panes: tuple[PaneJob, ...]
    rank: int = 3


@dataclass
class _Budget:
    ocr_left: int = MAX_OCR
    memo: dict[tuple[str, str, int], PreviewPane | None] = field(default_factory=dict)


def add_previews(report: Report, *, isolate: bool = True, budget_s: float = 90.0, max_previews: int = MAX_PREVIEWS,
                 max_bytes: int = MAX_BYTES, ocr: bool = True, ocr_seconds: float = OCR_SECONDS) -> Report:
    """The report with `previews` filled (see the module docstring)."""
    return report.model_copy(update={"previews": build_previews(
        report, isolate=isolate, budget_s=budget_s, max_previews=max_previews, max_bytes=max_bytes, ocr=ocr,
        ocr_seconds=ocr_seconds)})


def build_previews(report: Report, *, isolate: bool = True, budget_s: float = 90.0,
                   max_previews: int = MAX_PREVIEWS, max_bytes: int = MAX_BYTES, ocr: bool = True,
                   ocr_seconds: float = OCR_SECONDS) -> dict[str, Preview]:
    """Finding fingerprint → pictures; at most `budget_s` seconds in all, of which stamp OCR at
    most `ocr_seconds` (`ocr=False`: none)."""
    jobs = sorted(plan(report), key=lambda job: job.rank)[:max_previews]
    if not jobs:
        return {}
    ocr_until = time.time() + ocr_seconds if ocr else 0.0
    results = _run_isolated(jobs, budget_s, ocr_until) if isolate else _run_here(jobs, budget_s, ocr_until)
    out: dict[str, Preview] = {}
    spent = 0
    for job in jobs:
        preview = results.get(job.key)
        if preview is None:
            continue
        size = sum(len(p.image or "") + len(p.text or "") for p in preview.panes)
        if spent + size > max_bytes:
            continue
        spent += size
        out[job.key] = preview
    return out


# ------------------------------------------------------------------------------------- the plan
def private_paths(report: Report) -> set[str]:
    """Files with personal data found in them (a D2 finding): never pictured."""
    paths: set[str] = set()
    for finding in report.findings:
        if finding.rule == "D2":
            if finding.path:
                paths.add(finding.path)
            paths.update(finding.related)
    return paths


def plan(report: Report) -> list[Job]:
    """What to draw for which finding (pure: no file is opened)."""
    files = {f.path: f for f in report.files}
    private = private_paths(report)
    jobs: list[Job] = []
    for finding, key in zip(report.findings, all_of(report.findings), strict=True):
        if finding.waived is not None or not finding.path or finding.path in private:
            continue
        panes = _panes(finding, files, private)
        if panes:
            rank = 0 if finding.rule == "D1" else _RANK[finding.severity]
            jobs.append(Job(key=key, panes=tuple(panes), rank=rank))
    return jobs


def _panes(finding: Finding, files: dict[str, EvidenceFile], private: set[str]) -> list[PaneJob]:
    main = files.get(finding.path or "")
    if main is None or main.error:
        return []
    if finding.rule == "D6" and isinstance(main.facts, DocumentFacts):
        pane = _page_pane(main, finding)
        return [pane] if pane else []
    if finding.rule == "D7" and isinstance(main.facts, PhotoFacts):
        return [_photo_pane(main, stamp=finding.check in STAMP_CHECKS)]
    if finding.rule != "D1":
        return []
    others = [files[p] for p in finding.related if p in files and p not in private and not files[p].error]
    stamp = finding.check in STAMP_CHECKS
    if not others:
        pane = _file_pane(main, finding.page, stamp=stamp)
        return [pane] if pane else []
    pairs = [(main, others[0]), *((other, main) for other in others[:3])]
    panes = [pane for this, other in pairs if (pane := _file_pane(this, None, other=other, stamp=stamp)) is not None]
    regions = _matched_regions(finding)  # photo reuse: where the features matched (checks/reuse.py evidence)
    panes = [replace(p, region=regions.get(p.label)) if p.kind == "photo" and regions else p for p in panes]
    return panes if len(panes) > 1 else []


def _matched_regions(finding: Finding) -> dict[str, tuple[float, float, float, float]]:
    """A verified pair's matched regions by path: `region_a` belongs to the pair's first path in sorted order."""
    if len(finding.related) != 1 or not finding.path:
        return {}
    found: dict[str, tuple[float, float, float, float]] = {}
    for name, path in zip("ab", sorted((finding.path, finding.related[0])), strict=True):
        box = [finding.evidence.get(f"region_{name}_{side}") for side in ("left", "top", "right", "bottom")]
        if all(isinstance(v, int | float) and not isinstance(v, bool) for v in box):
            found[path] = (float(box[0]), float(box[1]), float(box[2]), float(box[3]))  # type: ignore[arg-type]
    return found if len(found) == 2 else {}


def _label(file: EvidenceFile, page: int | None) -> str:
    return f"{file.path} · 第{page}页" if page else file.path


def _is_pdf(file: EvidenceFile) -> bool:
    return file.abs_path.suffix.lower() == ".pdf" or (file.facts.format or "").lower() == "pdf"


def _state(value: bool | None, lang: str) -> str:
    if lang == "en":
        return "not determined" if value is None else ("found" if value else "missing")
    return "无法确定" if value is None else ("有" if value else "缺少")


def _page_pane(file: EvidenceFile, finding: Finding) -> PaneJob | None:
    facts = file.facts
    assert isinstance(facts, DocumentFacts)
    if finding.check == "seal":
        page = finding.page or (facts.seal_page if facts.seal else None) or facts.pages or 1
    else:
        page = finding.page or facts.red_header_page or 1
    number = "有" if facts.doc_number else ("无法确定" if facts.doc_number_status == "undetermined" else "缺少")
    number_en = "found" if facts.doc_number else ("not determined" if facts.doc_number_status == "undetermined"
                                                  else "missing")
    caption = f"红头：{_state(facts.red_header, 'zh')} · 文号：{number} · 公章：{_state(facts.seal, 'zh')}"
    caption_en = (f"red header: {_state(facts.red_header, 'en')} · number: {number_en} · "
                  f"seal: {_state(facts.seal, 'en')}")
    if _is_pdf(file):
        return PaneJob(kind="page", path=str(file.abs_path), label=_label(file, page), page=page, facts=facts,
                       seal_page=finding.page if finding.check == "seal" else None, caption=caption,
                       caption_en=caption_en)
    if file.kind in (Kind.IMAGE, Kind.PHOTO) or file.abs_path.suffix.lower() in _PICTURES:
        return PaneJob(kind="picture", path=str(file.abs_path), label=file.path, caption=caption,
                       caption_en=caption_en)
    return None  # Word, WPS, OFD: no page geometry to draw on


_PICTURES = {".jpg", ".jpeg", ".png", ".bmp", ".gif", ".tif", ".tiff", ".webp", ".heic", ".heif"}


def _photo_pane(file: EvidenceFile, *, stamp: bool) -> PaneJob:
    facts = file.facts
    assert isinstance(facts, PhotoFacts)
    found = "无法确定" if facts.stamp is None else ("有" if facts.stamp else "无")
    found_en = "not determined" if facts.stamp is None else ("found" if facts.stamp else "none")
    when = f"（{facts.stamp_time.replace('T', ' ')[:16]}）" if facts.stamp and facts.stamp_time else ""
    taken = facts.taken.isoformat(sep=" ", timespec="minutes") if facts.taken else None
    caption = f"时间水印：{found}{when} · EXIF 拍摄时间：{taken or '无'}"
    caption_en = f"time stamp: {found_en}{when} · EXIF time: {taken or 'none'}"
    return PaneJob(kind="photo", path=str(file.abs_path), label=file.path, facts=facts, stamp=stamp and bool(facts.stamp),
                   caption=caption, caption_en=caption_en)


def _file_pane(file: EvidenceFile, page: int | None, other: EvidenceFile | None = None, *,
               stamp: bool = False) -> PaneJob | None:
    """A pane showing `file` as it is best seen beside `other`: a photo or picture as itself, a
    document as the passage it shares with `other` (a text document) or as its first page."""
    if isinstance(file.facts, PhotoFacts):
        return _photo_pane(file, stamp=stamp)
    if isinstance(file.facts, ImageFacts) or file.abs_path.suffix.lower() in _PICTURES:
        return PaneJob(kind="picture", path=str(file.abs_path), label=file.path)
    if isinstance(file.facts, DocumentFacts):
        if other is not None and isinstance(other.facts, DocumentFacts):
            return PaneJob(kind="text", path=str(file.abs_path), label=file.path, other=str(other.abs_path))
        if _is_pdf(file):
            return PaneJob(kind="page", path=str(file.abs_path), label=_label(file, page or 1), page=page or 1,
                           facts=file.facts)
    return None


# ------------------------------------------------------------------------------------ drawing
def _data_uri(image: Image.Image) -> tuple[str, int, int]:
    buffer = io.BytesIO()
    image.convert("RGB").save(buffer, "JPEG", quality=QUALITY, optimize=True, progressive=True)
    return "data:image/jpeg;base64," + base64.b64encode(buffer.getvalue()).decode("ascii"), image.width, image.height


def _fit(image: Image.Image, *, height: int | None = None, side: int | None = None) -> Image.Image:
    w, h = image.size
    scale = min(1.0, (height / h) if height else 1.0, (side / max(w, h)) if side else 1.0)
    if scale < 1.0:
        image = image.resize((max(1, round(w * scale)), max(1, round(h * scale))), Image.Resampling.LANCZOS)
    return image


def _open_picture(path: str) -> Image.Image:
    from PIL import ImageOps

    from credit_check.facts.image import register_heif

    register_heif()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with Image.open(path) as image:
            image.draft("RGB", (PHOTO_SIDE * 2, PHOTO_SIDE * 2))
            return ImageOps.exif_transpose(image).convert("RGB")


def _draw_pane(job: PaneJob, budget: _Budget, ocr_until: float) -> PreviewPane | None:
    if job.kind == "page":
        from credit_check.annotate_doc import marked_page
        from credit_check.facts.pdf import page_image

        facts = job.facts
        if isinstance(facts, DocumentFacts):
            image = marked_page(Path(job.path), facts, job.page, dpi=100, ocr=False, seal_page=job.seal_page)
        else:
            image = page_image(Path(job.path), job.page, 100)
        picture = _fit(image, height=PAGE_HEIGHT)
    elif job.kind == "photo":
        picture = _photo(job, budget, ocr_until)
    elif job.kind == "picture":
        picture = _fit(_open_picture(job.path), side=PHOTO_SIDE)
    else:
        return None
    uri, width, height = _data_uri(picture)
    return PreviewPane(label=job.label, image=uri, width=width, height=height, caption=job.caption,
                       caption_en=job.caption_en)


def _photo(job: PaneJob, budget: _Budget, ocr_until: float) -> Image.Image:
    image = _open_picture(job.path)
    if job.stamp and time.time() < ocr_until and budget.ocr_left > 0:
        from credit_check.annotate_photo import draw_stamp
        from credit_check.facts.ocr import engine
        from credit_check.facts.stamp import read_stamp, reduced

        if engine() is not None:
            budget.ocr_left -= 1
            small = reduced(image)
            reading = read_stamp(small)
            if reading.found:
                return _region(_fit(draw_stamp(small.convert("RGB"), reading), side=PHOTO_SIDE), job.region)
    return _region(_fit(image, side=PHOTO_SIDE), job.region)


def _region(image: Image.Image, box: tuple[float, float, float, float] | None) -> Image.Image:
    """The matched region of a reused photo, outlined in green (fractions of the picture)."""
    if box is None:
        return image
    from PIL import ImageDraw

    out = image.convert("RGB")
    w, h = out.size
    ImageDraw.Draw(out).rectangle((box[0] * w, box[1] * h, box[2] * w - 1, box[3] * h - 1), outline=(0, 170, 60),
                                  width=max(2, w // 160))
    return out


def _letters(text: str) -> tuple[str, list[int]]:
    """The text as letters only (as the copy check compares it), with each letter's index in `text`."""
    kept: list[str] = []
    where: list[int] = []
    for i, ch in enumerate(text):
        for c in unicodedata.normalize("NFKC", ch).lower():
            if c.isalpha():
                kept.append(c)
                where.append(i)
    return "".join(kept), where


def _document_text(path: str) -> str:
    from credit_check.facts import ExtractOptions, extract

    return "\n".join(extract(Path(path), ExtractOptions(ocr=False, timeout=30)).pages)


def _text_panes(jobs: Sequence[PaneJob]) -> list[PreviewPane | None]:
    """Each document's text around the longest passage it shares with its partner, marked."""
    from credit_check.pii import mask_text
    from credit_check.textsim import shared_passage

    texts: dict[str, str] = {}
    for job in jobs:
        for path in (job.path, job.other or ""):
            if path and path not in texts:
                texts[path] = _document_text(path)
    out: list[PreviewPane | None] = []
    passages: dict[frozenset[str], str] = {}  # one passage per pair, so both sides mark the same words
    for job in jobs:
        mine, theirs = texts[job.path], texts.get(job.other or "", "")
        a, a_at = _letters(mine)
        pair = frozenset((job.path, job.other or ""))
        if pair not in passages:
            b, _ = _letters(theirs)
            passages[pair] = shared_passage(a, b, limit=400) if a and b else ""
        passage = passages[pair]
        start = a.find(passage)
        if len(passage) < 8 or start < 0:
            out.append(None)
            continue
        first, last = a_at[start], a_at[start + len(passage) - 1] + 1
        before = mine[max(0, first - EXCERPT):first]
        after = mine[last:last + EXCERPT]
        shared = mine[first:last]
        text = ("…" if first > EXCERPT else "") + before + shared + after + ("…" if last + EXCERPT < len(mine) else "")
        masked, masked_shared = mask_text(text), mask_text(shared)
        out.append(PreviewPane(label=job.label, text=masked, highlight=masked_shared,
                               caption=f"共同段落 {len(passage)} 字", caption_en=f"shared passage: {len(passage)} characters"))
    return out


def render_job(job: Job, budget: _Budget | None = None, ocr_until: float = 0.0) -> Preview | None:
    """(`ocr_until`: the `time.time()` until which the stamp may be read again to box it.)"""
    """Draw one finding's panes; None when nothing could be drawn (or, side by side, fewer than two)."""
    budget = budget or _Budget()
    texts = [p for p in job.panes if p.kind == "text"]
    drawn_text = dict(zip([id(p) for p in texts], _text_panes(texts), strict=True)) if texts else {}
    panes: list[PreviewPane] = []
    for pane in job.panes:
        if pane.kind == "text":
            drawn = drawn_text.get(id(pane))
        else:
            memo_key = (pane.path, pane.kind, pane.page)
            if memo_key not in budget.memo:
                try:
                    budget.memo[memo_key] = _draw_pane(pane, budget, ocr_until)
                except Exception:  # an unreadable page costs its picture only
                    budget.memo[memo_key] = None
            drawn = budget.memo[memo_key]
        if drawn is not None:
            panes.append(drawn)
    needed = 2 if len(job.panes) > 1 else 1
    return Preview(panes=tuple(panes)) if len(panes) >= needed else None


# ---------------------------------------------------------------------------------- execution
_WORKER_BUDGET = _Budget()


def _worker_render(job: Job, ocr_until: float) -> Preview | None:
    try:
        return render_job(job, _WORKER_BUDGET, ocr_until)
    except Exception:
        return None


def _run_here(jobs: Sequence[Job], budget_s: float, ocr_until: float) -> dict[str, Preview]:
    budget, out, deadline = _Budget(), {}, time.monotonic() + budget_s
    for job in jobs:
        if time.monotonic() > deadline:
            break
        with contextlib.suppress(Exception):
            preview = render_job(job, budget, ocr_until)
            if preview is not None:
                out[job.key] = preview
    return out


def _run_isolated(jobs: Sequence[Job], budget_s: float, ocr_until: float) -> dict[str, Preview]:
    """Draw in one worker process; stop at the time budget; a job that crashes or hangs its
    worker loses its own picture (the pool replaces a dead worker; a hung one ends the run)."""
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")
    out: dict[str, Preview] = {}
    deadline = time.monotonic() + budget_s
    pool = context.Pool(processes=1)
    try:
        pending = [(job.key, pool.apply_async(_worker_render, (job, ocr_until))) for job in jobs]
        for key, result in pending:
            left = deadline - time.monotonic()
            if left <= 0:
                break
            try:
                preview = result.get(timeout=min(left, 30.0))
            except multiprocessing.TimeoutError:
                break  # the worker is stuck on this job: the rest would wait behind it
            except Exception:
                continue
            if preview is not None:
                out[key] = preview
    finally:
        pool.terminate()
        pool.join()
    return out
