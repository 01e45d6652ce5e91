"""The operations docs' commands are the ones the scripts accept: every `scripts/<name>`
command line in docs/deployment.md, docs/runbook.md and README.md names an existing script
and only options that script's --help lists."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOCS = ["docs/deployment.md", "docs/runbook.md", "docs/troubleshooting.md", "README.md"]
COMMAND = re.compile(r"(?:\.venv/bin/python|python3) scripts/([a-z_.]+)([^`|&\n]*)")


def _commands() -> list[tuple[str, str, str]]:
    found = []
    for doc in DOCS:
        for script, rest in COMMAND.findall((ROOT / doc).read_text()):
            found.append((doc, script, rest))
    return found


def _help(script: str) -> str:
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / script), "--help"], capture_output=True, text=True, timeout=60, cwd=ROOT
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_the_docs_show_the_deploy_smoke_backup_and_restore_commands():
    assert {script for _, script, _ in _commands()} >= {"deploy", "smoke", "backup", "restore", "package.py"}


@pytest.mark.parametrize("doc, script, rest", _commands(), ids=lambda v: v if isinstance(v, str) else "")
def test_each_documented_command_uses_options_the_script_has(doc, script, rest):
    assert (ROOT / "scripts" / script).is_file(), f"{doc} runs scripts/{script}, which does not exist"
    options = set(re.findall(r"(?<![\w-])(--[a-z][a-z0-9-]*)", rest))
    usage = _help(script)
    for option in options:
        assert option in usage, f"{doc}: scripts/{script} has no {option}"
