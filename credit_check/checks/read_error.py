"""read-error — files the tool could not read: corrupt, truncated, encrypted, empty, too large,
in a format it cannot open, or whose content does not match their extension.

Why it matters: a reviewer cannot open them either, and nothing else can be checked in them.
How to fix: open the file on a PC; re-save or re-export it (PDF or DOCX), remove the password,
or replace it with the original. Severity: error, except a mislabelled file that could still be
read (warning). Not a deduction item by itself.

Sub-checks, one per error kind: `empty`, `corrupt`, `encrypted`, `unsupported`, `too-large`,
`timeout`, `mislabelled`, `unreadable`, `crashed`, `link-outside` (a link that leads out of the
evidence tree: never opened); `mislabelled` is a warning when the file could still be read;
`unreadable-folder` for folders that could not be listed.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING

from credit_check.facttypes import ERROR_TEXT, ErrorKind
from credit_check.model import EvidenceFile, Finding, Severity

if TYPE_CHECKING:
    from credit_check.checks import CheckContext

ID = "read-error"

def check(files: Sequence[EvidenceFile], ctx: CheckContext) -> Iterator[Finding]:
    for f in files:
        if f.error:
            kind = f.error_kind or ErrorKind.CORRUPT
            zh, en, fix, fix_en = ERROR_TEXT[kind]
            detail = f.error.split(": ", 1)[1] if ": " in f.error else ""
            yield Finding(rule=ID, check=kind.value, severity=Severity.ERROR, path=f.path, task=f.task,
                          message=f"文件无法读取：{zh}" + (f"（{detail}）" if detail else ""), fix=fix,
                          message_en=f"file could not be read: {en}" + (f" ({detail})" if detail else ""),
                          fix_en=fix_en)
        elif mislabel := f.facts.mislabelled:
            yield Finding(rule=ID, check="mislabelled", severity=Severity.WARNING, path=f.path, task=f.task,
                          message=f"文件扩展名与实际格式不符（{mislabel}）",
                          fix="按实际格式修改扩展名，或用原软件重新导出",
                          message_en=f"extension does not match the content ({mislabel})",
                          fix_en="rename the file to its real format or re-export it")
    for folder in ctx.unreadable:
        yield Finding(rule=ID, check="unreadable-folder", severity=Severity.ERROR, path=folder,
                      message="文件夹无法读取（权限不足或已损坏）", fix="检查共享盘权限后重新运行",
                      message_en="folder could not be listed", fix_en="check the share's permissions and run again")
