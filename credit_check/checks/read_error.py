"""read-error — files the tool could not read: corrupt, truncated, encrypted, empty, too large,
in a format it cannot open, or whose content does not match their extension.

Why it matters: a reviewer cannot open them either, and nothing else can be checked in them.
How to fix: open the file on a PC; re-save or re-export it (PDF or DOCX), remove the password,
or replace it with the original. Severity: error, except a mislabelled file that could still be
read (warning). Not a deduction item by itself.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING

from credit_check.model import EvidenceFile, Finding, Severity

if TYPE_CHECKING:
    from credit_check.checks import CheckContext

ID = "read-error"

# (sub-check, words in the extractor's error text, fix zh, fix en)
_KINDS = (
    ("encrypted", ("加密", "密码", "encrypt", "password"), "去除文件密码后重新提交", "remove the password and resubmit"),
    ("empty", ("空文件", "empty"), "文件为空，请替换为原文件", "the file is empty: replace it with the original"),
    ("too-large", ("过大", "too large"), "压缩或拆分文件后重新提交", "compress or split the file"),
    ("timeout", ("超时", "took longer"), "用原软件重新导出（如另存为 PDF）后重新提交",
     "re-export the file (e.g. save as PDF) and resubmit"),
    ("unsupported", ("格式", "另存为", "format"), "另存为 PDF 或 DOCX 后重新提交", "save it as PDF or DOCX"),
)


def _kind(error: str) -> tuple[str, str, str]:
    low = error.lower()
    for kind, words, fix, fix_en in _KINDS:
        if any(w in low for w in words):
            return kind, fix, fix_en
    return "corrupt", "用原软件打开并重新导出，或替换为原文件", "re-export the file from its source, or replace it"


def check(files: Sequence[EvidenceFile], ctx: CheckContext) -> Iterator[Finding]:
    for f in files:
        if f.error:
            kind, fix, fix_en = _kind(f.error)
            yield Finding(rule=ID, check=kind, severity=Severity.ERROR, path=f.path, task=f.task,
                          message=f"文件无法读取：{f.error}", fix=fix,
                          message_en=f"file could not be read: {f.error}", fix_en=fix_en)
        elif mislabel := f.facts.get("mislabelled"):
            yield Finding(rule=ID, check="mislabelled", severity=Severity.WARNING, path=f.path, task=f.task,
                          message=f"文件扩展名与实际格式不符（{mislabel}）",
                          fix="按实际格式修改扩展名，或用原软件重新导出",
                          message_en=f"extension does not match the content ({mislabel})",
                          fix_en="rename the file to its real format or re-export it")
    for folder in ctx.unreadable:
        yield Finding(rule=ID, check="unreadable-folder", severity=Severity.ERROR, path=folder,
                      message="文件夹无法读取（权限不足或已损坏）", fix="检查共享盘权限后重新运行",
                      message_en="folder could not be listed", fix_en="check the share's permissions and run again")
