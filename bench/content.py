"""Content checks benchmark: D2 personal data, D1 near-duplicates, D4 双公示 rows, D1 speed.

Run: python bench/content.py [--docs 5000]
Prints precision/recall and timings; all data is generated here with fixed seeds.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
import time
from pathlib import Path

import chinese_calendar

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from credit_check.checks import copying, personal_data, publication
from credit_check.fonts import load_font
from credit_check.model import Severity
from credit_check.pii import BANK_CARD, MOBILE, RESIDENT_ID, find_personal_data
from tests.builders.sheets import (
    check_context,
    chinese_text,
    credit_code,
    doc_file,
    edit_text,
    luhn_complete,
    random_id,
    sheet_file,
    wrong_check,
)


def bench_pii(n: int = 3000) -> None:
    rng = random.Random(11)
    positives: list[tuple[str, str]] = []
    for _ in range(n):
        positives.append((RESIDENT_ID, random_id(rng)))
    for _ in range(n // 3):
        positives.append((MOBILE, f"1{rng.choice('3456789')}{rng.randrange(10**9):09d}"))
        length = rng.choice((16, 19))  # UnionPay credit / debit card lengths
        positives.append((BANK_CARD, luhn_complete("62" + "".join(rng.choice("0123456789") for _ in range(length - 3)))))
    negatives: list[str] = []
    for _ in range(n):
        number = random_id(rng)
        negatives += [number[:6] + "********" + number[-4:], wrong_check(number),
                      f"1{rng.choice('3456789')}{rng.randrange(100):02d}****{rng.randrange(10**4):04d}"]
        body = f"9137{rng.randrange(10**4):04d}MA{''.join(rng.choice('0123456789ABCDEFGHJKLMNPQRTUWXY') for _ in range(7))}"
        negatives.append(credit_code(body))
        negatives.append(f"{rng.randrange(10**17, 10**18)}")  # order numbers: random 18 digits
    tp = fn = 0
    per_kind: dict[str, list[int]] = {}
    for kind, value in positives:
        context = {RESIDENT_ID: "身份证号：", MOBILE: "联系电话：", BANK_CARD: "银行卡号："}[kind]
        prefix = context if rng.random() < 0.5 else "，"
        hits = find_personal_data(f"张三{prefix}{value}。")
        ok = any(h.kind == kind for h in hits)
        tp += ok
        fn += not ok
        per_kind.setdefault(kind, [0, 0])[0 if ok else 1] += 1
    fp = 0
    fp_by: dict[str, int] = {}
    for value in negatives:
        hits = find_personal_data(f"编号：{value}。")
        if hits:
            fp += 1
            fp_by[hits[0].kind] = fp_by.get(hits[0].kind, 0) + 1
    print("D2 personal data")
    for kind, (found, missed) in per_kind.items():
        print(f"  recall {kind:12s} {found / (found + missed):.4f}  ({found}/{found + missed})")
    print(f"  precision {tp / max(1, tp + fp):.4f}; hits on {len(negatives)} negatives: {fp} {fp_by}")
    # Negatives in published material must never give a D2 error.
    files = [doc_file(f"公示/{i}.pdf", [f"编号 {v}"]) for i, v in enumerate(negatives)]
    errors = sum(1 for f in personal_data.check(files, check_context()) if f.severity is Severity.ERROR)
    print(f"  D2 errors on published negatives: {errors} of {len(files)} files")


def _list_lines(rng: random.Random, n: int) -> tuple[list[str], list[str]]:
    """Lines of a published list: n valid IDs and mobiles, plus masked, credit-code and bad-check negatives."""
    ids = [random_id(rng) for _ in range(n)]
    lines = []
    for i, number in enumerate(ids):
        lines.append(f"{i + 1} 张{i} 身份证号 {number} 电话 1{rng.choice('3456789')}{rng.randrange(10**9):09d}")
        lines.append(f"  脱敏 {number[:6]}********{number[-4:]} 代码 {credit_code()} 订单 {wrong_check(random_id(rng))}")
    return lines, ids


def bench_pii_files() -> None:
    import tempfile

    import docx
    from PIL import Image, ImageDraw
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    from credit_check.facts import ExtractOptions, extract
    from tests.builders.sheets import write_xlsx

    rng = random.Random(21)
    tmp = Path(tempfile.mkdtemp())
    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    print("D2 through the extractors (IDs found / planted; hits on negatives)")
    for fmt in ("pdf", "docx", "xlsx", "png"):
        lines, ids = _list_lines(rng, 12)
        path = tmp / f"公示.{fmt}"
        if fmt == "pdf":
            c = canvas.Canvas(str(path))
            c.setFont("STSong-Light", 10)
            for i, line in enumerate(lines):
                c.drawString(30, 800 - 16 * i, line)
            c.save()
        elif fmt == "docx":
            document = docx.Document()
            for line in lines:
                document.add_paragraph(line)
            document.save(str(path))
        elif fmt == "xlsx":
            write_xlsx(path, {"名单": [["信息"], *[[line] for line in lines]]})
        else:
            font = load_font(30)  # any installed CJK font (credit_check.fonts)
            img = Image.new("RGB", (1700, 50 * len(lines) + 60), "white")
            draw = ImageDraw.Draw(img)
            for i, line in enumerate(lines):
                draw.text((30, 30 + 50 * i), line, fill="black", font=font)
            img.save(path)
        extracted = extract(path, ExtractOptions())
        text = "\n".join([*extracted.pages, *("\t".join(r) for sh in extracted.sheets for r in sh.rows)])
        hits = [h for h in find_personal_data(text) if h.kind == RESIDENT_ID]
        found = sum(1 for n in ids if n[:6] + "********" + n[-4:] in {h.masked for h in hits})
        print(f"  {fmt:5s}: {found}/{len(ids)} IDs, {len(hits) - found} extra ID hits"
              + ("" if text.strip() else " (no text: OCR not installed?)"))


def bench_near_duplicates(pairs: int = 40) -> None:
    print("D1 near-duplicates (threshold 0.8): detection rate by edit fraction")
    ctx = check_context()
    for fraction in (0.0, 0.005, 0.01, 0.02, 0.03, 0.05, 0.1, 0.2):
        rng = random.Random(int(fraction * 10000))
        files = []
        for i in range(pairs):
            text = chinese_text(rng, 1200)
            files.append(doc_file(f"3.1/{i}/a.docx", [f"2024年3月{i % 28 + 1}日\n{text}"], task="3.1"))
            copy = edit_text(text, fraction, rng)  # the copy is dated three months later
            files.append(doc_file(f"5.3/{i}/b.docx", [f"2024年6月{i % 28 + 1}日\n{copy}"], task="5.3"))
        found = {(f.path or "").split("/")[1] for f in copying.check(files, ctx) if f.check == "copied"}
        print(f"  edits {fraction:5.1%}: {len(found)}/{pairs} pairs flagged")
    rng = random.Random(3)
    model = chinese_text(rng, 1500)
    letters = [doc_file(f"4.1/承诺书/{i}/承诺书.pdf", [f"信用承诺书\n{model}\n承诺单位：{chinese_text(rng, 120)}"],
                        task="4.1") for i in range(200)]
    flagged = list(copying.check(letters, ctx))
    print(f"  template letters (200 signed on one model text): {len(flagged)} flagged (want 0)")


def _hand_count(decided: dt.date, published: dt.date | None, days: int, audit: dt.date) -> str | None:
    """Independent reference: walk the calendar one day at a time with chinese_calendar."""
    if published is None:
        count, day = 0, decided
        while count < days:
            day += dt.timedelta(days=1)
            count += chinese_calendar.is_workday(day)
        return "unpublished" if day < audit else None
    if published < decided:
        return "before-decision"
    count, day = 0, decided
    while count < days:  # the deadline: the days-th working day after the decision
        day += dt.timedelta(days=1)
        count += chinese_calendar.is_workday(day)
    return "late" if published > day else None


def bench_publication(rows: int = 3000) -> None:
    rng = random.Random(5)
    ctx = check_context()
    data = [["决定文书号", "作出决定日期", "公示日期"]]
    expected: dict[int, str | None] = {}
    for i in range(rows):
        decided = dt.date(2024, 1, 1) + dt.timedelta(days=rng.randrange(366))
        r = rng.random()
        published = None if r < 0.05 else decided + dt.timedelta(days=rng.randrange(-2, 20))
        fmt = rng.choice(["{:%Y-%m-%d}", "{:%Y年%-m月%-d日}", "{:%Y.%-m.%-d}", "{:%Y/%-m/%-d}"])
        data.append([f"N{i}", fmt.format(decided), "" if published is None else fmt.format(published)])
        expected[i] = _hand_count(decided, published, 7, ctx.audit_date)
    publication.MAX_ROWS_REPORTED = rows  # every row reported, to compare them all
    got: dict[int, str | None] = dict.fromkeys(range(rows))
    for f in publication.check([sheet_file("台账.xlsx", {"S": data})], ctx):
        got[int(f.message.split("（N")[1].split("）")[0])] = f.check
    agree = sum(expected[i] == got[i] for i in range(rows))
    flagged = sum(1 for v in expected.values() if v)
    print(f"D4 双公示: {agree}/{rows} rows agree with the day-by-day hand count ({flagged} rows should be flagged)")


def bench_speed(n: int) -> None:
    rng = random.Random(9)
    files = []
    planted = 0
    base = [chinese_text(rng, rng.randint(800, 2500)) for _ in range(n)]
    for i, text in enumerate(base):
        if i % 50 == 1:  # every 50th document re-uses the previous one with small edits
            text = edit_text(base[i - 1], 0.01, rng)
            planted += 1
        files.append(doc_file(f"{i % 24}/{i}/doc.docx", [f"{i}\n{text}"], task=f"{i % 7 + 1}.1"))
    start = time.perf_counter()
    findings = list(copying.check(files, check_context()))
    seconds = time.perf_counter() - start
    pairs = [sorted(int(p.split("/")[1]) for p in (f.path or "", f.related[0])) for f in findings]
    right = sum(1 for a, b in pairs if b % 50 == 1 and a == b - 1)
    print(f"D1 speed: {n} documents in {seconds:.1f} s ({seconds / n * 1000:.2f} ms/doc); "
          f"{len(findings)} pairs flagged, {right} of them planted, {planted} planted")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--docs", type=int, default=5000)
    args = parser.parse_args()
    bench_pii()
    bench_pii_files()
    bench_near_duplicates()
    bench_publication()
    bench_speed(args.docs)


if __name__ == "__main__":
    main()
