"""double-publicity — “双公示”迟报、漏报、瞒报（扣分项 4，D4）.

**What it finds.** Licence and penalty ledgers (XLSX, XLS, CSV) are recognised by their columns:
a decision date (决定日期, 作出决定日期, 许可决定日期, 处罚决定日期 …) and a publication date
(公示日期, 上网日期, 公开日期, 公示时间 …) or document number (决定文书号, 文书号, 许可证号,
行政处罚决定书文号 …). Every row is checked:

- ``late`` (error): published after the deadline — the decision day is day 0 and the deadline is
  the ``settings.publication_working_days``-th working day after it (default 7, 国办发〔2015〕51号);
  working days follow the State Council holiday schedule with its make-up working days;
- ``before-decision`` (error): the publication date is before the decision date;
- ``unpublished`` (error): no publication date although the deadline has passed by the audit date;
- ``bad-date`` (warning): a date that cannot be read (dates may be Excel dates, ``2024-05-06``,
  ``2024年5月6日``, ``2024.5.6``, ``2024/5/6``);
- ``calendar`` (error, once per ledger): a year whose holidays are not known — add them to
  ``settings.holidays`` / ``settings.workdays`` in the catalogue;
- ``no-publication-column`` (warning, once per ledger): a ledger called a 公示 ledger (by path,
  sheet name or title) has no publication date column, so timeliness cannot be checked. Other
  registers of decisions (信用修复台账 …) without such a column are not read.

Each finding names the sheet, the row as Excel shows it, the document number and how many
working days publication took. Past 200 rows of one kind in a ledger, the rest are counted in one
more finding.

**How to fix.** Publish the missing decisions on the government site, correct mistyped dates, and
explain late rows; keep the publication date in the ledger.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING

from credit_check.dates import parse_date
from credit_check.facts.sheet import LedgerColumns, ledger_columns
from credit_check.model import EvidenceFile, Finding, Severity, Sheet
from credit_check.workdays import CalendarError, WorkCalendar

if TYPE_CHECKING:
    from credit_check.checks import CheckContext

ID = "double-publicity"
RULE = "D4"
MAX_ROWS_REPORTED = 200  # per ledger and kind; the rest are counted in one finding


def _cell(row: tuple[str, ...], index: int | None) -> str:
    return row[index].strip() if index is not None and index < len(row) else ""


def _finding(f: EvidenceFile, check: str, severity: Severity, where: str, where_en: str,
             message: str, message_en: str, fix: str, fix_en: str) -> Finding:
    return Finding(rule=RULE, check=check, severity=severity, path=f.path, task=f.task,
                   message=f"{where}：{message}", fix=fix, message_en=f"{where_en}: {message_en}", fix_en=fix_en)


def _rows(f: EvidenceFile, sheet: Sheet, ledger: LedgerColumns, ctx: CheckContext,
          calendar: WorkCalendar) -> Iterator[Finding]:
    settings = ctx.catalogue.settings
    days = settings.publication_working_days
    cols = ledger.columns
    calendar_reported = False
    for r in range(ledger.header_row + 1, len(sheet.rows)):
        row = sheet.rows[r]
        if not any(row):
            continue
        number = _cell(row, cols.get("document_number")) or "（无文书号）"
        where = f"{sheet.name} 第{r + 1}行（{number}）"
        where_en = f"{sheet.name} row {r + 1} ({number})"
        decided_text = _cell(row, cols["decision_date"])
        published_text = _cell(row, cols.get("publication_date"))
        decided = parse_date(decided_text)
        if decided is None:
            if decided_text or published_text:
                yield _finding(f, "bad-date", Severity.WARNING, where, where_en,
                               f"决定日期“{decided_text or '空'}”无法识别，无法核对公示时限",
                               f"decision date '{decided_text}' cannot be read",
                               "填写规范的决定日期（如 2024-05-06）", "write the decision date as YYYY-MM-DD")
            continue
        published = parse_date(published_text)
        if published_text and published is None:
            yield _finding(f, "bad-date", Severity.WARNING, where, where_en,
                           f"公示日期“{published_text}”无法识别", f"publication date '{published_text}' cannot be read",
                           "填写规范的公示日期（如 2024-05-08）", "write the publication date as YYYY-MM-DD")
            continue
        try:
            due = calendar.deadline(decided, days)
            if published is None:
                if due >= ctx.audit_date:
                    continue  # not yet due on the audit date
                taken = calendar.working_days_between(decided, ctx.audit_date)
                yield _finding(f, "unpublished", Severity.ERROR, where, where_en,
                               f"决定日期 {decided}，未填写公示日期（最迟应于 {due} 公示，至自查日已过 {taken} 个工作日）",
                               f"decided {decided}, no publication date (due by {due}; {taken} working days "
                               "by the audit date)",
                               "在政府网站公示该决定并在台账中填写公示日期；已公示的补填日期",
                               "publish the decision and record the publication date")
            elif published < decided:
                yield _finding(f, "before-decision", Severity.ERROR, where, where_en,
                               f"公示日期 {published} 早于决定日期 {decided}",
                               f"published {published}, before the decision of {decided}",
                               "核对决定日期和公示日期，更正录入错误", "check both dates and correct the entry")
            elif published > due:
                taken = calendar.working_days_between(decided, published)
                off = "" if calendar.is_workday(published) else "（公示日为非工作日）"
                off_en = "" if calendar.is_workday(published) else " (published on a day off)"
                yield _finding(f, "late", Severity.ERROR, where, where_en,
                               f"决定日期 {decided}，公示日期 {published}{off}，超过 {days} 个工作日时限"
                               f"（最迟应于 {due} 公示），用时 {taken} 个工作日",
                               f"decided {decided}, published {published}{off_en}: over the {days}-working-day "
                               f"limit (due by {due}), {taken} working days",
                               f"自作出决定之日起 {days} 个工作日内上网公示；说明迟报原因",
                               f"publish within {days} working days of the decision; explain the delay")
        except CalendarError as exc:
            if not calendar_reported:
                calendar_reported = True
                yield _finding(f, "calendar", Severity.ERROR, f"{sheet.name}", f"{sheet.name}",
                               f"{exc.year} 年的法定节假日和调休安排未知（chinese-calendar 未收录），无法计算工作日",
                               f"the holiday schedule for {exc.year} is unknown; working days cannot be counted",
                               "在目录 settings.holidays / settings.workdays 中补充该年的节假日和调休日期",
                               "add that year's holidays and make-up working days to the catalogue settings")


def check(files: Sequence[EvidenceFile], ctx: CheckContext) -> Iterator[Finding]:
    settings = ctx.catalogue.settings
    calendar = WorkCalendar(holidays=settings.holidays, workdays=settings.workdays)
    for f in files:
        for sheet in f.sheets:
            ledger = ledger_columns(sheet)
            if ledger is None:
                continue
            if "publication_date" not in ledger.columns:
                title = f.path + sheet.name + "".join(c for row in sheet.rows[:ledger.header_row] for c in row)
                if "公示" not in title:
                    continue  # decisions without a publication column: a repair or case register
                yield _finding(f, "no-publication-column", Severity.WARNING, sheet.name, sheet.name,
                               "台账没有公示日期列，无法核对是否按时公示",
                               "the ledger has no publication date column; timeliness cannot be checked",
                               "在台账中增加“公示日期”列并逐条填写", "add a publication date column and fill it in")
                continue
            yield from _capped(f, sheet.name, _rows(f, sheet, ledger, ctx, calendar))


def _capped(f: EvidenceFile, sheet: str, found: Iterator[Finding]) -> Iterator[Finding]:
    """At most MAX_ROWS_REPORTED findings of each kind per ledger, then one that counts the rest."""
    seen: dict[str, int] = {}
    for finding in found:
        seen[finding.check] = seen.get(finding.check, 0) + 1
        if seen[finding.check] <= MAX_ROWS_REPORTED:
            yield finding
    for kind, count in seen.items():
        if count > MAX_ROWS_REPORTED:
            rest = count - MAX_ROWS_REPORTED
            yield _finding(f, kind, Severity.ERROR if kind != "bad-date" else Severity.WARNING, sheet, sheet,
                           f"另有 {rest} 行存在同类问题（{kind}），未逐行列出",
                           f"{rest} more rows with the same problem ({kind}) are not listed",
                           "逐行核对台账", "check the remaining rows of the ledger")
