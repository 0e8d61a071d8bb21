"""Shared test fixtures: where the repository, the shared corpus and a CJK font are.

Without a CJK font the tests that draw Chinese are skipped: by the builders (tests/builders/fonts.py),
by the `needs_cjk_font` marker or by the `cjk_font_path` fixture."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
CORPUS = REPO_ROOT.parent / "shared" / "corpus"
SARIF_SCHEMA = REPO_ROOT.parent / "shared" / "schemas" / "sarif-schema-2.1.0.json"


@pytest.fixture
def corpus() -> Path:
    if not CORPUS.is_dir():
        pytest.skip("shared corpus not present beside the checkout")
    return CORPUS


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "needs_cjk_font: the test draws Chinese text; skipped when no CJK font "
                                       "is installed (credit_check.fonts finds one; CREDIT_CHECK_FONT overrides)")


def pytest_runtest_setup(item: pytest.Item) -> None:
    if item.get_closest_marker("needs_cjk_font") is not None:
        from credit_check.fonts import find_cjk_font
        from tests.builders.fonts import NO_CJK_FONT

        if find_cjk_font() is None:
            pytest.skip(NO_CJK_FONT)


@pytest.fixture
def cjk_font_path() -> Path:
    """The installed CJK font file; the test is skipped when there is none. (Builders that draw
    Chinese skip by themselves, through tests.builders.fonts.)"""
    from credit_check.fonts import find_cjk_font
    from tests.builders.fonts import NO_CJK_FONT

    path = find_cjk_font()
    if path is None:
        pytest.skip(NO_CJK_FONT)
    return path


def sigint_deliverable() -> None:
    """`preexec_fn` for a child that a test interrupts with SIGINT: the child starts with SIGINT
    unblocked and at its default, whatever signal mask or disposition the test process itself
    carries at that moment (a child inherits both, and Python keeps an inherited "ignore"), so
    the test measures the tool's Ctrl-C handling and not the test runner's state."""
    import signal

    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
    signal.signal(signal.SIGINT, signal.SIG_DFL)
