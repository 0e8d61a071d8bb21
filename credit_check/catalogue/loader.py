"""Load and validate a catalogue; every mistake becomes one `CatalogueError` naming file, path, fix."""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from credit_check.catalogue.models import Catalogue


class CatalogueError(Exception):
    """A catalogue that cannot be used. The message is complete and user-facing."""


MAX_YAML_CHARS = 5_000_000  # a catalogue is ~50 KB, a waivers file less
MAX_YAML_DEPTH = 64  # nesting of mappings and lists; the catalogue needs 6
MAX_YAML_NODES = 1_000_000  # nodes after expanding aliases (a "billion laughs" file has 10⁹)
_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when present: 5 times faster


class YamlTooComplex(ValueError):
    """A YAML text nested too deep, too large, or expanding to too many nodes through aliases.
    The message says which limit and where; a `ValueError` (callers already report those)."""


def safe_yaml_load(text: str, what: str = "YAML") -> Any:
    """`yaml.safe_load(text)` after a pass over its events that refuses (`YamlTooComplex`) a text
    longer than `MAX_YAML_CHARS`, nested deeper than `MAX_YAML_DEPTH` (PyYAML builds nested nodes
    recursively: 20,000 levels end in RecursionError) or whose aliases expand to more than
    `MAX_YAML_NODES` nodes. The event pass is iterative, so it cannot overflow the stack itself.
    `what` names the text in messages (a file name). Syntax errors raise `yaml.YAMLError`."""
    if len(text) > MAX_YAML_CHARS:
        raise YamlTooComplex(f"{what}: 文件过大 / too large ({len(text)} characters; at most {MAX_YAML_CHARS})")
    sizes: dict[str, int] = {}
    stack: list[tuple[str | None, int]] = []
    total = 0
    for event in yaml.parse(text, Loader=_LOADER):
        size = 0
        if isinstance(event, yaml.CollectionStartEvent):
            if len(stack) >= MAX_YAML_DEPTH:
                line = event.start_mark.line + 1 if event.start_mark else 0
                raise YamlTooComplex(f"{what}: line {line}: 嵌套过深 / nested deeper than {MAX_YAML_DEPTH} levels; "
                                     "a catalogue or waivers file needs only a few")
            stack.append((event.anchor, 1))
            continue
        if isinstance(event, yaml.CollectionEndEvent):
            anchor, size = stack.pop()
        elif isinstance(event, yaml.ScalarEvent):
            anchor, size = event.anchor, 1
        elif isinstance(event, yaml.AliasEvent):
            anchor, size = None, sizes.get(event.anchor or "", 1)
        else:
            continue
        if anchor:
            sizes[anchor] = size
        if stack:
            parent_anchor, count = stack[-1]
            stack[-1] = (parent_anchor, count + size)
        else:
            total += size
        if total + sum(count for _, count in stack[-1:]) > MAX_YAML_NODES or size > MAX_YAML_NODES:
            raise YamlTooComplex(f"{what}: 别名展开后过大 / aliases expand to more than {MAX_YAML_NODES} nodes")
    try:
        return yaml.load(text, Loader=_LOADER)  # a safe loader (SafeLoader or CSafeLoader)
    except RecursionError:  # not reached after the depth check; kept as a guard
        raise YamlTooComplex(f"{what}: 嵌套过深 / nested too deep") from None


def default_catalogue_path() -> Path:
    """The catalogue shipped in the package (falls back to the checkout's top-level file)."""
    shipped = resources.files("credit_check").joinpath("indicators.yaml")
    if shipped.is_file():
        return Path(str(shipped))
    return Path(__file__).resolve().parents[2] / "indicators.yaml"


def _yaml_path(data: Any, loc: tuple[int | str, ...]) -> str:
    """Render a pydantic location as a YAML path, naming list items by their id when they have one."""
    out = ""
    node = data
    for part in loc:
        if isinstance(part, int):
            ident = node[part].get("id") if isinstance(node, list) and part < len(node) and isinstance(
                node[part], dict) else None
            out += f"[{part}]" + (f"(id {ident})" if ident else "")
            node = node[part] if isinstance(node, list) and part < len(node) else None
        else:
            out += f".{part}" if out else str(part)
            node = node.get(part) if isinstance(node, dict) else None
    return out or "(top level)"


def _fix_for(kind: str) -> str:
    return {
        "extra_forbidden": "remove the key or correct its spelling (see docs/catalogue.md for the allowed keys)",
        "missing": "add the key",
        "float_parsing": "write a number",
        "int_parsing": "write a whole number",
        "date_from_datetime_parsing": "write a date as YYYY-MM-DD",
        "date_parsing": "write a date as YYYY-MM-DD",
        "enum": "use one of the values listed in the message",
        "greater_than_equal": "use a value that is not negative",
    }.get(kind, "correct the value (see docs/catalogue.md)")


def load_catalogue(path: Path | None = None) -> Catalogue:
    """Read `path` (default: the shipped catalogue) into a `Catalogue`, or raise `CatalogueError`."""
    path = path or default_catalogue_path()
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise CatalogueError(f"目录文件无法读取 / cannot read catalogue {path}: {exc.strerror or exc}") from None
    try:
        data = safe_yaml_load(raw.decode("utf-8-sig"), str(path))
    except UnicodeDecodeError:
        raise CatalogueError(f"{path}: 不是 UTF-8 编码 / not UTF-8 text; save the file as UTF-8") from None
    except YamlTooComplex as exc:
        raise CatalogueError(f"{exc}. 修改建议 / fix: write the catalogue as in docs/catalogue.md") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise CatalogueError(
            f"{path}:{where} YAML 语法错误 / invalid YAML: {getattr(exc, 'problem', exc)}; "
            "fix the indentation or quoting there"
        ) from None
    if not isinstance(data, dict):
        raise CatalogueError(f"{path}: 顶层必须是映射 / the top level must be a mapping of keys")
    try:
        return Catalogue.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        more = f" (and {exc.error_count() - 1} more)" if exc.error_count() > 1 else ""
        where = _yaml_path(data, tuple(err["loc"]))
        msg = err["msg"].removeprefix("Value error, ")
        raise CatalogueError(
            f"{path}: {where}: {msg}{more}. 修改建议 / fix: {_fix_for(err['type'])}"
        ) from None
