"""The report stage made cheaper gives the same bytes and the same masking.

- The JSON report streamed (`json.write`, `reporters.write_output`) is the text the one-string
  form gave; SARIF written through `_indent` is `json.dumps(indent=2)`'s text; both are written
  whole or not at all.
- `_indent.dumps` is `json.dumps(ensure_ascii=False, indent=…)` and `_labels.quote_path` is
  `urllib.parse.quote(safe="/")`, over random values.
- `records.mask_findings` masks exactly what `pii.mask_text` masks, field by field, however it
  skips the texts that cannot hold personal data.
- Every format walks `report.files` at most once and never indexes it (it may be a lazily
  loaded sequence), and writing JSON imports no other reporter (no openpyxl).
"""

from __future__ import annotations

import json
import random
import subprocess
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, overload
from urllib.parse import quote

import pytest

from credit_check import fingerprint, pii
from credit_check.model import EvidenceFile, Finding, Report, Severity
from credit_check.records import mask_findings
from credit_check.reporters import _indent, _labels, render_output, write_output
from credit_check.reporters import json as json_report
from credit_check.reporters import sarif as sarif_report
from tests.builders.reports import build_report, with_odd_names
from tests.conftest import REPO_ROOT


def _report() -> Report:
    return with_odd_names(build_report(disqualified=True))


def _one_string_json(report: Report) -> str:
    """The JSON report as it was built before it was streamed: one string from `to_dict`."""
    encode = json.JSONEncoder(ensure_ascii=False, default=str).encode
    lines = []
    for key, value in json_report.to_dict(report).items():
        if isinstance(value, list) and value:
            items = ",\n".join(f"    {encode(v)}" for v in value)
            lines.append(f"  {encode(key)}: [\n{items}\n  ]")
        else:
            lines.append(f"  {encode(key)}: {encode(value)}")
    return "{\n" + ",\n".join(lines) + "\n}\n"


@pytest.mark.parametrize("variant", ["full", "empty", "no-findings"])
def test_streamed_json_is_the_one_string_report(variant: str) -> None:
    report = _report()
    if variant == "empty":
        report = report.model_copy(update={"tasks": (), "bonus": (), "findings": (), "files": ()})
    elif variant == "no-findings":
        report = report.model_copy(update={"findings": ()})
    text = json_report.render(report)
    assert text == _one_string_json(report)
    json.loads(text)


def test_sarif_is_json_dumps_indented() -> None:
    text = sarif_report.render(_report(), root_uri="file:///srv/x/")
    assert text == json.dumps(json.loads(text), ensure_ascii=False, indent=2) + "\n"


@pytest.mark.parametrize("name", ["json", "sarif", "html", "junit", "markdown", "text", "xlsx"])
def test_write_output_writes_what_render_output_gives(tmp_path: Path, name: str) -> None:
    report, root = _report(), tmp_path / "evidence"
    target = tmp_path / "out" / f"report.{name}"
    write_output(name, report, "zh", target, root)
    rendered = render_output(name, report, "zh", target, root)
    assert target.read_bytes() == (rendered.encode("utf-8") if isinstance(rendered, str) else rendered)
    assert [p.name for p in target.parent.iterdir()] == [target.name]


@pytest.mark.parametrize("name", ["json", "sarif"])
def test_a_streamed_report_is_written_whole_or_not_at_all(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                           name: str) -> None:
    target = tmp_path / "report.out"
    target.write_text("old report", encoding="utf-8")

    def broken(*args: Any) -> Any:  # fails after part of the report has been written
        raise KeyboardInterrupt

    if name == "json":
        monkeypatch.setattr(json_report, "_file", broken)
    else:
        monkeypatch.setattr(sarif_report, "_result", broken)
    with pytest.raises(KeyboardInterrupt):
        write_output(name, _report(), "zh", target)
    assert target.read_text(encoding="utf-8") == "old report"
    assert [p.name for p in tmp_path.iterdir()] == ["report.out"]  # no temporary file left


def test_indent_is_json_dumps() -> None:
    rng = random.Random(7)
    leaves: list[Any] = ["", "a\nb", "中文\u2028\x00\"\\", "\ud800", 1, -2**70, 0.1, 1e300, float("nan"),
                         float("inf"), -float("inf"), True, False, None, -0.0, Severity.ERROR]
    keys: list[Any] = ["k", "é", 1, 2.5, True, False, None, 'a"b', Severity.INFO]

    def value(depth: int) -> Any:
        r = rng.random()
        if depth > 4 or r < 0.3:
            return rng.choice(leaves)
        if r < 0.55:
            return [value(depth + 1) for _ in range(rng.randint(0, 4))]
        if r < 0.7:
            return tuple(value(depth + 1) for _ in range(rng.randint(0, 3)))
        if r < 0.8:
            return _indent.Items(value(depth + 1) for _ in range(rng.randint(0, 3)))
        return {rng.choice(keys): value(depth + 1) for _ in range(rng.randint(0, 4))}

    def plain(v: Any) -> Any:  # Items as the list they write
        if isinstance(v, _indent.Items):
            return [plain(x) for x in v.iterable]
        if isinstance(v, (list, tuple)):
            return [plain(x) for x in v]
        if isinstance(v, dict):
            return {k: plain(x) for k, x in v.items()}
        return v

    for seed in range(3000):
        for indent in (2, 4):
            rng.seed(seed)
            expected = json.dumps(plain(value(0)), ensure_ascii=False, indent=indent)
            rng.seed(seed)  # the same value again (Items are consumed once)
            assert _indent.dumps(value(0), indent) == expected
    with pytest.raises(TypeError):
        _indent.dumps({"a": object()})
    with pytest.raises(TypeError):
        _indent.dumps({(1, 2): 1})


def test_quote_path_is_urllib_quote() -> None:
    rng = random.Random(3)
    alphabet = [chr(c) for c in range(0x20, 0x250)] + list("中文材料／～ 　%/#?&+=\U0001f600\ue000\x00\x7f")
    for _ in range(20000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 30)))
        assert _labels.quote_path(text) == quote(text, safe="/")
    with pytest.raises(UnicodeEncodeError):
        _labels.quote_path("\ud800")


PERSONAL = [
    "身份证号 110101199003078515", "110101199003078515", "11010119900307002X", "手机 13812345678",
    "电话 138-1234-5678", "电话 138 1234 5678", "电话１３８１２３４５６７８", "电话１３８－１２３４－５６７８",
    "联系人 +86 13812345678", "8613812345678", "卡号 6222 0212 3456 7894", "6222021234567890128",
    "身份证 110101 19900307 8515", "身份证号码：1101011990\n03078515", "110101900307851",
    "身份证 １１０１０１１９９００３０７８５１５",
]
# Not masked by `pii.mask_text` today: ASCII digits grouped by a full-width hyphen or a no-break
# space (its early exit folds separators only when full-width digits are present). They are here
# so that `mask_findings` stays exactly `mask_text`, and masks them the day `pii` does.
PII_GAPS = ["银行卡：6222\u00a00212\u00a03456\u00a07894", "电话138－1234－5678"]
HARMLESS = ["IMG_20240309_000000.jpg", "2024-03-09 培训会", "第12行", "莱交执罚〔2024〕102号", "", "1234-5678",
            "13812345678901234567890", "金额 1234 元"]


def _reference(findings: Sequence[Finding]) -> list[Finding]:
    """`mask_findings` as it was: `mask_text` on every text of every finding."""
    m = pii.mask_text
    return [f.model_copy(update={"message": m(f.message), "message_en": m(f.message_en), "fix": m(f.fix),
                                 "fix_en": m(f.fix_en), "path": m(f.path) if f.path else None,
                                 "related": tuple(m(p) for p in f.related)}) for f in findings]


def test_mask_findings_masks_what_mask_text_masks() -> None:
    rng = random.Random(11)
    texts = PERSONAL + HARMLESS + PII_GAPS
    findings = []
    for text in texts:
        for field in ("message", "message_en", "fix", "fix_en", "path", "related"):
            value: Any = (text, "其他/" + text) if field == "related" else text
            findings.append(Finding(rule="D2", check="personal-data", severity=Severity.ERROR,
                                    **{"message": "材料", field: value}))
    pieces = ["1", "3", "8", "0", "9", "６", "-", " ", "－", "\u3000", "\n", "X", "号", "手机", "身份证", "卡号", "a"]
    for _ in range(3000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 40)))
        findings.append(Finding(rule="D2", check="x", severity=Severity.INFO, message=text, path=text[::-1] or None,
                                related=(text[1:],)))
    findings.append(Finding(rule="D5", check="x", severity=Severity.INFO, message="空路径", path=""))
    masked = mask_findings(findings)
    assert [f.model_dump() for f in masked] == [f.model_dump() for f in _reference(findings)]
    for text, f in zip(PERSONAL, masked[::6], strict=False):
        assert f.message != text, text  # each of them is personal data, and masked
    assert masked[-1].path is None


def test_fingerprints_are_unchanged() -> None:
    found = list(_report().findings) * 2  # the second copies get "#2"
    found.append(Finding(rule="D6", check="seal", severity=Severity.ERROR, path="a.pdf",
                         message="公示名单!D2 与 莱交执罚〔2024〕102号 “暂停办理所有行政许可” 第3行"))
    prints = [f.fingerprint for f in fingerprint.with_fingerprints(found)]
    seen: dict[str, int] = {}
    for f, fp in zip(found, prints, strict=True):
        k = fingerprint.key(f)
        seen[k] = seen.get(k, 0) + 1
        assert fp == fingerprint.fingerprint(f, seen[k])
    assert len(set(prints)) == len(prints)


class _Once(Sequence[EvidenceFile]):
    """A sequence that counts how often it is walked and refuses to be indexed."""

    def __init__(self, files: Sequence[EvidenceFile]) -> None:
        self.files, self.walks = tuple(files), 0

    def __iter__(self) -> Iterator[EvidenceFile]:
        self.walks += 1
        return iter(self.files)

    def __len__(self) -> int:
        return len(self.files)

    @overload
    def __getitem__(self, index: int) -> EvidenceFile: ...

    @overload
    def __getitem__(self, index: slice) -> Sequence[EvidenceFile]: ...

    def __getitem__(self, index: int | slice) -> EvidenceFile | Sequence[EvidenceFile]:
        raise AssertionError("report.files indexed by position")


@pytest.mark.parametrize("name", ["json", "sarif", "html", "junit", "markdown", "text", "xlsx"])
def test_each_format_walks_the_files_at_most_once(tmp_path: Path, name: str) -> None:
    report = _report()
    files = _Once(report.files)
    lazy = report.model_copy(update={"files": files})
    rendered = render_output(name, lazy, "en", tmp_path / "r", tmp_path / "evidence")
    assert files.walks <= 1, f"{name} walked report.files {files.walks} times"
    assert rendered == render_output(name, report, "en", tmp_path / "r", tmp_path / "evidence")
    files.walks = 0
    write_output(name, lazy, "zh", tmp_path / f"r.{name}", tmp_path / "evidence")
    assert files.walks <= 1


def test_writing_json_imports_no_other_reporter(tmp_path: Path) -> None:
    script = f"""
import sys
from pathlib import Path
from tests.builders.reports import build_report
from credit_check.reporters import write_output
write_output("json", build_report(), "zh", Path({str(tmp_path / "r.json")!r}))
loaded = sorted(m for m in sys.modules if m.startswith(("credit_check.reporters.", "openpyxl", "rich")))
print(" ".join(loaded))
"""
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=REPO_ROOT, check=True)
    assert done.stdout.split() == ["credit_check.reporters.json"]
    assert json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))["schema"] == json_report.SCHEMA
