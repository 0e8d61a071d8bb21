"""The catalogue (`indicators.yaml`) as frozen pydantic models.

Every number here that the source document does not give (points, pass mark, tolerances) is a
default the user may change in their own catalogue (`--catalogue FILE`); the YAML says so next to
each value.
"""

from __future__ import annotations

import datetime as dt
import re
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator


class _Strict(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Material(StrEnum):
    """Kinds of material a requirement asks for; `credit_check.classify` decides them per file."""

    ANY = "any"
    DOCUMENT = "document"  # any text document (PDF, DOCX, scan)
    ISSUED = "issued"  # an issued document (红头文件: 通知、方案、办法、制度 …)
    MEETING = "meeting"  # meeting minutes / records / study records
    PHOTO = "photo"
    IMAGE = "image"  # screenshots and scanned pictures
    LEDGER = "ledger"  # 台账, monthly records, registers (spreadsheet or document)
    SPREADSHEET = "spreadsheet"
    PUBLICATION = "publication"  # proof of publication: screenshot, saved page, URL
    NOTICE = "notice"  # 活动通知
    SUMMARY = "summary"  # 活动总结
    REPORT = "report"  # 宣传报道, 工作信息, news
    LIST = "list"  # 名单, 清单


class Cadence(StrEnum):
    ONCE = "once"  # at least `count` items in the period (undated items count)
    QUARTERLY = "quarterly"  # at least `count` dated items in each quarter of the period
    MONTHLY = "monthly"  # at least `count` dated items in each month of the period
    PER_DOMAIN = "per_domain"  # items naming at least `count` different 重点领域/细分领域


class Requirement(_Strict):
    id: str
    label: str  # Chinese, shown to users ("领导小组会议记录")
    label_en: str = ""
    material: tuple[Material, ...] = (Material.ANY,)
    keywords: tuple[str, ...] = ()  # one must occur in the file's path or title (empty: no filter)
    count: int = Field(default=1, ge=1)
    cadence: Cadence = Cadence.ONCE

    @field_validator("material", mode="before")
    @classmethod
    def _one_or_many(cls, value: object) -> object:
        return (value,) if isinstance(value, str) else value


class Task(_Strict):
    id: str
    primary: str  # 一级指标
    secondary: str  # 二级指标
    title: str  # short title
    text: str  # the task text of Attachment 2
    units: tuple[str, ...]
    title_en: str = ""  # English, for --lang en (Chinese is shown when empty)
    text_en: str = ""
    primary_en: str = ""
    secondary_en: str = ""
    points: float = Field(ge=0)  # default, user-settable
    requirements: tuple[Requirement, ...] = ()
    issued: bool | None = None  # override the issued-document rule for all files of the task
    shares_template: bool = False  # material is expected to repeat a template (信用承诺书)
    aliases: tuple[str, ...] = ()  # other folder prefixes that mean this task ("一、1")

    @field_validator("id")
    @classmethod
    def _task_id(cls, value: str) -> str:
        if not re.fullmatch(r"\d\.\d", value):
            raise ValueError(f"task id must look like 1.1 … 7.4, got {value!r}")
        return value


class Bonus(_Strict):
    id: str
    title: str
    text: str
    title_en: str = ""
    text_en: str = ""
    points: float = Field(ge=0)
    units: tuple[str, ...] = ()
    requirements: tuple[Requirement, ...] = ()

    @field_validator("id")
    @classmethod
    def _bonus_id(cls, value: str) -> str:
        if not re.fullmatch(r"B\d", value):
            raise ValueError(f"bonus id must look like B1 … B7, got {value!r}")
        return value


class Deduction(_Strict):
    id: str
    title: str
    text: str
    title_en: str = ""
    text_en: str = ""
    points: float = Field(ge=0)  # deducted per error finding (default)
    warning_points: float = Field(default=0, ge=0)  # deducted per warning finding (default)
    cap: float = Field(ge=0)  # most this item can deduct in total (default)
    disqualify: bool = False  # an error finding of this item cancels the acceptance
    units: tuple[str, ...] = ()  # who fixes findings that belong to no task

    @field_validator("id")
    @classmethod
    def _deduction_id(cls, value: str) -> str:
        if not re.fullmatch(r"D\d", value):
            raise ValueError(f"deduction id must look like D1 … D7, got {value!r}")
        return value


class PathOverride(_Strict):
    """Per-path settings: `glob` is matched against the file's relative path."""

    glob: str
    issued: bool | None = None
    shares_template: bool | None = None


class PhotoSettings(_Strict):
    stamp_tolerance_minutes: float = Field(default=5, ge=0)
    edited_after_hours: float = Field(default=24, ge=0)
    editors: tuple[str, ...] = ()
    reuse_distance: int = Field(default=12, ge=0, le=64)  # candidates for pixel verification (docs/fraud.md)


class Settings(_Strict):
    period_start: dt.date
    period_end: dt.date
    pass_mark: float = Field(ge=0)
    publication_working_days: int = Field(default=7, ge=1)
    similarity_threshold: float = Field(default=0.8, gt=0, le=1)
    photo: PhotoSettings = PhotoSettings()
    holidays: tuple[dt.date, ...] = ()  # extra days off, for years chinese-calendar lacks
    workdays: tuple[dt.date, ...] = ()  # extra make-up working days

    @model_validator(mode="after")
    def _ordered(self) -> Settings:
        if self.period_end < self.period_start:
            raise ValueError("period_end is before period_start")
        return self


class Catalogue(_Strict):
    version: int
    title: str
    title_en: str = ""
    source: str = ""
    settings: Settings
    units: tuple[str, ...]
    units_en: dict[str, str] = Field(default_factory=dict)  # unit -> its English name, for --lang en
    domains: dict[str, tuple[str, ...]]  # 重点领域 -> 细分领域
    tasks: tuple[Task, ...]
    bonus: tuple[Bonus, ...] = ()
    deductions: tuple[Deduction, ...]
    overrides: tuple[PathOverride, ...] = ()

    @model_validator(mode="after")
    def _consistent(self) -> Catalogue:
        seen: set[str] = set()
        every: tuple[Task | Bonus | Deduction, ...] = (*self.tasks, *self.bonus, *self.deductions)
        for item in every:
            if item.id in seen:
                raise ValueError(f"duplicate id {item.id!r}")
            seen.add(item.id)
        for task in self.scored_items():
            for unit in task.units:
                if unit not in self.units:
                    raise ValueError(f"{task.id}: unit {unit!r} is not in the top-level `units` list")
            req_ids = [r.id for r in task.requirements]
            if len(req_ids) != len(set(req_ids)):
                raise ValueError(f"{task.id}: duplicate requirement id")
        for unit in self.units_en:
            if unit not in self.units:
                raise ValueError(f"units_en: {unit!r} is not in the top-level `units` list")
        owner: dict[str, str] = {}
        for t in self.tasks:
            for alias in t.aliases:
                if alias in owner and owner[alias] != t.id:
                    raise ValueError(f"alias {alias!r} is given to both {owner[alias]} and {t.id}")
                owner[alias] = t.id
        return self

    @property
    def max_points(self) -> float:
        return sum(t.points for t in self.tasks)

    def scored_items(self) -> tuple[Task | Bonus, ...]:
        return (*self.tasks, *self.bonus)

    def task(self, task_id: str) -> Task | Bonus | None:
        for item in self.scored_items():
            if item.id == task_id:
                return item
        return None

    def aliases(self) -> dict[str, str]:
        """Folder-name prefixes (`tasks[].aliases`) and the task each one means."""
        return {alias: task.id for task in self.tasks for alias in task.aliases if alias.strip()}

    def deduction(self, rule: str) -> Deduction | None:
        return next((d for d in self.deductions if d.id == rule), None)

    def all_subdomains(self) -> tuple[str, ...]:
        return tuple(self.domains) + tuple(s for subs in self.domains.values() for s in subs)
