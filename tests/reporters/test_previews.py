"""Pictures of the evidence for the HTML report (`credit_check.previews`), on the sample trees'
real files: the page with the missing seal marked, photos, reused photos and copied passages side
by side; never a picture of a file with personal data in it; small, bounded, isolated."""

from __future__ import annotations

import base64
import io

import numpy as np
import pytest
from PIL import Image

from credit_check import previews
from credit_check.annotate_doc import EXPECTED, MISSING_COLOUR
from credit_check.model import Preview, Report
from credit_check.reporters import html
from tests.reporters.samples import sample_report


def _by_check(report: Report, prepared: dict[str, Preview], check: str) -> Preview:
    finding = next(f for f in report.findings if f.check == check)
    return prepared[finding.fingerprint]


def _picture(uri: str | None) -> Image.Image:
    assert uri is not None and uri.startswith("data:image/jpeg;base64,")
    return Image.open(io.BytesIO(base64.b64decode(uri.split(",", 1)[1]))).convert("RGB")


@pytest.fixture(scope="module")
def evidence() -> tuple[Report, dict[str, Preview]]:
    report = sample_report("evidence")
    return report, previews.build_previews(report, isolate=False, ocr=False)


@pytest.fixture(scope="module")
def fraud() -> tuple[Report, dict[str, Preview]]:
    report = sample_report("fraud")
    return report, previews.build_previews(report, isolate=False, ocr=False)


def test_no_picture_of_files_with_personal_data(evidence: tuple[Report, dict[str, Preview]]) -> None:
    report, prepared = evidence
    private = previews.private_paths(report)
    assert private, "the sample has D2 findings"
    labels = [pane.label for preview in prepared.values() for pane in preview.panes]
    assert labels and not [label for label in labels if any(label.startswith(p) for p in private)]
    assert all(job.panes and all(not any(pane.label.startswith(p) for p in private) for pane in job.panes)
               for job in previews.plan(report))
    d2 = [f.fingerprint for f in report.findings if f.rule == "D2"]
    assert d2 and not set(d2) & set(prepared)


def test_missing_seal_is_marked_where_it_belongs(evidence: tuple[Report, dict[str, Preview]]) -> None:
    report, prepared = evidence
    [pane] = _by_check(report, prepared, "seal").panes
    assert "公章：缺少" in pane.caption and pane.label.endswith("第1页")
    picture = _picture(pane.image)
    assert (pane.width, pane.height) == picture.size and picture.height <= previews.PAGE_HEIGHT
    left, top, right, bottom = EXPECTED["seal"]
    box = picture.crop((round(left * picture.width) - 2, round(top * picture.height) - 2,
                        round(right * picture.width) + 2, round(bottom * picture.height) + 2))
    pixels = np.asarray(box, dtype=np.int32)
    red = int(((pixels[:, :, 0] - np.maximum(pixels[:, :, 1], pixels[:, :, 2])) > 80).sum())
    assert red > box.width + box.height, "the dashed red box is drawn where the seal belongs"
    assert MISSING_COLOUR == (220, 30, 30)
    header = _by_check(report, prepared, "doc_number_format").panes[0]
    assert header.caption == "红头：有 · 文号：有 · 公章：有"


def test_photos_get_their_picture_with_what_was_read(evidence: tuple[Report, dict[str, Preview]]) -> None:
    report, prepared = evidence
    [pane] = _by_check(report, prepared, "no-stamp").panes
    assert pane.caption.startswith("时间水印：") and "EXIF 拍摄时间" in pane.caption
    assert max(_picture(pane.image).size) <= previews.PHOTO_SIDE


def test_reused_photos_and_copied_text_side_by_side(fraud: tuple[Report, dict[str, Preview]]) -> None:
    report, prepared = fraud
    reused = _by_check(report, prepared, "reused")
    finding = next(f for f in report.findings if f.check == "reused")
    assert [p.label for p in reused.panes] == [finding.path, *finding.related]
    assert all(p.image for p in reused.panes)
    copied = _by_check(report, prepared, "copied")
    assert len(copied.panes) == 2 and all(p.text and p.highlight for p in copied.panes)
    for pane in copied.panes:
        assert pane.highlight is not None and pane.text is not None and pane.highlight in pane.text
        assert len(pane.highlight) >= 20
    # Both documents' texts show the same shared passage (letters compared, as the check does).
    letters = [previews._letters(p.highlight or "")[0] for p in copied.panes]
    assert letters[0] == letters[1]


def test_the_html_shows_them_lazily_and_d1_open_with_the_waiver(fraud: tuple[Report, dict[str, Preview]]) -> None:
    report, prepared = fraud
    page = html.render(report.model_copy(update={"previews": prepared}))
    images = page.count("<img ")
    assert images == sum(1 for p in prepared.values() for pane in p.panes if pane.image)
    assert page.count('loading="lazy"') == images
    assert page.count('<details class="evidence" open="open">') == sum(1 for f in report.findings if f.rule == "D1")
    assert '<mark>' in page and 'check: "copied"' in page


def test_bounded_by_count_bytes_and_time() -> None:
    report = sample_report("fraud")
    few = previews.build_previews(report, isolate=False, ocr=False, max_previews=1)
    assert len(few) == 1
    first = next(iter(few.values()))
    assert len(first.panes) > 1, "D1 findings come first"
    assert previews.build_previews(report, isolate=False, ocr=False, max_bytes=10) == {}
    assert previews.build_previews(report, isolate=False, ocr=False, budget_s=0) == {}


def test_isolated_worker_gives_the_same_pictures(fraud: tuple[Report, dict[str, Preview]]) -> None:
    report, here = fraud
    isolated = previews.build_previews(report, isolate=True, ocr=False, budget_s=120)
    assert isolated.keys() == here.keys()
    assert [p.label for v in isolated.values() for p in v.panes] == [p.label for v in here.values() for p in v.panes]


def test_waived_findings_get_no_picture(fraud: tuple[Report, dict[str, Preview]]) -> None:
    report, _ = fraud
    cleared = report.model_copy(update={"findings": tuple(
        f.model_copy(update={"waived": "已核实"}) if f.rule == "D1" else f for f in report.findings)})
    assert not [job for job in previews.plan(cleared) if job.rank == 0]
