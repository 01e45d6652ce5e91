"""scripts/smoke, scripts/backup and scripts/restore against the local stack, run as an
operator runs them: backup → wipe → restore gives back identical items."""

from __future__ import annotations

import json
import subprocess
import sys

import boto3
import pytest

from tests.e2e.conftest import ROOT, TOKEN, start_stack, stop_stack

# Items the checkpoint operations themselves write: the audit events of the backup, of the
# restore and of its maintenance window, and the system table's own bookkeeping.
OWN_AUDIT_OPERATIONS = {
    "create_checkpoint",
    "restore_checkpoint",
    "enable_maintenance_mode",
    "disable_maintenance_mode",
}
SYSTEM_BOOKKEEPING = ("checkpoint", "maintenance", "counter", "cache", "timing")


@pytest.fixture(scope="module")
def stack():
    started = start_stack()
    yield started
    stop_stack(started)


def _run(script: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(ROOT / "scripts" / script), *args], capture_output=True, text=True, timeout=600, cwd=ROOT
    )


def _dynamodb(stack):
    return boto3.client(
        "dynamodb",
        endpoint_url=stack.aws_url,
        region_name="us-east-1",
        aws_access_key_id="test",
        aws_secret_access_key="test",
    )


def _tables(client) -> list[str]:
    return [t for t in client.list_tables()["TableNames"] if t.startswith("tbcv-")]


def _keys(client, table: str) -> list[str]:
    return [k["AttributeName"] for k in client.describe_table(TableName=table)["Table"]["KeySchema"]]


def _items(client, table: str) -> dict[str, dict]:
    keys, items, start = _keys(client, table), {}, {}
    while True:
        page = client.scan(TableName=table, ConsistentRead=True, **start)
        for item in page["Items"]:
            items[json.dumps([item[k] for k in keys], sort_keys=True)] = item
        if "LastEvaluatedKey" not in page:
            return items
        start = {"ExclusiveStartKey": page["LastEvaluatedKey"]}


def _kept(table: str, item: dict) -> bool:
    """Data the restore must bring back (not the checkpoint machinery's own records)."""
    if table.endswith("-system"):
        return not item["pk"]["S"].startswith(SYSTEM_BOOKKEEPING)
    if table.endswith("-audit"):
        return item.get("operation", {}).get("S") not in OWN_AUDIT_OPERATIONS
    return True


def _snapshot(client) -> dict[str, dict[str, dict]]:
    return {t: {k: v for k, v in _items(client, t).items() if _kept(t, v)} for t in _tables(client)}


def _wipe(client) -> None:
    """Lose the data, as a bad bulk change or a faulty release would; the checkpoint
    manifests (system table) survive, as the S3 exports do."""
    for table in _tables(client):
        keys = _keys(client, table)
        for item in _items(client, table).values():
            if table.endswith("-system") and item["pk"]["S"] == "checkpoint":
                continue
            client.delete_item(TableName=table, Key={k: item[k] for k in keys})


def test_smoke_passes_against_a_running_stack(stack):
    result = _run("smoke", "--url", stack.url, "--token", TOKEN)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert [line.split()[1] for line in lines] == ["health", "validation", "mcp"]


def test_smoke_fails_with_a_refused_token(stack):
    result = _run("smoke", "--url", stack.url, "--token", "not-the-token")
    assert result.returncode != 0
    assert "FAIL" in result.stderr


def test_smoke_reports_an_unreachable_api(stack):
    result = _run("smoke", "--url", "http://127.0.0.1:9", "--token", TOKEN)
    assert result.returncode == 2 and "cannot reach" in result.stderr


def test_backup_then_wipe_then_restore_gives_back_identical_items(stack):
    created = [
        stack.request(
            "POST",
            "/v1/validations",
            {"content": f"# Page {n}\n\nApose.Words text {n}.\n", "path": f"docs/page-{n}.md", "family": "words"},
        )
        for n in range(3)
    ]
    assert all(status == 201 for status, _, _ in created)
    first = created[0][1]["validation_id"]
    assert stack.request("POST", f"/v1/validations/{first}/recommendations")[0] in (200, 201)
    client = _dynamodb(stack)
    before = _snapshot(client)
    assert sum(len(items) for items in before.values()) > 6

    backup = _run("backup", "--url", stack.url, "--token", TOKEN, "--notes", "e2e round trip")
    assert backup.returncode == 0, backup.stderr
    checkpoint = json.loads(backup.stdout)
    _wipe(client)
    assert not any(_snapshot(client).values())

    restore = _run(
        "restore", checkpoint["checkpoint_id"], "--reason", "e2e round trip", "--url", stack.url, "--token", TOKEN
    )
    assert restore.returncode == 0, restore.stderr
    assert _snapshot(client) == before


def test_restore_names_an_unknown_checkpoint(stack):
    result = _run("restore", "0" * 32, "--reason", "typo", "--url", stack.url, "--token", TOKEN)
    assert result.returncode == 1 and "does not exist" in result.stderr
