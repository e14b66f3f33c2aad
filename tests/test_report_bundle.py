"""The results bundle: written next to a report, read back equal, manifest valid against its schema."""

from __future__ import annotations

import json

import jsonschema
import openpyxl
import pandas as pd
import pytest

from toolkit.errors import DataError
from toolkit.report.bundle import TABLES, bundle_schema, read_bundle, save_bundle, write_bundle


@pytest.fixture(scope="module")
def bundle():
    from report_bundles import engagement_bundle

    return engagement_bundle(None)


@pytest.fixture(scope="module")
def written(bundle, tmp_path_factory):
    findings = pd.DataFrame({"id": ["ops.watermelon.rapid-response"], "area": ["Operations"],
                             "finding": ["Rapid Response: 100% within SLA, CSAT 51%."], "weight": [0.95]})
    path = tmp_path_factory.mktemp("out") / "acme.bundle"
    save_bundle(bundle, path, findings=findings)
    return path


def test_every_table_reads_back_equal_to_the_frame_the_report_showed(bundle, written):
    back = read_bundle(written)
    assert list(back.tables) == list(bundle.tables)
    for name, frame in bundle.tables.items():
        pd.testing.assert_frame_equal(back.tables[name], frame, check_dtype=True, obj=name)


def test_the_manifest_validates_against_its_schema_and_names_what_outside_checks_use(written):
    manifest = json.loads((written / "manifest.json").read_text(encoding="utf-8"))
    jsonschema.validate(manifest, bundle_schema())
    assert {"client", "period", "toolkit_version", "tables", "findings"} <= set(manifest)
    assert manifest["client"] == "Northwind Cloud"
    assert manifest["period"]["label"] == "1 Oct 2025 – 30 Sep 2026"
    assert manifest["models"]["maturity"] == {"id": "support", "version": "1.2.0"}
    assert manifest["findings"] == [{"id": "F1", "finding_id": "ops.watermelon.rapid-response", "area": "Operations",
                                     "finding": "Rapid Response: 100% within SLA, CSAT 51%.", "weight": 0.95,
                                     "numbers": [100.0, 51.0]}]
    assert [i["file"] for i in manifest["inputs"]][:2] == ["tickets.csv.gz", "messages.csv.gz"]
    assert all(len(i["sha256"]) == 64 for i in manifest["inputs"])


def test_the_workbook_has_one_sheet_per_table_named_and_ordered_as_in_the_report(written):
    manifest = json.loads((written / "manifest.json").read_text(encoding="utf-8"))
    sheets = openpyxl.load_workbook(written / "tables.xlsx", read_only=True).sheetnames
    assert sheets == [t["sheet"] for t in manifest["tables"]]
    assert sheets[0] == "Findings" and sheets[1] == "Maturity by dimension"
    order = list(TABLES)
    assert [t["name"] for t in manifest["tables"]] == sorted((t["name"] for t in manifest["tables"]), key=order.index)
    csv = pd.read_csv(written / "tables" / "survey_summary.csv")
    assert csv["survey"].tolist() == ["nps", "csat", "ces"]


def test_rewriting_replaces_the_whole_folder(bundle, tmp_path):
    path = tmp_path / "x.bundle"
    write_bundle(bundle, path)
    (path / "tables" / "stale.csv").write_text("old\n")
    write_bundle(bundle, path)
    assert not (path / "tables" / "stale.csv").exists()


def test_a_folder_without_manifest_is_not_a_bundle(tmp_path):
    with pytest.raises(DataError) as info:
        read_bundle(tmp_path)
    assert str(info.value) == (f"file {tmp_path}: is not a results bundle (no manifest.json in it). "
                               "Fix: pass the NAME.bundle folder written next to an earlier report")


def test_a_broken_manifest_names_where_it_breaks_the_schema(bundle, tmp_path):
    path = write_bundle(bundle, tmp_path / "b.bundle")
    manifest = json.loads((path / "manifest.json").read_text(encoding="utf-8"))
    del manifest["client"]
    (path / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    with pytest.raises(DataError, match=r"does not match the bundle schema at \(top level\): 'client' is a "
                                        r"required property"):
        read_bundle(path)


@pytest.mark.parametrize(("installed", "expected"), [(False, "tfidf"), (True, "hybrid")])
def test_the_manifest_names_the_representation_auto_stood_for(tmp_path, monkeypatch, installed, expected):
    from toolkit.duplicates import representation
    from toolkit.report import load_engagement, results_bundle, validate_parameters

    (tmp_path / "tickets.csv").write_text("ticket_id,created_at,status,channel,subject,description\n"
                                          "1,2026-01-05T10:00:00Z,solved,email,Login fails,after the update\n")
    monkeypatch.setattr(representation, "semantic_installed", lambda: installed)
    params = validate_parameters({"tickets_path": "tickets.csv"}, base_dir=tmp_path)
    assert params.duplicates_representation == "auto"
    manifest = results_bundle(params, load_engagement(params), {}).manifest
    assert manifest["models"]["duplicates_representation"] == expected
