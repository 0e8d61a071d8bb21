"""copied-text — 抄袭、雷同（扣分项 1，D1）.

**What it finds.**
- ``copied`` (error): two documents whose text is largely the same — after removing whitespace,
  punctuation, digits (dates, numbering) and list markers (一、（二）1.①) — although they belong
  to different tasks or to different activities (different folders). The similarity is the
  share of each text that lies in 5-character passages the other also contains (the smaller of
  the two shares); the pair is flagged when it reaches ``settings.similarity_threshold`` (default
  0.8) and is reported with a passage both contain. A quarterly record copied from the previous
  quarter with only the dates changed scores 100 %; a copy with one character in twenty changed
  still scores about 90 %.
- ``copied-external`` (error): a document whose text is largely (the same threshold, as the share
  of its own text) found in reference material given with ``--reference DIR`` — another county's
  submission, published articles.

- ``same-document`` (warning): texts at least 90 % alike whose numbers (dates, document number,
  figures) agree (allowing a few OCR misreadings) — one document filed under two tasks or activities, e.g. a PDF and its DOCX.
  Not fraud in itself, but material reused for two tasks is worth a look.

**Not copying.** Files in the same folder of the same task (an activity's notice and its
summary); byte-identical files (one file filed twice); documents too short to judge (under 120
characters of text). Only documents (PDF, DOCX, scans) are compared:
the OCR text of photos and screenshots is mostly stamps and site navigation. Material that is meant to repeat a model text — tasks with
``shares_template: true`` (信用承诺书) or paths matched by an override with
``shares_template: true`` — is compared only on what differs: passages that at least half of the
task's template files (and at least two) share are removed first, so two letters signed on the
province's model text are not a pair, but two letters with the same filled-in content are.
Template material is not compared with reference material.

**How it stays fast.** Each text is sketched (MinHash, 192 values; LSH with 48 bands of 4) and
only documents that share a band are compared exactly; 5,000 documents take about ten seconds.
Texts rewritten more deeply (about one character in ten changed) are found most of the time,
not always.

**How to fix.** Write each record from what actually happened; when one document serves two
tasks, file it once and refer to it, or file the identical file (not a re-typed copy).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from fnmatch import fnmatch
from typing import TYPE_CHECKING

import numpy as np

from credit_check import textsim
from credit_check.model import EvidenceFile, Finding, Kind, Severity
from credit_check.pii import mask_text
from credit_check.textsim import candidate_pairs, coverage, minhash, normalise, shared_passage, shingles

if TYPE_CHECKING:
    from credit_check.checks import CheckContext

ID = "copied-text"
RULE = "D1"
MIN_CHARS = 120
MIN_SHINGLES = 60  # after template passages are removed
SAME_DOCUMENT = 0.9  # this alike and with the same numbers: one document filed twice (OCR noise allowed)
SAMPLE = 64  # shingles sampled per document to find reference candidates
_BIG_BUCKET = 30

_NUMBERS = re.compile(r"\d+")


@dataclass
class _Doc:
    file: EvidenceFile
    norm: str
    shingles: np.ndarray
    template: bool = False


def _shares_template(f: EvidenceFile, ctx: CheckContext) -> bool:
    task = ctx.catalogue.task(f.task) if f.task else None
    flag = bool(getattr(task, "shares_template", False))
    for override in ctx.catalogue.overrides:
        if override.shares_template is not None and fnmatch(f.path, override.glob):
            flag = override.shares_template
    return flag


def _docs(files: Sequence[EvidenceFile], ctx: CheckContext | None) -> list[_Doc]:
    docs = []
    for f in files:
        if not f.pages or (ctx is not None and f.kind is not Kind.DOCUMENT):
            continue  # photos and screenshots: their OCR text is stamps and site navigation
        norm = normalise(f.text)
        if len(norm) >= MIN_CHARS:
            docs.append(_Doc(f, norm, shingles(norm), ctx is not None and _shares_template(f, ctx)))
    return docs


def _strip_templates(docs: list[_Doc]) -> list[_Doc]:
    groups: dict[str | None, list[_Doc]] = defaultdict(list)
    for d in docs:
        if d.template:
            groups[d.file.task].append(d)
    for group in groups.values():
        if len(group) < 2:
            continue
        values, counts = np.unique(np.concatenate([d.shingles for d in group]), return_counts=True)
        common = values[counts >= max(2, (len(group) + 1) // 2)]
        for d in group:
            d.shingles = np.setdiff1d(d.shingles, common, assume_unique=True)
    return [d for d in docs if len(d.shingles) >= MIN_SHINGLES]


def _related(a: EvidenceFile, b: EvidenceFile) -> bool:
    """Same task and same folder (one activity), or the very same bytes: not copying."""
    same_activity = a.task == b.task and a.path.rsplit("/", 1)[0] == b.path.rsplit("/", 1)[0]
    return same_activity or (bool(a.sha256) and a.sha256 == b.sha256)


def same_document(a: EvidenceFile, b: EvidenceFile) -> bool:
    """The same document filed twice (a PDF and its DOCX, a scan and the original): its numbers —
    dates, document number, figures — all agree. A copy passed off as new material changes them."""
    runs_a, runs_b = set(_NUMBERS.findall(a.text)), set(_NUMBERS.findall(b.text))
    if not runs_a and not runs_b:
        return True
    return len(runs_a & runs_b) >= 0.8 * len(runs_a | runs_b)  # OCR misreads a few digits


def _pairs(docs: list[_Doc], threshold: float) -> Iterator[Finding]:
    found = []
    for i, j in candidate_pairs([minhash(d.shingles) for d in docs], _BIG_BUCKET):
        a, b = docs[i], docs[j]
        if _related(a.file, b.file):
            continue
        inter = len(np.intersect1d(a.shingles, b.shingles, assume_unique=True))
        if inter < threshold ** textsim.SHINGLE * min(len(a.shingles), len(b.shingles)) * 0.5:
            continue  # far too few shared passages for the texts to be that much alike
        sim = min(coverage(a.norm, a.shingles, b.shingles), coverage(b.norm, b.shingles, a.shingles))
        if sim >= threshold:
            first, second = sorted((a, b), key=lambda d: d.file.path)
            found.append((sim, first, second))
    reported: set[str] = set()
    for sim, first, second in sorted(found, key=lambda t: (-t[0], t[1].file.path, t[2].file.path)):
        if first.file.path in reported and second.file.path in reported:
            continue  # a crowd of copies is reported as a chain, not every pair
        reported.update((first.file.path, second.file.path))
        passage = mask_text(shared_passage(second.norm, first.norm))
        if sim >= SAME_DOCUMENT and same_document(first.file, second.file):
            yield Finding(rule=RULE, check="same-document", severity=Severity.WARNING, path=second.file.path,
                          task=second.file.task, related=(first.file.path,),
                          message=f"与 {first.file.path} 内容相同（相似度 {sim:.0%}，日期和数字一致），同一材料重复用于不同任务或活动",
                          fix="确认该材料确实同时佐证两项任务；否则只保留在对应任务目录下",
                          message_en=f"the same text as {first.file.path} ({sim:.0%}, same dates and numbers): "
                                     "one document filed for two tasks or activities",
                          fix_en="confirm the document supports both; otherwise keep it only under its task")
            continue
        yield Finding(rule=RULE, check="copied", severity=Severity.ERROR, path=second.file.path,
                      task=second.file.task, related=(first.file.path,),
                      message=f"与 {first.file.path} 的文字相似度 {sim:.0%}（共同段落：“{passage}”）",
                      fix="按实际工作情况分别撰写材料，不得抄袭、雷同；同一文件用于多项任务时请提交同一文件",
                      message_en=f"text {sim:.0%} the same as {first.file.path} (shared passage: '{passage}')",
                      fix_en="write each record from the actual work; file the same document, not a copy, "
                             "when it serves two tasks")


def _external(docs: list[_Doc], refs: list[_Doc], threshold: float) -> Iterator[Finding]:
    if not refs:
        return
    values = np.concatenate([r.shingles for r in refs])
    owners = np.concatenate([np.full(len(r.shingles), k) for k, r in enumerate(refs)])
    order = np.argsort(values, kind="stable")
    values, owners = values[order], owners[order]
    for d in docs:
        if d.template:
            continue  # a model text copied into a signed letter is the point of a template
        sample = d.shingles[:SAMPLE]  # sorted: the smallest hashes, a uniform random sample
        lo, hi = np.searchsorted(values, sample, "left"), np.searchsorted(values, sample, "right")
        hits = np.concatenate([np.unique(owners[x:y]) for x, y in zip(lo, hi, strict=True)] or [np.zeros(0, int)])
        counts = np.bincount(hits.astype(np.int64), minlength=len(refs))
        best, best_k = 0.0, -1
        for k in np.flatnonzero(counts >= threshold ** textsim.SHINGLE * 0.5 * len(sample)):
            share = coverage(d.norm, d.shingles, refs[int(k)].shingles)
            if share > best:
                best, best_k = share, int(k)
        if best >= threshold:
            ref = refs[best_k]
            passage = mask_text(shared_passage(d.norm, ref.norm))
            yield Finding(rule=RULE, check="copied-external", severity=Severity.ERROR, path=d.file.path,
                          task=d.file.task, related=(ref.file.path,),
                          message=f"{best:.0%} 的文字与参考材料 {ref.file.path} 相同（共同段落：“{passage}”）",
                          fix="材料应反映本地实际工作，不得照抄外地或已发表的材料",
                          message_en=f"{best:.0%} of the text is found in reference material {ref.file.path} "
                                     f"(shared passage: '{passage}')",
                          fix_en="write the material from the local work; do not copy other counties' or published text")


def check(files: Sequence[EvidenceFile], ctx: CheckContext) -> Iterator[Finding]:
    threshold = ctx.catalogue.settings.similarity_threshold
    docs = _strip_templates(_docs(files, ctx))
    yield from _pairs(docs, threshold)
    yield from _external(docs, _docs(ctx.reference, None), threshold)
