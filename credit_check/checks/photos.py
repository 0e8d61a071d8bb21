"""photos — activity photos must come from a watermark camera, unedited, in the period (D7, D1).

Deduction item 7: meeting, work and activity photos must be taken with an app that burns the
real time into the picture (水印相机: 今日水印相机, 马克水印相机 …). Item 1: forged material
cancels the acceptance. Every photo (JPEG, HEIC) filed under a task is checked:

| check | rule | severity | what it means | how to fix |
|---|---|---|---|---|
| `no-stamp` | D7 | error | no time stamp (HH:MM with a date or weekday) found in the picture | retake with a watermark camera, or submit the original stamped photo |
| `no-exif` | D7 | warning | a stamp, but no EXIF capture time (DateTimeOriginal): usually forwarded through WeChat/QQ, which strips it, so the stamp cannot be checked | submit the original file from the phone |
| `out-of-period` | D7 | error | taken (EXIF time, else the stamp date) outside the assessment period | use photos of activities inside the period |
| `stamp-mismatch` | D1 | error | stamp time and EXIF DateTimeOriginal differ by more than `settings.photo.stamp_tolerance_minutes` | the stamp was added or edited afterwards: submit the original |
| `edited` | D1 | error | EXIF Software names an editor (`settings.photo.editors`, case-insensitive) or DateTime is more than `settings.photo.edited_after_hours` after DateTimeOriginal | submit the unedited original |
| `future-time` | future-time | warning | the camera time (EXIF or stamp) is after the audit date: a wrong phone clock | check the phone clock; retake if needed |
| `stamp-undetermined` | undetermined | info | the stamp could not be read (no OCR installed, OCR turned off, picture damaged or tiny) | install the OCR extra, or check these photos by eye |

`stamp-undetermined` is one finding per task and reason (listing the photos in `related`), not
one per photo: without OCR every photo would otherwise add a line. A photo whose stamp could not
be read is never reported as `no-stamp`.

Times are compared as the phone's wall-clock time (the stamp carries no time zone). A stamp
that shows only HH:MM is compared by time of day.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING

from credit_check.facttypes import PhotoFacts
from credit_check.model import EvidenceFile, Finding, Kind, Severity, finding

if TYPE_CHECKING:
    from credit_check.catalogue.models import PhotoSettings
    from credit_check.checks import CheckContext

ID = "photos"


def _naive(value: dt.datetime | None) -> dt.datetime | None:
    """Wall-clock time: the stamp is printed in local time, EXIF may carry an offset."""
    return value.replace(tzinfo=None) if value is not None else None


def _when(value: str | None) -> dt.datetime | None:
    """The stamp's reading as a datetime when it has a date ("2024-05-12T09:00")."""
    if not isinstance(value, str) or "T" not in value:
        return None
    try:
        return dt.datetime.fromisoformat(value).replace(tzinfo=None)
    except ValueError:
        return None


def _clock(value: str | None) -> dt.time | None:
    try:
        return dt.time.fromisoformat(value) if isinstance(value, str) and len(value) == 5 else None
    except ValueError:
        return None


def _gap_minutes(taken: dt.datetime, stamp_time: str | None) -> float | None:
    stamp = _when(stamp_time)
    if stamp is not None:
        return abs((stamp - taken).total_seconds()) / 60
    clock = _clock(stamp_time)
    if clock is None:
        return None
    minutes = abs(clock.hour * 60 + clock.minute - (taken.hour * 60 + taken.minute))
    return float(min(minutes, 24 * 60 - minutes))


def _finding(f: EvidenceFile, check: str, rule: str, severity: Severity,
             zh: tuple[str, str], en: tuple[str, str]) -> Finding:
    return finding(rule, check, severity, f, zh, en)


def _edited(facts: PhotoFacts, taken: dt.datetime | None, settings: PhotoSettings) -> tuple[str, str] | None:
    software = facts.software or ""
    editor = next((e for e in settings.editors if e and e.lower() in software.lower()), None)
    if editor:
        return f"EXIF 软件字段为“{software[:60]}”（修图软件）", f"EXIF Software is '{software[:60]}' (an editor)"
    modified = _naive(facts.modified)
    if taken and modified and modified - taken > dt.timedelta(hours=settings.edited_after_hours):
        return (f"文件修改时间 {modified:%Y-%m-%d %H:%M} 晚于拍摄时间 {taken:%Y-%m-%d %H:%M}",
                f"EXIF DateTime {modified:%Y-%m-%d %H:%M} is long after DateTimeOriginal {taken:%Y-%m-%d %H:%M}")
    return None


def _one(f: EvidenceFile, facts: PhotoFacts, ctx: CheckContext) -> Iterator[Finding]:
    settings = ctx.catalogue.settings.photo
    stamp, taken = facts.stamp, _naive(facts.taken)
    stamp_time = facts.stamp_time
    stamp_day = _when(stamp_time)
    if stamp is False:
        yield _finding(f, "no-stamp", "D7", Severity.ERROR,
                       ("照片未发现水印相机的时间水印", "请使用具有真实时间水印功能的相机 APP 重新拍摄，或提交带水印的原图"),
                       ("No watermark-camera time stamp found in the photo",
                        "Retake with a watermark camera app, or submit the original stamped photo"))
    if stamp is True and taken is None:
        yield _finding(f, "no-exif", "D7", Severity.WARNING,
                       ("照片有时间水印但没有 EXIF 拍摄时间，可能经微信/QQ 转发，无法核对水印时间",
                        "请提交手机中的原始照片文件"),
                       ("Stamped photo without an EXIF capture time (probably forwarded through a chat app): "
                        "the stamp cannot be checked", "Submit the original file from the phone"))
    day = taken.date() if taken else (stamp_day.date() if stamp_day else None)
    if day is not None and not ctx.period.contains(day):
        yield _finding(f, "out-of-period", "D7", Severity.ERROR,
                       (f"照片拍摄于 {day}，不在评估期 {ctx.period.start}～{ctx.period.end} 内", "请提供评估期内开展活动的照片"),
                       (f"Photo taken on {day}, outside the period {ctx.period.start}..{ctx.period.end}",
                        "Use photos of activities inside the assessment period"))
    gap = _gap_minutes(taken, stamp_time) if taken and stamp is True else None
    if gap is not None and gap > settings.stamp_tolerance_minutes:
        yield _finding(f, "stamp-mismatch", "D1", Severity.ERROR,
                       (f"水印时间 {stamp_time} 与 EXIF 拍摄时间 {taken:%Y-%m-%d %H:%M} 相差 {gap:.0f} 分钟",
                        "水印可能是后加或改过的，请提交原始照片"),
                       (f"Stamp time {stamp_time} differs from EXIF time {taken:%Y-%m-%d %H:%M} by {gap:.0f} min",
                        "The stamp may have been added or edited later; submit the original photo"))
    edited = _edited(facts, taken, settings)
    if edited:
        yield _finding(f, "edited", "D1", Severity.ERROR,
                       (f"照片疑似经过编辑：{edited[0]}", "请提交未经编辑的原始照片"),
                       (f"Photo looks edited: {edited[1]}", "Submit the unedited original"))
    latest = max((d for d in (taken, stamp_day) if d is not None), default=None)
    if latest is not None and latest.date() > ctx.audit_date:
        yield _finding(f, "future-time", "future-time", Severity.WARNING,
                       (f"照片时间 {latest:%Y-%m-%d %H:%M} 晚于检查日期 {ctx.audit_date}", "请核对手机时钟，必要时重新拍摄"),
                       (f"Photo time {latest:%Y-%m-%d %H:%M} is after the audit date {ctx.audit_date}",
                        "Check the phone clock; retake if needed"))


def _undetermined(groups: dict[tuple[str | None, str], list[EvidenceFile]]) -> Iterator[Finding]:
    for (task, reason), group in sorted(groups.items(), key=lambda kv: (kv[0][0] or "", kv[0][1])):
        paths = sorted(f.path for f in group)
        yield Finding(rule="undetermined", check="stamp-undetermined", severity=Severity.INFO,
                      path=paths[0] if len(paths) == 1 else None, task=task, related=tuple(paths),
                      message=f"{len(paths)} 张照片无法判断是否有时间水印：{reason}",
                      fix="安装 OCR 组件后重新检查，或人工核对这些照片",
                      message_en=f"{len(paths)} photo(s): could not tell whether they carry a time stamp: {reason}",
                      fix_en="Install the OCR extra and run again, or check these photos by eye")


def check(files: Sequence[EvidenceFile], ctx: CheckContext) -> Iterator[Finding]:
    undetermined: dict[tuple[str | None, str], list[EvidenceFile]] = defaultdict(list)
    for f in files:
        if f.kind is not Kind.PHOTO or f.error or f.task is None:
            continue  # unfiled photos are not evidence of an activity; unreadable ones get a read-error
        facts = f.facts  # (asked only of photos: a record is built to answer)
        if not isinstance(facts, PhotoFacts):
            continue
        yield from _one(f, facts, ctx)
        if facts.stamp is None:
            undetermined[(f.task, facts.stamp_reason or "原因未知 / unknown")].append(f)
    yield from _undetermined(undetermined)
