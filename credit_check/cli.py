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

from credit_check import __version__, console

if TYPE_CHECKING:  # imported where used: `--help` and `--version` load none of them (docs/performance.md)
    from credit_check.catalogue import Catalogue
    from credit_check.gates import Gate
    from credit_check.model import Report
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
    markdown = "markdown"


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
    from credit_check.catalogue import CatalogueError, load_catalogue

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


def gate(report: Report, catalogue: Catalogue, fail_under: float | None, fail_on: FailOn,
         fail_on_new: bool = False) -> Gate:
    """The audit's exit code and its reasons, decided in this one place (`credit_check.gates`).
    With `fail_on_new` (--fail-on-new, needs --baseline) --fail-on counts only the findings new
    since the baseline, at `error` when --fail-on is not given."""
    from credit_check.baseline import new_findings
    from credit_check.gates import decide

    level = FailOn.error if fail_on_new and fail_on is FailOn.never else fail_on
    return decide(report, fail_under=fail_under, fail_on=level.value,
                  disqualifying={d.id for d in catalogue.deductions if d.disqualify},
                  counted=new_findings(report) if fail_on_new else None, new_only=fail_on_new)


def _note(message: str) -> None:
    typer.echo(f"credit-check: {message}", err=True)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"credit-check {__version__}")
        raise typer.Exit(0)


@app.callback()
def _main(
    version: Annotated[bool, typer.Option("--version", "-V", callback=_version, is_eager=True,
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
    markdown_out: Annotated[Path | None, typer.Option("--markdown", help="另写一份 Markdown 摘要（合并请求、CI 摘要）/ also write a Markdown summary to FILE")] = None,
    xlsx_out: Annotated[Path | None, typer.Option("--xlsx", help="另写一份按责任单位的整改清单 XLSX / also write the per-unit rectification workbook")] = None,
    verify_list: Annotated[Path | None, typer.Option("--verify-list", help="另写一份带水印照片的核验清单 CSV（路径、SHA-256、防伪码、水印时间），供向水印相机厂商核验；本工具不联网 / also write a CSV of stamped photos (path, sha256, code, stamp time) to check with the app's vendor")] = None,
    baseline: Annotated[Path | None, typer.Option(help="与之比较的旧 JSON 报告：标出新问题和已解决的问题 / an earlier JSON report: mark new and fixed findings")] = None,
    fail_on_new: Annotated[bool, typer.Option("--fail-on-new", help="--fail-on 只计新问题（需 --baseline；未给 --fail-on 时按 error）/ --fail-on counts only new findings")] = False,
    previews: Annotated[bool, typer.Option("--previews/--no-previews", help="HTML 报告中附问题材料的缩略图 / pictures of the evidence in the HTML report")] = True,
    fail_under: Annotated[float | None, typer.Option(help="得分低于此值时退出码为 1 / exit 1 below this score")] = None,
    fail_on: Annotated[FailOn, typer.Option(help="出现该级别问题时退出码为 1 / exit 1 on findings of this level")] = FailOn.never,
    lang: Annotated[Lang, typer.Option(help="报告语言 / report language")] = Lang.zh,
    ocr: Annotated[bool, typer.Option("--ocr/--no-ocr", help="使用 OCR（需安装 ocr 组件）/ use OCR if installed")] = True,
    jobs: Annotated[int, typer.Option(min=0, help="并行进程数，0 为按 CPU 核数 / worker processes")] = 0,
    executor: Annotated[str | None, typer.Option("--executor", help="读取文件的位置：local（默认，本机进程）或 dask://主机:端口（Dask 集群，需 dask 组件）/ where files are read: local or dask://HOST:PORT (the dask extra)")] = None,
    cache_dir: Annotated[Path | None, typer.Option(help="缓存目录（不得位于材料目录内）/ cache folder")] = None,
    no_cache: Annotated[bool, typer.Option("--no-cache", help="不使用缓存 / do not cache facts")] = False,
    reference: Annotated[Path | None, typer.Option(help="比对抄袭的外部材料目录 / material from elsewhere to compare against")] = None,
    audit_date: Annotated[str | None, typer.Option(help="自查日期 YYYY-MM-DD（默认今天）/ audit date")] = None,
    waivers: Annotated[Path | None, typer.Option(help="已核实豁免的问题清单 YAML / findings a person has cleared")] = None,
    no_waivers: Annotated[bool, typer.Option("--no-waivers", help="忽略豁免清单（CI 用）/ ignore --waivers: nothing is cleared")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="不显示终端报告和进度，只写报告文件并说明退出原因 / no terminal report or progress")] = False,
    max_file_mb: Annotated[int, typer.Option(min=1, help="超过此大小的文件不读取 / skip files larger than this")] = 512,
    file_timeout: Annotated[int, typer.Option(min=0, help="单个文件最长读取秒数，0 为不限 / seconds per file, 0 = no limit")] = 120,
) -> None:
    """检查材料目录并输出评分报告 / audit an evidence folder and print a scored report."""
    from credit_check.baseline import BaselineError, compare, load_baseline
    from credit_check.dates import parse_day, parse_period
    from credit_check.explain import known_rules
    from credit_check.facts import ExtractOptions
    from credit_check.facts.runner import check_cache_dir
    from credit_check.model import Period
    from credit_check.outputs import write_atomic
    from credit_check.pipeline import AuditOptions, default_cache_dir, run_audit
    from credit_check.previews import add_previews
    from credit_check.reporters import render_output, write_output
    from credit_check.waivers import WaiverError, load_waivers, review_waivers

    if not root.exists():
        raise _fail(f"材料目录不存在 / folder not found: {root}")
    if not root.is_dir():
        raise _fail(f"不是文件夹 / not a folder: {root}")
    if reference is not None and not reference.is_dir():
        raise _fail(f"参考材料目录不存在 / reference folder not found: {reference}")
    cat = _catalogue(catalogue)
    try:
        cleared = load_waivers(waivers, known_rules(cat)) if waivers is not None and not no_waivers else ()
    except WaiverError as exc:
        raise _fail(str(exc)) from None
    if no_waivers and waivers is not None and not quiet:
        _note(f"--no-waivers：忽略豁免清单 / ignoring the waivers in {waivers}")
    try:
        start, end = parse_period(period) if period else (cat.settings.period_start, cat.settings.period_end)
        today = parse_day(audit_date) if audit_date else dt.date.today()
    except ValueError as exc:
        raise _fail(f"参数错误 / bad argument: {exc}") from None
    if fail_on_new and baseline is None:
        raise _fail("--fail-on-new 需要 --baseline 旧报告.json / --fail-on-new needs --baseline OLD.json")
    try:
        old_report = load_baseline(baseline) if baseline is not None else None
    except BaselineError as exc:
        raise _fail(str(exc)) from None
    outputs = [(fmt.value, output)] + [(name, path) for name, path in (
        ("json", json_out), ("html", html_out), ("sarif", sarif_out), ("junit", junit_out),
        ("markdown", markdown_out), ("xlsx", xlsx_out)) if path is not None]
    cache = None if no_cache else (cache_dir or default_cache_dir())
    targets = [p for _, p in outputs if p is not None] + ([cache] if cache else []) + ([verify_list] if verify_list else [])
    for target in targets:
        if _inside(target, root):
            raise _fail(f"报告和缓存不能写入材料目录 / reports and cache must not go inside the evidence folder: {target}")
    if cache is not None and (refused := check_cache_dir(cache, root)):
        raise _fail(refused)

    if executor is not None:
        from credit_check.executors import ExecutorError, parse_executor

        try:
            parse_executor(executor, jobs)
        except ExecutorError as exc:
            raise _fail(str(exc)) from None
    options = AuditOptions(root=root, catalogue=cat, period=Period(start=start, end=end), audit_date=today, ocr=ocr,
                           jobs=jobs, cache_dir=cache, reference=reference, waivers=cleared, executor=executor,
                           extract=ExtractOptions(ocr=ocr, max_bytes=max_file_mb * 1024 * 1024,
                                                          timeout=file_timeout))
    try:
        report = _run_with_progress(options, run_audit, show=not quiet)
        if old_report is not None:
            report = compare(report, old_report)
        if previews and any(name == "html" for name, _ in outputs):
            report = add_previews(report)
        # Files first, each whole or not at all: what the console can show never stops a report.
        for name, path in outputs:
            if path is None:
                continue
            try:
                write_output(name, report, lang.value, path, root)  # streamed where the format allows
            except OSError as exc:
                raise _fail(f"无法写入报告 / cannot write {path}: {exc.strerror or exc}") from None
        if verify_list is not None:  # stamped photos for the vendor's own check (credit_check/verifylist.py)
            from credit_check import verifylist
            try:
                write_atomic(verify_list, verifylist.render(report))
            except OSError as exc:
                raise _fail(f"无法写入报告 / cannot write {verify_list}: {exc.strerror or exc}") from None
        for name, path in outputs:
            if path is not None or (quiet and name == "text"):
                continue
            if name == "text":
                from credit_check.reporters import terminal

                if lang is Lang.zh and not console.shows_chinese():
                    _note(console.NO_CHINESE_HINT.format(encoding=console.encoding_of(sys.stdout)))
                typer.echo(console.fit(terminal.render(report, lang.value, color=sys.stdout.isatty(),
                                                       width=max(100, _terminal_width()))), nl=False)
            else:
                typer.echo(render_output(name, report, lang.value, None, root), nl=False)
    except KeyboardInterrupt:
        _note("已中断，未写入报告 / interrupted: no report was written")
        raise typer.Exit(130) from None
    for waiver_note in review_waivers(cleared, report.findings, today):
        _note(waiver_note.text("en" if lang is Lang.en or not console.can_encode("豁免", sys.stderr) else "zh"))
    verdict = gate(report, cat, fail_under, fail_on, fail_on_new)
    if verdict.code:
        sys.stdout.flush()
        typer.echo(verdict.line("en" if lang is Lang.en or not console.can_encode(verdict.line("zh"), sys.stderr)
                                else "zh"), err=True)
    raise typer.Exit(verdict.code)


def _terminal_width() -> int:
    try:
        return os.get_terminal_size().columns
    except OSError:
        return 120


def _run_with_progress(options: AuditOptions, run: Callable[..., Report], *, show: bool = True) -> Report:
    """Run the audit with a progress bar on stderr when stderr is a terminal, silently otherwise."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    if not show or not sys.stderr.isatty():
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
    item: Annotated[str, typer.Argument(help="报告中出现的任何编号，如 1.4、B1、D6、photos、D7/no-stamp、evidence")],
    catalogue: Annotated[Path | None, typer.Option("--catalogue", "-c")] = None,
    lang: Annotated[Lang, typer.Option(help="语言 / language")] = Lang.zh,
) -> None:
    """解释一项任务、扣分项或检查及如何满足 / explain a task, deduction item or check."""
    from credit_check.explain import explain_item

    text = explain_item(_catalogue(catalogue), item, lang.value)
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


@app.command()
def merge(
    reports: Annotated[list[Path], typer.Argument(help="各区县的 JSON 报告（credit-check audit --format json）/ the counties' JSON reports")],
    output: Annotated[Path | None, typer.Option("--output", "-o", help="全省汇总 JSON / the province JSON")] = None,
    html_out: Annotated[Path | None, typer.Option("--html", help="全省汇总 HTML / the province HTML page")] = None,
    catalogue: Annotated[Path | None, typer.Option("--catalogue", "-c", help="自定义指标目录 YAML / your own indicators.yaml")] = None,
    photo_distance: Annotated[int, typer.Option(min=0, max=32, help="两张照片感知哈希相差不超过此位数视为同一照片 / perceptual-hash bits within which two photos are the same")] = 6,
    text_threshold: Annotated[float, typer.Option(min=0.05, max=1.0, help="文字估计共有段落不低于此比例视为雷同 / share of passages from which two texts are the same")] = 0.5,
    common_min: Annotated[int, typer.Option(min=2, help="出现在这么多区县以上的材料视为共有材料（上级文件、范本）/ material in this many counties is shared, not a finding")] = 3,
    lang: Annotated[Lang, typer.Option(help="HTML 语言 / language of the HTML page")] = Lang.zh,
) -> None:
    """汇总各区县报告：得分表与跨区县的相同照片、文件、文字 / one province view of many county reports."""
    from credit_check.merge import MergeError, render_json
    from credit_check.merge import merge as merge_reports
    from credit_check.outputs import write_atomic
    from credit_check.reporters import province_html

    missing = [str(p) for p in reports if not p.is_file()]
    if missing:
        raise _fail(f"报告不存在 / report not found: {', '.join(missing)}")
    try:
        province = merge_reports(reports, photo_distance=photo_distance, text_threshold=text_threshold,
                                 common_min=common_min, catalogue=_catalogue(catalogue))
    except MergeError as exc:
        raise _fail(str(exc)) from None
    written = False
    for path, text in ((output, render_json(province)), (html_out, province_html.render(province, lang.value))):
        if path is None:
            continue
        try:
            write_atomic(path, text)
        except OSError as exc:
            raise _fail(f"无法写入 / cannot write {path}: {exc.strerror or exc}") from None
        written = True
    if not written:
        typer.echo(render_json(province), nl=False)


cache_app = typer.Typer(help="查看或清空读取缓存 / show or clear the facts cache", no_args_is_help=True,
                        add_completion=False, rich_markup_mode=None, pretty_exceptions_enable=False)
app.add_typer(cache_app, name="cache")
CacheDir = Annotated[Path | None, typer.Option("--cache-dir", help="缓存目录（默认为用户缓存目录）/ cache folder")]


@cache_app.command("info")
def cache_info(cache_dir: CacheDir = None, lang: Annotated[Lang, typer.Option()] = Lang.zh) -> None:
    """缓存位置、条目数和大小 / where the cache is, how many entries, how big."""
    from credit_check import cache_admin
    from credit_check.facts.runner import CACHE_VERSION, default_cache_dir

    typer.echo(cache_admin.info(cache_dir or default_cache_dir(), CACHE_VERSION).render(lang.value), nl=False)


@cache_app.command("clear")
def cache_clear(cache_dir: CacheDir = None, lang: Annotated[Lang, typer.Option()] = Lang.zh) -> None:
    """删除缓存（只删缓存自己的文件）/ delete the cache's files (nothing else)."""
    from credit_check import cache_admin
    from credit_check.facts.runner import default_cache_dir

    folder = cache_dir or default_cache_dir()
    try:
        removed, kept = cache_admin.clear(folder)
    except OSError as exc:
        raise _fail(f"无法清空缓存 / cannot clear {folder}: {exc.strerror or exc}") from None
    if lang is Lang.en:
        typer.echo(f"deleted {removed} cache files in {folder}" + (f"; {kept} other files left alone" if kept else ""))
    else:
        typer.echo(f"已删除 {removed} 个缓存文件：{folder}" + (f"；另有 {kept} 个非缓存文件未删除" if kept else ""))


def main() -> None:
    console.protect_streams()
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
