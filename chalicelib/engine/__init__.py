"""The validation engine: document text + truth tables + ruleset -> report. Pure: no AWS,
no storage, no web framework (enforced by import-linter).

The names below load on first use (PEP 562), so a light submodule (the model, the report
writers) can be imported without loading every rule: `tbcv check` answers from its result
cache without importing the rules at all."""

from __future__ import annotations

from importlib import import_module
from typing import Any

_EXPORTS = {
    "Detection": "chalicelib.engine.model",
    "Issue": "chalicelib.engine.model",
    "Report": "chalicelib.engine.model",
    "TextEdit": "chalicelib.engine.model",
    "outcome_of": "chalicelib.engine.model",
    "validate_document": "chalicelib.engine.validate",
}
__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(module), name)
