"""Headless Chromium for the HTML report's browser tests (Debian's `chromium`; `.ci/run` installs
it). Nothing is downloaded: without a browser on PATH the tests skip.

`dump_dom(page)` opens an HTML file the way a person would (a `file:` URL), lets its scripts run,
and returns the DOM as serialised after the load event (`--dump-dom`). `instrument(html, probe)`
prepares a report for that: a first script records every uncaught error and rejected promise in
`data-errors` on `<html>`, and `probe` (a script run after the page's own) can drive the page and
write what it saw into attributes the test then reads from the dump.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--disable-default-apps", "--mute-audio",
         "--hide-scrollbars")

ERRORS = """<script>
(function () {
  var seen = [];
  function note(text) {
    seen.push(String(text));
    document.documentElement.setAttribute("data-errors", seen.join(" | "));
  }
  window.addEventListener("error", function (e) { note(e.message || e.type); });
  window.addEventListener("unhandledrejection", function (e) { note("rejected: " + e.reason); });
})();
</script>"""


def find() -> str | None:
    """The Chromium executable, or None. `CREDIT_CHECK_CHROMIUM` names one explicitly."""
    explicit = os.environ.get("CREDIT_CHECK_CHROMIUM")
    if explicit:
        return explicit if Path(explicit).is_file() else None
    for name in NAMES:
        found = shutil.which(name)
        if found:
            return found
    return None


def instrument(page: str, probe: str = "") -> str:
    """`page` with the error recorder first in <head> and `probe` after everything else."""
    head = page.index("<head>") + len("<head>")
    page = page[:head] + "\n" + ERRORS + page[head:]
    if probe:
        end = page.rindex("</body>")
        page = page[:end] + f"<script>\n{probe}\n</script>\n" + page[end:]
    return page


def command(executable: str, profile: Path, *more: str) -> list[str]:
    return [executable, *FLAGS, f"--user-data-dir={profile}", *more]


def dump_dom(page: Path, *, timeout: float = 90.0, window: str = "1280,2000") -> str:
    """The DOM of `page` after it loaded, as Chromium serialises it."""
    executable = find()
    if executable is None:
        raise FileNotFoundError("no chromium on PATH")
    with tempfile.TemporaryDirectory(prefix="credit-check-chromium-") as profile:
        run = subprocess.run(command(executable, Path(profile), f"--window-size={window}", "--dump-dom",
                                     page.resolve().as_uri()),
                             capture_output=True, timeout=timeout, check=False)
    if run.returncode != 0 or not run.stdout:
        raise RuntimeError(f"chromium exited {run.returncode}: {run.stderr.decode(errors='replace')[-2000:]}")
    return run.stdout.decode("utf-8")
