"""Which files are issued documents (出台的制度、政策、办法、方案等文件) subject to deduction D6.

The rule, first match wins:

1. The catalogue's `overrides` (glob on the relative path, fnmatch; the *last* matching entry with
   `issued` set wins, so a specific pattern written after a general one refines it).
2. The task's `issued` setting (`tasks[].issued: true/false` in indicators.yaml).
3. Pictures (screenshots, photos, scans saved as images) and spreadsheets are not issued documents.
4. The document type at the end of the title (or of the file name when there is no title):
   通知、方案、办法、制度、规定、意见、细则、决定、要点、规则、实施方案… → issued;
   纪要、记录、报道、简报、总结、台账、名单、清单、报告、签到… → not issued.
   Only the ending counts: “关于报送工作总结的通知” is a 通知, “信用工作总结” a 总结.
5. A document number (发文字号) on page 1 → issued.
6. Otherwise a not-issued word anywhere in the title or file name → not issued; a type word
   anywhere in the title or file name, or “印发/特此通知” in the text → issued; else not issued.
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Mapping
from pathlib import PurePosixPath
from typing import Any

from credit_check.catalogue.models import Bonus, Catalogue, Task

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


def decide_issued(*, path: str, title: str, text: str, facts: Mapping[str, Any], task: Task | Bonus | None,
                  catalogue: Catalogue) -> bool:
    """True when the file at `path` (relative, "/" separators) is an issued document (see module doc)."""
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
    if name.suffix.lower() in NOT_DOCUMENT_SUFFIXES:
        return False
    stem = name.stem
    for source in (title, stem):
        ending = _ending(source or "")
        if ending is not None:
            return ending
    if facts.get("doc_number"):
        return True
    both = f"{title} {stem}"
    if any(w in both for w in NOT_ISSUED_WORDS):
        return False
    if any(w in both for w in ISSUED_WORDS):
        return True
    return "印发" in text[:400] or "特此通知" in text
