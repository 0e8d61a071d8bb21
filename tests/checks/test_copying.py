from __future__ import annotations

import random
from typing import Any

import pytest

from credit_check.checks import copying
from credit_check.model import EvidenceFile, Finding, Severity
from credit_check.spool import ArraySpool
from tests.builders.sheets import check_context, chinese_text, doc_file, edit_text


def run(files: list[EvidenceFile], reference: list[EvidenceFile] | None = None, **kw: Any) -> list[Finding]:
    return list(copying.check(files, check_context(reference=reference or [], **kw)))


def test_copy_with_changed_dates_and_numbering_is_found() -> None:
    body = chinese_text(random.Random(1), 800)
    q1 = doc_file("1.4/第一季度/会议纪要.docx", [f"2024年3月15日 领导小组会议纪要\n一、{body}"], task="1.4")
    q2 = doc_file("1.4/第二季度/会议纪要.docx", [f"2024年6月14日  领导小组会议纪要\n（一）{body}"], task="1.4")
    [finding] = run([q1, q2])
    assert finding.rule == "D1" and finding.check == "copied" and finding.severity is Severity.ERROR
    assert finding.path == q2.path and finding.related == (q1.path,)
    assert "100%" in finding.message and "共同段落" in finding.message


def test_same_activity_and_identical_files_are_not_copies() -> None:
    body = chinese_text(random.Random(2), 600)
    notice = doc_file("5.1/宣传月/通知.pdf", [body], task="5.1")
    summary = doc_file("5.1/宣传月/总结.pdf", [body], task="5.1")
    assert run([notice, summary]) == []
    same_a = doc_file("1.2/方案.pdf", [body], task="1.2", sha256="ab" * 32)
    same_b = doc_file("4.2/方案.pdf", [body], task="4.2", sha256="ab" * 32)
    assert run([same_a, same_b]) == []


def test_unrelated_and_short_documents() -> None:
    rng = random.Random(3)
    files = [doc_file(f"{i}/a.pdf", [chinese_text(rng, 700)], task="2.1") for i in range(20)]
    assert run(files) == []
    short = "信用交通宣传月活动总结"
    assert run([doc_file("a/x.pdf", [short]), doc_file("b/y.pdf", [short])]) == []


@pytest.mark.parametrize(("fraction", "flagged"), [(0.0, True), (0.01, True), (0.03, True), (0.05, True), (0.3, False)])
def test_edit_distances(fraction: float, flagged: bool) -> None:
    rng = random.Random(int(fraction * 1000) + 7)
    original = chinese_text(rng, 1500)
    copy = edit_text(original, fraction, rng)
    findings = run([doc_file("3.1/a.docx", [original], task="3.1"), doc_file("5.3/b.docx", [copy], task="5.3")])
    assert bool(findings) is flagged


def _letters(n: int, model: str, rng: random.Random) -> list[str]:
    return [f"信用承诺书\n{model}\n承诺单位：{chinese_text(rng, 100)}" for _ in range(n)]


def test_template_letters_are_compared_on_what_differs() -> None:
    rng = random.Random(4)
    model = chinese_text(rng, 1500)
    letters = _letters(6, model, rng)
    files = [doc_file(f"4.1/承诺书/企业{i}/承诺书.pdf", [text], task="4.1") for i, text in enumerate(letters)]
    assert run(files) == []
    # Without the template rule the same letters are all look-alikes.
    assert run([doc_file(f"2.2/{i}/x.pdf", [t], task="2.2") for i, t in enumerate(letters)]) != []
    # Two letters with the same filled-in content are a copy even on the template.
    files.append(doc_file("4.1/承诺书/企业9/承诺书.pdf", [letters[0]], task="4.1"))
    [finding] = run(files)
    assert {finding.path, *finding.related} == {"4.1/承诺书/企业0/承诺书.pdf", "4.1/承诺书/企业9/承诺书.pdf"}


def test_override_marks_template_material() -> None:
    rng = random.Random(5)
    model = chinese_text(rng, 1500)
    files = [doc_file(f"6.2/签到/{i}/表.pdf", [t], task="6.2") for i, t in enumerate(_letters(4, model, rng))]
    assert run(files) != []
    assert run(files, overrides=[{"glob": "6.2/签到/*", "shares_template": True}]) == []


def test_reference_material() -> None:
    rng = random.Random(6)
    article = chinese_text(rng, 3000)
    copied = doc_file("5.3/一把手谈信用.docx", [article[1000:1800]], task="5.3")
    own = doc_file("5.3/案例.docx", [chinese_text(rng, 800)], task="5.3")
    ref = doc_file("外县/文章.pdf", [article], task=None)
    findings = run([copied, own], reference=[ref])
    assert [(f.check, f.path, f.related) for f in findings] == [("copied-external", copied.path, (ref.path,))]


def test_a_crowd_of_copies_is_reported_as_a_chain() -> None:
    body = chinese_text(random.Random(8), 500)
    files = [doc_file(f"3.1/{i:02d}/信息.docx", [body], task="3.1") for i in range(40)]
    findings = run(files)
    assert 1 <= len(findings) <= 39
    assert {f.path for f in findings} | {p for f in findings for p in f.related} == {f.path for f in files}


def test_threshold_setting() -> None:
    rng = random.Random(9)
    original = chinese_text(rng, 1500)
    copy = edit_text(original, 0.05, rng)
    files = [doc_file("3.1/a.docx", [original], task="3.1"), doc_file("5.3/b.docx", [copy], task="5.3")]
    assert run(files, similarity_threshold=0.95) == []
    assert run(files, similarity_threshold=0.5) != []


def test_same_document_in_two_formats_is_not_a_copy() -> None:
    body = chinese_text(random.Random(10), 900)
    text = f"莱芜区交字〔2024〕19号\n{body}\n2024年4月28日"
    pdf = doc_file("1.2/创建工作方案.pdf", [text], task="1.2", sha256="a" * 64)
    docx = doc_file("4.2/创建工作方案.docx", [text.replace("\n", "  ")], task="4.2", sha256="b" * 64)
    [finding] = run([pdf, docx])
    assert finding.check == "same-document" and finding.severity is Severity.WARNING
    # The same text with other dates is new material made from a copy.
    copy = doc_file("4.3/方案.docx", [text.replace("2024年4月28日", "2024年9月3日")], task="4.3")
    assert [(f.path, f.check) for f in run([pdf, copy])] == [(copy.path, "copied")]


def test_photos_and_screenshots_are_not_compared() -> None:
    from credit_check.model import Kind

    body = chinese_text(random.Random(11), 600)
    shots = [doc_file(f"{t}/截图.png", [body], task=t, kind=Kind.IMAGE) for t in ("1.2", "4.2")]
    assert run(shots) == []


@pytest.mark.parametrize("block", [1, 50, 1 << 18])
def test_frequent_passages_counted_a_range_at_a_time(monkeypatch: pytest.MonkeyPatch, block: int) -> None:
    """Boilerplate is counted one range of passage values at a time (bounded memory): the passages
    found are those of counting everything at once, whatever the range."""
    import numpy as np

    monkeypatch.setattr(copying, "FREQUENT_BLOCK", block)
    rng = np.random.default_rng(4)
    common = rng.integers(0, 2**64 - 1, size=40, dtype=np.uint64, endpoint=True)
    groups = [np.unique(np.concatenate([rng.integers(0, 2**64 - 1, size=300, dtype=np.uint64, endpoint=True),
                                        rng.choice(common, size=int(rng.integers(0, 40)), replace=False)]))
              for _ in range(25)]
    groups.append(np.array([0, 2**64 - 1], dtype=np.uint64))  # the ends of the range
    groups.append(np.array([0, 2**64 - 1], dtype=np.uint64))
    groups.append(np.zeros(0, dtype=np.uint64))  # a document whose passages were all removed
    values, counts = np.unique(np.concatenate(groups), return_counts=True)
    with ArraySpool() as spool:
        refs = [spool.add(g) for g in groups]
        for least in (2, 3, 9):
            expected = values[counts >= least]
            assert len(expected) > 0
            assert np.array_equal(copying._frequent(spool, refs, least), expected)
        assert len(copying._frequent(spool, refs[:2], 3)) == 0


def test_findings_do_not_depend_on_where_the_passages_are_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    """The check keeps every document's passages in a temporary file (`credit_check.spool`); when
    none can be made they stay in memory, and the findings are the same."""
    import tempfile

    rng = random.Random(12)
    opening = chinese_text(rng, 200)  # boilerplate: in every document
    model = chinese_text(rng, 1200)
    files = [doc_file(f"{t}/{i}/记录.docx", [opening + chinese_text(rng, 600)], task=t)
             for i, t in enumerate(["1.2", "2.1", "3.1", "4.2", "5.3"] * 3)]
    body = opening + chinese_text(rng, 900)
    files += [doc_file("1.4/第一季度/会议纪要.docx", [f"2024年3月15日\n{body}"], task="1.4"),
              doc_file("5.1/宣传月/总结.docx", [f"2024年6月14日\n{body}"], task="5.1")]
    files += [doc_file(f"4.1/承诺书/企业{i}/承诺书.pdf", [t], task="4.1") for i, t in enumerate(_letters(5, model, rng))]
    article = chinese_text(rng, 3000)
    files.append(doc_file("5.3/一把手谈信用.docx", [article[500:1500]], task="5.3"))
    reference = [doc_file("外县/文章.pdf", [article], task=None)]
    in_file = run(files, reference)
    assert {f.check for f in in_file} == {"copied", "copied-external"}

    def refuse(*args: object, **kwargs: object) -> None:
        raise OSError(30, "read-only file system")

    monkeypatch.setattr(tempfile, "TemporaryFile", refuse)
    assert run(files, reference) == in_file
