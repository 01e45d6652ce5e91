"""The path a user gives with inline content is kept and shown: get, list, history,
exports (JSON, CSV, SARIF). Pages validated from the bucket have their key as path."""

from __future__ import annotations

import csv
import io
import json

import boto3
import pytest

from chalicelib.ops import invoke
from chalicelib.ops.validation import document_path
from chalicelib.runtime import context_for
from chalicelib.store.records import utc_now
from tests.conftest import stored

PAGE = "---\ntitle: Index\n---\n\n# Index  \n\nSome text.\n"


def call(name, **arguments):
    return invoke(name, context_for("path-test"), arguments)


def test_the_path_of_inline_content_is_kept_in_get_list_history_and_exports(aws):
    created = call("validate_content", content=PAGE, path="docs/en/java/_index.md")
    assert created["document"]["path"] == "docs/en/java/_index.md"
    assert created["document"]["key"] == f"inline/{created['validation_id']}/docs/en/java/_index.md"
    assert call("get_validation", validation_id=created["validation_id"])["document"]["path"] == (
        "docs/en/java/_index.md"
    )
    listed = call("list_validations")["items"]
    assert [i["document"]["path"] for i in listed] == ["docs/en/java/_index.md"]
    history = call("get_validation_history", key=created["document"]["key"])
    assert history["path"] == "docs/en/java/_index.md"
    assert [i["validation_id"] for i in history["items"]] == [created["validation_id"]]

    exported = json.loads(call("export_validation", validation_id=created["validation_id"])["content"])
    assert exported["validation"]["document"]["path"] == "docs/en/java/_index.md"
    rows = list(
        csv.DictReader(
            io.StringIO(call("export_validation", validation_id=created["validation_id"], format="csv")["content"])
        )
    )
    assert rows and {r["path"] for r in rows} == {"docs/en/java/_index.md"}
    sarif = json.loads(call("export_validation", validation_id=created["validation_id"], format="sarif")["content"])
    locations = {
        loc["physicalLocation"]["artifactLocation"]["uri"]
        for result in sarif["runs"][0]["results"]
        for loc in result["locations"]
    }
    assert locations == {"docs/en/java/_index.md"}


def test_inline_content_without_a_path_is_named_document_md(aws):
    created = call("validate_content", content=PAGE)
    assert created["document"]["path"] == "document.md"


def test_a_page_from_the_bucket_has_its_key_as_path(aws):
    bucket = call("get_system_status")["documents_bucket"]
    boto3.client("s3").put_object(Bucket=bucket, Key="docs/en/a.md", Body=PAGE.encode())
    created = call("validate_file", key="docs/en/a.md")
    assert created["document"]["path"] == "docs/en/a.md"
    assert call("get_validation_history", key="docs/en/a.md")["path"] == "docs/en/a.md"


def test_a_path_too_long_for_an_s3_key_is_refused_naming_path(aws):
    with pytest.raises(Exception) as raised:
        call("validate_content", content=PAGE, path="a/" * 500 + "page.md")
    assert getattr(raised.value, "field", None) == "path"


@pytest.mark.parametrize(
    ("key", "path"),
    [
        ("inline/0123/docs/a/_index.md", "docs/a/_index.md"),
        ("inline/0123/_index.md", "_index.md"),  # written before the whole path was kept
        ("docs/en/b.md", "docs/en/b.md"),
        ("inline/", "inline/"),
    ],
)
def test_document_path_of_a_key(key, path):
    assert document_path(key, "inline/") == path


def test_records_written_before_the_path_was_kept_stay_readable(aws):
    from chalicelib.store.models import ValidationModel

    now = utc_now()
    stored(ValidationModel)(
        validation_id="f" * 32,
        created_at=now,
        updated_at=now,
        created_by="old",
        document_bucket="b",
        document_key=f"inline/{'f' * 32}/_index.md",
        document_version="v1",
        profile="default",
        ruleset_version="old",
        content_sha256="0" * 64,
        outcome="pass",
        issues=[],
    ).save()
    assert call("get_validation", validation_id="f" * 32)["document"]["path"] == "_index.md"
