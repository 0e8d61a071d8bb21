"""The reader settings in every cache key name the OCR engine: a result read while no engine was
installed ("OCR unavailable") or by another version is not taken for the one installed now."""

from __future__ import annotations

from collections.abc import Iterator
from importlib import metadata
from pathlib import Path

import pytest

from credit_check.facts import ExtractOptions, ocr, runner


@pytest.fixture
def engine(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, str | None]]:
    """What `ocr.installed` and the packages' metadata say, as the test sets it."""
    state: dict[str, str | None] = {"installed": None, "version": "1.3.24"}
    monkeypatch.setattr(ocr, "installed", lambda: state["installed"])
    real = metadata.version
    monkeypatch.setattr(metadata, "version", lambda name: state["version"] if name.startswith("rapidocr") else real(name))
    runner.ocr_identity.cache_clear()
    yield state
    runner.ocr_identity.cache_clear()


def _key(options: ExtractOptions) -> str:
    runner.ocr_identity.cache_clear()
    return runner._options_key(options)


def test_the_key_names_the_engine_only_when_ocr_is_on(engine: dict[str, str | None]) -> None:
    none = _key(ExtractOptions(ocr=True))
    off = _key(ExtractOptions(ocr=False))
    engine["installed"] = "rapidocr-onnxruntime"
    one = _key(ExtractOptions(ocr=True))
    engine["version"] = "1.4.4"
    newer = _key(ExtractOptions(ocr=True))
    engine["installed"] = "rapidocr"
    successor = _key(ExtractOptions(ocr=True))
    assert none.startswith("1.none-") and len({none, one, newer, successor}) == 4
    assert _key(ExtractOptions(ocr=False)) == off and off.startswith("0-")


def test_a_result_read_without_an_engine_is_read_again_once_one_is_installed(
        tmp_path: Path, engine: dict[str, str | None]) -> None:
    (tmp_path / "记录.txt").write_text("第一季度信用交通工作会议纪要。" * 10, encoding="utf-8")
    cache = tmp_path / "cache"
    runner.prepare_cache(cache)
    key = runner.cache_key(cache)
    options = ExtractOptions(ocr=True)
    path = str(tmp_path / "记录.txt")

    def read() -> bool:
        """Read through the cache as the readers do (stored after a miss); True when it was a hit."""
        runner.ocr_identity.cache_clear()
        sha, result, hit = runner.read_file(path, options, str(cache), key)
        if not hit:
            runner.store(str(cache), sha, options, result, key)
        return hit

    assert read() is False
    assert read() is True  # the same engine: from the cache
    engine["installed"] = "rapidocr-onnxruntime"
    assert read() is False  # an engine now: read again
    assert read() is True
    engine["installed"] = None
    assert read() is True  # the engine-less entry is still there
