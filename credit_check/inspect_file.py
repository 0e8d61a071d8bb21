"""`credit-check inspect FILE`: the facts the tool reads from one file, for a person to check."""

from __future__ import annotations

import json
from pathlib import Path

from credit_check.catalogue.models import Catalogue
from credit_check.discover import Discovered, display_name, task_id_of
from credit_check.facts import ExtractOptions
from credit_check.facts.runner import extract_one
from credit_check.model import Kind
from credit_check.pii import mask_text
from credit_check.records import build_record


def _annotate(path: Path, kind: Kind, out: Path) -> list[str]:
    if kind is Kind.DOCUMENT:
        from credit_check.annotate_doc import annotate_document

        return annotate_document(path, out)
    if kind in (Kind.PHOTO, Kind.IMAGE):
        from credit_check.annotate_photo import annotate_photo

        return annotate_photo(path, out)
    return ["该类型文件无法标注 / nothing to annotate for this kind of file"]


def inspect_file(path: Path, *, catalogue: Catalogue, as_json: bool = False, ocr: bool = True,
                 annotate: Path | None = None, task: str | None = None) -> str:
    """What an audit would read from `path`: the same reader in a worker under the same time and
    memory budgets, the same record building (issued decision with `catalogue`, masking), no cache."""
    shown, encoding = display_name(path.name)
    if task is None:
        known = {t.id for t in catalogue.tasks} | {b.id for b in catalogue.bonus}
        task = task_id_of(path.parent.name, known, catalogue.aliases())
    item = Discovered(path=shown, abs_path=path, size=path.stat().st_size, task=task, name_encoding=encoding)
    sha, result = extract_one(path, ExtractOptions(ocr=ocr))
    record = build_record(item, sha, result, catalogue)
    notes = _annotate(path, result.kind, annotate) if annotate is not None and result.error is None else []
    facts = record.facts.model_dump(mode="json")
    data = {
        "path": record.path, "kind": record.kind.value, "task": record.task, "error": record.error,
        "error_kind": record.error_kind.value if record.error_kind else None,
        "date": record.date.isoformat() if record.date else None,
        "date_source": record.date_source, "facts": facts,
        "pages_with_text": sum(1 for p in result.pages if p.strip()),
        "annotated": str(annotate) if annotate is not None and notes else None, "notes": notes,
    }
    text = mask_text(json.dumps(data, ensure_ascii=False, indent=2, default=str))
    if as_json:
        return text + "\n"
    lines = [f"文件：{data['path']}", f"类型：{data['kind']}"]
    if record.task:
        lines.append(f"任务：{record.task}")
    if record.error:
        lines.append(f"无法读取：{record.error}")
    lines.append(f"日期：{data['date'] or '无法确定'}（来源：{data['date_source'] or '—'}）")
    for key, value in facts.items():
        if value in (None, (), [], {}) or key == "record":
            continue
        shown_value = json.dumps(value, ensure_ascii=False, default=str) if not isinstance(value, str) else value
        lines.append(f"  {key}: {mask_text(shown_value)}")
    lines.extend(f"  {n}" for n in notes)
    return "\n".join(lines) + "\n"
