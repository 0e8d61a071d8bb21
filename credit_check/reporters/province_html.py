"""The province view as one self-contained HTML page (`credit-check merge … --html FILE`).

A table of the counties — score, verdict, tasks, bonus, deductions and each deduction item, open
findings, files, cross-county findings — highest score first; then the cross-county findings
(the same file, photo or text in two counties' material) with every place they were found, errors
first; then, folded, the material many counties share (`common`: likely from a higher level).
No script, nothing fetched from elsewhere; every text from a report is escaped. `lang="en"` writes
English labels and each finding's English text.
"""

from __future__ import annotations

from html import escape

from credit_check.merge import CountyRow, CrossFinding, Province

WORDS = {
    "zh": {
        "title": "信用交通县创建验收：全省汇总", "counties": "区县得分汇总", "county": "区县", "score": "得分",
        "verdict": "结果", "passed": "通过", "failed": "未通过", "disqualified": "取消资格（疑似造假，待核实）",
        "tasks": "任务", "bonus": "加分", "deductions": "扣分", "errors": "错误", "warnings": "警告",
        "files": "文件", "cross": "跨区县问题", "audit_date": "自查日期", "report": "报告",
        "findings": "跨区县发现", "none": "未发现跨区县的相同材料。", "check": "类型", "severity": "级别",
        "where": "位置", "measure": "依据", "message": "说明", "common": "多个区县共有的材料（可能是上级文件或范本，仅供参考）",
        "same-file": "相同文件", "same-photo": "相同照片", "same-text": "文字雷同",
        "error": "错误", "warning": "警告", "info": "提示", "notes": "说明",
        "settings": "比对设置：照片感知哈希相差不超过 {photo_distance} 位；文字估计共有段落不少于 {text_threshold:.0%}；"
                    "出现在 {common_min} 个及以上区县的材料视为共有材料。",
        "task_status": "任务状态（达标/部分/缺失/无法判断）", "max": "满分",
    },
    "en": {
        "title": "Credit Transportation County acceptance: province summary", "counties": "Counties", "county": "County",
        "score": "Score", "verdict": "Result", "passed": "passed", "failed": "not passed",
        "disqualified": "disqualified (suspected fraud, to be confirmed)", "tasks": "Tasks", "bonus": "Bonus",
        "deductions": "Deductions", "errors": "Errors", "warnings": "Warnings", "files": "Files",
        "cross": "Cross-county", "audit_date": "Audit date", "report": "Report", "findings": "Cross-county findings",
        "none": "No material was found in two counties.", "check": "Check", "severity": "Severity", "where": "Where",
        "measure": "Basis", "message": "Finding", "common": "Material many counties share (likely from a higher level or a model text; for information)",
        "same-file": "same file", "same-photo": "same photo", "same-text": "same text",
        "error": "error", "warning": "warning", "info": "info", "notes": "Notes",
        "settings": "Settings: photos within {photo_distance} bits of perceptual hash; texts sharing at least "
                    "{text_threshold:.0%} of passages; material in {common_min} or more counties counts as shared.",
        "task_status": "Tasks met / partial / missing / unknown", "max": "max",
    },
}

CSS = """
body{font-family:"Microsoft YaHei","PingFang SC","Noto Sans CJK SC",sans-serif;margin:2em;color:#222}
table{border-collapse:collapse;margin:1em 0;font-size:14px}th,td{border:1px solid #ccc;padding:4px 8px;vertical-align:top}
th{background:#f2f2f2;position:sticky;top:0}td.num{text-align:right;font-variant-numeric:tabular-nums}
tr.disqualified td{background:#fde8e8}tr.failed td.verdict{color:#b00}tr.passed td.verdict{color:#070}
.sev-error{color:#b00;font-weight:bold}.sev-warning{color:#a60}.sev-info{color:#555}
ul.places{margin:0;padding-left:1.2em}code{font-size:12px}.muted{color:#666}
@media print{th{position:static}details{display:block}}
"""


def _num(value: float) -> str:
    return f"{value:g}"


def _row(c: CountyRow, items: tuple[str, ...], w: dict[str, str]) -> str:
    verdict = w["disqualified"] if c.disqualified else (w["passed"] if c.passed else w["failed"])
    css = "disqualified" if c.disqualified else ("passed" if c.passed else "failed")
    status = "/".join(str(c.task_status.get(s, 0)) for s in ("met", "partial", "missing", "unknown"))
    cells = [f"<td>{escape(c.name)}<br><span class=muted>{escape(c.report)} · {escape(c.audit_date)}</span></td>",
             f"<td class=num><b>{_num(c.total)}</b></td>", f"<td class=verdict>{escape(verdict)}</td>",
             f"<td class=num>{_num(c.tasks)}</td>", f"<td class=num>{_num(c.bonus)}</td>",
             f"<td class=num>{_num(c.deductions)}</td>"]
    cells += [f"<td class=num>{_num(c.deductions_by_item.get(i, 0.0))}</td>" for i in items]
    cells += [f"<td class=num>{c.findings.get('error', 0)}</td>", f"<td class=num>{c.findings.get('warning', 0)}</td>",
              f"<td class=num>{status}</td>", f"<td class=num>{c.files}</td>", f"<td class=num>{c.cross_findings}</td>"]
    return f"<tr class={css}>{''.join(cells)}</tr>"


def _measure(f: CrossFinding) -> str:
    if "distance" in f.measure:
        return f"{f.measure['distance']} bits"
    if "similarity" in f.measure:
        return f"{float(f.measure['similarity']):.0%}"
    return f"<code>sha256 {escape(str(f.measure.get('sha256', ''))[:16])}…</code>"


def _finding(f: CrossFinding, w: dict[str, str], lang: str) -> str:
    places = "".join(f"<li>{escape(p.county)}：{escape(p.path)}" + (f" <span class=muted>({escape(p.task)})</span>" if p.task else "")
                     + "</li>" for p in f.places)
    text = f.message_en if lang == "en" and f.message_en else f.message
    return (f"<tr><td>{escape(w.get(f.check, f.check))}</td><td class=sev-{f.severity.value}>{escape(w[f.severity.value])}</td>"
            f"<td>{escape(text)}</td><td><ul class=places>{places}</ul></td><td>{_measure(f)}</td></tr>")


def _findings_table(found: list[CrossFinding], w: dict[str, str], lang: str) -> str:
    head = f"<tr><th>{w['check']}</th><th>{w['severity']}</th><th>{w['message']}</th><th>{w['where']}</th><th>{w['measure']}</th></tr>"
    return f"<table>{head}{''.join(_finding(f, w, lang) for f in found)}</table>"


def render(province: Province, lang: str = "zh") -> str:
    w = WORDS.get(lang, WORDS["zh"])
    items = province.deduction_items
    rows = sorted(province.counties, key=lambda c: (c.disqualified, -c.total, c.name))
    head = (f"<tr><th>{w['county']}</th><th>{w['score']}</th><th>{w['verdict']}</th><th>{w['tasks']}</th>"
            f"<th>{w['bonus']}</th><th>{w['deductions']}</th>" + "".join(f"<th>{escape(i)}</th>" for i in items)
            + f"<th>{w['errors']}</th><th>{w['warnings']}</th><th>{w['task_status']}</th><th>{w['files']}</th>"
            f"<th>{w['cross']}</th></tr>")
    table = f"<table>{head}{''.join(_row(c, items, w) for c in rows)}</table>"
    leads = [f for f in province.cross if not f.common]
    common = [f for f in province.cross if f.common]
    parts = [f"<!DOCTYPE html><html lang={'en' if lang == 'en' else 'zh-CN'}><head><meta charset=utf-8>",
             f"<meta name=viewport content='width=device-width, initial-scale=1'><title>{escape(w['title'])}</title>",
             f"<style>{CSS}</style></head><body><h1>{escape(w['title'])}</h1>",
             f"<h2>{escape(w['counties'])}（{len(rows)}）</h2>", table,
             f"<h2>{escape(w['findings'])}（{len(leads)}）</h2>"]
    parts.append(_findings_table(leads, w, lang) if leads else f"<p>{escape(w['none'])}</p>")
    if common:
        parts.append(f"<details><summary>{escape(w['common'])}（{len(common)}）</summary>{_findings_table(common, w, lang)}</details>")
    settings = dict(province.settings)
    parts.append(f"<p class=muted>{escape(w['settings'].format(**settings))}</p>")
    if province.notes:
        parts.append(f"<h3>{escape(w['notes'])}</h3><ul>" + "".join(f"<li>{escape(n)}</li>" for n in province.notes) + "</ul>")
    parts.append(f"<p class=muted>credit-check {escape(province.tool_version)} · {escape(province.schema_id)}</p></body></html>\n")
    return "".join(parts)
