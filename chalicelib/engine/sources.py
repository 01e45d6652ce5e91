"""Where the engine's inputs live and one digest of them all: the engine's code (every rule
and its metadata), the configuration folder (profiles, families, truth tables) and any
extra settings. It is computed without importing the rules, so a result cache can be
consulted before the engine is loaded."""

from __future__ import annotations

import hashlib
import json
import os
from functools import lru_cache
from pathlib import Path
from typing import Any

import chalicelib

ENGINE_DIR = Path(__file__).resolve().parent


def config_dir() -> Path:
    """`TBCV_CONFIG_DIR`, else `config/` beside the `chalicelib` package (repo and Lambda zip)."""
    configured = os.environ.get("TBCV_CONFIG_DIR")
    if configured:
        return Path(configured)
    return Path(chalicelib.__file__).resolve().parent.parent / "config"


@lru_cache(maxsize=1)
def engine_source_digest() -> str:
    """A digest of the engine's code: a changed check must not reuse cached results."""
    digest = hashlib.sha256()
    for path in sorted(ENGINE_DIR.rglob("*.py")):
        digest.update(path.relative_to(ENGINE_DIR).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def inputs_digest(settings: Any, directory: Path | None = None) -> str:
    """A digest of the engine's code, every file of the configuration folder and `settings`
    (any JSON-able value: project overrides, options)."""
    folder = directory or config_dir()
    digest = hashlib.sha256(engine_source_digest().encode())
    if folder.is_dir():
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                digest.update(path.relative_to(folder).as_posix().encode() + b"\0" + path.read_bytes())
    digest.update(json.dumps(settings, sort_keys=True, default=str).encode())
    return digest.hexdigest()
