"""Shared helpers for truth tests: the real registry, parsed pages and rule runs."""

from __future__ import annotations

from pathlib import Path

import pytest

import chalicelib.engine.rules  # noqa: F401 - registers every rule, the truth rules included
from chalicelib.engine.parse import parse_document
from chalicelib.engine.rules.registry import REGISTRY, CheckContext, Finding
from chalicelib.engine.truth import TruthRegistry, load_truth_registry

CONFIG_DIR = Path(__file__).resolve().parents[3] / "config"
JAVA_PAGE = "content/words/java/page.md"
FRONT = "---\ntitle: Convert a document\ndescription: How to convert a document with Aspose.Words.\n---\n"


@pytest.fixture(scope="session")
def registry() -> TruthRegistry:
    return load_truth_registry(CONFIG_DIR)


def context(registry: TruthRegistry, text: str, path: str | None = JAVA_PAGE, family: str | None = "words"):
    return CheckContext(doc=parse_document(text, path), family=family, truth=registry)


def run_rule(
    registry: TruthRegistry,
    rule_id: str,
    text: str,
    path: str | None = JAVA_PAGE,
    family: str | None = "words",
    **params,
) -> list[Finding]:
    """The findings of one registered rule on a page, with its default params overridden."""
    rule = REGISTRY[rule_id]
    return list(rule.check(context(registry, text, path, family), rule.meta.resolve_params(params)))


def java_block(code: str, label: str = "java") -> str:
    return f"{FRONT}\nExample:\n\n```{label}\n{code}\n```\n"
