"""Stage 7: the command line. Thin: parse arguments, call the stages, write output, set the exit code.

Exit codes: 0 done; 1 the score is under --fail-under, the result is disqualified, or a finding
matches --fail-on; 2 a usage, argument or catalogue error; 3 an internal error (a bug: report it).
"""

from __future__ import annotations

import datetime as dt
import os
import sys
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from credit_check import __version__
from credit_check.catalogue import Catalogue, CatalogueError, load_catalogue
from credit_check.dates import parse_period
from credit_check.model import Period, Report, Severity
from credit_check.waivers import WaiverError, load_waivers

if TYPE_CHECKING:
    from credit_check.pipeline import AuditOptions

app = typer.Typer(
    name="credit-check",
    help="信用交通县（市、区）创建佐证材料合规自查。Audit a Credit Transportation County evidence folder.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
)


class Format(StrEnum):
    text = "text"
    json = "json"
    html = "html"
    sarif = "sarif"
    junit = "junit"


class FailOn(StrEnum):
    error = "error"
    warning = "warning"
    never = "never"


class Lang(StrEnum):
    zh = "zh"
    en = "en"


def _fail(message: str) -> typer.Exit:
    typer.echo(f"credit-check: {message}", err=True)
    return typer.Exit(2)


def _catalogue(path: Path | None) -> Catalogue:
    try:
        return load_catalogue(path)
    except CatalogueError as exc:
        raise _fail(str(exc)) from None


def _inside(child: Path, parent: Path) -> bool:
    try:
        child.resolve().relative_to(parent.resolve())
    except ValueError:
        return False
    return True


def exit_code(report: Report, fail_under: float | None, fail_on: FailOn) -> int:
    """The audit's exit code, decided in this one place."""
    if report.score.disqualified:
        return 1
    if fail_under is not None and report.score.total < fail_under:
        return 1
    levels = {FailOn.error: {Severity.ERROR}, FailOn.warning: {Severity.ERROR, Severity.WARNING}}.get(fail_on, set())
    return 1 if any(f.severity in levels and f.waived is None for f in report.findings) else 0


def _version(value: bool) -> None:
    if value:
        typer.echo(f"credit-check {__version__}")
        raise typer.Exit(0)


@app.callback()
def _main(
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                          help="显示版本 / show the version")] = False,
) -> None:
    """信用交通县（市、区）创建佐证材料合规自查。"""


@app.command()
def audit(
    root: Annotated[Path, typer.Argument(help="佐证材料根目录 / the evidence folder (read only)")],
    catalogue: Annotated[Path | None, typer.Option("--catalogue", "-c", help="自定义指标目录 YAML / your own indicators.yaml")] = None,
    period: Annotated[str | None, typer.Option(help="考核期 START..END，如 2024-01-01..2024-12-31（默认取目录设置）")] = None,
    fmt: Annotated[Format, typer.Option("--format", "-f", help="输出格式 / output format")] = Format.text,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="写入文件而非屏幕 / write to FILE")] = None,
    json_out: Annotated[Path | None, typer.Option("--json", help="另写一份 JSON 报告 / also write JSON to FILE")] = None,
    html_out: Annotated[Path | None, typer.Option("--html", help="另写一份 HTML 报告 / also write HTML to FILE")] = None,
    sarif_out: Annotated[Path | None, typer.Option("--sarif", help="另写一份 SARIF / also write SARIF to FILE")] = None,
    junit_out: Annotated[Path | None, typer.Option("--junit", help="另写一份 JUnit XML / also write JUnit to FILE")] = None,
    fail_under: Annotated[float | None, typer.Option(help="得分低于此值时退出码为 1 / exit 1 below this score")] = None,
    fail_on: Annotated[FailOn, typer.Option(help="出现该级别问题时退出码为 1 / exit 1 on findings of this level")] = FailOn.never,
    lang: Annotated[Lang, typer.Option(help="报告语言 / report language")] = Lang.zh,
    ocr: Annotated[bool, typer.Option("--ocr/--no-ocr", help="使用 OCR（需安装 ocr 组件）/ use OCR if installed")] = True,
    jobs: Annotated[int, typer.Option(min=0, help="并行进程数，0 为按 CPU 核数 / worker processes")] = 0,
    cache_dir: Annotated[Path | None, typer.Option(help="缓存目录（不得位于材料目录内）/ cache folder")] = None,
    no_cache: Annotated[bool, typer.Option("--no-cache", help="不使用缓存 / do not cache facts")] = False,
    reference: Annotated[Path | None, typer.Option(help="比对抄袭的外部材料目录 / material from elsewhere to compare against")] = None,
    audit_date: Annotated[str | None, typer.Option(help="自查日期 YYYY-MM-DD（默认今天）/ audit date")] = None,
    waivers: Annotated[Path | None, typer.Option(help="已核实豁免的问题清单 YAML / findings a person has cleared")] = None,
    max_file_mb: Annotated[int, typer.Option(min=1, help="超过此大小的文件不读取 / skip files larger than this")] = 512,
    file_timeout: Annotated[int, typer.Option(min=0, help="单个文件最长读取秒数，0 为不限 / seconds per file, 0 = no limit")] = 120,
) -> None:
    """检查材料目录并输出评分报告 / audit an evidence folder and print a scored report."""
    from credit_check.facts import ExtractOptions
    from credit_check.pipeline import AuditOptions, default_cache_dir, run_audit
    from credit_check.reporters import FORMATS, terminal

    if not root.exists():
        raise _fail(f"材料目录不存在 / folder not found: {root}")
    if not root.is_dir():
        raise _fail(f"不是文件夹 / not a folder: {root}")
    if reference is not None and not reference.is_dir():
        raise _fail(f"参考材料目录不存在 / reference folder not found: {reference}")
    cat = _catalogue(catalogue)
    try:
        cleared = load_waivers(waivers) if waivers is not None else ()
    except WaiverError as exc:
        raise _fail(str(exc)) from None
    try:
        start, end = parse_period(period) if period else (cat.settings.period_start, cat.settings.period_end)
        today = dt.date.fromisoformat(audit_date) if audit_date else dt.date.today()
    except ValueError as exc:
        raise _fail(f"参数错误 / bad argument: {exc}") from None
    outputs = [(fmt.value, output)] + [(name, path) for name, path in (
        ("json", json_out), ("html", html_out), ("sarif", sarif_out), ("junit", junit_out)) if path is not None]
    cache = None if no_cache else (cache_dir or default_cache_dir())
    targets = [p for _, p in outputs if p is not None] + ([cache] if cache else [])
    for target in targets:
        if _inside(target, root):
            raise _fail(f"报告和缓存不能写入材料目录 / reports and cache must not go inside the evidence folder: {target}")

    options = AuditOptions(root=root, catalogue=cat, period=Period(start=start, end=end), audit_date=today, ocr=ocr,
                           jobs=jobs, cache_dir=cache, reference=reference, waivers=cleared,
                           extract=ExtractOptions(ocr=ocr, max_bytes=max_file_mb * 1024 * 1024,
                                                          timeout=file_timeout))
    report = _run_with_progress(options, run_audit)

    for name, path in outputs:
        if name == "text" and path is None:
            typer.echo(terminal.render(report, lang.value, color=sys.stdout.isatty(),
                                       width=max(100, _terminal_width())), nl=False)
            continue
        text = FORMATS[name](report, lang.value)
        if path is None:
            typer.echo(text, nl=False)
            continue
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        except OSError as exc:
            raise _fail(f"无法写入报告 / cannot write {path}: {exc.strerror or exc}") from None
    raise typer.Exit(exit_code(report, fail_under, fail_on))


def _terminal_width() -> int:
    try:
        return os.get_terminal_size().columns
    except OSError:
        return 120


def _run_with_progress(options: AuditOptions, run: Callable[..., Report]) -> Report:
    """Run the audit with a progress bar on stderr when stderr is a terminal, silently otherwise."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    if not sys.stderr.isatty():
        return run(options)
    with Progress(TextColumn("读取材料"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                  transient=True) as bar:
        task = bar.add_task("files", total=None)

        def tick(done: int, total: int, path: str) -> None:
            bar.update(task, completed=done, total=total)

        return run(options, tick)


@app.command()
def init(
    directory: Annotated[Path, typer.Argument(help="要创建的材料目录 / folder to create")],
    catalogue: Annotated[Path | None, typer.Option("--catalogue", "-c")] = None,
) -> None:
    """按指标目录创建标准的空材料目录 / scaffold the canonical empty evidence tree."""
    from credit_check.scaffold import scaffold

    cat = _catalogue(catalogue)
    if directory.exists() and not directory.is_dir():
        raise _fail(f"已存在同名文件 / a file of that name exists: {directory}")
    try:
        made = scaffold(directory, cat)
    except OSError as exc:
        raise _fail(f"无法创建 / cannot create {directory}: {exc.strerror or exc}") from None
    typer.echo(f"已创建 {made} 个文件夹：{directory}")


@app.command()
def indicators(
    catalogue: Annotated[Path | None, typer.Option("--catalogue", "-c")] = None,
    lang: Annotated[Lang, typer.Option()] = Lang.zh,
) -> None:
    """列出指标目录 / list the catalogue's tasks, bonus and deduction items."""
    from credit_check.explain import list_catalogue

    typer.echo(list_catalogue(_catalogue(catalogue), lang.value), nl=False)


@app.command()
def explain(
    item: Annotated[str, typer.Argument(help="任务编号、加分项、扣分项或检查编号，如 1.4、B1、D6、photos")],
    catalogue: Annotated[Path | None, typer.Option("--catalogue", "-c")] = None,
) -> None:
    """解释一项任务、扣分项或检查及如何满足 / explain a task, deduction item or check."""
    from credit_check.explain import explain_item

    text = explain_item(_catalogue(catalogue), item)
    if text is None:
        raise _fail(f"未知编号 / unknown id: {item}（用 credit-check indicators 查看 / see `credit-check indicators`）")
    typer.echo(text, nl=False)


@app.command()
def inspect(
    file: Annotated[Path, typer.Argument(help="要查看的文件 / the file to inspect")],
    annotate: Annotated[Path | None, typer.Option(help="把检测框画到图片 / write a PNG with the detections boxed")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="以 JSON 输出 / print JSON")] = False,
    ocr: Annotated[bool, typer.Option("--ocr/--no-ocr")] = True,
    catalogue: Annotated[Path | None, typer.Option("--catalogue", "-c", help="指标目录 / catalogue YAML")] = None,
    task: Annotated[str | None, typer.Option(help="按该任务判断（默认取所在文件夹）/ judge as evidence of this task")] = None,
) -> None:
    """显示单个文件的识别结果 / print what the tool reads from one file."""
    from credit_check.inspect_file import inspect_file

    if not file.is_file():
        raise _fail(f"文件不存在 / file not found: {file}")
    if annotate is not None and _inside(annotate, file.parent):
        raise _fail(f"标注图片不能写入材料目录 / write the picture outside the evidence folder: {annotate}")
    cat = _catalogue(catalogue)
    if task is not None and cat.task(task) is None:
        raise _fail(f"未知任务编号 / unknown task id: {task}")
    typer.echo(inspect_file(file, catalogue=cat, as_json=as_json, ocr=ocr, annotate=annotate, task=task), nl=False)


def main() -> None:
    try:
        app()
    except KeyboardInterrupt:
        typer.echo("credit-check: 已中断 / interrupted", err=True)
        sys.exit(130)
    except Exception as exc:  # a bug of ours: say so in one line; CREDIT_CHECK_DEBUG=1 shows the traceback
        if os.environ.get("CREDIT_CHECK_DEBUG"):
            raise
        typer.echo(f"credit-check: 内部错误 / internal error: {type(exc).__name__}: {exc} "
                   "(set CREDIT_CHECK_DEBUG=1 for details and report it)", err=True)
        sys.exit(3)
