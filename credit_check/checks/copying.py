"""copied-text — 抄袭、雷同、编造记录（扣分项 1，D1）.

**What it finds.** Texts are compared on their *substance*: after removing whitespace,
punctuation, digits (dates, numbers, numbering) and list markers (一、（二）1.①), and after
removing boilerplate — passages found in at least three otherwise different documents of one
task, or of at least 5 % of the tree (openings, closings, a bureau's template; near-copies of one
text count once), passages of the catalogue's own wording (task texts, requirement labels), and
the model text of template material (below). The similarity
is the share of each text's substance that lies in 5-character passages the other also
contains (the smaller of the two shares).

- ``fabricated`` (error): two records of one task for different dates or periods (e.g. the
  first and the second quarter's minutes, two months' ledgers, in one folder or not) whose
  substance is at least ``settings.similarity_threshold`` (default 0.8) the same: the same text
  with the dates, period words and figures changed. Both files are named. Records of one task
  at 65 % up to the threshold are ``similar-records`` (warning): a person should look.
- ``copied`` (error): two documents of different tasks or activities (different folders) whose
  substance is at least ``settings.similarity_threshold`` (default 0.8) the same, reported with
  a passage both contain. A quarterly record copied from the previous quarter with only the
  dates changed scores 100 %; a copy with one character in twenty changed still scores about 90 %.
- ``copied-external`` (error): a document whose substance is largely (the same threshold, as the
  share of its own text) found in reference material given with ``--reference DIR`` — another
  county's submission, published articles.
- ``same-document`` (warning): texts at least 90 % alike whose numbers (dates, document number,
  figures) agree (allowing a few OCR misreadings) — one document filed under two tasks or
  activities, e.g. a PDF and its DOCX. Not fraud in itself, but worth a look.
- ``duplicate-version`` (D5, warning): a revised draft beside its original — names that differ
  only by a version mark (（修改稿）, 修订稿, 定稿, 终稿, 第二稿, v2 …) and similar texts. Not
  fraud: keep the final version only.

Each finding records its evidence (`evidence`): the similarity, the substance compared, the
share of each text removed as boilerplate, and the dates of the two records.

**Not copying.** Files in the same folder that are not records of different dates (an
activity's notice and its summary, undated files); byte-identical files (one file filed twice);
documents too short to judge (under 120 characters of text, or under 60 passages of substance
once boilerplate is removed). Only documents (PDF, DOCX, scans) are compared: the OCR text of
photos and screenshots is mostly stamps and site navigation. Material that is meant to repeat a
model text — tasks with ``shares_template: true`` (信用承诺书) or paths matched by an override
with ``shares_template: true`` — is compared only on what differs: passages that at least half
of the task's template files (and at least two) share are removed first, so two letters signed
on the province's model text are not a pair, but two letters with the same filled-in content
are. Template material is not compared with reference material.

**How it stays fast.** Each text is sketched (MinHash, 192 values; LSH with 48 bands of 4) and
only documents that share a band are compared exactly; 5,000 documents take about ten seconds.
Texts rewritten more deeply (about one character in ten changed) are found most of the time,
not always.

**How to fix.** Write each record from what actually happened; when one document serves two
tasks, file it once and refer to it, or file the identical file (not a re-typed copy).
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from fnmatch import fnmatch
from typing import TYPE_CHECKING, Any

import numpy as np

from credit_check import textsim
from credit_check.catalogue.models import Material
from credit_check.classify import materials
from credit_check.model import EvidenceFile, Finding, Kind, Severity
from credit_check.pii import mask_text
from credit_check.sketch import band_keys
from credit_check.spool import ArraySpool
from credit_check.textsim import BANDS, coverage, key_pairs, minhash, normalise, shared_passage, shingles

if TYPE_CHECKING:
    from credit_check.catalogue.models import Bonus, Task
    from credit_check.checks import CheckContext

ID = "copied-text"
RULE = "D1"
MIN_CHARS = 120
MIN_SHINGLES = 30  # passages of substance (after boilerplate and template passages are removed)
SAME_DOCUMENT = 0.9  # this alike and with the same numbers: one document filed twice (OCR noise allowed)
SAMPLE = 64  # shingles sampled per document to find reference candidates
_BIG_BUCKET = 30

_NUMBERS = re.compile(r"\d+")


@dataclass(slots=True)
class _Doc:
    """A document compared: its passages are kept in `spool` (read back when looked at), so the
    check holds one document's passages at a time, not the tree's."""

    file: EvidenceFile
    spool: ArraySpool
    ref: int  # its passages in `spool`
    template: bool = False
    total: int = 0  # passages before boilerplate was removed

    @property
    def shingles(self) -> np.ndarray:
        """Its passages (sorted, unique), read from the spool."""
        return self.spool.get(self.ref)

    @property
    def count(self) -> int:
        return self.spool.sizes[self.ref]

    def keep(self, shingles: np.ndarray) -> None:
        """Its passages are `shingles` from now on."""
        self.spool.replace(self.ref, shingles)

    @property
    def norm(self) -> str:
        """The normalised text, made again when a pair is compared: the texts of a tree's documents
        are not all held while the check runs (`records.LazyFile`)."""
        return normalise(self.file.text)


def _shares_template(f: EvidenceFile, ctx: CheckContext) -> bool:
    task = ctx.catalogue.task(f.task) if f.task else None
    flag = bool(getattr(task, "shares_template", False))
    for override in ctx.catalogue.overrides:
        if override.shares_template is not None and fnmatch(f.path, override.glob):
            flag = override.shares_template
    return flag


def _docs(files: Sequence[EvidenceFile], ctx: CheckContext | None, spool: ArraySpool,
          catalogue: np.ndarray | None = None) -> list[_Doc]:
    """The documents long enough to judge, their passages put in `spool` (without those of
    `catalogue`, the catalogue's own wording)."""
    docs = []
    for f in files:
        if not f.pages or (ctx is not None and f.kind is not Kind.DOCUMENT):
            continue  # photos and screenshots: their OCR text is stamps and site navigation
        norm = normalise(f.text)
        if len(norm) >= MIN_CHARS:
            passages = shingles(norm)
            total = len(passages)
            if catalogue is not None and len(catalogue):
                passages = np.setdiff1d(passages, catalogue, assume_unique=True)
            docs.append(_Doc(f, spool, spool.add(passages), ctx is not None and _shares_template(f, ctx), total))
    return docs


def _strip_templates(docs: list[_Doc], spool: ArraySpool) -> list[_Doc]:
    groups: dict[str | None, list[_Doc]] = defaultdict(list)
    for d in docs:
        if d.template:
            groups[d.file.task].append(d)
    for group in groups.values():
        if len(group) < 2:
            continue
        common = _frequent(spool, [d.ref for d in group], max(2, (len(group) + 1) // 2))
        for d in group:
            d.keep(np.setdiff1d(d.shingles, common, assume_unique=True))
    return [d for d in docs if d.count >= MIN_SHINGLES]


BOILERPLATE_DOCS = 3  # a passage in this many otherwise different documents of one task is boilerplate
BOILERPLATE_SHARE = 0.05  # …or in this share of all the tree's documents (and at least 3)
CLUSTER_JACCARD = 0.6  # documents this alike (MinHash estimate) count as one when counting that
SIMILAR_RECORDS = 0.65  # records of one task for different dates this alike (below the threshold): a warning
_VERSION = re.compile(
    r"[（(【\[]?(?:修改稿|修订稿|修订版|修改版|定稿|终稿|最终稿|最终版|初稿|草稿|送审稿|征求意见稿|审定稿|讨论稿|"
    r"第[一二三四五六七八九十\d]+稿|第[一二三四五六七八九十\d]+版|新版|旧版|改)[）)】\]]?"
    r"|[-_ ]?[vV](?:er)?\.?\d+(?:\.\d+)*")


def _catalogue_passages(ctx: CheckContext) -> np.ndarray:
    """Passages of the catalogue's own wording (task texts and titles, requirement labels)."""
    cat = ctx.catalogue
    items: list[Task | Bonus] = [*cat.tasks, *cat.bonus]
    texts = [t for item in items for t in (item.title, item.text)]
    texts += [r.label for item in items for r in item.requirements]
    texts += [t for d in cat.deductions for t in (d.title, d.text)]
    return np.unique(np.concatenate([shingles(normalise(t)) for t in texts] or [np.zeros(0, np.uint64)]))


def _band_keys(docs: list[_Doc]) -> np.ndarray:
    """Each document's LSH band keys (n × BANDS), its MinHash signature made and let go: what
    finding candidate pairs needs, a quarter of the signatures' size."""
    keys = np.empty((len(docs), BANDS), dtype=np.uint64)
    for k, d in enumerate(docs):
        keys[k] = band_keys([minhash(d.shingles)])[0]
    return keys


def _strip_boilerplate(docs: list[_Doc], spool: ArraySpool) -> None:
    """Remove boilerplate (the catalogue's wording is gone already, `_docs`): passages found in at
    least `BOILERPLATE_DOCS` documents of one task, or in that many and at least
    `BOILERPLATE_SHARE` of all documents of the tree. Near-copies count once (four copies of one
    record do not make its text boilerplate); removing passages never makes two copies less
    alike, only shorter."""
    if len(docs) < BOILERPLATE_DOCS:
        return
    removed = _boilerplate(docs, spool)
    if len(removed):
        for d in docs:
            d.keep(np.setdiff1d(d.shingles, removed, assume_unique=True))


def _boilerplate(docs: list[_Doc], spool: ArraySpool) -> np.ndarray:
    """The boilerplate passages of `docs` (see `_strip_boilerplate`), sorted and unique."""
    keys = _band_keys(docs)
    sigs: dict[int, np.ndarray] = {}  # of the documents in a candidate pair, made when first asked

    def sig(i: int) -> np.ndarray:
        if i not in sigs:
            sigs[i] = minhash(docs[i].shingles)
        return sigs[i]

    parent = list(range(len(docs)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, j in key_pairs(keys, _BIG_BUCKET):
        if float(np.mean(sig(i) == sig(j))) >= CLUSTER_JACCARD:
            parent[root(i)] = root(j)
    sigs.clear()
    del keys
    clusters: dict[int, list[int]] = defaultdict(list)
    for i in range(len(docs)):
        clusters[root(i)].append(i)
    tasks: dict[str | None, list[int]] = defaultdict(list)
    everywhere: list[int] = []  # each cluster's passages in the spool
    for members in clusters.values():
        passages = (docs[members[0]].ref if len(members) == 1  # sorted and unique already
                    else spool.add(np.unique(np.concatenate([docs[i].shingles for i in members]))))
        everywhere.append(passages)
        for task in {docs[i].file.task for i in members}:
            tasks[task].append(passages)
    common = [_frequent(spool, everywhere, max(BOILERPLATE_DOCS, math.ceil(BOILERPLATE_SHARE * len(everywhere))))]
    common += [_frequent(spool, group, BOILERPLATE_DOCS) for group in tasks.values() if len(group) >= BOILERPLATE_DOCS]
    return np.unique(np.concatenate(common))


FREQUENT_BLOCK = 1 << 16  # passages counted at a time when finding the frequent ones (~0.5 MB)


def _frequent(spool: ArraySpool, groups: Sequence[int], least: int) -> np.ndarray:
    """Passages found in at least `least` of the groups (arrays of `spool`, each sorted and
    unique). Counted one range of values at a time: the range's passages of every group are read
    from the spool into one buffer, sorted there, and counted by runs, so the working arrays stay
    ~`FREQUENT_BLOCK` passages long whatever the size of the tree, and no array is made per
    group. Each group is read once whole to find where the ranges start in it, then one range at
    a time. The answer does not depend on the block size: each value is counted in the one range
    it falls in."""
    if not groups or len(groups) < least:
        return np.zeros(0, dtype=np.uint64)
    sizes = np.array([spool.sizes[g] for g in groups], dtype=np.int64)
    parts = max(1, -(-int(sizes.sum()) // FREQUENT_BLOCK))
    edges = np.array([(k << 64) // parts for k in range(1, parts)], dtype=np.uint64)
    cuts = np.empty((len(groups), parts + 1), dtype=np.int32 if sizes.max() < 2**31 else np.int64)
    cuts[:, 0], cuts[:, parts] = 0, sizes
    if parts > 1:
        for row, g in enumerate(groups):
            cuts[row, 1:parts] = np.searchsorted(spool.get(g), edges, "left")
    found = []
    for k in range(parts):
        starts, lengths = cuts[:, k], cuts[:, k + 1] - cuts[:, k]
        if np.count_nonzero(lengths) < least:
            continue
        values = np.empty(int(lengths.sum()), dtype=np.uint64)
        at = 0
        for g, start, n in zip(groups, starts.tolist(), lengths.tolist(), strict=True):
            if n:
                spool.part_into(g, start, values[at:at + n])
                at += n
        values.sort()
        heads = np.flatnonzero(np.concatenate(([True], values[1:] != values[:-1])))
        runs = np.diff(heads, append=len(values))
        found.append(values[heads[runs >= least]])
        del values, heads, runs
    return np.asarray(np.concatenate(found) if found else np.zeros(0), dtype=np.uint64)


def _folder(f: EvidenceFile) -> str:
    return f.path.rsplit("/", 1)[0] if "/" in f.path else ""


def _related(a: EvidenceFile, b: EvidenceFile) -> bool:
    """One activity (same task and folder) and not two records of one series, or the very same
    bytes: not copying."""
    if bool(a.sha256) and a.sha256 == b.sha256:
        return True
    same_activity = a.task == b.task and _folder(a) == _folder(b)
    return same_activity and not _one_series(a, b) and not versions(a, b)


_RECORD_KINDS = frozenset({Material.MEETING, Material.LEDGER, Material.SUMMARY})
_PERIOD_WORDS = re.compile(r"第?[\d一二三四五六七八九十〇零]+(?:季度|月份?|期|次|年|日|号)?|季度|上半年|下半年")


def _name_pattern(f: EvidenceFile) -> str:
    """The file name without its dates, numbers and period words: 2024年第一季度会议纪要 → 会议纪要."""
    return _PERIOD_WORDS.sub("", _stem(f.name)).strip(" -_.（）()")


def _different_dates(a: EvidenceFile, b: EvidenceFile) -> bool:
    return a.date is not None and b.date is not None and a.date != b.date


def _one_series(a: EvidenceFile, b: EvidenceFile) -> bool:
    """Records of one kind, of one task, for two different dates (quarterly minutes, monthly
    ledgers): the same kind of record by their titles and names, or the same name once dates and
    period words are taken out. An activity's notice and its summary are not a series."""
    if a.task != b.task or not _different_dates(a, b):
        return False
    kinds_a, kinds_b = materials(a), materials(b)
    if (Material.NOTICE in kinds_a) != (Material.NOTICE in kinds_b):
        return False  # a notice and what followed it
    return bool(kinds_a & kinds_b & _RECORD_KINDS) or _name_pattern(a) == _name_pattern(b)


def _stem(name: str) -> str:
    return name.rsplit(".", 1)[0] if "." in name else name


def versions(a: EvidenceFile, b: EvidenceFile) -> bool:
    """Names that differ only by a version mark: 方案.docx / 方案（修改稿）.docx, 纪要v1 / 纪要v2."""
    sa, sb = _stem(a.name), _stem(b.name)
    if sa == sb:
        return False
    return bool(_VERSION.search(sa) or _VERSION.search(sb)) and _VERSION.sub("", sa).strip() == _VERSION.sub("", sb).strip()


def same_document(a: EvidenceFile, b: EvidenceFile) -> bool:
    """The same document filed twice (a PDF and its DOCX, a scan and the original): its numbers —
    dates, document number, figures — all agree. A copy passed off as new material changes them."""
    runs_a, runs_b = set(_NUMBERS.findall(a.text)), set(_NUMBERS.findall(b.text))
    if not runs_a and not runs_b:
        return True
    return len(runs_a & runs_b) >= 0.8 * len(runs_a | runs_b)  # OCR misreads a few digits


def _evidence(sim: float, a: _Doc, b: _Doc) -> dict[str, str | int | float | bool]:
    out: dict[str, str | int | float | bool] = {
        "similarity": round(sim, 3),
        "substance_passages_a": a.count, "substance_passages_b": b.count,
        "boilerplate_removed_a": round(1 - a.count / max(1, a.total), 3),
        "boilerplate_removed_b": round(1 - b.count / max(1, b.total), 3),
        "numbers_agree": same_document(a.file, b.file)}
    if a.file.date is not None:
        out["date_a"] = a.file.date.isoformat()
    if b.file.date is not None:
        out["date_b"] = b.file.date.isoformat()
    return out


def _pairs(docs: list[_Doc], threshold: float) -> Iterator[Finding]:
    found = []
    for i, j in key_pairs(_band_keys(docs), _BIG_BUCKET):
        a, b = docs[i], docs[j]
        if _related(a.file, b.file):
            continue
        shingles_a, shingles_b = a.shingles, b.shingles
        inter = len(np.intersect1d(shingles_a, shingles_b, assume_unique=True))
        least = min(threshold, SIMILAR_RECORDS) if _one_series(a.file, b.file) else threshold
        if inter < least ** textsim.SHINGLE * min(len(shingles_a), len(shingles_b)) * 0.5:
            continue  # far too few shared passages for the texts to be that much alike
        sim = min(coverage(a.norm, shingles_a, shingles_b), coverage(b.norm, shingles_b, shingles_a))
        if sim >= threshold or (sim >= SIMILAR_RECORDS and _one_series(a.file, b.file)):
            first, second = sorted((a, b), key=lambda d: d.file.path)
            found.append((sim, first, second))
    reported: set[str] = set()
    for sim, first, second in sorted(found, key=lambda t: (-t[0], t[1].file.path, t[2].file.path)):
        if first.file.path in reported and second.file.path in reported:
            continue  # a crowd of copies is reported as a chain, not every pair
        reported.update((first.file.path, second.file.path))
        yield _finding(sim, first, second, threshold)


def _finding(sim: float, first: _Doc, second: _Doc, threshold: float) -> Finding:
    a, b = first.file, second.file
    passage = mask_text(shared_passage(second.norm, first.norm))
    evidence = _evidence(sim, first, second)
    where: dict[str, Any] = {"path": b.path, "task": b.task, "related": (a.path,), "evidence": evidence}
    if versions(a, b):
        return Finding(rule="D5", check="duplicate-version", severity=Severity.WARNING, **where,
                       message=f"与 {a.path} 是同一材料的不同版本（修改稿、定稿等，相似度 {sim:.0%}），请只保留最终版本",
                       fix="删除过程稿，只提交最终版本",
                       message_en=f"another version of {a.path} (a revised draft, {sim:.0%} alike): keep the final one only",
                       fix_en="remove the drafts and keep the final version")
    same_folder = a.task == b.task and _folder(a) == _folder(b)
    series = _one_series(a, b)
    if not same_folder and sim >= SAME_DOCUMENT and evidence["numbers_agree"] and not _different_dates(a, b):
        return Finding(rule=RULE, check="same-document", severity=Severity.WARNING, **where,
                       message=f"与 {a.path} 内容相同（相似度 {sim:.0%}，日期和数字一致），同一材料重复用于不同任务或活动",
                       fix="确认该材料确实同时佐证两项任务；否则只保留在对应任务目录下",
                       message_en=f"the same text as {a.path} ({sim:.0%}, same dates and numbers): "
                                  "one document filed for two tasks or activities",
                       fix_en="confirm the document supports both; otherwise keep it only under its task")
    if series:
        dates = f"{a.date} 与 {b.date}"
        if sim >= threshold:
            return Finding(rule=RULE, check="fabricated", severity=Severity.ERROR, **where,
                           message=(f"与 {a.path} 是不同日期的记录（{dates}），但实质内容 {sim:.0%} 相同，"
                                    f"仅日期、数字不同，疑似编造（共同段落：“{passage}”）"),
                           fix="每次会议、每期台账按实际情况记录；不得复制前期记录改日期充数",
                           message_en=(f"a record of another date than {a.path} ({a.date} / {b.date}) with "
                                       f"{sim:.0%} the same substance, only dates and numbers changed "
                                       f"(shared passage: '{passage}')"),
                           fix_en="record each meeting or period from what happened; never copy an earlier "
                                  "record and change its dates")
        return Finding(rule=RULE, check="similar-records", severity=Severity.WARNING, **where,
                       message=f"与 {a.path} 是不同日期的记录（{dates}），实质内容 {sim:.0%} 相同，请人工核对是否照抄（共同段落：“{passage}”）",
                       fix="核对两份记录：确系照抄的，按实际情况重写；确为不同活动的，在豁免文件中说明",
                       message_en=f"a record of another date than {a.path} with {sim:.0%} the same substance: "
                                  f"a person should check it (shared passage: '{passage}')",
                       fix_en="check both records: rewrite a copied one from what happened; waive it if they differ")
    return Finding(rule=RULE, check="copied", severity=Severity.ERROR, **where,
                   message=f"与 {a.path} 的文字相似度 {sim:.0%}（共同段落：“{passage}”）",
                   fix="按实际工作情况分别撰写材料，不得抄袭、雷同；同一文件用于多项任务时请提交同一文件",
                   message_en=f"text {sim:.0%} the same as {a.path} (shared passage: '{passage}')",
                   fix_en="write each record from the actual work; file the same document, not a copy, "
                          "when it serves two tasks")


def _external(docs: list[_Doc], refs: list[_Doc], threshold: float) -> Iterator[Finding]:
    if not refs:
        return
    values = np.concatenate([r.shingles for r in refs])
    owners = np.concatenate([np.full(r.count, k) for k, r in enumerate(refs)])
    order = np.argsort(values, kind="stable")
    values, owners = values[order], owners[order]
    for d in docs:
        if d.template:
            continue  # a model text copied into a signed letter is the point of a template
        sample = d.spool.part(d.ref, 0, SAMPLE)  # sorted: the smallest hashes, a uniform random sample
        lo, hi = np.searchsorted(values, sample, "left"), np.searchsorted(values, sample, "right")
        hits = np.concatenate([np.unique(owners[x:y]) for x, y in zip(lo, hi, strict=True)] or [np.zeros(0, int)])
        counts = np.bincount(hits.astype(np.int64), minlength=len(refs))
        best, best_k = 0.0, -1
        likely = np.flatnonzero(counts >= threshold ** textsim.SHINGLE * 0.5 * len(sample))
        if len(likely):
            own = d.shingles
            for k in likely:
                share = coverage(d.norm, own, refs[int(k)].shingles)
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
    with ArraySpool() as spool:
        docs = _docs(files, ctx, spool, _catalogue_passages(ctx))
        _strip_boilerplate(docs, spool)
        docs = _strip_templates(docs, spool)
        yield from _pairs(docs, threshold)
        yield from _external(docs, _docs(ctx.reference, None, spool), threshold)
