"""The temporary-file store of passage arrays (`credit_check.spool`)."""

from __future__ import annotations

import tempfile

import numpy as np
import pytest

from credit_check.spool import ArraySpool


def _arrays(seed: int, n: int) -> list[np.ndarray]:
    rng = np.random.default_rng(seed)
    return [np.unique(rng.integers(0, 2**64 - 1, size=int(rng.integers(0, 400)), dtype=np.uint64, endpoint=True))
            for _ in range(n)]


def test_arrays_come_back_from_the_file_whole_and_in_parts() -> None:
    arrays = _arrays(1, 30)
    with ArraySpool() as spool:
        refs = [spool.add(a) for a in arrays]
        assert spool._file is not None and not spool._held  # in the file, not in memory
        for ref, a in zip(refs, arrays, strict=True):
            assert spool.sizes[ref] == len(a)
            assert np.array_equal(spool.get(ref), a) and spool.get(ref).dtype == np.uint64
            assert np.array_equal(spool.part(ref, 3, 17), a[3:17])
            assert np.array_equal(spool.part(ref, 5, 10_000), a[5:])
            assert len(spool.part(ref, 9, 9)) == 0
            if len(a) >= 20:  # read into a slice of a larger buffer, the rest untouched
                buffer = np.zeros(len(a) + 2, dtype=np.uint64)
                spool.part_into(ref, 4, buffer[1:len(a) - 3])
                assert np.array_equal(buffer[1:len(a) - 3], a[4:]) and buffer[0] == 0 and not buffer[len(a) - 3:].any()
        with pytest.raises(IndexError):
            spool.part_into(refs[0], 1, np.empty(spool.sizes[refs[0]], dtype=np.uint64))


def test_replacing_shorter_in_place_and_longer_at_the_end() -> None:
    a, b, c = _arrays(2, 3)
    longer = np.unique(np.concatenate([a, c]))
    with ArraySpool() as spool:
        first, second = spool.add(a), spool.add(b)
        end = spool._end
        spool.replace(first, a[::2])  # shorter: its old place
        assert spool._end == end and np.array_equal(spool.get(first), a[::2])
        spool.replace(first, longer)  # longer: a new place, the neighbour untouched
        assert spool._end > end
        assert np.array_equal(spool.get(first), longer) and np.array_equal(spool.get(second), b)
        spool.replace(second, np.zeros(0, dtype=np.uint64))
        assert spool.sizes[second] == 0 and len(spool.get(second)) == 0


def test_without_a_temporary_file_the_arrays_stay_in_memory(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise PermissionError(13, "read-only temporary folder")

    monkeypatch.setattr(tempfile, "TemporaryFile", refuse)
    arrays = _arrays(3, 5)
    with ArraySpool() as spool:
        assert spool._file is None
        refs = [spool.add(a) for a in arrays]
        spool.replace(refs[0], arrays[0][:2])
        assert np.array_equal(spool.get(refs[0]), arrays[0][:2])
        assert all(np.array_equal(spool.get(r), a) for r, a in zip(refs[1:], arrays[1:], strict=True))
        into = np.empty(len(arrays[1]) - 1, dtype=np.uint64)
        spool.part_into(refs[1], 1, into)
        assert np.array_equal(into, arrays[1][1:])


def test_a_full_disk_keeps_that_array_in_memory(monkeypatch: pytest.MonkeyPatch) -> None:
    arrays = _arrays(4, 4)
    with ArraySpool() as spool:
        refs = [spool.add(a) for a in arrays[:2]]
        real = spool._write

        def full(at: int, data: bytes) -> None:
            raise OSError(28, "No space left on device")

        monkeypatch.setattr(spool, "_write", full)
        refs += [spool.add(a) for a in arrays[2:]]
        assert set(spool._held) == {refs[2], refs[3]}
        monkeypatch.setattr(spool, "_write", real)
        spool.replace(refs[2], arrays[2][:3])  # room again: back to the file
        assert set(spool._held) == {refs[3]}
        for ref, a in zip(refs, [*arrays[:2], arrays[2][:3], arrays[3]], strict=True):
            assert np.array_equal(spool.get(ref), a)


def test_closed_spool_removes_its_file() -> None:
    spool = ArraySpool()
    spool.add(np.arange(10, dtype=np.uint64))
    handle = spool._file
    assert handle is not None
    spool.close()
    assert handle.closed and spool._file is None
