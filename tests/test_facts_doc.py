"""docs/facts.md documents every field of every fact record (the JSON report's `files[].facts`)."""

from __future__ import annotations

import re

import pytest
from pydantic import BaseModel

from credit_check import facttypes
from tests.conftest import REPO_ROOT

DOC = (REPO_ROOT / "docs" / "facts.md").read_text(encoding="utf-8")
RECORDS = (facttypes.DocumentFacts, facttypes.Signature, facttypes.PhotoFacts, facttypes.ImageFacts,
           facttypes.SheetFacts, facttypes.Ledger, facttypes.VideoFacts, facttypes.OtherFacts)


@pytest.mark.parametrize("record", RECORDS, ids=lambda r: r.__name__)
def test_every_field_is_documented(record: type[BaseModel]) -> None:
    documented = set(re.findall(r"`([a-z_]+)`", DOC))
    missing = [name for name in record.model_fields if name not in documented]
    assert not missing, f"{record.__name__}: add {missing} to docs/facts.md"
