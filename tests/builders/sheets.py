"""Builders for spreadsheet evidence and personal-data test values (plain functions)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import random
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from credit_check.model import EvidenceFile, Kind, Sheet

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
_CREDIT_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def resident_id(region: str = "370102", born: dt.date = dt.date(1990, 3, 7), seq: str = "123") -> str:
    """A resident ID number with a correct GB 11643 check character."""
    body = f"{region}{born:%Y%m%d}{seq}"
    total = sum(int(c) * w for c, w in zip(body, _ID_WEIGHTS, strict=True))
    return body + _ID_CHECK[total % 11]


def wrong_check(number: str) -> str:
    """The same 18-character number with a different (wrong) check character."""
    digits = "0123456789"
    return number[:17] + next(c for c in digits if c != number[17])


def luhn_complete(prefix: str) -> str:
    """`prefix` plus the Luhn check digit."""
    for d in "0123456789":
        candidate = prefix + d
        total = 0
        for i, c in enumerate(reversed(candidate)):
            n = int(c)
            if i % 2:
                n = n * 2 - 9 if n > 4 else n * 2
            total += n
        if total % 10 == 0:
            return candidate
    raise AssertionError("unreachable")


def credit_code(body17: str = "91370100MA3C5PXE2") -> str:
    """A unified social credit code with a valid GB 32100 check character."""
    total = sum(_CREDIT_ALPHABET.index(c) * pow(3, i, 31) for i, c in enumerate(body17))
    return body17 + _CREDIT_ALPHABET[(31 - total % 31) % 31]


def random_id(rng: random.Random) -> str:
    region = rng.choice(["370102", "370116", "110105", "440305", "620102", "510107", "650102"])
    born = dt.date(1950, 1, 1) + dt.timedelta(days=rng.randrange(0, 365 * 55))
    return resident_id(region, born, f"{rng.randrange(1000):03d}")


def write_xlsx(path: Path, sheets: dict[str, Sequence[Sequence[Any]]]) -> Path:
    """A real XLSX with one worksheet per entry (values keep their Python types: dates stay dates)."""
    import openpyxl

    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(title=name)
        for row in rows:
            ws.append(list(row))
    wb.save(path)
    return path


def write_csv(path: Path, rows: Sequence[Sequence[Any]], encoding: str = "utf-8", bom: bool = False) -> Path:
    buffer = io.StringIO(newline="")
    csv.writer(buffer).writerows(rows)
    data = buffer.getvalue().encode(encoding)
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + data)
    return path


def write_encrypted_ooxml(path: Path) -> Path:
    """An OLE compound file header whose directory names an `EncryptedPackage` stream — the shape of
    a password-protected XLSX (a stand-in: real encryption needs a tool we do not ship)."""
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504
    directory = "Root Entry".encode("utf-16-le").ljust(128, b"\x00")
    directory += "EncryptedInfo".encode("utf-16-le").ljust(128, b"\x00")
    directory += "EncryptedPackage".encode("utf-16-le").ljust(128, b"\x00")
    path.write_bytes(header + directory + b"\x00" * 1024)
    return path


def sheet_file(path: str, sheets: dict[str, Sequence[Sequence[Any]]], task: str | None = "4.1") -> EvidenceFile:
    """An EvidenceFile with sheets built directly (cells as text), for pure check tests."""
    built = tuple(Sheet(name=name, rows=tuple(tuple("" if v is None else str(v) for v in row) for row in rows))
                  for name, rows in sheets.items())
    return EvidenceFile(path=path, abs_path=Path("/nonexistent") / path, size=1, task=task,
                        kind=Kind.SPREADSHEET, sheets=built)


def doc_file(path: str, pages: Sequence[str], task: str | None = "1.1", kind: Kind = Kind.DOCUMENT,
             sha256: str = "") -> EvidenceFile:
    """An EvidenceFile with page text built directly, for pure check tests."""
    return EvidenceFile(path=path, abs_path=Path("/nonexistent") / path, size=1, task=task, kind=kind,
                        pages=tuple(pages), sha256=sha256)


def check_context(reference: Sequence[EvidenceFile] = (), overrides: Sequence[dict[str, Any]] = (),
                  **settings: Any) -> Any:
    """A CheckContext on the shipped catalogue, with `settings` and path `overrides` replaced."""
    from credit_check.catalogue import load_catalogue
    from credit_check.catalogue.models import PathOverride
    from credit_check.checks import CheckContext
    from credit_check.model import Period

    catalogue = load_catalogue()
    catalogue = catalogue.model_copy(update={
        "settings": catalogue.settings.model_copy(update=settings),
        "overrides": tuple(PathOverride(**o) for o in overrides),
    })
    period = Period(start=catalogue.settings.period_start, end=catalogue.settings.period_end)
    return CheckContext(catalogue=catalogue, period=period, audit_date=dt.date(2025, 3, 1),
                        reference=tuple(reference))


_WORDS = ("信用", "交通", "运输", "企业", "承诺", "监管", "评价", "公示", "培训", "宣传", "活动", "会议", "学习",
          "工作", "制度", "建设", "推进", "落实", "检查", "整改", "服务", "群众", "安全", "生产", "道路", "维修",
          "驾驶", "培训", "执法", "许可", "处罚", "修复", "台账", "记录", "方案", "通知", "总结", "报道", "典型",
          "案例", "机制", "联络", "领导", "小组", "专班", "部署", "要求", "组织", "开展", "加强", "完善", "规范")
_CHARS = "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指几九区强放决西被干做必战先回则任取据处队南给色光门即保治北造百规热领七海口东导器压志世金增争济阶油思术极交受联什认六共权收证改清己美再采转更单风切打白教速花带安场身车例真务具万每目至达走积示议声报斗完类八离华名确才科张信马节话米整空元况今集温传土许步群广石记需段研界拉林律叫且究观越织装影算低持音众书布复容儿须际商非验连断深难近矿千周委素技备半办青省列习响约支般史感劳便团往酸历市克何除消构府称太准精值号率族维划选标写存候毛亲快效斯院查江型眼王按格养易置派层片始却专状育厂京识适属圆包火住调满县局照参红细引听该铁价严龙飞"


def chinese_text(rng: random.Random, n_chars: int) -> str:
    """Readable-looking Chinese filler: words and characters with punctuation, about n_chars long."""
    out: list[str] = []
    size = 0
    while size < n_chars:
        piece = rng.choice(_WORDS) if rng.random() < 0.4 else "".join(rng.choice(_CHARS) for _ in range(rng.randint(1, 3)))
        out.append(piece)
        size += len(piece)
        if rng.random() < 0.08:
            out.append(rng.choice("，。；、"))
        if rng.random() < 0.01:
            out.append("\n")
    return "".join(out)


def edit_text(text: str, fraction: float, rng: random.Random) -> str:
    """`text` with about `fraction` of its characters substituted, deleted or inserted at random."""
    chars = list(text)
    for _ in range(round(len(chars) * fraction)):
        i = rng.randrange(len(chars))
        op = rng.random()
        if op < 0.34:
            chars[i] = rng.choice(_CHARS)
        elif op < 0.67 and len(chars) > 1:
            del chars[i]
        else:
            chars.insert(i, rng.choice(_CHARS))
    return "".join(chars)
