from __future__ import annotations

import time

import pytest

from credit_check.facts import FileTimeout, time_limit


def test_a_slow_reader_is_stopped() -> None:
    start = time.monotonic()
    with pytest.raises(FileTimeout), time_limit(1):
        while True:  # a reader stuck in a Python loop (e.g. a cyclic PDF structure)
            time.sleep(0.01)
    assert time.monotonic() - start < 3


def test_no_limit_and_fast_readers_are_untouched() -> None:
    with time_limit(0):
        time.sleep(0.01)
    with time_limit(5):
        pass
    time.sleep(0.01)  # the alarm was cancelled: nothing fires later
