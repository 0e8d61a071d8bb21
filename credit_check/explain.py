"""Text for `credit-check indicators` and `credit-check explain ID`, in Chinese or English.

Every id a report shows can be explained: a task or bonus id (`1.4`, `B1`), a deduction item
(`D6`), a rule that is not a deduction item (`read-error`, `evidence`, `undetermined`,
`future-time`), a check id (a finding's `source`: `photos`, `doc-elements` …), a sub-check (a
finding's `check`: `no-stamp`), the two together as reports print them (`D7/no-stamp`,
`evidence/missing:notice`, `read-error/corrupt`), and `waivers` (the waivers file format).
English text comes from the catalogue's `*_en` fields; check documentation is the check
module's docstring (in English) in both languages.
"""

from __future__ import annotations

import inspect
import re
from types import ModuleType

from credit_check import evaluate, waivers
from credit_check.catalogue.models import Bonus, Cadence, Catalogue, Deduction, Material, Requirement, Task
from credit_check.checks import CHECKS, EVIDENCE_SOURCE

# Rules a finding can have that are not deduction items of the catalogue.
OTHER_RULES = (EVIDENCE_SOURCE, "read-error", "undetermined", "future-time")
WAIVERS_ID = "waivers"

_CADENCE = {
    "zh": {Cadence.ONCE: "", Cadence.QUARTERLY: "，每季度", Cadence.MONTHLY: "，每月", Cadence.PER_DOMAIN: "，每个领域"},
    "en": {Cadence.ONCE: "", Cadence.QUARTERLY: ", every quarter", Cadence.MONTHLY: ", every month",
           Cadence.PER_DOMAIN: ", per domain"},
}
_MATERIAL_ZH = {
    Material.ANY: "任意", Material.DOCUMENT: "文档", Material.ISSUED: "红头文件", Material.MEETING: "会议记录",
    Material.PHOTO: "照片", Material.IMAGE: "截图或扫描图片", Material.LEDGER: "台账", Material.SPREADSHEET: "表格",
    Material.PUBLICATION: "公开证明", Material.NOTICE: "通知", Material.SUMMARY: "总结", Material.REPORT: "报道或工作信息",
    Material.LIST: "名单或清单",
}
_MATERIAL_EN = {
    Material.ANY: "any", Material.DOCUMENT: "document", Material.ISSUED: "issued document (红头文件)",
    Material.MEETING: "meeting record", Material.PHOTO: "photo", Material.IMAGE: "screenshot or scan",
    Material.LEDGER: "ledger", Material.SPREADSHEET: "spreadsheet", Material.PUBLICATION: "proof of publication",
    Material.NOTICE: "notice", Material.SUMMARY: "summary", Material.REPORT: "news or report", Material.LIST: "list",
}


def _en(lang: str, zh: str, en: str) -> str:
    """`en` for English when the catalogue has it, else the Chinese text."""
    return en if lang == "en" and en else zh


def _units(catalogue: Catalogue, units: tuple[str, ...], lang: str) -> str:
    if lang == "en":
        return ", ".join(catalogue.units_en.get(u, u) for u in units) or "—"
    return "、".join(units) or "—"


def list_catalogue(catalogue: Catalogue, lang: str = "zh") -> str:
    en = lang == "en"
    out = [_en(lang, catalogue.title, catalogue.title_en), ""]
    primary = None
    for task in catalogue.tasks:
        if task.primary != primary:
            primary = task.primary
            out.append(f"[{task.id.split('.')[0]}. {_en(lang, task.primary, task.primary_en)}]" if en
                       else f"【{primary}】")
        title = _en(lang, task.title, task.title_en)
        units = _units(catalogue, task.units, lang)
        out.append(f"  {task.id}  {title}  [{units}]  {task.points:g} " + ("points" if en else "分"))
    out += ["", "[Bonus items]" if en else "【加分项】"]
    out += [f"  {b.id}  {_en(lang, b.title, b.title_en)}  +{b.points:g}" for b in catalogue.bonus]
    out += ["", "[Deduction items]" if en else "【扣分项】"]
    for d in catalogue.deductions:
        title = _en(lang, d.title, d.title_en)
        if en:
            extra = "; cancels the acceptance once confirmed" if d.disqualify else ""
            out.append(f"  {d.id}  {title}  -{d.points:g} each, at most -{d.cap:g}{extra}")
        else:
            extra = "，查实取消验收资格" if d.disqualify else ""
            out.append(f"  {d.id}  {title}  每项 -{d.points:g}，上限 -{d.cap:g}{extra}")
    s = catalogue.settings
    if en:
        out += ["", f"Maximum {catalogue.max_points:g}, pass mark {s.pass_mark:g} (defaults: change them in the "
                    "catalogue file)", f"Assessment period {s.period_start} .. {s.period_end}"]
    else:
        out += ["", f"满分 {catalogue.max_points:g}，合格线 {s.pass_mark:g}（默认值，可在目录文件中修改）",
                f"考核期 {s.period_start} .. {s.period_end}"]
    return "\n".join(out) + "\n"


def _requirement(req: Requirement, lang: str) -> str:
    if lang == "en":
        kinds = ", ".join(_MATERIAL_EN[m] for m in req.material)
        words = f"; file name or title containing one of: {'、'.join(req.keywords)}" if req.keywords else ""
        count = f", at least {req.count}" if req.count > 1 else ""
        return f"  - {req.label_en or req.label} (material: {kinds}{_CADENCE['en'][req.cadence]}{count}{words})"
    kinds = "、".join(_MATERIAL_ZH[m] for m in req.material)
    words = f"，文件名或标题含：{'、'.join(req.keywords)}" if req.keywords else ""
    count = f"，至少 {req.count} 份" if req.count > 1 else ""
    return f"  - {req.label}（材料类型：{kinds}{_CADENCE['zh'][req.cadence]}{count}{words}）"


def _explain_task(catalogue: Catalogue, item: Task | Bonus, lang: str) -> str:
    en = lang == "en"
    out = [f"{item.id} {_en(lang, item.title, item.title_en)}"]
    if isinstance(item, Task):
        out.append(f"Primary: {_en(lang, item.primary, item.primary_en)}    "
                   f"Secondary: {_en(lang, item.secondary, item.secondary_en)}" if en
                   else f"一级指标：{item.primary}    二级指标：{item.secondary}")
    units = _units(catalogue, item.units, lang)
    out.append(f"Units: {units}    Points: {item.points:g} (default)" if en
               else f"责任单位：{units}    分值：{item.points:g}（默认值）")
    out += ["", _en(lang, item.text, item.text_en), ""]
    out.append(f"How to meet it (put the files in a folder whose name starts with the id, e.g. \"{item.id} …\"):"
               if en else "如何满足（放入以该编号开头的文件夹，如“" + item.id + " …”）：")
    out += [_requirement(req, lang) for req in item.requirements]
    out.append("")
    out.append("Quarterly and monthly requirements count only dated files: the date comes from the document's "
               "date, the photo's capture time or a date in the file name." if en else
               "按季度/月度的要求只统计能确定日期的材料：日期取自成文日期、照片拍摄时间或文件名中的日期。")
    return "\n".join(out) + "\n"


def _doc(module: ModuleType | object) -> str:
    return inspect.getdoc(module) or ""


def _table_rules(doc: str) -> list[tuple[str, str]]:
    """(sub-check, rule) rows of the `| check | rule | …` tables in a check's documentation."""
    rows: list[tuple[str, str]] = []
    column: int | None = None
    for line in doc.splitlines():
        if not line.startswith("|"):
            column = None
            continue
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if cells and cells[0] == "check":
            column = cells.index("rule") if "rule" in cells else None
        elif column is not None and len(cells) > column and (sub := re.fullmatch(r"`([^`]+)`", cells[0])):
            rows.append((sub.group(1), cells[column]))
    return rows


def _checks_of(rule: str) -> list[str]:
    """Check ids whose findings may carry `rule`."""
    out = []
    for cid, mod in CHECKS.items():
        doc = _doc(mod)
        if getattr(mod, "RULE", None) == rule or cid == rule or re.search(rf"\b{re.escape(rule)}\b", doc.split("\n", 1)[0]) \
                or any(r == rule for _, r in _table_rules(doc)):
            out.append(cid)
    return out


def _explain_deduction(catalogue: Catalogue, deduction: Deduction, lang: str) -> str:
    related = _checks_of(deduction.id)
    if lang == "en":
        lines = [f"{deduction.id} {_en(lang, deduction.title, deduction.title_en)}", "",
                 _en(lang, deduction.text, deduction.text_en), "",
                 f"Each error deducts {deduction.points:g} points, each warning {deduction.warning_points:g}, "
                 f"at most {deduction.cap:g} in all (defaults)."]
        if deduction.disqualify:
            lines.append("An error-level finding, once confirmed, cancels the acceptance.")
        if related:
            lines.append("Checks behind it: " + ", ".join(related) + " (credit-check explain CHECK shows each)")
        return "\n".join(lines) + "\n"
    lines = [f"{deduction.id} {deduction.title}", "", deduction.text, "",
             f"每条错误扣 {deduction.points:g} 分，警告扣 {deduction.warning_points:g} 分，上限 {deduction.cap:g} 分（默认值）。"]
    if deduction.disqualify:
        lines.append("错误级别的问题一经查实，取消验收资格。")
    if related:
        lines.append("相关检查：" + "、".join(related) + "（credit-check explain 检查编号 查看说明）")
    return "\n".join(lines) + "\n"


def _explain_requirement(catalogue: Catalogue, sub: str, lang: str) -> str:
    """What `missing:notice` / `partial:monthly-record` / `unknown:…` means, and which tasks ask for it."""
    status, _, req_id = sub.partition(":")
    uses = [(item, req) for item in catalogue.scored_items() for req in item.requirements if req.id == req_id]
    if lang == "en":
        meaning = {"missing": "no file fits the requirement", "partial": "some periods or items are missing",
                   "unknown": "undated files might fill the gaps, but their dates cannot be read"}.get(status, status)
        lines = [f"{sub}: requirement `{req_id}` — {meaning}."]
        lines += [f"  {item.id} {_en(lang, item.title, item.title_en)}: {req.label_en or req.label}" for item, req in uses]
    else:
        meaning = {"missing": "没有符合要求的材料", "partial": "部分季度、月份或领域缺少材料",
                   "unknown": "有未标日期的材料可能补足缺口，但无法确定其日期"}.get(status, status)
        lines = [f"{sub}：材料要求 {req_id} — {meaning}。"]
        lines += [f"  {item.id} {item.title}：{req.label}" for item, req in uses]
    return "\n".join(lines) + "\n\n"


def known_rules(catalogue: Catalogue) -> frozenset[str]:
    """Every rule id a finding can carry: the catalogue's deduction items, the other rules of
    the tool (`OTHER_RULES`), and those the registered checks declare (`RULE`, the rule column
    of their documentation's table)."""
    rules = {d.id for d in catalogue.deductions} | set(OTHER_RULES)
    for mod in CHECKS.values():
        if isinstance(rule := getattr(mod, "RULE", None), str):
            rules.add(rule)
        rules.update(r for _, r in _table_rules(_doc(mod)))
    return frozenset(rules)


def explain_item(catalogue: Catalogue, ident: str, lang: str = "zh") -> str | None:
    """The explanation of `ident` (see the module docstring), or None when nothing has that id."""
    key = ident.strip()
    item = catalogue.task(key) or catalogue.task(key.upper())
    if item is not None:
        return _explain_task(catalogue, item, lang)
    deduction = catalogue.deduction(key.upper())
    if deduction is not None:
        return _explain_deduction(catalogue, deduction, lang)
    module = CHECKS.get(key)
    if module is not None:
        return f"{key}\n\n{_doc(module)}\n"
    if key == EVIDENCE_SOURCE:
        return f"{key}\n\n{_doc(evaluate)}\n"
    if key == WAIVERS_ID:
        return f"{key}\n\n{_doc(waivers)}\n"
    if "/" in key:  # "D7/no-stamp", "read-error/corrupt", "evidence/missing:notice": rule / sub-check
        rule, _, sub = key.partition("/")
        if rule == EVIDENCE_SOURCE and re.fullmatch(r"(missing|partial|unknown):.+", sub):
            return _explain_requirement(catalogue, sub, lang) + (explain_item(catalogue, rule, lang) or "")
        owner = _owner_of(sub, rule)
        if owner is None:
            return explain_item(catalogue, rule, lang)
        head = _rule_head(catalogue, rule, sub, owner, lang)
        return head + (explain_item(catalogue, owner, lang) or "")
    owner = _owner_of(key)
    return explain_item(catalogue, owner, lang) if owner else None


def _rule_head(catalogue: Catalogue, rule: str, sub: str, owner: str, lang: str) -> str:
    deduction = catalogue.deduction(rule)
    if lang == "en":
        title = f" ({_en(lang, deduction.title, deduction.title_en)})" if deduction else ""
        return f"{rule}/{sub}: sub-check `{sub}` of rule {rule}{title}, found by the check `{owner}`.\n\n"
    title = f"（{deduction.title}）" if deduction else ""
    return f"{rule}/{sub}：规则 {rule}{title} 的子检查 {sub}，由检查 {owner} 给出。\n\n"


def _owner_of(sub_check: str, rule: str | None = None) -> str | None:
    """The check whose documentation names `sub_check` (a finding's `check` field); among
    several, one that produces `rule`."""
    if not sub_check:
        return None
    if re.fullmatch(r"(missing|partial|unknown):.+", sub_check):
        return EVIDENCE_SOURCE
    named = [cid for cid, mod in CHECKS.items() if re.search(rf"`{re.escape(sub_check)}`", _doc(mod))]
    if rule is not None:
        of_rule = set(_checks_of(rule))
        named.sort(key=lambda cid: cid not in of_rule)
    return named[0] if named else None
