"""Text for `credit-check indicators` and `credit-check explain ID`."""

from __future__ import annotations

import inspect
import re

from credit_check.catalogue.models import Bonus, Cadence, Catalogue, Task
from credit_check import evaluate
from credit_check.checks import CHECKS, EVIDENCE_SOURCE

_CADENCE = {Cadence.ONCE: "", Cadence.QUARTERLY: "，每季度", Cadence.MONTHLY: "，每月", Cadence.PER_DOMAIN: "，每个领域"}


def list_catalogue(catalogue: Catalogue, lang: str = "zh") -> str:
    out = [catalogue.title, ""]
    primary = None
    for task in catalogue.tasks:
        if task.primary != primary:
            primary = task.primary
            out.append(f"【{primary}】")
        out.append(f"  {task.id}  {task.title}  [{'、'.join(task.units)}]  {task.points:g} 分")
    out += ["", "【加分项】"]
    out += [f"  {b.id}  {b.title}  +{b.points:g}" for b in catalogue.bonus]
    out += ["", "【扣分项】"]
    for d in catalogue.deductions:
        extra = "，查实取消验收资格" if d.disqualify else ""
        out.append(f"  {d.id}  {d.title}  每项 -{d.points:g}，上限 -{d.cap:g}{extra}")
    out += ["", f"满分 {catalogue.max_points:g}，合格线 {catalogue.settings.pass_mark:g}（默认值，可在目录文件中修改）",
            f"考核期 {catalogue.settings.period_start} .. {catalogue.settings.period_end}"]
    return "\n".join(out) + "\n"


def _explain_task(item: Task | Bonus) -> str:
    out = [f"{item.id} {item.title}"]
    if isinstance(item, Task):
        out.append(f"一级指标：{item.primary}    二级指标：{item.secondary}")
    out.append(f"责任单位：{'、'.join(item.units) or '—'}    分值：{item.points:g}（默认值）")
    out += ["", item.text, "", "如何满足（放入以该编号开头的文件夹，如“" + item.id + " …”）："]
    for req in item.requirements:
        kinds = "、".join(m.value for m in req.material)
        words = f"，文件名或标题含：{'、'.join(req.keywords)}" if req.keywords else ""
        count = f"，至少 {req.count} 份" if req.count > 1 else ""
        out.append(f"  - {req.label}（材料类型：{kinds}{_CADENCE[req.cadence]}{count}{words}）")
    out.append("")
    out.append("按季度/月度的要求只统计能确定日期的材料：日期取自成文日期、照片拍摄时间或文件名中的日期。")
    return "\n".join(out) + "\n"


def explain_item(catalogue: Catalogue, ident: str) -> str | None:
    key = ident.strip()
    item = catalogue.task(key) or catalogue.task(key.upper())
    if item is not None:
        return _explain_task(item)
    deduction = catalogue.deduction(key.upper())
    if deduction is not None:
        related = [cid for cid, mod in CHECKS.items()
                   if re.search(rf"\b{deduction.id}\b", (inspect.getdoc(mod) or "").split("\n", 1)[0])]
        lines = [f"{deduction.id} {deduction.title}", "", deduction.text, "",
                 f"每条错误扣 {deduction.points:g} 分，警告扣 {deduction.warning_points:g} 分，上限 {deduction.cap:g} 分（默认值）。"]
        if deduction.disqualify:
            lines.append("错误级别的问题一经查实，取消验收资格。")
        if related:
            lines.append("相关检查：" + "、".join(related) + "（credit-check explain 检查编号 查看说明）")
        return "\n".join(lines) + "\n"
    module = CHECKS.get(key)
    if module is not None:
        return f"{key}\n\n{inspect.getdoc(module) or ''}\n"
    if key == EVIDENCE_SOURCE:
        return f"{key}\n\n{inspect.getdoc(evaluate) or ''}\n"
    if "/" in key:  # "D7/no-stamp", "read-error/corrupt", "evidence/missing:notice": rule / sub-check
        rule, _, sub = key.partition("/")
        owner = _owner_of(sub)
        return explain_item(catalogue, owner) if owner else explain_item(catalogue, rule)
    owner = _owner_of(key)
    return explain_item(catalogue, owner) if owner else None


def _owner_of(sub_check: str) -> str | None:
    """The check whose documentation names `sub_check` (a finding's `check` field)."""
    if not sub_check:
        return None
    if re.fullmatch(r"(missing|partial|unknown):.+", sub_check):
        return EVIDENCE_SOURCE
    for cid, mod in CHECKS.items():
        if re.search(rf"`{re.escape(sub_check)}`", inspect.getdoc(mod) or ""):
            return cid
    return None
