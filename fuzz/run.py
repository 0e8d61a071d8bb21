"""The long fuzz run: the properties of tests/hostile/test_hygiene.py with many more examples, plus
mutated real files through every reader in an isolated worker (the audit's own runner, with its
time and memory budgets). Not part of CI (which runs the short version); run it before a release:

    .venv/bin/python fuzz/run.py                 # ~10 minutes
    .venv/bin/python fuzz/run.py --examples 200  # quicker

A failing property prints hypothesis' minimal example; a reader that crashes its worker, passes a
budget or returns something that does not serialise is printed with the mutated file kept under
fuzz/found/ (not committed), to turn into a regression test.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from credit_check.discover import Discovered  # noqa: E402
from credit_check.facts import ExtractOptions  # noqa: E402
from credit_check.facts.runner import extract_all  # noqa: E402
from tests.hostile import corpus  # noqa: E402

PROPERTIES = ["test_fuzz_pii_never_raises_and_masks_whole_values", "test_fuzz_pseudonymise_preserves_detection",
              "test_fuzz_dates_and_numbers", "test_fuzz_text_cleaning", "test_fuzz_names_from_any_bytes"]


def run_properties() -> int:
    from tests.hostile import test_hygiene as props  # reads CREDIT_CHECK_FUZZ_EXAMPLES

    failed = 0
    examples = props.FUZZ.max_examples
    for name in PROPERTIES:
        test = getattr(props, name)
        start = time.monotonic()
        try:
            test()
        except Exception as exc:  # hypothesis raised the minimal failing example
            failed += 1
            print(f"FAIL {name}: {type(exc).__name__}: {exc}")
        else:
            print(f"ok   {name}: {examples} examples, {time.monotonic() - start:.1f} s")
    return failed


def _seeds(folder: Path) -> list[Path]:
    """Valid files of every format the readers take, to mutate."""
    from openpyxl import Workbook
    from PIL import Image

    out = [corpus.text_pdf(folder / "seed.pdf", ["Notice 2024-05-06", "Phone 13812345678"]),
           corpus.pii_text(folder / "seed.txt"), corpus.pii_sheet(folder / "seed.xlsx"),
           corpus.docx_with(folder / "seed.docx", b'<?xml version="1.0"?><w:document xmlns:w="'
                            b'http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r>'
                            b"<w:t>Notice</w:t></w:r></w:p></w:body></w:document>")]
    Image.new("RGB", (320, 240), (120, 30, 30)).save(folder / "seed.jpg")
    Image.new("RGB", (320, 240), (30, 30, 120)).save(folder / "seed.png")
    (folder / "seed.csv").write_text("决定日期,公示日期,文书号\n2024-05-06,2024-05-08,1\n", encoding="utf-8")
    wb = Workbook()
    wb.active.append(["a", 1])
    wb.save(folder / "seed2.xlsx")
    return [*out, folder / "seed.jpg", folder / "seed.png", folder / "seed.csv", folder / "seed2.xlsx"]


def _mutate(data: bytes, rng: random.Random) -> bytes:
    buf = bytearray(data)
    for _ in range(rng.randint(1, 12)):
        op = rng.random()
        pos = rng.randrange(max(1, len(buf)))
        if op < 0.4 and buf:
            buf[pos] = rng.randrange(256)
        elif op < 0.6:
            buf[pos:pos] = bytes(rng.randrange(256) for _ in range(rng.randint(1, 16)))
        elif op < 0.8 and buf:
            del buf[pos:pos + rng.randint(1, 64)]
        else:
            buf = buf[:pos]
    return bytes(buf)


def run_readers(rounds: int, seed: int) -> int:
    rng = random.Random(seed)
    bad = 0
    found = ROOT / "fuzz" / "found"
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        seeds = _seeds(folder)
        for r in range(rounds):
            batch = []
            for i, source in enumerate(seeds):
                path = folder / f"m{r}-{i}{source.suffix}"
                path.write_bytes(_mutate(source.read_bytes(), rng))
                batch.append(path)
            items = [Discovered(path=p.name, abs_path=p, size=p.stat().st_size, task=None) for p in batch]
            results = extract_all(items, ExtractOptions(ocr=False, timeout=20, max_memory_mb=1024), None, jobs=2)
            for path, (_, result) in zip(batch, results, strict=True):
                result.model_dump_json()
                kind = result.error_kind.value if result.error_kind else None
                if kind in ("crashed", "timeout", "too-large"):
                    bad += 1
                    found.mkdir(exist_ok=True)
                    shutil.copy(path, found / path.name)
                    print(f"{kind}: {path.name} (kept in fuzz/found/)")
                path.unlink()
            print(f"round {r + 1}/{rounds}: {len(batch)} mutated files read", flush=True)
    return bad


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--examples", type=int, default=5000)
    parser.add_argument("--rounds", type=int, default=40)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    os.environ["CREDIT_CHECK_FUZZ_EXAMPLES"] = str(args.examples)
    failed = run_properties() + run_readers(args.rounds, args.seed)
    print("no failures" if not failed else f"{failed} failures")
    raise SystemExit(1 if failed else 0)


if __name__ == "__main__":
    main()
