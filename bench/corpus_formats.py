"""Every real file of ../shared/corpus, format by format: how many were read, why the others were
not (by error kind), files per second; and precision/recall of 红头, 文号 and 公章 over all the
labelled real files (labels from SOURCES.md, kept in the tests: Word 97/WPS in
tests/facts/test_msword.py, OFD in tests/facts/test_ofd.py, signed PDFs in tests/facts/test_pdfsig.py).

    python bench/corpus_formats.py [--ocr]

Single process, no cache, OCR off unless asked (the figures are the readers', not the OCR's).
"""

from __future__ import annotations

import argparse
import platform
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from credit_check.facts import ExtractOptions, extract
from credit_check.facttypes import DocumentFacts
from credit_check.model import Extracted

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus"
GROUPS = {  # label: folder under the corpus
    "OFD": "formats/ofd", "Word 97 .doc": "formats/doc", "WPS .wps/.et": "formats/wps", "XLS": "formats/xls",
    "signed PDF": "formats/signed-pdf", "PDF": "pdfs", "photos": "photos", "seals": "seals", "gongwen": "gongwen",
    "other": "other",
}


def labels() -> dict[str, dict[str, bool]]:
    """Relative corpus path → {element: truth} for the labelled real files."""
    from tests.facts.test_msword import LABELS
    from tests.facts.test_ofd import CORPUS_OFD
    from tests.facts.test_pdfsig import CORPUS as SIGNED

    out: dict[str, dict[str, bool]] = {}
    for name, (red, number_slot, seal) in LABELS.items():
        out[f"formats/{name}"] = {"red_header": red, "seal": seal, "doc_number": False}  # no complete number there
        del number_slot
    for name, e in CORPUS_OFD.items():
        out[f"formats/ofd/{name}"] = {"red_header": False, "seal": e.seal, "doc_number": e.doc_number}
    for name, s in SIGNED.items():
        if s.seal is not None:
            out[f"formats/signed-pdf/{name}"] = {"seal": bool(s.seal)}
    return out


def value(facts: DocumentFacts, element: str) -> bool | None:
    if element == "doc_number":
        return None if facts.doc_number_status == "undetermined" else facts.doc_number is not None
    got: bool | None = getattr(facts, element)
    return got


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--ocr", action="store_true", help="let the readers use OCR")
    args = parser.parse_args()
    if not CORPUS.is_dir():
        sys.exit(f"no corpus at {CORPUS}")
    options = ExtractOptions(ocr=args.ocr)
    truth = labels()
    results: dict[str, Extracted] = {}
    print(f"machine: {platform.machine()}, {platform.python_implementation()} {platform.python_version()}, "
          f"OCR {'on' if args.ocr else 'off'}\n")
    print(f"| {'files':<14} | {'n':>3} | {'read':>4} | {'not read (why)':<34} | {'files/s':>7} |")
    print("|---|---|---|---|---|")
    for label, folder in GROUPS.items():
        paths = sorted(p for p in (CORPUS / folder).rglob("*") if p.is_file())
        if not paths:
            continue
        why: Counter[str] = Counter()
        start = time.perf_counter()
        for path in paths:
            got = extract(path, options)
            results[str(path.relative_to(CORPUS))] = got
            if got.error_kind is not None:
                why[got.error_kind.value] += 1
        took = time.perf_counter() - start
        errors = ", ".join(f"{k} {n}" for k, n in why.most_common()) or "—"
        print(f"| {label:<14} | {len(paths):>3} | {len(paths) - sum(why.values()):>4} | {errors:<34} | "
              f"{len(paths) / took:>7.1f} |")
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    misses: list[str] = []
    for rel, want in sorted(truth.items()):
        got = results.get(rel)
        if got is None or not isinstance(got.facts, DocumentFacts):
            misses.append(f"{rel}: not read as a document ({got.error if got else 'missing'})")
            continue
        for element, expected in want.items():
            seen = value(got.facts, element)
            key = ("tp" if seen else "fn") if expected else ("fp" if seen else "tn")
            if seen is None:
                key = "undetermined"
            counts[element][key] += 1
            if key in ("fp", "fn"):
                misses.append(f"{rel}: {element} {key}")
    print("\n| element | labelled | TP | FP | FN | TN | undetermined | precision | recall | right |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for element in ("red_header", "doc_number", "seal"):
        c = counts[element]
        n = sum(c.values())
        p = f"{c['tp'] / (c['tp'] + c['fp']):.2f}" if c["tp"] + c["fp"] else "n/a"
        r = f"{c['tp'] / (c['tp'] + c['fn']):.2f}" if c["tp"] + c["fn"] else "n/a"
        right = f"{(c['tp'] + c['tn']) / n:.2f}" if n else "n/a"
        print(f"| {element} | {n} | {c['tp']} | {c['fp']} | {c['fn']} | {c['tn']} | {c['undetermined']} | "
              f"{p} | {r} | {right} |")
    for line in misses:
        print("  miss:", line)


if __name__ == "__main__":
    main()
