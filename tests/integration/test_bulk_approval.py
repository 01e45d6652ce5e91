"""Bulk approval: one call, one BatchGet and one batched write path for 100 validations."""

from __future__ import annotations

import json

from chalicelib.store.repositories import ValidationRepository
from tests.conftest import AUTH


def create_validations(n):
    from chalicelib.ops import invoke
    from chalicelib.runtime import context_for

    context = context_for("seeder")
    return [
        invoke("validate_content", context, {"content": f"# Page {i}\n\nText.\n"})["validation_id"] for i in range(n)
    ]


def test_bulk_approve_of_100_validations_is_one_read_and_one_batched_write(api, monkeypatch):
    ids = create_validations(100)
    calls = []
    for name in ("get", "get_many", "update", "update_many"):
        original = getattr(ValidationRepository, name)

        def counted(self, *args, _name=name, _original=original, **kwargs):
            calls.append(_name)
            return _original(self, *args, **kwargs)

        monkeypatch.setattr(ValidationRepository, name, counted)
    response = api.http.post(
        "/v1/bulk/validations/approve", headers=AUTH, body=json.dumps({"validation_ids": ids, "notes": "release 24.11"})
    )
    assert response.status_code == 200, response.body
    assert response.json_body["changed"] == 100 and response.json_body["failed"] == 0
    assert calls == ["get_many", "update_many"]
    listed = api.http.get("/v1/validations?review_status=approved&limit=100", headers=AUTH).json_body
    assert len(listed["items"]) == 100


def test_bulk_approve_reports_missing_and_refused_items_and_changes_the_rest(api):
    ids = create_validations(3)
    api.http.post(f"/v1/validations/{ids[0]}/reject", headers=AUTH, body=json.dumps({"reason": "no"}))
    api.http.post(f"/v1/validations/{ids[1]}/approve", headers=AUTH, body=json.dumps({}))
    missing = "f" * 32
    response = api.http.post(
        "/v1/bulk/validations/approve", headers=AUTH, body=json.dumps({"validation_ids": ids + [missing]})
    )
    results = {i["validation_id"]: i["result"] for i in response.json_body["items"]}
    assert results == {ids[0]: "changed", ids[1]: "conflict", ids[2]: "changed", missing: "not_found"}


def test_bulk_reject_needs_a_reason_and_at_most_100_ids(api):
    response = api.http.post(
        "/v1/bulk/validations/reject", headers=AUTH, body=json.dumps({"validation_ids": ["a" * 32]})
    )
    assert response.status_code == 400 and response.json_body["error"]["field"] == "reason"
    response = api.http.post(
        "/v1/bulk/validations/reject",
        headers=AUTH,
        body=json.dumps({"validation_ids": ["a" * 32] * 101, "reason": "x"}),
    )
    assert response.status_code == 400 and response.json_body["error"]["field"] == "validation_ids"
