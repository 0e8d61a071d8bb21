"""What the text of an official document says: 发文字号, title and 成文日期. Pure functions, no I/O.

GB/T 9704-2012: the number is `机关代字〔年份〕序号号` with 六角括号, the full year, no leading zeros
and no 第. Other brackets, 第 and leading zeros are common mistakes: accepted as present, flagged.
The number is looked for near the top of page 1 only, on a short line of its own, so that a
document cited in the body (“根据《…》（国办发〔2015〕51号）”) is not taken for this one's number.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass

from credit_check.dates import find_dates

_NUMBER = re.compile(
    r"(?P<code>[\u4e00-\u9fffA-Za-z]{1,15}?)\s*(?P<open>[〔\[［(（【{｛])\s*(?P<year>(?:19|20)\d{2})\s*"
    r"(?P<close>[〕\]］)）】}｝])\s*(?P<di>第?)\s*(?P<seq>\d{1,5})\s*号"
)
TITLE_ENDINGS = ("通知", "方案", "办法", "制度", "规定", "意见", "细则", "决定", "要点", "纪要", "报告", "总结",
                 "通报", "批复", "请示", "记录", "计划", "规则", "标准", "名单", "公告", "公示", "简报", "函",
                 "规划", "实施方案", "工作方案", "报道", "台账", "清单")
ORGAN_LINE = re.compile(r"[\u4e00-\u9fff（）()]{4,40}(局|委员会|人民政府|政府|办公室|办公厅|中心|大队|支队|厅)")
_TOP_LINES = 15  # the number sits between the header and the title, within the first lines of page 1


@dataclass(frozen=True)
class DocNumber:
    text: str  # as written, spaces removed
    canonical: str  # 机关代字〔2024〕19号
    year: int
    line: int  # index among the non-empty lines of page 1
    format_ok: bool
    problems: tuple[str, ...]  # Chinese descriptions of format mistakes


def _lines(text: str) -> list[str]:
    return [ln.strip() for ln in text.splitlines() if ln.strip()]


def find_doc_number(page1: str, *, lenient_brackets: bool = False) -> DocNumber | None:
    """The document's own number near the top of page 1. `lenient_brackets` for OCR text, where
    〔 and [ or ( cannot be told apart reliably."""
    for i, line in enumerate(_lines(page1)[:_TOP_LINES]):
        compact = re.sub(r"\s+", "", line)
        if "《" in compact:
            continue
        m = _NUMBER.search(compact)
        if not m:
            continue
        if compact[m.start() - 1:m.start()] in ("（", "(") and compact[m.end():m.end() + 1] in ("）", ")") \
                and m.start() > 0:
            continue  # a document cited in brackets at the end of a wrapped sentence: “…的批复（某发〔2018〕172号）”
        rest = compact[: m.start()] + compact[m.end():]
        rest = re.sub(r"签发人[:：]?\S*", "", rest)
        if len(rest) > 12 or _sentence(rest):  # part of a sentence, not the number line
            continue
        problems: list[str] = []
        if not lenient_brackets and (m["open"], m["close"]) != ("〔", "〕"):
            problems.append(f"年份应使用六角括号〔〕，而不是 {m['open']}{m['close']}")
        if m["di"]:
            problems.append("序号前不加“第”")
        if len(m["seq"]) > 1 and m["seq"].startswith("0"):
            problems.append("序号不编虚位（如 1 不写作 01、001）")
        canonical = f"{m['code']}〔{m['year']}〕{int(m['seq'])}号"
        # OCR confuses 〔 with [ ( 【: report the brackets as standard rather than as misread.
        text = f"{m['code']}〔{m['year']}〕{m['di']}{m['seq']}号" if lenient_brackets else m.group(0)
        return DocNumber(text=text, canonical=canonical, year=int(m["year"]), line=i,
                         format_ok=not problems, problems=tuple(problems))
    return None


# A number line whose sequence number was never filled in: 苏发改党〔2012〕 号, （2012）苏发改 字第 号.
BLANK_NUMBER = re.compile(
    r"^(?:[\u4e00-\u9fffA-Za-z]{1,15}[〔\[［(（【]\s*(?:19|20)\d{2}\s*[〕\]］)）】]\s*第?"
    r"|[〔\[［(（【]\s*(?:19|20)\d{2}\s*[〕\]］)）】][\u4e00-\u9fffA-Za-z\s]{1,15}第?)\s*号$")


def blank_number(page1: str) -> tuple[int, str] | None:
    """(line index, text) of a 发文字号 line whose sequence number is blank (a template never
    filled in), near the top of page 1."""
    for i, line in enumerate(_lines(page1)[:_TOP_LINES]):
        compact = re.sub(r"[\s\u3000]+", "", line)
        if len(compact) <= 30 and BLANK_NUMBER.match(compact):
            return i, compact
    return None


def _sentence(line: str) -> bool:
    return any(c in line for c in "，。；：:") or line.endswith(("：", ":"))


def find_title(page1: str, *, after_line: int = -1) -> str | None:
    """The title: the 关于…的通知 line(s) after the header and number; else the first short line
    after them that is not a sentence, a salutation, the header or the organ name; else None."""
    lines = _lines(page1)[:30]
    start = after_line + 1
    while start < len(lines) and start <= 1 and (lines[start].endswith("文件") or ORGAN_LINE.fullmatch(lines[start])):
        start += 1  # the red header line (XX局文件, or the organ name of a letter)
    about = [i for i in range(start, min(len(lines), start + 8)) if lines[i].startswith("关于")]
    plain = [i for i in range(start, min(len(lines), start + 4))
             if len(lines[i]) <= 40 and not _sentence(lines[i]) and not find_dates(lines[i])]
    candidates = about or plain
    if not candidates:
        return None
    i = candidates[0]
    title = lines[i]
    j = i + 1
    while j < len(lines) and j <= i + 2 and title.startswith("关于") and not title.endswith(TITLE_ENDINGS):
        nxt = lines[j]
        if len(nxt) > 26 or nxt.endswith(("：", ":")) or find_dates(nxt):
            break
        title += nxt
        j += 1
    return title[:120]


def find_issued_on(pages: Sequence[str]) -> dt.date | None:
    """成文日期: a date on a short line of its own (under the signature), latest page first;
    otherwise the last date of the document."""
    for text in reversed(pages[-3:]):  # the 版记's "…印发" date is the printing date, not the 成文日期
        found = [d for ln in _lines(text) if len(ln) <= 22 and "印发" not in ln for d, _ in find_dates(ln)]
        if found:
            return found[-1]
    every = find_dates("\n".join(pages[-3:]))
    return every[-1][0] if every else None
