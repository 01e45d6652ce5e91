"""The validation engine: document text + truth tables + ruleset -> report. Pure: no AWS,
no storage, no web framework (enforced by import-linter)."""

from chalicelib.engine.model import Detection, Issue, Report, TextEdit, outcome_of
from chalicelib.engine.validate import validate_document

__all__ = ["Detection", "Issue", "Report", "TextEdit", "outcome_of", "validate_document"]
