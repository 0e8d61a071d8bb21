"""stamp-place — the coordinates a watermark stamp prints against the phone's own GPS (D1, warning).

Watermark apps print where the picture was taken (经度/纬度, or `36.21°N 117.68°E`); the phone
writes its GPS position into EXIF. Chinese map apps print GCJ-02 coordinates, which lie a few
hundred metres from the WGS-84 position GPS gives, so the printed ones are converted
(`credit_check.geo.gcj_to_wgs`) — and compared unconverted too, for apps that print WGS-84 —
before the distance is measured. A stamp printed far from where the phone was suggests a
stamp made elsewhere, or pasted onto this picture: a person should look.

| check | rule | severity | what it means | how to fix |
|---|---|---|---|---|
| `place-far` | D1 | warning | the stamp's coordinates are more than 2 km from the EXIF GPS position | check with the photographer, or have the vendor verify the picture (`--verify-list`); replace it if the stamp is not genuine |

Photos without printed coordinates, or without EXIF GPS, are not judged.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING

from credit_check.facttypes import PhotoFacts
from credit_check.geo import distance_m, gcj_to_wgs
from credit_check.model import EvidenceFile, Finding, Kind, Severity, finding

if TYPE_CHECKING:
    from credit_check.checks import CheckContext

ID = "stamp-place"
FAR_M = 2000.0


def check(files: Sequence[EvidenceFile], ctx: CheckContext) -> Iterator[Finding]:
    for f in files:
        if f.kind is not Kind.PHOTO or f.error:
            continue
        facts = f.facts  # (asked only of photos: a record is built to answer)
        if not isinstance(facts, PhotoFacts):
            continue
        if facts.stamp_coords is None or facts.gps is None:
            continue
        printed = facts.stamp_coords
        far = min(distance_m(gcj_to_wgs(*printed), facts.gps), distance_m(printed, facts.gps))
        if far <= FAR_M:
            continue
        km = far / 1000
        yield finding("D1", "place-far", Severity.WARNING, f,
                      (f"水印打印的坐标（{printed[0]:.5f}, {printed[1]:.5f}）与照片 EXIF 中的 GPS 位置相距约 {km:.1f} 公里",
                       "向拍摄人核实，或用 --verify-list 清单请水印相机厂商核验；水印不真实的请更换照片"),
                      (f"the stamp's coordinates ({printed[0]:.5f}, {printed[1]:.5f}) are about {km:.1f} km from the "
                       "EXIF GPS position", "check with the photographer or have the vendor verify it (--verify-list); "
                       "replace the photo if the stamp is not genuine"),
                      evidence={"stamp_lat": printed[0], "stamp_lon": printed[1], "gps_lat": facts.gps[0],
                                "gps_lon": facts.gps[1], "distance_m": round(far)})
