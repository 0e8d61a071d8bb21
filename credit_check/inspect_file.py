"""`credit-check inspect FILE`: the facts the tool reads from one file, for a person to check."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from credit_check.catalogue import load_catalogue
from credit_check.discover import display_name
from credit_check.facts import ExtractOptions, extract
from credit_check.model import Kind
from credit_check.pii import mask_text


def _annotate(path: Path, kind: Kind, out: Path) -> list[str]:
    if kind is Kind.DOCUMENT:
        from credit_check.annotate_doc import annotate_document

        return annotate_document(path, out)
    if kind in (Kind.PHOTO, Kind.IMAGE):
        from credit_check.annotate_photo import annotate_photo

        return annotate_photo(path, out)
    return ["该类型文件无法标注 / nothing to annotate for this kind of file"]


def inspect_file(path: Path, *, as_json: bool = False, ocr: bool = True, annotate: Path | None = None) -> str:
    result = extract(path, ExtractOptions(ocr=ocr))
    facts: dict[str, Any] = dict(result.facts)
    if result.kind is Kind.DOCUMENT and result.error is None:
        from credit_check.facts.issued import decide_issued

        facts["issued"] = decide_issued(path=display_name(path.name)[0], title=str(facts.get("title") or ""),
                                        text="\n".join(result.pages), facts=facts, task=None,
                                        catalogue=load_catalogue())
    notes = _annotate(path, result.kind, annotate) if annotate is not None and result.error is None else []
    data = {
        "path": mask_text(display_name(path.name)[0]), "kind": result.kind.value, "error": result.error,
        "date": result.content_date.isoformat() if result.content_date else None,
        "date_source": result.content_date_source, "facts": facts,
        "pages_with_text": sum(1 for p in result.pages if p.strip()),
        "annotated": str(annotate) if annotate is not None and notes else None, "notes": notes,
    }
    text = mask_text(json.dumps(data, ensure_ascii=False, indent=2, default=str))
    if as_json:
        return text + "\n"
    lines = [f"文件：{data['path']}", f"类型：{data['kind']}"]
    if result.error:
        lines.append(f"无法读取：{result.error}")
    lines.append(f"日期：{data['date'] or '无法确定'}（来源：{data['date_source'] or '—'}）")
    for key, value in facts.items():
        shown = json.dumps(value, ensure_ascii=False, default=str) if not isinstance(value, str) else value
        lines.append(f"  {key}: {mask_text(shown)}")
    lines.extend(f"  {n}" for n in notes)
    return "\n".join(lines) + "\n"
