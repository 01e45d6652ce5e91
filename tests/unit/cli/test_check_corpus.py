"""`tbcv check` over the real corpus: schema-valid JSON, no rule failing on any page, and the
same output whatever the job count."""

import json
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

REPO = Path(__file__).resolve().parents[3]
CORPUS = REPO.parent / "shared" / "corpus" / "aspose-words-java"
CORPUS_ARG = "../shared/corpus/aspose-words-java"


def check_corpus(jobs: int) -> tuple[int, str]:
    result = subprocess.run(
        [sys.executable, "-m", "tbcv_cli.main", "check", CORPUS_ARG, "--format", "json", "--jobs", str(jobs)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode in (0, 1), result.stderr
    return result.returncode, result.stdout


@pytest.fixture(scope="module")
def one_job():
    return check_corpus(1)


def test_corpus_report_validates_against_the_published_schema(one_job):
    schema = json.loads((REPO / "schemas" / "tbcv-report-1.schema.json").read_text())
    jsonschema.Draft202012Validator(schema).validate(json.loads(one_job[1]))


def test_every_corpus_page_is_reported_with_its_path_as_given(one_job):
    files = json.loads(one_job[1])["files"]
    assert len(files) == len(list(CORPUS.rglob("*.md")))
    assert all(f["path"].startswith(CORPUS_ARG + "/") for f in files)
    assert [f["path"] for f in files] == sorted(f["path"] for f in files)


def test_no_rule_fails_on_any_corpus_page(one_job):
    from chalicelib.engine.validate import RULE_FAILED

    failures = [
        (f["path"], i["rule"])
        for f in json.loads(one_job[1])["files"]
        for i in f["issues"]
        if i["message"].startswith(RULE_FAILED)
    ]
    assert failures == []


def test_corpus_output_is_identical_with_one_and_two_jobs(one_job):
    assert check_corpus(2) == one_job
