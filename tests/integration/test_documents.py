"""put_document / get_document: pages into the documents bucket and versions back, with
the key checked (relative, under the allowed prefixes, .md) and the size limited."""

from __future__ import annotations

import json

import pytest

from chalicelib.ops import invoke
from chalicelib.ops.errors import InvalidInput, NotFound, PayloadTooLarge
from chalicelib.runtime import context_for
from tests.conftest import AUTH

PAGE = "---\ntitle: Hello\n---\n\n# Hello\n\nSome text.\n"


def call(name, **arguments):
    return invoke(name, context_for("documents-test"), arguments)


def test_put_then_get_the_latest_and_an_older_version(aws):
    first = call("put_document", key="docs/en/a.md", content=PAGE, family="words", profile="strict")
    second = call("put_document", key="docs/en/a.md", content=PAGE + "More.\n")
    assert first["version_id"] != second["version_id"] and first["size"] == len(PAGE.encode())
    latest = call("get_document", key="docs/en/a.md")
    assert (latest["content"], latest["version_id"]) == (PAGE + "More.\n", second["version_id"])
    older = call("get_document", key="docs/en/a.md", version_id=first["version_id"])
    assert (older["content"], older["family"], older["profile"]) == (PAGE, "words", "strict")


def test_the_stored_copy_of_inline_content_is_readable_with_its_path(aws):
    created = call("validate_content", content=PAGE, path="en/_index.md")
    document = call("get_document", key=created["document"]["key"], version_id=created["document"]["version_id"])
    assert (document["content"], document["path"]) == (PAGE, "en/_index.md")


@pytest.mark.parametrize(
    "key",
    ["docs/../secret.md", "/docs/a.md", "other/a.md", "exports/a.md", "docs/a.txt", "docs\\a.md", "inline/x/a.md"],
)
def test_put_refuses_keys_outside_the_watched_prefix_or_not_markdown(aws, key):
    with pytest.raises(InvalidInput) as raised:
        call("put_document", key=key, content=PAGE)
    assert raised.value.field == "key"


def test_get_refuses_keys_outside_the_allowed_prefixes(aws):
    with pytest.raises(InvalidInput) as raised:
        call("get_document", key="exports/validations/x/issues.json")
    assert raised.value.field == "key"


def test_put_refuses_content_over_the_size_limit(aws):
    limit = context_for("documents-test").settings.max_document_bytes
    with pytest.raises(PayloadTooLarge) as raised:
        call("put_document", key="docs/big.md", content="x" * (limit + 1))
    assert raised.value.field == "content"
    with pytest.raises(NotFound):
        call("get_document", key="docs/big.md")  # nothing written


def test_get_of_a_missing_key_or_version_is_not_found(aws):
    with pytest.raises(NotFound):
        call("get_document", key="docs/absent.md")
    call("put_document", key="docs/present.md", content=PAGE)
    with pytest.raises(NotFound):
        call("get_document", key="docs/present.md", version_id="no-such-version")


def test_rest_routes_put_and_get(api):
    response = api.http.post("/v1/documents", headers=AUTH, body=json.dumps({"key": "docs/rest.md", "content": PAGE}))
    assert response.status_code == 201, response.body
    fetched = api.http.get("/v1/documents?key=docs/rest.md", headers=AUTH)
    assert fetched.status_code == 200 and fetched.json_body["content"] == PAGE
    refused = api.http.post("/v1/documents", headers=AUTH, body=json.dumps({"key": "../x.md", "content": PAGE}))
    assert refused.status_code == 400 and refused.json_body["error"]["field"] == "key"
