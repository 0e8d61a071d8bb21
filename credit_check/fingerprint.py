"""Finding fingerprints: one stable identity per finding, the same from run to run.

A fingerprint lets a later report say which findings are new, which are unchanged and which are
gone (`--baseline OLD.json`), and lets code-scanning viewers track an alert across uploads
(SARIF `partialFingerprints`). It is computed here and nowhere else (`fingerprint`), from

- the rule and sub-check (`D6`, `seal`);
- the place: the file's path and page; for a task requirement that is not met (rule
  `evidence`) or a finding with no file, the task instead (the task folder may be renamed);
- the evidence: the other paths involved (`related`, sorted; not for a task requirement, which
  stays the same finding whichever files it names), the string values of the
  finding's `evidence` record (dates, hashes, codes; numbers such as days late or a similarity
  score are measurements and may move without the finding changing), and the locators and quoted
  values its message names: cells (`公示名单!D2`), document numbers (`莱交执罚〔2024〕102号`) and
  values in quotation marks (“暂停办理所有行政许可”) — or, when it names none of these, its rows
  (`第3行`). Only when a finding has no related paths are quoted values read from the message.

Never the message wording otherwise, the severity, the deduction, the waiver or the source: a
reworded message, a new point value or a waiver does not make a finding new. Findings are
fingerprinted after personal data is masked, so no hash is ever taken of a clear ID number.

Two findings of one report that still share every part are told apart by their order
(`with_fingerprints`): the second gets `#2` in its key.

The fingerprint is 32 hex digits (the first 128 bits of a SHA-256).
"""

from __future__ import annotations

import functools
import hashlib
import re
import unicodedata
from collections.abc import Iterable, Sequence

from credit_check.model import Finding

VERSION = "1"  # part of every key: bump when the recipe changes, so old baselines say so honestly
TASK_LEVEL_RULES = frozenset({"evidence"})  # findings about a task as a whole, not a file

_CELL = re.compile(r"[^\s!：:；;，,、（）()“”\"']+![A-Z]{1,3}[0-9]{1,7}")
_DOC_NUMBER = re.compile(r"[\u4e00-\u9fff]{1,12}[〔\[［【(（]\s*\d{4}\s*[〕\]］】)）]\s*\d{1,5}\s*号")
_QUOTED = re.compile(r"[“「『\"]([^”」』\"]{1,200})[”」』\"]")
_ROW = re.compile(r"第\s*(\d{1,7})\s*行")
_SPACES = re.compile(r"\s+")
_MAY_QUOTE = re.compile(r"[“「『\"]")  # the opening marks of `_QUOTED`
_YEAR_BRACKET = re.compile(r"[〔\[［【(（]\s*\d{4}\s*[〕\]］】)）]")  # part of every `_DOC_NUMBER` (which is slow to scan)


def _norm(text: str) -> str:
    return _SPACES.sub("", unicodedata.normalize("NFKC", text))


def locators(message: str, *, quoted: bool = True) -> tuple[str, ...]:
    """What a message names that identifies its finding: cells, document numbers and (with
    `quoted`) quoted values; the rows only when it names none of those. Normalised (NFKC, no
    spaces), in the order found, each once."""
    return _locators(message, quoted)


@functools.lru_cache(maxsize=4096)  # many findings of one check share their message
def _locators(message: str, quoted: bool) -> tuple[str, ...]:
    # Each pattern is searched only when the character it cannot match without is there.
    found: list[str] = [f"cell:{_norm(m.group())}" for m in _CELL.finditer(message)] if "!" in message else []
    if "号" in message and _YEAR_BRACKET.search(message):
        found += [f"no:{_norm(m.group())}" for m in _DOC_NUMBER.finditer(message)]
    if quoted and _MAY_QUOTE.search(message):
        found += [f"q:{_norm(m.group(1))}" for m in _QUOTED.finditer(message)]
    if not found and "行" in message:
        found = [f"row:{m.group(1)}" for m in _ROW.finditer(message)]
    return tuple(dict.fromkeys(found))


def key(finding: Finding) -> str:
    """The text a finding's fingerprint hashes (see the module docstring)."""
    if finding.rule in TASK_LEVEL_RULES or finding.path is None:
        place = f"task:{finding.task or ''}"
    else:
        place = f"path:{unicodedata.normalize('NFC', finding.path)}"
    page = "" if finding.page is None else str(finding.page)
    # A task requirement is the same finding whichever files it names (the undated ones, say).
    related = [] if finding.rule in TASK_LEVEL_RULES else sorted(unicodedata.normalize("NFC", p) for p in finding.related)
    evidence = sorted(f"{k}={_norm(v)}" for k, v in finding.evidence.items() if isinstance(v, str))
    named = () if finding.rule in TASK_LEVEL_RULES else locators(finding.message, quoted=not related)
    parts = (f"v{VERSION}", finding.rule, finding.check, place, f"page:{page}", "rel:" + "\x1e".join(related),
             "ev:" + "\x1e".join(evidence), "loc:" + "\x1e".join(named))
    return "\x1f".join(parts)


def fingerprint(finding: Finding, occurrence: int = 1) -> str:
    """The finding's fingerprint; `occurrence` > 1 for a later finding with the same key."""
    return _hash(key(finding), occurrence)


def _hash(key_text: str, occurrence: int) -> str:
    text = key_text + (f"\x1f#{occurrence}" if occurrence > 1 else "")
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


def with_fingerprints(findings: Iterable[Finding]) -> list[Finding]:
    """The findings, in order, each with its `fingerprint` set (unique within the list)."""
    seen: dict[str, int] = {}  # by the first fingerprint of a key (the finding keeps it): no table of keys
    out: list[Finding] = []
    for finding in findings:
        k = key(finding)  # once per finding: `fingerprint` would make it again
        first = _hash(k, 1)
        n = seen[first] = seen.get(first, 0) + 1
        out.append(finding.model_copy(update={"fingerprint": first if n == 1 else _hash(k, n)}))
    return out


def of(finding: Finding) -> str:
    """The finding's fingerprint as set by the pipeline, else computed (findings built elsewhere)."""
    return finding.fingerprint or fingerprint(finding)


def all_of(findings: Sequence[Finding]) -> list[str]:
    """The fingerprints of a report's findings, in order: as set by the pipeline, or computed
    for the whole list when some are missing (reports built elsewhere, e.g. in tests)."""
    if all(f.fingerprint for f in findings):
        return [f.fingerprint for f in findings]
    return [f.fingerprint for f in with_fingerprints(findings)]
