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
        data = yaml.safe_load(raw.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise CatalogueError(f"{path}: 不是 UTF-8 编码 / not UTF-8 text; save the file as UTF-8") from None
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
