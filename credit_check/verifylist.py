"""`--verify-list FILE`: the stamped photos, for the bureau to check with the watermark app's vendor.

Watermark apps that print an anti-counterfeit code (防伪码) can confirm, through their own
service, that a picture with that code was taken at that time and place. The tool makes no
network call: it writes a CSV (UTF-8 with a BOM, so Excel opens it) with one row per photo that
has a stamp — path (masked as in the report), SHA-256 of the file, the code as read (empty when
none was printed or read), the stamp time, the place and coordinates printed in the stamp — for a
person to check with the vendor. Rows with a code come first.
"""

from __future__ import annotations

import csv
import io

from credit_check.facttypes import PhotoFacts
from credit_check.model import Report

COLUMNS = ("path", "sha256", "code", "stamp_time", "stamp_place", "stamp_coords", "task")


def rows(report: Report) -> list[dict[str, str]]:
    out = []
    for f in report.files:
        facts = f.facts
        if not isinstance(facts, PhotoFacts) or not (facts.stamp or facts.stamp_code):
            continue
        coords = f"{facts.stamp_coords[0]:.6f},{facts.stamp_coords[1]:.6f}" if facts.stamp_coords else ""
        out.append({"path": f.path, "sha256": f.sha256, "code": facts.stamp_code or "",
                    "stamp_time": facts.stamp_time or "", "stamp_place": facts.stamp_place or "",
                    "stamp_coords": coords, "task": f.task or ""})
    return sorted(out, key=lambda r: (r["code"] == "", r["path"]))


def render(report: Report) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows(report))
    return "\ufeff" + buffer.getvalue()
