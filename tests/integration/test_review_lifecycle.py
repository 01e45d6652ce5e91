"""The review lifecycle through the REST routes on the in-process local AWS: recommendations
with exact edits, approvals, preview, apply, re-validation, rollback, and their refusals."""

from __future__ import annotations

import hashlib
import json

import boto3

from tests.conftest import AUTH

PAGE = """---
title: Converting documents with the Java library
description: How to convert Word documents to PDF and other formats with Aspose.Words for Java in a few lines of code.
---

# Converting documents

Apose.Words for Java converts documents.   

## Save as PDF



Use the `save` method:

```java
Document doc = new Document("Input.docx");
doc.save("Output.pdf");
```
"""
REVIEWER = {**AUTH, "Authorization": "Bearer reviewer-token"}


def call(api, method, path, body=None, headers=AUTH):
    response = getattr(api.http, method)(path, headers=headers, body=json.dumps(body) if body is not None else None)
    return response.status_code, response.json_body


def validate(api, content=PAGE):
    status, body = call(
        api, "post", "/v1/validations", {"content": content, "family": "words", "path": "en/java/convert.md"}
    )
    assert status == 201, body
    return body


def recommendations(api, validation_id):
    status, body = call(api, "post", f"/v1/validations/{validation_id}/recommendations")
    assert status == 200, body
    return body["items"]


def by_rule(recs, rule):
    return [r for r in recs if r["rule"] == rule]


def review(api, recommendation_id, action="approve", headers=REVIEWER):
    return call(api, "post", f"/v1/recommendations/{recommendation_id}/review", {"action": action}, headers=headers)


def stored_bytes(key, version_id=None):
    bucket = boto3.client("s3").list_buckets()["Buckets"][0]["Name"]
    kwargs = {"VersionId": version_id} if version_id else {}
    return boto3.client("s3").get_object(Bucket=bucket, Key=key, **kwargs)["Body"].read()


def versions(key):
    bucket = boto3.client("s3").list_buckets()["Buckets"][0]["Name"]
    listed = boto3.client("s3").list_object_versions(Bucket=bucket, Prefix=key).get("Versions", [])
    return [v for v in listed if v["Key"] == key]


def test_validate_generate_approve_preview_apply_revalidate_rollback(api):
    from chalicelib.runtime import context_for

    validation = validate(api)
    key = validation["document"]["key"]
    original = stored_bytes(key)
    recs = recommendations(api, validation["validation_id"])
    spaces, name, blanks = by_rule(recs, "MD009"), by_rule(recs, "TR001"), by_rule(recs, "MD012")
    assert spaces and name and blanks
    assert name[0]["edits"][0]["original"] == "Apose.Words"
    assert name[0]["edits"][0]["replacement"] == "Aspose.Words"
    for rec in spaces + name:
        assert review(api, rec["recommendation_id"])[0] == 200

    status, preview = call(api, "post", f"/v1/validations/{validation['validation_id']}/enhancement/preview")
    assert status == 200, preview
    assert "+Aspose.Words for Java converts documents." in preview["diff"]
    assert preview["safety"]["ok"] and len(versions(key)) == 1  # nothing written

    status, enhancement = call(api, "post", f"/v1/validations/{validation['validation_id']}/enhancement")
    assert status == 201, enhancement
    assert enhancement["base_version"] == validation["document"]["version_id"]
    assert len(versions(key)) == 2
    enhanced = stored_bytes(key).decode()
    assert "Aspose.Words for Java converts documents.\n" in enhanced
    assert (
        enhanced.replace("Aspose.Words for Java converts documents.\n", "Apose.Words for Java converts documents.   \n")
        == PAGE
    )  # only those edits

    _, revalidation = call(api, "get", f"/v1/validations/{enhancement['result_validation_id']}")
    rules = {issue["rule"] for issue in revalidation["issues"]}
    assert "TR001" not in rules and "MD009" not in rules  # fixed
    assert "MD012" in rules  # not approved, still there
    assert revalidation["parent_validation_id"] == validation["validation_id"]

    _, again = call(api, "post", f"/v1/validations/{validation['validation_id']}/enhancement")
    assert again["enhancement_id"] == enhancement["enhancement_id"]
    assert len(versions(key)) == 2

    status, rolled = call(
        api,
        "post",
        f"/v1/enhancements/{enhancement['enhancement_id']}/rollback",
        {"reason": "wrong product name in this context"},
    )
    assert status == 200, rolled
    assert rolled["rolled_back"] and rolled["rolled_back_by"] == "local"
    assert hashlib.sha256(stored_bytes(key)).digest() == hashlib.sha256(original).digest()
    assert len(versions(key)) == 3  # versions are never deleted

    audit = context_for("x").audit
    steps = [(e.operation, e.actor) for e in reversed(audit.for_target(validation["validation_id"]).items)]
    assert steps == [("validate", "local"), ("generate_recommendations", "local"), ("apply_enhancement", "local")]
    enhancement_steps = [
        (e.operation, e.actor) for e in reversed(audit.for_target(enhancement["enhancement_id"]).items)
    ]
    assert enhancement_steps == [("apply_enhancement", "local"), ("rollback_enhancement", "local")]
    rec_steps = [(e.operation, e.actor) for e in reversed(audit.for_target(name[0]["recommendation_id"]).items)]
    assert rec_steps == [
        ("review_recommendation", "reviewer"),
        ("apply_enhancement", "local"),
        ("rollback_enhancement", "local"),
    ]
    _, after = call(api, "get", f"/v1/recommendations/{name[0]['recommendation_id']}")
    assert after["status"] == "approved"


def test_comparison_shows_the_diff_and_the_issues_resolved_by_rule(api):
    validation = validate(api)
    recs = recommendations(api, validation["validation_id"])
    for rec in by_rule(recs, "MD009"):
        review(api, rec["recommendation_id"])
    _, enhancement = call(api, "post", f"/v1/validations/{validation['validation_id']}/enhancement")
    status, comparison = call(api, "get", f"/v1/enhancements/{enhancement['enhancement_id']}/comparison")
    assert status == 200
    assert comparison["resolved_by_rule"] == {"MD009": 1}
    assert comparison["diff"].startswith("--- ")


def test_generate_is_idempotent_and_rebuild_replaces_unapplied(api):
    validation = validate(api)
    first = recommendations(api, validation["validation_id"])
    status, second = call(api, "post", f"/v1/validations/{validation['validation_id']}/recommendations")
    assert second["created"] == 0 and [r["recommendation_id"] for r in second["items"]] == [
        r["recommendation_id"] for r in first
    ]
    status, rebuilt = call(api, "post", f"/v1/validations/{validation['validation_id']}/recommendations/rebuild")
    assert status == 200 and rebuilt["created"] == len(first)
    assert not {r["recommendation_id"] for r in rebuilt["items"]} & {r["recommendation_id"] for r in first}


def test_every_issue_yields_one_recommendation_fix_or_advice(api):
    validation = validate(api)
    recs = recommendations(api, validation["validation_id"])
    fixes = [r for r in recs if r["type"] == "fix"]
    advice = [r for r in recs if r["type"] == "advice"]
    assert len(fixes) == sum(1 for i in validation["issues"] if i["fixable"])
    assert all(not r["edits"] for r in advice) and all(r["edits"] for r in fixes)


def test_advice_only_recommendations_can_be_approved_but_not_applied(api):
    validation = validate(api)
    advice = [r for r in recommendations(api, validation["validation_id"]) if r["type"] == "advice"][0]
    assert review(api, advice["recommendation_id"])[0] == 200
    status, body = call(
        api,
        "post",
        f"/v1/validations/{validation['validation_id']}/recommendations/apply",
        {"recommendation_ids": [advice["recommendation_id"]]},
    )
    assert status == 400 and body["error"]["field"] == "recommendation_ids"


def test_applying_without_approved_recommendations_is_409(api):
    validation = validate(api)
    recommendations(api, validation["validation_id"])
    status, body = call(api, "post", f"/v1/validations/{validation['validation_id']}/enhancement")
    assert status == 409 and "no approved" in body["error"]["message"]


def test_approving_a_rejected_recommendation_follows_the_table(api):
    validation = validate(api)
    rec = recommendations(api, validation["validation_id"])[0]
    assert review(api, rec["recommendation_id"], "reject")[0] == 200
    status, body = review(api, rec["recommendation_id"], "approve")
    assert status == 200 and body["status"] == "approved"  # rejected -> approved is allowed
    status, body = review(api, rec["recommendation_id"], "reset")
    assert status == 409 and "is approved" in body["error"]["message"]  # approved -> pending is not


def test_a_document_changed_since_validation_is_409_naming_both_versions(api):
    validation = validate(api)
    rec = by_rule(recommendations(api, validation["validation_id"]), "MD009")[0]
    review(api, rec["recommendation_id"])
    doc = validation["document"]
    newer = boto3.client("s3").put_object(Bucket=doc["bucket"], Key=doc["key"], Body=b"# changed\n")["VersionId"]
    status, body = call(api, "post", f"/v1/validations/{validation['validation_id']}/enhancement")
    assert status == 409
    assert doc["version_id"] in body["error"]["message"] and newer in body["error"]["message"]
    _, after = call(api, "get", f"/v1/recommendations/{rec['recommendation_id']}")
    assert after["status"] == "approved"  # nothing partially applied


def _add_recommendation(validation, rule, start, end, replacement):
    """A recommendation with a hand-made edit (the engine never proposes these)."""
    from dataclasses import asdict
    from uuid import uuid4

    from chalicelib.engine.recommend import EditSpec
    from chalicelib.runtime import context_for
    from chalicelib.store.records import AuditEvent, utc_now
    from chalicelib.store.review import RecommendationRecord

    text = PAGE
    edit = EditSpec(start, end, text[start:end] if end <= len(text) else "", replacement, 1, 1, 1, 1)
    now = utc_now()
    record = RecommendationRecord(
        recommendation_id=uuid4().hex,
        validation_id=validation["validation_id"],
        document_version=validation["document"]["version_id"],
        rule=rule,
        alias=rule.lower(),
        category="markdown",
        severity="warning",
        confidence=1.0,
        type="fix",
        title=rule,
        rationale=rule,
        line=1,
        column=1,
        edits=[asdict(edit)],
        issue_indexes=[],
        dedup_key=uuid4().hex,
        status="approved",
        reviewer=None,
        notes="",
        enhancement_id=None,
        created_at=now,
        updated_at=now,
        version=0,
    )
    context = context_for("test")
    context.review.replace_recommendations(
        validation["validation_id"],
        [record],
        [],
        AuditEvent.new(actor="test", operation="seed", target_type="validation", target_id=validation["validation_id"]),
    )
    return record.recommendation_id


def test_overlapping_edits_are_refused_naming_both(api):
    validation = validate(api)
    start = PAGE.index("Apose")
    first = _add_recommendation(validation, "X001", start, start + 5, "Aspose")
    second = _add_recommendation(validation, "X002", start + 2, start + 11, "ose.Words")
    status, body = call(api, "post", f"/v1/validations/{validation['validation_id']}/enhancement")
    assert status == 409
    assert first in body["error"]["message"] and second in body["error"]["message"]
    assert len(versions(validation["document"]["key"])) == 1


def test_the_safety_gate_refuses_dropping_a_heading_and_says_why(api):
    validation = validate(api)
    start = PAGE.index("## Save as PDF")
    _add_recommendation(validation, "X003", start, start + len("## Save as PDF\n"), "")
    status, body = call(api, "post", f"/v1/validations/{validation['validation_id']}/enhancement")
    assert status == 409
    assert "1 of 2 headings would be lost" in body["error"]["message"]
    assert len(versions(validation["document"]["key"])) == 1


def test_the_safety_gate_refuses_dropping_a_code_block(api):
    validation = validate(api)
    start, end = PAGE.index("```java"), len(PAGE)
    _add_recommendation(validation, "X004", start, end, "")
    status, body = call(api, "post", f"/v1/validations/{validation['validation_id']}/enhancement/preview")
    assert status == 200 and not body["safety"]["ok"]
    assert any("code blocks would be lost" in reason for reason in body["safety"]["reasons"])


def test_an_edit_range_outside_the_document_is_400(api):
    validation = validate(api)
    _add_recommendation(validation, "X005", len(PAGE) + 5, len(PAGE) + 9, "x")
    status, body = call(api, "post", f"/v1/validations/{validation['validation_id']}/enhancement")
    assert status == 400 and body["error"]["field"] == "recommendation_ids"


def test_unknown_ids_are_404(api):
    assert call(api, "get", "/v1/recommendations/" + "a" * 32)[0] == 404
    assert call(api, "get", "/v1/enhancements/" + "b" * 32)[0] == 404
    assert call(api, "post", "/v1/validations/" + "c" * 32 + "/recommendations")[0] == 404
    assert call(api, "post", "/v1/validations/" + "c" * 32 + "/approve", {})[0] == 404


def test_approve_and_reject_a_validation_with_reasons_in_the_notes(api):
    validation = validate(api)
    path = f"/v1/validations/{validation['validation_id']}"
    status, body = call(api, "post", path + "/approve", {"notes": "fine"}, headers=REVIEWER)
    assert status == 200 and body["review_status"] == "approved"
    status, body = call(api, "post", path + "/reject", {"reason": "product name wrong"})
    assert status == 200 and body["previous_status"] == "approved"
    assert body["notes"].endswith("[rejected by local] product name wrong")
    status, body = call(api, "post", path + "/reject", {"reason": "again"})
    assert status == 409 and "is rejected" in body["error"]["message"]


def test_a_rejection_needs_a_reason(api):
    validation = validate(api)
    status, body = call(api, "post", f"/v1/validations/{validation['validation_id']}/reject", {})
    assert status == 400 and body["error"]["field"] == "reason"


def test_auto_apply_approves_by_policy_and_applies(api):
    validation = validate(api)
    recommendations(api, validation["validation_id"])
    status, body = call(api, "post", f"/v1/validations/{validation['validation_id']}/enhancement/auto", {})
    assert status == 200, body
    assert {r["rule"] for r in body["approved"]} <= {"MD009", "MD012", "MD040", "CD001", "TR001"}
    assert body["approved"] and body["enhancement"]["recommendation_ids"]
    status, again = call(
        api, "post", f"/v1/validations/{body['enhancement']['result_validation_id']}/enhancement/auto", {}
    )
    assert status == 409  # never on a TBCV-written version


def test_enhance_batch_reports_each_validation(api):
    good, empty = validate(api), validate(api)
    for rec in by_rule(recommendations(api, good["validation_id"]), "MD009"):
        review(api, rec["recommendation_id"])
    recommendations(api, empty["validation_id"])
    status, body = call(
        api, "post", "/v1/bulk/enhancements", {"validation_ids": [good["validation_id"], empty["validation_id"]]}
    )
    assert status == 200
    assert [i["result"] for i in body["items"]] == ["applied", "failed"]
    assert body["items"][1]["error"]["code"] == "conflict"


def test_list_enhancements_of_a_validation(api):
    validation = validate(api)
    for rec in by_rule(recommendations(api, validation["validation_id"]), "MD009"):
        review(api, rec["recommendation_id"])
    _, enhancement = call(api, "post", f"/v1/validations/{validation['validation_id']}/enhancement")
    _, page = call(api, "get", f"/v1/enhancements?validation_id={validation['validation_id']}")
    assert [e["enhancement_id"] for e in page["items"]] == [enhancement["enhancement_id"]]
    _, everything = call(api, "get", "/v1/enhancements")
    assert enhancement["enhancement_id"] in [e["enhancement_id"] for e in everything["items"]]


def test_an_applied_recommendation_cannot_be_deleted(api):
    validation = validate(api)
    rec = by_rule(recommendations(api, validation["validation_id"]), "MD009")[0]
    review(api, rec["recommendation_id"])
    call(api, "post", f"/v1/validations/{validation['validation_id']}/enhancement")
    status, body = call(api, "delete", f"/v1/recommendations/{rec['recommendation_id']}")
    assert status == 409
    other = by_rule(recommendations(api, validation["validation_id"]), "MD012")[0]
    assert call(api, "delete", f"/v1/recommendations/{other['recommendation_id']}")[0] == 200
    assert call(api, "get", f"/v1/recommendations/{other['recommendation_id']}")[0] == 404


def test_mark_applied_moves_only_approved_recommendations(api):
    validation = validate(api)
    recs = recommendations(api, validation["validation_id"])
    review(api, recs[0]["recommendation_id"])
    status, body = call(
        api,
        "post",
        "/v1/bulk/recommendations/mark-applied",
        {"recommendation_ids": [recs[0]["recommendation_id"], recs[1]["recommendation_id"]]},
    )
    assert status == 200
    assert [i["result"] for i in body["items"]] == ["changed", "conflict"]


def test_list_recommendations_filters_by_status(api):
    validation = validate(api)
    recs = recommendations(api, validation["validation_id"])
    review(api, recs[0]["recommendation_id"])
    _, page = call(api, "get", f"/v1/validations/{validation['validation_id']}/recommendations?status=approved")
    assert [r["recommendation_id"] for r in page["items"]] == [recs[0]["recommendation_id"]]


def test_apply_keeps_crlf_line_endings_and_the_bom(api):
    page = "\ufeff" + PAGE.replace("\n", "\r\n")
    validation = validate(api, page)
    for rec in by_rule(recommendations(api, validation["validation_id"]), "MD009"):
        review(api, rec["recommendation_id"])
    status, enhancement = call(api, "post", f"/v1/validations/{validation['validation_id']}/enhancement")
    assert status == 201, enhancement
    result = stored_bytes(validation["document"]["key"])
    assert result.startswith("\ufeff".encode())
    assert result.decode().replace("converts documents.\r\n", "converts documents.   \r\n") == page
    assert result.count(b"\r\n") == page.count("\r\n")


def test_preview_shows_exactly_what_apply_writes(api):
    validation = validate(api)
    for rec in by_rule(recommendations(api, validation["validation_id"]), "TR001"):
        review(api, rec["recommendation_id"])
    _, preview = call(api, "post", f"/v1/validations/{validation['validation_id']}/enhancement/preview")
    _, enhancement = call(api, "post", f"/v1/validations/{validation['validation_id']}/enhancement")
    _, comparison = call(api, "get", f"/v1/enhancements/{enhancement['enhancement_id']}/comparison")
    assert comparison["diff"] == preview["diff"]
    assert enhancement["stats"] == preview["stats"]
    assert comparison["after"] == preview["revalidation"]["counts"]


def test_a_thousand_recommendations_are_written_whole_and_stay_usable(api):
    """Issue 15 row 2: more than one transaction's worth of recommendations (the batch path)
    keeps every field, so list, get, review and export work afterwards."""
    page = "# Title\n\n" + "".join(f"Line {i} ends in spaces.   \n" for i in range(600))
    page += "".join(f"See https://example.com/page{i} now.\n" for i in range(600))
    validation = validate(api, page)
    items = recommendations(api, validation["validation_id"])
    status, listed = call(api, "get", f"/v1/validations/{validation['validation_id']}/recommendations?limit=100")
    assert status == 200 and len(listed["items"]) == 100
    assert len(items) == 1000 and all(item["version"] == 1 for item in items)
    fix = next(item for item in reversed(items) if item["edits"])
    status, body = review(api, fix["recommendation_id"])
    assert status == 200, body
    status, exported = call(api, "get", f"/v1/admin/exports/validations/{validation['validation_id']}/recommendations")
    assert status == 200, exported
    status, preview = call(api, "post", f"/v1/validations/{validation['validation_id']}/enhancement/preview")
    assert status == 200 and preview["recommendation_ids"] == [fix["recommendation_id"]], preview
    status, rebuilt = call(api, "post", f"/v1/validations/{validation['validation_id']}/recommendations/rebuild")
    assert status == 200, rebuilt
    status, generated_again = call(api, "post", f"/v1/validations/{validation['validation_id']}/recommendations")
    assert status == 200, generated_again
    status, log = call(
        api, "get", f"/v1/audit?target_id={validation['validation_id']}&operation=generate_recommendations"
    )
    assert [event["after"]["recommendations"] for event in log["items"]] == [1000]  # once, after the items


def test_deleting_a_validation_with_children_is_refused_naming_them(api):
    """Issue 15 row 9: no orphaned recommendations, enhancements or re-validations."""
    validation = validate(api)
    items = recommendations(api, validation["validation_id"])
    status, body = call(api, "delete", f"/v1/validations/{validation['validation_id']}")
    assert status == 409 and f"{len(items)} recommendations" in body["error"]["message"]
    for item in items:
        assert call(api, "delete", f"/v1/recommendations/{item['recommendation_id']}")[0] == 200
    status, body = call(api, "delete", f"/v1/validations/{validation['validation_id']}")
    assert status == 200, body


def _failing(monkeypatch, method):
    from chalicelib.store.review import ReviewRepository

    def unavailable(*_args, **_kwargs):
        raise RuntimeError("DynamoDB is unavailable")

    monkeypatch.setattr(ReviewRepository, method, unavailable)


def test_an_enhancement_whose_record_fails_puts_the_validated_version_back(api, monkeypatch):
    """The functions may not delete object versions (docs/security.md): the enhanced version
    stays, and a copy of the validated version becomes the newest again."""
    validation = validate(api)
    key = validation["document"]["key"]
    for rec in by_rule(recommendations(api, validation["validation_id"]), "TR001"):
        assert review(api, rec["recommendation_id"])[0] == 200
    _failing(monkeypatch, "record_enhancement")
    status, _ = call(api, "post", f"/v1/validations/{validation['validation_id']}/enhancement")
    assert status == 500
    assert stored_bytes(key) == PAGE.encode()
    assert len(versions(key)) == 3  # validated, enhanced (kept), validated again
    status, listed = call(api, "get", f"/v1/enhancements?validation_id={validation['validation_id']}")
    assert listed["items"] == []


def test_a_rollback_whose_record_fails_puts_the_enhanced_version_back(api, monkeypatch):
    validation = validate(api)
    key = validation["document"]["key"]
    for rec in by_rule(recommendations(api, validation["validation_id"]), "TR001"):
        assert review(api, rec["recommendation_id"])[0] == 200
    status, enhancement = call(api, "post", f"/v1/validations/{validation['validation_id']}/enhancement")
    assert status == 201, enhancement
    enhanced = stored_bytes(key)
    _failing(monkeypatch, "mark_rolled_back")
    path = f"/v1/enhancements/{enhancement['enhancement_id']}/rollback"
    status, _ = call(api, "post", path, {"reason": "the record cannot be stored"})
    assert status == 500
    assert stored_bytes(key) == enhanced and len(versions(key)) == 4
    monkeypatch.undo()
    # the enhancement was not rolled back, and the document is not at its result version
    # any more (the copy is a newer version): a rollback now is refused naming both
    status, refused = call(api, "post", path, {"reason": "again"})
    assert status == 409 and enhancement["result_version"] in refused["error"]["message"]
