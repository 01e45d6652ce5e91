"""The MD rules give markdownlint's (rule, line) results on the same Markdown.

markdownlint-cli2 (pinned, npm-installed once into .bench-cache by scripts/markdownlint.py) runs
on (a) the fixtures in tests/fixtures/markdownlint, written in markdownlint's own test style to
make each implemented rule fire and stay quiet, and (b) every corpus page with its Hugo
shortcodes masked (`markdown_view`: what our parser sees), copied to a temporary folder.
Only the MD rules we implement are compared. Node is required (it is in CI): without it, or if
the install fails, these tests fail with the reason.
"""

from __future__ import annotations

import importlib.util
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from chalicelib.engine.parse import markdown_view
from chalicelib.engine.rules.registry import REGISTRY
from chalicelib.engine.validate import validate_document

REPO = Path(__file__).resolve().parents[3]
FIXTURES = REPO / "tests" / "fixtures" / "markdownlint"
CORPUS = REPO.parent / "shared" / "corpus"
MARKDOWNLINT_IDS = frozenset(rule_id for rule_id in REGISTRY if re.fullmatch(r"MD\d{3}", rule_id))
_RESULT = re.compile(r"^(?P<file>[^:\s]+\.md):(?P<line>\d+)(?::\d+)? (?:error |warning )?(?P<rule>MD\d{3})/")

# (file, line, rule) -> why we differ. Empty: on the fixtures and the whole corpus we agree.
ACCEPTED_DIFFERENCES: dict[tuple[str, int, str], str] = {}

Result = set[tuple[str, int, str]]


@pytest.fixture(scope="module")
def markdownlint_cli() -> Path:
    if shutil.which("node") is None or shutil.which("npm") is None:
        pytest.fail("node and npm are required to compare the MD rules with markdownlint-cli2")
    spec = importlib.util.spec_from_file_location("markdownlint_installer", REPO / "scripts" / "markdownlint.py")
    installer = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(installer)
    try:
        return installer.ensure_markdownlint()
    except (OSError, subprocess.SubprocessError, RuntimeError) as error:
        pytest.fail(f"could not install markdownlint-cli2 with npm: {error}")


def _markdownlint(cli: Path, folder: Path) -> Result:
    (folder / ".markdownlint-cli2.jsonc").write_text(json.dumps({"config": {"default": True}}), encoding="utf-8")
    run = subprocess.run([str(cli), "*.md"], cwd=folder, capture_output=True, text=True, timeout=600)
    if run.returncode not in (0, 1):
        pytest.fail(f"markdownlint-cli2 failed ({run.returncode}): {run.stderr[-2000:]}")
    found = set()
    for line in (run.stdout + run.stderr).splitlines():
        match = _RESULT.match(line)
        if match and match.group("rule") in MARKDOWNLINT_IDS:
            found.add((match.group("file"), int(match.group("line")), match.group("rule")))
    return found


def _ours(folder: Path) -> Result:
    found = set()
    for path in sorted(folder.glob("*.md")):
        text = path.read_bytes().decode("utf-8")
        for issue in validate_document(text, path=path.name).issues:
            if issue.rule in MARKDOWNLINT_IDS:
                found.add((path.name, issue.line, issue.rule))
    return found


def _compare(theirs: Result, ours: Result) -> list[str]:
    differences = []
    for item in sorted(theirs ^ ours):
        if item not in ACCEPTED_DIFFERENCES:
            side = "only markdownlint" if item in theirs else "only tbcv"
            differences.append(f"{side}: {item[0]}:{item[1]} {item[2]}")
    return differences


def test_fixtures_cover_every_implemented_markdownlint_rule(markdownlint_cli, tmp_path):
    for path in FIXTURES.glob("*.md"):
        shutil.copyfile(path, tmp_path / path.name)
    fired = {rule for _, _, rule in _markdownlint(markdownlint_cli, tmp_path)}
    assert fired == MARKDOWNLINT_IDS


def test_fixtures_give_markdownlints_rule_and_line_results(markdownlint_cli, tmp_path):
    for path in FIXTURES.glob("*.md"):
        shutil.copyfile(path, tmp_path / path.name)
    theirs = _markdownlint(markdownlint_cli, tmp_path)
    assert _compare(theirs, _ours(tmp_path)) == []


def test_corpus_pages_without_shortcodes_give_markdownlints_rule_and_line_results(markdownlint_cli, tmp_path):
    pages = sorted(CORPUS.rglob("*.md"))
    assert len(pages) > 400
    for index, page in enumerate(pages):
        text = page.read_bytes().decode("utf-8")
        (tmp_path / f"page{index:04d}.md").write_bytes(markdown_view(text).encode("utf-8"))
    theirs = _markdownlint(markdownlint_cli, tmp_path)
    assert len(theirs) > 100, "markdownlint found almost nothing: the comparison would prove little"
    assert _compare(theirs, _ours(tmp_path)) == []
