"""Golden reports: `tbcv check` on the fixture pages gives exactly the committed JSON and text
reports. After an intended change in rules or formats, regenerate them with
`TBCV_UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/golden` and review the diff."""

import json
import os
from pathlib import Path

import pytest

from tbcv_cli.main import main

HERE = Path(__file__).resolve().parent
FIXTURES = sorted(path.name for path in (HERE / "fixtures").glob("*.md"))
UPDATE = os.environ.get("TBCV_UPDATE_GOLDEN") == "1"


def _report(capsys, monkeypatch, name, fmt):
    monkeypatch.chdir(HERE)
    main(["check", f"fixtures/{name}", "--format", fmt, "--jobs", "1", "--config", "golden.tbcv.yaml"])
    out = capsys.readouterr().out
    if fmt == "json":
        data = json.loads(out)
        for file in data["files"]:
            file["ruleset_version"] = "<ruleset version>"  # changes with any rule or config edit
        out = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    return out


@pytest.mark.parametrize("fmt, suffix", [("json", ".json"), ("text", ".txt")])
@pytest.mark.parametrize("name", FIXTURES)
def test_report_matches_the_golden_file(capsys, monkeypatch, name, fmt, suffix):
    golden = HERE / "expected" / (Path(name).stem + suffix)
    actual = _report(capsys, monkeypatch, name, fmt)
    if UPDATE:
        golden.parent.mkdir(exist_ok=True)
        golden.write_text(actual, encoding="utf-8")
    assert actual == golden.read_text(encoding="utf-8")
