"""Benchmark of the 公文 elements (红头、文号、公章): precision and recall per element and category.

Builds a labelled set in a temporary folder — born-digital PDFs (several layouts, seal as picture
and as vector drawing, multi-page), DOCX, the same documents printed-and-scanned (150–300 dpi,
skew, noise, fading, JPEG), each element missing in turn, and hard negatives (red banner, red
charts, red letterhead of a news bulletin, black-and-white photocopies) — runs the extractors and
prints, per category and element, precision and recall of "present", how many answers were
"could not determine", and seconds per page.

    python bench/documents.py [--no-ocr] [--quick]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from credit_check.facts import ExtractOptions, extract
from tests.builders.documents import (
    Gongwen,
    Scan,
    build_docx,
    build_pdf,
    build_vml_docx,
    scan_pdf,
    seal_as_annotation,
)

ELEMENTS = ("red_header", "doc_number", "seal", "number_format_warning", "seal_blank")


def specs(quick: bool) -> list[tuple[str, Gongwen, dict[str, bool]]]:
    """(name, document, truth) for the born-digital set."""
    out: list[tuple[str, Gongwen, dict[str, bool]]] = []
    full = {"red_header": True, "doc_number": True, "seal": True}
    organs = ("济南市莱芜区城乡交通运输局", "莱芜区交通运输综合行政执法大队", "钢城区交通运输局")
    numbers = ("莱芜区交字〔2024〕19号", "莱交执发〔2024〕3号", "钢交发[2023]112号", "莱交字（2024）第07号")
    i = 0
    for layout in ("standard", "signed", "letter"):
        for seal in ("image", "vector"):
            for shape in ("round", "oval", "square"):
                if quick and shape != "round":
                    continue
                i += 1
                doc = Gongwen(organ=organs[i % 3], number=numbers[i % 4], layout=layout, seal=seal, seal_shape=shape,
                              pages=1 + i % 3, font="wqy" if i % 2 else "STSong-Light", seal_mm=40 + i % 8)
                out.append((f"{layout}-{seal}-{shape}", doc, full))
    out.append(("header-image", Gongwen(header_as_image=True), full))
    out.append(("band-header", Gongwen(layout="band"), full))
    out.append(("e-seal-annotation", Gongwen(pages=2), full))
    out.append(("vml-seal", Gongwen(seal_shape="oval"), full))
    out.append(("cmyk-header", Gongwen(cmyk=True, seal="vector"), full))
    out.append(("dark-red", Gongwen(ink=(190, 25, 35), seal_angle=17), full))
    out.append(("orange-red", Gongwen(ink=(235, 55, 30), seal="vector", seal_shape="oval"), full))
    out.append(("askew-seal", Gongwen(seal_angle=-25, seal_mm=45, pages=2), full))
    out.append(("red-emphasis", Gongwen(red_body=True, seal=None), {**full, "seal": False}))
    out.append(("black-header", Gongwen(black_header=True), {**full, "red_header": False}))
    out.append(("blank-seal", Gongwen(seal_over_text=False), full))
    out.append(("opaque-seal", Gongwen(seal_opaque=True), full))
    for layout in ("standard", "signed"):
        out.append((f"{layout}-no-header", Gongwen(header=False, layout=layout), {**full, "red_header": False}))
        out.append((f"{layout}-no-number", Gongwen(number=None, layout=layout), {**full, "doc_number": False}))
        out.append((f"{layout}-no-seal", Gongwen(seal=None, layout=layout, pages=2), {**full, "seal": False}))
    out.append(("nothing", Gongwen(header=False, number=None, seal=None), dict.fromkeys(ELEMENTS, False)))
    out.append(("banner", Gongwen(layout="banner", number=None, seal=None, title="信用宣传月活动方案"),
                dict.fromkeys(ELEMENTS, False)))
    for chart in ("bar", "pie", "donut"):
        out.append((f"{chart}-chart", Gongwen(layout="chart", seal=None, chart=chart), {**full, "seal": False}))
    real = Path(__file__).resolve().parents[1].parent / "shared" / "corpus" / "seals" / "getseal__source.png"
    if real.exists():  # a real company seal scanned from paper (read from the corpus, not copied)
        out.append(("real-seal", Gongwen(seal_picture=real, seal_mm=42), full))
        out.append(("real-seal-askew", Gongwen(seal_picture=real, seal_mm=40, seal_angle=30, pages=2), full))
    out.append(("news", Gongwen(layout="news", number=None, seal=None, title="我局开展信用宣传月活动"),
                {"red_header": True, "doc_number": False, "seal": False}))
    return out


def scans(quick: bool) -> list[Scan]:
    variants = [Scan(dpi=200, skew=0.8, noise=6, jpeg=70), Scan(dpi=150, skew=-1.5, noise=10, fade=0.3, jpeg=45),
                Scan(dpi=300, skew=2.0, noise=4, fade=0.15, jpeg=85),
                Scan(dpi=150, skew=-3.0, noise=14, fade=0.5, jpeg=30),  # a poor copy: washed out, blocky
                Scan(dpi=150, skew=1.0, noise=8, jpeg=60, photo=True)]  # a phone photo of the paper
    return variants[:1] if quick else variants


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--no-ocr", action="store_true", help="skip OCR (scans: doc number undetermined)")
    ap.add_argument("--quick", action="store_true", help="fewer documents")
    args = ap.parse_args()
    options = ExtractOptions(ocr=not args.no_ocr)
    # counts[category][element] = [tp, fp, fn, tn, undetermined]
    counts: dict[str, dict[str, list[int]]] = defaultdict(lambda: {e: [0] * 5 for e in ELEMENTS})
    seconds: dict[str, float] = defaultdict(float)
    pages: dict[str, int] = defaultdict(int)
    misses: list[str] = []
    items = specs(args.quick)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        jobs: list[tuple[str, str, Path, dict[str, bool | None]]] = []
        for n, (name, doc, labels) in enumerate(items):
            number = doc.number or ""
            bracket_bad = bool(number) and "〔" not in number
            other_bad = bool(number) and ("第" in number or "〕0" in number or "]0" in number or ")0" in number)
            labels = {**labels, "number_format_warning": bracket_bad or other_bad,
                      "seal_blank": not doc.seal_over_text}
            # OCR cannot tell 〔 from [ or (: on scans only 第 and leading zeros are expected to be flagged.
            scan_labels = {**labels, "number_format_warning": other_bad}
            pdf = build_pdf(root / f"{n}-{name}.pdf", doc)
            if name == "e-seal-annotation":
                pdf = seal_as_annotation(pdf, root / f"{n}-{name}-annot.pdf", doc)
            jobs.append(("born-digital", name, pdf, dict(labels)))
            if name == "vml-seal":
                jobs.append(("docx", name, build_vml_docx(root / f"{n}-{name}.docx", doc), dict(labels)))
            elif doc.seal != "vector":
                jobs.append(("docx", name, build_docx(root / f"{n}-{name}.docx", doc, floating_seal=n % 2 == 0),
                             dict(labels)))
            if n % (3 if args.quick else 2) == 0 or name in ("banner", "band-header", "news", "bar-chart", "pie-chart", "donut-chart", "blank-seal",
                                                             "dark-red", "real-seal"):
                scan = scans(args.quick)[n % len(scans(args.quick))]
                jobs.append(("scan", name, scan_pdf(pdf, root / f"{n}-{name}-scan.pdf", replace(scan, seed=n)),
                             dict(scan_labels)))
            if n % 6 == 0:
                grey = Scan(dpi=200, grey=True, seed=n)
                # A black-and-white copy cannot show red: the right answer is "could not determine".
                bw: dict[str, bool | None] = {**scan_labels, "red_header": None, "seal": None}
                jobs.append(("bw-copy", name, scan_pdf(pdf, root / f"{n}-{name}-bw.pdf", grey), bw))
        for category, name, path, truth in jobs:  # truth: True / False / None (must be undetermined)
            t = time.perf_counter()
            got = extract(path, options)
            seconds[category] += time.perf_counter() - t
            pages[category] += int(got.facts.pages or 1)
            for element in ELEMENTS:
                value = getattr(got.facts, element, None)
                if element == "doc_number":
                    status = got.facts.doc_number_status
                    value = None if status == "undetermined" else bool(got.facts.doc_number)
                if element == "number_format_warning":
                    status = got.facts.doc_number_status
                    value = None if status == "undetermined" else "format" in (got.facts.doc_number_issues or [])
                want = truth[element]
                if element == "seal_blank" and not got.facts.seal:
                    continue  # judged only where a seal was found
                c = counts[category][element]
                if value is None:
                    c[4] += 1
                    expected_gap = args.no_ocr and element in ("doc_number", "number_format_warning") and category in (
                        "scan", "bw-copy")
                    if want is not None and not expected_gap:
                        misses.append(f"{category}/{name}: {element} undetermined ({getattr(got.facts, element + '_reason', None)})")
                    continue
                if want is None:
                    c[1 if value else 3] += 1  # claimed red on a B/W copy: a false positive
                    misses.append(f"{category}/{name}: {element}={value} on a black-and-white copy")
                    continue
                c[(0 if want else 1) if value else (2 if want else 3)] += 1
                if value != want:
                    misses.append(f"{category}/{name}: {element}={value}, expected {want} ({getattr(got.facts, element + '_reason', None)})")
    print(f"{'category':<13}{'element':<22}{'P':>6}{'R':>6}{'TP':>5}{'FP':>5}{'FN':>5}{'TN':>5}{'undet':>7}")
    for category, per in counts.items():
        for element, (tp, fp, fn, tn, und) in per.items():
            p = tp / (tp + fp) if tp + fp else float("nan")
            r = tp / (tp + fn) if tp + fn else float("nan")
            print(f"{category:<13}{element:<22}{p:6.3f}{r:6.3f}{tp:5d}{fp:5d}{fn:5d}{tn:5d}{und:7d}")
    print()
    for category in seconds:
        print(f"{category:<13}{seconds[category] / max(1, pages[category]):.3f} s/page over {pages[category]} pages")
    if misses:
        print("\nmisses:")
        for m in misses:
            print("  " + m)


if __name__ == "__main__":
    main()
