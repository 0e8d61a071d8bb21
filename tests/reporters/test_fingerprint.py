"""Finding fingerprints (`credit_check.fingerprint`): stable across wording, points and waivers;
different for a different place or different evidence; unique within a report."""

from __future__ import annotations

from credit_check.fingerprint import fingerprint, key, locators, with_fingerprints
from credit_check.model import Finding, Severity
from tests.builders.reports import build_report

LEDGER = "4.5 信用修复/双公示台账.xlsx"


def _late(row: int, number: str, days: int = 8, message_tail: str = "") -> Finding:
    return Finding(rule="D4", check="late", severity=Severity.ERROR, path=LEDGER, task="4.5",
                   message=f"行政处罚 第{row}行（莱交执罚〔2024〕{number}号）：超过 7 个工作日时限，用时 {days} 个工作日"
                           + message_tail, deduction=-1)


def test_wording_points_severity_and_waivers_do_not_change_it() -> None:
    base = _late(3, "102")
    same = base.model_copy(update={
        "message": "行政处罚 第 3 行（莱交执罚〔2024〕102号）公示超期：用时 9 个工作日（措辞已改）",
        "message_en": "published late", "fix": "另一种说法", "severity": Severity.WARNING, "deduction": -0.5,
        "waived": "已核实", "source": "double-publicity"})
    assert fingerprint(base) == fingerprint(same)
    assert len(fingerprint(base)) == 32 and int(fingerprint(base), 16) >= 0


def test_place_and_evidence_change_it() -> None:
    base = _late(3, "102")
    assert fingerprint(base) != fingerprint(_late(3, "103"))  # another decision
    assert fingerprint(base) != fingerprint(base.model_copy(update={"path": "4.5 信用修复/另一本台账.xlsx"}))
    assert fingerprint(base) != fingerprint(base.model_copy(update={"check": "unpublished"}))
    assert fingerprint(base) != fingerprint(base.model_copy(update={"rule": "D5"}))
    assert fingerprint(base) != fingerprint(base.model_copy(update={"page": 2}))
    # The document number identifies the row better than its position: a row inserted above keeps it.
    assert fingerprint(base) == fingerprint(_late(4, "102"))


def test_rows_identify_a_finding_only_when_nothing_better_is_named() -> None:
    assert locators("联合惩戒措施清单 第4行：惩戒措施“暂停办理所有行政许可”未写明设定依据") == ("q:暂停办理所有行政许可",)
    assert locators("第 3 行公示日期晚于期限") == ("row:3",)
    assert locators("手机号 2 处（位置：公示名单!D2、公示名单!D3）") == ("cell:公示名单!D2", "cell:公示名单!D3")
    assert locators("出台文件缺少公章（第1页没有发现红色印章）") == ()


def test_related_paths_and_string_evidence_count_numbers_do_not() -> None:
    reused = Finding(rule="D1", check="reused", severity=Severity.ERROR, path="5.1/a.jpg",
                     related=("5.4/b.jpg", "6.2/c.jpg"), message="同一张照片在 3 处使用（共同段落：“甲乙丙”）",
                     evidence={"phash": "ffee00", "distance": 3})
    reordered = reused.model_copy(update={"related": ("6.2/c.jpg", "5.4/b.jpg"), "message": "同一张照片（措辞）",
                                          "evidence": {"phash": "ffee00", "distance": 5}})
    assert fingerprint(reused) == fingerprint(reordered)  # related is a set; numbers are measurements
    assert fingerprint(reused) != fingerprint(reused.model_copy(update={"related": ("5.4/b.jpg",)}))
    assert fingerprint(reused) != fingerprint(reused.model_copy(update={"evidence": {"phash": "0000ff"}}))


def test_task_requirements_are_identified_by_task_not_folder_or_wording() -> None:
    gap = Finding(rule="evidence", check="partial:monthly-record", severity=Severity.ERROR, task="1.2",
                  path="一、制度建设/1.2 创建工作方案", message="1.2：2024年10月、2024年11月无月度工作记录")
    fewer = gap.model_copy(update={"path": "一、制度建设/1.2 方案（改名）", "message": "1.2：2024年11月无月度工作记录"})
    assert fingerprint(gap) == fingerprint(fewer)
    assert fingerprint(gap) != fingerprint(gap.model_copy(update={"task": "1.3"}))
    assert "path:" not in key(gap)


def test_unique_within_a_report_and_stable_between_runs() -> None:
    twins = [_late(3, "102"), _late(3, "102", days=9)]  # the same key twice: told apart by order
    first = [f.fingerprint for f in with_fingerprints(twins)]
    assert len(set(first)) == 2 and first == [f.fingerprint for f in with_fingerprints(twins)]
    report = build_report(disqualified=True)
    prints = [f.fingerprint for f in with_fingerprints(report.findings)]
    assert len(set(prints)) == len(prints) and all(prints)


def test_the_audit_stamps_every_finding() -> None:
    from tests.reporters.samples import sample_report

    report = sample_report("evidence")
    prints = [f.fingerprint for f in report.findings]
    assert all(prints) and len(set(prints)) == len(prints)
    assert prints == [f.fingerprint for f in with_fingerprints(f.model_copy(update={"fingerprint": ""})
                                                            for f in report.findings)]


def test_a_task_requirement_stays_itself_whichever_files_it_names() -> None:
    unknown = Finding(rule="evidence", check="unknown:quarterly-meeting", severity=Severity.INFO, task="1.4",
                      message="第四季度无会议记录（有 1 个文件无法确定日期）", related=("1.4/纪要（第四次）.pdf",))
    assert fingerprint(unknown) == fingerprint(unknown.model_copy(update={"related": ()}))
