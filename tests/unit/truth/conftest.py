"""Shared fixtures for truth tests: the real registry and a way to build pages."""
from __future__ import annotations

from pathlib import Path

import pytest

from chalicelib.engine.truth import TruthRegistry, load_truth_registry

CONFIG_DIR = Path(__file__).resolve().parents[3] / "config"


@pytest.fixture(scope="session")
def registry() -> TruthRegistry:
    return load_truth_registry(CONFIG_DIR)


def page(text: str, path: str | None = None, front: dict | None = None):
    """A hand-built ParsedDocument for tests of pure helpers (front matter given as data)."""
    from chalicelib.engine.document import FrontMatter, ParsedDocument

    lines = text.split("\n")
    starts, offset = [], 0
    for line in lines:
        starts.append(offset)
        offset += len(line) + 1
    matter = FrontMatter(present=front is not None, data=front)
    return ParsedDocument(text=text, path=path, lines=lines, line_starts=starts, front_matter=matter)
