"""The stores beside the index. `facts.index.Memo` (remembered results) has the index's layout — a
table of spans, then the values — so a value is read from the file when asked for and never held
parsed; what a run did not ask for is dropped at the save; a damaged file or value is a miss,
never an error. `facts.index.Lines` (the report's line per file) writes its table as a stream."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from credit_check.facts import runner
from credit_check.facts.index import Lines, Memo

VALUES = {f"k{i}": {"findings": [{"message": f"第{i}条", "path": i}], "date": None} for i in range(5)}


def _filled(cache: Path) -> Memo:
    memo = Memo(cache, "check-results", "1")
    for key, value in VALUES.items():
        memo.put(key, value)
    memo.save()
    return memo


def test_values_are_read_from_the_file_when_asked_for(tmp_path: Path) -> None:
    _filled(tmp_path)
    memo = Memo(tmp_path, "check-results", "1")
    assert not memo.pending and set(memo.spans) == set(VALUES)  # only the table was read
    head, _, body = memo.path.read_bytes().partition(b"\n")
    table = json.loads(head)
    for key, value in VALUES.items():
        start, end = table[key]
        assert json.loads(body[start:end]) == value
        first, second = memo.get(key), memo.get(key)
        assert first == second == value and first is not second  # parsed per call, not kept


def test_a_save_keeps_what_was_asked_for_and_drops_the_rest(tmp_path: Path) -> None:
    _filled(tmp_path)
    memo = Memo(tmp_path, "check-results", "1")
    assert memo.get("k1") == VALUES["k1"] and memo.get("k3") == VALUES["k3"]
    memo.put("k9", [1, "新"])
    memo.save()  # k1 and k3 copied from the old file as it is replaced
    again = Memo(tmp_path, "check-results", "1")
    assert set(again.spans) == {"k1", "k3", "k9"}
    assert again.get("k1") == VALUES["k1"] and again.get("k3") == VALUES["k3"] and again.get("k9") == [1, "新"]
    assert memo.get("k9") == [1, "新"]  # the saved memo reads its new file


def test_an_unchanged_memo_is_not_written_again(tmp_path: Path) -> None:
    _filled(tmp_path)
    before = os.stat(Memo(tmp_path, "check-results", "1").path)
    memo = Memo(tmp_path, "check-results", "1")
    for key in VALUES:
        memo.get(key)
    memo.save()
    after = os.stat(memo.path)
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)


def test_damage_is_a_miss(tmp_path: Path) -> None:
    memo = _filled(tmp_path)
    data = memo.path.read_bytes()
    memo.path.write_bytes(data[:-10])  # the last value cut short: the table points past the end
    assert Memo(tmp_path, "check-results", "1").get("k0") is None
    head, _, body = data.partition(b"\n")
    memo.path.write_bytes(head + b"\n" + body.replace(b'"date"', b'{date"', 1))  # one value no longer JSON
    damaged = Memo(tmp_path, "check-results", "1")
    assert [damaged.get(k) is None for k in VALUES].count(True) == 1
    memo.path.write_bytes(json.dumps(VALUES).encode())  # the old layout: one JSON object
    old = Memo(tmp_path, "check-results", "1")
    assert old.get("k0") is None and not old.spans
    old.put("k0", VALUES["k0"])
    old.save()
    assert Memo(tmp_path, "check-results", "1").get("k0") == VALUES["k0"]


def test_a_value_that_cannot_be_copied_leaves_the_old_file(tmp_path: Path) -> None:
    memo = _filled(tmp_path)
    data = memo.path.read_bytes()
    memo = Memo(tmp_path, "check-results", "1")
    assert memo.get("k2") == VALUES["k2"]
    memo.put("k7", 7)
    assert memo.blob is not None
    memo.blob.fh.close()  # the old file can no longer be read: the save gives up, nothing replaced
    memo.save()
    assert memo.path.read_bytes() == data
    assert not [p for p in memo.path.parent.iterdir() if p.name.endswith(".tmp")]


def test_where_an_open_file_cannot_be_replaced_the_kept_values_are_read_first(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _filled(tmp_path)
    memo = Memo(tmp_path, "check-results", "1")
    assert memo.get("k4") == VALUES["k4"]
    memo.put("k8", "八")
    blob = memo.blob
    write = runner.write_private_stream
    closed_first = []

    def watched(*args: Any, **kwargs: Any) -> Any:
        closed_first.append(blob is not None and blob.fh.closed)
        return write(*args, **kwargs)

    monkeypatch.setattr(runner, "write_private_stream", watched)
    monkeypatch.setattr(os, "name", "nt")  # the Windows branch: copied into memory, the file closed
    memo.save()
    monkeypatch.undo()
    assert closed_first == [True]
    again = Memo(tmp_path, "check-results", "1")
    assert set(again.spans) == {"k4", "k8"} and again.get("k4") == VALUES["k4"] and again.get("k8") == "八"


def _keep_lines(tmp_path: Path, texts: dict[str, bytes]) -> None:
    """`texts` kept as the report lines of a first audit."""
    writer = Lines(tmp_path, "report-lines").writer()
    for key, text in texts.items():
        writer.add(key, text, unchanged=False)
    writer.finish()


def test_lines_written_as_a_stream_are_read_back_one_at_a_time(tmp_path: Path) -> None:
    texts = {f"{i:040x}": f'{{"path":"第{i}个","n":{i}}}'.encode() * (i % 3 + 1) for i in range(2500)}
    _keep_lines(tmp_path, texts)
    lines = Lines(tmp_path, "report-lines")
    head, _, body = lines.path.read_bytes().partition(b"\n")
    table = json.loads(head)  # the table streamed a thousand keys at a time is one JSON object
    assert list(table) == list(texts)
    assert all(body[a:b] == texts[k] for k, (a, b) in table.items())
    assert all(lines.get(k) == text for k, text in texts.items()) and lines.get("0" * 40 + "x") is None
    before = os.stat(lines.path)
    again = lines.writer()
    for key, text in texts.items():
        again.add(key, text, unchanged=True)
    again.finish()  # the same keys and texts: nothing written
    assert os.stat(lines.path).st_mtime_ns == before.st_mtime_ns
    one = Lines(tmp_path, "report-lines").writer()
    one.add("a" * 40, b"[]", unchanged=False)
    one.finish()
    assert json.loads(Lines(tmp_path, "report-lines").path.read_bytes().partition(b"\n")[0]) == {"a" * 40: [0, 2]}


def test_lines_of_an_unchanged_run_are_neither_copied_nor_tabled_until_one_changes(tmp_path: Path) -> None:
    texts = {f"{i:040x}": f'{{"path":"第{i}个"}}'.encode() for i in range(300)}
    _keep_lines(tmp_path, texts)

    def table_and_texts() -> dict[str, bytes]:
        lines = Lines(tmp_path, "report-lines")
        out = {k: lines.get(k) or b"" for k in json.loads(lines.path.read_bytes().partition(b"\n")[0])}
        assert lines.blob is not None
        lines.blob.close()
        return out

    writer = Lines(tmp_path, "report-lines").writer()
    for key in list(texts)[:200]:
        writer.add(key, texts[key], unchanged=True)
    assert writer.spans == {} and writer.body is None and not writer.body_path.exists()  # nothing held yet
    changed = list(texts)[200]
    writer.add(changed, b'{"new":1}', unchanged=False)  # the first change writes the 200 before it
    assert len(writer.spans) == 201 and writer.body_path.exists()
    for key in list(texts)[201:-1]:  # and the last one is gone
        writer.add(key, texts[key], unchanged=True)
    writer.finish()
    assert not writer.body_path.exists()
    expected = {**{k: v for k, v in texts.items()}, changed: b'{"new":1}'}
    del expected[list(texts)[-1]]
    assert table_and_texts() == expected
    assert list(table_and_texts()) == list(expected)

    fewer = Lines(tmp_path, "report-lines").writer()  # the kept keys in order, one fewer: written again
    for key in list(expected)[:-1]:
        fewer.add(key, expected[key], unchanged=True)
    fewer.finish()
    assert table_and_texts() == {k: v for k, v in list(expected.items())[:-1]}

    before = os.stat(Lines(tmp_path, "report-lines").path).st_mtime_ns
    shuffled = Lines(tmp_path, "report-lines").writer()  # the same texts in another order: a map, kept as it is
    kept = list(expected)[:-1]
    for key in reversed(kept):
        shuffled.add(key, expected[key], unchanged=True)
    shuffled.finish()
    assert os.stat(Lines(tmp_path, "report-lines").path).st_mtime_ns == before and not shuffled.body_path.exists()


def test_a_table_of_plain_keys_reads_as_json_would() -> None:
    from credit_check.facts.index import _span_table, _unspan

    plain = {f"{i:040x}": [i * 7, i * 7 + 5] for i in range(50)} | {"ab" * 20 + "/digest": [400, 409]}
    line = json.dumps(plain, separators=(",", ":")).encode() + b"\n"
    assert {k: list(_unspan(v)) for k, v in _span_table(line).items()} == plain
    other = {'引"号': [0, 3], "a\\b": [3, 4]}  # keys only JSON reads: parsed as JSON
    assert {k: list(_unspan(v)) for k, v in _span_table(json.dumps(other).encode()).items()} == other
    assert _span_table(b"{}\n") == {}
    for damaged in (b"", b'{"a":[1,2]', b'{"a":[1,2],}', b"[1]", b'{"a":[1]}'):
        with pytest.raises((ValueError, TypeError, AttributeError)):
            _span_table(damaged)


def test_lines_asked_in_their_order_are_never_tabled(tmp_path: Path) -> None:
    texts = {f"{i:040x}": f"第{i}行".encode() for i in range(100)}
    _keep_lines(tmp_path, texts)
    lines = Lines(tmp_path, "report-lines")
    assert [lines.get(k) for k in texts] == list(texts.values())
    assert lines._spans is None and lines.count() == 100  # read along the table's line
    assert lines.get(f"{7:040x}") == "第7行".encode() and lines._spans is not None  # out of order: a dict
    assert lines.get(f"{99:040x}") == "第99行".encode() and lines.get("f" * 40) is None and lines.count() == 100
    damaged = Lines(tmp_path, "report-lines")
    damaged.path.write_bytes(damaged.path.read_bytes().replace(b":[0,", b":[0,9999", 1))  # a span past the end
    assert Lines(tmp_path, "report-lines").get(f"{0:040x}") is None and Lines(tmp_path, "report-lines").count() == 0
