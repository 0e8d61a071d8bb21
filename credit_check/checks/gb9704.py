"""gb9704 — an issued document's text against the national layout standard GB/T 9704—2012
《党政机关公文格式》 (D6 warnings: the document is issued, but not in the standard form).

For every issued document (as `doc-elements` decides) whose text could be read:

| check | severity | what it means | how to fix |
|---|---|---|---|
| `date-numerals` | warning | the 成文日期 is written in Chinese numerals (二〇二四年五月十二日); since 2012 the standard asks for Arabic numerals | write it as 2024年5月12日 |
| `page-number-form` | warning | page numbers are written as 第1页, 1/3 or a bare number instead of "— 1 —" | number pages "— 1 —" (a dash either side, under the text block) |
| `blank-page-note` | warning | the text says 此页无正文 — the standard removed this practice | adjust line and character spacing so the seal and date sit with the last lines of text |
| `printed-before-dated` | warning | the 版记 says the document was printed (…印发) before its 成文日期 | check both dates: a document cannot be printed before it is signed |

The document-number year that differs from the 成文日期 year is `doc-elements`' `doc_number_year`.
These are warnings: a reviewer may deduct for an irregular issued document, but none of them
means a missing element. Page numbers are judged only on text PDFs whose pages end with a page
number line (DOCX page numbers live in footers the reader does not see).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING

from credit_check.dates import find_dates
from credit_check.facttypes import DocumentFacts
from credit_check.model import EvidenceFile, Finding, Severity, finding

if TYPE_CHECKING:
    from credit_check.checks import CheckContext

ID = "gb9704"
RULE = "D6"

_CN_DATE = re.compile(r"[〇○零Ｏ0O一二三四五六七八九]{4}\s*年\s*[一二三四五六七八九十]{1,3}\s*月\s*[一二三四五六七八九十]{1,3}\s*日")
_PAGE_LINE = re.compile(r"^\s*(?:第\s*(\d+)\s*页(?:\s*[，,]?\s*共\s*\d+\s*页)?|(\d+)\s*/\s*\d+|(\d+)|[—－–-]+\s*(\d+)\s*[—－–-]+)\s*$")
_PRINTED = re.compile(r"印\s*发")


def _last_lines(page: str, n: int = 3) -> list[str]:
    return [ln for ln in page.splitlines() if ln.strip()][-n:]


def _page_numbers(pages: Sequence[str]) -> tuple[int, int]:
    """(pages ending with a page-number line in standard form, pages ending with another form)."""
    good = bad = 0
    for i, page in enumerate(pages, start=1):
        for line in reversed(_last_lines(page)):
            m = _PAGE_LINE.match(line)
            if not m:
                continue
            number = next(g for g in m.groups() if g is not None)
            if int(number) != i:
                continue
            if m.group(4) is not None:
                good += 1
            else:
                bad += 1
            break
    return good, bad


def _signature_block(pages: Sequence[str]) -> list[str]:
    """Short lines of the last pages that are not the 版记's printing line."""
    return [ln.strip() for page in pages[-2:] for ln in page.splitlines()
            if ln.strip() and len(ln.strip()) <= 22 and not _PRINTED.search(ln)]


def _one(f: EvidenceFile, facts: DocumentFacts) -> Iterator[Finding]:
    pages = f.pages
    for line in _signature_block(pages):
        if m := _CN_DATE.search(line):
            yield finding(RULE, "date-numerals", Severity.WARNING, f, (
                f"成文日期“{m.group(0)}”使用汉字数字；GB/T 9704—2012 规定用阿拉伯数字标全年、月、日",
                "成文日期改用阿拉伯数字（如 2024年5月12日）"), (
                "the document date is written in Chinese numerals; GB/T 9704-2012 asks for Arabic numerals",
                "write the date in Arabic numerals (e.g. 2024年5月12日)"), page=len(pages))
            break
    if not facts.scanned and len(pages) >= 2 and f.path.lower().endswith(".pdf"):
        good, bad = _page_numbers(pages)
        if bad >= 2 and bad > good:
            yield finding(RULE, "page-number-form", Severity.WARNING, f, (
                f"页码未按“— 1 —”格式编排（{bad} 页使用“第1页”“1/3”或单独数字等形式）",
                "页码用阿拉伯数字，左右各放一条一字线，如“— 1 —”"), (
                f"page numbers are not in the form '— 1 —' ({bad} pages)",
                "number pages with a dash either side, e.g. '— 1 —'"))
    for i, page in enumerate(pages, start=1):
        if re.search(r"此\s*页\s*无\s*正\s*文", page):
            yield finding(RULE, "blank-page-note", Severity.WARNING, f, (
                "文中使用“此页无正文”，GB/T 9704—2012 已不采用这种做法",
                "调整行距、字距，使印章、成文日期与正文同处一页"), (
                "the text says 此页无正文, a practice GB/T 9704-2012 dropped",
                "adjust spacing so the seal and date sit on the page with the last lines of text"), page=i)
            break
    issued_on = facts.issued_on
    if issued_on is not None:
        for i, page in enumerate(pages[-2:], start=max(1, len(pages) - 1)):
            for line in page.splitlines():
                if not _PRINTED.search(line):
                    continue
                printed = [d for d, _ in find_dates(line)]
                if printed and printed[-1] < issued_on:
                    yield finding(RULE, "printed-before-dated", Severity.WARNING, f, (
                        f"版记印发日期 {printed[-1]} 早于成文日期 {issued_on}",
                        "核对印发日期和成文日期：公文不能在成文之前印发"), (
                        f"printed on {printed[-1]}, before the document date {issued_on}",
                        "check both dates: a document cannot be printed before it is dated"), page=i)
                    return


def check(files: Sequence[EvidenceFile], ctx: CheckContext) -> Iterator[Finding]:
    for f in files:
        facts = f.facts
        if isinstance(facts, DocumentFacts) and facts.issued is True and not f.error and f.pages:
            yield from _one(f, facts)
