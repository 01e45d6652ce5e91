"""The `tbcv` CLI against the local stack over HTTP: every command group does its real
work through the MCP endpoint (folder upload with a progress bar, review, recommendations
and enhancement, a workflow followed to completion, exports, admin, query)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import boto3
import pytest

from tests.e2e.conftest import ROOT, TOKEN, free_port

pytestmark = [pytest.mark.e2e]

CORPUS = ROOT.parent / "shared" / "corpus" / "aspose-words-java"
TBCV = [sys.executable, "-m", "tbcv_cli.main"]
CLEAN = "---\ntitle: Hello\ndescription: A short page that greets the reader politely.\n---\n\n# Hello\n\nSome text.\n"
BROKEN = "# Hello  \n\nSome text.\n"


def tbcv(stack, *args, token=TOKEN, url=None, ws_url=None, check_code=None):
    env = {
        **os.environ,
        "TBCV_API_URL": url or stack.url,
        "TBCV_WS_URL": ws_url or stack.ws_url,
        "TBCV_API_TOKEN": token,
    }
    result = subprocess.run([*TBCV, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    if check_code is not None:
        assert result.returncode == check_code, (result.returncode, result.stdout[-2000:], result.stderr[-2000:])
    return result


def tbcv_json(stack, *args, code=0):
    return json.loads(tbcv(stack, *args, "--json", check_code=code).stdout)


@pytest.fixture(scope="module")
def pages(tmp_path_factory):
    folder = tmp_path_factory.mktemp("pages")
    for number, page in enumerate(sorted(CORPUS.rglob("*.md"))[:3]):
        shutil.copy(page, folder / f"{number}-{page.name}")
    (folder / "sub").mkdir()
    (folder / "sub" / "broken.md").write_text(BROKEN)
    return folder


def created_validation(stack, content=CLEAN, name="page.md", tmp_path=None):
    path = tmp_path / name
    path.write_text(content)
    result = tbcv(stack, "validate", "content", str(path), "--json")
    assert result.stdout, result.stderr
    return json.loads(result.stdout)


def test_validate_folder_uploads_every_page_with_a_progress_bar(stack, pages):
    result = tbcv(stack, "validate", "folder", str(pages))
    assert result.returncode == 1  # sub/broken.md fails
    assert "validating" in result.stdout and "sub/broken.md" in result.stdout
    listed = tbcv_json(stack, "validations", "list", "--limit", "100")["items"]
    keys = {item["document"]["key"].rsplit("/", 1)[-1] for item in listed}
    assert {p.name for p in pages.rglob("*.md")} <= keys


def test_validate_folder_json_lists_one_result_per_page(stack, pages):
    data = json.loads(tbcv(stack, "validate", "folder", str(pages), "--json", check_code=1).stdout)
    assert sorted(item["path"] for item in data["items"]) == sorted(
        p.relative_to(pages).as_posix() for p in pages.rglob("*.md")
    )


def test_validate_content_exit_code_follows_the_outcome(stack, tmp_path):
    (tmp_path / "broken.md").write_text(BROKEN)
    assert tbcv(stack, "validate", "content", str(tmp_path / "broken.md")).returncode == 1


def test_validations_show_update_revalidate_and_delete(stack, tmp_path):
    created = created_validation(stack, tmp_path=tmp_path)
    vid = created["validation_id"]
    assert vid in tbcv(stack, "validations", "show", vid, check_code=0).stdout
    assert tbcv_json(stack, "validations", "update", vid, "--notes", "checked")["notes"] == "checked"
    again = tbcv_json(stack, "validations", "revalidate", vid)
    assert again["validation_id"] != vid
    refused = tbcv(stack, "validations", "delete", vid, "--yes", check_code=1)  # its re-validation would be orphaned
    assert "re-validation" in refused.stderr
    tbcv(stack, "validations", "delete", again["validation_id"], "--yes", check_code=0)
    tbcv(stack, "validations", "delete", vid, "--yes", check_code=0)
    assert tbcv(stack, "validations", "show", vid).returncode == 1


def test_approve_and_reject_with_bulk(stack, tmp_path):
    ids = [created_validation(stack, tmp_path=tmp_path, name=f"p{i}.md")["validation_id"] for i in range(3)]
    tbcv(stack, "approve", ids[0], "--notes", "fine", check_code=0)
    tbcv(stack, "reject", ids[1], ids[2], "--bulk", "--reason", "wrong product", check_code=0)
    statuses = [tbcv_json(stack, "validations", "show", i)["review_status"] for i in ids]
    assert statuses == ["approved", "rejected", "rejected"]


def test_recommendations_are_generated_reviewed_and_applied_as_an_enhancement(stack, tmp_path):
    long_page = CLEAN + "".join(f"\nParagraph {n} explains one more step of the conversion.\n" for n in range(40))
    created = created_validation(stack, content=long_page.replace("Some text.", "Some text.   "), tmp_path=tmp_path)
    vid = created["validation_id"]
    generated = tbcv_json(stack, "recommendations", "generate", vid)
    assert generated["items"], generated
    rid = next(r["recommendation_id"] for r in generated["items"] if r["type"] == "fix")
    tbcv(stack, "recommendations", "review", rid, "--action", "approve", check_code=0)
    listed = tbcv_json(stack, "recommendations", "list", vid)["items"]
    assert any(r["recommendation_id"] == rid and r["status"] == "approved" for r in listed)
    tbcv(stack, "enhance", "preview", vid, check_code=0)
    enhancement = tbcv_json(stack, "enhance", "apply", vid)
    assert enhancement["validation_id"] == vid
    history = tbcv_json(stack, "enhance", "history", vid)["items"]
    assert [e["enhancement_id"] for e in history] == [enhancement["enhancement_id"]]


def test_docs_put_then_a_prefix_workflow_is_followed_to_completion(stack, pages):
    put = tbcv_json(stack, "docs", "put", str(pages), "--prefix", "docs/cli-workflow/")["items"]
    assert sorted(p["key"] for p in put) == sorted(
        f"docs/cli-workflow/{p.relative_to(pages).as_posix()}" for p in pages.rglob("*.md")
    )
    result = tbcv(stack, "validate", "folder", "docs/cli-workflow/", "--prefix", "--json", check_code=0)
    workflow = json.loads(result.stdout)
    assert workflow["state"] == "completed", workflow
    assert workflow["done"] == 4 and workflow["warnings"] == []
    report = tbcv_json(stack, "workflows", "report", workflow["workflow_id"])
    assert len(report["items"]) == 4
    listed = tbcv_json(stack, "workflows", "list")["items"]
    assert workflow["workflow_id"] in [w["workflow_id"] for w in listed]

    watched = json.loads(tbcv(stack, "workflows", "watch", workflow["workflow_id"], "--json", check_code=0).stdout)
    assert watched["state"] == "completed"
    unreachable = f"ws://127.0.0.1:{free_port()}"  # nothing listens: the CLI polls instead
    polled = tbcv(stack, "workflows", "watch", workflow["workflow_id"], "--json", ws_url=unreachable, check_code=0)
    assert json.loads(polled.stdout)["state"] == "completed"
    assert "polling instead" in polled.stdout + polled.stderr


def test_docs_get_prints_the_latest_or_a_named_version(stack, tmp_path):
    (tmp_path / "page.md").write_text(CLEAN)
    first = tbcv_json(stack, "docs", "put", str(tmp_path), "--prefix", "docs/cli-get")["items"][0]
    (tmp_path / "page.md").write_text(BROKEN)
    second = tbcv_json(stack, "docs", "put", str(tmp_path), "--prefix", "docs/cli-get")["items"][0]
    assert first["key"] == second["key"] == "docs/cli-get/page.md" and first["version_id"] != second["version_id"]
    assert tbcv(stack, "docs", "get", "docs/cli-get/page.md", check_code=0).stdout == BROKEN
    older = tbcv(stack, "docs", "get", "docs/cli-get/page.md", "--version", first["version_id"], check_code=0)
    assert older.stdout == CLEAN
    missing = tbcv(stack, "docs", "get", "docs/cli-get/absent.md", check_code=1)
    assert "absent.md" in missing.stderr
    outside = tbcv(stack, "docs", "put", str(tmp_path), "--prefix", "../etc", check_code=1)
    assert "key" in outside.stderr


def test_an_empty_prefix_is_refused_and_one_without_pages_warns(stack):
    refused = tbcv(stack, "validate", "folder", "docs/cli-nothing/", "--prefix", check_code=1)
    assert "params.prefix" in refused.stderr and "no object under the prefix" in refused.stderr
    s3 = boto3.client(
        "s3",
        endpoint_url=stack.aws_url,
        region_name="us-east-1",
        aws_access_key_id="local",
        aws_secret_access_key="local",
    )
    bucket = tbcv_json(stack, "admin", "status")["documents_bucket"]
    s3.put_object(Bucket=bucket, Key="docs/cli-images/logo.png", Body=b"\x89PNG")
    warned = tbcv(stack, "validate", "folder", "docs/cli-images/", "--prefix", check_code=0)
    assert "warning: no Markdown page (*.md) under 'docs/cli-images/'" in warned.stdout


def test_exports_are_written_to_a_file_in_each_format(stack, tmp_path):
    vid = created_validation(stack, content=BROKEN, tmp_path=tmp_path)["validation_id"]
    for fmt in ("json", "csv", "sarif"):
        target = tmp_path / f"export.{fmt}"
        tbcv(stack, "export", "validation", vid, "--format", fmt, "--output", str(target), check_code=0)
        text = target.read_text()
        if fmt == "csv":
            assert text.startswith("rule,") and len(text.splitlines()) > 1
        else:
            assert json.loads(text)["schema_version" if fmt == "json" else "version"] in ("tbcv.export/1", "2.1.0")


def test_admin_status_cache_validators_and_checkpoint(stack):
    status = tbcv_json(stack, "admin", "status")
    assert status["ok"] is True and status["watched_prefix"] == "docs/"
    assert "entries" in tbcv_json(stack, "admin", "cache", "stats")
    assert len(tbcv_json(stack, "admin", "validators")["items"]) > 50
    checkpoint = tbcv_json(stack, "admin", "checkpoint", "create", "--notes", "cli")
    assert checkpoint["tables"]["validations"] >= 1


def test_maintenance_mode_refuses_writes_from_the_cli_with_the_reason(stack, tmp_path):
    tbcv(stack, "admin", "maintenance", "on", "cli maintenance test", check_code=0)
    try:
        (tmp_path / "p.md").write_text(CLEAN)
        refused = tbcv(stack, "validate", "content", str(tmp_path / "p.md"))
        assert refused.returncode == 1
        assert "cli maintenance test" in refused.stderr and "Traceback" not in refused.stderr
        tbcv(stack, "validations", "list", check_code=0)
    finally:
        tbcv(stack, "admin", "maintenance", "off", check_code=0)


def test_stats_audit_and_history_report_the_activity(stack, tmp_path):
    created_validation(stack, tmp_path=tmp_path)
    stats = tbcv_json(stack, "stats")
    assert stats["validations"] >= 1 and stats["operations"]["validate_content"] >= 1
    events = tbcv_json(stack, "audit", "--operation", "validate", "--limit", "5")["items"]
    assert events and all(e["operation"] == "validate" for e in events)
    assert tbcv(stack, "stats", check_code=0).stdout.count("validate_content") == 1


def test_a_dead_endpoint_is_one_line_and_exit_code_2(stack):
    result = tbcv(stack, "stats", url="http://127.0.0.1:9")
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "cannot reach the TBCV API" in result.stderr


def test_a_wrong_token_is_one_line_and_exit_code_2(stack):
    result = tbcv(stack, "stats", token="wrong")
    assert result.returncode == 2
    assert result.stderr.strip() == "tbcv: error: the API refused the token (401); check TBCV_API_TOKEN or .tbcv/token"


def test_maintenance_mode_stops_upload_consumption_until_it_is_switched_off(stack):
    import time

    s3 = boto3.client(
        "s3",
        endpoint_url=stack.aws_url,
        region_name="us-east-1",
        aws_access_key_id="local",
        aws_secret_access_key="local",
    )
    bucket = tbcv_json(stack, "admin", "status")["documents_bucket"]
    key = "docs/cli-maintenance/page.md"
    switched = tbcv_json(stack, "admin", "maintenance", "on", "queue test")
    assert switched["consumers_switched"] >= 1
    try:
        time.sleep(3)  # a receive already waiting when the switch flipped (1 s long poll) ends first
        s3.put_object(Bucket=bucket, Key=key, Body=CLEAN.encode())
        deadline = time.monotonic() + 60
        while tbcv_json(stack, "admin", "status")["services"]["sqs"]["detail"]["depth"] < 1:
            assert time.monotonic() < deadline, "the upload never reached the queue"
            time.sleep(0.3)
        assert tbcv_json(stack, "history", key)["items"] == []
    finally:
        tbcv(stack, "admin", "maintenance", "off", check_code=0)
    deadline = time.monotonic() + 120
    while not tbcv_json(stack, "history", key)["items"]:
        assert time.monotonic() < deadline, "the upload was not validated after maintenance ended"
        time.sleep(0.5)
