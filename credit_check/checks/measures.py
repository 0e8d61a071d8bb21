"""punishment-measures — 失信惩戒措施缺少合法依据（扣分项 3，D3）.

**What it finds.** The list of joint punishment measures (联合惩戒措施清单) — a spreadsheet, or a
table in a document, whose path or title says 惩戒措施 (or 惩戒 + 清单) and which has a measure
column (措施, 惩戒措施, 措施内容) and a basis column (依据, 法律依据, 设定依据, 政策依据). For each
measure:

- ``no-basis`` (error): the basis is empty;
- ``weak-basis`` (warning): the basis cites no law (《…法》), no regulation (《…条例》), and no
  Party Central Committee or State Council document (国发, 国办发, 中发, 中办发, 国函 … numbers, or
  a 《…》 issued by 中共中央 / 国务院 and their offices). A ministry or local document alone is not a
  lawful basis for a punishment measure (国办发〔2020〕49号 requires law, regulation or central policy).

**Why.** 扣分项 3 deducts points for improper or abusive use of dishonesty-punishment measures;
a measure without a lawful basis is the plainest case.

**How to fix.** Give each measure its basis — the law or regulation and the article, or the
central policy document with its number — or remove the measure from the list.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING

from credit_check.model import EvidenceFile, Finding, Severity, finding

if TYPE_CHECKING:
    from credit_check.checks import CheckContext

ID = "punishment-measures"
RULE = "D3"

_LIST = re.compile(r"惩戒措施|惩戒.{0,8}清单|失信惩戒")
_MEASURE = re.compile(r"措施")
_BASIS = re.compile(r"依据")
_LAW = re.compile(r"《[^》]{0,60}((?<!办)法|条例)(（[^）]*）)?》")
_CENTRAL_NO = re.compile(r"(国发|国办发|中发|中办发|国函|国办函|厅字|中办字)\s*[〔\[（(【]\s*\d{4}\s*[〕\]）)】]\s*\d+\s*号")
_CENTRAL_ISSUER = re.compile(r"(中共中央|党中央|中央办公厅|国务院|中办|国办)[^。；;]{0,40}《[^》]+》|《[^》]+》[^。；;]{0,10}(国发|国办发|中发|中办发)")
_CELL_SPLIT = re.compile(r"\t|\s*[|｜│]\s*|\s{2,}")


def lawful(basis: str) -> bool:
    """True when `basis` cites a law, a regulation or a central Party / State Council document."""
    return bool(_LAW.search(basis) or _CENTRAL_NO.search(basis) or _CENTRAL_ISSUER.search(basis))


def _label(line: str) -> bool:
    return 0 < len(line) <= 12 and not any(c.isdigit() for c in line) and "《" not in line


def _stacked(lines: list[str]) -> Iterator[tuple[int, tuple[str, ...]]]:
    """Rows of a table whose cells come one per line (Word table cells are paragraphs): a header
    block of short labels starting with 序号 and naming a measure and a basis, then rows of as
    many lines, each starting with its number. Stops at the first row that does not fit."""
    for i, line in enumerate(lines):
        if line not in ("序号", "编号"):
            continue
        end = i
        while end + 1 < len(lines) and _label(lines[end + 1]):
            end += 1
        header = lines[i:end + 1]
        if not (any(_MEASURE.search(h) for h in header) and any(_BASIS.search(h) for h in header)):
            continue
        yield i + 1, tuple(header)
        pos = end + 1
        while pos + len(header) <= len(lines) and lines[pos].isdigit():
            yield pos + 1, tuple(lines[pos:pos + len(header)])
            pos += len(header)
        return


def _tables(f: EvidenceFile) -> Iterator[tuple[str, int, tuple[str, ...]]]:
    """(place, row number, cells) of every table row: spreadsheet rows, document lines split on
    tabs, bars or wide gaps, or Word table cells one per line."""
    for sheet in f.sheets:
        for r, row in enumerate(sheet.rows):
            yield sheet.name, r + 1, row
    for p, page in enumerate(f.pages, start=1):
        lines = [line.strip() for line in page.split("\n")]
        for n, line in enumerate(lines, start=1):
            cells = tuple(c.strip() for c in _CELL_SPLIT.split(line))
            if len(cells) >= 2:
                yield f"第{p}页", n, cells
        for n, cells in _stacked(lines):
            yield f"第{p}页", n, cells


def _measures(f: EvidenceFile) -> Iterator[tuple[str, int, str, str]]:
    """(place, row, measure, basis) for every row under a header with measure and basis columns."""
    columns: dict[str, tuple[int, int]] = {}
    for place, row_no, cells in _tables(f):
        measure_col = next((i for i, c in enumerate(cells) if len(c) <= 12 and _MEASURE.search(c)), None)
        basis_col = next((i for i, c in enumerate(cells) if len(c) <= 12 and _BASIS.search(c)), None)
        table = place if f.sheets else ""  # a document's table runs on across pages
        if measure_col is not None and basis_col is not None and measure_col != basis_col:
            columns[table] = (measure_col, basis_col)
            continue
        if table not in columns:
            continue
        m, b = columns[table]
        measure = cells[m] if m < len(cells) else ""
        if measure:
            yield place, row_no, measure, cells[b] if b < len(cells) else ""


def check(files: Sequence[EvidenceFile], ctx: CheckContext) -> Iterator[Finding]:
    for f in files:
        title = next((line for line in f.text.splitlines()[:5] if line.strip()), "")
        if not (_LIST.search(f.path) or _LIST.search(title)):
            continue
        for place, row_no, measure, basis in _measures(f):
            where = f"{place} 第{row_no}行" if f.sheets else f"{place}"
            short = measure[:40]
            page = int(place[1:-1]) if not f.sheets else None
            if not basis.strip():
                yield finding(RULE, "no-basis", Severity.ERROR, f, (
                    f"{where}：惩戒措施“{short}”未写明设定依据",
                    "写明该措施依据的法律、法规或党中央、国务院政策文件（含条款或文号），否则从清单中删除"), (
                    f"{where}: the measure '{short}' gives no basis",
                    "cite the law, regulation or central policy document (with article or number), or remove the measure"),
                    page=page)
            elif not lawful(basis):
                yield finding(RULE, "weak-basis", Severity.WARNING, f, (
                    f"{where}：惩戒措施“{short}”的依据“{basis[:40]}”未引用法律、法规或党中央、国务院文件",
                    "补充法律、法规或党中央、国务院政策文件依据；部门或地方文件不能单独作为惩戒依据"), (
                    f"{where}: the basis of '{short}' cites no law, regulation or central document",
                    "add a law, regulation or central policy document; a ministry or local document alone is not enough"),
                    page=page)
