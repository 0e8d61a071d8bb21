"""`credit-check init DIR`: the canonical empty evidence tree.

One folder per primary indicator (`一、制度建设`), inside it one folder per task
(`1.1 成立创建工作领导小组及专班`), and `加分项/B1 …` for bonus items. Names avoid the characters
Windows forbids and stay short (≤ 24 characters a folder) so paths fit Windows' limits on a
shared drive. Each task folder gets a note (`_材料要求.txt`, UTF-8 with BOM, CRLF) listing what it
needs; audits ignore the note.
"""

from __future__ import annotations

import re
from pathlib import Path

from credit_check.catalogue.models import Bonus, Cadence, Catalogue, Task
from credit_check.discover import NOTE_NAME

_CN = "一二三四五六七八九"
_UNSAFE = re.compile(r'[<>:"/\\|?*\x00-\x1f“”‘’「」《》]')
_CADENCE = {Cadence.ONCE: "", Cadence.QUARTERLY: "（每季度）", Cadence.MONTHLY: "（每月）",
            Cadence.PER_DOMAIN: "（每个领域）"}


def safe_name(text: str, limit: int = 24) -> str:
    name = _UNSAFE.sub("", text).strip(" .")
    return name[:limit].rstrip(" .")


def _note(item: Task | Bonus) -> str:
    lines = [f"{item.id} {item.title}", "", item.text, ""]
    if isinstance(item, Task):
        lines.insert(1, "责任单位：" + "、".join(item.units))
    lines.append("需要的材料：")
    for req in item.requirements:
        count = f"至少 {req.count} 份" if req.count > 1 else ""
        lines.append(f"- {req.label}{_CADENCE[req.cadence]}{count}")
    lines += ["", "文件名请写明日期和内容，如“2024-05-12 领导小组会议纪要.pdf”。",
              "照片须用水印相机拍摄并提交原图（不要经微信转发）。"]
    return "\r\n".join(lines) + "\r\n"


def scaffold(root: Path, catalogue: Catalogue) -> int:
    """Create the tree under `root` (existing files are left alone); returns the folders made."""
    made = 0
    primaries: dict[str, int] = {}
    for task in catalogue.tasks:
        number = int(task.id.split(".")[0])
        primaries.setdefault(task.primary, number)
    for task in catalogue.tasks:
        number = primaries[task.primary]
        top = root / safe_name(f"{_CN[number - 1]}、{task.primary}")
        made += _folder(top / safe_name(f"{task.id} {task.title}"), _note(task))
    for item in catalogue.bonus:
        made += _folder(root / "加分项" / safe_name(f"{item.id} {item.title}"), _note(item))
    return made


def _folder(path: Path, note: str) -> int:
    existed = path.is_dir()
    path.mkdir(parents=True, exist_ok=True)
    note_path = path / NOTE_NAME
    if not note_path.exists():
        note_path.write_text(note, encoding="utf-8-sig", newline="")
    return 0 if existed else 1
