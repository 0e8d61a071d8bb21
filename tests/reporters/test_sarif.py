from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import jsonschema
import pytest

from credit_check.fingerprint import all_of
from credit_check.model import Report, Severity
from credit_check.reporters import sarif
from tests.builders.reports import build_report, with_odd_names
from tests.conftest import SARIF_SCHEMA

# The shared copy of the OASIS schema when it is beside the checkout, else the one in tests/data.
SCHEMA = SARIF_SCHEMA if SARIF_SCHEMA.is_file() else Path(__file__).resolve().parents[1] / "data" / "sarif-schema-2.1.0.json"
# RFC 3986 URI-reference characters: unreserved, reserved, and %XX escapes only.
URI_CHARS = re.compile(r"^(?:[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=]|%[0-9A-F]{2})*$")
LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}


def _run(report: Report, lang: str = "zh") -> dict[str, Any]:
    document = json.loads(sarif.render(report, lang))
    assert len(document["runs"]) == 1
    run: dict[str, Any] = document["runs"][0]
    return run


@pytest.mark.parametrize("variant", [{}, {"disqualified": True}, {"pass_mark": 0}])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_output_validates_against_the_sarif_schema(variant: dict[str, Any], lang: str) -> None:
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    document = json.loads(sarif.render(build_report(**variant), lang))
    validator = jsonschema.Draft4Validator(schema, format_checker=jsonschema.Draft4Validator.FORMAT_CHECKER)
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(document)]
    assert errors == []
    assert document["version"] == "2.1.0"


def test_one_result_per_finding_with_rule_level_and_text() -> None:
    report = build_report(disqualified=True)
    run = _run(report)
    rules = run["tool"]["driver"]["rules"]
    assert run["tool"]["driver"]["name"] == "credit-check"
    assert run["tool"]["driver"]["version"] == report.tool_version
    assert len(run["results"]) == len(report.findings)
    expected_ids = {f.rule if f.check == f.rule else f"{f.rule}/{f.check}" for f in report.findings}
    assert {rule["id"] for rule in rules} == expected_ids
    assert len(rules) == len(expected_ids)
    for finding, result in zip(report.findings, run["results"], strict=True):
        assert result["ruleId"] == rules[result["ruleIndex"]]["id"]
        assert result["ruleId"].split("/")[0] == finding.rule
        assert result["level"] == LEVELS[finding.severity]
        assert finding.message in result["message"]["text"]
        assert finding.fix in result["message"]["text"]
        assert all(rule["shortDescription"]["text"] for rule in rules)


def test_locations_are_percent_encoded_relative_paths() -> None:
    report = build_report()
    run = _run(report)
    for finding, result in zip(report.findings, run["results"], strict=True):
        if finding.path is None:  # the tree as a whole: the root folder, named by its task
            assert result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "./"
            assert result["locations"][0]["logicalLocations"][0]["name"] == (finding.task or finding.rule)
            continue
        location = result["locations"][0]["physicalLocation"]["artifactLocation"]
        assert location["uriBaseId"] == "EVIDENCE"
        assert URI_CHARS.match(location["uri"]), location["uri"]
        assert unquote(location["uri"]) == finding.path
        assert run["artifacts"][location["index"]]["location"]["uri"] == location["uri"]
    # Paths with spaces, '#' and '%' must not leak into the URIs unescaped.
    uris = [r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in run["results"] if "locations" in r]
    assert any("%23" in uri for uri in uris) and any("%25" in uri for uri in uris)
    assert not any(" " in uri or "#" in uri for uri in uris)


def test_root_is_a_file_uri_base() -> None:
    report = build_report()
    base = _run(report)["originalUriBaseIds"]["EVIDENCE"]["uri"]
    assert base.startswith("file:///") and base.endswith("/")
    assert URI_CHARS.match(base)
    assert unquote(base.removeprefix("file://")).rstrip("/") == report.root


def test_windows_and_relative_roots() -> None:
    windows = build_report().model_copy(update={"root": "D:\\创建材料\\2024 年"})
    base = _run(windows)["originalUriBaseIds"]["EVIDENCE"]["uri"]
    assert base.startswith("file:///D:/") and base.endswith("/") and URI_CHARS.match(base)
    relative = build_report().model_copy(update={"root": "evidence"})
    run = _run(relative)
    # Always declared; without an absolute URI for it, the base is described, not invented.
    assert run["originalUriBaseIds"]["EVIDENCE"] == {"description": {"text": "材料目录: evidence"}}
    assert run["properties"]["root"] == "evidence"
    given = json.loads(sarif.render(relative, root_uri="file:///home/u/evidence"))["runs"][0]
    assert given["originalUriBaseIds"]["EVIDENCE"]["uri"] == "file:///home/u/evidence/"


def test_page_goes_into_properties_not_a_region() -> None:
    report = build_report()
    for finding, result in zip(report.findings, _run(report)["results"], strict=True):
        assert result["properties"].get("page") == finding.page
        for location in result.get("locations", []):
            assert "region" not in location["physicalLocation"]


def test_unreadable_files_are_notifications() -> None:
    report = build_report()
    unreadable = {f.path: f.error for f in report.files if f.error}
    notes = _run(report)["invocations"][0]["toolExecutionNotifications"]
    got = {unquote(n["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]): n["message"]["text"]
           for n in notes}
    assert got == unreadable


def test_run_properties_carry_the_score() -> None:
    report = build_report(disqualified=True)
    properties = _run(report)["properties"]
    assert properties["score"]["total"] == report.score.total
    assert properties["score"]["disqualified"] is True
    assert properties["period"] == {"start": "2024-01-01", "end": "2024-12-31"}


def test_english_text_with_chinese_fallback() -> None:
    report = build_report()
    results = _run(report, "en")["results"]
    for finding, result in zip(report.findings, results, strict=True):
        text = result["message"]["text"]
        assert (finding.message_en or finding.message) in text
        if finding.message_en:
            assert finding.message not in text
        assert (finding.fix_en or finding.fix) in text
    assert _run(report, "en")["language"] == "en-US"


def test_related_paths_and_fingerprints() -> None:
    report = build_report(disqualified=True)
    results = _run(report)["results"]
    copied = next(r for f, r in zip(report.findings, results, strict=True) if f.related)
    related = [unquote(loc["physicalLocation"]["artifactLocation"]["uri"]) for loc in copied["relatedLocations"]]
    assert related == list(next(f.related for f in report.findings if f.related))
    prints = [r["partialFingerprints"]["credit-check/v1"] for r in results]
    assert len(set(prints)) == len(prints)
    assert prints == [r["fingerprints"]["credit-check/v2"] for r in results]
    assert prints == all_of(report.findings)
    reworded = report.model_copy(update={"findings": tuple(
        f.model_copy(update={"message": f.message + "（措辞调整）", "deduction": 0.0}) for f in report.findings)})
    assert [r["partialFingerprints"]["credit-check/v1"] for r in _run(reworded)["results"]] == prints


def test_every_rule_has_name_descriptions_and_help() -> None:
    report = build_report(disqualified=True)
    seal = next(f for f in report.findings if f.check == "seal")
    sourced = report.model_copy(update={"findings": tuple(
        f.model_copy(update={"source": "doc-elements"}) if f is seal else f for f in report.findings)})
    rules = _run(sourced)["tool"]["driver"]["rules"]
    for rule in rules:
        assert re.fullmatch(r"[A-Za-z0-9-]+", rule["name"]), rule["name"]
        for key in ("shortDescription", "fullDescription"):
            assert rule[key]["text"].strip()
        assert rule["help"]["text"].strip() and rule["help"]["markdown"].strip()
        assert f"credit-check explain {rule['id']}" in rule["help"]["text"]
    seal_rule = next(rule for rule in rules if rule["id"] == "D6/seal")
    # The sub-check's own line of its check's documentation, and the whole documentation as help.
    assert seal_rule["fullDescription"]["text"].startswith("seal (error): no red official seal")
    assert "How to fix" in seal_rule["help"]["text"] and "``" not in seal_rule["help"]["text"]


def test_task_findings_point_at_the_task_folder() -> None:
    report = build_report()
    with_folder = report.model_copy(update={"tasks": tuple(
        t.model_copy(update={"folder": "4.1 信用承诺"}) if t.id == "4.1" else t for t in report.tasks)})
    result = next(r for f, r in zip(with_folder.findings, _run(with_folder)["results"], strict=True)
                  if f.path is None and f.task == "4.1")
    location = result["locations"][0]
    assert unquote(location["physicalLocation"]["artifactLocation"]["uri"]) == "4.1 信用承诺/"
    assert location["logicalLocations"][0]["name"] == "4.1"


def test_no_findings_is_still_valid() -> None:
    report = build_report().model_copy(update={"findings": (), "files": ()})
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    document = json.loads(sarif.render(report))
    jsonschema.Draft4Validator(schema).validate(document)
    assert document["runs"][0]["results"] == []
    assert document["runs"][0]["tool"]["driver"]["rules"] == []


def test_unknown_language_is_an_error() -> None:
    with pytest.raises(ValueError, match="language"):
        sarif.render(build_report(), "fr")


def test_control_characters_are_percent_encoded() -> None:
    report = with_odd_names(build_report())
    run = _run(report)
    uri = run["results"][-1]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
    assert "%07" in uri and "%1B" in uri and URI_CHARS.match(uri)
    assert unquote(uri) == report.findings[-1].path
