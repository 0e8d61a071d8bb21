"""personal-data — 个人信息泄露（扣分项 2，D2）.

**What it finds.** Resident ID numbers (18 digits with a valid GB 11643 check character and birth
date, and 15-digit legacy numbers), mobile numbers and bank card numbers (Luhn) in the text of
documents, in OCR-read images, in spreadsheet cells and in file names. Masked values
(``370116********1234``, ``138****5678``), unified social credit codes and 18-digit numbers with
a wrong check digit (order or invoice numbers) are not reported.

**Why.** 扣分项 2 deducts points for unlawfully disclosing personal privacy. 公示 lists, 公告 and
pages on the government site must not show full ID numbers, phone numbers or bank cards.

**Severity.** One finding per file, with the count of each kind, where they are (``Sheet1!C5``
cells, pages) and masked examples — the report never shows a full value.
- ``error`` (sub-check ``published``): material meant to be published (path or title says 公示,
  公告, 名单, 网站, 公开, 截图 …) with at least one certain value (an ID with a valid check digit,
  or a value next to a word such as 身份证, 电话, 银行卡);
- ``warning`` (sub-check ``uncertain``): material meant to be published whose values are all
  uncertain (a bare 11-digit number that may be a phone, a 15-digit number without 身份证 near it);
- ``warning`` (sub-check ``internal``): internal material — records may hold personal data, but
  check that they are not published as they are.

**How to fix.** Mask the values before publishing (keep the first 6 and last 4 digits of an ID
number, the first 3 and last 4 of a phone number), or remove the column.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING

from credit_check.model import EvidenceFile, Finding, Severity
from credit_check.pii import KIND_LABELS, KIND_LABELS_EN, Hit, find_personal_data, mask_text

if TYPE_CHECKING:
    from credit_check.checks import CheckContext

ID = "personal-data"
RULE = "D2"

_PUBLISHED = re.compile(r"公示|公告|名单|网站|官网|政府网|公开|截图|上网|发布|通报|曝光|黑名单|红名单")
_MAX_PLACES = 10
_MAX_EXAMPLES = 3


def column_letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def _header_row(rows: tuple[tuple[str, ...], ...]) -> tuple[str, ...]:
    """The first row with two or more filled cells: its cells are the column context."""
    for row in rows[:15]:
        if sum(1 for c in row if c) >= 2:
            return row
    return ()


def _scan(f: EvidenceFile) -> list[tuple[str, Hit]]:
    found: list[tuple[str, Hit]] = [("文件名", hit) for hit in find_personal_data(f.path)]
    for number, page in enumerate(f.pages, start=1):
        found.extend((f"第{number}页", hit) for hit in find_personal_data(page))
    for sheet in f.sheets:
        header = _header_row(sheet.rows)
        for r, row in enumerate(sheet.rows):
            for c, cell in enumerate(row):
                if len(cell) < 11:
                    continue
                context = header[c] if c < len(header) else ""
                found.extend((f"{sheet.name}!{column_letter(c)}{r + 1}", hit)
                             for hit in find_personal_data(cell, context=context))
    return found


def _first_page(f: EvidenceFile) -> int | None:
    return next((n for n, page in enumerate(f.pages, start=1) if find_personal_data(page)), None)


def _published(f: EvidenceFile) -> bool:
    title = next((line.strip() for line in f.text.splitlines()[:5] if line.strip()), "")
    return bool(_PUBLISHED.search(f.path) or _PUBLISHED.search(title[:60]))


def check(files: Sequence[EvidenceFile], ctx: CheckContext) -> Iterator[Finding]:
    for f in files:
        found = _scan(f)
        if not found:
            continue
        counts = Counter(hit.kind for _, hit in found)
        places = list(dict.fromkeys(place for place, _ in found))
        examples = list(dict.fromkeys(hit.masked for _, hit in found))[:_MAX_EXAMPLES]
        published = _published(f)
        certain = any(hit.confident for _, hit in found)
        error = published and certain
        what = "、".join(f"{KIND_LABELS[k]} {n} 处" for k, n in counts.items())
        what_en = ", ".join(f"{n} {KIND_LABELS_EN[k]}" for k, n in counts.items())
        where = "、".join(places[:_MAX_PLACES]) + (f" 等 {len(places)} 处" if len(places) > _MAX_PLACES else "")
        where_en = ", ".join(places[:_MAX_PLACES]) + (f" and {len(places) - _MAX_PLACES} more"
                                                      if len(places) > _MAX_PLACES else "")
        sample = "、".join(examples)
        scope = "拟公开的材料" if published else "材料"
        scope_en = "material meant to be published" if published else "material"
        yield Finding(
            rule=RULE, check="published" if error else "uncertain" if published else "internal",
            severity=Severity.ERROR if error else Severity.WARNING,
            path=f.path, task=f.task,
            page=_first_page(f),
            message=mask_text(f"{scope}中含未脱敏的个人信息：{what}（位置：{where}；示例：{sample}）"),
            fix="公开前对个人信息脱敏（身份证号保留前6位和后4位，手机号保留前3位和后4位），或删除该列/该段",
            message_en=mask_text(f"{scope_en} contains unmasked personal data: {what_en} "
                                 f"(at {where_en}; e.g. {', '.join(examples)})"),
            fix_en="mask personal data before publishing (ID: keep the first 6 and last 4 digits; "
                   "phone: first 3 and last 4), or remove the column or passage",
        )
