"""A synthetic county evidence tree of any size, for the scale benchmark (bench/run.py).

    python bench/tree.py DIR [--files 10000] [--seed 1]

Shaped like the snapshots counties submit: every task and bonus folder of the catalogue holds
dated activity folders (`2024-05-12 宣传活动`) with photos, a notice and a summary; some tasks
hold monthly ledgers (XLSX) and screenshots (PNG). Of the files about 72 % are phone photos (JPEG
with EXIF, a third of them with a watermark stamp), 14 % PDF (a fifth of them 公文 with red
header and seal), 6 % DOCX, 5 % XLSX and 3 % PNG. Every document says something of its own and
every photo shows its own scene, except a few planted copies (a reused photo, a copied record),
so the audit's findings look like a real tree's, not like thousands of copies.

Photos are 1600×1200 (a real phone's 12 MP photo costs more to decode; `bench/run.py` times those
separately), so a 10,000-file tree is about 1 GB and takes a few minutes on two cores to build.
Built once per (files, seed) and reused: `DIR.complete` (next to the tree, not in it) marks a
finished tree. `change(root,
fraction)` rewrites a deterministic share of the files with new content (the "1 % changed"
night) and `restore` puts the originals back.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import multiprocessing
import random
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

PHOTO_SIZE = (1600, 1200)
SHARES = (("photo", 0.72), ("pdf", 0.14), ("docx", 0.06), ("xlsx", 0.05), ("png", 0.03))
ACTIVITIES = ("宣传活动", "培训会", "专题会议", "进企业宣传", "座谈会", "现场检查", "集中学习", "推进会")
MARKER = ".complete"  # suffix of the marker file next to the tree


@dataclass(frozen=True)
class Item:
    """One file to write: its path under the root, its kind, the seed of its content."""

    path: str
    kind: str
    seed: int
    day: str  # ISO date the file evidences
    copy_of: str | None = None  # a planted copy (reuse / copied text) of this file
    copy_seed: int = 0  # the seed that file was written with


def plan(files: int, seed: int = 1) -> list[Item]:
    """The tree's files, deterministic for (files, seed)."""
    from credit_check.catalogue import load_catalogue

    catalogue = load_catalogue()
    folders = [f"{t.id} {t.title}" for t in catalogue.tasks] + [f"{b.id} {b.title}" for b in catalogue.bonus]
    rng = random.Random(seed)
    kinds = [k for k, share in SHARES for _ in range(round(share * 100))]
    items: list[Item] = []
    n = 0
    while len(items) < files:
        folder = folders[n % len(folders)]
        day = dt.date(2024, 1, 1) + dt.timedelta(days=rng.randrange(366))
        activity = f"{folder}/{day.isoformat()} {rng.choice(ACTIVITIES)}{n}"
        for _ in range(rng.randint(6, 24)):
            if len(items) >= files:
                break
            kind = rng.choice(kinds)
            k = len(items)
            name = {"photo": f"IMG_{day:%Y%m%d}_{k:06d}.jpg", "pdf": f"关于{rng.choice(ACTIVITIES)}的通知{k}.pdf",
                    "docx": f"活动总结{k}.docx", "xlsx": f"{day:%Y年%m月}工作台账{k}.xlsx",
                    "png": f"网站公开截图{k}.png"}[kind]
            items.append(Item(path=f"{activity}/{name}", kind=kind, seed=seed * 1_000_003 + k, day=day.isoformat()))
        n += 1
    # A few planted copies: a photo filed under another activity, a record copied into another task.
    photos = [i for i, it in enumerate(items) if it.kind == "photo"]
    docs = [i for i, it in enumerate(items) if it.kind == "docx"]
    for pool, every in ((photos, 400), (docs, 150)):
        for j in range(0, len(pool) - every, every):
            src, dst = items[pool[j]], items[pool[j + every // 2]]
            items[pool[j + every // 2]] = Item(path=dst.path, kind=dst.kind, seed=dst.seed, day=dst.day, copy_of=src.path,
                                        copy_seed=src.seed)
    return items


# ------------------------------------------------------------------------------------ writers
def _photo(path: Path, seed: int, day: dt.date, stamped: bool) -> None:
    import numpy as np
    from PIL import Image, ImageDraw

    from tests.builders.photos import POSITIONS, STYLES, Stamp, draw_stamp, exif_bytes, save_jpeg

    rng = np.random.default_rng(seed)
    low = rng.uniform(20, 235, (12, 16, 3))
    img = Image.fromarray(low.astype(np.uint8)).resize(PHOTO_SIZE, Image.Resampling.BICUBIC)
    draw = ImageDraw.Draw(img)
    for _ in range(int(rng.integers(3, 8))):
        x, y, r = (int(v) for v in rng.integers(0, PHOTO_SIZE[0], 3))
        draw.ellipse((x - r // 8, y % PHOTO_SIZE[1] - r // 8, x + r // 8, y % PHOTO_SIZE[1] + r // 6),
                     fill=tuple(int(c) for c in rng.integers(0, 255, 3)))
    when = dt.datetime.combine(day, dt.time(8 + seed % 10, seed % 60))
    if stamped:
        draw_stamp(img, Stamp(when=when, style=STYLES[seed % len(STYLES)], position=POSITIONS[seed % len(POSITIONS)]))
    save_jpeg(img, path, exif=exif_bytes(taken=when), quality=85)


def _pdf(path: Path, seed: int, day: dt.date, gongwen: bool) -> None:
    from tests.builders.documents import Gongwen, build_pdf
    from tests.builders.sheets import chinese_text

    rng = random.Random(seed)
    body = tuple(chinese_text(rng, rng.randint(150, 400)) for _ in range(rng.randint(2, 5)))
    date = f"{day.year}年{day.month}月{day.day}日"
    if gongwen:
        build_pdf(path, Gongwen(body=body, date=date, number=f"莱交字〔{day.year}〕{seed % 97 + 1}号",
                                title=f"关于开展{path.stem[:12]}的通知"))
    else:
        build_pdf(path, Gongwen(body=body, date=date, header=False, number=None, seal=None, layout="plain",
                                title=path.stem[:20]))


def _docx(path: Path, seed: int, day: dt.date, copy_text_of: int | None) -> None:
    from tests.builders.documents import Gongwen, build_docx
    from tests.builders.sheets import chinese_text

    rng = random.Random(copy_text_of if copy_text_of is not None else seed)
    body = tuple(chinese_text(rng, rng.randint(150, 400)) for _ in range(rng.randint(2, 4)))
    build_docx(path, Gongwen(body=body, date=f"{day.year}年{day.month}月{day.day}日", header=False, number=None,
                             seal=None, layout="plain", title=f"{path.stem[:12]}"), floating_seal=False)


def _xlsx(path: Path, seed: int, day: dt.date) -> None:
    from tests.builders.sheets import chinese_text, write_xlsx

    rng = random.Random(seed)
    rows: list[list[object]] = [["序号", "日期", "事项", "责任单位", "完成情况"]]
    for r in range(rng.randint(10, 40)):
        rows.append([r + 1, (day + dt.timedelta(days=r)).isoformat(), chinese_text(rng, 16), "法规科", "已完成"])
    write_xlsx(path, {"台账": rows})


def _png(path: Path, seed: int) -> None:
    import numpy as np
    from PIL import Image

    rng = np.random.default_rng(seed)
    img = Image.fromarray(rng.integers(200, 255, (9, 16, 3)).astype(np.uint8)).resize((1280, 720))
    img.save(path, "PNG")


def write_item(root: Path, item: Item, variant: int = 0) -> None:
    """Write one file (`variant` > 0: different content of the same kind, for a changed night)."""
    path = root / item.path
    path.parent.mkdir(parents=True, exist_ok=True)
    seed = item.seed + variant * 7919
    day = dt.date.fromisoformat(item.day)
    if item.copy_of is not None and variant == 0 and item.kind == "photo":
        shutil.copyfile(root / item.copy_of, path)  # originals are written first
        return
    if item.kind == "photo":
        _photo(path, seed, day, stamped=seed % 3 == 0)
    elif item.kind == "pdf":
        _pdf(path, seed, day, gongwen=seed % 5 == 0)
    elif item.kind == "docx":
        _docx(path, seed, day, item.copy_seed if item.copy_of and variant == 0 else None)
    elif item.kind == "xlsx":
        _xlsx(path, seed, day)
    else:
        _png(path, seed)


def _write_chunk(args: tuple[str, list[Item]]) -> int:
    root, chunk = args
    for item in chunk:
        write_item(Path(root), item)
    return len(chunk)


def build(root: Path, files: int, seed: int = 1, processes: int = 0) -> list[Item]:
    """Write the tree under `root` unless a finished one is there already; return its plan."""
    items = plan(files, seed)
    marker = root.with_name(root.name + MARKER)
    stray = root / MARKER  # where older versions of this script put it: inside the tree, an unfiled file
    if stray.is_file():
        stray.replace(marker)
    if marker.is_file() and json.loads(marker.read_text()) == {"files": files, "seed": seed}:
        return items
    if root.exists():
        shutil.rmtree(root)
    root.mkdir(parents=True)
    originals = [it for it in items if it.copy_of is None]
    copies = [it for it in items if it.copy_of is not None]
    chunks = [originals[i:i + 50] for i in range(0, len(originals), 50)]
    with multiprocessing.get_context("forkserver").Pool(processes or None) as pool:
        done = 0
        for n in pool.imap_unordered(_write_chunk, [(str(root), c) for c in chunks]):
            done += n
            print(f"\r  building {root.name}: {done}/{len(items)} files", end="", file=sys.stderr, flush=True)
    print(file=sys.stderr)
    for it in copies:
        write_item(root, it)
    marker.write_text(json.dumps({"files": files, "seed": seed}))
    return items


def changed_items(items: list[Item], fraction: float) -> list[Item]:
    """The deterministic share of the files a "changed night" rewrites (no planted copies)."""
    plain = [it for it in items if it.copy_of is None]
    step = max(1, round(1 / fraction)) if fraction > 0 else len(plain) + 1
    return plain[::step]


def change(root: Path, items: list[Item], fraction: float, backup: Path) -> list[Item]:
    """Rewrite `fraction` of the files with new content, keeping the originals in `backup`."""
    chosen = changed_items(items, fraction)
    for it in chosen:
        dst = backup / it.path
        dst.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(root / it.path, dst)
        write_item(root, it, variant=1)
    return chosen


def restore(root: Path, chosen: list[Item], backup: Path) -> None:
    for it in chosen:
        shutil.copy2(backup / it.path, root / it.path)
    shutil.rmtree(backup, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("root", type=Path)
    parser.add_argument("--files", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    items = build(args.root, args.files, args.seed)
    kinds: dict[str, int] = {}
    for it in items:
        kinds[it.kind] = kinds.get(it.kind, 0) + 1
    print(f"{args.root}: {len(items)} files {kinds}")


if __name__ == "__main__":
    main()
