"""A realistic `Report` built directly from the records, for reporter tests.

`build_report()` gives tasks of every status over several primary indicators, a bonus item,
findings of every severity (Chinese paths with spaces and '#', one finding without a path, a
finding shared by two units, one that belongs to no task), an unreadable file, and markup-like
text that a reporter must escape. `build_report(disqualified=True)` is the variant with a
confirmed D1 finding.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from credit_check.model import (
    EvidenceFile,
    Finding,
    Kind,
    Period,
    Report,
    RequirementResult,
    Score,
    Severity,
    Status,
    TaskResult,
)

ROOT = Path("/srv/评估材料/莱芜区 2024")
UNITS = ("法规科", "综合科", "运输发展中心", "综合执法大队")
PRIMARY = {"1": "制度建设", "2": "联动机制", "4": "信用应用", "5": "诚信宣传", "6": "培训交流", "7": "探索创新"}
UNIT_OF_TASK = {
    "1.1": ("法规科", "综合科"),
    "1.4": ("法规科",),
    "2.1": ("法规科",),
    "4.1": ("运输发展中心",),
    "5.1": ("综合科",),
    "6.2": ("运输发展中心", "综合执法大队"),
    "7.4": ("综合执法大队",),
    "B1": ("法规科",),
    "B2": ("综合科",),
    # The pipeline also maps deduction items to the units that fix findings belonging to no task.
    "D5": ("法规科",),
}

SEAL_DOC = "1.1 成立领导小组/关于成立领导小组的通知 #2.pdf"
MINUTES = "1.4 季度研究/第一季度 会议记录.docx"
PHOTO = "5.1 宣传月/活动照片 (1).jpg"
BROKEN = "2.1 共同研究/损坏的 文件.pdf"
LOOSE = "新建文件夹/新建 Microsoft Word 文档.docx"
LEDGER = "7.4 双公示/行政处罚 台账.xlsx"
DEEP = "其他材料/#临时 备份/说明 100%.txt"


def _task(
    task_id: str,
    title: str,
    points: float,
    score: float,
    status: Status,
    *,
    files: tuple[str, ...] = (),
    reasons: tuple[str, ...] = (),
    requirements: tuple[RequirementResult, ...] = (),
) -> TaskResult:
    return TaskResult(id=task_id, title=title, units=UNIT_OF_TASK[task_id], points=points, score=score,
                      status=status, files=files, reasons=reasons, requirements=requirements,
                      primary=PRIMARY.get(task_id[0], ""))


def tasks() -> tuple[TaskResult, ...]:
    quarterly = RequirementResult(
        id="quarterly-meeting",
        label="领导小组会议记录",
        status=Status.PARTIAL,
        files=(MINUTES,),
        satisfied=1,
        required=4,
        missing=("第二季度", "第三季度", "第四季度"),
    )
    return (
        _task("1.1", "成立创建工作领导小组及专班", 4, 4, Status.MET, files=(SEAL_DOC,),
              reasons=("已提供成立领导小组的通知",)),
        _task("1.4", "领导小组每季度研究创建工作并开展专题学习", 4, 1, Status.PARTIAL, files=(MINUTES,),
              reasons=("第二季度、第三季度、第四季度无会议记录",), requirements=(quarterly,)),
        _task("2.1", "与市交通运输局每季度共同研究", 4, 0, Status.UNKNOWN, files=(BROKEN,),
              reasons=("文件无法读取，无法判断 <会议> 日期",)),
        _task("4.1", "信用承诺制宣传与签订信用承诺书", 5, 0, Status.MISSING, reasons=("未找到信用承诺书",)),
        _task("5.1", "信用交通宣传月活动", 4, 4, Status.MET, files=(PHOTO,)),
        # Incomplete without any finding of its own: the to-do list must still name it.
        _task("6.2", "组织企业和从业人员参加信用知识培训", 3, 0, Status.MISSING, reasons=("未找到培训通知或签到表",)),
        _task("7.4", "“双公示”数据按时报送", 3, 0, Status.MISSING, files=(LEDGER,),
              reasons=("无按时公示的证明 & 台账不全",)),
    )


def bonus() -> tuple[TaskResult, ...]:
    return (
        _task("B1", "获评省级信用交通示范", 2, 2, Status.MET, reasons=("已提供表彰文件",)),
        _task("B2", "信用工作经验被上级推广", 1, 0, Status.MISSING),
    )


def findings(*, disqualified: bool = False) -> tuple[Finding, ...]:
    found = [
        Finding(rule="D6", check="seal", severity=Severity.ERROR, path=SEAL_DOC, page=2, task="1.1",
                message="文件未加盖公章", fix="请上传加盖公章的正式文件",
                message_en="The document bears no seal", fix_en="Upload the sealed original", deduction=-1),
        # What the pipeline says about a requirement without evidence (no path).
        Finding(rule="evidence", check="missing:commitment", severity=Severity.ERROR, task="4.1",
                message="4.1 信用承诺制宣传与签订信用承诺书：缺少：信用承诺书",
                fix="补充信用承诺书，放入任务 4.1 的文件夹",
                message_en="4.1: missing: signed credit commitments", fix_en="Add them to the folder of task 4.1"),
        Finding(rule="D6", check="number", severity=Severity.WARNING, path=SEAL_DOC, page=1, task="1.1",
                message="文号格式不规范：[2024]", fix="使用六角括号〔2024〕", deduction=0),
        Finding(rule="D7", check="no-stamp", severity=Severity.ERROR, path=PHOTO, task="5.1",
                message="照片无水印时间", fix="使用水印相机重新拍摄或提供原图",
                message_en="Photo has no time watermark", fix_en="", deduction=-0.5),
        Finding(rule="D5", check="junk-name", severity=Severity.WARNING, path=LOOSE,
                message="文件名无意义：<新建>", fix="按任务编号归档并重命名", deduction=-0.5),
        Finding(rule="read-error", check="read-error", severity=Severity.WARNING, path=BROKEN, task="2.1",
                message="文件无法读取：PDF 已加密", fix="上传未加密的版本",
                message_en="Could not read: encrypted PDF", fix_en="Upload an unencrypted copy"),
        Finding(rule="D4", check="late", severity=Severity.INFO, path=LEDGER, page=None, task="7.4",
                message="第 3 行公示日期晚于期限 2 个工作日", fix="核实公示时间", deduction=0),
        Finding(rule="coverage", check="period", severity=Severity.INFO, path=None, task="1.4",
                message="评估期内共 1 份带日期的材料", fix=""),
        # No task and a rule no unit owns: the to-do list must still show it, under "no unit".
        Finding(rule="layout", check="long-path", severity=Severity.INFO, path=DEEP, task=None,
                message="路径过长，Windows 可能无法打开", fix="缩短文件夹名称",
                message_en="Path too long for Windows", fix_en="Shorten the folder names"),
    ]
    if disqualified:
        found.append(
            Finding(rule="D1", check="copy", severity=Severity.ERROR, path=MINUTES, task="1.4",
                    message="会议记录与其他县材料雷同", fix="提供本单位真实会议记录", deduction=-5,
                    related=("1.4 季度研究/第二季度 会议记录.docx",)))
    return tuple(found)


def files() -> tuple[EvidenceFile, ...]:
    def evidence(path: str, kind: Kind, task: str | None, *, date: dt.date | None = None,
                 date_source: str | None = None, error: str | None = None) -> EvidenceFile:
        return EvidenceFile(path=path, abs_path=ROOT / path, size=1024, task=task, kind=kind, date=date,
                            date_source=date_source, error=error, sha256="ab" * 32)

    return (
        evidence(SEAL_DOC, Kind.DOCUMENT, "1.1", date=dt.date(2024, 3, 5), date_source="text"),
        evidence(MINUTES, Kind.DOCUMENT, "1.4", date=dt.date(2024, 2, 20), date_source="filename"),
        evidence(BROKEN, Kind.DOCUMENT, "2.1", error="PDF 已加密，无法读取"),
        evidence(PHOTO, Kind.PHOTO, "5.1", date=dt.date(2024, 9, 2), date_source="exif"),
        evidence(LOOSE, Kind.DOCUMENT, None),
        evidence(LEDGER, Kind.SPREADSHEET, "7.4"),
        evidence(DEEP, Kind.DOCUMENT, None),
    )


def build_report(*, disqualified: bool = False, pass_mark: float = 12.0) -> Report:
    task_results, bonus_results = tasks(), bonus()
    found = findings(disqualified=disqualified)
    task_points = sum(t.score for t in task_results)
    bonus_points = sum(b.score for b in bonus_results)
    deductions = sum(f.deduction for f in found)
    total = max(task_points + bonus_points + deductions, 0)
    return Report(
        tool_version="0.1.0",
        root=str(ROOT),
        period=Period(start=dt.date(2024, 1, 1), end=dt.date(2024, 12, 31)),
        audit_date=dt.date(2025, 1, 15),
        score=Score(total=total, max=sum(t.points for t in task_results) + sum(b.points for b in bonus_results),
                    pass_mark=pass_mark, tasks=task_points, bonus=bonus_points, deductions=deductions,
                    disqualified=disqualified, passed=not disqualified and total >= pass_mark),
        tasks=task_results,
        bonus=bonus_results,
        findings=found,
        files=files(),
        units=UNITS,
        unit_of_task=UNIT_OF_TASK,
    )


def with_odd_names(report: Report) -> Report:
    """The report plus a finding on a file whose name holds control characters (legal on POSIX)
    and a message with an ANSI escape, which XML cannot carry raw."""
    odd = "其他材料/铃\x07声\x1b[31m.txt"
    finding = Finding(rule="D5", check="junk-name", severity=Severity.ERROR, path=odd,
                      message="文件名含控制字符\x1b[0m", fix="重命名\x00文件")
    extra = EvidenceFile(path=odd, abs_path=ROOT / odd, size=1, task=None, kind=Kind.OTHER, error="无法\x0c读取")
    return report.model_copy(update={"findings": (*report.findings, finding), "files": (*report.files, extra)})
