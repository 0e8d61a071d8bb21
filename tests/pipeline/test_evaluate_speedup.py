"""Task evaluation groups the files by task once and classifies each file once (`evaluate.TaskFiles`):
the results are those of judging each task on its own files, however the files are handed over
(a list, the pipeline's `Records`, a grouping made beforehand), and a changed list is grouped again."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from credit_check.catalogue import load_catalogue
from credit_check.catalogue.models import Bonus, Task
from credit_check.evaluate import TaskFiles, evaluate, task_files
from credit_check.facttypes import DocumentFacts, PhotoFacts
from credit_check.model import EvidenceFile, Kind, Period
from credit_check.records import Records

CAT = load_catalogue()
YEAR = Period(start=dt.date(2024, 1, 1), end=dt.date(2024, 12, 31))
ITEMS: list[Task | Bonus] = [*CAT.tasks, *CAT.bonus]


def _doc(path: str, task: str | None, day: dt.date | None, **facts: object) -> EvidenceFile:
    return EvidenceFile(path=path, abs_path=Path("/nonexistent") / path, size=1, task=task, kind=Kind.DOCUMENT,
                        date=day, date_source="filename" if day else None, facts=DocumentFacts.model_validate(facts),
                        pages=(f"{path} 正文：交通运输 信用 {facts.get('title', '')}",))


def _photo(path: str, task: str, day: dt.date | None, *, stamp: bool) -> EvidenceFile:
    return EvidenceFile(path=path, abs_path=Path("/nonexistent") / path, size=1, task=task, kind=Kind.PHOTO,
                        date=day, date_source="stamp" if day else None, facts=PhotoFacts(stamp=stamp))


def _files() -> list[EvidenceFile]:
    files: list[EvidenceFile] = []
    domains = sorted(CAT.all_subdomains())[:6]
    for n, item in enumerate(ITEMS):
        tid = item.id
        for m in range(1, 13, 2 + n % 3):
            day = dt.date(2024, m, 10)
            files.append(_doc(f"{tid} 材料/2024-{m:02d}-10 会议纪要.pdf", tid, day, title=f"{tid} 领导小组会议纪要"))
            files.append(_photo(f"{tid} 材料/照片/IMG_{m}.jpg", tid, day, stamp=m % 2 == 1))
        files.append(_doc(f"{tid} 材料/工作方案.pdf", tid, dt.date(2024, 3, 1), title="实施方案", issued=True))
        files.append(_doc(f"{tid} 材料/台账.xlsx", tid, None, title="工作台账 月度进展"))
        files.append(_doc(f"{tid} 材料/{domains[n % len(domains)]}共享数据.pdf", tid, dt.date(2024, 6, 1),
                          title=f"{domains[(n + 1) % len(domains)]} 评价结果 公示 网站 信易"))
        files.append(_doc(f"{tid} 材料/旧文件.pdf", tid, dt.date(2019, 1, 1), title="2019 年通知"))
        broken = _doc(f"{tid} 材料/损坏.pdf", tid, dt.date(2024, 5, 5), title="会议纪要")
        files.append(broken.model_copy(update={"error": "corrupt"}))
    files.append(_doc("未归类/说明.pdf", None, None, title="说明"))
    return files


def _each(files: object, **kw: object) -> list[object]:
    return [evaluate(item, files, YEAR, CAT, bonus=item in CAT.bonus, folder=f"{item.id} 材料", **kw)  # type: ignore[arg-type]
            for item in ITEMS]


def test_results_do_not_depend_on_how_the_files_are_handed_over() -> None:
    files = _files()
    alone = [evaluate(item, [f for f in files if f.task == item.id], YEAR, CAT, bonus=item in CAT.bonus,
                      folder=f"{item.id} 材料") for item in ITEMS]
    assert any(r[0].status.value == "met" for r in alone) and any(r[1] for r in alone)
    assert _each(files) == alone
    assert _each(tuple(files)) == alone
    assert _each(Records(files)) == alone
    assert _each(files, grouped=TaskFiles(files)) == alone
    assert _each(files, grouped=TaskFiles(files[:-1])) == alone  # a grouping of other files is not used


def test_a_changed_sequence_is_grouped_again() -> None:
    files = _files()
    records = Records(files)
    assert task_files(records) is task_files(records)  # one grouping for the calls of one audit
    before = _each(records)
    target = next(i for i, f in enumerate(files) if f.task == "1.4" and f.kind is Kind.DOCUMENT)
    moved = files[target].model_copy(update={"task": "1.3"})
    changed = [*files[:target], moved, *files[target + 1:]]
    assert _each(Records(changed)) == [evaluate(item, [f for f in changed if f.task == item.id], YEAR, CAT,
                                                bonus=item in CAT.bonus, folder=f"{item.id} 材料") for item in ITEMS]
    assert _each(Records(changed)) != before
    # a list changed in place between two calls
    in_place = list(files)
    first = _each(in_place)
    in_place[target] = moved
    assert _each(in_place) == _each(list(changed)) != first


def test_a_task_lets_go_of_its_files_classification_once_judged() -> None:
    """Each item is judged on its own folder's files only, so what was worked out for them is let
    go when the item is judged (`TaskFiles.forget`): after every item the grouping holds no
    classification, and judging again gives the same results."""
    files = _files()
    grouped = TaskFiles(files)
    seen: list[int] = []
    real = grouped.materials

    def counting(f: EvidenceFile) -> object:
        seen.append(len(grouped._materials))
        return real(f)

    grouped.materials = counting  # type: ignore[method-assign]
    first = _each(files, grouped=grouped)
    assert max(seen) > 0  # classifications were kept while an item was judged …
    assert not grouped._materials and not grouped._words and not grouped._domain_text  # … and let go
    assert max(seen) < len(files) // 4  # never the whole tree's at once
    assert _each(files, grouped=grouped) == first
