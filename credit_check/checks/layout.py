"""D5 — material not sorted by task, messy or hard to identify (未能分门别类编排整理，凌乱错讹).

Finds:
- `unfiled` (warning): a file in no task folder. Every file belongs under a folder whose name
  starts with its task id (`1.1 成立领导小组`, `一、1`, `B1` …); `credit-check init` makes them.
- `junk-folder` (warning): 新建文件夹, 新建文件夹 (2), New folder …
- `junk-name` (warning): default names left by Windows and WPS (新建 Microsoft Word 文档.docx,
  新建 XLSX 工作表.xlsx, 新建文本文档.txt …).
- `copy-name` (warning): copies (`xxx - 副本`, `xxx - Copy`, `xxx(1)`, `xxx（1）`).
- `garbled-name` (warning): a name stored in GBK on a UTF-8 share, or GBK shown as mojibake; the
  report shows the recovered name.
How to fix: rename the file to say what it is (with its date), move it into its task folder,
delete copies and empty default folders.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING

from credit_check.model import EvidenceFile, Finding, Severity

if TYPE_CHECKING:
    from credit_check.checks import CheckContext

ID = "layout"

_JUNK_FOLDER = re.compile(r"^(新建文件夹|New folder|新文件夹|未命名文件夹|untitled folder)(\s*[(（]\d+[)）])?$", re.I)
_JUNK_FILE = re.compile(
    r"^(新建\s*(Microsoft\s*)?(Word|Excel|PowerPoint|XLSX|DOCX|PPTX|WPS\s*\S*|文本|文本文档)\s*(文档|工作表|演示文稿)?"
    r"|New (Microsoft )?(Word|Excel|Text) (Document|Worksheet)|未命名|无标题|Untitled|Document\d*|文档\d+)"
    r"(\s*[(（]\d+[)）])?$", re.I)
_COPY = re.compile(r"(\s-\s*(副本|Copy)(\s*[(（]\d+[)）])?|\s*[(（]\d{1,2}[)）]|副本\d*)$", re.I)


def _stem(name: str) -> str:
    return name.rsplit(".", 1)[0] if "." in name[1:] else name


def _finding(check: str, path: str, task: str | None, message: str, fix: str, en: str, fix_en: str) -> Finding:
    return Finding(rule="D5", check=check, severity=Severity.WARNING, path=path, task=task,
                   message=message, fix=fix, message_en=en, fix_en=fix_en)


def check(files: Sequence[EvidenceFile], ctx: CheckContext) -> Iterator[Finding]:
    for folder in ctx.folders:
        if _JUNK_FOLDER.match(folder.rsplit("/", 1)[-1]):
            yield _finding("junk-folder", folder, None, "未命名的默认文件夹（新建文件夹）",
                           "按任务编号和内容重命名文件夹，或删除空文件夹",
                           "default folder name (New folder)", "rename it after its task and content, or delete it")
    for f in files:
        stem = _stem(f.name)
        if f.task is None:
            yield _finding("unfiled", f.path, None, "文件未归入任何创建任务的文件夹",
                           "移入对应任务编号的文件夹（如“1.1 成立领导小组”）",
                           "file is in no task folder", "move it into its task's folder (e.g. '1.1 …')")
        if _JUNK_FILE.match(stem):
            yield _finding("junk-name", f.path, f.task, "文件使用默认名称，无法辨识内容",
                           "按“日期+内容”重命名（如“2024-05-12 领导小组会议纪要”）",
                           "file has a default name", "rename it as date + content")
        elif _COPY.search(stem):
            yield _finding("copy-name", f.path, f.task, "文件名显示为副本或重复文件（副本、(1)）",
                           "删除重复文件，或按内容重命名",
                           "file name marks a copy", "delete the duplicate or rename it after its content")
        if f.facts.name_encoding:
            yield _finding("garbled-name", f.path, f.task, "文件名编码错误（乱码），已按 GBK 还原显示",
                           "在 Windows 中按显示的名称重命名文件",
                           "file name is GBK-encoded or garbled; shown recovered", "rename the file on Windows")
