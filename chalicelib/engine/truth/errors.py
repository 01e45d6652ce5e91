"""Errors raised while loading truth tables or choosing a family."""

from __future__ import annotations


class TruthTableError(ValueError):
    """A truth table file is malformed: names the file, the field path and the reason."""

    def __init__(self, file: str, field: str, reason: str) -> None:
        self.file = file
        self.field = field
        self.reason = reason
        super().__init__(f"{file}: {field or '<root>'}: {reason}")


class UnknownFamilyError(ValueError):
    """An explicitly requested family has no truth table."""

    def __init__(self, family: str, known: list[str]) -> None:
        self.family = family
        self.known = known
        super().__init__(f"unknown family {family!r}; known families: {', '.join(known) or 'none'}")
