"""photo-reuse — the same picture filed as evidence of different tasks or activities (D1).

Deduction item 1 cancels the acceptance for forged material; one photo presented as proof of
two different activities is such a forgery. Because an error here disqualifies the county, the
check works in two stages and grades what it reports by the strength of the evidence:

1. **Candidates** (`candidates`): photos in different folders whose perceptual hashes are close
   (full frame, centre crops, 48 off-centre windows, middle rows, mirror image:
   `settings.photo.reuse_distance` bits, default 12 of 64; `facts/phash.py`), or whose
   watermark stamps carry the same anti-counterfeit code (防伪码). Quarterly meetings in one room
   under one banner are candidates too: hashes only propose.
2. **Verification** (`credit_check.verify`, before the checks run): the two files are compared
   as pictures — local features matched under a similarity transform (RANSAC), then pixel by
   pixel, with the stamps masked. Resizing, recompression, crops, a new stamp, mirroring and
   brightness or contrast changes keep the same capture; the same room at another moment does
   not (people moved or differ).

| check | rule | severity | what it means | how to fix |
|---|---|---|---|---|
| `reused` | D1 | error | conclusive: the pictures are the same capture (verified pixel by pixel), or carry the same stamp code and stamp time | keep each photo under the one activity it shows; replace the copies with photos of the right activity |
| `reused-suspected` | D1 | warning | not conclusive: the same scene from the same spot with differences (a burst, or an edited copy), close hashes that could not be verified (no OpenCV, file unreadable), or the same stamp code with different stamp times | a person compares the two pictures (the HTML report shows them side by side); if they are the same photo, replace one; if not, add a waiver |

A conclusive group is reported once when every pair in it is verified (a clique): no chaining,
so one weak likeness never pulls a third photo in. Other verified pairs are reported as pairs.
Each finding records its evidence (`evidence`): hash distance, features matched, inliers, the
transform (scale, rotation, mirror), the share of the picture that agrees and the matched
regions. Photos in the same folder are not compared (burst shots of one activity). Photos
without a hash (unreadable, flat or tiny pictures) are skipped.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from credit_check.facttypes import PhotoFacts
from credit_check.model import EvidenceFile, Finding, Kind, Severity
from credit_check.nearphotos import HashTable, Remembers, Runs, candidates_remembered, run_here
from credit_check.nearphotos import candidates as hash_candidates

if TYPE_CHECKING:
    from credit_check.catalogue.models import PhotoSettings
    from credit_check.checks import CheckContext
    from credit_check.facts.verify import PairVerdict

ID = "photo-reuse"
MIN_CODE = 8  # a shared code shorter than this is not conclusive on its own


@dataclass(frozen=True, slots=True)
class Candidate:
    """Two photos in different folders that may be the same picture."""

    a: EvidenceFile
    b: EvidenceFile
    distance: int | None  # smallest hash distance found (None: proposed by the stamp code alone)
    code: str | None = None  # the same stamp code on both


def _folder(path: str) -> str:
    return path.rsplit("/", 1)[0] if "/" in path else ""


def _facts(f: EvidenceFile) -> PhotoFacts:
    assert isinstance(f.facts, PhotoFacts)
    return f.facts


def _key(a: str, b: str) -> tuple[str, str]:
    return (a, b) if a <= b else (b, a)


# The last search, for the next question about the same photos (the stage and the check ask
# alike): which of them have photo facts, their stamp codes, and the pairs of close hashes.
_LAST: list[tuple[object, list[int], list[str | None], dict[tuple[int, int], int]]] = []


def candidates(files: Sequence[EvidenceFile], settings: PhotoSettings, memo: Remembers | None = None,
               run: Runs = run_here) -> list[Candidate]:
    """Cross-folder pairs of photos with close hashes or the same stamp code, sorted by path.
    With `memo` (the verification stage passes its cache), the hash pairs of photos an earlier
    audit saw are remembered (`nearphotos.candidates_remembered`); within a run, asking twice for the
    same photos is answered once, without asking for their facts or making their table again.
    `run` says where the hash search runs (the stage sends a large one to a worker process)."""
    pool = sorted((f for f in files if f.kind is Kind.PHOTO and not f.error), key=lambda f: f.path)
    asked = hashlib.blake2b(f"{settings.reuse_distance}".encode(), digest_size=32)
    for f in pool:  # the photos asked about, as a digest: not a tuple per photo held to the end of the run
        asked.update(f"\x1e{f.path}\x1f{f.sha256}".encode("utf-8", "surrogatepass"))
    question = asked.digest()
    if _LAST and _LAST[0][0] == question and all(f.sha256 for f in pool):
        _, kept, codes, close = _LAST[0]  # hashes are the content's: the same files, the same pairs
        photos = [pool[k] for k in kept]
    else:
        kept, photos, codes = [], [], []
        table = HashTable()  # the hashes as arrays: a tree's photos' facts are not held meanwhile
        for k, f in enumerate(pool):
            if isinstance(facts_of := f.facts, PhotoFacts):  # each photo's facts asked once (a record may be built)
                kept.append(k)
                photos.append(f)
                codes.append(facts_of.stamp_code)
                table.add(facts_of)
        close = (candidates_remembered(table, [f.sha256 for f in photos], settings.reuse_distance, memo, run)
                 if memo is not None else hash_candidates(table, settings.reuse_distance, run))
        del table
        _LAST[:] = [(question, kept, codes, close)]
    found: dict[tuple[int, int], Candidate] = {}
    for (i, j), d in close.items():
        found[(i, j)] = Candidate(photos[i], photos[j], d)
    by_code: dict[str, list[int]] = defaultdict(list)
    for i, code in enumerate(codes):
        if code and len(code) >= 6:
            by_code[code].append(i)
    for code, members in by_code.items():
        for n, i in enumerate(members):
            for j in members[n + 1:]:
                old = found.get((i, j))
                found[(i, j)] = Candidate(photos[i], photos[j], old.distance if old else None, code)
    return [c for _, c in sorted(found.items()) if _folder(c.a.path) != _folder(c.b.path)]


@dataclass(frozen=True)
class _Judged:
    cand: Candidate
    verdict: PairVerdict | None
    conclusive: bool
    why: str  # what the evidence is, zh
    why_en: str


def _same_stamp(c: Candidate) -> bool:
    """The same code, long enough, and the same stamp time on both: one stamp, one capture."""
    ta, tb = _facts(c.a).stamp_time, _facts(c.b).stamp_time
    return bool(c.code and len(c.code) >= MIN_CODE and ta and ta == tb)


def _judge(c: Candidate, ctx: CheckContext) -> _Judged | None:
    verdict = ctx.photo_pairs.get(_key(c.a.path, c.b.path))
    status = verdict.verdict if verdict is not None else "unverified"
    if status == "same":
        return _Judged(c, verdict, True, "经逐点核验为同一次拍摄", "verified pixel by pixel as the same capture")
    if _same_stamp(c):
        return _Judged(c, verdict, True, f"水印防伪码 {c.code} 与水印时间相同",
                       f"the same stamp code {c.code} and stamp time")
    if status == "similar":
        return _Judged(c, verdict, False, "同一场景、同一机位，但画面有局部差异（连拍或经编辑的照片）",
                       "the same scene from the same spot, different in places (a burst, or an edited copy)")
    if c.code:
        return _Judged(c, verdict, False, f"水印防伪码 {c.code} 相同，但水印时间不同或无法读取",
                       f"the same stamp code {c.code}, but different or unread stamp times")
    if status == "unverified" and c.distance is not None:
        reason = verdict.reason if verdict is not None and verdict.reason else "未逐点核验 / not verified"
        return _Judged(c, verdict, False, f"感知哈希相近（相差 {c.distance} 位），未能逐点核验：{reason}",
                       f"close perceptual hashes ({c.distance} bits), not verified: {reason}")
    return None  # verified as different pictures


def _evidence(j: _Judged) -> dict[str, str | int | float | bool]:
    out: dict[str, str | int | float | bool] = {}
    if j.cand.distance is not None:
        out["hash_distance"] = j.cand.distance
    if j.cand.code:
        out["stamp_code"] = j.cand.code
        out["stamp_time_a"] = _facts(j.cand.a).stamp_time or ""
        out["stamp_time_b"] = _facts(j.cand.b).stamp_time or ""
    if j.verdict is not None:
        out.update(j.verdict.evidence())
    else:
        out["verification"] = "unverified"
    return out


def _cliques(pairs: list[tuple[str, str]]) -> list[list[str]]:
    """Cover the edges with cliques, largest first (greedy): every member pair of a group is an edge."""
    edges = {tuple(sorted(p)) for p in pairs}
    groups: list[list[str]] = []
    while edges:
        adj: dict[str, set[str]] = defaultdict(set)
        for a, b in edges:
            adj[a].add(b)
            adj[b].add(a)
        start = max(sorted(adj), key=lambda n: len(adj[n]))
        group = [start]
        for n in sorted(adj[start], key=lambda n: (-len(adj[n]), n)):
            if all(n in adj[m] for m in group):
                group.append(n)
        group.sort()
        groups.append(group)
        edges -= {(x, y) for k, x in enumerate(group) for y in group[k + 1:]}
    return sorted(groups)


def check(files: Sequence[EvidenceFile], ctx: CheckContext) -> Iterator[Finding]:
    judged = [j for c in candidates(files, ctx.catalogue.settings.photo) if (j := _judge(c, ctx)) is not None]
    by_path = {f.path: f for f in files}
    strong = {_key(j.cand.a.path, j.cand.b.path): j for j in judged if j.conclusive}
    grouped: set[tuple[str, str]] = set()
    for group in _cliques(list(strong)):
        links = [strong[_key(x, y)] for k, x in enumerate(group) for y in group[k + 1:]]
        grouped.update(_key(j.cand.a.path, j.cand.b.path) for j in links)
        items = [by_path[p] for p in group]
        yield _reused(items, links)
    for j in judged:
        key = _key(j.cand.a.path, j.cand.b.path)
        if key in grouped or j.conclusive:
            continue
        yield _suspected(j)


def _reused(items: list[EvidenceFile], links: list[_Judged]) -> Finding:
    first, others = items[0], items[1:]
    tasks = sorted({f.task or "未归类" for f in items})
    where = "、".join(tasks)
    evidence = _evidence(links[0]) if len(links) == 1 else _group_evidence(links)
    why = links[0].why if len({j.why for j in links}) == 1 else "每两张之间均经核验"
    why_en = links[0].why_en if len({j.why_en for j in links}) == 1 else "every pair verified"
    return Finding(
        rule="D1", check="reused", severity=Severity.ERROR, path=first.path, task=first.task,
        related=tuple(f.path for f in others), evidence=evidence,
        message=f"同一张照片（或其缩放、压缩、裁剪、镜像、改水印版本）在 {len(items)} 处用作不同活动的佐证（任务 {where}；{why}）",
        fix="每张照片只用于它所拍摄的那次活动；请用对应活动的照片替换重复使用的照片",
        message_en=(f"The same picture (or a resized, recompressed, cropped, mirrored or re-stamped copy) is used "
                    f"{len(items)} times as evidence of different activities (tasks {', '.join(tasks)}; {why_en})"),
        fix_en="Keep each photo under the one activity it shows; replace the reused copies",
    )


def _group_evidence(links: list[_Judged]) -> dict[str, str | int | float | bool]:
    out: dict[str, str | int | float | bool] = {"pairs_verified": len(links)}
    inliers = [j.verdict.inliers for j in links if j.verdict is not None and j.verdict.inliers]
    agreement = [j.verdict.agreement for j in links if j.verdict is not None and j.verdict.cells]
    distances = [j.cand.distance for j in links if j.cand.distance is not None]
    if inliers:
        out["inliers_min"] = min(inliers)
    if agreement:
        out["pixel_agreement_min"] = round(min(agreement), 3)
    if distances:
        out["hash_distance_max"] = max(distances)
    codes = sorted({j.cand.code for j in links if j.cand.code})
    if codes:
        out["stamp_code"] = ",".join(codes)
    return out


def _suspected(j: _Judged) -> Finding:
    a, b = sorted((j.cand.a, j.cand.b), key=lambda f: f.path)
    return Finding(
        rule="D1", check="reused-suspected", severity=Severity.WARNING, path=a.path, task=a.task,
        related=(b.path,), evidence=_evidence(j),
        message=f"与 {b.path} 可能是同一张照片，证据不足以认定：{j.why}；请人工比对两张照片",
        fix="人工比对两张照片：确为同一张的，只保留在对应活动下并替换另一张；不是的，在豁免文件中注明后忽略",
        message_en=f"may be the same picture as {b.path}, but the evidence is not conclusive: {j.why_en}; "
                   "a person should compare the two",
        fix_en="compare the two pictures: if they are one photo, keep it under its activity and replace the other; "
               "if not, add a waiver",
    )
