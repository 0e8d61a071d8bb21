"""`credit-check merge`: many counties' JSON reports as one province view.

    credit-check merge 莱芜区.json 钢城区.json … --output province.json --html province.html

**The table.** One row per county report: its score (total, tasks, bonus, deductions, pass mark,
passed, disqualified), the deductions by item (D1…D7, from its findings that are not waived),
its open findings by severity, its tasks by status, how many files it holds, and how many
cross-county findings name it.

**Cross-county findings** — the same material in two counties' submissions, found from what each
county's report carries (no evidence file is opened here):
- `same-file`: byte-identical files (`files[].sha256`; files under 1 KB and unreadable files are
  left out). A photo is an error; another file a warning (a notice from a higher level is often
  filed by every county it was sent to).
- `same-photo`: the same picture, resized, recompressed, lightly cropped or re-stamped: the
  full-frame perceptual hash of one within `photo_distance` bits (default 6 of 64) of the
  full-frame or a centre hash of the other, or their middle-row hashes that close (`facts.phash`,
  `phash_zoom`, `phash_middle`; the county check's rule with a tighter radius: among a
  province's million photos, 10 bits would pair thousands of unrelated pictures by chance, 6 bits
  about one). Found through a multi-index (`credit_check.hamming`), never all pairs.
- `same-text`: documents whose text sketches (`files[].text_sketch`) say that each lies largely
  in the other: the estimated share of passages shared, the smaller of the two, at least
  `text_threshold` (default 0.5 — about the county check's 80 % coverage: a text with one
  character in eight changed). Candidates come from LSH bands (48 bands of 4 values) and are
  confirmed on all 192 values. Documents of tasks whose material repeats a model text
  (`shares_template` in the catalogue: 信用承诺书) are not compared.

Matches link into groups (one finding per group). A group spanning `common_min` counties or more
(default 3) is `common`: most likely a document or picture from a higher level, or a model text;
it is listed (severity info) but not counted against anyone. Findings are leads for a person to
check, not verdicts: nothing here changes a county's score.

Reports from older versions without text sketches are compared on files and photos only (a note
says so). Memory: about 300 bytes per file of all reports, plus one report being read.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from credit_check import __version__
from credit_check.model import Severity

SCHEMA = "credit-check/province@1"
REPORT_SCHEMA = "credit-check/report@1"
PHOTO_DISTANCE = 6
TEXT_THRESHOLD = 0.5
COMMON_MIN = 3
MIN_SAME_FILE_BYTES = 1024
BIG_BUCKET = 60  # an LSH bucket this full is one text everywhere: link a few of it, not every pair
STATUSES = ("met", "partial", "missing", "unknown")


class MergeError(ValueError):
    """A file that is not a readable credit-check JSON report."""


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class CountyRow(_Frozen):
    name: str
    report: str  # the report's file name
    root: str
    audit_date: str
    period: str  # start..end
    tool_version: str
    total: float
    max: float
    pass_mark: float
    tasks: float
    bonus: float
    deductions: float
    passed: bool
    disqualified: bool
    deductions_by_item: dict[str, float] = Field(default_factory=dict)
    findings: dict[str, int] = Field(default_factory=dict)  # open (not waived) findings by severity
    task_status: dict[str, int] = Field(default_factory=dict)
    files: int = 0
    photos: int = 0
    documents: int = 0
    sketched: int = 0  # documents with a text sketch
    cross_findings: int = 0  # cross-county findings (not common) that name this county
    notes: tuple[str, ...] = ()


class Place(_Frozen):
    county: str
    path: str
    task: str | None = None
    kind: str = "other"


class CrossFinding(_Frozen):
    check: str  # same-file | same-photo | same-text
    severity: Severity
    common: bool = False
    counties: tuple[str, ...]
    places: tuple[Place, ...]
    measure: dict[str, str | int | float] = Field(default_factory=dict)
    message: str
    message_en: str


class Province(_Frozen):
    schema_id: str = Field(default=SCHEMA, serialization_alias="schema")
    tool_version: str = __version__
    settings: dict[str, float | int] = Field(default_factory=dict)
    deduction_items: tuple[str, ...] = ()  # the columns of the deductions by item
    counties: tuple[CountyRow, ...]
    cross: tuple[CrossFinding, ...] = ()
    notes: tuple[str, ...] = ()


@dataclass
class _County:
    """What one report contributes to the comparison (compact: the report itself is let go)."""

    row: CountyRow
    paths: list[str] = field(default_factory=list)
    tasks: list[str | None] = field(default_factory=list)
    kinds: list[str] = field(default_factory=list)
    sha: list[str] = field(default_factory=list)
    sizes: list[int] = field(default_factory=list)
    photo_file: list[int] = field(default_factory=list)
    photo_full: list[int] = field(default_factory=list)
    photo_targets: list[tuple[int, int]] = field(default_factory=list)  # (photo number, hash): full + zooms
    photo_middle: list[tuple[int, int]] = field(default_factory=list)
    text_file: list[int] = field(default_factory=list)
    text_sig: list[np.ndarray] = field(default_factory=list)
    text_shingles: list[int] = field(default_factory=list)


# ------------------------------------------------------------------------------------ reading
def _hash(value: Any) -> int | None:
    if isinstance(value, str) and len(value) == 16:
        try:
            return int(value, 16)
        except ValueError:
            return None
    return None


def _name_of(root: str, report: Path) -> str:
    parts = [p for p in re.split(r"[\\/]+", root or "") if p and p != "."]
    return parts[-1] if parts else report.stem


def load_county(path: Path, template_tasks: frozenset[str]) -> _County:
    """One county report, reduced to its row and what the comparison needs."""
    from credit_check.model import TextSketch
    from credit_check.sketch import VALUES, signature

    try:
        data = json.loads(path.read_bytes())
    except (OSError, ValueError) as exc:
        raise MergeError(f"无法读取报告 / cannot read {path}: {exc}") from None
    if not isinstance(data, dict) or data.get("schema") != REPORT_SCHEMA:
        raise MergeError(f"{path}：不是 credit-check 的 JSON 报告 / not a credit-check JSON report "
                         f"(schema {data.get('schema') if isinstance(data, dict) else None!r}, expected {REPORT_SCHEMA}); "
                         "write one with `credit-check audit DIR --format json --output FILE`")
    try:
        score = data["score"]
        items: dict[str, float] = defaultdict(float)
        severities: dict[str, int] = defaultdict(int)
        for f in data.get("findings", []):
            if f.get("waived"):
                continue
            severities[str(f.get("severity"))] += 1
            if re.fullmatch(r"D\d+", str(f.get("rule", ""))):
                items[f["rule"]] += float(f.get("deduction") or 0.0)
        statuses: dict[str, int] = defaultdict(int)
        for t in data.get("tasks", []):
            statuses[str(t.get("status"))] += 1
        county = _County(row=CountyRow(
            name=_name_of(str(data.get("root", "")), path), report=path.name, root=str(data.get("root", "")),
            audit_date=str(data.get("audit_date", "")),
            period=f"{data.get('period', {}).get('start', '')}..{data.get('period', {}).get('end', '')}",
            tool_version=str(data.get("tool", {}).get("version", "")),
            total=float(score["total"]), max=float(score["max"]), pass_mark=float(score["pass_mark"]),
            tasks=float(score["tasks"]), bonus=float(score["bonus"]), deductions=float(score["deductions"]),
            passed=bool(score["passed"]), disqualified=bool(score["disqualified"]),
            deductions_by_item={k: round(v, 4) for k, v in sorted(items.items())},
            findings={s: severities.get(s, 0) for s in ("error", "warning", "info")},
            task_status={s: statuses.get(s, 0) for s in STATUSES}))
        files = data.get("files") or []
        has_sketches = not files or "text_sketch" in files[0]
        for n, f in enumerate(files):
            county.paths.append(str(f["path"]))
            county.tasks.append(f.get("task"))
            kind = str(f.get("kind", "other"))
            county.kinds.append(kind)
            readable = not f.get("error")
            county.sha.append(str(f.get("sha256") or "") if readable else "")
            county.sizes.append(int(f.get("size") or 0))
            facts = f.get("facts") or {}
            if kind == "photo" and readable and (full := _hash(facts.get("phash"))) is not None:
                number = len(county.photo_file)
                county.photo_file.append(n)
                county.photo_full.append(full)
                county.photo_targets.append((number, full))
                for z in facts.get("phash_zoom") or ():
                    if (h := _hash(z)) is not None:
                        county.photo_targets.append((number, h))
                if (middle := _hash(facts.get("phash_middle"))) is not None:
                    county.photo_middle.append((number, middle))
            sketch = f.get("text_sketch")
            if sketch and kind == "document" and f.get("task") not in template_tasks:
                sig = signature(TextSketch.model_validate(sketch))
                if len(sig) == VALUES:
                    county.text_file.append(n)
                    county.text_sig.append(sig)
                    county.text_shingles.append(int(sketch.get("shingles") or 0))
    except (KeyError, TypeError, ValueError) as exc:
        raise MergeError(f"{path}：报告内容不完整 / incomplete report: {type(exc).__name__}: {exc}") from None
    notes = () if has_sketches else (
        "报告没有文本指纹（旧版本），未参与文字比对 / no text sketches (an older version): texts not compared",)
    county.row = county.row.model_copy(update={
        "files": len(county.paths), "photos": sum(1 for k in county.kinds if k == "photo"),
        "documents": sum(1 for k in county.kinds if k == "document"), "sketched": len(county.text_file),
        "notes": notes})
    return county


# ------------------------------------------------------------------------------------ matching
class _Groups:
    """Union-find over (county, file) pairs."""

    def __init__(self) -> None:
        self.parent: dict[tuple[int, int], tuple[int, int]] = {}
        self.best: dict[tuple[int, int], float] = {}

    def root(self, x: tuple[int, int]) -> tuple[int, int]:
        self.parent.setdefault(x, x)
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def link(self, a: tuple[int, int], b: tuple[int, int], measure: float, better: Any) -> None:
        ra, rb = self.root(a), self.root(b)
        if ra != rb:
            self.parent[ra] = rb
            old = [self.best.pop(r) for r in (ra, rb) if r in self.best]
            self.best[rb] = better([*old, measure])
        else:
            self.best[rb] = better([self.best.get(rb, measure), measure])

    def groups(self) -> list[tuple[list[tuple[int, int]], float]]:
        members: dict[tuple[int, int], list[tuple[int, int]]] = defaultdict(list)
        for x in list(self.parent):
            members[self.root(x)].append(x)
        return [(sorted(m), self.best[r]) for r, m in members.items()]


def _same_files(counties: list[_County]) -> _Groups:
    groups = _Groups()
    by_sha: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for c, county in enumerate(counties):
        for n, sha in enumerate(county.sha):
            if sha and county.sizes[n] >= MIN_SAME_FILE_BYTES:
                by_sha[sha].append((c, n))
    for members in by_sha.values():
        if len({c for c, _ in members}) >= 2:
            for other in members[1:]:
                groups.link(members[0], other, 0, min)
    return groups


def _same_photos(counties: list[_County], distance: int) -> _Groups:
    from credit_check.hamming import near_pairs

    groups = _Groups()
    owner_c = np.array([c for c, k in enumerate(counties) for _ in k.photo_file], dtype=np.int64)
    owner_f = np.array([f for k in counties for f in k.photo_file], dtype=np.int64)
    if len(owner_c) == 0:
        return groups
    starts = np.cumsum([0] + [len(k.photo_file) for k in counties])
    full = np.array([h for k in counties for h in k.photo_full], dtype=np.uint64)

    def flat(pairs_of: str) -> tuple[np.ndarray, np.ndarray]:
        photo = np.array([starts[c] + p for c, k in enumerate(counties) for p, _ in getattr(k, pairs_of)], dtype=np.int64)
        values = np.array([h for k in counties for _, h in getattr(k, pairs_of)], dtype=np.uint64)
        return photo, values

    t_photo, t_values = flat("photo_targets")
    m_photo, m_values = flat("photo_middle")
    found = []
    qi, ti, dist = near_pairs(full, t_values, distance)
    found.append((qi, t_photo[ti], dist))
    qi, ti, dist = near_pairs(m_values, None, distance)
    found.append((m_photo[qi], m_photo[ti], dist))
    for a, b, d in found:
        cross = owner_c[a] != owner_c[b]
        for x, y, dd in zip(a[cross].tolist(), b[cross].tolist(), d[cross].tolist(), strict=True):
            ca, cb = int(owner_c[x]), int(owner_c[y])
            fa, fb = int(owner_f[x]), int(owner_f[y])
            if counties[ca].sha[fa] and counties[ca].sha[fa] == counties[cb].sha[fb]:
                continue  # the same bytes: a same-file finding already
            groups.link((ca, fa), (cb, fb), dd, min)
    return groups


def _same_texts(counties: list[_County], threshold: float) -> _Groups:
    from credit_check.sketch import band_containment_pairs

    groups = _Groups()
    owner_c = np.array([c for c, k in enumerate(counties) for _ in k.text_file], dtype=np.int64)
    if len(owner_c) < 2:
        return groups
    owner_f = np.array([f for k in counties for f in k.text_file], dtype=np.int64)
    sigs = np.stack([s for k in counties for s in k.text_sig])
    shingles = np.array([n for k in counties for n in k.text_shingles], dtype=np.int64)
    a, b, sim = band_containment_pairs(sigs, shingles, owner_c, threshold, BIG_BUCKET)
    for x, y, s in zip(a.tolist(), b.tolist(), sim.tolist(), strict=True):
        ca, cb, fa, fb = int(owner_c[x]), int(owner_c[y]), int(owner_f[x]), int(owner_f[y])
        if counties[ca].sha[fa] and counties[ca].sha[fa] == counties[cb].sha[fb]:
            continue
        groups.link((ca, fa), (cb, fb), round(float(s), 4), max)
    return groups


# ------------------------------------------------------------------------------------ findings
def _finding(check: str, members: list[tuple[int, int]], measure: float, counties: list[_County],
             common_min: int) -> CrossFinding:
    names = sorted({counties[c].row.name for c, _ in members})
    places = tuple(Place(county=counties[c].row.name, path=counties[c].paths[f], task=counties[c].tasks[f],
                         kind=counties[c].kinds[f]) for c, f in members)
    places = tuple(sorted(places, key=lambda p: (p.county, p.path)))
    common = len(names) >= common_min
    where = "、".join(names)
    where_en = ", ".join(names)
    kinds = {p.kind for p in places}
    if check == "same-file":
        c, f = members[0]
        values: dict[str, str | int | float] = {"sha256": counties[c].sha[f]}
        zh = f"同一文件（字节完全相同）出现在 {len(names)} 个区县的材料中：{where}"
        en = f"the same file (identical bytes) is in the material of {len(names)} counties: {where_en}"
        severity = Severity.ERROR if kinds == {"photo"} else Severity.WARNING
    elif check == "same-photo":
        values = {"distance": int(measure)}
        zh = (f"同一张照片（或其缩放、压缩、裁剪、改水印版本）出现在 {len(names)} 个区县的材料中：{where}"
              f"（感知哈希相差 {int(measure)} 位）")
        en = (f"the same picture (or a resized, recompressed, cropped or re-stamped copy) is in the material of "
              f"{len(names)} counties: {where_en} (perceptual hashes {int(measure)} bits apart)")
        severity = Severity.ERROR
    else:
        values = {"similarity": round(measure, 4)}
        zh = f"{len(names)} 个区县的材料文字雷同（估计共有 {measure:.0%} 的段落）：{where}"
        en = f"the same text in the material of {len(names)} counties (about {measure:.0%} of passages shared): {where_en}"
        severity = Severity.ERROR
    if common:
        zh += f"。出现在 {len(names)} 个区县，可能是上级文件或范本，仅供参考"
        en += f". Found in {len(names)} counties: probably from a higher level or a model text; for information"
        severity = Severity.INFO
    return CrossFinding(check=check, severity=severity, common=common, counties=tuple(names), places=places,
                        measure=values, message=zh, message_en=en)


_RANK = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}


def merge(reports: Sequence[Path], *, photo_distance: int = PHOTO_DISTANCE, text_threshold: float = TEXT_THRESHOLD,
          common_min: int = COMMON_MIN, catalogue: Any = None) -> Province:
    """The province view of `reports` (module docstring). Raises `MergeError` for a bad report."""
    from credit_check.catalogue import load_catalogue

    cat = catalogue if catalogue is not None else load_catalogue()
    template_tasks = frozenset(t.id for t in cat.tasks if t.shares_template)
    counties = [load_county(Path(p), template_tasks) for p in reports]
    seen: dict[str, int] = defaultdict(int)
    for c in counties:
        seen[c.row.name] += 1
    for c in counties:
        if seen[c.row.name] > 1:  # two reports of folders with the same name: tell them apart
            c.row = c.row.model_copy(update={"name": f"{c.row.name}（{Path(c.row.report).stem}）"})
    cross: list[CrossFinding] = []
    for check, groups in (("same-file", _same_files(counties)), ("same-photo", _same_photos(counties, photo_distance)),
                          ("same-text", _same_texts(counties, text_threshold))):
        for members, measure in groups.groups():
            if len({c for c, _ in members}) >= 2:
                cross.append(_finding(check, members, measure, counties, common_min))
    cross.sort(key=lambda f: (_RANK[f.severity], f.check, f.counties, f.places[0].path))
    per_county: dict[str, int] = defaultdict(int)
    for f in cross:
        if not f.common:
            for name in f.counties:
                per_county[name] += 1
    rows = tuple(c.row.model_copy(update={"cross_findings": per_county.get(c.row.name, 0)}) for c in counties)
    items = [d.id for d in cat.deductions]
    items += sorted({k for r in rows for k in r.deductions_by_item} - set(items))
    notes = tuple(f"{r.name}: {n}" for r in rows for n in r.notes)
    return Province(settings={"photo_distance": photo_distance, "text_threshold": text_threshold,
                              "common_min": common_min},
                    deduction_items=tuple(items), counties=rows, cross=tuple(cross), notes=notes)


def render_json(province: Province) -> str:
    """The province view as JSON (schema `credit-check/province@1`, docs/report-schema.md)."""
    return json.dumps(province.model_dump(mode="json", by_alias=True), ensure_ascii=False, indent=2) + "\n"
