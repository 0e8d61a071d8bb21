"""photo-reuse — the same picture filed as evidence of different tasks or activities (D1).

Deduction item 1 cancels the acceptance for forged material; one photo presented as proof of
two different activities is such a forgery. Every photo gets perceptual hashes (64-bit DCT
pHash of the whole frame, of its centre 90 % and 80 %, and of its middle rows where no app
puts a stamp); two photos are the same picture when the full-frame hash of one is within
`settings.photo.reuse_distance` bits (default 10 of 64) of the full-frame or a centre hash of
the other, or their middle-row hashes are. That survives resizing, recompression (chat apps), a light crop and a new
watermark stamp on the same picture.

| check | rule | severity | what it means | how to fix |
|---|---|---|---|---|
| `reused` | D1 | error | the same picture appears in two different folders (tasks or activities) | keep each photo under the one activity it shows; replace the copies with photos of the right activity |

Photos in the same folder are not compared with each other: burst shots of one meeting look
alike and are not reuse. Photos that match each other across folders are reported together, one
finding per group, `path` the first and `related` the others. Photos without a hash (unreadable,
flat or tiny pictures) are skipped.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING

from credit_check.facts.phash import close_pairs
from credit_check.facttypes import PhotoFacts
from credit_check.model import EvidenceFile, Finding, Kind, Severity

if TYPE_CHECKING:
    from credit_check.checks import CheckContext

ID = "photo-reuse"


def _folder(path: str) -> str:
    return path.rsplit("/", 1)[0] if "/" in path else ""


def _valid(values: Sequence[str | None]) -> list[str]:
    return [h for h in values if h is not None and len(h) == 16]


def _facts(f: EvidenceFile) -> PhotoFacts:
    assert isinstance(f.facts, PhotoFacts)
    return f.facts


def _hashes(f: EvidenceFile) -> list[str]:
    facts = f.facts
    if not isinstance(facts, PhotoFacts):
        return []
    return _valid([facts.phash, *facts.phash_zoom])


def _groups(photos: list[EvidenceFile], max_distance: int) -> list[list[int]]:
    """Connected groups of photos linked by a cross-folder match."""
    parent = list(range(len(photos)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    linked: set[int] = set()
    # The full-frame hash of each photo against the full-frame and zoom hashes of the others;
    # middle-row hashes against each other.
    full = [_valid([_facts(f).phash]) for f in photos]
    pairs = set(close_pairs(full, [_hashes(f) for f in photos], max_distance))
    pairs |= set(close_pairs([_valid([_facts(f).phash_middle]) for f in photos], None, max_distance))
    for a, b in sorted(pairs):
        if _folder(photos[a].path) == _folder(photos[b].path):
            continue  # burst shots of one activity
        parent[root(a)] = root(b)
        linked.update((a, b))
    members: dict[int, list[int]] = defaultdict(list)
    for i in sorted(linked):
        members[root(i)].append(i)
    return sorted(members.values(), key=lambda g: photos[g[0]].path)


def check(files: Sequence[EvidenceFile], ctx: CheckContext) -> Iterator[Finding]:
    photos = sorted((f for f in files if f.kind is Kind.PHOTO and not f.error and _hashes(f)),
                    key=lambda f: f.path)
    for group in _groups(photos, ctx.catalogue.settings.photo.reuse_distance):
        items = sorted((photos[i] for i in group), key=lambda f: f.path)
        first, others = items[0], items[1:]
        tasks = sorted({f.task or "未归类" for f in items})
        where = "、".join(tasks)
        yield Finding(
            rule="D1", check="reused", severity=Severity.ERROR, path=first.path, task=first.task,
            related=tuple(f.path for f in others),
            message=f"同一张照片（或其缩放、压缩、裁剪、改水印版本）在 {len(items)} 处用作不同活动的佐证（任务 {where}）",
            fix="每张照片只用于它所拍摄的那次活动；请用对应活动的照片替换重复使用的照片",
            message_en=(f"The same picture (or a resized, recompressed, cropped or re-stamped copy) is used "
                        f"{len(items)} times as evidence of different activities (tasks {', '.join(tasks)})"),
            fix_en="Keep each photo under the one activity it shows; replace the reused copies",
        )
