"""Validation operations on the fake ports: validate, read, list, annotate, delete."""

from __future__ import annotations

import hashlib

import pytest

from chalicelib.ops.errors import Conflict, InvalidInput, NotFound, PayloadTooLarge

PAGE = "# Title\n\nSome text.   \n"


def test_validate_content_stores_the_page_then_the_record_and_its_audit_event(world, call):
    created = call("validate_content", content=PAGE, path="en/page.md")
    key = created["document"]["key"]
    assert key == f"inline/{created['validation_id']}/en/page.md"
    body, stored = world.documents.get(key, created["document"]["version_id"])
    assert body.decode() == PAGE and stored.metadata["tbcv-path"] == "en/page.md"
    assert created["document"]["path"] == "en/page.md"
    assert created["outcome"] in ("pass", "warning", "fail") and created["version"] == 1
    assert any(issue["rule"] == "MD009" for issue in created["issues"])
    assert world.audit.operations() == ["validate"]
    assert [topic for topic, _ in world.events.published]  # the change was published live


def test_validating_the_same_content_again_reuses_the_cached_report(world, call):
    first = call("validate_content", content=PAGE, path="en/page.md")
    second = call("validate_content", content=PAGE, path="en/page.md")
    assert second["issues"] == first["issues"] and second["validation_id"] != first["validation_id"]
    assert (world.result_cache.hits, world.result_cache.misses) == (1, 1)


def test_get_and_list_read_back_what_was_stored(call):
    created = call("validate_content", content=PAGE, path="en/a.md")
    call("validate_content", content="# Other\n\nText.\n", path="en/b.md")
    assert call("get_validation", validation_id=created["validation_id"])["issues"] == created["issues"]
    content = call("get_validation", validation_id=created["validation_id"], include_content=True)["content"]
    assert content == PAGE
    listed = call("list_validations", limit=1)
    assert len(listed["items"]) == 1 and listed["next_cursor"]
    rest = call("list_validations", limit=1, cursor=listed["next_cursor"])
    ids = {listed["items"][0]["validation_id"], rest["items"][0]["validation_id"]}
    assert created["validation_id"] in ids
    assert [i["document"]["path"] for i in call("list_validations", prefix="inline/")["items"]] == [
        "en/b.md",
        "en/a.md",
    ]


def test_update_validation_replaces_the_notes_and_moves_the_version(call):
    created = call("validate_content", content=PAGE)
    updated = call("update_validation", validation_id=created["validation_id"], notes="checked")
    assert (updated["notes"], updated["version"]) == ("checked", 2)


def test_an_unknown_validation_is_404_and_bad_input_names_its_field(call):
    with pytest.raises(NotFound) as missing:
        call("get_validation", validation_id="0" * 32)
    assert missing.value.field == "validation_id"
    with pytest.raises(InvalidInput) as bad:
        call("validate_content", content=PAGE, profile="nope")
    assert bad.value.field == "profile"


def test_content_over_the_size_limit_is_refused_before_anything_is_written(world, call):
    with pytest.raises(PayloadTooLarge):
        call("validate_content", content="x" * (world.settings.max_document_bytes + 1))
    assert not world.documents.objects and not world.validations.records


def test_validate_file_reads_the_latest_version_under_the_watched_prefix(world, call):
    world.documents.put("docs/en/page.md", PAGE.encode())
    latest = world.documents.put("docs/en/page.md", b"# Title\n\nFixed.\n")
    validated = call("validate_file", key="docs/en/page.md")
    assert validated["document"]["version_id"] == latest
    assert validated["content_sha256"] == hashlib.sha256(b"# Title\n\nFixed.\n").hexdigest()
    with pytest.raises(InvalidInput):
        call("validate_file", key="elsewhere/page.md")


def test_a_validation_with_recommendations_cannot_be_deleted(world, call):
    created = call("validate_content", content=PAGE)
    call("generate_recommendations", validation_id=created["validation_id"])
    with pytest.raises(Conflict):
        call("delete_validation", validation_id=created["validation_id"])
    other = call("validate_content", content="# Clean\n\nText.\n")
    assert call("delete_validation", validation_id=other["validation_id"]) == {
        "validation_id": other["validation_id"],
        "deleted": True,
    }
    assert other["validation_id"] not in world.validations.records


def test_the_path_a_page_was_stored_with_wins_over_the_one_its_key_carries():
    from chalicelib.ops.validation import document_path

    old_inline_key = "inline/0123/_index.md"  # written before the whole path was kept in the key
    assert document_path(old_inline_key, "inline/") == "_index.md"
    assert document_path(old_inline_key, "inline/", {"tbcv-path": "docs/a/_index.md"}) == "docs/a/_index.md"
    assert document_path("docs/en/b.md", "inline/", {}) == "docs/en/b.md"
