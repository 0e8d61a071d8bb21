"""A person decides in a minute: a reused photo's finding shows both pictures, the matched region
outlined in each, with the evidence and the waiver line in the HTML."""

from __future__ import annotations

import base64
import datetime as dt
import io
from pathlib import Path

from PIL import Image

from credit_check.catalogue import load_catalogue
from credit_check.model import Period
from credit_check.pipeline import AuditOptions, run_audit
from credit_check.previews import add_previews
from credit_check.reporters import html
from tests.builders.photos import PhotoSpec, Stamp, make_photo, save_jpeg

WHEN = dt.datetime(2024, 5, 12, 9, 30)


def test_reused_photo_side_by_side_with_matched_regions(tmp_path: Path) -> None:
    src = make_photo(tmp_path / "5.1 宣传月" / "a.jpg", PhotoSpec(seed=71, size=(1200, 900), stamp=Stamp(when=WHEN), taken=WHEN))
    with Image.open(src) as im:  # a 25 % crop of the right side: the matched region is the left three quarters
        save_jpeg(im.convert("RGB").crop((0, 0, 900, 900)), tmp_path / "5.4 主题活动" / "b.jpg")
    cat = load_catalogue()
    report = run_audit(AuditOptions(root=tmp_path, catalogue=cat, period=Period(start=dt.date(2024, 1, 1),
                                    end=dt.date(2024, 12, 31)), audit_date=dt.date(2025, 1, 15), ocr=False, jobs=1,
                                    checks=("photo-reuse",)))
    [finding] = [f for f in report.findings if f.check == "reused"]
    region_a = [float(finding.evidence[f"region_a_{side}"]) for side in ("left", "top", "right", "bottom")]
    assert region_a[2] < 0.8  # the features matched only where the crop kept the picture
    report = add_previews(report)
    [preview] = report.previews.values()
    assert [p.label for p in preview.panes] == ["5.1 宣传月/a.jpg", "5.4 主题活动/b.jpg"]
    first = preview.panes[0]
    assert first.image is not None
    picture = Image.open(io.BytesIO(base64.b64decode(first.image.split(",", 1)[1]))).convert("RGB")
    x, y = round(region_a[0] * picture.width) + 1, round((region_a[1] + region_a[3]) / 2 * picture.height)
    r, g, b = picture.getpixel((x, y))  # type: ignore[misc]
    assert g > 120 and r < 110 and b < 130, (r, g, b)  # the green outline of the matched region
    page = html.render(report)
    assert "pixel_agreement = " in page and "inliers = " in page  # the evidence it rests on
    assert '- rule: "D1"' in page and 'check: "reused"' in page  # the waiver line that would clear it
