"""Which kinds of material a file is (issued document, meeting record, photo, ledger, proof of
publication …), from its kind, its facts, its title and its name inside the task folder.

The rule, in order: every file is `any`; photos are `photo`; screenshots and scans are `image`;
documents are `document`, and `issued` when the issued-document rule said so; saved web pages,
`.url` files and screenshots or printouts naming a website or publication are `publication`;
spreadsheets are `spreadsheet` and `ledger`; then title and name keywords add meeting, notice,
summary, report, list and ledger (see `_KEYWORDS`).

Whether a document is an issued document (出台文件, checked for D6) is catalogue logic too:
`decide_issued` below.
"""

from __future__ import annotations

import fnmatch
import re
from pathlib import PurePosixPath

from credit_check.catalogue.models import Bonus, Catalogue, Material, Task
from credit_check.facttypes import DocumentFacts
from credit_check.model import EvidenceFile, Kind

_KEYWORDS: dict[Material, tuple[str, ...]] = {
    Material.MEETING: ("会议", "纪要", "会议记录", "专题学习", "学习记录", "研究部署", "座谈", "会商", "调度会", "议题"),
    Material.NOTICE: ("通知",),
    Material.SUMMARY: ("总结", "小结", "工作报告", "成效"),
    Material.REPORT: ("报道", "新闻", "简报", "信息", "稿", "文章", "宣传", "推送", "公众号", "刊载", "案例"),
    Material.LIST: ("名单", "清单", "名录", "人员", "花名册"),
    Material.LEDGER: ("台账", "记录表", "登记", "月报", "月度", "统计表", "工作记录", "进展"),
}
_PUBLICATION = ("截图", "网站", "网页", "政府网", "公示", "公开", "发布", "上传", "gov.cn", "信用交通·山东", "信用中国")
_WEB_SUFFIXES = (".url", ".html", ".htm", ".mht", ".mhtml")


def haystack(f: EvidenceFile) -> str:
    """What keywords are matched against: the path inside the task folder and the title."""
    inner = f.path.split("/", 1)[1] if f.task and "/" in f.path else f.path
    return f"{inner} {title_of(f)}"


def title_of(f: EvidenceFile) -> str:
    """A document's title, or empty for files without one."""
    return (f.facts.title or "") if isinstance(f.facts, DocumentFacts) else ""


def materials(f: EvidenceFile) -> frozenset[Material]:
    words = haystack(f)
    found = {Material.ANY}
    paper = isinstance(f.facts, DocumentFacts) and f.facts.paper_picture
    if paper:  # a photo or scan of a printed page is a document (a scan), not an activity photo
        found |= {Material.DOCUMENT, Material.IMAGE}
        if isinstance(f.facts, DocumentFacts) and f.facts.issued:
            found.add(Material.ISSUED)
    elif f.kind in (Kind.PHOTO, Kind.VIDEO):  # "活动图片或视频": a video is activity evidence where photos are
        found.add(Material.PHOTO)
    elif f.kind is Kind.IMAGE:
        found.add(Material.IMAGE)
        if any(k in words for k in _PUBLICATION):
            found.add(Material.PUBLICATION)
    elif f.kind is Kind.SPREADSHEET:
        found |= {Material.SPREADSHEET, Material.LEDGER}
    elif f.kind is Kind.DOCUMENT:
        found.add(Material.DOCUMENT)
        if isinstance(f.facts, DocumentFacts) and f.facts.issued:
            found.add(Material.ISSUED)
        if f.path.lower().endswith(_WEB_SUFFIXES) or any(k in words for k in _PUBLICATION[:5]):
            found.add(Material.PUBLICATION)
    if paper or f.kind not in (Kind.PHOTO, Kind.VIDEO):
        for material, words_for in _KEYWORDS.items():
            if any(k in words for k in words_for):
                found.add(material)
    return frozenset(found)


def matches_keywords(f: EvidenceFile, keywords: tuple[str, ...]) -> bool:
    if not keywords:
        return True
    words = haystack(f)
    return any(k in words for k in keywords)


# ------------------------------------------------------------------------- issued documents
ISSUED_WORDS = ("通知", "方案", "办法", "制度", "规定", "意见", "细则", "决定", "要点", "规则", "规划", "计划",
                "标准", "机制", "措施", "批复", "通报", "公告")
NOT_ISSUED_WORDS = ("纪要", "记录", "报道", "简报", "总结", "台账", "名单", "清单", "报告", "签到", "截图", "照片",
                    "新闻", "信息", "汇报", "统计表", "登记表", "花名册", "会议记录", "学习笔记")
NOT_DOCUMENT_SUFFIXES = frozenset({".png", ".jpg", ".jpeg", ".bmp", ".gif", ".tif", ".tiff", ".webp", ".heic",
                                   ".heif", ".xlsx", ".xls", ".xlsm", ".csv", ".et", ".mp4", ".mov"})


def _ending(text: str) -> bool | None:
    # “工作信息（1-2）”, “实施方案（试行）”: the type word comes before a closing bracket note.
    text = re.sub(r"\s*[（(【\[][^（(【\[]*[）)】\]]\s*$", "", text.strip())
    best: tuple[int, bool] | None = None
    for words, value in ((ISSUED_WORDS, True), (NOT_ISSUED_WORDS, False)):
        for w in words:
            if text.endswith(w) and (best is None or len(w) > best[0]):
                best = (len(w), value)
    return None if best is None else best[1]


def decide_issued(*, path: str, title: str, text: str, doc_number: str | None, task: Task | Bonus | None,
                  catalogue: Catalogue, page_picture: bool = False) -> bool:
    """True when the file at `path` (relative, "/" separators) is an issued document (出台文件,
    subject to deduction D6). The rule, first match wins:

    1. The catalogue's `overrides` (glob on the relative path, fnmatch; the *last* matching entry
       with `issued` set wins, so a specific pattern written after a general one refines it).
    2. The task's `issued` setting (`tasks[].issued: true/false` in indicators.yaml).
    3. Pictures (screenshots, photos, scans saved as images) and spreadsheets are not issued documents,
       except pictures whose content is a printed page (`page_picture`: a phone photo of a notice).
    4. The document type at the end of the title (or of the file name when there is no title):
       通知、方案、办法、制度、规定、意见、细则、决定、要点、规则、实施方案… → issued;
       纪要、记录、报道、简报、总结、台账、名单、清单、报告、签到… → not issued.
       Only the ending counts: “关于报送工作总结的通知” is a 通知, “信用工作总结” a 总结.
    5. A document number (发文字号) on page 1 → issued.
    6. Otherwise a not-issued word anywhere in the title or file name → not issued; a type word
       anywhere in the title or file name, or “印发/特此通知” in the text → issued; else not issued.
    """
    decided: bool | None = None
    for override in catalogue.overrides:
        if override.issued is not None and fnmatch.fnmatch(path, override.glob):
            decided = override.issued
    if decided is not None:
        return decided
    task_setting = getattr(task, "issued", None)
    if task_setting is not None:
        return bool(task_setting)
    name = PurePosixPath(path)
    if name.suffix.lower() in NOT_DOCUMENT_SUFFIXES and not page_picture:
        return False
    stem = name.stem
    for source in (title, stem):
        ending = _ending(source or "")
        if ending is not None:
            return ending
    if doc_number:
        return True
    both = f"{title} {stem}"
    if any(w in both for w in NOT_ISSUED_WORDS):
        return False
    if any(w in both for w in ISSUED_WORDS):
        return True
    return "印发" in text[:400] or "特此通知" in text
