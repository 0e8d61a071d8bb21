"""Benchmark of the Word 97 / WPS reader: precision and recall of 红头, 文号 and 公章 on the real
.doc/.wps files of ../shared/corpus/formats (labels as in tests/facts/test_msword.py, taken from
its SOURCES.md), on documents LibreOffice saves as .doc (when `soffice` is installed), and files
per second.

    python bench/formats.py [--repeat N]

"doc_number" is counted two ways: `slot` = the reader saw the 发文字号 line, complete or with its
sequence number left blank (the corpus templates), `complete` = a full number (e.g.
莱芜区交字〔2024〕19号) was found. A blank-sequence line is reported as missing with a reason.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from credit_check.facts import ExtractOptions, extract
from credit_check.facttypes import DocumentFacts
from tests.builders.documents import Gongwen, build_docx
from tests.facts.test_msword import LABELS

ROOT = Path(__file__).resolve().parents[1]
FORMATS = ROOT.parent / "shared" / "corpus" / "formats"
OPTS = ExtractOptions(ocr=False)
GENERATED: dict[str, tuple[Gongwen, bool, bool, bool]] = {  # document, red header, complete number, seal
    "std": (Gongwen(), True, True, True),
    "inline": (Gongwen(pages=2, seal_shape="square"), True, True, True),
    "oval": (Gongwen(seal_shape="oval"), True, True, True),
    "blank_seal": (Gongwen(seal_over_text=False), True, True, True),
    "header_picture": (Gongwen(header_as_image=True), True, True, True),
    "band": (Gongwen(layout="band", seal=None), True, True, False),
    "letter": (Gongwen(layout="letter", number=None), True, False, True),
    "news": (Gongwen(layout="news", seal=None, number=None), False, False, False),
    "banner": (Gongwen(layout="banner", number=None, seal=None), False, False, False),
    "red_body": (Gongwen(red_body=True, header=False, seal=None), False, True, False),
    "black_header": (Gongwen(black_header=True, seal=None), False, True, False),
    "plain": (Gongwen(header=False, number=None, seal=None), False, False, False),
    "pie_chart": (Gongwen(layout="chart", chart="pie", header=False, number=None, seal=None), False, False, False),
}


def _slot(f: DocumentFacts) -> bool:
    return bool(f.doc_number) or "没有序号" in (f.doc_number_reason or "")


def _score(rows: list[tuple[bool, bool | None]]) -> str:
    tp = sum(1 for truth, got in rows if truth and got)
    fp = sum(1 for truth, got in rows if not truth and got)
    fn = sum(1 for truth, got in rows if truth and not got)
    unknown = sum(1 for _, got in rows if got is None)
    p = f"{tp / (tp + fp):.2f}" if tp + fp else "n/a"
    r = f"{tp / (tp + fn):.2f}" if tp + fn else "n/a"
    return f"| {tp + fn} | {len(rows) - tp - fn} | {p} | {r} | {fp} | {fn} | {unknown} |"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=5, help="times each corpus file is read for files/s")
    args = parser.parse_args()
    print("| set | element | positives | negatives | precision | recall | FP | FN | undetermined |")
    print("|---|---|---|---|---|---|---|---|---|")
    if FORMATS.is_dir():
        facts = {name: extract(FORMATS / name, OPTS).facts for name in LABELS if (FORMATS / name).exists()}
        for element in ("red_header", "doc_number (slot)", "doc_number (complete)", "seal"):
            rows = []
            for name, f in facts.items():
                assert isinstance(f, DocumentFacts)
                got: bool | None
                if element == "red_header":
                    truth, got = LABELS[name][0], f.red_header
                elif element == "doc_number (slot)":
                    truth, got = LABELS[name][1], _slot(f)
                elif element == "doc_number (complete)":
                    truth, got = False, bool(f.doc_number)
                else:
                    truth, got = LABELS[name][2], f.seal
                rows.append((truth, got))
            print(f"| corpus ({len(facts)} files) | {element} " + _score(rows))
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice:
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp)
            for name, (doc, *_truth) in GENERATED.items():
                build_docx(folder / f"{name}.docx", doc, floating_seal=name != "inline")
            subprocess.run([soffice, "--headless", "--convert-to", "doc", "--outdir", tmp,
                            *(str(folder / f"{n}.docx") for n in GENERATED)], check=True, capture_output=True)
            got_facts = {name: extract(folder / f"{name}.doc", OPTS).facts for name in GENERATED}
            for i, element in enumerate(("red_header", "doc_number (complete)", "seal")):
                rows = []
                for name, f in got_facts.items():
                    assert isinstance(f, DocumentFacts)
                    value = (f.red_header, bool(f.doc_number), f.seal)[i]
                    rows.append((GENERATED[name][1 + i], value))
                print(f"| LibreOffice .doc ({len(got_facts)} files) | {element} " + _score(rows))
    else:
        print("(LibreOffice not installed: the generated .doc set was skipped)")
    if FORMATS.is_dir():
        files = sorted(p for d in ("doc", "wps") for p in (FORMATS / d).glob("*") if p.suffix in (".doc", ".wps"))
        for label, chosen in (("all .doc/.wps", files), ("without the 2.9 MB manual", [p for p in files if "law" not in p.name])):
            start = time.perf_counter()
            for _ in range(args.repeat):
                for path in chosen:
                    extract(path, OPTS)
            took = time.perf_counter() - start
            print(f"{label}: {len(chosen) * args.repeat / took:.1f} files/s "
                  f"({len(chosen)} files × {args.repeat}, {took:.2f} s)")


if __name__ == "__main__":
    main()
