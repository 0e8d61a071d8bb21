"""doc-elements — issued documents must bear 红头、文号、公章 (deduction item 6, D6).

What it finds
  For every file the pipeline marked as an issued document (`issued` fact; the rule is in
  `credit_check/facts/issued.py`, and the catalogue can override it per task or per path):

  - `red_header` (error): no red 发文机关标志 (organ name, usually ending 文件) at the top of page 1;
  - `doc_number` (error): no 发文字号 (e.g. 莱芜区交字〔2024〕19号) under the header;
  - `seal` (error): no red official seal (round with a star, oval or square) on any page examined;
  - `doc_number_format` (warning): brackets other than 〔〕, a 第 before the sequence, leading zeros;
  - `doc_number_year` (warning): the year in the number differs from the 成文日期;
  - `seal_blank` (warning): the seal covers no text (空白印章) — it should be pressed over the
    signature and date.

  When an element could not be determined — a black-and-white copy cannot show red, a scan cannot
  be read without the OCR extra — an info finding `red_header-undetermined`, `doc_number-undetermined`
  or `seal-undetermined` (rule `undetermined`) gives the reason; it is not a deduction.

Why
  Deduction item 6 of the assessment: 出台的各类制度、政策、办法、方案等文件必须具备红头、文号、公章三要素，
  缺一不可. A reviewer deducts for each issued document that lacks any of them.

How to fix
  Submit the officially issued version: the red-header file with its number, sealed over the date
  (a scan of the signed paper copy in colour, or the sealed PDF). Documents that are not issued
  documents (minutes, reports, ledgers) can be marked in the catalogue: `overrides: [{glob: ..., issued: false}]`.

Options
  None; `inspect FILE --annotate OUT.png` shows where each element was found.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING

from credit_check.facttypes import DocumentFacts
from credit_check.model import EvidenceFile, Finding, Severity

if TYPE_CHECKING:
    from credit_check.checks import CheckContext

ID = "doc-elements"

_ELEMENTS: dict[str, tuple[str, str, str, str]] = {
    # key: (Chinese name, English name, fix, fix_en)
    "red_header": ("红头（红色发文机关标志）", "red header (organ name in red)",
                   "提交带红色版头的正式印发文件（彩色扫描件或正式 PDF）", "submit the issued version with its red header"),
    "doc_number": ("发文字号", "document number",
                   "提交带发文字号的正式印发文件（如 某某字〔2024〕1号）", "submit the issued version bearing its document number"),
    "seal": ("公章", "official seal",
             "提交加盖公章的正式文件（彩色扫描件或电子签章 PDF），公章应压盖成文日期",
             "submit the sealed version (colour scan or e-sealed PDF), seal over the date"),
}


def _state(facts: DocumentFacts, key: str) -> tuple[bool | None, str]:
    if key == "doc_number":
        if facts.doc_number_status is None:
            return None, "未检查该文件的发文字号"
        if facts.doc_number_status == "undetermined":
            return None, facts.doc_number_reason or ""
        return bool(facts.doc_number), facts.doc_number_reason or ""
    if key == "red_header":
        return facts.red_header, facts.red_header_reason or ("未检查该文件的版头" if facts.red_header is None else "")
    return facts.seal, facts.seal_reason or ("未检查该文件的印章" if facts.seal is None else "")


def _page(facts: DocumentFacts, key: str) -> int | None:
    page = {"red_header": facts.red_header_page, "seal": facts.seal_page}.get(key)
    if page is not None:
        return page
    if key == "seal":
        return facts.pages if facts.pages else None
    return 1


def check(files: Sequence[EvidenceFile], ctx: CheckContext) -> Iterator[Finding]:
    for f in files:
        facts = f.facts
        if not isinstance(facts, DocumentFacts) or facts.issued is not True or f.error:
            continue
        for key, (name, name_en, fix, fix_en) in _ELEMENTS.items():
            present, reason = _state(facts, key)
            if present is None:
                yield Finding(rule="undetermined", check=f"{key}-undetermined", severity=Severity.INFO, path=f.path,
                              page=_page(facts, key), task=f.task, message=f"无法确认是否有{name}：{reason}",
                              fix="提供彩色扫描件或可复制文字的 PDF，或安装 OCR 组件后重新检查",
                              message_en=f"could not determine the {name_en}: {reason}",
                              fix_en="provide a colour scan or a text PDF, or install the ocr extra")
            elif present is False:
                yield Finding(rule="D6", check=key, severity=Severity.ERROR, path=f.path, page=_page(facts, key),
                              task=f.task, message=f"出台文件缺少{name}（{reason}）", fix=fix,
                              message_en=f"issued document lacks the {name_en}", fix_en=fix_en)
        yield from _warnings(f, facts)


def _warnings(f: EvidenceFile, facts: DocumentFacts) -> Iterator[Finding]:
    issues = facts.doc_number_issues
    number = facts.doc_number
    canonical = facts.doc_number_canonical or ""
    if "format" in issues:
        yield Finding(rule="D6", check="doc_number_format", severity=Severity.WARNING, path=f.path, page=1,
                      task=f.task, message=f"发文字号“{number}”格式不规范：{facts.doc_number_issue or ''}",
                      fix=f"按 GB/T 9704 写作“{canonical}”（六角括号〔〕，不加“第”，不编虚位）",
                      message_en=f"document number {number!r} is not in the standard form",
                      fix_en=f"write it as {canonical!r} (〔〕 brackets, no 第, no leading zeros)")
    if "year" in issues:
        yield Finding(rule="D6", check="doc_number_year", severity=Severity.WARNING, path=f.path, page=1,
                      task=f.task, message=f"发文字号“{number}”的年份与成文日期 {facts.issued_on} 不一致",
                      fix="核对发文字号年份和成文日期",
                      message_en=f"the year of document number {number!r} differs from the date {facts.issued_on}",
                      fix_en="check the number's year and the document date")
    if facts.seal is True and facts.seal_blank is True:
        yield Finding(rule="D6", check="seal_blank", severity=Severity.WARNING, path=f.path, page=_page(facts, "seal"),
                      task=f.task, message="公章未压盖任何文字（空白印章），应压盖落款和成文日期",
                      fix="重新用印：公章应端正地压盖发文机关署名和成文日期",
                      message_en="the seal covers no text (blank seal); it must cover the signature and date",
                      fix_en="seal again over the signature and date")
