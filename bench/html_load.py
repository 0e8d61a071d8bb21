"""How fast the HTML report opens with 5,000 findings, in headless Chromium.

    python bench/html_load.py [--findings 5000] [--pictures 300] [--runs 3] [--keep FILE]

Builds a synthetic report (the realistic test report's tasks, units and rules, its findings
repeated over a few hundred folders and files, `--pictures` of them with a ~20 KB JPEG each,
D1 findings as side-by-side pairs), renders it, and opens it `--runs` times in a fresh headless
Chromium driven over the DevTools protocol (`--remote-debugging-pipe`, standard library only),
printing per run: navigation to DOMContentLoaded and to the load event, first contentful paint,
the first frame after load, the time the unit filter takes to show one unit's list (with the
layout it causes), DOM nodes, JS heap, and any script error. Then the medians. Nothing is
asserted: figures only (docs/reporters.md records them).

Needs Debian's `chromium` (or `CREDIT_CHECK_CHROMIUM=/path/to/chrome`).
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import fcntl
import io
import json
import os
import random
import select
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from PIL import Image, ImageDraw  # noqa: E402

from credit_check.fingerprint import with_fingerprints  # noqa: E402
from credit_check.model import Finding, Preview, PreviewPane, Report, Severity  # noqa: E402
from credit_check.reporters import html  # noqa: E402
from tests.builders.reports import build_report  # noqa: E402
from tests.reporters.chromium import FLAGS, find  # noqa: E402

RULES = [("D6", "seal", Severity.ERROR), ("D6", "doc_number_format", Severity.WARNING), ("D7", "no-stamp", Severity.ERROR),
         ("D7", "no-exif", Severity.WARNING), ("D5", "copy-name", Severity.WARNING), ("D4", "late", Severity.ERROR),
         ("D2", "published", Severity.ERROR), ("D3", "weak-basis", Severity.WARNING), ("D1", "reused", Severity.ERROR),
         ("read-error", "corrupt", Severity.WARNING), ("undetermined", "seal-undetermined", Severity.INFO),
         ("evidence", "missing:photos", Severity.ERROR)]


def _picture(seed: int) -> tuple[str, int, int]:
    rng = random.Random(seed)
    image = Image.new("RGB", (480, 360), tuple(rng.randrange(256) for _ in range(3)))
    draw = ImageDraw.Draw(image)
    for _ in range(60):
        x, y = rng.randrange(480), rng.randrange(360)
        draw.rectangle((x, y, x + rng.randrange(10, 120), y + rng.randrange(10, 90)),
                       fill=tuple(rng.randrange(256) for _ in range(3)))
    for _ in range(4000):
        draw.point((rng.randrange(480), rng.randrange(360)), fill=tuple(rng.randrange(256) for _ in range(3)))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=60, optimize=True, progressive=True)
    return "data:image/jpeg;base64," + base64.b64encode(buffer.getvalue()).decode("ascii"), 480, 360


def synthetic_report(n_findings: int, n_pictures: int, seed: int = 7) -> Report:
    base = build_report()
    rng = random.Random(seed)
    tasks = [t.id for t in base.tasks]
    findings = []
    for i in range(n_findings):
        rule, check, severity = RULES[i % len(RULES)]
        task = tasks[i % len(tasks)]
        folder = f"{task} 材料/第{i % 37:02d}批"
        path = None if rule == "evidence" else f"{folder}/文件 {i:05d}.{'jpg' if rule in ('D7', 'D1') else 'pdf'}"
        findings.append(Finding(
            rule=rule, check=check, severity=severity, path=path, page=1 if rule == "D6" else None, task=task,
            message=f"第 {i} 号问题：{'出台文件缺少公章' if rule == 'D6' else '需要整改的情况说明'}（示例文字，长度接近真实报告）",
            fix="按要求补充或替换材料后重新提交，并在整改情况中说明", deduction=-0.5 if severity is Severity.ERROR else 0.0,
            related=(f"{folder}/另一处 {i:05d}.jpg",) if rule == "D1" else (), source="bench"))
    findings = with_fingerprints(findings)
    previews: dict[str, Preview] = {}
    candidates = [f for f in findings if f.rule in ("D1", "D6", "D7")]
    rng.shuffle(candidates)
    for k, finding in enumerate(candidates[:n_pictures]):
        uri, w, h = _picture(k)
        panes = [PreviewPane(label=finding.path or "", image=uri, width=w, height=h, caption="公章：缺少")]
        if finding.rule == "D1":
            uri2, w2, h2 = _picture(k + 100_000)
            panes.append(PreviewPane(label=finding.related[0], image=uri2, width=w2, height=h2))
        previews[finding.fingerprint] = Preview(panes=tuple(panes))
    return base.model_copy(update={"findings": tuple(findings), "previews": previews, "files": ()})


class DevTools:
    """A minimal DevTools-protocol client over Chromium's --remote-debugging-pipe (fds 3 and 4)."""

    def __init__(self, executable: str, profile: Path) -> None:
        to_chrome_r, self._write = os.pipe()
        self._read, from_chrome_w = os.pipe()

        def wire() -> None:  # in the child: commands on fd 3, replies on fd 4
            # Move both ends out of the way first (a pipe end may itself be fd 3 or 4), then place them;
            # dup2 leaves the copies inheritable, so the browser (behind Debian's wrapper script) gets them.
            high = [fcntl.fcntl(fd, fcntl.F_DUPFD, 10) for fd in (to_chrome_r, from_chrome_w)]
            for target, fd in zip((3, 4), high, strict=True):
                os.dup2(fd, target)
                os.set_inheritable(target, True)

        self.proc = subprocess.Popen(
            [executable, *FLAGS, "--remote-debugging-pipe", f"--user-data-dir={profile}", "--window-size=1280,900",
             "about:blank"], preexec_fn=wire, close_fds=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        os.close(to_chrome_r)
        os.close(from_chrome_w)
        self._buffer = b""
        self._id = 0
        self.events: list[dict[str, Any]] = []

    def _message(self, timeout: float) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while b"\0" not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self._read], [], [], left)[0]:
                raise TimeoutError("chromium did not answer")
            chunk = os.read(self._read, 1 << 20)
            if not chunk:
                raise ConnectionError("chromium closed the pipe")
            self._buffer += chunk
        raw, self._buffer = self._buffer.split(b"\0", 1)
        message: dict[str, Any] = json.loads(raw)
        return message

    def call(self, method: str, params: dict[str, Any] | None = None, session: str | None = None,
             timeout: float = 120.0) -> dict[str, Any]:
        self._id += 1
        message: dict[str, Any] = {"id": self._id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        os.write(self._write, json.dumps(message).encode() + b"\0")
        while True:
            reply = self._message(timeout)
            if reply.get("id") == self._id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                result: dict[str, Any] = reply.get("result", {})
                return result
            self.events.append(reply)

    def wait_for(self, event: str, timeout: float = 120.0) -> dict[str, Any]:
        for i, seen in enumerate(self.events):
            if seen.get("method") == event:
                return self.events.pop(i)
        while True:
            message = self._message(timeout)
            if message.get("method") == event:
                return message
            self.events.append(message)

    def close(self) -> None:
        with contextlib.suppress(TimeoutError, ConnectionError, RuntimeError, OSError):
            self.call("Browser.close", timeout=10)
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        os.close(self._read)
        os.close(self._write)


def evaluate(tools: DevTools, session: str, expression: str) -> Any:
    result = tools.call("Runtime.evaluate", {"expression": expression, "returnByValue": True, "awaitPromise": True},
                        session)
    return result["result"].get("value")


FILTER = """(function () {
  var select = document.getElementById("unit-filter");
  var t0 = performance.now();
  select.selectedIndex = 1; select.onchange(); void document.body.offsetHeight;
  var t1 = performance.now();
  select.selectedIndex = 0; select.onchange(); void document.body.offsetHeight;
  return [t1 - t0, performance.now() - t1];
})()"""


def measure(executable: str, page: Path) -> dict[str, float]:
    with tempfile.TemporaryDirectory(prefix="credit-check-bench-") as profile:
        tools = DevTools(executable, Path(profile))
        try:
            target = next(t for t in tools.call("Target.getTargets")["targetInfos"] if t["type"] == "page")
            session = tools.call("Target.attachToTarget", {"targetId": target["targetId"], "flatten": True})["sessionId"]
            for domain in ("Page", "Runtime", "Performance"):
                tools.call(f"{domain}.enable", session=session)
            started = time.perf_counter()
            tools.call("Page.navigate", {"url": page.resolve().as_uri()}, session)
            tools.wait_for("Page.loadEventFired")
            wall = (time.perf_counter() - started) * 1000
            timing = evaluate(tools, session, """(function () {
              var n = performance.getEntriesByType("navigation")[0], p = performance.getEntriesByType("paint");
              var fcp = p.filter(function (e) { return e.name === "first-contentful-paint"; })[0];
              return {dcl: n.domContentLoadedEventEnd, load: n.loadEventEnd || n.loadEventStart,
                      fcp: fcp ? fcp.startTime : -1, ready: document.body.getAttribute("data-filters")};
            })()""")
            frame = evaluate(tools, session, "new Promise(function (r) { requestAnimationFrame(function () { "
                                             "requestAnimationFrame(function () { r(performance.now()); }); }); })")
            unit, back = evaluate(tools, session, FILTER)
            metrics = {m["name"]: m["value"] for m in tools.call("Performance.getMetrics", session=session)["metrics"]}
            errors = sum(1 for e in tools.events if e.get("method") == "Runtime.exceptionThrown")
        finally:
            tools.close()
    return {"wall_to_load_ms": wall, "dcl_ms": timing["dcl"], "load_ms": timing["load"], "fcp_ms": timing["fcp"],
            "first_frame_after_load_ms": frame, "filter_one_unit_ms": unit, "filter_back_ms": back,
            "dom_nodes": metrics.get("Nodes", 0), "js_heap_mb": metrics.get("JSHeapUsedSize", 0) / 1e6,
            "script_errors": errors, "filters_ready": float(timing["ready"] == "ready")}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--findings", type=int, default=5000)
    parser.add_argument("--pictures", type=int, default=300)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--keep", type=Path, help="also write the page here")
    args = parser.parse_args()
    executable = find()
    if executable is None:
        sys.exit("no chromium on PATH (apt-get install chromium, or set CREDIT_CHECK_CHROMIUM)")
    report = synthetic_report(args.findings, args.pictures)
    started = time.perf_counter()
    page_text = html.render(report)
    render_s = time.perf_counter() - started
    with tempfile.TemporaryDirectory() as tmp:
        page = Path(tmp) / "report.html"
        page.write_text(page_text, encoding="utf-8")
        if args.keep:
            args.keep.write_text(page_text, encoding="utf-8")
        size = page.stat().st_size
        print(f"{len(report.findings)} findings, {len(report.previews)} with pictures: HTML {size / 1e6:.1f} MB, "
              f"rendered in {render_s:.2f} s")
        runs = []
        for run in range(args.runs):
            figures = measure(executable, page)
            runs.append(figures)
            print(f"run {run + 1}: " + ", ".join(f"{k} {v:.0f}" if k != "js_heap_mb" else f"{k} {v:.1f}"
                                                 for k, v in figures.items()))
    print("median: " + ", ".join(f"{k} {statistics.median(r[k] for r in runs):.1f}" for k in runs[0]))


if __name__ == "__main__":
    main()
