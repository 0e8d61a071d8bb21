"""The audit compares candidate pairs of photos in worker processes (`verify.Workers`,
`facts.pairs`): OpenCV and the pictures never enter the main process, and the verdict is the one
comparing the pair in place gives."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

from tests.builders.photos import PhotoSpec, Stamp, make_photo, resized
from tests.conftest import REPO_ROOT

WHEN = dt.datetime(2024, 4, 8, 10, 0)

AUDIT = """
import datetime as dt, json, sys
from pathlib import Path
from credit_check.catalogue import load_catalogue
from credit_check.model import Period
from credit_check.pipeline import AuditOptions, run_audit
report = run_audit(AuditOptions(root=Path(sys.argv[1]), catalogue=load_catalogue(), ocr=False, jobs=1,
                                period=Period(start=dt.date(2024, 1, 1), end=dt.date(2024, 12, 31)),
                                audit_date=dt.date(2025, 1, 15)))
reused = [f.evidence for f in report.findings if f.check == "reused"]
print(json.dumps({"cv2": "cv2" in sys.modules, "reused": reused}))
"""


def test_pairs_are_compared_outside_the_main_process(tmp_path: Path) -> None:
    spec = PhotoSpec(seed=980, size=(1200, 900), stamp=Stamp(when=WHEN), taken=WHEN)
    src = make_photo(tmp_path / "1.1 领导小组" / "三月" / "a.jpg", spec)
    resized(src, tmp_path / "2.1 制度" / "九月" / "b.jpg", 0.5)
    out = subprocess.run([sys.executable, "-c", AUDIT, str(tmp_path)], capture_output=True, text=True,
                         cwd=REPO_ROOT, timeout=300, check=True)
    got = json.loads(out.stdout.strip().splitlines()[-1])
    assert got["cv2"] is False  # no picture was compared here
    assert len(got["reused"]) == 1 and got["reused"][0]["verification"] == "same"  # but one was, there
