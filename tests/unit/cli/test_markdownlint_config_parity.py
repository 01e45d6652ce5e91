"""markdownlint's configuration, read by `tbcv check` as markdownlint-cli2 reads it: the same
project (nested `.markdownlint*` and `.markdownlint-cli2*` files, `extends`, inline comments of
every kind, `markdownlint-configure-file`, TOML and JSON front matter) linted by both, and the
(file, line, rule) results of the MD rules tbcv implements compared. Node is required (it is
in CI, installed by scripts/markdownlint.py as for the rule parity tests)."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest

from chalicelib.engine.rules.registry import REGISTRY
from tbcv_cli.main import main

REPO = Path(__file__).resolve().parents[3]
MARKDOWNLINT_IDS = frozenset(rule_id for rule_id in REGISTRY if re.fullmatch(r"MD\d{3}", rule_id))
_RESULT = re.compile(r"^(?P<file>[^:\s]+\.md):(?P<line>\d+)(?::\d+)? (?:error |warning )?(?P<rule>MD\d{3})/")

TRAILING = "Trailing one. \n"
PROJECT = {
    ".markdownlint.yaml": "MD012: false\n",
    "shared.json": '{"MD009": false}\n',
    "docs/.markdownlint-cli2.jsonc": '{\n  // an options file\n  "config": {"MD034": false},\n}\n',
    "docs/sub/.markdownlint.json": '{"extends": "../../shared.json", "MD034": true}\n',
    "root.md": "# Root\n\n" + TRAILING + "\n\n\nSee https://example.com/a here.\n",
    "docs/page.md": "# Docs\n\n" + TRAILING + "\n\n\nSee https://example.com/b here.\n",
    "docs/sub/deep.md": "# Deep\n\n" + TRAILING + "\n\n\nSee https://example.com/c here.\n",
    "inline.md": (
        "# Inline\n\n"
        "<!-- markdownlint-disable-file MD034 -->\n"
        "See https://example.com/file-wide here.\n\n"
        + TRAILING
        + "<!-- markdownlint-capture -->\n<!-- markdownlint-disable -->\n"
        + TRAILING
        + "<!-- markdownlint-restore -->\n"
        + TRAILING
        + "<!-- markdownlint-disable-next-line no-trailing-spaces -->\n"
        + TRAILING
        + TRAILING.rstrip("\n")
        + " <!-- markdownlint-disable-line MD009 -->   \n"
        + "<!-- markdownlint-enable MD012 -->\n\n\n\n"
        + "Text.\n<!-- markdownlint-disable MD012 -->\n\n\n\nEnd.  \n"
    ),
    "configure.md": (
        "# Configure\n\n"
        + TRAILING
        + "Two spaces make a break.  \nFour do not.    \n\n"
        + '<!-- markdownlint-configure-file\n{\n  "MD009": {"br_spaces": 4},\n  "MD012": true\n}\n-->\n\n\n'
        + '<!-- markdownlint-configure-file { "MD012": false, not json -->\n'
    ),
    "toml.md": '+++\ntitle = "Toml page"   \n+++\n\n# Second title\n\nText. \n',
    "json.md": '{\n  "title": "Json page",   \n  "x": 1\n}\n\nText. \n\n\n\nEnd.\n',
    "yamlnotitle.md": "---\ndescription: none   \n---\nText first.\n\n# Late title\n",
}

Result = set[tuple[str, int, str]]


@pytest.fixture
def project(tmp_path, monkeypatch):
    root = tmp_path / "project"
    (root / ".git").mkdir(parents=True)
    for name, text in PROJECT.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    monkeypatch.chdir(root)
    return root


def _markdownlint(cli: Path, root: Path) -> Result:
    run = subprocess.run([str(cli), "**/*.md"], cwd=root, capture_output=True, text=True, timeout=300)
    if run.returncode not in (0, 1):
        pytest.fail(f"markdownlint-cli2 failed ({run.returncode}): {run.stderr[-2000:]}")
    found = set()
    for line in (run.stdout + run.stderr).splitlines():
        match = _RESULT.match(line)
        if match and match.group("rule") in MARKDOWNLINT_IDS:
            found.add((match.group("file"), int(match.group("line")), match.group("rule")))
    return found


def _tbcv(capsys) -> Result:
    main(["check", ".", "--format", "json", "--no-cache", "--jobs", "1"])
    report = json.loads(capsys.readouterr().out)
    return {
        (file["path"].removeprefix("./"), issue["line"], issue["rule"])
        for file in report["files"]
        for issue in file["issues"]
        if issue["rule"] in MARKDOWNLINT_IDS
    }


def test_tbcv_reads_markdownlint_configuration_as_markdownlint_cli2_does(markdownlint_cli, project, capsys):
    theirs = _markdownlint(markdownlint_cli, project)
    ours = _tbcv(capsys)
    differences = [
        f"{'only markdownlint' if item in theirs else 'only tbcv'}: {item[0]}:{item[1]} {item[2]}"
        for item in sorted(theirs ^ ours)
    ]
    assert differences == []
    # the fixture exercises what it means to: every file has findings of both kinds of rule
    assert {item[2] for item in theirs} >= {"MD009", "MD012", "MD034"}
    assert {item[0] for item in theirs} >= {"root.md", "docs/page.md", "docs/sub/deep.md", "inline.md", "json.md"}
