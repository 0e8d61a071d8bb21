"""Findings share pydantic's set of the fields given (`model_fields_set`): a report's thousands
of findings, copied a few times by the pipeline, do not each carry their own (~730 bytes)."""

from __future__ import annotations

from credit_check.fingerprint import with_fingerprints
from credit_check.model import Finding, Severity, finding


def _made(n: int) -> list[Finding]:
    return [finding("D5", "layout", Severity.WARNING, None, (f"第{i}个文件放错了位置", "移到任务文件夹"),
                    (f"file {i} misplaced", "move it"), path=f"1.1 领导小组/{i}.pdf") for i in range(n)]


def test_findings_with_the_same_fields_given_share_one_set() -> None:
    made = _made(3)
    assert made[0].model_fields_set is made[1].model_fields_set is made[2].model_fields_set
    assert made[0].model_fields_set == {"rule", "check", "severity", "message", "fix", "message_en", "fix_en", "path"}
    other = Finding(rule="D2", check="pii", severity=Severity.ERROR, message="身份证号")
    assert other.model_fields_set == {"rule", "check", "severity", "message"}


def test_a_copy_adds_its_names_without_changing_the_originals() -> None:
    made = _made(2)
    before = set(made[0].model_fields_set)
    stamped = [f.model_copy(update={"deduction": -0.5}) for f in made]
    assert stamped[0].model_fields_set == before | {"deduction"}
    assert stamped[0].model_fields_set is stamped[1].model_fields_set
    assert made[0].model_fields_set == before and made[1].model_fields_set == before
    printed = with_fingerprints(stamped)
    assert all(f.fingerprint for f in printed)
    assert printed[0].model_fields_set == before | {"deduction", "fingerprint"}
    assert printed[0].model_dump(exclude_unset=True) == {**made[0].model_dump(exclude_unset=True),
                                                         "deduction": -0.5, "fingerprint": printed[0].fingerprint}
