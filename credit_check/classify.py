"""Which kinds of material a file is (issued document, meeting record, photo, ledger, proof of
publication …), from its kind, its facts, its title and its name inside the task folder.

The rule, in order: every file is `any`; photos are `photo`; screenshots and scans are `image`;
documents are `document`, and `issued` when the issued-document rule said so; saved web pages,
`.url` files and screenshots or printouts naming a website or publication are `publication`;
spreadsheets are `spreadsheet` and `ledger`; then title and name keywords add meeting, notice,
summary, report, list and ledger (see `_KEYWORDS`).
"""

from __future__ import annotations

from credit_check.catalogue.models import Material
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
    title = f.facts.get("title") or ""
    return f"{inner} {title}"


def materials(f: EvidenceFile) -> frozenset[Material]:
    words = haystack(f)
    found = {Material.ANY}
    if f.kind is Kind.PHOTO:
        found.add(Material.PHOTO)
    elif f.kind is Kind.IMAGE:
        found.add(Material.IMAGE)
        if any(k in words for k in _PUBLICATION):
            found.add(Material.PUBLICATION)
    elif f.kind is Kind.SPREADSHEET:
        found |= {Material.SPREADSHEET, Material.LEDGER}
    elif f.kind is Kind.DOCUMENT:
        found.add(Material.DOCUMENT)
        if f.facts.get("issued"):
            found.add(Material.ISSUED)
        if f.path.lower().endswith(_WEB_SUFFIXES) or any(k in words for k in _PUBLICATION[:5]):
            found.add(Material.PUBLICATION)
    if f.kind is not Kind.PHOTO:
        for material, words_for in _KEYWORDS.items():
            if any(k in words for k in words_for):
                found.add(material)
    return frozenset(found)


def matches_keywords(f: EvidenceFile, keywords: tuple[str, ...]) -> bool:
    if not keywords:
        return True
    words = haystack(f)
    return any(k in words for k in keywords)
