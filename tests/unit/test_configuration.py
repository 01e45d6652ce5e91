"""Configuration is documented and fails fast: every setting is in docs/configuration.md
with its real default, every TBCV_ variable the code reads is listed, and a bad value
stops the cold start with the variable's name."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from chalicelib.settings import Settings, SettingsError, get_settings

ROOT = Path(__file__).resolve().parents[2]
DOC = (ROOT / "docs" / "configuration.md").read_text()
ROWS = {
    match[0]: (match[1].strip(), match[2].strip())
    for match in re.findall(r"^\| `([A-Z_]+)` \| ([^|]+)\| ([^|]+)\|", DOC, flags=re.M)
}


def _documented_default(value) -> str:
    if value is None:
        return "(unset)"
    if value == "":
        return "(empty)"
    if isinstance(value, (tuple, list, dict)):
        return f"`{json.dumps(list(value) if isinstance(value, tuple) else value)}`"
    return f"`{value}`"


@pytest.mark.parametrize("field", sorted(Settings.model_fields))
def test_every_setting_is_documented_with_its_default_and_an_example(field):
    variable = f"TBCV_{field.upper()}"
    assert variable in ROWS, f"{variable} is not in docs/configuration.md"
    default, example = ROWS[variable]
    info = Settings.model_fields[field]
    expected = info.default_factory() if info.default_factory else info.default
    assert default == _documented_default(expected), variable
    assert example.startswith("`") and len(example) > 2, variable


def test_every_tbcv_variable_the_code_reads_is_documented():
    sources = [
        ROOT / "app.py",
        *ROOT.glob("chalicelib/**/*.py"),
        *ROOT.glob("local_aws/*.py"),
        *ROOT.glob("tbcv_cli/**/*.py"),
        *ROOT.glob("scripts/*"),
    ]
    used = {
        name
        for path in sources
        if path.is_file()
        for name in re.findall(r"\bTBCV_[A-Z0-9_]*[A-Z0-9]\b", path.read_text(errors="ignore"))
    }
    assert used - set(ROWS) == set()


def test_every_documented_example_is_a_valid_value(monkeypatch):
    for variable, (_, example) in ROWS.items():
        field = variable[len("TBCV_") :].lower()
        if field in Settings.model_fields:
            monkeypatch.setenv(variable, example.strip("`"))
    get_settings.cache_clear()
    try:
        get_settings()
    finally:
        get_settings.cache_clear()


@pytest.mark.parametrize(
    "variable, value",
    [
        ("TBCV_MAX_DOCUMENT_BYTES", "-1"),
        ("TBCV_STAGE", "Prod!"),
        ("TBCV_WATCHED_PREFIX", "/absolute"),
        ("TBCV_MAX_CHANGE_RATIO", "2"),
        ("TBCV_API_TOKENS", "not json"),
    ],
)
def test_a_bad_value_fails_with_the_variables_name(monkeypatch, variable, value):
    monkeypatch.setenv(variable, value)
    get_settings.cache_clear()
    try:
        with pytest.raises(SettingsError, match=variable):
            get_settings()
    finally:
        get_settings.cache_clear()


def test_the_cold_start_fails_fast_naming_the_bad_variable():
    env = {**os.environ, "TBCV_MAX_DOCUMENT_BYTES": "zero"}
    result = subprocess.run(
        [sys.executable, "-c", "import app"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode != 0
    assert "TBCV_MAX_DOCUMENT_BYTES" in result.stderr.splitlines()[-1]
