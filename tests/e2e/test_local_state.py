"""The local stack keeps its data across restarts and crashes (docs/local-stack.md)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.e2e.conftest import ROOT, TOKEN, free_port, start_stack, stop_stack

pytestmark = pytest.mark.e2e

PAGE = "---\ntitle: Kept across restarts\n---\n\n# Kept across restarts\n\nSome text.\n"


def _wait_for_snapshot(state_dir: Path, after: str | None) -> str:
    """The name of a snapshot newer than `after` (the stack writes one within seconds)."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        current = state_dir / "CURRENT"
        if current.exists() and current.read_text().strip() != after:
            return current.read_text().strip()
        time.sleep(0.2)
    raise AssertionError("no snapshot was written within 60 s")


def test_data_survives_a_sigkill_and_a_restart(tmp_path):
    state_dir = tmp_path / "state"
    stack = start_stack(state_dir)
    try:
        before = (state_dir / "CURRENT").read_text().strip() if (state_dir / "CURRENT").exists() else None
        status, created, _ = stack.request("POST", "/v1/validations", {"content": PAGE, "path": "kept/page.md"})
        assert status == 201, created
        status, _, _ = stack.request(
            "POST", f"/v1/validations/{created['validation_id']}/approve", {"notes": "before the crash"}
        )
        assert status == 200
        _wait_for_snapshot(state_dir, before)
        time.sleep(3)  # one more interval: the approval's snapshot, whatever the first one held
    finally:
        os.killpg(stack.process.pid, signal.SIGKILL)  # a crash: no final snapshot
        stack.process.wait()

    restarted = start_stack(state_dir)
    try:
        status, validation, _ = restarted.request("GET", f"/v1/validations/{created['validation_id']}")
        assert status == 200, validation
        assert validation["review_status"] == "approved"
        status, audit, _ = restarted.request("GET", "/v1/audit?limit=100")
        assert status == 200
        assert any(event.get("operation") == "approve" for event in audit["items"])
    finally:
        assert stop_stack(restarted) == 0


def test_a_foreign_state_directory_is_refused_naming_the_file(tmp_path):
    state_dir = tmp_path / "state"
    (state_dir / "snapshot-1").mkdir(parents=True)
    (state_dir / "CURRENT").write_text("snapshot-1\n")
    (state_dir / "snapshot-1" / "manifest.json").write_text(json.dumps({"schema": "something-else/9"}))
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("TBCV_")},
        "TBCV_PORT": str(free_port()),
        "TBCV_AWS_PORT": str(free_port()),
        "TBCV_API_TOKEN": TOKEN,
        "TBCV_STATE_DIR": str(state_dir),
    }
    result = subprocess.run(
        [sys.executable, "-m", "local_aws.run"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=180
    )
    assert result.returncode == 2
    assert str(state_dir / "snapshot-1" / "manifest.json") in result.stderr
    assert "schema" in result.stderr
    assert (state_dir / "snapshot-1" / "manifest.json").read_text() == json.dumps({"schema": "something-else/9"})
