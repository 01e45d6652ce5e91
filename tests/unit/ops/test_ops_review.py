"""Approval, recommendations and enhancements on the fake ports: the review lifecycle from
a validation to an applied (and rolled back) enhancement."""

from __future__ import annotations

import pytest

from chalicelib.ops.errors import Conflict, Forbidden

PAGE = "# Title\n\nSome text.   \nMore text.\n"


@pytest.fixture
def validation(call):
    return call("validate_content", content=PAGE, path="en/page.md")


def test_approve_and_reject_move_the_review_status_with_the_reviewer_notes(world, call, validation):
    approved = call("approve", validation_id=validation["validation_id"], notes="fine")
    assert (approved["review_status"], approved["previous_status"]) == ("approved", "pending")
    assert "fine" in approved["notes"]
    with pytest.raises(Conflict):  # approved -> approved is not a transition
        call("approve", validation_id=validation["validation_id"])
    bulk = call("bulk_reject", validation_ids=[validation["validation_id"], "0" * 32], reason="no")
    assert (bulk["changed"], bulk["failed"]) == (1, 1)
    assert world.validations.get(validation["validation_id"]).review_status == "rejected"


def test_a_reader_may_read_but_not_review_and_the_refusal_is_audited(world, validation):
    from chalicelib.ops import invoke

    reader = world.context("rita", roles=("reader",))
    assert invoke("get_validation", reader, {"validation_id": validation["validation_id"]})
    with pytest.raises(Forbidden):
        invoke("approve", reader, {"validation_id": validation["validation_id"]})
    assert world.audit.events[-1].after["denied"] is True


def test_generating_recommendations_is_idempotent_and_drafts_exact_edits(call, validation):
    generated = call("generate_recommendations", validation_id=validation["validation_id"])
    fix = next(r for r in generated["items"] if r["rule"] == "MD009")
    assert fix["type"] == "fix" and fix["status"] == "pending" and fix["version"] == 1
    edit = fix["edits"][0]
    assert PAGE[edit["start"] : edit["end"]] == edit["original"] and edit["replacement"] == ""
    again = call("generate_recommendations", validation_id=validation["validation_id"])
    assert again["created"] == 0 and len(again["items"]) == len(generated["items"])


def test_review_then_apply_then_roll_back(world, call, validation):
    items = call("generate_recommendations", validation_id=validation["validation_id"])["items"]
    fix = next(r for r in items if r["rule"] == "MD009")
    reviewed = call("review_recommendation", recommendation_id=fix["recommendation_id"], action="approve")
    assert reviewed["status"] == "approved" and reviewed["reviewer"] == "tester"

    preview = call("preview_enhancement", validation_id=validation["validation_id"])
    assert preview["recommendation_ids"] == [fix["recommendation_id"]] and "-Some text.   " in preview["diff"]
    assert preview["safety"]["ok"] and not preview["document_changed"]
    key = validation["document"]["key"]
    assert len(world.documents.objects[key]) == 1  # a preview writes nothing

    applied = call("apply_enhancement", validation_id=validation["validation_id"])
    enhanced, _ = world.documents.get(key)
    assert enhanced.decode() == PAGE.replace("text.   \n", "text.\n")
    assert applied["result_version"] == world.documents.head(key).version_id
    assert world.validations.get(validation["validation_id"]).enhanced
    assert call("get_recommendation", recommendation_id=fix["recommendation_id"])["status"] == "applied"
    assert call("apply_enhancement", validation_id=validation["validation_id"]) == applied  # idempotent

    rolled_back = call("rollback_enhancement", enhancement_id=applied["enhancement_id"], reason="undo")
    assert rolled_back["rolled_back"] and rolled_back["rolled_back_by"] == "tester"
    restored, _ = world.documents.get(key)
    assert restored.decode() == PAGE
    assert call("get_recommendation", recommendation_id=fix["recommendation_id"])["status"] == "approved"
    with pytest.raises(Conflict):
        call("rollback_enhancement", enhancement_id=applied["enhancement_id"], reason="again")


def test_apply_is_refused_when_the_document_changed_since_it_was_validated(world, call, validation):
    items = call("generate_recommendations", validation_id=validation["validation_id"])["items"]
    fix = next(r for r in items if r["rule"] == "MD009")
    call("review_recommendation", recommendation_id=fix["recommendation_id"], action="approve")
    world.documents.put(validation["document"]["key"], b"# Changed\n")
    with pytest.raises(Conflict) as refused:
        call("apply_enhancement", validation_id=validation["validation_id"])
    assert "changed since it was validated" in refused.value.message
    assert not world.review.enhancements


def test_bulk_review_reports_each_item(call, validation):
    items = call("generate_recommendations", validation_id=validation["validation_id"])["items"]
    ids = [r["recommendation_id"] for r in items]
    result = call("bulk_review_recommendations", recommendation_ids=[*ids, "f" * 32], action="reject")
    assert result["changed"] == len(ids) and result["failed"] == 1
    assert result["items"][-1]["result"] == "not_found"
