"""The validation operations through the real Chalice routes on the in-process local AWS."""

from __future__ import annotations

import json

import boto3
import pytest

from tests.conftest import AUTH

PAGE = "---\ntitle: Hello\n---\n\n# Hello  \n\nSome text.\n"


def post(api, path, body, headers=AUTH):
    return api.http.post(path, headers=headers, body=json.dumps(body) if not isinstance(body, str) else body)


def create(api, content=PAGE, **extra):
    response = post(api, "/v1/validations", {"content": content, **extra})
    assert response.status_code == 201, response.body
    return response.json_body


def object_versions(resolver):
    bucket = resolver.environment()["TBCV_DOCUMENTS_BUCKET"]
    return boto3.client("s3").list_object_versions(Bucket=bucket).get("Versions", [])


def test_health_answers_without_a_token(api):
    response = api.http.get("/health")
    assert response.status_code == 200
    assert response.json_body["ok"] is True


def test_validate_content_then_get_returns_the_same_validation(api):
    created = create(api, path="en/java/hello.md")
    fetched = api.http.get(f"/v1/validations/{created['validation_id']}", headers=AUTH).json_body
    assert fetched == created
    assert fetched["document"]["key"].endswith("/hello.md")
    assert fetched["created_by"] == "local"
    assert fetched["outcome"] in ("pass", "warning", "fail")
    assert sum(fetched["counts"].values()) == len(fetched["issues"])


def test_the_validated_content_is_stored_as_an_immutable_document_version(api):
    created = create(api)
    doc = created["document"]
    body = (
        boto3.client("s3").get_object(Bucket=doc["bucket"], Key=doc["key"], VersionId=doc["version_id"])["Body"].read()
    )
    assert body.decode() == PAGE


def test_request_without_a_token_is_401_with_www_authenticate(api):
    response = api.http.get("/v1/validations")
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert response.json_body["error"]["code"] == "unauthorized"


def test_request_with_a_wrong_token_is_401(api):
    response = api.http.get("/v1/validations", headers={"Authorization": "Bearer nope"})
    assert response.status_code == 401


def test_a_second_token_maps_to_its_own_principal(api):
    created = create(api)
    headers = {**AUTH, "Authorization": "Bearer reviewer-token"}
    response = api.http.patch(
        f"/v1/validations/{created['validation_id']}", headers=headers, body=json.dumps({"notes": "looked at it"})
    )
    assert response.status_code == 200
    from chalicelib.runtime import context_for

    events = context_for("x").audit.for_target(created["validation_id"]).items
    assert [(e.operation, e.actor) for e in events] == [("update_validation", "reviewer"), ("validate", "local")]


def test_unknown_validation_id_is_404_naming_the_field(api):
    response = api.http.get("/v1/validations/" + "0" * 32, headers=AUTH)
    assert response.status_code == 404
    assert response.json_body["error"] == {
        "code": "not_found",
        "field": "validation_id",
        "message": response.json_body["error"]["message"],
    }


def test_malformed_json_is_400_naming_the_body(api):
    response = post(api, "/v1/validations", "{not json")
    assert response.status_code == 400
    assert response.json_body["error"]["field"] == "body"


def test_wrong_type_is_400_naming_the_field(api):
    response = post(api, "/v1/validations", {"content": 42})
    assert response.status_code == 400
    assert response.json_body["error"]["field"] == "content"


def test_unknown_field_is_400_naming_it(api):
    response = post(api, "/v1/validations", {"content": "# x", "colour": "red"})
    assert response.status_code == 400
    assert response.json_body["error"]["field"] == "colour"


def test_path_with_dot_dot_is_400(api):
    response = post(api, "/v1/validations", {"content": "# x", "path": "../etc/passwd.md"})
    assert response.status_code == 400
    assert response.json_body["error"]["field"] == "path"


def test_malformed_validation_id_is_400(api):
    response = api.http.get("/v1/validations/not-an-id", headers=AUTH)
    assert response.status_code == 400
    assert response.json_body["error"]["field"] == "validation_id"


def test_oversize_content_is_413_and_nothing_is_written(api, aws):
    response = post(api, "/v1/validations", {"content": "a" * (1024 * 1024 + 1)})
    assert response.status_code == 413
    assert response.json_body["error"]["field"] == "content"
    assert object_versions(aws) == []
    assert api.http.get("/v1/validations", headers=AUTH).json_body["items"] == []


def test_a_failed_store_write_leaves_no_document_behind(api, aws, monkeypatch):
    """The stored content is hidden behind a delete marker: no current object is left, and
    the version itself stays until the bucket's lifecycle rule expires it (the functions
    may not delete versions, docs/security.md)."""
    from chalicelib.store.repositories import ValidationRepository

    def fail(*_args, **_kwargs):
        raise RuntimeError("DynamoDB is down")

    monkeypatch.setattr(ValidationRepository, "create", fail)
    response = post(api, "/v1/validations", {"content": PAGE})
    assert response.status_code == 500
    assert "traceback" not in response.body.decode().lower()
    bucket = aws.environment()["TBCV_DOCUMENTS_BUCKET"]
    assert boto3.client("s3").list_objects_v2(Bucket=bucket).get("KeyCount") == 0
    versions = boto3.client("s3").list_object_versions(Bucket=bucket)
    assert [v["IsLatest"] for v in versions["Versions"]] == [False]
    assert [m["IsLatest"] for m in versions["DeleteMarkers"]] == [True]


def test_list_pages_with_an_opaque_cursor_newest_first(api):
    ids = [create(api, content=f"# Page {n}\n")["validation_id"] for n in range(5)]
    seen, cursor = [], None
    while True:
        query = "?limit=2" + (f"&cursor={cursor}" if cursor else "")
        page = api.http.get("/v1/validations" + query, headers=AUTH).json_body
        assert len(page["items"]) <= 2
        seen += [item["validation_id"] for item in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert seen == list(reversed(ids))


def test_list_filters_by_review_status(api):
    create(api)
    assert len(api.http.get("/v1/validations?review_status=pending", headers=AUTH).json_body["items"]) == 1
    assert api.http.get("/v1/validations?review_status=approved", headers=AUTH).json_body["items"] == []


def test_a_tampered_cursor_is_400(api):
    response = api.http.get("/v1/validations?cursor=garbage!!", headers=AUTH)
    assert response.status_code == 400
    assert response.json_body["error"]["field"] == "cursor"


def test_limit_out_of_range_is_400(api):
    response = api.http.get("/v1/validations?limit=1000", headers=AUTH)
    assert response.status_code == 400
    assert response.json_body["error"]["field"] == "limit"


def test_update_replaces_notes_and_bumps_the_version(api):
    created = create(api)
    response = api.http.patch(
        f"/v1/validations/{created['validation_id']}", headers=AUTH, body=json.dumps({"notes": "checked"})
    )
    assert response.status_code == 200
    assert response.json_body["notes"] == "checked"
    assert response.json_body["version"] == created["version"] + 1


def test_update_of_a_concurrently_changed_item_is_409(api, monkeypatch):
    from chalicelib.store.repositories import ValidationRepository

    created = create(api)
    real_get = ValidationRepository.get

    def stale_get(self, validation_id):  # another request updates between our read and write
        record = real_get(self, validation_id)
        return record.model_copy(update={"version": record.version - 1})

    monkeypatch.setattr(ValidationRepository, "get", stale_get)
    response = api.http.patch(
        f"/v1/validations/{created['validation_id']}", headers=AUTH, body=json.dumps({"notes": "late"})
    )
    assert response.status_code == 409
    assert response.json_body["error"]["code"] == "conflict"


def test_delete_removes_the_validation_and_audits_it(api):
    created = create(api)
    path = f"/v1/validations/{created['validation_id']}"
    assert api.http.delete(path, headers=AUTH).json_body == {"validation_id": created["validation_id"], "deleted": True}
    assert api.http.get(path, headers=AUTH).status_code == 404
    assert api.http.delete(path, headers=AUTH).status_code == 404


@pytest.mark.parametrize("profile", ["strict", "relaxed"])
def test_profile_is_recorded(api, profile):
    assert create(api, profile=profile)["profile"] == profile


def test_unknown_profile_is_400(api):
    response = post(api, "/v1/validations", {"content": "# x", "profile": "lenient"})
    assert response.status_code == 400
    assert response.json_body["error"]["field"] == "profile"
