"""`tbcv check` result cache, baselines, CI formats and markdownlint configuration files."""

import json

import pytest

from tbcv_cli import check as check_module
from tbcv_cli.main import main
from tbcv_cli.result_cache import CACHE_SCHEMA

PAGE = "# Converting documents between formats\n\nSome text with trailing spaces.   \n"


def run(capsys, *argv):
    code = main([str(arg) for arg in argv])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def docs(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".git").mkdir()  # the project root: markdownlint files above it never apply
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "a.md").write_text(PAGE, encoding="utf-8")
    (folder / "b.md").write_text("# Another page about things\n\nText.\n", encoding="utf-8")
    return folder


def entries(tmp_path):
    return sorted((tmp_path / ".tbcv" / "cache").rglob("*.json"))


# -- result cache ----------------------------------------------------------------------------


def test_a_second_run_is_answered_from_the_cache_without_the_engine(docs, tmp_path, capsys, monkeypatch):
    first = run(capsys, "check", "docs", "--format", "json", "--jobs", "2")
    assert len(entries(tmp_path)) == 2

    def no_engine(*args, **kwargs):
        raise AssertionError("the engine was loaded although every file is cached")

    monkeypatch.setattr(check_module, "Engine", no_engine)
    assert run(capsys, "check", "docs", "--format", "json") == first


def test_a_changed_file_misses_and_the_others_hit(docs, tmp_path, capsys):
    run(capsys, "check", "docs")
    (docs / "a.md").write_text(PAGE.replace("   \n", "\n"), encoding="utf-8")
    code, out, _ = run(capsys, "check", "docs", "--format", "json")
    issues = {f["path"]: [i["rule"] for i in f["issues"]] for f in json.loads(out)["files"]}
    assert "MD009" not in issues["docs/a.md"]
    assert len(entries(tmp_path)) == 3


def test_a_changed_configuration_misses_the_cache(docs, tmp_path, capsys):
    run(capsys, "check", "docs")
    (tmp_path / ".markdownlint.yaml").write_text("MD009: false\n", encoding="utf-8")
    _, out, _ = run(capsys, "check", "docs")
    assert "MD009" not in out
    (tmp_path / ".tbcv.yaml").write_text("rules: {MD009: on}\n", encoding="utf-8")
    _, out, _ = run(capsys, "check", "docs")
    assert "MD009" in out


@pytest.mark.parametrize(
    "damage",
    [
        b"{not json",
        b'{"schema": "other/1"}',
        b"",
        json.dumps({"schema": CACHE_SCHEMA, "key": "x", "report": {}}).encode(),
    ],
)
def test_a_corrupt_or_foreign_entry_is_ignored_and_rewritten(docs, tmp_path, capsys, damage):
    first = run(capsys, "check", "docs", "--format", "json")
    for entry in entries(tmp_path):
        entry.write_bytes(damage)
    assert run(capsys, "check", "docs", "--format", "json") == first
    for entry in entries(tmp_path):
        assert json.loads(entry.read_text(encoding="utf-8"))["schema"] == CACHE_SCHEMA


def test_no_cache_neither_reads_nor_writes_and_cache_dir_moves_it(docs, tmp_path, capsys):
    run(capsys, "check", "docs", "--no-cache")
    assert entries(tmp_path) == []
    run(capsys, "check", "docs", "--cache-dir", tmp_path / "elsewhere")
    assert len(list((tmp_path / "elsewhere").rglob("*.json"))) == 2 and entries(tmp_path) == []


def test_fix_bypasses_the_cache(docs, tmp_path, capsys):
    run(capsys, "check", "docs")
    code, out, err = run(capsys, "check", "docs", "--fix")
    assert "fixed" in err and "MD009" not in out


# -- baselines -------------------------------------------------------------------------------


def test_a_baseline_hides_known_findings_even_after_lines_move(docs, tmp_path, capsys):
    baseline = tmp_path / "baseline.json"
    code, _, err = run(capsys, "check", "docs", "--update-baseline", baseline)
    assert code == 0 and "recorded" in err
    assert json.loads(baseline.read_text(encoding="utf-8"))["schema"] == "tbcv.baseline/1"
    (docs / "a.md").write_text(
        "# Converting documents between formats\n\nA new paragraph.\n\n" + PAGE.split("\n\n", 1)[1]
    )
    code, out, _ = run(capsys, "check", "docs", "--baseline", baseline, "--format", "json")
    report = json.loads(out)
    # the trailing spaces moved down two lines: still the known finding (ST001's message
    # states the changed body length, so that one is new)
    assert "MD009" not in [i["rule"] for f in report["files"] for i in f["issues"]]
    assert report["summary"]["baselined"] > 0


def test_a_new_finding_is_reported_past_the_baseline(docs, tmp_path, capsys):
    baseline = tmp_path / "baseline.json"
    run(capsys, "check", "docs", "--update-baseline", baseline)
    (docs / "b.md").write_text("# Another page about things\n\nText.   \n", encoding="utf-8")
    code, out, _ = run(capsys, "check", "docs", "--baseline", baseline, "--format", "sarif")
    sarif = json.loads(out)
    results = sarif["runs"][0]["results"]
    found = [(r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"], r["ruleId"]) for r in results]
    assert ("docs/b.md", "MD009") in found and ("docs/a.md", "MD009") not in found
    assert sarif["runs"][0]["properties"]["baselined"] > 0


@pytest.mark.parametrize(
    ("content", "words"),
    [('{"schema": "tbcv.baseline/2", "findings": []}', "schema"), ("not json", "not JSON"), ("[]", "schema")],
)
def test_a_baseline_of_another_schema_is_refused(docs, tmp_path, capsys, content, words):
    (tmp_path / "baseline.json").write_text(content, encoding="utf-8")
    code, out, err = run(capsys, "check", "docs", "--baseline", tmp_path / "baseline.json")
    assert code == 2 and out == "" and words in err and "Traceback" not in err


def test_a_missing_baseline_is_a_usage_error(docs, tmp_path, capsys):
    code, _, err = run(capsys, "check", "docs", "--baseline", tmp_path / "none.json")
    assert code == 2 and "--update-baseline" in err


# -- CI formats --------------------------------------------------------------------------------


def test_github_annotations_escape_messages_and_properties(docs, capsys):
    code, out, _ = run(capsys, "check", "docs/a.md", "--format", "github")
    line = next(line for line in out.splitlines() if "MD009" in line)
    assert line.startswith("::warning file=docs/a.md,line=3,col=")
    assert "title=MD009/no-trailing-spaces::Trailing spaces" in line


def test_gitlab_code_quality_entries(docs, capsys):
    code, out, _ = run(capsys, "check", "docs", "--format", "gitlab")
    entries = json.loads(out)
    md009 = next(entry for entry in entries if entry["check_name"] == "MD009")
    assert md009["location"] == {"path": "docs/a.md", "lines": {"begin": 3}} and md009["severity"] == "minor"
    assert len({entry["fingerprint"] for entry in entries}) == len(entries)


def test_sarif_results_carry_their_fixes(docs, capsys):
    code, out, _ = run(capsys, "check", "docs/a.md", "--format", "sarif")
    result = next(r for r in json.loads(out)["runs"][0]["results"] if r["ruleId"] == "MD009")
    replacement = result["fixes"][0]["artifactChanges"][0]["replacements"][0]
    assert replacement["deletedRegion"]["charLength"] == 3 and replacement["insertedContent"]["text"] == ""


# -- markdownlint configuration files -----------------------------------------------------------


def test_markdownlint_files_apply_per_folder(docs, tmp_path, capsys):
    (docs / "sub").mkdir()
    (docs / "sub" / "c.md").write_text(PAGE, encoding="utf-8")
    (docs / "sub" / ".markdownlint.jsonc").write_text('{\n  // this folder allows them\n  "MD009": false,\n}\n')
    _, out, _ = run(capsys, "check", "docs")
    assert "docs/a.md:3:" in out and "docs/sub/c.md:3:" not in out


def test_config_option_takes_a_markdownlint_file(docs, tmp_path, capsys):
    (tmp_path / "lint").mkdir()
    (tmp_path / "lint" / ".markdownlint-cli2.yaml").write_text("config:\n  no-trailing-spaces: false\n")
    _, out, _ = run(capsys, "check", "docs", "--config", tmp_path / "lint" / ".markdownlint-cli2.yaml")
    assert "MD009" not in out


@pytest.mark.parametrize(
    ("name", "text"), [(".markdownlint.json", '{"MD009": false,,}'), (".markdownlint.yaml", "MD009: [\n")]
)
def test_a_malformed_markdownlint_file_is_a_usage_error_naming_it(docs, tmp_path, capsys, name, text):
    (tmp_path / name).write_text(text, encoding="utf-8")
    code, out, err = run(capsys, "check", "docs")
    assert code == 2 and out == "" and name in err and "Traceback" not in err


def test_concurrent_runs_with_workers_share_one_cache_safely(docs, tmp_path):
    import subprocess
    import sys

    for index in range(12):
        (docs / f"more{index}.md").write_text(PAGE + f"\nPage {index}.\n", encoding="utf-8")
    command = [sys.executable, "-m", "tbcv_cli.main", "check", "docs", "--format", "json", "--jobs", "2"]
    runs = [subprocess.Popen(command, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE) for _ in range(3)]
    outputs = [run.communicate(timeout=300) for run in runs]
    assert all(err == b"" for _, err in outputs)
    assert len({out for out, _ in outputs}) == 1
    stored = entries(tmp_path)
    assert len(stored) == 14 and not list((tmp_path / ".tbcv" / "cache").rglob(".tmp-*"))
    assert all(json.loads(entry.read_text(encoding="utf-8"))["schema"] == CACHE_SCHEMA for entry in stored)
